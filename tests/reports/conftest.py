"""A small province with results: the ground of the dashboard and summary tests."""

from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.results import periods, rollups, services
from campaigns.results.models import Period, Result, Submission
from tests.factories import NeighbourhoodFactory, ProfileFactory, WardFactory
from wards.models import Ward

NEIGHBOURHOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"


@pytest.fixture
def frozen_today():
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=False):
        yield


@pytest.fixture
def criteria_set(db):
    return criteria_set_load_file(NEIGHBOURHOOD_SET)[0]


@pytest.fixture
def months(criteria_set, frozen_today):
    periods.periods_ensure(2025)
    periods.periods_ensure(2026)
    return {p.number: p for p in Period.objects.filter(kind=Period.Kind.MONTH, year=2026)}


def enter(hood, period, *, met: bool, status=Submission.Status.APPROVED, fail=("II.1",)):
    """Results for every entered indicator: all met, or all met but the codes in `fail`."""
    submission = services.submission_for(hood, period)
    submission.results.all().delete()  # yearly values carried over from the month before
    rows = []
    profile = services.unit_profile(submission)
    for criterion in submission.criteria_set.criteria.prefetch_related("indicators"):
        for indicator in criterion.indicators.all():
            if indicator.source:
                value = services.profile_value(indicator, profile)
                rows.append(
                    Result(
                        submission=submission,
                        indicator=indicator,
                        value=value,
                        is_met=indicator.is_met(services.profile_rate(indicator, profile), hood.ward.zone),
                    )
                )
                continue
            good = met or indicator.code not in fail
            if indicator.kind == "boolean":
                value = 1 if good else 0
            elif indicator.comparator in ("<=", "<"):
                value = 0 if good else 99
            else:
                value = 100 if good else 10
            rows.append(
                Result(
                    submission=submission,
                    indicator=indicator,
                    value=value,
                    is_met=indicator.is_met(value, hood.ward.zone),
                )
            )
    Result.objects.bulk_create(rows)
    services.submission_evaluate(submission)
    Submission.objects.filter(pk=submission.pk).update(status=status)
    rollups.rollups_refresh(submission.period, wards=[submission.ward_id])  # the update goes around them
    return submission


def enter_ward(ward, period, *, failing=("2", "4"), programme=None) -> Submission:
    """A ward's own report against its ward-level set (in `programme`, else the one it follows first): every
    indicator met but those of the criteria numbered in `failing`; evaluated, left for the caller to send."""
    submission = services.submission_for(ward, period, programme=programme)
    rows = []
    for criterion in submission.criteria_set.criteria.prefetch_related("indicators"):
        for indicator in criterion.indicators.all():
            fails = criterion.number in failing
            value = 0 if fails else (1 if indicator.kind == "boolean" else 100)
            if indicator.comparator in ("<=", "<"):
                value = 100 if fails else 0
            rows.append(
                Result(
                    submission=submission, indicator=indicator, value=value, is_met=indicator.is_met(value, ward.zone)
                )
            )
    Result.objects.bulk_create(rows)
    services.submission_evaluate(submission)
    return submission


def grow(city, wards: int, hoods_per_ward: int, period, *, complete_every: int = 2):
    made = []
    for _ward in range(wards):
        ward = WardFactory(city=city, kind=Ward.Kind.COMMUNE)
        for h in range(hoods_per_ward):
            hood = NeighbourhoodFactory(ward=ward)
            ProfileFactory(neighbourhood=hood, year=period.year)
            enter(hood, period, met=(h % complete_every == 0))
        made.append(ward)
    return made
