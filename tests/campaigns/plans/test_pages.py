"""Plan targets' pages: who reads and changes which plan, bad input, concurrent edits, copying last year's
targets, and the number of queries. The clock is frozen at 20/11/2026 (conftest).

A ward's plan: its leader sets the targets, its staff enter achieved values, the city's leaders read it.
The city's plan: the city's leaders set it; the wards' people read it.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.movement.plans.models import PlanTarget
from portal.models import HistoryEntry
from tests.campaigns.plans.conftest import aim
from tests.factories import NeighbourhoodFactory

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302
ROLES = ["staff_a", "leader_a", "staff_b", "city_leader", "admin", "no_role"]
READ_A = {"staff_a": OK, "leader_a": OK, "staff_b": NOT_FOUND, "city_leader": OK, "admin": OK, "no_role": NOT_FOUND}
SET_A = {**READ_A, "staff_a": FORBIDDEN, "city_leader": FORBIDDEN}
ENTER_A = {**READ_A, "city_leader": FORBIDDEN}
READ_CITY = {**dict.fromkeys(ROLES, OK), "no_role": NOT_FOUND}
SET_CITY = {**READ_CITY, "staff_a": FORBIDDEN, "leader_a": FORBIDDEN, "staff_b": FORBIDDEN}


@pytest.fixture
def actors(world, no_role_user):
    return {**world, "no_role": no_role_user}


@pytest.fixture
def plan_a(ward_a):
    return aim(ward_a.city, ward_a, "Kết nạp đảng viên mới", "10", achieved="12", unit="đảng viên")


@pytest.fixture
def plan_city(city):
    return aim(city, None, "Kết nạp đảng viên mới", "500", achieved="540")


def _t(w, t, c):
    return {"ward": w["ward_a"].code, "city": w["ward_a"].city.code, "a": t.pk, "c": c.pk}


PAGES = [
    ("ward plan", lambda k: reverse("campaigns:plan-ward", args=[k["ward"], 2025]), READ_A),
    ("ward add", lambda k: reverse("campaigns:plan-ward-target-create", args=[k["ward"], 2025]), SET_A),
    ("ward edit", lambda k: reverse("campaigns:plan-target-edit", args=[k["a"]]), SET_A),
    ("ward delete", lambda k: reverse("campaigns:plan-target-delete", args=[k["a"]]), SET_A),
    ("ward achieved", lambda k: reverse("campaigns:plan-target-achieved", args=[k["a"]]), ENTER_A),
    ("city plan", lambda k: reverse("campaigns:plan-city", args=[k["city"], 2025]), READ_CITY),
    ("city add", lambda k: reverse("campaigns:plan-city-target-create", args=[k["city"], 2025]), SET_CITY),
    ("city edit", lambda k: reverse("campaigns:plan-target-edit", args=[k["c"]]), SET_CITY),
    ("city achieved", lambda k: reverse("campaigns:plan-target-achieved", args=[k["c"]]), SET_CITY),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_answers_each_role_by_its_scope(client_for, actors, plan_a, plan_city, page, url, expected, role):
    response = client_for(actors[role]).get(url(_t(actors, plan_a, plan_city)))
    assert response.status_code == expected[role], f"{page} as {role}"


@pytest.mark.parametrize(("page", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(client_for, world, plan_a, plan_city, page, url, expected):
    for method in ("get", "post"):
        response = getattr(client_for(None), method)(url(_t(world, plan_a, plan_city)))
        assert response.status_code == REDIRECT and response["Location"].startswith(reverse("login"))
    for name in ("campaigns:plan-ward-copy", "campaigns:plan-home"):
        args = [world["ward_a"].code, 2025] if name.endswith("copy") else []
        response = client_for(None).post(reverse(name, args=args))
        assert response.status_code == REDIRECT and response["Location"].startswith(reverse("login"))


def test_read_only_roles_cannot_write(client_for, staff_a, city_leader, leader_a, ward_a, plan_a, plan_city):
    staff, leader_of_city, leader = client_for(staff_a), client_for(city_leader), client_for(leader_a)
    form = _form(version=1)
    assert staff.post(reverse("campaigns:plan-target-edit", args=[plan_a.pk]), form).status_code == FORBIDDEN
    assert (
        staff.post(reverse("campaigns:plan-target-delete", args=[plan_a.pk]), {"version": 1}).status_code == FORBIDDEN
    )
    assert staff.post(reverse("campaigns:plan-ward-copy", args=[ward_a.code, 2026])).status_code == FORBIDDEN
    assert (
        leader_of_city.post(reverse("campaigns:plan-ward-target-create", args=[ward_a.code, 2025]), form).status_code
        == FORBIDDEN
    )
    achieved = reverse("campaigns:plan-target-achieved", args=[plan_a.pk])
    assert leader_of_city.post(achieved, {"achieved": "1", "version": 1}).status_code == FORBIDDEN
    assert leader.post(reverse("campaigns:plan-target-edit", args=[plan_city.pk]), form).status_code == FORBIDDEN
    assert leader.post(reverse("campaigns:plan-city-copy", args=[ward_a.city.code, 2026])).status_code == FORBIDDEN
    plan_a.refresh_from_db()
    plan_city.refresh_from_db()
    assert (plan_a.version, plan_city.version) == (1, 1) and PlanTarget.objects.count() == 2


def test_another_wards_people_get_404_with_forged_ids(client_for, staff_b, plan_a):
    client = client_for(staff_b)
    for pk in (plan_a.pk, 999_999):
        for name in ("campaigns:plan-target-edit", "campaigns:plan-target-achieved", "campaigns:plan-target-delete"):
            assert client.post(reverse(name, args=[pk]), {"version": 1, "achieved": "3"}).status_code == NOT_FOUND
    for name in ("campaigns:plan-ward", "campaigns:plan-ward-target-create", "campaigns:plan-ward-copy"):
        assert client.post(reverse(name, args=[plan_a.ward.code, 2025])).status_code in (NOT_FOUND,)
    assert client.get(reverse("campaigns:plan-ward", args=[plan_a.ward.code, 1850])).status_code == NOT_FOUND
    plan_a.refresh_from_db()
    assert plan_a.achieved == Decimal(12) and plan_a.version == 1


def _form(**overrides) -> dict:
    data = {
        "order": "2",
        "name": "Số phố, thôn đạt danh hiệu kiểu mẫu",
        "unit": "phố, thôn",
        "target": "14",
        "direction": "at_least",
        "source": "titled",
    }
    data.update(overrides)
    return data


def test_the_ward_leader_sets_the_plan_and_staff_enter_values(client_for, leader_a, staff_a, ward_a):
    response = client_for(leader_a).post(
        reverse("campaigns:plan-ward-target-create", args=[ward_a.code, 2025]),
        _form(name="Tỷ lệ hộ nghèo", source="entered", direction="at_most", target="0,5", unit="%"),
    )
    assert response.status_code == REDIRECT
    target = PlanTarget.objects.get()
    assert (target.ward, target.year, target.target, target.direction) == (ward_a, 2025, Decimal("0.5"), "at_most")
    url = reverse("campaigns:plan-target-achieved", args=[target.pk])
    assert (
        client_for(staff_a).post(url, {"achieved": "0,24", "note": "Rà soát cuối năm", "version": 1}).status_code
        == REDIRECT
    )
    target.refresh_from_db()
    assert (target.achieved, target.note, target.version) == (Decimal("0.24"), "Rà soát cuối năm", 2)
    page = client_for(staff_a).get(reverse("campaigns:plan-ward", args=[ward_a.code, 2025]))
    assert "1/1 targets reached" in page.content.decode() and "48.0 %" in page.content.decode()
    assert HistoryEntry.objects.filter(object_id=target.pk).count() == 2


def test_a_computed_target_takes_no_entered_value(client_for, leader_a, ward_a):
    target = aim(ward_a.city, ward_a, "Số phố, thôn đạt kiểu mẫu", "12", source="titled")
    response = client_for(leader_a).post(
        reverse("campaigns:plan-target-achieved", args=[target.pk]), {"achieved": "99", "version": 1}
    )
    assert response.status_code == REDIRECT
    target.refresh_from_db()
    assert target.achieved is None and target.version == 1


def test_bad_input_is_refused_in_vietnamese_and_kept(client_for, leader_a, ward_a, plan_a):
    response = client_for(leader_a, "vi").post(
        reverse("campaigns:plan-ward-target-create", args=[ward_a.code, 2025]),
        _form(target="mười bốn", name="  kết nạp ĐẢNG VIÊN mới "),
    )
    assert response.status_code == OK
    errors = response.context["form"].errors
    assert errors["target"] == ["“mười bốn” không phải là số. Hãy viết theo dạng 1.234,5."]
    assert errors["name"] == ["Kế hoạch đã có chỉ tiêu cùng tên."]
    assert 'value="mười bốn"' in response.content.decode()
    negative = client_for(leader_a, "vi").post(
        reverse("campaigns:plan-target-achieved", args=[plan_a.pk]), {"achieved": "-3", "version": 1}
    )
    assert negative.status_code == OK and negative.context["form"].errors["achieved"]
    assert PlanTarget.objects.count() == 1


def test_an_edit_made_meanwhile_is_shown_and_not_overwritten(client_for, leader_a, admin_user, plan_a):
    url = reverse("campaigns:plan-target-edit", args=[plan_a.pk])
    mine = _form(name="Kết nạp đảng viên mới", source="entered", target="11", version=1)
    assert client_for(admin_user).post(url, {**mine, "target": "15"}).status_code == REDIRECT
    stale = client_for(leader_a).post(url, mine)
    assert stale.status_code == OK and stale.context["saved_now"].target == Decimal(15)
    assert "Someone else changed this target" in stale.content.decode()
    plan_a.refresh_from_db()
    assert plan_a.target == Decimal(15) and plan_a.version == 2
    achieved = reverse("campaigns:plan-target-achieved", args=[plan_a.pk])
    stale = client_for(leader_a).post(achieved, {"achieved": "9", "version": 1})
    assert stale.status_code == OK and stale.context["saved_now"].achieved == Decimal(12)
    plan_a.refresh_from_db()
    assert plan_a.achieved == Decimal(12)


def test_a_target_made_computed_drops_its_entered_value(client_for, leader_a, plan_a):
    url = reverse("campaigns:plan-target-edit", args=[plan_a.pk])
    assert client_for(leader_a).post(url, _form(name=plan_a.name, version=1)).status_code == REDIRECT
    plan_a.refresh_from_db()
    assert plan_a.source == "titled" and plan_a.achieved is None


def test_delete_asks_and_checks_the_version(client_for, leader_a, plan_a):
    client = client_for(leader_a)
    url = reverse("campaigns:plan-target-delete", args=[plan_a.pk])
    assert plan_a.name in client.get(url).content.decode()
    PlanTarget.objects.filter(pk=plan_a.pk).update(version=2)
    client.post(url, {"version": 1})
    assert PlanTarget.objects.filter(pk=plan_a.pk).exists()
    client.post(url, {"version": 2})
    assert not PlanTarget.objects.filter(pk=plan_a.pk).exists()


def test_copying_last_years_targets(client_for, leader_a, ward_a, plan_a):
    aim(ward_a.city, ward_a, "Tỷ lệ hộ nghèo", "0.5", direction="at_most", order=2, achieved="0.3")
    aim(ward_a.city, ward_a, "Kết nạp đảng viên mới", "12", year=2026)  # already in this year's plan
    client = client_for(leader_a)
    assert client.post(reverse("campaigns:plan-ward-copy", args=[ward_a.code, 2026])).status_code == REDIRECT
    copied = PlanTarget.objects.of_plan(city=ward_a.city, ward=ward_a, year=2026)
    assert [(t.name, t.target, t.achieved, t.order) for t in copied] == [
        ("Kết nạp đảng viên mới", Decimal(12), None, 1),
        ("Tỷ lệ hộ nghèo", Decimal("0.5"), None, 2),
    ]
    client.post(reverse("campaigns:plan-ward-copy", args=[ward_a.code, 2026]))
    assert copied.count() == 2  # a second copy adds nothing


def test_the_menu_entry_leads_each_role_to_its_plan(client_for, staff_a, city_leader, ward_a):
    home = reverse("campaigns:plan-home")
    assert client_for(staff_a).get(home)["Location"] == reverse("campaigns:plan-ward", args=[ward_a.code, 2026])
    assert client_for(city_leader).get(home)["Location"] == reverse(
        "campaigns:plan-city", args=[ward_a.city.code, 2026]
    )


@pytest.mark.parametrize("size", [2, 10])
def test_a_plan_page_makes_the_same_queries_however_many_targets_and_units(
    client_for, staff_a, ward_a, months, size, django_assert_max_num_queries
):
    for i in range(size):
        NeighbourhoodFactory(ward=ward_a)
        for n, source in enumerate(("titled", "registered", "reached", "excellent_cells", "no_poor", "entered")):
            aim(ward_a.city, ward_a, f"Chỉ tiêu {i}-{n}", "3", source=source, order=i, achieved="1" if n == 5 else None)
    client = client_for(staff_a)
    url = reverse("campaigns:plan-ward", args=[ward_a.code, 2025])
    client.get(url)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert len(response.context["rows"]) == 6 * size
