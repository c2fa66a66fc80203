"""seed_scale at a tiny size: the rows it makes, their evaluation, the rollups, several provinces, and that a
second run makes nothing."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.models import CriteriaSet, Indicator
from campaigns.results import figures, rollups
from campaigns.results.models import CriterionResult, CriterionRollup, Period, Result, Submission, WardRollup
from campaigns.results.services import submission_evaluate
from wards.models import City, Neighbourhood, Ward

SMALL = {"wards": 3, "neighbourhoods": 12, "months": 2, "indicators": 6}
NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # the seeded months: 02/2026 and 03/2026


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def _counts() -> dict:
    return {
        "wards": Ward.objects.filter(city__code="SCALE").count(),
        "neighbourhoods": Neighbourhood.objects.filter(ward__city__code="SCALE").count(),
        "indicators": Indicator.objects.filter(criterion__criteria_set__code="scale-bench").count(),
        "submissions": Submission.objects.count(),
        "results": Result.objects.count(),
        "criterion_results": CriterionResult.objects.count(),
    }


@pytest.fixture
def seeded(db):
    return _seed()


def test_it_makes_the_requested_size(seeded):
    city = City.objects.get(code="SCALE")
    criteria_set = CriteriaSet.objects.get(code="scale-bench")
    criteria = criteria_set.criteria.count()
    assert list(city.wards.order_by("code").values_list("code", flat=True)) == ["S0001", "S0002", "S0003"]
    assert _counts() == {
        "wards": 3,
        "neighbourhoods": 12,
        "indicators": 6,
        "submissions": 12 * 2,
        "results": 12 * 2 * 6,
        "criterion_results": 12 * 2 * criteria,
    }
    # Every neighbourhood has one submission per month, in two consecutive monthly periods.
    months = Period.objects.filter(submissions__isnull=False).distinct()
    assert months.count() == 2 and {p.kind for p in months} == {Period.Kind.MONTH}
    assert set(Submission.objects.values_list("criteria_set", flat=True)) == {criteria_set.pk}
    kinds = set(Indicator.objects.filter(criterion__criteria_set=criteria_set).values_list("kind", flat=True))
    assert kinds == {IndicatorKind.BOOLEAN, IndicatorKind.PERCENT, IndicatorKind.COUNT}
    assert "Created 24 submissions, 144 results" in seeded
    assert f"Writing with {'COPY' if connection.vendor == 'postgresql' else 'bulk_create'}" in seeded


def test_submission_facts_agree_with_the_criterion_results(seeded):
    submissions = Submission.objects.annotate(
        met=Count("criterion_results", filter=Q(criterion_results__is_met=True)),
        rows=Count("criterion_results"),
    )
    for sub in submissions:
        assert sub.criteria_met == sub.met
        assert sub.criteria_total == sub.rows
        assert sub.is_complete == (sub.met == sub.rows > 0)
        assert len(sub.missing) == sub.rows - sub.met


def test_results_and_facts_are_what_the_portal_would_compute(seeded):
    for result in Result.objects.select_related("indicator", "submission__ward"):
        assert result.is_met == result.indicator.is_met(result.value, result.submission.ward.zone)
    for sub in Submission.objects.select_related("criteria_set", "ward"):
        stored = (
            sub.criteria_total,
            sub.criteria_met,
            sub.is_complete,
            sub.missing,
            dict(sub.criterion_results.values_list("criterion_id", "is_met")),
        )
        submission_evaluate(sub)
        sub.refresh_from_db()
        again = (
            sub.criteria_total,
            sub.criteria_met,
            sub.is_complete,
            sub.missing,
            dict(sub.criterion_results.values_list("criterion_id", "is_met")),
        )
        assert stored == again, sub


def test_statuses_are_mostly_approved(seeded):
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert Submission.Status.APPROVED in statuses
    assert statuses <= set(Submission.Status.values)


def test_a_second_run_creates_nothing(seeded):
    before = _counts(), Period.objects.count(), CriteriaSet.objects.count()
    output = _seed()
    assert "nothing to do" in output
    assert (_counts(), Period.objects.count(), CriteriaSet.objects.count()) == before


def test_a_different_size_needs_reset_and_reset_rebuilds(seeded):
    with pytest.raises(CommandError, match="--reset"):
        _seed(neighbourhoods=15)
    output = _seed(neighbourhoods=15, reset=True)
    assert "Reset: deleted" in output
    counts = _counts()
    assert counts["neighbourhoods"] == 15
    assert counts["submissions"] == 15 * 2
    assert counts["results"] == 15 * 2 * 6
    assert CriteriaSet.objects.filter(code="scale-bench").count() == 1


def test_real_units_are_left_alone(seeded, ward_a, hood_a):
    _seed(reset=True)
    assert Ward.objects.filter(pk=ward_a.pk).exists()
    assert Neighbourhood.objects.filter(pk=hood_a.pk).exists()
    assert not Submission.objects.filter(ward=ward_a).exists()


def test_rollups_are_written_for_every_seeded_month_and_equal_the_figures(seeded):
    wards = Ward.objects.filter(city__code="SCALE")
    criteria_set = CriteriaSet.objects.get(code="scale-bench")
    months = list(Period.objects.filter(submissions__isnull=False).distinct().order_by("start"))
    assert [(p.year, p.number) for p in months] == [(2026, 2), (2026, 3)]
    for period in months:
        expected = figures.reporting_by_ward(wards, period)
        assert len(expected) == 3 and sum(row["units"] for row in expected.values()) == 12
        assert rollups.reporting_by_ward(wards, period) == expected
        assert WardRollup.objects.filter(period=period, ward__city__code="SCALE").count() == 3
        counted = figures.submissions_in_force(wards, period).filter(status__in=["submitted", "approved"])
        assert rollups.criteria_by_ward(wards, period, criteria_set) == figures.criteria_by_ward(counted, criteria_set)


def test_missing_rollups_of_seeded_months_are_filled_on_the_next_run(seeded):
    period = Period.objects.filter(submissions__isnull=False).order_by("-start").first()
    wards = Ward.objects.filter(city__code="SCALE")
    expected = figures.reporting_by_ward(wards, period)
    WardRollup.objects.filter(period=period).delete()
    CriterionRollup.objects.filter(period=period).delete()
    output = _seed()
    assert "Rollups filled for 1 month(s)" in output and "nothing to do" in output
    assert rollups.reporting_by_ward(wards, period) == expected
    assert CriterionRollup.objects.filter(period=period).exists()


def test_several_provinces_share_the_wards_and_neighbourhoods(db):
    output = _seed(provinces=3, wards=7, neighbourhoods=20)
    cities = City.objects.filter(code__startswith="SCALE").order_by("code")
    assert list(cities.values_list("code", flat=True)) == ["SCALE", "SCALE02", "SCALE03"]
    per_city = {
        city.code: (city.wards.count(), Neighbourhood.objects.filter(ward__city=city).count()) for city in cities
    }
    assert per_city == {"SCALE": (3, 7), "SCALE02": (2, 7), "SCALE03": (2, 6)}
    codes = Ward.objects.filter(city__in=cities).order_by("code").values_list("code", flat=True)
    assert list(codes) == [f"S{n:04d}" for n in range(1, 8)]
    assert Submission.objects.count() == 20 * 2
    assert Result.objects.count() == 20 * 2 * 6
    for period in Period.objects.filter(submissions__isnull=False).distinct():
        for city in cities:
            wards = Ward.objects.filter(city=city)
            assert rollups.reporting_by_ward(wards, period) == figures.reporting_by_ward(wards, period)
    assert "Created 40 submissions" in output
    assert "nothing to do" in _seed(provinces=3, wards=7, neighbourhoods=20)
    with pytest.raises(CommandError, match="--reset"):
        _seed()  # one province of another size
    _seed(reset=True)
    assert list(City.objects.filter(code__startswith="SCALE").values_list("code", flat=True)) == ["SCALE"]
    assert WardRollup.objects.filter(ward__city__code__startswith="SCALE").count() == 3 * 2
