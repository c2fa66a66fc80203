"""The files of a report: an XLSX workbook and a PDF laid out as a state administrative document.

Both are pure functions of the snapshot dict built by reports.summaries (and stored on the
Report): no database access, so a stored snapshot can be rendered again at any time and gives
the same figures. A snapshot read back from the JSONField has string keys where the builder used
ints (the gap counts per criterion number); both are accepted.

Layout of the PDF follows Nghị định 30/2020/NĐ-CP (Phụ lục I): A4 portrait, margins 20/15/20/30 mm,
Times-compatible type (Tinos) at 13 pt, the issuing body top left, the national title and motto
top right, number and symbol, place and date, title, content, signature and recipients.
"""

import io
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

NO_DATA = "Chưa có dữ liệu"
DOC_SYMBOL = "BC-UBND"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "tinos"

# The centrally-run cities after the 2025 reform: their people's committee reads "THÀNH PHỐ …".
# (The snapshot carries the city's name, not its kind.)
CENTRAL_CITIES = {"hà nội", "hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế"}
UNIT_PREFIXES = ("tỉnh ", "thành phố ", "tp. ")

# --- shared helpers ----------------------------------------------------------------------------------------


def _criterion_key(number) -> tuple:
    """Natural order of criterion numbers: 2 before 10, "3a" after "3"."""
    parts = re.split(r"(\d+)", str(number))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def _criterion_cell(number):
    """A criterion number is an identifier stored as text; plain digits become an int cell."""
    text = str(number)
    return int(text) if text.isdigit() else text


def _month_label(label: str | None) -> str:
    """Normalise a period label: "Month 11/2026" or "Tháng 11/2026" (builder's language) → "Tháng 11/2026"."""
    if not label:
        return ""
    match = re.search(r"(\d{1,2})/(\d{4})", str(label))
    return f"Tháng {int(match[1]):02d}/{match[2]}" if match else str(label)


def _ratio(part, whole) -> float | None:
    return part / whole if whole else None


