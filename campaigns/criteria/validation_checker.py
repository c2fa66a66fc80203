"""The pieces of the criteria set validation (campaigns.criteria.validation): values read as the loader reads
them, the place of a problem in words and keys, and the checks of one value that every level of a set shares."""

import datetime
import difflib
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.problems import Problem

# Lengths of the model fields the keys go to.
MAX_LENGTHS = {
    ("set", "code"): 60,
    ("set", "name"): 300,
    ("document", "number"): 60,
    ("document", "issuer"): 200,
    ("criterion", "number"): 10,
    ("criterion", "name"): 300,
    ("criterion", "short"): 40,
    ("criterion", "group"): 200,
    ("criterion", "decision"): 200,
    ("indicator", "code"): 20,
    ("indicator", "name"): 400,
    ("indicator", "unit"): 60,
    ("indicator", "decision"): 200,
}
THRESHOLD_LIMIT = Decimal(10) ** 14  # Indicator.threshold: 18 digits, 4 after the point
POINTS_LIMIT = Decimal(10) ** 6  # max_points, min_points: 8 digits, 2 after the point


# --- reading values -----------------------------------------------------------------------------------------


def as_number(value) -> Decimal | None:
    """The number a value holds (an int, a float, a Decimal, "1.5"; True/False as 1/0), else None."""
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, (int, float, Decimal)) or (isinstance(value, str) and value.strip()):
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            return None
        return number if number.is_finite() else None
    return None


def as_date(value) -> datetime.date | None:
    """A date as YAML reads it (2024-01-30) or as ISO text, else None."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def as_version(value) -> int | None:
    """A version: a whole number from 1 (also written "2"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    if isinstance(value, str) and value.strip().isdecimal() and int(value.strip()) >= 1:
        return int(value.strip())
    return None


def show(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value) if isinstance(value, (str, int, float, Decimal)) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def found(value) -> str:
    """What a value is, in words, for "should be a list, not …"."""
    if value is None:
        return _("an empty value")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, (int, float, Decimal)):
        return _("a number")
    if isinstance(value, str):
        return _("a text")
    if isinstance(value, (list, tuple)):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, datetime.date):
        return _("a date")
    return _("another kind of value")


def hint(word: str, known) -> str:
    """ "; did you mean “x”?" for a close known word, else ""."""
    if not isinstance(word, str):
        return ""
    if word[::-1] in known and word[::-1] != word:  # "=>" for ">="
        return "; " + _("did you mean “%(hint)s”?") % {"hint": word[::-1]}
    close = difflib.get_close_matches(word, [str(k) for k in known], n=1, cutoff=0.6)
    return "; " + _("did you mean “%(hint)s”?") % {"hint": close[0]} if close else ""


# --- places -------------------------------------------------------------------------------------------------


class Place:
    """Where a value is: in words ("Tiêu chí 3 › Chỉ tiêu 3.1") and as keys (("criteria", 2, "indicators", 0))."""

    def __init__(self, words: tuple = (), path: tuple = ()):
        self.words, self.path = words, path

    def key(self, key) -> "Place":
        return Place((*self.words, str(key)), (*self.path, key))

    def step(self, word: str, *keys) -> "Place":
        return Place((*self.words, word), (*self.path, *keys))

    def __str__(self) -> str:
        return " › ".join(self.words)


