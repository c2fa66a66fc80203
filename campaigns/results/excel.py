"""Results of a ward's neighbourhoods in bulk, through an Excel workbook.

Staff download a template for one ward and period (one row per neighbourhood
and entered indicator, Vietnamese headers, current values filled in), fill it
in and upload it back. The upload is all-or-nothing: every row is checked
first, every error is reported with its sheet, row and column, and nothing is
written unless the whole file is valid. Uploading the same file again changes
nothing: only rows whose value or note differs from what is saved are written.

An empty "Giá trị" or "Ghi chú" cell keeps what is saved: the workbook cannot
erase a value (the entry form can), so a template downloaded before a colleague
entered a value does not wipe it out. The file is otherwise read as a snapshot
of "now": each change is saved against the current version of its result, so
edits made in the entry form between download and upload are overwritten by
the file where both changed the same value (this is shown in the preview).

The headers, the yes/no words and the instructions sheet are the file format
and are Vietnamese whatever the interface language; error messages follow the
interface language.
"""

import hashlib
import io
import math
import re
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import NUMERIC_KINDS, Comparator, IndicatorKind, display
from campaigns.criteria.models import Indicator
from campaigns.results import services
from campaigns.results.models import Period, Result, Submission
from portal import scope
from portal.vietnamese import fold
from wards.models import Neighbourhood, Ward

MAX_ROWS = 100_000  # data rows under the header
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# What the workbook may unpack to (sum of the sizes its zip directory declares; zipfile enforces them).
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
MAX_TEXT = 2000  # characters of a note or a text answer, as in the entry form
# Result.value is DecimalField(max_digits=18, decimal_places=4).
PLACES = Decimal("0.0001")
LIMIT = Decimal(10) ** 14

SHEET = "Kết quả"
GUIDE_SHEET = "Hướng dẫn"
COL_UNIT = "Mã thôn/TDP"
COL_UNIT_NAME = "Thôn, tổ dân phố"
COL_CODE = "Mã chỉ tiêu"
COL_NAME = "Chỉ tiêu"
COL_THRESHOLD = "Ngưỡng"
COL_VALUE = "Giá trị"
COL_NOTE = "Ghi chú"
HEADERS = [COL_UNIT, COL_UNIT_NAME, COL_CODE, COL_NAME, COL_THRESHOLD, COL_VALUE, COL_NOTE]
WIDTHS = [13, 32, 12, 70, 16, 14, 40]
YES, NO = "Có", "Không"

# Columns read back, by folded header; the others (names, threshold) are there for people.
_READ = {
    "unit": (COL_UNIT, ("ma thon/tdp", "ma thon/to dan pho", "ma thon, to dan pho")),
    "code": (COL_CODE, ("ma chi tieu",)),
    "value": (COL_VALUE, ("gia tri",)),
    "note": (COL_NOTE, ("ghi chu",)),
}
_REQUIRED = ("unit", "code", "value")
_YES_WORDS = {"co", "x", "1", "dat", "yes", "true", "y"}
_NO_WORDS = {"khong", "0", "khong dat", "no", "false", "n"}
_MAX_COL = 30  # columns looked at for the header
_KEYWORDS = re.compile(r"^kieumau:(?P<ward>[^:]+):(?P<period>\d+)$")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # what openpyxl refuses to write


# --- results of a check ------------------------------------------------------


class UploadError(NamedTuple):
    sheet: str
    row: int | None  # None: the file as a whole
    column: str  # "F (Giá trị)", or "" for the file as a whole
    message: str

    def __str__(self) -> str:
        if self.row:
            return _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return self.message


@dataclass
class UploadRow:
    """One valid row of the file, against what is saved now."""

    row: int
    neighbourhood: Neighbourhood
    indicator: Indicator
    submission: Submission  # unsaved when the unit has no results for the period yet
    value: Decimal | None  # numbers and yes/no (1/0)
    text: str  # text answers
    note: str
    old_value: Decimal | None
    old_text: str
    old_note: str
    has_result: bool

    @property
    def value_changed(self) -> bool:
        return (self.value, self.text) != (self.old_value, self.old_text)

    @property
    def note_changed(self) -> bool:
        return self.note != self.old_note

    @property
    def changed(self) -> bool:
        return self.value_changed or self.note_changed

    def _raw(self, value, text):
        return text if self.indicator.kind == IndicatorKind.TEXT else value

    @property
    def old_display(self) -> str:
        return display(self.indicator.kind, self._raw(self.old_value, self.old_text)) if self.has_result else "—"

    @property
    def new_display(self) -> str:
        return display(self.indicator.kind, self._raw(self.value, self.text))

    def key(self) -> str:
        return "|".join(
            str(x)
            for x in (
                self.neighbourhood.pk,
                self.indicator.pk,
                self.old_value,
                self.old_text,
                self.old_note,
                self.value,
                self.text,
                self.note,
            )
        )