def _date(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _gap_numbers(snapshot: dict) -> list[str]:
    """Criterion numbers as columns: those of the set in its order, then any others found in the gaps."""
    numbers = [str(c["number"]) for c in snapshot.get("criteria") or []]
    extra = {str(k) for g in snapshot.get("gaps") or [] for k in (g.get("missing") or {})} - set(numbers)
    return numbers + sorted(extra, key=_criterion_key)


def _missing(gap: dict) -> dict[str, int]:
    return {str(k): v for k, v in (gap.get("missing") or {}).items()}


def _scope_name(scope: dict) -> str:
    """The scope as it reads inside a sentence: "Phường Hạc Thành", or "tỉnh Thanh Hóa" for the city."""
    if scope.get("ward"):
        return scope["ward"]
    city = scope["city"]
    folded = city.lower()
    if folded.startswith(UNIT_PREFIXES):
        return city[0].lower() + city[1:]
    return f"thành phố {city}" if folded in CENTRAL_CITIES else f"tỉnh {city}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- XLSX --------------------------------------------------------------------------------------------------

INT, PCT, SIGNED, DATE, TEXT = "int", "pct", "signed", "date", "text"
FORMATS = {INT: "#,##0", PCT: "0.0%", SIGNED: "+#,##0;-#,##0;0", DATE: "dd/mm/yyyy"}
MIN_WIDTH, MAX_WIDTH = 6, 60
BOLD = Font(bold=True)


def _shown_length(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == DATE or isinstance(value, date):
        return 10
    if kind == PCT and isinstance(value, int | float):
        return 6
    if isinstance(value, int | float):
        return len(f"{value:+,}" if kind == SIGNED else f"{value:,}")
    return max(len(line) for line in str(value).splitlines() or [""])


def _write_sheet(
    wb: Workbook,
    title: str,
    columns: list[tuple[str, str]],
    rows: Iterable[list],
    total: list | None = None,
    notes: Iterable[list] = (),
) -> None:
    """One table: a bold frozen header, typed cells with number formats, then a bold total and notes.

    A value's kind comes from its column, unless the row gives a (value, kind) pair for that cell.
    """
    ws = wb.create_sheet(title)
    widths = [len(header) for header, _kind in columns]
    ws.append([header for header, _kind in columns])
    for cell in ws[1]:
        cell.font = BOLD
        cell.alignment = Alignment(vertical="center")

    def put(values: list, bold: bool = False, measure: bool = True) -> None:
        ws.append([v[0] if isinstance(v, tuple) else v for v in values])
        for i, (cell, value) in enumerate(zip(ws[ws.max_row], values, strict=False)):
            kind = value[1] if isinstance(value, tuple) else (columns[i][1] if i < len(columns) else TEXT)
            raw = value[0] if isinstance(value, tuple) else value
            if kind in FORMATS and raw is not None and not isinstance(raw, str):
                cell.number_format = FORMATS[kind]
            if bold:
                cell.font = BOLD
            if measure and i < len(widths):
                widths[i] = max(widths[i], _shown_length(raw, kind))

    for row in rows:
        put(row)
    if total is not None:
        put(total, bold=True)
    notes = list(notes)
    if notes:
        ws.append([])
        for row in notes:  # notes spill over empty cells to the right: they set no width
            put(row, measure=False)
    for i, width in enumerate(widths, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if width + 2 > MAX_WIDTH:  # long names wrap inside the capped column
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def _summary_sheet(wb: Workbook, rows: list[list]) -> None:
    _write_sheet(wb, "Tổng hợp", [("Nội dung", TEXT), ("Giá trị", TEXT)], rows)


def _scope_rows(snapshot: dict) -> list[list]:
    scope = snapshot["scope"]
    criteria_set = snapshot.get("criteria_set")
    rows = [["Phạm vi", _scope_name(scope)[:1].upper() + _scope_name(scope)[1:]], ["Mã đơn vị", scope["code"]]]
    if criteria_set:
        rows += [
            ["Bộ tiêu chí", criteria_set["name"]],
            ["Văn bản ban hành", criteria_set["document"]],
            ["Phiên bản", (criteria_set["version"], INT)],
        ]
    else:
        rows.append(["Bộ tiêu chí", NO_DATA])
    return rows


def _criteria_sheet(wb: Workbook, snapshot: dict, previous_header: str) -> None:
    rows = [
        [
            _criterion_cell(c["number"]),
            c["name"],
            (c["met"], INT),
            (c["assessed"], INT),
            (_ratio(c["met"], c["assessed"]), PCT),
            (c["previous"], INT),
            (c["change"], SIGNED),
        ]
        for c in snapshot.get("criteria") or []
    ]
    _write_sheet(
        wb,
        "Tiêu chí",
        [
            ("Số TT", TEXT),
            ("Tiêu chí", TEXT),
            ("Số đạt", INT),
            ("Số đánh giá", INT),
            ("Tỷ lệ đạt", PCT),
            (previous_header, INT),
            ("Tăng/giảm", SIGNED),
        ],
        rows,
    )


def _units_sheet(wb: Workbook, title: str, unit_list: dict) -> None:
    units = unit_list.get("units") or []
    count = unit_list.get("count", len(units))
    notes = [["", "Tổng số đơn vị", (count, INT)]]
    if count > len(units):
        notes.append(["", f"Danh sách chỉ liệt kê {len(units):,} trên {count:,} đơn vị".replace(",", ".")])
    _write_sheet(
        wb,
        title,
        [("STT", INT), ("Thôn/Tổ dân phố", TEXT), ("Phường/xã", TEXT)],
        [[i, u["name"], u["ward"]] for i, u in enumerate(units, start=1)],
        notes=notes,
    )


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


def _tasks_sheet(wb: Workbook, tasks: dict) -> None:
    rows = tasks.get("by_ward") or []
    _write_sheet(
        wb,
        "Nhiệm vụ",
        [("Mã", TEXT), ("Phường/xã", TEXT), ("Hoàn thành trong kỳ", INT), ("Quá hạn chưa hoàn thành", INT)],
        [[r["code"], r["name"], r["done"], r["overdue"]] for r in rows],
        total=["", "Tổng cộng", tasks["done"], tasks["overdue"]],
        notes=[["", "Nhiệm vụ của các phong trào thi đua giao cho phường/xã và thôn/tổ dân phố"]],
    )


def _recognitions_sheet(wb: Workbook, recognitions: dict) -> None:
    units = recognitions.get("units") or []
    count = recognitions.get("count", len(units))
    notes = [["", "Tổng số đơn vị được công nhận", (count, INT)]]
    if count > len(units):
        notes.append(["", f"Danh sách chỉ liệt kê {len(units):,} trên {count:,} đơn vị".replace(",", ".")])
    _write_sheet(
        wb,
        "Danh hiệu",
        [("STT", INT), ("Đơn vị", TEXT), ("Phường/xã", TEXT), ("Danh hiệu", TEXT), ("Quyết định công nhận", TEXT)],
        [[i, u["name"], u["ward"], u["title"], u["decision"]] for i, u in enumerate(units, start=1)],
        notes=notes,
    )


def _party_cells_sheet(wb: Workbook, party_cells: dict) -> None:
    by_level, rated, cells = party_cells.get("by_level") or {}, party_cells["rated"], party_cells["cells"]
    _write_sheet(
        wb,
        "Chi bộ",
        [("Xếp loại", TEXT), ("Số chi bộ", INT), ("Tỷ lệ trên số đã đánh giá", PCT)],
        [[LEVEL_NAMES.get(level, level), n, _ratio(n, rated)] for level, n in by_level.items()],
        total=["Đã đánh giá, xếp loại", rated, _ratio(rated, rated)],
        notes=[
            ["Tổng số chi bộ", (cells, INT)],
            ["Chưa đánh giá", (max(cells - rated, 0), INT)],
            ["Thang đánh giá", SCALE_NAMES.get(party_cells.get("scale"), party_cells.get("scale") or "")],
        ],
    )


def _monthly_workbook(wb: Workbook, snapshot: dict) -> None:
    period, totals, reporting = snapshot["period"], snapshot["totals"], snapshot.get("reporting") or []
    returned = sum(r["returned"] for r in reporting)
    _summary_sheet(
        wb,
        _scope_rows(snapshot)
        + [
            ["Kỳ báo cáo", f"Tháng {period['number']:02d}/{period['year']}"],
            ["Từ ngày", (_date(period["start"]), DATE)],
            ["Đến ngày", (_date(period["end"]), DATE)],
            ["Hạn nhập số liệu", (_date(period["deadline"]), DATE)],
            ["Kỳ so sánh", _month_label(snapshot.get("previous_period")) or NO_DATA],
            ["Số thôn/TDP", (totals["units"], INT)],
            ["Đã báo cáo", (totals["reported"], INT)],
            ["Tỷ lệ đã báo cáo", (_ratio(totals["reported"], totals["units"]), PCT)],
            ["Đã duyệt", (totals["approved"], INT)],
            ["Trả lại", (returned, INT)],
            ["Đạt chuẩn", (totals["complete"], INT)],
            ["Tỷ lệ đạt chuẩn", (_ratio(totals["complete"], totals["units"]), PCT)],
            ["Chậm báo cáo", (totals["late"], INT)],
            ["Mới đạt chuẩn", (snapshot["newly_complete"]["count"], INT)],
            ["Không còn đạt chuẩn", (snapshot["slipped"]["count"], INT)],
        ]
        + (
            [
                ["Nhiệm vụ hoàn thành trong kỳ", (snapshot["tasks"]["done"], INT)],
                ["Nhiệm vụ quá hạn", (snapshot["tasks"]["overdue"], INT)],
            ]
            if snapshot.get("tasks") is not None
            else []
        ),
    )
    _write_sheet(
        wb,
        "Báo cáo",
        [
            ("Mã", TEXT),
            ("Phường/xã", TEXT),
            ("Số thôn/TDP", INT),
            ("Đã báo cáo", INT),
            ("Đã duyệt", INT),
            ("Trả lại", INT),
            ("Đạt chuẩn", INT),
            ("Chậm báo cáo", INT),
        ],
        [
            [r["code"], r["name"], r["units"], r["reported"], r["approved"], r["returned"], r["complete"], r["late"]]
            for r in reporting
        ],
        total=[
            "",
            "Tổng cộng",
            totals["units"],
            totals["reported"],
            totals["approved"],
            returned,
            totals["complete"],
            totals["late"],
        ],
    )
    if snapshot.get("late_units"):
        _write_sheet(
            wb,
            "Chưa báo cáo",
            [("STT", INT), ("Thôn/Tổ dân phố", TEXT)],
            [[i, name] for i, name in enumerate(snapshot["late_units"], start=1)],
        )
    _criteria_sheet(wb, snapshot, "Tháng trước")
    _units_sheet(wb, "Mới đạt chuẩn", snapshot["newly_complete"])
    _units_sheet(wb, "Không còn đạt", snapshot["slipped"])
    numbers = _gap_numbers(snapshot)
    gaps = snapshot.get("gaps") or []
    rows, column_totals = [], [0] * len(numbers)
    for gap in gaps:
        missing = _missing(gap)
        counts = [missing.get(n, 0) for n in numbers]
        column_totals = [a + b for a, b in zip(column_totals, counts, strict=True)]
        rows.append([gap["code"], gap["name"], *counts, sum(counts)])
    _write_sheet(
        wb,
        "Còn thiếu",
        [("Mã", TEXT), ("Phường/xã", TEXT), *((f"TC {n}", INT) for n in numbers), ("Tổng", INT)],
        rows,
        total=["", "Tổng cộng", *column_totals, sum(column_totals)],
        notes=[["", "Số thôn/TDP chưa đạt từng tiêu chí (TC: tiêu chí, theo số thứ tự của bộ tiêu chí)"]],
    )
    if snapshot.get("tasks") is not None:
        _tasks_sheet(wb, snapshot["tasks"])


def _annual_workbook(wb: Workbook, snapshot: dict) -> None:
    period, totals, previous = snapshot["period"], snapshot["totals"], snapshot["previous_year"]
    _summary_sheet(
        wb,
        _scope_rows(snapshot)
        + [
            ["Năm", (period["year"], TEXT)],
            ["Từ ngày", (_date(period["start"]), DATE)],
            ["Đến ngày", (_date(period["end"]), DATE)],
            ["Số thôn/TDP", (totals["units"], INT)],
            ["Tháng có số liệu gần nhất", _month_label(totals.get("month")) or NO_DATA],
            ["Đã báo cáo", (totals["reported"], INT)],
            ["Đạt chuẩn", (totals["complete"], INT)],
            ["Tỷ lệ đạt chuẩn", (_ratio(totals["complete"], totals["units"]), PCT)],
            ["Đạt chuẩn năm trước", (previous["complete"], INT)],
        ],
    )
    _write_sheet(
        wb,
        "Theo tháng",
        [("Tháng", TEXT), ("Đã báo cáo", INT), ("Đạt chuẩn", INT), ("Tỷ lệ đạt/đã báo cáo", PCT)],
        [
            [_month_label(t["month"]), t["reported"], t["complete"], _ratio(t["complete"], t["reported"])]
            for t in snapshot.get("trend") or []
        ],
    )
    _criteria_sheet(wb, snapshot, "Năm trước")
    _units_sheet(wb, "Đạt chuẩn", snapshot["reaching_standard"])
    _write_sheet(
        wb,
        "Xếp hạng",
        [
            ("Hạng", INT),
            ("Mã", TEXT),
            ("Phường/xã", TEXT),
            ("Số thôn/TDP", INT),
            ("Đạt chuẩn", INT),
            ("Tỷ lệ đạt chuẩn", PCT),
        ],
        [
            [r["rank"], r["code"], r["name"], r["units"], r["complete"], r["share"] / 100]
            for r in snapshot.get("ranking") or []
        ],
    )
    year, before = period["year"], previous["year"]
    _write_sheet(
        wb,
        "So sánh năm trước",
        [("Nội dung", TEXT), (f"Năm {year}", INT), (f"Năm {before}", INT), ("Tăng/giảm", SIGNED)],
        [
            [
                "Tháng có số liệu",
                _month_label(totals.get("month")) or NO_DATA,
                _month_label(previous.get("month")) or NO_DATA,
                None,
            ],
            ["Đã báo cáo", totals["reported"], previous["reported"], totals["reported"] - previous["reported"]],
            ["Đạt chuẩn", totals["complete"], previous["complete"], totals["complete"] - previous["complete"]],
        ],
    )
    if snapshot.get("recognitions") is not None:
        _recognitions_sheet(wb, snapshot["recognitions"])
    if snapshot.get("party_cells") is not None:
        _party_cells_sheet(wb, snapshot["party_cells"])


def xlsx_bytes(snapshot: dict) -> bytes:
    """The snapshot as a workbook, one sheet per section, Vietnamese headers, typed cells.

    Sections None in the snapshot (tasks; recognitions, party cells: a snapshot built before they were
    recorded) have no sheet; otherwise they get "Nhiệm vụ", "Danh hiệu" and "Chi bộ". Late units get a
    sheet "Chưa báo cáo" only when there are some (ward scope, past the deadline).
    """
    wb = Workbook()
    wb.remove(wb.active)
    if snapshot["kind"] == "monthly":
        _monthly_workbook(wb, snapshot)
    elif snapshot["kind"] == "annual":
        _annual_workbook(wb, snapshot)
    else:
        raise ValueError(f"unknown report kind {snapshot['kind']!r}")
    wb.properties.creator = wb.properties.lastModifiedBy = "kieumau-portal"
    wb.properties.title = _title(snapshot)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF ---------------------------------------------------------------------------------------------------


def _num(value, decimals: int | None = None) -> str:
    """1.234 and 12,5 — Vietnamese separators whatever language is active."""
    if value is None:
        return "—"
    with translation.override("vi"):
        return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _pct(part, whole=100) -> str:
    """A share as "12,5%" ("50%", not "50,0%"); "—" when there is nothing to divide by."""
    if not whole:
        return "—"
    share = round(100 * part / whole, 1)
    return _num(int(share) if share == int(share) else share) + "%"


def _signed(value: int) -> str:
    return f"+{_num(value)}" if value > 0 else f"−{_num(-value)}" if value < 0 else "0"


def _dmy(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _place_date(place: str, day: date) -> str:
    """NĐ 30: a day below 10 and the months 1 and 2 take a leading zero ("ngày 05 tháng 02", "tháng 3")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _issuing_body(scope: dict) -> tuple[str, str]:
    return "ỦY BAN NHÂN DÂN", _scope_name(scope).upper()


def _title(snapshot: dict) -> str:
    period = snapshot["period"]
    if snapshot["kind"] == "monthly":
        return f"Kết quả thực hiện tiêu chí kiểu mẫu tháng {period['number']:02d}/{period['year']}"
    return f"Kết quả thực hiện tiêu chí kiểu mẫu năm {period['year']}"


def _symbol(number: str) -> str:
    """Number and symbol: "15" → "15/BC-UBND"; a full symbol (as Report.number is often filled in) stays."""
    number = (number or "").strip()
    if not number:
        return ""
    return number if "/" in number else f"{number}/{DOC_SYMBOL}"


def _by_ward(unit_list: dict) -> dict:
    """Unit names grouped by ward, in the builder's order, with the exact count and whether names were capped."""
    groups: dict[str, list[str]] = {}
    for unit in unit_list.get("units") or []:
        groups.setdefault(unit["ward"], []).append(unit["name"])
    count = unit_list.get("count", 0)
    shown = len(unit_list.get("units") or [])
    return {
        "count": _num(count),
        "capped": count > shown,
        "shown": _num(shown),
        "groups": [{"ward": ward, "names": names, "count": _num(len(names))} for ward, names in groups.items()],
    }


def _criteria_rows(snapshot: dict) -> list[dict]:
    return [
        {
            "number": str(c["number"]),
            "name": c["name"],
            "met": _num(c["met"]),
            "assessed": _num(c["assessed"]),
            "share": _pct(c["met"], c["assessed"]),
            "previous": _num(c["previous"]),
            "change": _signed(c["change"]),
        }
        for c in snapshot.get("criteria") or []
    ]


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _tasks_context(tasks: dict | None) -> dict | None:
    if tasks is None:
        return None
    return {
        "done": _num(tasks["done"]),
        "overdue": _num(tasks["overdue"]),
        "by_ward": [
            {"name": r["name"], "done": _num(r["done"]), "overdue": _num(r["overdue"])}
            for r in tasks.get("by_ward") or []
        ],
    }


def _recognitions_context(recognitions: dict | None) -> dict | None:
    if recognitions is None:
        return None
    units = recognitions.get("units") or []
    count = recognitions.get("count", len(units))
    return {
        "count": _num(count),
        "capped": count > len(units),
        "shown": _num(len(units)),
        "units": [
            {"name": u["name"], "ward": u["ward"], "title": u["title"], "decision": u["decision"]} for u in units
        ],
    }


def _party_cells_context(party_cells: dict | None) -> dict | None:
    if party_cells is None:
        return None
    rated, cells = party_cells["rated"], party_cells["cells"]
    return {
        "scale": SCALE_NAMES.get(party_cells.get("scale"), party_cells.get("scale") or ""),
        "rated": _num(rated),
        "cells": _num(cells),
        "unrated": _num(max(cells - rated, 0)),
        "levels": [
            {"name": LEVEL_NAMES.get(level, level), "count": _num(n), "share": _pct(n, rated)}
            for level, n in (party_cells.get("by_level") or {}).items()
        ],
    }


def _monthly_context(snapshot: dict) -> dict:
    totals, reporting = snapshot["totals"], snapshot.get("reporting") or []
    returned = sum(r["returned"] for r in reporting)
    numbers = _gap_numbers(snapshot)
    gaps = []
    for gap in snapshot.get("gaps") or []:
        missing = _missing(gap)
        items = [f"TC {n}: {_num(missing[n])}" for n in numbers if missing.get(n)]
        if items:
            gaps.append({"name": gap["name"], "items": "; ".join(items), "total": _num(sum(missing.values()))})
    return {
        "previous_period": _month_label(snapshot.get("previous_period")),
        "totals": {
            "units": _num(totals["units"]),
            "reported": _num(totals["reported"]),
            "reported_share": _pct(totals["reported"], totals["units"]),
            "approved": _num(totals["approved"]),
            "returned": _num(returned),
            "complete": _num(totals["complete"]),
            "complete_share": _pct(totals["complete"], totals["units"]),
            "late": _num(totals["late"]),
            "late_count": totals["late"],
        },
        "reporting": [
            {
                "name": r["name"],
                "units": _num(r["units"]),
                "reported": _num(r["reported"]),
                "approved": _num(r["approved"]),
                "returned": _num(r["returned"]),
                "complete": _num(r["complete"]),
                "late": _num(r["late"]),
            }
            for r in reporting
        ],
        "late_units": snapshot.get("late_units") or [],
        "newly_complete": _by_ward(snapshot["newly_complete"]),
        "slipped": _by_ward(snapshot["slipped"]),
        "gaps": gaps,
        "tasks": _tasks_context(snapshot.get("tasks")),
    }


def _annual_context(snapshot: dict) -> dict:
    totals, previous = snapshot["totals"], snapshot["previous_year"]
    return {
        "totals": {
            "units": _num(totals["units"]),
            "month": _month_label(totals.get("month")),
            "reported": _num(totals["reported"]),
            "complete": _num(totals["complete"]),
            "complete_share": _pct(totals["complete"], totals["units"]),
        },
        "trend": [
            {
                "month": _month_label(t["month"]),
                "reported": _num(t["reported"]),
                "complete": _num(t["complete"]),
                "share": _pct(t["complete"], t["reported"]),
            }
            for t in snapshot.get("trend") or []
        ],
        "reaching": _by_ward(snapshot["reaching_standard"]),
        "ranking": [
            {
                "rank": str(r["rank"]),
                "name": r["name"],
                "units": _num(r["units"]),
                "complete": _num(r["complete"]),
                "share": _pct(r["share"]),
            }
            for r in snapshot.get("ranking") or []
        ],
        "previous": {
            "year": str(previous["year"]),
            "month": _month_label(previous.get("month")),
            "reported": _num(previous["reported"]),
            "complete": _num(previous["complete"]),
            "reported_change": _signed(totals["reported"] - previous["reported"]),
            "complete_change": _signed(totals["complete"] - previous["complete"]),
        },
        "recognitions": _recognitions_context(snapshot.get("recognitions")),
        "party_cells": _party_cells_context(snapshot.get("party_cells")),
    }


def _annual_parts(snapshot: dict) -> dict:
    """The numbers of the annual report's parts after the first three: some are there only for a city or
    when the snapshot has the section."""
    names = ["ranking"] if not snapshot["scope"].get("ward") else []
    names.append("compare")
    names += [name for name in ("recognitions", "party_cells") if snapshot.get(name) is not None]
    return {name: ROMAN[i] for i, name in enumerate(names, start=3)}


def pdf_context(
    snapshot: dict, *, number: str = "", place: str = "", signer_title: str = "", issued_on: date | None = None
) -> dict:
    """Everything the template shows, already formatted as text (numbers 1.234 and 12,5; dates dd/mm/yyyy).

    No int reaches the template: with USE_THOUSAND_SEPARATOR it would print the year 2026 as "2.026".
    """
    scope, period = snapshot["scope"], snapshot["period"]
    scope_name = _scope_name(scope)
    line1, line2 = _issuing_body(scope)
    criteria_set = snapshot.get("criteria_set")
    context = {
        "font_dir": FONT_DIR.as_uri(),
        "kind": snapshot["kind"],
        "body_line1": line1,
        "body_line2": line2,
        "symbol": _symbol(number),
        "doc_symbol": DOC_SYMBOL,
        "place_date": _place_date((place or "").strip() or scope["city"], issued_on or timezone.localdate()),
        "title": _title(snapshot),
        "scope_line": f"trên địa bàn {_lower_first(scope_name)}",
        "is_city": not scope.get("ward"),
        "has_units": snapshot["totals"]["units"] > 0,
        "period": {
            "year": str(period["year"]),
            "start": _dmy(period["start"]),
            "end": _dmy(period["end"]),
            "deadline": _dmy(period.get("deadline")),
        },
        "criteria_set": criteria_set,
        "criteria": _criteria_rows(snapshot),
        # "Phó Chủ tịch", or two lines for a deputy: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".
        "signer_lines": [line.strip().upper() for line in (signer_title or "").splitlines() if line.strip()]
        or ["CHỦ TỊCH"],
    }
    if snapshot["kind"] == "monthly":
        context.update(_monthly_context(snapshot))
    else:
        context.update(_annual_context(snapshot), parts=_annual_parts(snapshot))
    return context


def pdf_bytes(
    snapshot: dict, *, number: str = "", place: str = "", signer_title: str = "", issued_on: date | None = None
) -> bytes:
    """The snapshot as a signed-ready report: A4, NĐ 30/2020 header, numbered parts, signature and recipients."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    context = pdf_context(snapshot, number=number, place=place, signer_title=signer_title, issued_on=issued_on)
    with translation.override("vi"):
        html = render_to_string("reports/pdf/summary.html", context)
    font_config = FontConfiguration()
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf(font_config=font_config)
