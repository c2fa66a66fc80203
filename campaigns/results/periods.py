"""Reporting periods: calendar months, or the 15th-to-14th of the state reporting regime.

Nghị định 09/2019/NĐ-CP, Điều 12: a monthly report covers the 15th of the month
before to the 14th of the reporting month; quarters, halves and the year are cut
the same way. `settings.PERIOD_CUTOFF_DAY` is 1 for calendar periods or 15.
"""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from campaigns.results import rollups
from campaigns.results.models import Period

SPANS = {  # kind → (months per period, periods per year)
    Period.Kind.MONTH: (1, 12),
    Period.Kind.QUARTER: (3, 4),
    Period.Kind.HALF: (6, 2),
    Period.Kind.YEAR: (12, 1),
}


def _month_start(year: int, month: int, cutoff: int) -> date:
    """First day of the period that ends in (year, month)."""
    if cutoff == 1:
        return date(year, month, 1)
    prev_year, prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    return date(prev_year, prev_month, cutoff)


def bounds(kind: str, year: int, number: int, cutoff: int | None = None) -> tuple[date, date]:
    cutoff = cutoff or settings.PERIOD_CUTOFF_DAY
    months, _count = SPANS[kind]
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    start = _month_start(year, first_month, cutoff)
    if cutoff == 1:
        next_year, next_month = (year + 1, 1) if last_month == 12 else (year, last_month + 1)
        end = date(next_year, next_month, 1) - timedelta(days=1)
    else:
        end = date(year, last_month, cutoff - 1)
    return start, end


def periods_ensure(year: int, cutoff: int | None = None) -> list[Period]:
    """Create the year's months, quarters, halves and the year itself; existing ones are kept.

    Two queries when nothing is missing; creating a year counts its rollups in one more
    (rollups.count_new_periods).
    """
    existing = {(p.kind, p.number): p for p in Period.objects.filter(year=year)}
    missing = []
    for kind, (_months, count) in SPANS.items():
        for number in range(1, count + 1):
            if (kind, number) in existing:
                continue
            start, end = bounds(kind, year, number, cutoff)
            missing.append(
                Period(
                    kind=kind,
                    year=year,
                    number=number,
                    start=start,
                    end=end,
                    deadline=end + timedelta(days=settings.ENTRY_DEADLINE_DAYS),
                )
            )
    if missing:
        Period.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {(p.kind, p.number): p for p in Period.objects.filter(year=year)}
        # bulk_create sends no post_save: a new period starts with every unit not reported in the rollups
        rollups.count_new_periods([existing[(p.kind, p.number)] for p in missing])
    return [existing[(kind, n)] for kind, (_m, count) in SPANS.items() for n in range(1, count + 1)]


def current_month(today: date | None = None) -> Period:
    """The monthly period staff owe now: the one containing today, created if needed.

    "Today" is the date in settings.TIME_ZONE (Việt Nam), whatever the process's clock zone is.
    """
    today = today or timezone.localdate()
    period = Period.objects.filter(kind=Period.Kind.MONTH).containing(today).first()
    if period is None:
        periods_ensure(today.year)
        if today.month == 12 and settings.PERIOD_CUTOFF_DAY != 1 and today.day >= settings.PERIOD_CUTOFF_DAY:
            periods_ensure(today.year + 1)
        period = Period.objects.filter(kind=Period.Kind.MONTH).containing(today).get()
    return period
