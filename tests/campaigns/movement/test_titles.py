"""The title's life: the decision from the city's verification, the term and its states, the withdrawal (thu hồi),
the pages with their scope, bad input and stale state, and the title history on the unit pages.

The clock is pinned to 20/11/2026 (Hà Nội). Titles are decided for 2025 under a programme whose titles last
two years: valid until 31/12/2026, so "expiring" on that day. Clients read the site in English.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from campaigns.movement.models import Recognition
from campaigns.movement.services import recognitions as recognition_services
from campaigns.movement.services import titles as title_services
from portal.models import HistoryEntry
from tests.factories import (
    CityFactory,
    CityRoundFactory,
    InspectionRoundFactory,
    NeighbourhoodFactory,
    ProgrammeFactory,
    UserFactory,
    VisitFactory,
    WardFactory,
)
from wards.models import Membership, Ward

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=HANOI)
TODAY = date(2026, 11, 20)
YEAR = 2025
DECIDED_ON = date(2025, 12, 15)
OK, FORBIDDEN, NOT_FOUND, REDIRECT, NOT_ALLOWED = 200, 403, 404, 302, 405
State = title_services.State


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def programme(db):
    return ProgrammeFactory(code="pho-kieu-mau", name="Phố, thôn kiểu mẫu", title="Phố kiểu mẫu", term_years=1)


@pytest.fixture
def city_round(programme, city):
    return CityRoundFactory(programme=programme, year=YEAR, city=city, name="Phúc tra 2025")


def verify(city_round, hood, conclusion="meets"):
    conditions = "Hoàn thiện sổ theo dõi" if conclusion == "conditions" else ""
    return VisitFactory(
        round=city_round,
        neighbourhood=hood,
        ward=hood.ward,
        conclusion=conclusion,
        conditions=conditions,
        visited_on=date(YEAR, 11, 10),
    )


@pytest.fixture
def visits(world, city_round, hood_a, hood_b):
    """Đình Hương 1 (Hạc Thành) meets, Đông Cương 3 (Đông Quang) meets with conditions."""
    return {"a": verify(city_round, hood_a), "b": verify(city_round, hood_b, "conditions")}


def decide(user, programme, city, visits, **changes):
    data = {
        "user": user,
        "programme": programme,
        "year": YEAR,
        "city": city,
        "visit_ids": [v.pk for v in visits],
        "decision_number": "1234/QĐ-UBND",
        "decision_date": DECIDED_ON,
        "signer": "Nguyễn Văn An, Chủ tịch UBND tỉnh",
        **changes,
    }
    return title_services.titles_decide(**data)


@pytest.fixture
def titles(visits, programme, city, city_leader):
    decided = decide(city_leader, programme, city, visits.values())
    return {r.ward.code: r for r in decided}


def withdraw(user, title, **changes):
    data = {
        "user": user,
        "recognition": title,
        "withdrawal_number": "56/QĐ-UBND",
        "withdrawn_on": date(2026, 3, 20),
        "signer": "Nguyễn Văn An, Chủ tịch UBND tỉnh",
        "reason": "Để xảy ra vụ việc mất an ninh trật tự.",
        **changes,
    }
    return title_services.title_withdraw(**data)


@pytest.fixture
def client_for(db):
    def _client(user):
        c = Client()
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            c.force_login(user)
        return c

    return _client


def messages_of(response) -> list[str]:
    with translation.override("en"):
        return [str(m) for m in response.context["messages"]] if response.context else []


# --- the decision ----------------------------------------------------------------------------------------------


def test_the_decision_awards_each_ticked_verified_unit_with_its_decision_and_term(titles, visits, city_leader):
    title = titles["14797"]
    assert title.status == Recognition.Status.CONFIRMED and title.title == "Phố kiểu mẫu" and title.year == YEAR
    assert title.visit == visits["a"] and title.programme.code == "pho-kieu-mau"
    assert title.valid_until == date(2026, 12, 31)  # rewards 2025, carried through the year after it
    assert (title.decision_number, title.decision_date) == ("1234/QĐ-UBND", DECIDED_ON)
    assert title.signer == "Nguyễn Văn An, Chủ tịch UBND tỉnh" and title.decided_by == city_leader
    entry = HistoryEntry.objects.for_object(title).get()
    assert entry.action == "confirm" and entry.changes["decision_number"] == [None, "1234/QĐ-UBND"]


def test_only_the_citys_verification_makes_a_candidate(world, programme, city, city_round, ward_a, hood_a):
    others = {name: NeighbourhoodFactory(ward=ward_a, name=name) for name in ("Phố 2", "Phố 3", "Phố 4", "Phố 5")}
    verify(city_round, hood_a, "meets")
    verify(city_round, others["Phố 2"], "conditions")
    verify(city_round, others["Phố 3"], "not_met")
    verify(city_round, others["Phố 4"], "pending")
    ward_round = InspectionRoundFactory(programme=programme, year=YEAR, ward=ward_a)
    VisitFactory(round=ward_round, neighbourhood=others["Phố 5"], ward=ward_a, conclusion="meets")
    foreign = CityFactory(code="40", name="Nghệ An")
    far = NeighbourhoodFactory(ward=WardFactory(city=foreign))
    verify(CityRoundFactory(programme=programme, year=YEAR, city=foreign), far)

    rows = title_services.decision_rows(programme=programme, year=YEAR, wards=Ward.objects.filter(city=city))

    assert [r["visit"].neighbourhood.name for r in rows] == ["Phố 2", "Tổ dân phố Đình Hương 1"]


def test_a_unit_already_decided_is_shown_decided_and_never_decided_twice(titles, visits, programme, city, admin_user):
    rows = title_services.decision_rows(programme=programme, year=YEAR, wards=Ward.objects.filter(city=city))
    assert {r["decided"].pk for r in rows} == {t.pk for t in titles.values()}

    with pytest.raises(ValidationError) as refused:
        decide(admin_user, programme, city, [visits["a"]], decision_number="999/QĐ-UBND")

    assert "already holds the title for 2025 (decision 1234/QĐ-UBND)" in " ".join(refused.value.messages)
    assert Recognition.objects.filter(programme=programme).count() == 2


def test_a_decision_is_all_or_nothing(world, programme, city, city_round, ward_a, hood_a, hood_b, city_leader):
    good, bad = verify(city_round, hood_a), verify(city_round, hood_b, "not_met")
    with pytest.raises(ValidationError, match="no longer among the units the city verified"):
        decide(city_leader, programme, city, [good, bad])
    assert not Recognition.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"decision_number": "  "}, "decision_number", "Enter the decision's number."),
        ({"decision_date": None}, "decision_date", "Enter the decision's date."),
        ({"decision_date": date(2024, 12, 31)}, "decision_date", "before the year it recognises"),
        ({"decision_date": date(2026, 11, 21)}, "decision_date", "cannot be in the future"),
        ({"signer": ""}, "signer", "Enter who signed the decision."),
        ({"signer": "x" * 201}, "signer", "too long"),
        ({"visit_ids": []}, "units", "Tick at least one unit"),
        ({"decision_date": date(2025, 11, 9)}, "units", "cannot come before the city's verification visit"),
    ],
)
def test_bad_decisions_are_refused_with_a_clear_message(visits, programme, city, city_leader, changes, field, words):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        decide(city_leader, programme, city, visits.values(), **changes)
    assert words in " ".join(refused.value.message_dict[field])
    assert not Recognition.objects.exists()


def test_the_messages_are_vietnamese(visits, programme, city, city_leader):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        decide(city_leader, programme, city, visits.values(), decision_number="")
    assert refused.value.message_dict["decision_number"] == ["Nhập số quyết định."]


def test_a_proposal_of_the_same_title_becomes_the_decided_title(visits, programme, city, city_leader, ward_a, hood_a):
    proposal = Recognition.objects.create(ward=ward_a, neighbourhood=hood_a, year=YEAR, title="Phố kiểu mẫu")
    decide(city_leader, programme, city, [visits["a"]])
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.CONFIRMED and proposal.programme == programme
    assert Recognition.objects.count() == 1


def test_only_the_citys_leaders_and_administrators_decide(visits, programme, city, staff_a, leader_a, admin_user):
    other_leader = UserFactory(username="lanhdao2")
    other_leader.memberships.create(role=Membership.Role.CITY_LEADER, city=CityFactory(code="40", name="Nghệ An"))
    for user in (staff_a, leader_a, other_leader):
        with pytest.raises(PermissionDenied):
            decide(user, programme, city, visits.values())
    assert len(decide(admin_user, programme, city, visits.values())) == 2


# --- the term, the states ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_until", "status", "state"),
    [
        (date(2027, 1, 20), "confirmed", State.VALID),  # 61 days on
        (date(2027, 1, 19), "confirmed", State.EXPIRING),  # 60 days on
        (TODAY, "confirmed", State.EXPIRING),
        (date(2026, 11, 19), "confirmed", State.EXPIRED),
        (None, "confirmed", State.VALID),
        (date(2027, 12, 31), "withdrawn", State.WITHDRAWN),
    ],
)
def test_a_titles_state_on_a_day_and_its_filter_agree(titles, valid_until, status, state):
    title = titles["14797"]
    Recognition.objects.filter(pk=title.pk).update(valid_until=valid_until)
    if status == "withdrawn":
        withdraw(title.decided_by, title)
    title.refresh_from_db()
    assert title_services.title_state(title, TODAY) == state
    matching = [s for s in State.ALL if Recognition.objects.filter(title_services.state_q(s, TODAY), pk=title.pk)]
    assert matching == [state]


# --- withdrawal --------------------------------------------------------------------------------------------------


def test_withdrawal_keeps_both_decisions_in_the_title_and_its_history(titles, city_leader):
    title = withdraw(city_leader, titles["14797"])
    title.refresh_from_db()
    assert title.status == Recognition.Status.WITHDRAWN
    assert (title.decision_number, title.withdrawal_number) == ("1234/QĐ-UBND", "56/QĐ-UBND")
    assert title.withdrawn_on == date(2026, 3, 20) and title.withdrawal_reason.startswith("Để xảy ra")
    actions = list(HistoryEntry.objects.for_object(title).order_by("pk").values_list("action", "reason"))
    assert actions == [("confirm", ""), ("withdraw", "Để xảy ra vụ việc mất an ninh trật tự.")]


def test_a_title_cannot_be_withdrawn_twice(titles, city_leader, admin_user):
    stale = Recognition.objects.get(pk=titles["14797"].pk)  # as the second leader opened it
    withdraw(city_leader, titles["14797"])
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        withdraw(admin_user, stale, withdrawal_number="57/QĐ-UBND", seen_status="confirmed")
    assert refused.value.code == "stale"
    assert "already withdrawn by decision 56/QĐ-UBND of 20/03/2026" in refused.value.messages[0]
    assert Recognition.objects.get(pk=stale.pk).withdrawal_number == "56/QĐ-UBND"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"withdrawal_number": ""}, "withdrawal_number", "Enter the withdrawal decision's number."),
        ({"withdrawn_on": None}, "withdrawn_on", "Enter the withdrawal decision's date."),
        ({"withdrawn_on": date(2025, 12, 14)}, "withdrawn_on", "before the decision that awarded the title"),
        ({"withdrawn_on": date(2026, 11, 21)}, "withdrawn_on", "cannot be in the future"),
        ({"signer": " "}, "signer", "Enter who signed the withdrawal decision."),
        ({"reason": " \n"}, "reason", "Give the reason for the withdrawal."),
    ],
)
def test_a_withdrawal_needs_every_field(titles, city_leader, changes, field, words):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        withdraw(city_leader, titles["14797"], **changes)
    assert words in " ".join(refused.value.message_dict[field])
    assert Recognition.objects.get(pk=titles["14797"].pk).status == Recognition.Status.CONFIRMED


def test_ward_people_cannot_withdraw(titles, staff_a, leader_a):
    for user in (staff_a, leader_a):
        with pytest.raises(PermissionDenied):
            withdraw(user, titles["14797"])


# --- the self-reported path -------------------------------------------------------------------------------------


def test_a_programmes_title_is_not_proposed_from_self_reported_results(programme, city, city_leader):
    with translation.override("en"), pytest.raises(ValidationError, match="decided from the city's verification"):
        recognition_services.recognition_propose(user=city_leader, year=YEAR, title=" phố KIỂU mẫu ", city=city)


def test_the_old_decision_form_leaves_a_programmes_title_alone(titles, city_leader):
    with pytest.raises(ValidationError):
        recognition_services.recognition_decide(user=city_leader, recognition=titles["14797"], confirm=False)
    withdrawn = withdraw(city_leader, titles["16417"])
    with pytest.raises(ValidationError):
        recognition_services.recognition_decide(user=city_leader, recognition=withdrawn, confirm=False)
