"""Numbers as Vietnamese officials write them: "1.234,5", "8,5" and "17,0 %".

One reader (`parse_number`), one form field that uses it (`NumberField`) and one writer for
input boxes (`number_input`), so every form reads and shows numbers the same way; one writer
of shares (`percent`, `percent_of`), so the dashboard, the PDF and the pages agree to the digit.
"""

import math
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import numberformat
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

# The longest number anyone types, spaces and separators included: 18 digits grouped in threes with a sign
# and 4 decimals is 29 characters. Anything longer is refused before it is read (see parse_number).
MAX_LENGTH = 40

# How a number may be written, ASCII digits only (str.isdigit() and Decimal() also take "١٢" and "１２"):
# plainly, with one decimal separator ("1234", "8,5", "0.24", ",5"); with Vietnamese groups of thousands
# ("1.234", "1.234,5"); or with English groups and a decimal point ("1,234.5"). No exponent, no "+", no "_".
_PLAIN = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]*)(?:[.,](?P<fraction>[0-9]*))?")
_GROUPED_DOTS = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]{1,3}(?:\.[0-9]{3})+)(?:,(?P<fraction>[0-9]+))?")
_GROUPED_COMMAS = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+)\.(?P<fraction>[0-9]+)")


class NumberError(ValueError):
    """Why a text is not a number the portal takes. `code` is "invalid" (not a number as people write
    them), "too_long" (more than MAX_LENGTH characters) or "digits" (more digits than its column holds)."""

    def __init__(self, text, code: str = "invalid"):
        super().__init__(text)
        self.code = code


def parse_number(
    text: str | int | float | Decimal | None,
    *,
    max_digits: int | None = None,
    decimal_places: int | None = None,
) -> Decimal | None:
    """Read a number written the Vietnamese way (1.234,5), the English way or plain.

    "1.234" is one thousand two hundred and thirty-four, as it is on a Vietnamese
    form; "8,5" is eight and a half. Returns None for empty input and raises
    NumberError (a ValueError) for anything that is not a number.

    The text is checked before it is converted, so that no input costs more than reading 40 characters:
    its length (MAX_LENGTH), its form (ASCII digits, separators, a leading minus; never "1e9999999")
    and, when given, the digits a DecimalField(max_digits, decimal_places) column holds: at most
    max_digits - decimal_places before the separator and decimal_places after it (trailing zeros do not
    count). Without decimal_places only the digits before the separator are bounded, by max_digits.
    """
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return _checked_value(text, max_digits, decimal_places)
    raw = str(text).strip()
    if len(raw) > MAX_LENGTH:
        raise NumberError(text, "too_long")
    s = "".join(raw.split())  # "10 000", also with no-break spaces
    if not s:
        return None
    parts = _GROUPED_DOTS.fullmatch(s) or _GROUPED_COMMAS.fullmatch(s) or _PLAIN.fullmatch(s)
    if parts is None:
        raise NumberError(text)
    whole = re.sub(r"[.,]", "", parts["whole"])
    fraction = parts["fraction"] or ""
    if not (whole or fraction):
        raise NumberError(text)  # "-", ",", "-."
    _check_digits(text, whole.lstrip("0"), fraction.rstrip("0"), max_digits, decimal_places)
    return Decimal(f"{parts['sign']}{whole or '0'}{'.' if fraction else ''}{fraction}")


def _check_digits(text, whole: str, fraction: str, max_digits: int | None, decimal_places: int | None) -> None:
    if max_digits is None:
        return
    if len(whole) > max_digits - (decimal_places or 0):
        raise NumberError(text, "digits")
    if decimal_places is not None and len(fraction) > decimal_places:
        raise NumberError(text, "digits")


def _checked_value(value: int | float | Decimal, max_digits: int | None, decimal_places: int | None) -> Decimal:
    """A number a program gave (a spreadsheet cell holds 95.5, not "95,5"), with the same bounds as a text.

    Its digits are counted from its exponent, never by writing it out: 1E+9999999 has ten million.
    """
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise NumberError(value)
    _sign, digits, exponent = number.as_tuple()
    if max_digits is None or not any(digits):
        return number
    whole = max(0, number.adjusted() + 1)
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    places = max(0, -(exponent + trailing_zeros))
    if whole > max_digits - (decimal_places or 0) or (decimal_places is not None and places > decimal_places):
        raise NumberError(value, "digits")
    return number