def label(value) -> str | None:
    """A criterion number or indicator code fit to name its place, else None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    return text[:20] if text else None


class Checker:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, place: Place, message: str) -> None:
        problem = Problem(str(place), message, place.path)
        if problem not in self.problems:
            self.problems.append(problem)

    # -- shapes

    def mapping(self, value, place: Place) -> dict | None:
        if isinstance(value, dict):
            return value
        self.add(place, _("this should be a mapping of keys and values, not %(found)s") % {"found": found(value)})
        return None

    def listing(self, value, place: Place) -> list | None:
        if isinstance(value, list):
            return value
        self.add(
            place,
            _("this should be a list (one item per line starting with “- ”), not %(found)s") % {"found": found(value)},
        )
        return None

    def keys(self, node: dict, known, required, place: Place, lenient: bool = False) -> None:
        for key in node:
            if key not in known:
                close = hint(key, known)
                if close:
                    message = _("the key “%(key)s” is not part of the criteria set format") % {"key": show(key)}
                    self.add(place.key(key), message + close)
                else:
                    message = _("the key “%(key)s” is not part of the criteria set format; the keys here are: %(keys)s")
                    self.add(place.key(key), message % {"key": show(key), "keys": ", ".join(known)})
        if lenient:
            return
        for key in required:
            if key not in node or node[key] is None:
                self.add(
                    place.key(key),
                    _("the key “%(key)s” is missing; add %(what)s") % {"key": key, "what": fix_for(key, place)},
                )

    def text(self, node: dict, key: str, place: Place, limit_key: tuple | None = None, required=False) -> str | None:
        if key not in node or node[key] is None:
            return None
        value = node[key]
        if isinstance(value, float):
            self.add(place.key(key), code_as_number(value))
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.add(place.key(key), _("“%(value)s” should be text; write it in quotes") % {"value": show(value)})
            return None
        text = str(value)
        if required and not text.strip():
            self.add(place.key(key), _("this is empty; write %(what)s") % {"what": fix_for(key, place)})
        limit = MAX_LENGTHS.get(limit_key) if limit_key else None
        if limit and len(text.strip()) > limit:
            self.add(
                place.key(key),
                _("%(length)s characters, at most %(limit)s allowed; shorten it")
                % {"length": len(text.strip()), "limit": limit},
            )
        return text

    def choice(self, node: dict, key: str, choices, what, place: Place) -> str | None:
        if key not in node:
            return None
        value = node[key]
        valid = [str(v) for v in choices.values]
        if isinstance(value, str) and value in valid:
            return value
        shown = [v for v in valid if v]
        message = _("“%(value)s” is not a valid %(what)s; use one of: %(choices)s") % {
            "value": show(value),
            "what": what,
            "choices": ", ".join(shown),
        }
        self.add(place.key(key), message + hint(value, shown))
        return None

    def date(self, node: dict, key: str, place: Place) -> datetime.date | None:
        if key not in node or node[key] is None:
            return None
        parsed = as_date(node[key])
        if parsed is None:
            self.add(
                place.key(key),
                _("“%(value)s” is not a date; write it as year-month-day, e.g. 2025-01-30")
                % {"value": show(node[key])},
            )
        return parsed

    def number(self, value, place: Place, what: str, example: str, limit: Decimal) -> Decimal | None:
        number = None if isinstance(value, bool) else as_number(value)
        if number is None:
            self.add(
                place,
                _("%(what)s “%(value)s” is not a number; write a number, e.g. %(example)s")
                % {"what": what, "value": show(value), "example": example},
            )
            return None
        if abs(number) >= limit:
            self.add(place, _("%(value)s is too large; at most %(limit)s") % {"value": show(value), "limit": limit - 1})
            return None
        return number

    def not_negative(self, number: Decimal, value, place: Place, what: str) -> None:
        if number < 0:
            self.add(place, _("%(what)s %(value)s is negative; write 0 or more") % {"what": what, "value": show(value)})


def fix_for(key: str, place: Place) -> str:
    """What to add for a missing or empty key, as the fix in its message."""
    in_indicator = "indicators" in place.path
    in_criterion = "criteria" in place.path and not in_indicator
    if key == "code":
        if in_indicator:
            return _("the indicator's code, e.g. “1.1”")
        return _("a short code without accents, e.g. thon-kieu-mau")
    if key == "name":
        if in_indicator:
            return _("what the indicator measures")
        if in_criterion:
            return _("the criterion's name as the decision words it")
        return _("the set's name, e.g. “Thôn, tổ dân phố văn hóa”")
    if key == "number":
        if in_criterion:
            return _("the criterion's number as the decision gives it, e.g. “1” or “II”")
        return _("the decision's number, e.g. “86/2023/NĐ-CP”")
    return {
        "level": _("the level it applies to: ward or neighbourhood"),
        "effective_from": _("the day it comes into force, e.g. 2025-01-30"),
        "document": _("the decision it comes from (number, date, issuer)"),
        "criteria": _("the list of its criteria"),
        "indicators": _("the list of its indicators"),
        "kind": _("the kind of value: %(kinds)s") % {"kinds": ", ".join(IndicatorKind.values)},
    }.get(key, key)


def code_as_number(value) -> str:
    return _('“%(value)s” was read as a number; put it in quotes, e.g. "%(value)s"') % {"value": show(value)}


def check_threshold(check: Checker, value, kind, place: Place) -> None:
    """A threshold (the default one or a zone's) as its kind allows."""
    what = pgettext("set file", "threshold")
    if kind == IndicatorKind.TEXT:
        check.add(place, _("a text indicator is met when something is written, with no threshold; remove this"))
        return
    if kind == IndicatorKind.BOOLEAN:
        number = as_number(value)
        if number not in (Decimal(0), Decimal(1)):
            check.add(
                place,
                _("the threshold of a yes/no indicator is 1 (met when yes) or 0 (met when no), not %(value)s")
                % {"value": show(value)},
            )
        return
    example = {IndicatorKind.PERCENT: "90", IndicatorKind.COUNT: "0", IndicatorKind.AMOUNT: "70"}.get(kind, "10")
    number = check.number(value, place, what, example, THRESHOLD_LIMIT)
    if number is None:
        return
    if kind == IndicatorKind.PERCENT and not 0 <= number <= 100:
        check.add(
            place,
            _("%(what)s %(value)s is a percentage outside 0–100; write a number from 0 to 100, e.g. 90")
            % {"what": what, "value": show(value)},
        )
    elif kind in (IndicatorKind.COUNT, IndicatorKind.AMOUNT, IndicatorKind.POINTS):
        check.not_negative(number, value, place, what)
        if kind == IndicatorKind.COUNT and number >= 0 and number != number.to_integral_value():
            check.add(
                place,
                _("%(what)s %(value)s is not a whole number; a count is whole, e.g. 0 or 3")
                % {"what": what, "value": show(value)},
            )
