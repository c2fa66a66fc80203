"""When an indicator and a criterion are met. Pure functions, no database.

These rules are the heart of every figure the portal shows, so they live apart
from the models and are tested property-based against a plain reference.
"""

from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    BOOLEAN = "boolean", _("Yes / no")
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")
    AMOUNT = "amount", _("Amount (VND)")
    POINTS = "points", _("Points")
    TEXT = "text", _("Text")


NUMERIC_KINDS = {IndicatorKind.COUNT, IndicatorKind.PERCENT, IndicatorKind.AMOUNT, IndicatorKind.POINTS}


class Comparator(models.TextChoices):
    GTE = ">=", "≥"
    LTE = "<=", "≤"
    GT = ">", ">"
    LT = "<", "<"
    EQ = "==", "="


class Rule(models.TextChoices):
    ALL = "all", _("all its indicators")
    K_OF_N = "k_of_n", _("at least k of its indicators")
    POINTS = "points", _("a points total")


def _as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return Decimal(int(value))
    return Decimal(str(value))


def compare(kind: str, comparator: str, value, threshold) -> bool | None:
    """Is `value` good enough? None when nothing was entered.

    - yes/no: met when the answer equals the threshold (yes, unless the threshold is 0);
    - text: met when something was written;
    - numbers: `value <comparator> threshold`; with no threshold set, any value is met.

    A computed rate comes as a Fraction and is compared exactly: 1 poor household of 3 is
    33,333… %, over a threshold of 33,33 %, though it is shown as 33,33.
    """
    if kind == IndicatorKind.TEXT:
        if value is None:
            return None
        return bool(str(value).strip())
    number = value if isinstance(value, Fraction) else _as_decimal(value)
    if number is None:
        return None
    limit = _as_decimal(threshold)
    if isinstance(number, Fraction) and limit is not None:
        limit = Fraction(limit)  # exact: a Decimal converts to a Fraction without rounding
    if kind == IndicatorKind.BOOLEAN:
        wanted = Decimal(1) if limit is None else limit
        return (number != 0) == (wanted != 0)
    if limit is None:
        return True
    return {
        Comparator.GTE: number >= limit,
        Comparator.LTE: number <= limit,
        Comparator.GT: number > limit,
        Comparator.LT: number < limit,
        Comparator.EQ: number == limit,
    }[comparator]


def shortfall(kind: str, comparator: str, value, threshold) -> Decimal | None:
    """How far a numeric value is from its threshold (0 when met, None when not measurable)."""
    if kind not in NUMERIC_KINDS:
        return None
    number, limit = _as_decimal(value), _as_decimal(threshold)
    if number is None or limit is None:
        return None
    if compare(kind, comparator, number, limit):
        return Decimal(0)
    return abs(limit - number)


def criterion_met(
    rule: str, *, met: list[bool | None], points: list[Decimal | None], k: int | None = None, min_points=None
) -> bool:
    """Whether a criterion is met from its indicators' outcomes.

    `met` holds each indicator's outcome (None: not entered, which never counts as met);
    `points` the points each indicator earns (used by the points rule).
    """
    if not met:
        return False
    if rule == Rule.ALL:
        return all(m is True for m in met)
    if rule == Rule.K_OF_N:
        return sum(1 for m in met if m is True) >= (k if k is not None else len(met))
    if rule == Rule.POINTS:
        total = sum((p for p in points if p is not None), Decimal(0))
        return total >= (_as_decimal(min_points) or Decimal(0))
    raise ValueError(rule)


def display(kind: str, value) -> str:
    """A value as people read it: Có/Không, 1.234,5 …"""
    if value is None or value == "":
        return "—"
    if kind == IndicatorKind.TEXT:
        return str(value)
    if kind == IndicatorKind.BOOLEAN:
        return str(_("Yes")) if _as_decimal(value) else str(_("No"))
    number = _as_decimal(value).normalize()
    places = max(0, -number.as_tuple().exponent)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
