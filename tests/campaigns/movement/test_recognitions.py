"""Recognitions (candidates, proposals, decisions) and party-cell ratings on both scales."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.movement.models import PartyCellRating, Recognition
from campaigns.movement.services import ratings as rating_services
from campaigns.movement.services import recognitions as recognition_services
from campaigns.results import periods
from campaigns.results.models import Period, Submission
from portal.models import HistoryEntry
from tests.factories import CityFactory, NeighbourhoodFactory, PartyCellFactory, ProfileFactory, WardFactory
from tests.reports.conftest import enter
from wards.models import Ward

S = Submission.Status
R = Recognition.Status
L = PartyCellRating.Level
TITLE = recognition_services.RECOGNITION_TITLE
NEIGHBOURHOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"


@pytest.fixture
def frozen_today():
    with time_machine.travel("2026-12-20 10:00 +07:00", tick=False):
        yield


@pytest.fixture
def criteria_set(db, frozen_today):
    return criteria_set_load_file(NEIGHBOURHOOD_SET)[0]


@pytest.fixture
def months(criteria_set):
    periods.periods_ensure(2026)
    return {p.number: p for p in Period.objects.filter(kind=Period.Kind.MONTH, year=2026)}


@pytest.fixture
def hoods(ward_a, ward_b, hood_a, hood_b, months):
    """hood_a: October not complete, November complete, both approved → its latest month that counts meets all.
    hood_2: October complete, November approved but not complete → not a candidate.
    hood_b: October approved but not complete; November complete but returned for correction (a report that
    does not count, as in the annual report) → not a candidate."""
    hood_2 = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố 2")
    ProfileFactory(neighbourhood=hood_2, year=2026)
    oct_, nov = months[10], months[11]
    enter(hood_a, oct_, met=False)
    enter(hood_a, nov, met=True)
    enter(hood_2, oct_, met=True)
    enter(hood_2, nov, met=False)
    enter(hood_b, oct_, met=False)
    enter(hood_b, nov, met=True, status=S.RETURNED)
    return {"hood_a": hood_a, "hood_2": hood_2, "hood_b": hood_b}


def names(qs):
    return [(h.ward.name, h.name) for h in qs]


# --- candidates and proposals ----------------------------------------------------------------------------------


def test_candidates_are_the_units_whose_latest_month_that_counts_meets_the_whole_set(city, hoods):
    candidates = list(recognition_services.recognition_candidates(city=city, year=2026))
    assert names(candidates) == [("Phường Hạc Thành", "Tổ dân phố Đình Hương 1")]
    assert candidates[0].last_month == 11
    assert recognition_services.recognition_candidates(city=city, year=2025).count() == 0


def test_candidates_leave_out_other_cities_and_ended_units_and_keep_ward_order(city, ward_b, hoods, months):
    other_city = CityFactory(code="40", name="Nghệ An")
    far = NeighbourhoodFactory(ward=WardFactory(city=other_city), name="Thôn xa")
    ProfileFactory(neighbourhood=far, year=2026)
    enter(far, months[11], met=True)
    ended = NeighbourhoodFactory(ward=ward_b, name="Tổ dân phố đã sáp nhập", valid_to=date(2026, 12, 1))
    ProfileFactory(neighbourhood=ended, year=2026)
    enter(ended, months[11], met=True)
    later = NeighbourhoodFactory(ward=ward_b, name="Tổ dân phố Đông Cương 1")
    ProfileFactory(neighbourhood=later, year=2026)
    enter(later, months[9], met=True)
    assert names(recognition_services.recognition_candidates(city=city, year=2026)) == [
        ("Phường Đông Quang", "Tổ dân phố Đông Cương 1"),  # Đ sorts with D: Đông Quang before Hạc Thành
        ("Phường Hạc Thành", "Tổ dân phố Đình Hương 1"),
    ]
    assert names(recognition_services.recognition_candidates(city=other_city, year=2026)) == [
        (far.ward.name, "Thôn xa")
    ]


def test_propose_is_idempotent_and_per_title(city, hoods, city_leader):
    created = recognition_services.recognition_propose(user=city_leader, year=2026, title=TITLE)
    assert [(r.neighbourhood, r.ward, r.status, r.year) for r in created] == [
        (hoods["hood_a"], hoods["hood_a"].ward, R.PROPOSED, 2026)
    ]
    assert HistoryEntry.objects.for_object(created[0]).get().action == "propose"
    assert recognition_services.recognition_propose(user=city_leader, year=2026, title=f"  {TITLE} ") == []
    assert Recognition.objects.count() == 1
    assert recognition_services.recognition_candidates(city=city, year=2026).count() == 0
    other = recognition_services.recognition_propose(user=city_leader, year=2026, title="Khu dân cư văn hóa")
    assert len(other) == 1 and Recognition.objects.count() == 2


def test_only_city_leaders_and_administrators_propose(city, hoods, staff_a, leader_a, admin_user):
    for user in (staff_a, leader_a):
        with pytest.raises(PermissionDenied):
            recognition_services.recognition_propose(user=user, year=2026, title=TITLE)
    assert len(recognition_services.recognition_propose(user=admin_user, year=2026, title=TITLE)) == 1
    with pytest.raises(ValidationError):
        recognition_services.recognition_propose(user=admin_user, year=2026, title="   ")


# --- decisions -------------------------------------------------------------------------------------------------


@pytest.fixture
def proposed(ward_a, hood_a):
    return Recognition.objects.create(ward=ward_a, neighbourhood=hood_a, year=2026, title=TITLE)


def test_confirming_needs_the_decision_number_and_date(proposed, city_leader):
    with pytest.raises(ValidationError) as err:
        recognition_services.recognition_decide(
            user=city_leader, recognition=proposed, confirm=True, decision_number="", decision_date=None
        )
    assert set(err.value.message_dict) == {"decision_number", "decision_date"}
    with pytest.raises(ValidationError):
        recognition_services.recognition_decide(
            user=city_leader, recognition=proposed, confirm=True, decision_number="15/QĐ-UBND", decision_date=None
        )
    proposed.refresh_from_db()
    assert proposed.status == R.PROPOSED
    done = recognition_services.recognition_decide(
        user=city_leader,
        recognition=proposed,
        confirm=True,
        decision_number=" 15/QĐ-UBND ",
        decision_date=date(2027, 4, 15),
        signer="Nguyễn Văn A",
        note="",
    )
    done.refresh_from_db()
    assert (done.status, done.decision_number, done.decision_date, done.decided_by) == (
        R.CONFIRMED,
        "15/QĐ-UBND",
        date(2027, 4, 15),
        city_leader,
    )
    entry = HistoryEntry.objects.for_object(done).get()
    assert entry.action == "confirm" and entry.changes["status"] == ["proposed", "confirmed"]
    assert entry.changes["decision_date"] == [None, "2027-04-15"]


def test_rejecting_needs_no_decision(proposed, admin_user):
    done = recognition_services.recognition_decide(
        user=admin_user, recognition=proposed, confirm=False, note="Chưa đủ hồ sơ"
    )
    assert done.status == R.REJECTED and done.note == "Chưa đủ hồ sơ"


def test_ward_people_cannot_decide(proposed, staff_a, leader_a):
    for user in (staff_a, leader_a):
        with pytest.raises(PermissionDenied):
            recognition_services.recognition_decide(
                user=user, recognition=proposed, confirm=True, decision_number="1", decision_date=date(2027, 1, 5)
            )


def decide_url(recognition):
    return reverse("campaigns:recognition-decide", args=[recognition.pk])


CONFIRM = {"decision": "confirm", "decision_number": "15/QĐ-UBND", "decision_date": "2027-04-15", "signer": "A"}


def test_decide_view_permissions(client, proposed, staff_a, leader_a, staff_b, no_role_user):
    for user in (staff_a, leader_a):  # they see their ward's recognition, but it is not theirs to decide
        client.force_login(user)
        assert client.post(decide_url(proposed), CONFIRM).status_code == 403
    for user in (staff_b, no_role_user):  # another ward's recognition does not exist for them
        client.force_login(user)
        assert client.post(decide_url(proposed), CONFIRM).status_code == 404
    proposed.refresh_from_db()
    assert proposed.status == R.PROPOSED


def test_decide_view_confirms_and_refuses_a_confirmation_without_a_date(client, proposed, city_leader):
    client.force_login(city_leader)
    assert client.get(decide_url(proposed)).status_code == 405
    response = client.post(decide_url(proposed), {**CONFIRM, "decision_date": ""})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == R.PROPOSED
    client.post(decide_url(proposed), CONFIRM)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.decision_date) == (R.CONFIRMED, date(2027, 4, 15))


def test_candidates_page_proposes_and_lists(client, city, hoods, city_leader, staff_a, leader_a):
    url = reverse("campaigns:recognition-candidates", args=[2026])
    for user in (staff_a, leader_a):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(city_leader)
    page = client.get(url)
    assert page.status_code == 200
    assert [h.name for h in page.context["candidates"]] == ["Tổ dân phố Đình Hương 1"]
    assert client.post(url, {"title": TITLE, "city": city.code}).status_code == 302
    assert client.post(url, {"title": TITLE, "city": city.code}).status_code == 302  # twice: still one
    assert list(Recognition.objects.values_list("neighbourhood__name", "status")) == [
        ("Tổ dân phố Đình Hương 1", R.PROPOSED)
    ]
    page = client.get(url)
    assert page.context["candidates"] == [] and len(page.context["recognitions"]) == 1


def test_recognition_list_is_scoped_and_filtered(client, ward_a, ward_b, hood_a, hood_b, staff_a, city_leader):
    Recognition.objects.create(ward=ward_a, neighbourhood=hood_a, year=2026, title=TITLE)
    Recognition.objects.create(
        ward=ward_b,
        neighbourhood=hood_b,
        year=2025,
        title=TITLE,
        status=R.CONFIRMED,
        decision_number="3/QĐ-UBND",
        decision_date=date(2026, 4, 1),
    )
    url = reverse("campaigns:recognition-list")
    client.force_login(staff_a)
    assert [r.ward for r in client.get(url).context["page"]] == [ward_a]
    client.force_login(city_leader)
    assert len(client.get(url).context["page"]) == 2
    assert [r.year for r in client.get(url, {"status": "confirmed"}).context["page"]] == [2025]
    assert [r.year for r in client.get(url, {"year": "2026"}).context["page"]] == [2026]


def _many(city, n: int, period, criteria_set):
    """n neighbourhoods over two wards, each with an approved complete month; half already proposed."""
    wards = [WardFactory(city=city, kind=Ward.Kind.COMMUNE) for _ in range(2)]
    for i in range(n):
        hood = NeighbourhoodFactory(ward=wards[i % 2])
        Submission.objects.create(
            criteria_set=criteria_set,
            period=period,
            ward=hood.ward,
            neighbourhood=hood,
            status=S.APPROVED,
            is_complete=True,
        )
        if i % 2:
            Recognition.objects.create(ward=hood.ward, neighbourhood=hood, year=period.year, title=TITLE)


def test_candidates_page_queries_stay_fixed(client, city, city_leader, months, criteria_set):
    """5 or 40 neighbourhoods (candidates and proposals): the same number of queries."""
    client.force_login(city_leader)
    url = reverse("campaigns:recognition-candidates", args=[2026])

    def load():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        return len(queries), len(page.context["candidates"]), len(page.context["recognitions"])

    _many(city, 5, months[11], criteria_set)
    client.get(url)  # the session and content types, once
    few = load()
    _many(city, 35, months[11], criteria_set)
    many = load()
    assert few[1:] == (3, 2) and many[1:] == (21, 19)
    assert few[0] == many[0], (few, many)


# --- party cells -----------------------------------------------------------------------------------------------


def test_before_2025_a_level_is_required_and_a_score_refused(cell_a, staff_a):
    with pytest.raises(ValidationError) as err:
        rating_services.party_cell_rate(user=staff_a, party_cell=cell_a, year=2024, members=12)
    assert set(err.value.message_dict) == {"level"}
    with pytest.raises(ValidationError) as err:
        rating_services.party_cell_rate(
            user=staff_a, party_cell=cell_a, year=2024, score=95, level=L.EXCELLENT, members=12
        )
    assert set(err.value.message_dict) == {"score"}
    rating = rating_services.party_cell_rate(user=staff_a, party_cell=cell_a, year=2024, level=L.GOOD, members=12)
    assert (rating.scale, rating.score, rating.level, rating.members) == ("levels", None, "good", 12)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("90", L.EXCELLENT),
        ("100", L.EXCELLENT),
        ("89.99", L.GOOD),
        ("70", L.GOOD),
        ("69.5", L.FULFILLED),
        ("50", L.FULFILLED),
        ("49", L.NOT_FULFILLED),
        ("0", L.NOT_FULFILLED),
    ],
)
def test_from_2025_the_level_follows_the_score(cell_a, staff_a, score, level):
    rating = rating_services.party_cell_rate(
        user=staff_a, party_cell=cell_a, year=2025, score=Decimal(score), members=9
    )
    rating.refresh_from_db()
    assert (rating.scale, rating.score, rating.level) == ("points", Decimal(score), level)


@pytest.mark.parametrize("score", [None, "101", "-1", "89.999", "abc"])
def test_from_2025_a_score_from_0_to_100_is_required(cell_a, staff_a, score):
    with pytest.raises(ValidationError) as err:
        rating_services.party_cell_rate(user=staff_a, party_cell=cell_a, year=2025, score=score, level=None, members=9)
    assert "score" in err.value.message_dict
    assert not PartyCellRating.objects.exists()


def test_a_level_given_beside_the_score_must_agree(cell_a, staff_a):
    with pytest.raises(ValidationError) as err:
        rating_services.party_cell_rate(
            user=staff_a, party_cell=cell_a, year=2026, score=75, level=L.EXCELLENT, members=9
        )
    assert set(err.value.message_dict) == {"level"}
    rating = rating_services.party_cell_rate(
        user=staff_a, party_cell=cell_a, year=2026, score=75, level=L.GOOD, members=9
    )
    assert rating.level == L.GOOD


def test_rating_again_updates_and_records_the_change(cell_a, staff_a):
    first = rating_services.party_cell_rate(user=staff_a, party_cell=cell_a, year=2025, score=88, members=9)
    second = rating_services.party_cell_rate(
        user=staff_a, party_cell=cell_a, year=2025, score=91, members=9, note="Sửa"
    )
    assert first.pk == second.pk and second.level == L.EXCELLENT
    actions = list(HistoryEntry.objects.for_object(second).order_by("id").values_list("action", "changes"))
    assert actions[0][0] == "create"
    assert actions[1] == ("update", {"score": ["88.00", "91.00"], "level": ["good", "excellent"], "note": ["", "Sửa"]})


def test_only_the_wards_staff_and_administrators_rate(cell_a, leader_a, staff_b, city_leader, admin_user):
    for user in (leader_a, staff_b, city_leader):
        with pytest.raises(PermissionDenied):
            rating_services.party_cell_rate(user=user, party_cell=cell_a, year=2025, score=80, members=3)
    assert (
        rating_services.party_cell_rate(user=admin_user, party_cell=cell_a, year=2025, score=80, members=3).level
        == "good"
    )


def cells_url(ward, year):
    return reverse("campaigns:party-cells", args=[ward.code, year])


def test_party_cells_page(client, ward_a, cell_a, staff_a, leader_a, staff_b, city_leader):
    PartyCellFactory(ward=ward_a, name="Chi bộ Đình Hương 2")
    client.force_login(staff_a)
    page = client.get(cells_url(ward_a, 2025))
    assert page.status_code == 200 and page.context["can_edit"]
    assert all(row["form"] is not None for row in page.context["rows"])
    prefix = f"c{cell_a.pk}"
    response = client.post(
        cells_url(ward_a, 2025), {"cell": cell_a.pk, f"{prefix}-score": "89,99", f"{prefix}-members": "14"}
    )
    assert response.status_code == 302
    rating = PartyCellRating.objects.get()
    assert (rating.score, rating.level, rating.members) == (Decimal("89.99"), L.GOOD, 14)
    bad = client.post(cells_url(ward_a, 2025), {"cell": cell_a.pk, f"{prefix}-score": "101", f"{prefix}-members": "1"})
    assert (
        bad.status_code == 200 and "score" in next(r["form"] for r in bad.context["rows"] if r["form"].is_bound).errors
    )
    old = client.post(
        cells_url(ward_a, 2024), {"cell": cell_a.pk, f"{prefix}-level": "fulfilled", f"{prefix}-members": "3"}
    )
    assert old.status_code == 302
    assert PartyCellRating.objects.get(year=2024).level == L.FULFILLED

    for reader in (leader_a, city_leader):
        client.force_login(reader)
        page = client.get(cells_url(ward_a, 2025))
        assert page.status_code == 200 and not page.context["can_edit"]
        assert all(row["form"] is None for row in page.context["rows"])
        assert client.post(cells_url(ward_a, 2025), {"cell": cell_a.pk}).status_code == 403
    client.force_login(staff_b)
    assert client.get(cells_url(ward_a, 2025)).status_code == 404
    assert client.post(cells_url(ward_a, 2025), {"cell": cell_a.pk}).status_code == 404
