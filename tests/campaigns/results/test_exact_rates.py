"""A rate computed from the profile is compared with its threshold exactly; only the value shown is rounded."""

import math
import operator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.criteria.evaluation import Comparator
from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.results.models import Period, Result
from campaigns.results.periods import periods_ensure
from campaigns.results.services import profile_rate, profile_value, results_save, submission_for
from wards.models import Profile

CRITERIA = Path(__file__).resolve().parents[3] / "campaigns" / "criteria" / "sets"
ORACLE = {
    Comparator.GTE: operator.ge,
    Comparator.LTE: operator.le,
    Comparator.GT: operator.gt,
    Comparator.LT: operator.lt,
    Comparator.EQ: operator.eq,
}


@pytest.fixture
def poor_rate(db, settings) -> Indicator:
    """I.2 of the NĐ 86/2023 set: the share of poor households, computed from the neighbourhood's profile."""
    settings.PERIOD_CUTOFF_DAY = 1
    criteria_set, _ = criteria_set_load_file(CRITERIA / "nd-86-2023-thon-tdp-van-hoa.yaml")
    periods_ensure(2026)
    return Indicator.objects.get(criterion__criteria_set=criteria_set, code="I.2")


def recompute(hood, user, *, households: int, poor: int, threshold, comparator: str = Comparator.LTE) -> Result:
    """Give the neighbourhood this profile and I.2 this threshold, save the form and read I.2's result."""
    Profile.objects.filter(neighbourhood=hood, year=2026).update(
        households=households, people=households, poor_households=poor, near_poor_households=0
    )
    Indicator.objects.filter(code="I.2").update(threshold=threshold, comparator=comparator, zone_thresholds={})
    march = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=3)
    submission = submission_for(hood, march)
    results_save(submission=submission, user=user, values={}, versions={})
    return Result.objects.get(submission=submission, indicator__code="I.2")


def test_finding_8_rate_compared_unrounded(poor_rate, hood_a, staff_a):
    # 501 poor of 25.000 households is 2,004 %: shown as 2,00 but over "≤ 2 %".
    result = recompute(hood_a, staff_a, households=25_000, poor=501, threshold=Decimal(2))
    assert (result.value, result.is_met) == (Decimal("2.00"), False)

    # 500 of 25.000 is exactly 2 %: met, though the rounded value shown has not changed.
    result = recompute(hood_a, staff_a, households=25_000, poor=500, threshold=Decimal(2))
    assert (result.value, result.is_met) == (Decimal("2.00"), True)

    # 1 of 3 is 33,333… %: over 33,33 %, though shown as 33,33.
    result = recompute(hood_a, staff_a, households=3, poor=1, threshold=Decimal("33.33"))
    assert (result.value, result.is_met) == (Decimal("33.33"), False)
    assert recompute(hood_a, staff_a, households=3, poor=1, threshold=Decimal("33.34")).is_met is True


def test_the_rate_shown_is_rounded_half_up_from_the_exact_rate():
    indicator = Indicator(kind="percent", comparator="<=", threshold=Decimal(1), source=Indicator.Source.POOR_RATE)
    # 1 of 160 is 0,625 %: half up gives 0,63 (rounding half to even would give 0,62).
    assert profile_value(indicator, Profile(households=160, poor_households=1)) == Decimal("0.63")
    assert profile_rate(indicator, Profile(households=160, poor_households=1)) == Fraction(5, 8)
    assert profile_value(indicator, Profile(households=0, poor_households=0)) is None
    assert profile_value(indicator, None) is None


@st.composite
def profiles(draw) -> tuple[int, int]:
    households = draw(st.integers(min_value=1, max_value=100_000))
    return households, draw(st.integers(min_value=0, max_value=households))


thresholds = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)


@given(figures=profiles(), threshold=thresholds, comparator=st.sampled_from(list(ORACLE)))
def test_a_computed_rate_is_met_exactly_as_the_fraction_is(figures, threshold, comparator):
    households, poor = figures
    indicator = Indicator(kind="percent", comparator=comparator, threshold=threshold, source=Indicator.Source.POOR_RATE)
    profile = Profile(households=households, poor_households=poor)
    exact = Fraction(100 * poor, households)
    assert indicator.is_met(profile_rate(indicator, profile)) == ORACLE[comparator](exact, Fraction(threshold))
    assert abs(Fraction(profile_value(indicator, profile)) - exact) <= Fraction(1, 200)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(figures=profiles(), threshold=thresholds)
def test_a_saved_rate_is_met_exactly_as_the_fraction_is(poor_rate, hood_a, staff_a, figures, threshold):
    """Through the entry form's service, and again on each later save: the stored outcome follows the profile."""
    households, poor = figures
    result = recompute(hood_a, staff_a, households=households, poor=poor, threshold=threshold)
    exact = Fraction(100 * poor, households)
    assert result.is_met == (exact <= Fraction(threshold))
    assert result.value == Decimal(math.floor(exact * 100 + Fraction(1, 2))) / 100  # shown: half up, 2 places
