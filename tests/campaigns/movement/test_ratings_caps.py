"""Party-cell ratings by year and by quarter, and the conditions of QĐ 366-QĐ/TW (Điều 11) that cap a level.

Hand-worked: a score gives a level (≥ 90 excellent, 70–< 90 good, 50–< 70 fulfilled, < 50 not fulfilled);
each ticked condition leaves at most a level (fewer than 30 % exceeded, a leader disciplined → good; a task
late → fulfilled; a task not done or > 20 % late → not fulfilled); the final level is the lower of the two.
Dates are pinned to 20/11/2026 (Hà Nội time).
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns.movement.models import PartyCellRating
from campaigns.movement.services import ratings as rating_services
from tests.factories import PartyCellFactory

L = PartyCellRating.Level
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=True):
        yield


def client_for(user, language="en"):
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        c.force_login(user)
    return c


def rate(user, cell, *, year=2026, quarter=None, score=95, **conditions):
    return rating_services.party_cell_rate(
        user=user, party_cell=cell, year=year, quarter=quarter, score=score, members=10, conditions=conditions
    )


# --- the caps, each with its level ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "conditions", "score_level", "final"),
    [
        (95, {}, L.EXCELLENT, L.EXCELLENT),
        (95, {"few_exceeded": True}, L.EXCELLENT, L.GOOD),
        (95, {"leader_disciplined": True}, L.EXCELLENT, L.GOOD),
        (95, {"tasks_late": True}, L.EXCELLENT, L.FULFILLED),
        (95, {"tasks_unfinished": True}, L.EXCELLENT, L.NOT_FULFILLED),
        (75, {"few_exceeded": True}, L.GOOD, L.GOOD),  # the cap is above the score's level: nothing lowered
        (75, {"tasks_late": True}, L.GOOD, L.FULFILLED),
        (60, {"leader_disciplined": True}, L.FULFILLED, L.FULFILLED),
        (60, {"tasks_unfinished": True}, L.FULFILLED, L.NOT_FULFILLED),
        (45, {}, L.NOT_FULFILLED, L.NOT_FULFILLED),
        (95, {"few_exceeded": True, "tasks_late": True}, L.EXCELLENT, L.FULFILLED),  # the strictest wins
        (90, {"leader_disciplined": True, "tasks_unfinished": True}, L.EXCELLENT, L.NOT_FULFILLED),
    ],
)
def test_each_cap_lowers_the_level_of_the_score(staff_a, cell_a, score, conditions, score_level, final):
    rating = rate(staff_a, cell_a, score=score, **conditions)
    assert (rating.score_level, rating.level) == (score_level, final)
    assert rating.is_capped == (score_level != final)
    assert [r["level"] for r in rating.cap_reasons()] == [
        L(PartyCellRating.CAPS[name]).label for name in PartyCellRating.CAPS if conditions.get(name)
    ]


def test_a_level_given_must_agree_with_the_caps(staff_a, cell_a):
    with translation.override("en"), pytest.raises(ValidationError, match="score and the conditions: Fulfilled"):
        rating_services.party_cell_rate(
            user=staff_a, party_cell=cell_a, year=2026, score=95, level=L.EXCELLENT, conditions={"tasks_late": True}
        )


def test_before_2025_the_four_levels_stay_and_no_condition_is_kept(staff_a, cell_a):
    rating = rating_services.party_cell_rate(
        user=staff_a, party_cell=cell_a, year=2024, level=L.EXCELLENT, conditions={"tasks_late": True}
    )
    assert (rating.scale, rating.level, rating.score_level, rating.tasks_late) == ("levels", L.EXCELLENT, "", False)
    assert not rating.is_capped


# --- by quarter ----------------------------------------------------------------------------------------------------


def test_a_cell_has_one_rating_for_the_year_and_one_per_quarter(staff_a, cell_a):
    year = rate(staff_a, cell_a, score=91)
    quarters = [rate(staff_a, cell_a, quarter=q, score=70 + q) for q in (1, 2, 3, 4)]
    assert len({year.pk, *[q.pk for q in quarters]}) == 5
    again = rate(staff_a, cell_a, quarter=2, score=88)
    assert again.pk == quarters[1].pk and again.version == 2
    assert PartyCellRating.objects.filter(party_cell=cell_a).count() == 5
    assert PartyCellRating.objects.yearly().get(party_cell=cell_a).pk == year.pk
    with transaction.atomic(), pytest.raises(IntegrityError):
        PartyCellRating.objects.create(party_cell=cell_a, year=2026, quarter=2, scale="points", score=1, level="x")
    with transaction.atomic(), pytest.raises(IntegrityError):
        PartyCellRating.objects.create(party_cell=cell_a, year=2026, quarter=None, scale="points", score=1, level="x")
    with transaction.atomic(), pytest.raises(IntegrityError):
        PartyCellRating.objects.create(party_cell=cell_a, year=2026, quarter=5, scale="points", score=1, level="x")


@pytest.mark.parametrize(("year", "quarter"), [(2026, 5), (2026, 0), (2026, "x"), (2024, 1)])
def test_a_bad_quarter_is_refused(staff_a, cell_a, year, quarter):
    with pytest.raises(ValidationError) as refused:
        rate(staff_a, cell_a, year=year, quarter=quarter)
    assert "quarter" in refused.value.message_dict
    assert not PartyCellRating.objects.exists()


def test_a_stale_version_is_refused_not_overwritten(staff_a, cell_a):
    first = rate(staff_a, cell_a, score=80)
    rating_services.party_cell_rate(user=staff_a, party_cell=cell_a, year=2026, score=85, version=first.version)
    with translation.override("en"), pytest.raises(ValidationError, match="Someone else changed"):
        rating_services.party_cell_rate(user=staff_a, party_cell=cell_a, year=2026, score=60, version=first.version)
    with translation.override("en"), pytest.raises(ValidationError, match="Someone else changed"):
        # opened when there was none (version 0), someone rated meanwhile
        rating_services.party_cell_rate(user=staff_a, party_cell=cell_a, year=2026, score=60, version=0)
    assert PartyCellRating.objects.get().score == Decimal(85)


def test_only_the_wards_staff_rate(staff_b, leader_a, city_leader, cell_a):
    for user in (staff_b, leader_a, city_leader):
        with pytest.raises(PermissionDenied):
            rate(user, cell_a, quarter=1)
    assert not PartyCellRating.objects.exists()


# --- the page ------------------------------------------------------------------------------------------------------


def page(ward, year=2026, quarter=None):
    url = reverse("campaigns:party-cells", args=[ward.code, year])
    return f"{url}?quarter={quarter}" if quarter else url


def post(cell, *, score="85", quarter="", version="0", **extra):
    p = f"c{cell.pk}"
    data = {
        "cell": cell.pk,
        f"{p}-score": score,
        f"{p}-members": "12",
        f"{p}-note": "Ghi chú",
        f"{p}-quarter": quarter,
        f"{p}-version": version,
    }
    data.update({f"{p}-{k}": v for k, v in extra.items()})
    return data


def test_staff_rate_a_quarter_with_a_condition_and_the_page_says_why(staff_a, ward_a, cell_a):
    client = client_for(staff_a)
    response = client.post(page(ward_a, quarter=3), post(cell_a, score="92", quarter="3", leader_disciplined="on"))
    assert response.status_code == 302 and response["Location"] == page(ward_a, quarter=3)
    rating = PartyCellRating.objects.get()
    assert (rating.quarter, rating.score_level, rating.level) == (3, L.EXCELLENT, L.GOOD)
    html = client.get(page(ward_a, quarter=3)).content.decode()
    assert "Lowered from the score&#x27;s level because:" in html or "Lowered from the score's level because:" in html
    assert "A member of the cell committee, or a unit under the cell, was disciplined" in html
    assert "1 lowered by a condition" in html
    assert "Article 11" in html
    year_page = client.get(page(ward_a))
    assert year_page.context["rated"] == 0  # the quarter is not the year


def test_bad_input_is_said_in_vietnamese_and_kept(staff_a, ward_a, cell_a):
    client = client_for(staff_a, "vi")
    response = client.post(page(ward_a), post(cell_a, score="120"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Điểm là số từ 0 đến 100." in html
    assert 'value="120"' in html  # what was typed is kept
    response = client.post(page(ward_a), post(cell_a, score="80", quarter="5"))
    assert response.status_code == 200
    assert "Quý phải là 1, 2, 3 hoặc 4." in response.content.decode()
    assert not PartyCellRating.objects.exists()
    shown = client.get(page(ward_a, quarter=5))
    assert shown.status_code == 200 and shown.context["quarter"] is None
    assert "Quý phải là 1, 2, 3 hoặc 4." in shown.content.decode()


def test_a_stale_form_on_the_page_is_refused_with_a_message(staff_a, ward_a, cell_a):
    client = client_for(staff_a)
    assert client.post(page(ward_a), post(cell_a, score="80")).status_code == 302
    response = client.post(page(ward_a), post(cell_a, score="60", version="0"))
    assert response.status_code == 200
    assert "Someone else changed this cell" in response.content.decode()
    assert PartyCellRating.objects.get().score == Decimal(80)


def test_scope_of_the_page(staff_b, leader_a, ward_a, cell_a):
    assert client_for(staff_b).get(page(ward_a, quarter=1)).status_code == 404
    assert client_for(staff_b).post(page(ward_a, quarter=1), post(cell_a, quarter="1")).status_code == 404
    leader = client_for(leader_a)
    assert leader.get(page(ward_a, quarter=1)).status_code == 200
    assert leader.post(page(ward_a, quarter=1), post(cell_a, quarter="1")).status_code == 403
    anonymous = Client().get(page(ward_a, quarter=1))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert not PartyCellRating.objects.exists()


def test_a_forged_cell_of_another_ward_is_404(staff_a, ward_a, ward_b):
    other_cell = PartyCellFactory(ward=ward_b)
    response = client_for(staff_a).post(page(ward_a, quarter=2), post(other_cell, quarter="2"))
    assert response.status_code == 404
    assert not PartyCellRating.objects.exists()


def test_the_page_queries_do_not_grow_with_the_cells(staff_a, ward_a, django_assert_max_num_queries):
    def count(n: int) -> int:
        for i in range(n):
            cell = PartyCellFactory(ward=ward_a)
            rate(staff_a, cell, quarter=2, score=60 + i % 40, tasks_late=i % 3 == 0)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(page(ward_a, quarter=2))
        assert response.status_code == 200
        return len(queries)

    client = client_for(staff_a)
    small = count(3)
    large = count(30)
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(page(ward_a, quarter=2))