_ID = re.compile(r"[0-9]{1,18}")


def parse_id(text: str | None) -> int | None:
    """An id or a year given in a URL's query or a form (?period=12): ASCII digits, no more than a database id
    holds; None for anything else. str.isdigit() also takes "²" and "١٢", which int() then refuses or reads.
    """
    if text is None or not _ID.fullmatch(str(text).strip()):
        return None
    return int(str(text).strip())


def number_input(value: Decimal | int | float | None, *, shown: str | None = None) -> str:
    """A stored number as an input box shows it, written so that parse_number reads back the same number.

    `shown` (the number as people read it, e.g. "1.234,5") is used when it reads back unchanged.
    Otherwise the number is written plainly, with the interface's decimal separator and no grouping
    ("1500", "1,5"): in English "1,234" would read back as 1,234 (a comma alone is the Vietnamese
    decimal comma), and a decimal that looks like a group of thousands ("1.234") gets a trailing
    zero ("1.2340"), since "1.234" reads as one thousand two hundred and thirty-four.
    """
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    places = max(0, -number.as_tuple().exponent)
    plain = numberformat.format(number, get_format("DECIMAL_SEPARATOR"), decimal_pos=places, use_l10n=False)
    candidates = [shown, plain, f"{plain}0" if places else None]
    for text in (c for c in candidates if c is not None):
        try:
            if parse_number(text) == number:
                return text
        except ValueError:
            continue
    return plain


def exact(value: int | float | Decimal | Fraction | str) -> Fraction:
    """`value` as an exact fraction. A float is taken as it is written (0.1 is one tenth), not as
    the binary number it stands for (0.1000000000000000055…)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def round_half_up(value: int | float | Decimal | Fraction, places: int = 0) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero, from its exact value.

    Round once, at the end: 2,004 % is 2,00 % when shown, yet over "≤ 2 %" when compared.
    """
    number = exact(value)
    digits = math.floor(abs(number) * 10**places + Fraction(1, 2))
    return Decimal(-digits if number < 0 else digits).scaleb(-places)


def share(part, whole) -> Fraction | None:
    """`part` of `whole` in percent, exactly; None when there is nothing to divide by."""
    if part is None or not whole:
        return None
    return exact(part) * 100 / exact(whole)


def percent(part, whole, *, places: int = 1) -> str:
    """`part` of `whole` as a share people read: "17,0 %", "100,0 %"; "—" when `whole` is 0 or None.

    Always `places` decimals, a space before the sign, rounded half up from the exact share.
    Separators are the interface's (Vietnamese: 1.234,5); a document always in Vietnamese
    renders inside translation.override("vi").
    """
    return percent_of(share(part, whole), places=places)


def percent_of(value, *, places: int = 1) -> str:
    """A share already in percent (17.04) written as `percent` writes it ("17,0 %"); "—" for None.

    Give it the exact share, not one already rounded: rounding twice can move the last digit.
    """
    if value is None or value == "":
        return "—"
    rounded = round_half_up(value, places)
    return f"{number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)} %"


def column_limits(column: models.Field) -> dict:
    """What a NumberField needs to accept only numbers `column` stores: the digits of a DecimalField,
    or whole numbers up to the largest an integer field holds on every database the portal runs on
    (PostgreSQL: 2.147.483.647 for an IntegerField, 32.767 for a SmallIntegerField)."""
    if isinstance(column, models.DecimalField):
        return {"max_digits": column.max_digits, "decimal_places": column.decimal_places}
    if isinstance(column, models.IntegerField):
        _low, high = BaseDatabaseOperations.integer_field_ranges[column.get_internal_type()]
        return {"whole": True, "max_digits": len(str(high)), "max_value": high}
    raise TypeError(f"{column!r} is not a numeric column")


