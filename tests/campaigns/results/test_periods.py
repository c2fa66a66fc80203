"""Reporting periods: calendar months, and the 15th-to-14th months of NĐ 09/2019/NĐ-CP Điều 12."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from campaigns.results.models import Period
from campaigns.results.periods import SPANS, bounds, current_month, periods_ensure

MONTH, QUARTER, HALF, YEAR = Period.Kind.MONTH, Period.Kind.QUARTER, Period.Kind.HALF, Period.Kind.YEAR
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")

# --- bounds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "year", "number", "start", "end"),
    [
        (MONTH, 2026, 1, date(2026, 1, 1), date(2026, 1, 31)),
        (MONTH, 2026, 2, date(2026, 2, 1), date(2026, 2, 28)),
        (MONTH, 2028, 2, date(2028, 2, 1), date(2028, 2, 29)),  # leap year
        (MONTH, 2100, 2, date(2100, 2, 1), date(2100, 2, 28)),  # not a leap year
        (MONTH, 2026, 4, date(2026, 4, 1), date(2026, 4, 30)),
        (MONTH, 2026, 12, date(2026, 12, 1), date(2026, 12, 31)),
        (QUARTER, 2026, 1, date(2026, 1, 1), date(2026, 3, 31)),
        (QUARTER, 2026, 2, date(2026, 4, 1), date(2026, 6, 30)),
        (QUARTER, 2026, 3, date(2026, 7, 1), date(2026, 9, 30)),
        (QUARTER, 2026, 4, date(2026, 10, 1), date(2026, 12, 31)),
        (HALF, 2026, 1, date(2026, 1, 1), date(2026, 6, 30)),
        (HALF, 2026, 2, date(2026, 7, 1), date(2026, 12, 31)),
        (YEAR, 2026, 1, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_calendar_periods(kind, year, number, start, end):
    assert bounds(kind, year, number, cutoff=1) == (start, end)


@pytest.mark.parametrize(
    ("kind", "year", "number", "start", "end"),
    [
        (MONTH, 2026, 1, date(2025, 12, 15), date(2026, 1, 14)),
        (MONTH, 2026, 2, date(2026, 1, 15), date(2026, 2, 14)),
        (MONTH, 2028, 3, date(2028, 2, 15), date(2028, 3, 14)),  # holds 29/02/2028
        (MONTH, 2026, 12, date(2026, 11, 15), date(2026, 12, 14)),
        (QUARTER, 2026, 1, date(2025, 12, 15), date(2026, 3, 14)),
        (QUARTER, 2026, 2, date(2026, 3, 15), date(2026, 6, 14)),
        (QUARTER, 2026, 3, date(2026, 6, 15), date(2026, 9, 14)),
        (QUARTER, 2026, 4, date(2026, 9, 15), date(2026, 12, 14)),
        (HALF, 2026, 1, date(2025, 12, 15), date(2026, 6, 14)),
        (HALF, 2026, 2, date(2026, 6, 15), date(2026, 12, 14)),
        (YEAR, 2026, 1, date(2025, 12, 15), date(2026, 12, 14)),
    ],
)
def test_reporting_regime_periods_run_from_the_15th_to_the_14th(kind, year, number, start, end):
    assert bounds(kind, year, number, cutoff=15) == (start, end)


def test_bounds_follow_the_setting_when_no_cutoff_is_given(settings):
    settings.PERIOD_CUTOFF_DAY = 15
    assert bounds(MONTH, 2026, 1) == (date(2025, 12, 15), date(2026, 1, 14))
    settings.PERIOD_CUTOFF_DAY = 1
    assert bounds(MONTH, 2026, 1) == (date(2026, 1, 1), date(2026, 1, 31))


def _all_periods(kind, year, cutoff):
    return [bounds(kind, y, n, cutoff) for y in (year - 1, year, year + 1) for n in range(1, SPANS[kind][1] + 1)]


@given(st.integers(1901, 2199), st.sampled_from([1, 15]), st.sampled_from([MONTH, QUARTER, HALF, YEAR]))
def test_periods_of_a_kind_tile_the_calendar(year, cutoff, kind):
    """No day is left out and none is counted twice, also across the turn of the year."""
    spans = _all_periods(kind, year, cutoff)
    for (_s1, end), (start, _e2) in zip(spans, spans[1:], strict=False):
        assert start == end + timedelta(days=1)
    for start, end in spans:
        assert start <= end


@given(st.integers(1901, 2199), st.sampled_from([1, 15]))
def test_longer_periods_are_made_of_months(year, cutoff):
    months = [bounds(MONTH, year, n, cutoff) for n in range(1, 13)]
    for kind, (length, count) in SPANS.items():
        for number in range(1, count + 1):
            first, last = months[(number - 1) * length], months[number * length - 1]
            assert bounds(kind, year, number, cutoff) == (first[0], last[1])


@given(st.dates(date(1950, 1, 1), date(2150, 12, 31)), st.sampled_from([1, 15]))
def test_every_day_is_in_exactly_one_month(day, cutoff):
    holders = [
        (y, n)
        for y in (day.year - 1, day.year, day.year + 1)
        for n in range(1, 13)
        if bounds(MONTH, y, n, cutoff)[0] <= day <= bounds(MONTH, y, n, cutoff)[1]
    ]
    assert len(holders) == 1
    year, number = holders[0]
    if cutoff == 1:
        assert (year, number) == (day.year, day.month)
    elif day.day >= 15:  # from the 15th a day belongs to next month's report
        assert (year, number) == ((day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1))
    else:
        assert (year, number) == (day.year, day.month)


# --- periods_ensure ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("cutoff", [1, 15])
def test_periods_ensure_creates_the_years_19_periods_once(settings, cutoff):
    settings.PERIOD_CUTOFF_DAY = cutoff
    settings.ENTRY_DEADLINE_DAYS = 7
    first = periods_ensure(2026)
    assert len(first) == 19
    assert Period.objects.count() == 19
    counts = {kind: Period.objects.filter(kind=kind, year=2026).count() for kind in SPANS}
    assert counts == {MONTH: 12, QUARTER: 4, HALF: 2, YEAR: 1}
    for period in Period.objects.all():
        assert (period.start, period.end) == bounds(period.kind, period.year, period.number, cutoff)
        assert period.deadline == period.end + timedelta(days=7)
        assert not period.is_locked

    again = periods_ensure(2026)
    assert Period.objects.count() == 19
    assert sorted(p.pk for p in again) == sorted(p.pk for p in first)


@pytest.mark.django_db
def test_periods_ensure_keeps_existing_periods_and_adds_only_the_missing(settings):
    settings.ENTRY_DEADLINE_DAYS = 5
    march = Period.objects.create(
        kind=MONTH,
        year=2026,
        number=3,
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        deadline=date(2026, 4, 10),
        is_locked=True,
    )
    periods_ensure(2026, cutoff=1)
    assert Period.objects.count() == 19
    march.refresh_from_db()
    assert march.deadline == date(2026, 4, 10) and march.is_locked
    january = Period.objects.get(kind=MONTH, year=2026, number=1)
    assert january.deadline == date(2026, 2, 5)


@pytest.mark.django_db
def test_deadline_of_a_reporting_regime_month(settings):
    settings.ENTRY_DEADLINE_DAYS = 5
    periods_ensure(2026, cutoff=15)
    january = Period.objects.get(kind=MONTH, year=2026, number=1)
    assert (january.start, january.end, january.deadline) == (date(2025, 12, 15), date(2026, 1, 14), date(2026, 1, 19))


@pytest.mark.django_db
def test_years_next_to_each_other_do_not_overlap(settings):
    for cutoff in (1, 15):
        Period.objects.all().delete()
        periods_ensure(2026, cutoff=cutoff)
        periods_ensure(2027, cutoff=cutoff)
        for day in (date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 31), date(2027, 1, 1)):
            assert Period.objects.filter(kind=MONTH).containing(day).count() == 1
            assert Period.objects.filter(kind=YEAR).containing(day).count() == 1


# --- current_month -----------------------------------------------------------


def _month(period):
    return (period.kind, period.year, period.number)


@pytest.mark.django_db
class TestCurrentMonthAtTheTurnOfTheYear:
    @time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=HANOI), tick=False)
    def test_calendar_last_evening_of_the_year(self, settings):
        settings.PERIOD_CUTOFF_DAY = 1
        period = current_month()
        assert _month(period) == (MONTH, 2026, 12)
        assert (period.start, period.end) == (date(2026, 12, 1), date(2026, 12, 31))

    @time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=HANOI), tick=False)
    def test_calendar_first_minutes_of_the_year(self, settings):
        settings.PERIOD_CUTOFF_DAY = 1
        period = current_month()
        assert _month(period) == (MONTH, 2027, 1)
        assert (period.start, period.end) == (date(2027, 1, 1), date(2027, 1, 31))
        assert Period.objects.filter(year=2027).count() == 19

    @time_machine.travel(datetime(2026, 12, 31, 17, 30, tzinfo=UTC), tick=False)
    def test_calendar_uses_the_vietnamese_date_not_utc(self, settings):
        """17:30 UTC on 31/12 is already 00:30 on 1/1 in Việt Nam."""
        settings.PERIOD_CUTOFF_DAY = 1
        assert _month(current_month()) == (MONTH, 2027, 1)

    @time_machine.travel(datetime(2026, 12, 14, 23, 59, tzinfo=HANOI), tick=False)
    def test_regime_the_14th_of_december_closes_month_12(self, settings):
        settings.PERIOD_CUTOFF_DAY = 15
        period = current_month()
        assert _month(period) == (MONTH, 2026, 12)
        assert (period.start, period.end) == (date(2026, 11, 15), date(2026, 12, 14))

    @time_machine.travel(datetime(2026, 12, 15, 8, 0, tzinfo=HANOI), tick=False)
    def test_regime_the_15th_of_december_opens_month_1_of_next_year(self, settings):
        settings.PERIOD_CUTOFF_DAY = 15
        period = current_month()
        assert _month(period) == (MONTH, 2027, 1)
        assert (period.start, period.end) == (date(2026, 12, 15), date(2027, 1, 14))
        assert Period.objects.filter(year=2027).count() == 19
        assert Period.objects.filter(year=2026).count() == 19

    @time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=HANOI), tick=False)
    def test_regime_new_years_day_is_still_month_1(self, settings):
        settings.PERIOD_CUTOFF_DAY = 15
        period = current_month()
        assert _month(period) == (MONTH, 2027, 1)
        assert period.start == date(2026, 12, 15)

    @time_machine.travel(datetime(2027, 1, 15, 0, 0, tzinfo=HANOI), tick=False)
    def test_regime_the_15th_of_january_opens_month_2(self, settings):
        settings.PERIOD_CUTOFF_DAY = 15
        assert _month(current_month()) == (MONTH, 2027, 2)

    @time_machine.travel(datetime(2026, 12, 20, 9, 0, tzinfo=HANOI), tick=False)
    def test_current_month_is_created_once(self, settings):
        settings.PERIOD_CUTOFF_DAY = 15
        first = current_month()
        count = Period.objects.count()
        assert current_month().pk == first.pk
        assert Period.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cutoff", "today", "expected"),
    [
        (1, date(2028, 2, 29), (2028, 2)),
        (1, date(2026, 1, 1), (2026, 1)),
        (15, date(2028, 2, 29), (2028, 3)),
        (15, date(2025, 12, 31), (2026, 1)),
        (15, date(2026, 1, 14), (2026, 1)),
    ],
)
def test_current_month_for_a_given_day(settings, cutoff, today, expected):
    settings.PERIOD_CUTOFF_DAY = cutoff
    period = current_month(today)
    assert (period.year, period.number) == expected
    assert period.start <= today <= period.end