@dataclass
class UploadResult:
    sheet: str = SHEET
    errors: list[UploadError] = field(default_factory=list)
    rows: list[UploadRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    saved: int = 0  # results written by upload_apply
    # Where the template says it was made for (ward code, period id), and the column labels found.
    origin: tuple[str, int] | None = field(default=None, repr=False)
    labels: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> list[UploadRow]:
        return [r for r in self.rows if r.changed]

    @property
    def digest(self) -> str:
        """A fingerprint of the planned changes, to confirm exactly what the preview showed."""
        h = hashlib.sha256()
        for row in self.changes:
            h.update(row.key().encode())
            h.update(b"\n")
        return h.hexdigest()

    def error(self, row: int | None, column: str, message: str) -> None:
        self.errors.append(UploadError(self.sheet, row, column, message))


class _CellError(Exception):
    """A cell that cannot be read; the message says why."""


# --- units, sets and what is saved ---------------------------------------------


@dataclass
class _Unit:
    neighbourhood: Neighbourhood
    submission: Submission  # unsaved when none exists yet
    indicators: list[Indicator]
    results: dict[int, Result]  # by indicator id; carried-over yearly values for an unsaved submission


def _units(ward: Ward, period: Period) -> list[_Unit]:
    """The ward's current neighbourhoods that have a criteria set in the period, with what is saved.

    The set is the submission's when one exists (results belong to it), otherwise
    `services.criteria_set_for`. A few queries whatever the number of units.
    """
    hoods = list(ward.neighbourhoods.current(period.end).order_by("search_key"))
    existing = {
        s.neighbourhood_id: s
        for s in Submission.objects.filter(period=period, neighbourhood__in=hoods).select_related(
            "criteria_set", "period", "ward"
        )
    }
    sets_by_kind = {}
    pairs = []
    for hood in hoods:
        submission = existing.get(hood.pk)
        if submission is None:
            if hood.kind not in sets_by_kind:
                sets_by_kind[hood.kind] = services.criteria_set_for(hood, period)
            criteria_set = sets_by_kind[hood.kind]
            if criteria_set is None:
                continue
            submission = Submission(criteria_set=criteria_set, period=period, ward=ward, neighbourhood=hood)
        pairs.append((hood, submission))
    set_ids = {s.criteria_set_id for _h, s in pairs}
    indicators = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(criterion__criteria_set_id__in=set_ids)
        .select_related("criterion")
        .order_by("criterion__order", "order", "id")
    ):
        indicators[indicator.criterion.criteria_set_id].append(indicator)
    results = defaultdict(dict)
    for result in Result.objects.filter(submission__in=[s for _h, s in pairs if s.pk]):
        results[result.submission_id][result.indicator_id] = result
    carried = _carried_over(ward, period, [(h, s) for h, s in pairs if s.pk is None])
    units = []
    for hood, submission in pairs:
        saved = results[submission.pk] if submission.pk else carried.get(hood.pk, {})
        units.append(_Unit(hood, submission, indicators[submission.criteria_set_id], saved))
    return units


def _carried_over(ward: Ward, period: Period, pairs: list[tuple]) -> dict[int, dict[int, Result]]:
    """What a new submission will start with: the year's latest yearly values (services._carry_over_yearly).

    Read only, so the template and the preview show what the unit will hold once its submission exists.
    """
    if not pairs:
        return {}
    set_of = {hood.pk: submission.criteria_set_id for hood, submission in pairs}
    earlier = (
        Result.objects.filter(
            submission__ward=ward,
            submission__neighbourhood__in=list(set_of),
            submission__period__kind=period.kind,
            submission__period__year=period.year,
            submission__period__start__lt=period.start,
            indicator__frequency=Indicator.Frequency.YEARLY,
        )
        .select_related("submission")
        .order_by("indicator_id", "-submission__period__start")
    )
    latest = defaultdict(dict)
    for result in earlier:
        hood_id = result.submission.neighbourhood_id
        if result.submission.criteria_set_id == set_of[hood_id]:
            latest[hood_id].setdefault(result.indicator_id, result)
    return latest