class NumberField(forms.CharField):
    """A number typed the Vietnamese way ("8,5", "1.234,5"), the English way or plainly; a plain text box.

    What was typed is checked as text first (required, max_length, NUL bytes), then read with parse_number,
    which refuses before converting anything a text longer than MAX_LENGTH ("too_long"), what is not a
    number ("invalid") and more digits than `max_digits`/`decimal_places` allow, as a DecimalField column
    would ("digits"). Then `whole` refuses a fraction and gives an int, and `min_value` and `max_value` bound
    the number. `column` (a model's DecimalField or integer field) sets these bounds from the column the number
    is saved to (see column_limits), so that nothing the form accepts overflows it; a `max_value` given too
    is kept when it is lower.

    Each refusal has its error_messages key: "invalid" (may use %(value)s, the text typed), "too_long"
    (%(max)s), "whole", "digits" (%(whole)s and %(places)s, the digits allowed before and after the
    separator), "min_value", "max_value" (%(limit_value)s, written as the interface writes numbers).
    """

    default_error_messages = {
        "invalid": _("“%(value)s” is not a number. Write it like 1.234,5."),
        "too_long": _("A number has at most %(max)s characters."),
        "whole": _("Write a whole number."),
        "digits": _("At most %(whole)s digits before and %(places)s after the decimal point."),
        "min_value": MinValueValidator.message,
        "max_value": MaxValueValidator.message,
    }
    whole_digits_message = _("The number is too large: at most %(whole)s digits.")

    def __init__(
        self,
        *,
        whole: bool = False,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        column: models.Field | None = None,
        **kwargs,
    ):
        if column is not None:
            limits = column_limits(column)
            whole = whole or limits.get("whole", False)
            max_digits, decimal_places = limits["max_digits"], limits.get("decimal_places")
            if "max_value" in limits:
                max_value = limits["max_value"] if max_value is None else min(max_value, limits["max_value"])
        self.whole = whole
        self.min_value, self.max_value = min_value, max_value
        self.max_digits, self.decimal_places = max_digits, decimal_places
        # A plain text box: number inputs on phones refuse "1.234" and "8,5".
        inputmode = "numeric" if whole else "decimal"
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": inputmode, "autocomplete": "off"}))
        given = kwargs.get("error_messages") or {}
        super().__init__(**kwargs)
        if "digits" not in given and (whole or not decimal_places):
            self.error_messages["digits"] = self.whole_digits_message

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int, float)):
            return number_input(value)
        return value

    def to_python(self, value) -> Decimal | int | None:
        text = super().to_python(value)
        try:
            # A whole number's decimals are refused as "whole" below, not counted as digits here.
            number = parse_number(
                text, max_digits=self.max_digits, decimal_places=None if self.whole else self.decimal_places
            )
        except NumberError as exc:
            raise self._refusal(exc.code, text) from None
        if number is None or not self.whole:
            return number
        if number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["whole"], code="whole")
        return int(number)

    def _refusal(self, code: str, text: str) -> forms.ValidationError:
        params = {
            "invalid": {"value": text},
            "too_long": {"max": MAX_LENGTH},
            "digits": {
                "whole": (self.max_digits or 0) - (self.decimal_places or 0),
                "places": self.decimal_places or 0,
            },
        }[code]
        return forms.ValidationError(self.error_messages[code], code=code, params=params)

    def clean(self, value) -> Decimal | int | None:
        text = super().to_python(value)
        self.validate(text)
        self.run_validators(text)  # the CharField's checks, on what was typed
        number = self.to_python(text)
        if number is not None:
            self._check_bounds(number)
        return number

    def _check_bounds(self, number: Decimal | int) -> None:
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(
                self.error_messages["min_value"], code="min_value", params={"limit_value": _shown(self.min_value)}
            )
        if self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(
                self.error_messages["max_value"], code="max_value", params={"limit_value": _shown(self.max_value)}
            )


def _shown(limit: Decimal | int) -> str:
    """A bound as people read it in a message: 2.147.483.647 in Vietnamese, 2,147,483,647 in English."""
    return number_format(limit, use_l10n=True, force_grouping=True)


def number_shown(value) -> str:
    """A number as Vietnamese officials write it: groups of thousands, a decimal comma, no trailing zeros
    ("1.234,5", "20", "0,25"; the interface's separators in English). "—" for None or nothing; a text that
    is not a plain number is returned as it is. Not for years: 2026 would read "2.026". The `number`
    template filter (portal/templatetags/portal.py)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    try:
        figure = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not figure.is_finite():
        return str(value)
    figure = figure.normalize()
    places = max(0, -figure.as_tuple().exponent)
    return number_format(figure, decimal_pos=places, use_l10n=True, force_grouping=True)
