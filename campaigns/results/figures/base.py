"""What every figure module shares: the registry of definitions, periods, exact shares."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone

from campaigns.results.models import Period
from portal import numbers


@dataclass(frozen=True)
class Definition:
    key: str
    label: str  # gettext_noop'd: translate when shown
    words: str


DEFINITIONS: dict[str, Definition] = {}


def defines(key: str, label: str, words: str) -> Callable:
    """Register a figure's definition; the words become the function's docstring."""

    def register(fn: Callable) -> Callable:
        DEFINITIONS[key] = Definition(key, label, words)
        fn.__doc__ = words
        return fn

    return register


# --- periods -----------------------------------------------------------------------------------------------


def is_closed(period: Period, as_of: date) -> bool:
    """A period is closed once its entry deadline has passed, or once it has ended and is locked.
    A month locked before its last day is still running: its tasks can still fall overdue."""
    return as_of > period.deadline or (period.is_locked and as_of > period.end)


def previous_month(period: Period) -> Period | None:
    return Period.objects.filter(kind=Period.Kind.MONTH, start__lt=period.start).order_by("-start").first()


def months_of(year: int) -> list[Period]:
    return list(Period.objects.filter(kind=Period.Kind.MONTH, year=year).order_by("start"))


def comparison_cutoff(period: Period, previous: Period | None, as_of: date) -> datetime | None:
    """For an unfinished period, the same moment of the previous one: its reports are taken as they stood
    then (submitted by the end of that day). None for a closed period: the previous one is taken whole."""
    if previous is None or is_closed(period, as_of):
        return None
    day = previous.start + (as_of - period.start)
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def deadline_end(period: Period) -> datetime:
    """The first moment after the entry deadline, in Việt Nam time."""
    return timezone.make_aware(datetime.combine(period.deadline + timedelta(days=1), time.min))


# --- units and shares --------------------------------------------------------------------------------------


def exists_on(day) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def share(part: int, whole: int) -> Fraction | None:
    """part ÷ whole × 100, exact; None when there is nothing to divide by. Round only to show it
    (portal.numbers.percent_of)."""
    return numbers.share(part, whole)


def change_pp(now: Fraction | None, before: Fraction | None) -> Fraction | None:
    return None if now is None or before is None else now - before


def as_float(value: Fraction | None) -> float | None:
    """An exact share as a float for the snapshot (JSON); shown rounded, never compared after this."""
    return None if value is None else float(value)
