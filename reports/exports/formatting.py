"""What the workbook and the PDF word the same way: the scope, the month, criterion numbers, states, levels."""

import re

from django.utils import translation
from django.utils.formats import number_format

from portal.numbers import percent

NO_DATA = "Chưa có dữ liệu"

# The centrally-run cities after the 2025 reform: their people's committee reads "THÀNH PHỐ …".
# (The snapshot carries the city's name, not its kind.)
CENTRAL_CITIES = {"hà nội", "hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế"}
UNIT_PREFIXES = ("tỉnh ", "thành phố ", "tp. ")

LEVEL_NAMES = {  # the four levels of a party cell's rating, as the Party's documents write them
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "fulfilled": "Hoàn thành nhiệm vụ",
    "not_fulfilled": "Không hoàn thành nhiệm vụ",
}
SCALE_NAMES = {
    "points": "Thang 100 điểm (Quy định 366-QĐ/TW)",
    "levels": "Bốn mức xếp loại (Quy định 124-QĐ/TW)",
}
STATUS_NAMES = {  # a unit's reporting state (campaigns.results.figures.unit_status)
    "on_time": "Đúng hạn",
    "late": "Chậm hạn",
    "returned": "Trả lại – đang chỉnh sửa",
    "draft": "Nháp – chưa gửi",
    "none": "Chưa nhập",
}
NOT_REPORTED = ("returned", "draft", "none")  # the states that leave a unit "not reported"
EXAMPLE_MARK = "(*)"
EXAMPLE_NOTE = (
    "(*) Ngưỡng đánh giá là số liệu tham khảo, chưa được cấp có thẩm quyền quy định; "
    "kết quả “đạt” theo tiêu chí này chỉ có giá trị tham khảo."
)


def criterion_key(number) -> tuple:
    """Natural order of criterion numbers: 2 before 10, "3a" after "3"."""
    parts = re.split(r"(\d+)", str(number))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def month_label(label: str | None) -> str:
    """Normalise a period label: "Month 11/2026" or "Tháng 11/2026" (builder's language) → "Tháng 11/2026"."""
    if not label:
        return ""
    match = re.search(r"(\d{1,2})/(\d{4})", str(label))
    return f"Tháng {int(match[1]):02d}/{match[2]}" if match else str(label)


def gap_numbers(snapshot: dict) -> list[str]:
    """Criterion numbers as columns: those of the set in its order, then any others found in the gaps."""
    numbers = [str(c["number"]) for c in snapshot.get("criteria") or []]
    extra = {str(k) for g in snapshot.get("gaps") or [] for k in (g.get("missing") or {})} - set(numbers)
    return numbers + sorted(extra, key=criterion_key)


def criterion_name(criterion: dict) -> str:
    """The criterion's name, marked "(*)" when its threshold is an example rather than read from a legal text."""
    return f"{criterion['name']} {EXAMPLE_MARK}" if criterion.get("example") else criterion["name"]


def status_name(status: str | None) -> str:
    return STATUS_NAMES.get(status or "none", status or "")


def missing_text(numbers) -> str:
    """Criterion numbers a unit lacks, in the order of its criteria set: "2, 4, 10", "II, IV"."""
    return ", ".join(str(n) for n in numbers or [])


def missing_by_number(gap: dict) -> dict[str, int]:
    """A ward's gap counts keyed by criterion number as text, whether the snapshot has int or str keys."""
    return {str(k): v for k, v in (gap.get("missing") or {}).items()}


def scope_name(scope: dict) -> str:
    """The scope as it reads inside a sentence: "Phường Hạc Thành", or "tỉnh Thanh Hóa" for the city."""
    if scope.get("ward"):
        return scope["ward"]
    city = scope["city"]
    folded = city.lower()
    if folded.startswith(UNIT_PREFIXES):
        return city[0].lower() + city[1:]
    return f"thành phố {city}" if folded in CENTRAL_CITIES else f"tỉnh {city}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def report_title(snapshot: dict) -> str:
    """The report's title, also the workbook's, naming the programme it counts: "Kết quả thực hiện tiêu chí
    “Thôn, tổ dân phố văn hóa” tháng 11/2026". A snapshot of before programmes side by side records none:
    "Kết quả thực hiện tiêu chí kiểu mẫu tháng 11/2026"."""
    period = snapshot["period"]
    if snapshot["kind"] == "monthly":
        when = f"tháng {period['number']:02d}/{period['year']}"
    else:
        when = f"năm {period['year']}"
    programme = snapshot.get("programme")
    if programme:
        return f"Kết quả thực hiện tiêu chí “{programme['name']}” {when}"
    return f"Kết quả thực hiện tiêu chí kiểu mẫu {when}"


def is_ward_programme(snapshot: dict) -> bool:
    """Whether the report is a ward-level programme's: its units are the wards (reports.summaries)."""
    return (snapshot.get("programme") or {}).get("level") == "ward"


def vi_number(value, decimals: int | None = None) -> str:
    """1.234 and 12,5 — Vietnamese separators whatever language is active; "—" for None."""
    if value is None:
        return "—"
    with translation.override("vi"):
        return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def vi_percent(part, whole=100) -> str:
    """A share as the portal writes every share: "12,5 %", "50,0 %"; "—" when there is nothing to divide by."""
    with translation.override("vi"):
        return percent(part, whole)
