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
from django.utils import numberformat
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

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


class NumberField(forms.CharField):
    """A number typed the Vietnamese way ("8,5", "1.234,5"), the English way or plainly; a plain text box.

    What was typed is checked as text first (required, max_length, NUL bytes), then read with
    parse_number. Then, in this order: `whole` refuses a fraction and gives an int;
    `max_digits`/`decimal_places` bound the digits as a DecimalField column would; `min_value`
    and `max_value` bound the number. Each refusal has its error_messages key: "invalid" (may
    use %(value)s, the text typed), "whole", "digits", "min_value", "max_value" (may use
    %(limit_value)s). The default "digits" message speaks of the portal's decimal columns
    (max_digits=18, decimal_places=4); give your own for another size.
    """

    default_error_messages = {
        "invalid": _("“%(value)s” is not a number. Write it like 1.234,5."),
        "whole": _("Write a whole number."),
        "digits": _("At most 14 digits before and 4 after the decimal point."),
        "min_value": MinValueValidator.message,
        "max_value": MaxValueValidator.message,
    }

    def __init__(
        self,
        *,
        whole: bool = False,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        **kwargs,
    ):
        self.whole = whole
        self.min_value, self.max_value = min_value, max_value
        self.max_digits, self.decimal_places = max_digits, decimal_places
        # A plain text box: number inputs on phones refuse "1.234" and "8,5".
        inputmode = "numeric" if whole else "decimal"
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": inputmode, "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int, float)):
            return number_input(value)
        return value

    def to_python(self, value) -> Decimal | int | None:
        text = super().to_python(value)
        try:
            number = parse_number(text)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": text}
            ) from None
        if number is None or not self.whole:
            return number
        if number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["whole"], code="whole")
        return int(number)

    def clean(self, value) -> Decimal | int | None:
        text = super().to_python(value)
        self.validate(text)
        self.run_validators(text)  # the CharField's checks, on what was typed
        number = self.to_python(text)
        if number is not None:
            self._check_digits(number)
            self._check_bounds(number)
        return number

    def _check_digits(self, number: Decimal | int) -> None:
        if self.max_digits is None:
            return
        places = self.decimal_places or 0
        number = Decimal(number)
        if number.normalize().as_tuple().exponent < -places or abs(number) >= Decimal(10) ** (self.max_digits - places):
            raise forms.ValidationError(self.error_messages["digits"], code="digits")

    def _check_bounds(self, number: Decimal | int) -> None:
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(
                self.error_messages["min_value"], code="min_value", params={"limit_value": self.min_value}
            )
        if self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(
                self.error_messages["max_value"], code="max_value", params={"limit_value": self.max_value}
            )