# --- the template ----------------------------------------------------------------


def threshold_text(indicator: Indicator, zone: str | None) -> str:
    """ "≥ 90 %", "Có", "" …: what the indicator asks for, as written in the file (Vietnamese)."""
    threshold = indicator.threshold_for(zone)
    if indicator.kind == IndicatorKind.TEXT:
        return ""
    if indicator.kind == IndicatorKind.BOOLEAN:
        return NO if threshold is not None and threshold == 0 else YES
    if threshold is None:
        return ""
    with translation.override("vi"):
        number = display(indicator.kind, threshold)
    text = f"{Comparator(indicator.comparator).label} {number}"
    return f"{text} {indicator.unit}".strip()


def _cell_value(indicator: Indicator, result: Result | None):
    if result is None:
        return None
    if indicator.kind == IndicatorKind.TEXT:
        return result.text or None
    if result.value is None:
        return None
    if indicator.kind == IndicatorKind.BOOLEAN:
        return YES if result.value else NO
    number = result.value.normalize()
    return int(number) if number == number.to_integral_value() else float(number)


def _put_text(cell, text: str | None) -> None:
    """A text cell that stays text, even when it starts with "=" (never a formula in our own file)."""
    if not text:
        return
    cell.value = _ILLEGAL.sub("", text)
    cell.data_type = "s"


