"""What one cell of an upload says: a neighbourhood id, an indicator code, a number, a yes/no, a text."""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.results.excel.layout import LIMIT, NO_WORDS, PLACES, WHOLE_DIGITS, YES_WORDS
from portal.numbers import NumberError, parse_id, parse_number
from portal.spreadsheets import Cell
from portal.vietnamese import fold


class CellError(Exception):
    """A cell that cannot be read; the message says why."""


def whole_id(raw) -> int | None:
    """A neighbourhood id: 12, 12.0 or "12"; never a number written with separators."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        return parse_id(raw)  # never int() of a cell of thousands of digits
    return None


def code(raw) -> str:
    if isinstance(raw, float):
        raw = format(Decimal(str(raw)).normalize(), "f")
    return unicodedata.normalize("NFC", str(raw)).strip()


def text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFC", str(raw)).replace("\r\n", "\n").strip()


def same_text(a: str, b: str) -> bool:
    return text(a) == text(b)


def number(cell: Cell, kind: str) -> Decimal:
    """A number, a percentage or a count: typed in Excel, or written the Vietnamese way (1.234,5)."""
    raw = cell.value
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise _not_a_number(raw)
    written = raw.strip() if isinstance(raw, str) else raw
    if isinstance(written, str) and kind == IndicatorKind.PERCENT and written.endswith("%"):
        written = written[:-1]
    try:
        # Result.value holds 14 digits before the point; more decimals are rounded below, as Excel shows them.
        value = parse_number(written, max_digits=WHOLE_DIGITS)
    except NumberError as exc:
        if exc.code == "digits":
            raise CellError(_("The number is too large.")) from None
        raise _not_a_number(raw) from None
    if value is None or not value.is_finite():  # "%" alone; an infinite float
        raise _not_a_number(raw)
    if not isinstance(raw, str) and cell.percent_format and kind == IndicatorKind.PERCENT:
        value *= 100  # 95% typed in Excel is stored as 0.95
    if value < 0:
        raise CellError(_("The value cannot be negative."))
    if value >= LIMIT:
        raise CellError(_("The number is too large."))
    if kind == IndicatorKind.PERCENT and value > 100:
        raise CellError(_("A percentage cannot be above 100."))
    if kind == IndicatorKind.COUNT and value != value.to_integral_value():
        raise CellError(_("A count is a whole number."))
    try:
        return value.quantize(PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise CellError(_("The number is too large.")) from None


def _not_a_number(raw) -> CellError:
    return CellError(_("“%(value)s” is not a number. Write it like 1.234,5.") % {"value": raw})


def yes_no(cell: Cell) -> Decimal:
    raw = cell.value
    if isinstance(raw, bool):
        return Decimal(int(raw))
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return Decimal(int(raw))
    if isinstance(raw, str):
        word = fold(raw).strip(".")
        if word in YES_WORDS:
            return Decimal(1)
        if word in NO_WORDS:
            return Decimal(0)
    raise CellError(_("“%(value)s” is not a yes/no answer; write Có or Không.") % {"value": raw})
