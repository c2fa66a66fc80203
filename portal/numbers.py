"""Numbers as Vietnamese officials write them: "1.234,5" and "8,5"."""

import re
from decimal import Decimal, InvalidOperation

_GROUPED_DOTS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_GROUPED_COMMAS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(text: str | int | float | Decimal | None) -> Decimal | None:
    """Read a number written the Vietnamese way (1.234,5), the English way or plain.

    "1.234" is one thousand two hundred and thirty-four, as it is on a Vietnamese
    form; "8,5" is eight and a half. Returns None for empty input and raises
    ValueError for anything that is not a number.
    """
    if text is None:
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    s = "".join(str(text).split()).replace("\u00a0", "")
    if not s:
        return None
    if _GROUPED_DOTS.match(s):
        s = s.replace(".", "").replace(",", ".")
    elif _GROUPED_COMMAS.match(s) and "." in s:
        s = s.replace(",", "")
    elif "," in s and "." not in s:
        s = s.replace(",", ".")
    elif "," in s and "." in s:
        raise ValueError(text)
    try:
        value = Decimal(s)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value
