"""The workbook's format: its sheets, headers and words, in Vietnamese whatever the interface language."""

import re
from decimal import Decimal

MAX_ROWS = 10_000  # data rows under the header; the file's size and the sheet are capped by the UPLOAD_ settings
MAX_TEXT = 2000  # characters of a note or a text answer, as in the entry form
# Result.value is DecimalField(max_digits=18, decimal_places=4).
PLACES = Decimal("0.0001")
WHOLE_DIGITS = 14
LIMIT = Decimal(10) ** WHOLE_DIGITS

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
YES_WORDS = {"co", "x", "1", "dat", "yes", "true", "y"}
NO_WORDS = {"khong", "0", "khong dat", "no", "false", "n"}

# Columns read back, by folded header; the others (names, threshold) are there for people.
READ = {
    "unit": (COL_UNIT, ("ma thon/tdp", "ma thon/to dan pho", "ma thon, to dan pho")),
    "code": (COL_CODE, ("ma chi tieu",)),
    "value": (COL_VALUE, ("gia tri",)),
    "note": (COL_NOTE, ("ghi chu",)),
}
REQUIRED = ("unit", "code", "value")
MAX_COL = 30  # columns looked at for the header

# The template records the ward and period it was made for in the workbook's keywords.
# The template's ward, period and programme (its code; files made before programmes have none).
ORIGIN_KEYWORDS = "kieumau:{ward}:{period}:{programme}"
ORIGIN = re.compile(r"^kieumau:(?P<ward>[^:]+):(?P<period>\d+)(?::(?P<programme>[-a-zA-Z0-9_]*))?$")
