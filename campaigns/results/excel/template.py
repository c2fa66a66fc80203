"""The workbook staff fill in: one row per neighbourhood and entered indicator, and a sheet of instructions."""

import io

from django.utils import translation

from campaigns.criteria.evaluation import Comparator, IndicatorKind, display
from campaigns.criteria.models import Indicator, Programme
from campaigns.results.excel.layout import (
    COL_CODE,
    COL_NOTE,
    COL_UNIT,
    COL_VALUE,
    GUIDE_SHEET,
    HEADERS,
    MAX_ROWS,
    NO,
    ORIGIN_KEYWORDS,
    SHEET,
    WIDTHS,
    YES,
)
from campaigns.results.excel.units import units_of
from campaigns.results.models import Period, Result
from campaigns.results.programmes import programmes_of_ward
from portal.spreadsheets import write_text
from wards.models import Ward


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
    if text:
        write_text(cell, text)


def template_build(*, ward: Ward, period: Period, programme: Programme | None = None) -> bytes:
    """The workbook staff fill in: one row per current neighbourhood and entered indicator of `programme`
    (default: the first the ward's units follow)."""
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
    programme = programme or next(iter(programmes_of_ward(ward)), None)
    for unit in units_of(ward, period, programme):
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
    book.properties.title = f"Kết quả {ward.code} {period}" + (f" · {programme.name}" if programme else "")
    book.properties.keywords = ORIGIN_KEYWORDS.format(
        ward=ward.code, period=period.pk, programme=programme.code if programme else ""
    )
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
