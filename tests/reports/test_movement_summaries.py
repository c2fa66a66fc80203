"""The movement's figures in the summaries — tasks, recognitions, party cells — worked out by hand."""

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from campaigns.movement.models import Campaign, Recognition, Task
from campaigns.results import periods
from campaigns.results.models import Period
from reports.exports import pdf_context, xlsx_bytes
from reports.summaries import annual_snapshot, monthly_snapshot
from tests.factories import CityFactory, NeighbourhoodFactory, PartyCellFactory, WardFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
T = Task.Status
R = Recognition.Status


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HCM)


@pytest.fixture
def tasks(city, ward_a, ward_b, months):
    """November 2026 (1–30/11), times in Asia/Ho_Chi_Minh; every task recorded on 01/01/2026:

    ward_a: done 05/11 ✓; done 31/10 23:30 ✗ (October); done 30/11 23:30 ✓; done 01/12 00:30 ✗ (December,
            though still 30/11 in UTC); open due 30/11 → overdue; in progress due 01/12 → not yet;
            open due 20/11 of another city's campaign ✗.
    ward_b: open due 15/10 → overdue; cancelled due 01/10 ✗; done 10/11 though due 15/10 ✓ (not overdue at
            the end of November, overdue at the end of October).
    ward_c: only a task due in 2027.
    """
    campaign = Campaign.objects.create(
        name="Ra quân làm sạch môi trường", city=city, start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    other_city = CityFactory(code="40", name="Nghệ An")
    elsewhere = Campaign.objects.create(name="Khác", city=other_city, start=date(2026, 1, 1), end=date(2026, 12, 31))
    ward_c = WardFactory(city=city, name="Xã Yên Định")

    def task(ward, due, status=T.OPEN, completed=None, on=campaign):
        return Task.objects.create(
            campaign=on,
            ward=ward,
            title=f"Nhiệm vụ {due}",
            start=date(2026, 1, 1),
            due=due,
            status=status,
            completed_at=completed,
        )

    task(ward_a, date(2026, 11, 10), T.DONE, at(2026, 11, 5, 9, 0))
    task(ward_a, date(2026, 11, 10), T.DONE, at(2026, 10, 31, 23, 30))
    task(ward_a, date(2026, 11, 30), T.DONE, at(2026, 11, 30, 23, 30))
    task(ward_a, date(2026, 12, 5), T.DONE, at(2026, 12, 1, 0, 30))
    task(ward_a, date(2026, 11, 30))
    task(ward_a, date(2026, 12, 1), T.IN_PROGRESS)
    task(ward_a, date(2026, 11, 20), on=elsewhere)
    task(ward_b, date(2026, 10, 15))
    task(ward_b, date(2026, 10, 1), T.CANCELLED)
    task(ward_b, date(2026, 10, 15), T.DONE, at(2026, 11, 10, 8, 0))
    task(ward_c, date(2027, 1, 15))
    # Recorded when the campaign began (the clock is frozen in November): a month's overdue figure leaves out
    # tasks recorded after it.
    Task.objects.update(created_at=at(2026, 1, 1, 8, 0))


def test_monthly_tasks_of_the_city(city, tasks, months):
    snap = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 10))
    assert snap["tasks"] == {
        "done": 3,
        "overdue": 2,
        "by_ward": [  # Đông Quang before Hạc Thành; Yên Định has nothing done or overdue
            {"code": "16417", "name": "Phường Đông Quang", "done": 1, "overdue": 1},
            {"code": "14797", "name": "Phường Hạc Thành", "done": 2, "overdue": 1},
        ],
    }


def test_monthly_tasks_of_one_ward(city, ward_a, tasks, months):
    snap = monthly_snapshot(city=city, ward=ward_a, period=months[11], today=date(2026, 12, 10))
    assert snap["tasks"] == {
        "done": 2,
        "overdue": 1,
        "by_ward": [{"code": "14797", "name": "Phường Hạc Thành", "done": 2, "overdue": 1}],
    }


def test_monthly_tasks_of_october(city, tasks, months):
    """In October: done, the task done 31/10 late evening; overdue at the end of October, ward_b's two tasks
    due 15/10: the one still open and the one done on 10/11, after the period's end."""
    snap = monthly_snapshot(city=city, ward=None, period=months[10], today=date(2026, 11, 10))
    assert snap["tasks"] == {
        "done": 1,
        "overdue": 2,
        "by_ward": [
            {"code": "16417", "name": "Phường Đông Quang", "done": 0, "overdue": 2},
            {"code": "14797", "name": "Phường Hạc Thành", "done": 1, "overdue": 0},
        ],
    }


