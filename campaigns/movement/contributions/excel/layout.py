"""The contributions workbook's format: its sheet, columns, the words of kinds and sources, the example row.

The headers and words are the file format and are Vietnamese whatever the interface language.
"""

import re
from datetime import date

from campaigns.movement.contributions.models import Kind, Source
from portal.vietnamese import fold

SHEET = "Đóng góp"
LISTS_SHEET = "Danh mục"
GUIDE_SHEET = "Hướng dẫn"
MAX_ROWS = 2000  # rows under the header in one file
ORIGIN_KEYWORDS = "dong-gop:{ward}"

# key, header, other headers read as the same column, width
COLUMNS = [
    ("received_on", "Ngày nhận (dd/mm/yyyy)", ("ngay nhan", "ngay"), 14),
    ("unit", "Thôn, tổ dân phố (để trống: cả phường, xã)", ("thon, to dan pho", "don vi", "thon"), 34),
    ("kind", "Loại", ("loai dong gop",), 20),
    ("source", "Nguồn", ("nguon dong gop",), 20),
    ("amount", "Số lượng", ("so tien", "gia tri", "so luong (dong, m2, ngay cong)"), 16),
    ("description", "Nội dung, vật tư", ("noi dung", "vat tu", "mo ta"), 30),
    ("contributor", "Người, đơn vị đóng góp", ("nguoi dong gop", "don vi dong gop"), 28),
    ("campaign", "Phong trào", ("phong trao thi dua",), 40),
    ("note", "Ghi chú", (), 30),
]
REQUIRED = ("received_on", "kind", "source", "amount")
MAX_COL = 20

KIND_LABELS = {
    Kind.MONEY: "Tiền (đồng)",
    Kind.LAND: "Đất hiến (m²)",
    Kind.LABOUR: "Ngày công",
    Kind.MATERIALS: "Vật tư (quy ra đồng)",
}
SOURCE_LABELS = {
    Source.STATE: "Ngân sách nhà nước",
    Source.RESIDENTS: "Nhân dân",
    Source.BUSINESSES: "Doanh nghiệp",
    Source.OTHER: "Khác",
}
_KIND_WORDS = {
    Kind.MONEY: ("tien", "tien mat", "tien dong"),
    Kind.LAND: ("dat hien", "dat", "hien dat"),
    Kind.LABOUR: ("ngay cong", "cong", "ngay cong lao dong"),
    Kind.MATERIALS: ("vat tu", "vat lieu", "hien vat"),
}
_SOURCE_WORDS = {
    Source.STATE: ("ngan sach nha nuoc", "ngan sach", "nsnn"),
    Source.RESIDENTS: ("nhan dan", "dan", "nguoi dan", "ho dan"),
    Source.BUSINESSES: ("doanh nghiep", "dn"),
    Source.OTHER: ("khac", "nguon khac"),
}
EXAMPLE_NOTE = "VÍ DỤ: xoá dòng này trước khi tải lên"
EXAMPLE = {
    "received_on": date(2026, 3, 15),
    "unit": "",
    "kind": KIND_LABELS[Kind.MONEY],
    "source": SOURCE_LABELS[Source.RESIDENTS],
    "amount": 350_000_000,
    "description": "Lắp đèn chiếu sáng ngõ xóm",
    "contributor": "Các hộ dân",
    "campaign": "",
    "note": EXAMPLE_NOTE,
}


def _word(text: str) -> str:
    """A kind or source as typed, folded, without a bracketed unit: "Đất hiến (m²)" → "dat hien"."""
    return re.sub(r"\s*\(.*\)\s*$", "", fold(text)).strip(" .")


def _lookup(words: dict) -> dict[str, str]:
    found = {}
    for value, aliases in words.items():
        for alias in aliases:
            found[alias] = value.value
    return found


KIND_BY_WORD = _lookup(_KIND_WORDS)
SOURCE_BY_WORD = _lookup(_SOURCE_WORDS)


def kind_of(text: str) -> str | None:
    return KIND_BY_WORD.get(_word(text))


def source_of(text: str) -> str | None:
    return SOURCE_BY_WORD.get(_word(text))


def header_key(value) -> str:
    return re.sub(r"\s+", " ", fold(str(value))) if value is not None else ""


HEADER_KEYS = {key: {header_key(header), *aliases} for key, header, aliases, _w in COLUMNS}
LABELS = {key: header for key, header, _a, _w in COLUMNS}
