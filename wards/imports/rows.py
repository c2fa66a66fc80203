"""Checking one row of a neighbourhood file: its ward, name, kind and figures."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.numbers import NumberError, parse_number
from portal.text import first_illegal, illegal_message
from portal.vietnamese import fold, nfc
from wards.imports.outcome import RowError
from wards.models import Neighbourhood, Ward

KIND_WORDS = {
    fold(word): kind
    for kind, words in {
        Neighbourhood.Kind.STREET: ("phố", "pho"),
        Neighbourhood.Kind.VILLAGE: ("thôn", "thon"),
        Neighbourhood.Kind.RESIDENTIAL_GROUP: ("tổ dân phố", "to_dan_pho", "tdp"),
        Neighbourhood.Kind.QUARTER: ("khu phố", "khu_pho"),
        Neighbourhood.Kind.HAMLET: ("bản", "ban"),
    }.items()
    for word in words
}
# The largest figure every database stores in a PositiveIntegerField (PostgreSQL: a signed 32-bit integer).
MAX_FIGURE = 2_147_483_647
FIGURE_DIGITS = len(str(MAX_FIGURE))
# How a figure may be written: "1234", or with Vietnamese thousands separators "1.234", "12.345.678".
# Not "1.5", "1,234", "1e3", "+5" or full-width digits, which parse_number would read all the same.
_WHOLE_NUMBER = re.compile(r"[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+")
# What a spreadsheet takes for a formula (and what CSV injection uses). Text columns also refuse "-".
_FORMULA_START = ("=", "+", "@")
_TEXT_COLUMNS = ("ward_code", "name", "kind")


@dataclass
class ParsedRow:
    number: int
    ward: Ward
    name: str
    kind: str
    households: int
    people: int


def check_row(
    number: int, row: list, columns: dict[str, int], allowed: dict[str, Ward], labels: dict[str, str]
) -> tuple[ParsedRow | None, list[RowError]]:
    """The row read, and its errors. A row with errors is still returned when its ward and name are
    known, so that a duplicate of it is found."""
    cells = {key: (row[i] if i < len(row) else None) for key, i in columns.items()}
    errors: list[RowError] = []
    formulas = {key for key, raw in cells.items() if _is_formula(raw, key)}
    for key in formulas:
        errors.append(RowError(number, labels[key], _("Formulas are not accepted; type the value.")))
    ward = None
    if "ward_code" not in formulas:
        code = _ward_code(cells["ward_code"])
        ward = allowed.get(code)
        if not code:
            errors.append(RowError(number, labels["ward_code"], _("The ward code is missing.")))
        elif ward is None:
            errors.append(
                RowError(
                    number,
                    labels["ward_code"],
                    _("Ward code %(code)s is unknown or outside your wards.") % {"code": code},
                )
            )
    name = ""
    if "name" not in formulas:
        name = nfc("" if cells["name"] is None else str(cells["name"]))
        if not name:
            errors.append(RowError(number, labels["name"], _("The name is missing.")))
        elif char := first_illegal(name):
            errors.append(RowError(number, labels["name"], illegal_message(char)))
            name = ""
        elif len(name) > 200:
            errors.append(RowError(number, labels["name"], _("The name is longer than 200 characters.")))
            name = ""
    kind = None
    if "kind" not in formulas:
        kind = KIND_WORDS.get(fold("" if cells["kind"] is None else str(cells["kind"])))
        if kind is None:
            errors.append(
                RowError(
                    number,
                    labels["kind"],
                    _("“%(value)s” is not a kind; use phố, thôn, tổ dân phố, khu phố or bản.")
                    % {"value": "" if cells["kind"] is None else cells["kind"]},
                )
            )
    households = people = None
    if "households" not in formulas:
        households = _figure(cells["households"], number, labels["households"], errors)
    if "people" not in formulas:
        people = _figure(cells["people"], number, labels["people"], errors)
    if households is not None and people is not None and households > people:
        errors.append(RowError(number, labels["households"], _("There cannot be more households than people.")))
    if errors:
        return (ParsedRow(number, ward, name, kind, 0, 0) if ward is not None and name else None), errors
    return ParsedRow(number, ward, name, kind, households, people), errors


def _is_formula(raw, key: str) -> bool:
    if not isinstance(raw, str):
        return False
    starts = (*_FORMULA_START, "-") if key in _TEXT_COLUMNS else _FORMULA_START
    return raw.lstrip().startswith(starts)


def _ward_code(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # 14797 typed in Excel
    code = "" if raw is None else str(raw).strip()
    if re.fullmatch(r"[0-9]{1,5}", code):  # never int() of a cell of thousands of digits
        code = f"{int(code):05d}"
    return code


def _figure(raw, row: int, label: str, errors: list[RowError]) -> int | None:
    """A count of households or people; None after adding its error."""
    if raw is None or not str(raw).strip():
        errors.append(RowError(row, label, _("A number is required.")))
        return None
    try:
        value = _whole_number(raw)
    except NumberError:
        errors.append(RowError(row, label, _("The number is too large.")))
        return None
    if value is None:
        errors.append(RowError(row, label, _("“%(value)s” is not a whole number.") % {"value": raw}))
    elif value < 0:
        errors.append(RowError(row, label, _("The number cannot be negative.")))
    elif value > MAX_FIGURE:
        errors.append(RowError(row, label, _("The number is too large.")))
    else:
        return value
    return None


def _whole_number(raw) -> int | None:
    """1234 or 1234.0 typed in Excel, "1.234" or "1 234" written; None for 12.5, TRUE, a date, "1,5".

    Raises NumberError for more digits than MAX_FIGURE has, before reading them.
    """
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return None
    if isinstance(raw, str):
        raw = "".join(raw.split())  # "1 234", also with no-break spaces
        if not _WHOLE_NUMBER.fullmatch(raw.removeprefix("-")):
            return None
    try:
        number = parse_number(raw, max_digits=FIGURE_DIGITS)
    except NumberError as exc:
        if exc.code == "invalid":
            return None
        raise  # more digits than a figure has: too large
    if number is None or not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)