def test_overdue_tasks_leave_out_those_recorded_after_the_period(city, ward_b, tasks, months):
    late = Task.objects.get(ward=ward_b, status=T.OPEN)
    Task.objects.filter(pk=late.pk).update(created_at=at(2026, 11, 1, 9, 0))  # recorded in November
    october = monthly_snapshot(city=city, ward=None, period=months[10], today=date(2026, 11, 10))
    november = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 10))
    assert (october["tasks"]["overdue"], november["tasks"]["overdue"]) == (1, 2)


def test_monthly_tasks_when_there_are_none(city, ward_a, months):
    snap = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 10))
    assert snap["tasks"] == {"done": 0, "overdue": 0, "by_ward": []}


@pytest.fixture
def recognitions(ward_a, ward_b, hood_a, hood_b):
    """Confirmed in 2026: hood_a, ward_b itself (a ward title), Tổ 5 of ward_a (two titles).
    Not counted: a proposal, a rejection, a title of 2025."""
    hood_5 = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố 5")

    def rec(ward, hood, title, status=R.CONFIRMED, year=2026, number="", day=None):
        Recognition.objects.create(
            ward=ward,
            neighbourhood=hood,
            year=year,
            title=title,
            status=status,
            decision_number=number,
            decision_date=day,
        )

    rec(ward_a, hood_a, "Tổ dân phố kiểu mẫu", number="120/QĐ-UBND", day=date(2027, 4, 15))
    rec(ward_b, None, "Phường đạt chuẩn văn minh đô thị", number="88/QĐ-UBND", day=date(2027, 3, 2))
    rec(ward_a, hood_5, "Tổ dân phố văn hóa", number="121/QĐ-UBND", day=date(2027, 4, 15))
    rec(ward_a, hood_5, "Tổ dân phố kiểu mẫu", number="120/QĐ-UBND", day=date(2027, 4, 15))
    rec(ward_b, hood_b, "Tổ dân phố kiểu mẫu", status=R.PROPOSED)
    rec(ward_b, hood_b, "Tổ dân phố văn hóa", status=R.REJECTED)
    rec(ward_a, hood_a, "Tổ dân phố kiểu mẫu", year=2025, number="7/QĐ-UBND", day=date(2026, 4, 1))


@pytest.fixture
def ratings(ward_a, ward_b, cell_a, cell_b, admin_user):
    """Cells in 2026: cell_a, Chi bộ 2 (ward_a), cell_b; one ended in 2025 is not counted.
    2026 (100 points): cell_a 92 → excellent, cell_b 69.5 → fulfilled, Chi bộ 2 not rated.
    2024 (four levels): cell_a good, cell_b good, Chi bộ 2 not fulfilled."""
    from campaigns.movement.services.ratings import party_cell_rate

    cell_2 = PartyCellFactory(ward=ward_a, name="Chi bộ 2")
    PartyCellFactory(ward=ward_b, name="Chi bộ đã giải thể", valid_to=date(2025, 6, 1))
    party_cell_rate(user=admin_user, party_cell=cell_a, year=2026, score=Decimal(92), members=15)
    party_cell_rate(user=admin_user, party_cell=cell_b, year=2026, score=Decimal("69.5"), members=8)
    for cell, level in ((cell_a, "good"), (cell_b, "good"), (cell_2, "not_fulfilled")):
        party_cell_rate(user=admin_user, party_cell=cell, year=2024, level=level, members=5)


def year_period(year: int) -> Period:
    periods.periods_ensure(year)
    return Period.objects.get(kind=Period.Kind.YEAR, year=year)


def test_annual_recognitions_and_party_cells_of_the_city(city, recognitions, ratings, months):
    snap = annual_snapshot(city=city, ward=None, period=year_period(2026), today=date(2027, 1, 10))
    assert snap["recognitions"] == {
        "count": 4,
        "units": [  # ward by ward (Đông Quang first), the ward's own title before its neighbourhoods', then title
            {
                "name": "Phường Đông Quang",
                "ward": "Phường Đông Quang",
                "title": "Phường đạt chuẩn văn minh đô thị",
                "decision": "88/QĐ-UBND ngày 02/03/2027",
            },
            {
                "name": "Tổ dân phố 5",
                "ward": "Phường Hạc Thành",
                "title": "Tổ dân phố kiểu mẫu",
                "decision": "120/QĐ-UBND ngày 15/04/2027",
            },
            {
                "name": "Tổ dân phố 5",
                "ward": "Phường Hạc Thành",
                "title": "Tổ dân phố văn hóa",
                "decision": "121/QĐ-UBND ngày 15/04/2027",
            },
            {
                "name": "Tổ dân phố Đình Hương 1",
                "ward": "Phường Hạc Thành",
                "title": "Tổ dân phố kiểu mẫu",
                "decision": "120/QĐ-UBND ngày 15/04/2027",
            },
        ],
    }
    assert snap["party_cells"] == {
        "scale": "points",
        "by_level": {"excellent": 1, "good": 0, "fulfilled": 1, "not_fulfilled": 0},
        "rated": 2,
        "cells": 3,
        "capped": 0,
    }
    assert list(snap["party_cells"]["by_level"]) == ["excellent", "good", "fulfilled", "not_fulfilled"]


