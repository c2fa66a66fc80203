"""Every figure of both summaries against a small province worked out by hand."""

from datetime import date

import pytest

from campaigns.results.models import Period, Submission
from reports.summaries import annual_snapshot, monthly_snapshot
from tests.factories import NeighbourhoodFactory, ProfileFactory
from tests.reports.conftest import enter

S = Submission.Status


@pytest.fixture
def province(city, ward_a, ward_b, hood_a, hood_b, months):
    """ward_a: hood_a, Tổ 2, Tổ 3; ward_b: hood_b. Months 10 and 11 of 2026 (and 11/2025)."""
    hood_2 = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố 2")
    hood_3 = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố 3")
    for hood in (hood_2, hood_3):
        ProfileFactory(neighbourhood=hood, year=2026)
    oct_, nov = months[10], months[11]
    # October: hood_a and hood_b meet everything; Tổ 2 misses criterion II; Tổ 3 reports nothing.
    enter(hood_a, oct_, met=True)
    enter(hood_2, oct_, met=False)
    enter(hood_b, oct_, met=True)
    # November: hood_a slips (misses II), Tổ 2 now meets all (submitted), Tổ 3 has only a draft,
    # hood_b was returned.
    enter(hood_a, nov, met=False)
    enter(hood_2, nov, met=True, status=S.SUBMITTED)
    enter(hood_3, nov, met=True, status=S.DRAFT)
    enter(hood_b, nov, met=True, status=S.RETURNED)
    # A year earlier, for the annual comparison: hood_a met everything in 11/2025.
    ProfileFactory(neighbourhood=hood_a, year=2025)
    nov_2025 = Period.objects.get(kind=Period.Kind.MONTH, year=2025, number=11)
    enter(hood_a, nov_2025, met=True)
    return {"hood_2": hood_2, "hood_3": hood_3}


def test_monthly_summary_of_the_city(city, province, months):
    snap = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 10))
    assert snap["totals"] == {
        "units": 4,
        "reported": 2,
        "on_time": 2,
        "late": 0,
        "not_reported": 2,
        "returned": 1,
        "approved": 1,
        "complete": 1,
    }
    assert snap["reporting"] == [  # in Vietnamese alphabetical order: Đ sorts with D
        {
            "code": "16417",
            "name": "Phường Đông Quang",
            "units": 1,
            "reported": 0,
            "on_time": 0,
            "late": 0,
            "not_reported": 1,
            "returned": 1,
            "approved": 0,
            "complete": 0,
        },
        {
            "code": "14797",
            "name": "Phường Hạc Thành",
            "units": 3,
            "reported": 2,
            "on_time": 2,
            "late": 0,
            "not_reported": 1,
            "returned": 0,
            "approved": 1,
            "complete": 1,
        },
    ]
    # Shares of the assessed units, compared in percentage points: criterion II went from 2/3 to 1/2.
    assert [
        (c["number"], c["met"], c["assessed"], c["previous_met"], c["previous_assessed"]) for c in snap["criteria"]
    ] == [
        ("I", 2, 2, 3, 3),
        ("II", 1, 2, 2, 3),
        ("III", 2, 2, 3, 3),
    ]
    assert [round(c["change_pp"], 2) for c in snap["criteria"]] == [0.0, -16.67, 0.0]
    # Compared over units whose reports count in both months: hood_b's November report was returned.
    assert snap["newly_complete"] == {"count": 1, "units": [{"name": "Tổ dân phố 2", "ward": "Phường Hạc Thành"}]}
    assert snap["slipped"] == {"count": 1, "units": [{"name": "Tổ dân phố Đình Hương 1", "ward": "Phường Hạc Thành"}]}
    assert snap["gaps"] == [
        {"code": "16417", "name": "Phường Đông Quang", "missing": {}},
        {"code": "14797", "name": "Phường Hạc Thành", "missing": {"II": 1}},
    ]
    assert snap["not_reported"]["count"] == 2
    assert {u["status"] for u in snap["units"]} == {"on_time", "returned", "draft"}


def test_monthly_summary_of_one_ward_names_the_units_not_reported(city, ward_a, province, months):
    snap = monthly_snapshot(city=city, ward=ward_a, period=months[11], today=date(2026, 12, 10))
    assert snap["totals"]["units"] == 3
    assert snap["not_reported"] == {"count": 1, "units": [{"name": "Tổ dân phố 3", "ward": "Phường Hạc Thành"}]}
    assert [r["code"] for r in snap["reporting"]] == ["14797"]


def test_nobody_is_late_before_the_deadline(city, province, months):
    snap = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 1))
    assert snap["totals"]["late"] == 0
    assert snap["period"]["closed"] is False
    assert snap["period"]["as_of"] == "2026-12-01"


def test_annual_summary(city, province, months):
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
    snap = annual_snapshot(city=city, ward=None, period=year, today=date(2027, 1, 10))
    trend = {t["month"]: (t["reported"], t["complete"]) for t in snap["trend"]}
    assert trend[str(months[10].label)] == (3, 2)
    assert trend[str(months[11].label)] == (2, 1)
    assert len(snap["trend"]) == 12
    # Each unit's latest report of the year that counts: hood_a November (misses II), Tổ 2 November (meets
    # all), hood_b October (its November report was returned), Tổ 3 none.
    assert snap["totals"] == {"year": 2026, "units": 4, "reported": 3, "reached": 2, "share": 50.0}
    assert snap["reaching_standard"] == {
        "count": 2,
        "units": [
            {"name": "Tổ dân phố Đông Cương 3", "ward": "Phường Đông Quang"},
            {"name": "Tổ dân phố 2", "ward": "Phường Hạc Thành"},
        ],
    }
    assert [(r["rank"], r["code"], r["reached"], round(r["share"], 1)) for r in snap["ranking"]] == [
        (1, "16417", 1, 100.0),
        (2, "14797", 1, 33.3),
    ]
    assert snap["previous_year"] == {
        "year": 2025,
        "units": 4,
        "reported": 1,
        "reached": 1,
        "share": 25.0,
        "change_pp": 25.0,
    }
    assert [(c["number"], c["met"], c["assessed"]) for c in snap["criteria"]] == [
        ("I", 3, 3),
        ("II", 2, 3),
        ("III", 3, 3),
    ]


def test_building_twice_gives_the_same_snapshot(city, province, months):
    first = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 10))
    second = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 10))
    assert first == second
