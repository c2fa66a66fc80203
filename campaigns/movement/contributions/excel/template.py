"""The workbook staff fill in: the contributions sheet (headers, an example row, drop-down lists), the lists
it draws from (kinds, sources, the ward's neighbourhoods and campaigns) and a sheet of instructions."""

import io

from django.utils import timezone

from campaigns.movement.contributions.excel.layout import (
    COLUMNS,
    EXAMPLE,
    GUIDE_SHEET,
    KIND_LABELS,
    LISTS_SHEET,
    MAX_ROWS,
    ORIGIN_KEYWORDS,
    SHEET,
    SOURCE_LABELS,
)
from campaigns.movement.contributions.services import ward_campaigns
from portal.spreadsheets import write_text
from wards.models import Neighbourhood, Ward

GUIDE = [
    "Mỗi dòng là một khoản đóng góp: tiền, đất hiến, ngày công hoặc vật tư.",
    "Ngày nhận: ghi dd/mm/yyyy, ví dụ 15/03/2026; không ghi ngày trong tương lai.",
    "Thôn, tổ dân phố: chọn trong danh sách; để trống nếu đóng góp cho cả phường, xã.",
    "Loại: Tiền (đồng), Đất hiến (m²), Ngày công, Vật tư (quy ra đồng).",
    "Nguồn: Ngân sách nhà nước, Nhân dân, Doanh nghiệp, Khác.",
    "Số lượng theo đơn vị của loại: tiền và vật tư ghi số đồng (1.234.000 hoặc 1 234 000), đất ghi m², "
    "ngày công ghi số ngày (2,5).",
    "Vật tư: ghi nội dung (ví dụ 20 tấn xi măng) và số lượng là giá trị ước tính bằng đồng.",
    "Phong trào: để trống, hoặc chọn một phong trào mà phường, xã tham gia.",
    "Không dùng công thức; gõ trực tiếp giá trị.",
    "Dòng ví dụ (ghi chú “VÍ DỤ”) phải xoá trước khi tải lên.",
    "Tệp được kiểm tra toàn bộ: có lỗi thì không lưu dòng nào. Mỗi tệp chỉ nhập được một lần.",
]


def _lists_sheet(wb, ward: Ward) -> dict[str, str]:
    """The lists the drop-downs draw from; the range of each, as a data validation names it."""
    ws = wb.create_sheet(LISTS_SHEET)
    hoods = list(
        Neighbourhood.objects.current(timezone.localdate())
        .filter(ward=ward)
        .order_by("search_key")
        .values_list("name", flat=True)
    )
    campaigns = list(ward_campaigns(ward).order_by("-start", "name").values_list("name", flat=True)[:500])
    columns = [
        ("A", "Loại", list(KIND_LABELS.values())),
        ("B", "Nguồn", list(SOURCE_LABELS.values())),
        ("C", "Thôn, tổ dân phố", hoods),
        ("D", "Phong trào", campaigns),
    ]
    ranges = {}
    for letter, header, values in columns:
        write_text(ws[f"{letter}1"], header)
        for i, value in enumerate(values, start=2):
            write_text(ws[f"{letter}{i}"], value)
        ws.column_dimensions[letter].width = 40
        if values:
            ranges[letter] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validations(ws, ranges: dict[str, str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    last = MAX_ROWS + 1
    for column, letter in (("B", "C"), ("C", "A"), ("D", "B"), ("H", "D")):
        if letter in ranges:
            check = DataValidation(type="list", formula1=ranges[letter], allow_blank=True, showErrorMessage=False)
            check.add(f"{column}2:{column}{last}")
            ws.add_data_validation(check)


def template_build(ward: Ward) -> bytes:
    """The template for `ward` as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for i, (key, header, _aliases, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        write_text(cell, header)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = width
        example = ws.cell(row=2, column=i)
        value = EXAMPLE[key]
        if isinstance(value, str):
            if value:
                write_text(example, value)
        else:
            example.value = value
        example.font = Font(italic=True)
    ws["A2"].number_format = "dd/mm/yyyy"
    ws["E2"].number_format = "#,##0"
    ws.freeze_panes = "A2"
    _validations(ws, _lists_sheet(wb, ward))
    guide = wb.create_sheet(GUIDE_SHEET)
    for i, line in enumerate(GUIDE, start=1):
        write_text(guide.cell(row=i, column=1), line)
    guide.column_dimensions["A"].width = 110
    wb.properties.keywords = ORIGIN_KEYWORDS.format(ward=ward.code)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