def test_annual_figures_of_one_ward(city, ward_a, recognitions, ratings, months):
    snap = annual_snapshot(city=city, ward=ward_a, period=year_period(2026), today=date(2027, 1, 10))
    assert snap["recognitions"]["count"] == 3
    assert {u["ward"] for u in snap["recognitions"]["units"]} == {"Phường Hạc Thành"}
    assert snap["party_cells"] == {
        "scale": "points",
        "by_level": {"excellent": 1, "good": 0, "fulfilled": 0, "not_fulfilled": 0},
        "rated": 1,
        "cells": 2,
        "capped": 0,
    }


def test_annual_party_cells_before_2025_use_the_four_levels(city, ratings, months):
    snap = annual_snapshot(city=city, ward=None, period=year_period(2024), today=date(2025, 1, 10))
    assert snap["party_cells"] == {
        "scale": "levels",
        "by_level": {"excellent": 0, "good": 2, "fulfilled": 0, "not_fulfilled": 1},
        "rated": 3,
        "capped": 0,
        "cells": 4,  # the cell dissolved in June 2025 still existed in 2024
    }
    assert snap["recognitions"] == {"count": 0, "units": []}


def test_snapshots_are_json_and_render(city, tasks, recognitions, ratings, months):
    monthly = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 10))
    annual = annual_snapshot(city=city, ward=None, period=year_period(2026), today=date(2027, 1, 10))
    for snap in (monthly, annual):
        assert json.loads(json.dumps(snap)) == snap  # stored on the Report as is
        assert xlsx_bytes(snap).startswith(b"PK")
        with translation.override("vi"):
            html = render_to_string("reports/pdf/summary.html", pdf_context(snap))
        assert ("Thực hiện nhiệm vụ phong trào thi đua" in html) == (snap["kind"] == "monthly")
    assert "3 nhiệm vụ; 2 nhiệm vụ quá hạn chưa hoàn thành tính đến cuối kỳ" in render_to_string(
        "reports/pdf/_monthly.html", pdf_context(monthly)
    )
    assert pdf_context(annual)["parts"] == {
        "ranking": "IV",
        "compare": "V",
        "recognitions": "VI",
        "party_cells": "VII",
        "profiles": "VIII",
        "contributions": "IX",
        "plans": "X",
        "commendations": "XI",
        "titles": "XII",
    }
    assert annual == annual_snapshot(city=city, ward=None, period=year_period(2026), today=date(2027, 1, 10))


def test_a_title_withdrawn_after_its_year_stays_in_that_years_report(city, ward_a, hood_a, hood_b, ward_b, months):
    """Held through 2026, withdrawn in March 2027: listed for 2026 with its withdrawal; withdrawn in December
    2026: left out. Rebuilding 2026 after the later withdrawal counts the same titles."""
    kept = Recognition.objects.create(
        ward=ward_a,
        neighbourhood=hood_a,
        year=2026,
        title="Phố, thôn kiểu mẫu",
        status=R.CONFIRMED,
        decision_number="1234/QĐ-UBND",
        decision_date=date(2026, 12, 15),
    )
    before = annual_snapshot(city=city, ward=None, period=year_period(2026), today=date(2027, 1, 10))["recognitions"]
    Recognition.objects.filter(pk=kept.pk).update(
        status=R.WITHDRAWN, withdrawn_on=date(2027, 3, 20), withdrawal_number="56/QĐ-UBND", withdrawal_reason="Vi phạm"
    )
    Recognition.objects.create(
        ward=ward_b,
        neighbourhood=hood_b,
        year=2026,
        title="Phố, thôn kiểu mẫu",
        status=R.WITHDRAWN,
        decision_number="1/QĐ-UBND",
        decision_date=date(2026, 2, 1),
        withdrawn_on=date(2026, 12, 1),
        withdrawal_number="9/QĐ-UBND",
        withdrawal_reason="Vi phạm",
    )
    after = annual_snapshot(city=city, ward=None, period=year_period(2026), today=date(2027, 4, 1))["recognitions"]
    assert before["count"] == after["count"] == 1
    assert after["units"][0]["decision"] == "1234/QĐ-UBND ngày 15/12/2026 (thu hồi ngày 20/03/2027)"
    assert before["units"][0]["decision"] == "1234/QĐ-UBND ngày 15/12/2026"