def template_build(*, ward: Ward, period: Period) -> bytes:
    """The workbook staff fill in: one row per current neighbourhood and entered indicator."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=False)
    sheet.add_data_validation(yes_no)

    row = 1
    for unit in _units(ward, period):
        for indicator in unit.indicators:
            if indicator.source:
                continue  # computed from the yearly profile, never entered
            row += 1
            result = unit.results.get(indicator.pk)
            sheet.cell(row, 1, unit.neighbourhood.pk)
            _put_text(sheet.cell(row, 2), unit.neighbourhood.name)
            _put_text(sheet.cell(row, 3), indicator.code)
            _put_text(sheet.cell(row, 4), indicator.name)
            _put_text(sheet.cell(row, 5), threshold_text(indicator, ward.zone))
            value = _cell_value(indicator, result)
            if isinstance(value, str):
                _put_text(sheet.cell(row, 6), value)
            elif value is not None:
                sheet.cell(row, 6, value)
            if result is not None:
                _put_text(sheet.cell(row, 7), result.note)
            for col in range(1, 6):
                sheet.cell(row, col).fill = grey
            sheet.cell(row, 4).alignment = Alignment(wrap_text=True, vertical="top")
            if indicator.kind == IndicatorKind.BOOLEAN:
                yes_no.add(f"F{row}")
    if row > 1:
        sheet.auto_filter.ref = f"A1:G{row}"

    _guide(book.create_sheet(GUIDE_SHEET), ward, period)
    book.properties.title = f"Kết quả {ward.code} {period}"
    book.properties.keywords = f"kieumau:{ward.code}:{period.pk}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _guide(sheet, ward: Ward, period: Period) -> None:
    from openpyxl.styles import Alignment, Font

    with translation.override("vi"):
        period_label = str(period.label)
    lines = [
        ("Hướng dẫn nhập kết quả bằng Excel", True),
        (f"Đơn vị: {ward.name} (mã {ward.code}) · Kỳ: {period_label}", False),
        ("", False),
        (
            f"1. Chỉ điền cột “{COL_VALUE}” và, nếu cần, cột “{COL_NOTE}” của trang “{SHEET}”. "
            f"Không sửa các cột “{COL_UNIT}” và “{COL_CODE}”; không đổi tên dòng tiêu đề.",
            False,
        ),
        ("2. Chỉ tiêu Có/Không: ghi “Có” hoặc “Không” (cũng nhận x, 1, 0).", False),
        (
            "3. Số: ghi theo kiểu Việt Nam, ví dụ 1.234,5 (dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập "
            "phân); số gõ thẳng trong Excel cũng được.",
            False,
        ),
        (
            "4. Tỷ lệ phần trăm: ghi số từ 0 đến 100, ví dụ 95 hoặc 95,5 (cũng nhận 95%). Không ghi số âm; "
            "số đếm phải là số nguyên.",
            False,
        ),
        ("5. Ô để trống: giữ nguyên giá trị đang lưu. Muốn xoá một giá trị, dùng màn hình nhập liệu.", False),
        ("6. Không dùng công thức: gõ giá trị. Ô có công thức sẽ bị từ chối.", False),
        ("7. Chỉ tiêu tính tự động từ hồ sơ năm (ví dụ tỷ lệ hộ nghèo) không có trong bảng.", False),
        ("8. Kết quả đã gửi, đã duyệt hoặc kỳ đã khoá thì không sửa được bằng tệp này.", False),
        (
            "9. Tải tệp lên: hệ thống kiểm tra toàn bộ tệp và liệt kê mọi lỗi (trang, dòng, cột). "
            "Chỉ khi tệp không còn lỗi mới xem trước các thay đổi và bấm “Xác nhận lưu”; "
            "có lỗi thì không lưu gì. Tải lại cùng một tệp lần nữa không thay đổi gì.",
            False,
        ),
        (f"10. Tối đa {MAX_ROWS:,} dòng; chỉ nhận tệp .xlsx.".replace(",", "."), False),
    ]
    sheet.column_dimensions["A"].width = 110
    for number, (text, heading) in enumerate(lines, start=1):
        cell = sheet.cell(number, 1)
        _put_text(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if heading:
            cell.font = Font(bold=True, size=13)


# --- reading an upload -------------------------------------------------------------


@dataclass
class _Cell:
    value: object
    is_formula: bool
    percent_format: bool


def _header_key(value) -> str:
    return re.sub(r"\s*/\s*", "/", fold(str(value))) if value is not None else ""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(cell) -> _Cell:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    value = cell.value
    is_formula = cell.data_type == "f" or isinstance(value, (ArrayFormula, DataTableFormula))
    return _Cell(value, is_formula, "%" in (getattr(cell, "number_format", None) or ""))


def _count_rows(archive: zipfile.ZipFile, path: str, limit: int) -> int:
    """How many rows of the sheet hold something, counting no further than `limit` + 1.

    First a byte count of <row> tags (quick: a file with no more row tags than the
    limit is within it); only when there are more does it parse the sheet, stopping
    as soon as the limit is passed, since rows may be present only for their formatting.
    """
    tail, tags = b"", 0
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            cut = max(0, len(data) - 64)  # a tag starting in the last bytes is counted with the next chunk
            tags += sum(1 for m in _ROW_TAG.finditer(data) if m.start() < cut)
            tail = data[cut:]
    tags += len(_ROW_TAG.findall(tail))
    if tags <= limit:
        return tags
    from xml.etree.ElementTree import iterparse

    count = 0
    with archive.open(path) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            if element.tag == f"{_MAIN_NS}row":
                if any(
                    child.tag in (f"{_MAIN_NS}v", f"{_MAIN_NS}is", f"{_MAIN_NS}f") for cell in element for child in cell
                ):
                    count += 1
                    if count > limit:
                        break
                element.clear()
    return count


def _read(content: bytes, result: UploadResult) -> list[tuple[int, dict[str, _Cell]]] | None:
    """The non-blank rows under the header of the results sheet: their number and the cells read.

    None after adding the file's error (not a workbook, too many rows, missing columns …).
    """
    not_xlsx = _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
    if not content.startswith(b"PK\x03\x04"):
        result.error(None, "", not_xlsx)
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        result.error(None, "", not_xlsx)
        return None
    if "xl/workbook.xml" not in names or unpacked > MAX_UNPACKED_BYTES:
        archive.close()
        result.error(
            None, "", not_xlsx if "xl/workbook.xml" not in names else _("The file is too large once unpacked.")
        )
        return None

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; they do not matter here.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        archive.close()
        result.error(None, "", _("The file is not a valid Excel (.xlsx) workbook."))
        return None
    try:
        sheet = next((s for s in book.worksheets if fold(s.title) == fold(SHEET)), None)
        if sheet is None:
            sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            result.error(None, "", _("The file is empty."))
            return None
        result.sheet = sheet.title
        _check_origin(book, result)
        path = getattr(sheet, "_worksheet_path", None)
        if path and _count_rows(archive, path, MAX_ROWS + 1) > MAX_ROWS + 1:
            result.error(None, "", _too_many())
            return None
        # Read every row the sheet holds, not only those its <dimension> claims: a wrong dimension
        # (some tools write one) would otherwise drop rows without a word.
        sheet.reset_dimensions()
        columns, rows = None, []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, row in enumerate(sheet.iter_rows(max_col=_MAX_COL), start=1):
                if columns is None:  # the first non-blank row is the header
                    if all(_blank(c.value) for c in row):
                        continue
                    columns = _columns(number, [c.value for c in row], result)
                    if columns is None:
                        return None
                    continue
                picked = {key: row[i] for key, i in columns.items()}
                if all(_blank(c.value) for c in picked.values()):
                    continue
                rows.append((number, {key: _cell(c) for key, c in picked.items()}))
                if len(rows) > MAX_ROWS:
                    result.error(None, "", _too_many())
                    return None
        if columns is None:
            result.error(None, "", _("The file is empty."))
            return None
        return rows
    except Exception:  # a damaged sheet fails while it is read, not when the workbook opens
        result.error(None, "", _("The file is not a valid Excel (.xlsx) workbook."))
        return None
    finally:
        book.close()
        archive.close()


def _too_many() -> str:
    return _("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}".replace(",", ".")}


def _check_origin(book, result: UploadResult) -> None:
    """The template records its ward and period; warn when a file made for another period is uploaded."""
    match = _KEYWORDS.match(book.properties.keywords or "")
    if match:
        result.origin = (match["ward"], int(match["period"]))


def _columns(number: int, header: list, result: UploadResult) -> dict[str, int] | None:
    from openpyxl.utils import get_column_letter

    keys = [_header_key(value) for value in header]
    found = {}
    for key, (label, names) in _READ.items():
        for i, h in enumerate(keys):
            if h in names:
                found[key] = i
                break
        else:
            if key in _REQUIRED:
                result.error(number, label, _("Missing column “%(name)s”.") % {"name": label})
    if any(key not in found for key in _REQUIRED):
        return None
    result.labels = {key: f"{get_column_letter(i + 1)} ({_READ[key][0]})" for key, i in found.items()}
    return found


def _whole_id(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        return int(raw.strip())
    return None


def _code(raw) -> str:
    if isinstance(raw, float):
        raw = format(Decimal(str(raw)).normalize(), "f")
    return unicodedata.normalize("NFC", str(raw)).strip()


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFC", str(raw)).replace("\r\n", "\n").strip()


def _same_text(a: str, b: str) -> bool:
    return _text(a) == _text(b)


def _number(cell: _Cell, kind: str) -> Decimal:
    raw = cell.value
    shown = raw
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise _CellError(_("“%(value)s” is not a number. Write it like 1.234,5.") % {"value": shown})
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise _CellError(_("“%(value)s” is not a number. Write it like 1.234,5.") % {"value": shown})
        value = Decimal(str(raw))
        if cell.percent_format and kind == IndicatorKind.PERCENT:
            value *= 100  # 95% typed in Excel is stored as 0.95
    else:
        from portal.numbers import parse_number

        text = raw.strip()
        if kind == IndicatorKind.PERCENT and text.endswith("%"):
            text = text[:-1]
        try:
            value = parse_number(text)
        except ValueError:
            raise _CellError(_("“%(value)s” is not a number. Write it like 1.234,5.") % {"value": shown}) from None
    if value < 0:
        raise _CellError(_("The value cannot be negative."))
    if value >= LIMIT:
        raise _CellError(_("The number is too large."))
    if kind == IndicatorKind.PERCENT and value > 100:
        raise _CellError(_("A percentage cannot be above 100."))
    if kind == IndicatorKind.COUNT and value != value.to_integral_value():
        raise _CellError(_("A count is a whole number."))
    try:
        return value.quantize(PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise _CellError(_("The number is too large.")) from None


def _yes_no(cell: _Cell) -> Decimal:
    raw = cell.value
    if isinstance(raw, bool):
        return Decimal(int(raw))
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return Decimal(int(raw))
    if isinstance(raw, str):
        word = fold(raw).strip(".")
        if word in _YES_WORDS:
            return Decimal(1)
        if word in _NO_WORDS:
            return Decimal(0)
    raise _CellError(_("“%(value)s” is not a yes/no answer; write Có or Không.") % {"value": raw})


def upload_check(*, user, ward: Ward, period: Period, filename: str, content: bytes) -> UploadResult:
    """Read and check a whole file against what is saved now. Writes nothing.

    Raises PermissionDenied when the user may not change the ward's results.
    """
    if not scope.can_edit_ward(user, ward):
        raise PermissionDenied
    result = UploadResult()
    if not (filename or "").lower().endswith(".xlsx"):
        result.error(None, "", _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again."))
        return result
    if len(content) > MAX_UPLOAD_BYTES:
        result.error(None, "", _("The file is larger than 10 MB."))
        return result
    rows = _read(content, result)
    if rows is None:
        return result
    if not rows:
        result.error(None, "", _("The file has no rows under the header."))
        return result
    if result.origin and result.origin != (ward.code, period.pk):
        origin_period = Period.objects.filter(pk=result.origin[1]).first()
        if result.origin[0] == ward.code and origin_period is not None:
            result.warnings.append(
                _("This file was downloaded for %(file_period)s; its values will be saved for %(period)s.")
                % {"file_period": origin_period.label, "period": period.label}
            )

    labels = result.labels
    units = {u.neighbourhood.pk: u for u in _units(ward, period)}
    # Units of the ward without a criteria set in the period, to say so rather than "unknown".
    others = {h.pk: h for h in ward.neighbourhoods.current(period.end) if h.pk not in units}
    seen: dict[tuple[int, int], int] = {}
    for number, cells in rows:
        row = _check_row(number, cells, labels, units, others, result)
        if row is None:
            continue
        key = (row.neighbourhood.pk, row.indicator.pk)
        if key in seen:
            result.error(
                number, labels["code"], _("Same neighbourhood and indicator as row %(row)s.") % {"row": seen[key]}
            )
            continue
        seen[key] = number
        result.rows.append(row)

    # Changes to results that can no longer be changed: one error per unit, at its first changed row.
    changed = [r for r in result.rows if r.changed]
    if changed and period.is_locked:
        result.error(None, "", _("This period is locked."))
    elif changed:
        reported = set()
        for row in changed:
            unit = units[row.neighbourhood.pk]
            if unit.submission.pk and not unit.submission.is_editable and row.neighbourhood.pk not in reported:
                reported.add(row.neighbourhood.pk)
                result.error(
                    row.row,
                    labels["value"],
                    _("The results of %(unit)s are “%(status)s” and can no longer be changed.")
                    % {"unit": row.neighbourhood.name, "status": unit.submission.get_status_display()},
                )
    result.errors.sort(key=lambda e: e.row or 0)
    return result


def _check_row(number: int, cells: dict[str, _Cell], labels, units, others, result) -> UploadRow | None:
    cell = cells.get
    bad = False
    for key in cells:
        c = cell(key)
        refuse = c is not None and (
            c.is_formula or (key in ("unit", "code") and isinstance(c.value, str) and c.value.lstrip().startswith("="))
        )
        if refuse:
            result.error(number, labels[key], _("Formulas are not accepted; type the value."))
            bad = True
    if bad:
        return None

    unit_cell = cell("unit")
    raw_id = unit_cell.value if unit_cell else None
    unit = None
    if _blank(raw_id):
        result.error(number, labels["unit"], _("The neighbourhood code is missing."))
    else:
        hood_id = _whole_id(raw_id)
        unit = units.get(hood_id) if hood_id is not None else None
        if unit is None and hood_id in others:
            result.error(
                number,
                labels["unit"],
                _("No criteria set applies to %(unit)s in this period.") % {"unit": others[hood_id].name},
            )
        elif unit is None:
            result.error(
                number,
                labels["unit"],
                _("Neighbourhood code %(code)s is unknown or not a neighbourhood of this ward.") % {"code": raw_id},
            )

    code_cell = cell("code")
    code = "" if code_cell is None or _blank(code_cell.value) else _code(code_cell.value)
    indicator = None
    if not code:
        result.error(number, labels["code"], _("The indicator code is missing."))
    elif unit is not None:
        indicator = next((i for i in unit.indicators if i.code.casefold() == code.casefold()), None)
        if indicator is None:
            result.error(
                number,
                labels["code"],
                _("Indicator %(code)s is not in the criteria set of %(unit)s.")
                % {"code": code, "unit": unit.neighbourhood.name},
            )
        elif indicator.source:
            result.error(
                number,
                labels["code"],
                _("Indicator %(code)s is computed from the yearly profile and cannot be entered.")
                % {"code": indicator.code},
            )
            indicator = None

    # The value and the note are checked even when the unit or code is wrong, so every error is listed.
    value_cell, note_cell = cell("value"), cell("note")
    kind = indicator.kind if indicator else None
    saved = unit.results.get(indicator.pk) if unit and indicator else None
    old_value, old_text, old_note = (saved.value, saved.text, saved.note) if saved else (None, "", "")
    value, text, ok = old_value, old_text, True
    if value_cell is not None and not _blank(value_cell.value):
        raw = value_cell.value
        try:
            if kind is None:
                pass  # nothing to check a value against
            elif kind == IndicatorKind.TEXT:
                new_text = _text(raw)
                if len(new_text) > MAX_TEXT:
                    raise _CellError(_("The text is longer than %(max)s characters.") % {"max": MAX_TEXT})
                if not _same_text(new_text, old_text):
                    value, text = None, new_text
            elif isinstance(raw, str) and raw.lstrip().startswith("="):
                raise _CellError(_("Formulas are not accepted; type the value."))
            elif kind == IndicatorKind.BOOLEAN:
                value, text = _yes_no(value_cell), ""
            elif kind in NUMERIC_KINDS:
                value, text = _number(value_cell, kind), ""
        except _CellError as exc:
            result.error(number, labels["value"], str(exc))
            ok = False
    note = old_note
    if note_cell is not None and not _blank(note_cell.value):
        new_note = _text(note_cell.value)
        if len(new_note) > MAX_TEXT:
            result.error(number, labels["note"], _("The note is longer than %(max)s characters.") % {"max": MAX_TEXT})
            ok = False
        elif not _same_text(new_note, old_note):
            note = new_note
    if unit is None or indicator is None or not ok:
        return None
    return UploadRow(
        row=number,
        neighbourhood=unit.neighbourhood,
        indicator=indicator,
        submission=unit.submission,
        value=value,
        text=text,
        note=note,
        old_value=old_value,
        old_text=old_text,
        old_note=old_note,
        has_result=saved is not None,
    )


# --- saving ----------------------------------------------------------------------


def upload_apply(*, user, ward: Ward, period: Period, filename: str, content: bytes) -> UploadResult:
    """Check the file again and save every change in one transaction, or nothing.

    Each result is saved against its current version (the file is a snapshot of
    "now"); results_save writes the history of each change with the file's name
    as the reason and re-evaluates each submission.
    """
    result = upload_check(user=user, ward=ward, period=period, filename=filename, content=content)
    if not result.ok or not result.changes:
        return result
    by_unit = defaultdict(list)
    for row in result.changes:
        by_unit[row.neighbourhood.pk].append(row)
    reason = _("Imported from the Excel file “%(name)s”.") % {"name": (filename or "")[:120]}
    try:
        with transaction.atomic():
            saved = 0
            for rows in by_unit.values():
                submission = services.submission_for(rows[0].neighbourhood, period)
                current = {r.indicator_id: r for r in submission.results.all()}
                values, versions = {}, {}
                for row in rows:
                    values[row.indicator.pk] = {"value": row.value, "text": row.text, "note": row.note}
                    existing = current.get(row.indicator.pk)
                    versions[row.indicator.pk] = existing.version if existing else None
                changed = services.results_save(
                    submission=submission, user=user, values=values, versions=versions, reason=reason
                )
                saved += sum(1 for r in changed if r.indicator_id in values)
    except services.ResultConflict:
        result.error(
            None,
            "",
            _("Some of these results were changed while the file was saved; nothing was saved. Upload the file again."),
        )
    except ValidationError as exc:
        result.error(None, "", " ".join(exc.messages) + " " + _("Nothing was saved."))
    else:
        result.saved = saved
    return result
