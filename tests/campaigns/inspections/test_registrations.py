"""Registration: the ward's page (register many, search), the city's page, pledge, withdrawal; scope and queries."""

from datetime import date

import pytest
from django.urls import reverse

from campaigns.movement.inspections.models import Registration
from portal.models import HistoryEntry
from tests.campaigns.inspections.conftest import BAD, CONFLICT, FORBIDDEN, NOT_FOUND, OK, REDIRECT, messages_of
from tests.factories import NeighbourhoodFactory, ProgrammeFactory, RegistrationFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db):
    return ProgrammeFactory(code="pho-thon-kieu-mau", name="Phố, thôn kiểu mẫu")


def ward_url(ward, programme, year=2026):
    return reverse("campaigns:registration-ward", args=[ward.code, programme.code, year])


def token(hood):
    return f"{hood.ward_id}:{hood.pk}"


def test_staff_registers_many_units_at_once(client_for, staff_a, ward_a, hood_a, programme):
    other = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Đình Hương 2")
    response = client_for(staff_a).post(
        ward_url(ward_a, programme), {"units": [token(hood_a), token(other)], "pledge": "Giữ vững tiêu chí"}
    )
    assert response.status_code == REDIRECT
    rows = Registration.objects.filter(programme=programme).order_by("neighbourhood__search_key")
    assert [(r.neighbourhood, r.first_year, r.last_year, r.pledge, r.status) for r in rows] == [
        (hood_a, 2026, 2026, "Giữ vững tiêu chí", "registered"),
        (other, 2026, 2026, "Giữ vững tiêu chí", "registered"),
    ]
    assert rows[0].registered_by == staff_a and rows[0].registered_on == date(2026, 11, 20)
    assert HistoryEntry.objects.for_object(rows[0]).count() == 1


def test_leader_registers_and_a_term_covers_several_years(client_for, leader_a, ward_a, hood_a):
    programme = ProgrammeFactory(code="ba-nam", term_years=3)
    response = client_for(leader_a).post(ward_url(ward_a, programme), {"units": [token(hood_a)], "pledge": "Cam kết"})
    assert response.status_code == REDIRECT
    registration = Registration.objects.get(programme=programme)
    assert (registration.first_year, registration.last_year) == (2026, 2028)
    page = client_for(leader_a).get(ward_url(ward_a, programme, 2027))
    assert page.context["registered"] == 1  # the term covers 2027


def test_ward_level_programme_registers_the_ward(client_for, staff_a, ward_a):
    programme = ProgrammeFactory(code="phuong-kieu-mau", level="ward")
    response = client_for(staff_a).post(
        ward_url(ward_a, programme), {"units": [f"{ward_a.pk}:0"], "pledge": "Phường cam kết"}
    )
    assert response.status_code == REDIRECT
    assert Registration.objects.get(programme=programme).neighbourhood is None


def test_duplicate_is_refused_with_input_kept(client_for, staff_a, ward_a, hood_a, programme):
    RegistrationFactory(programme=programme, neighbourhood=hood_a, ward=ward_a)
    response = client_for(staff_a).post(ward_url(ward_a, programme), {"units": [token(hood_a)], "pledge": "Lần hai"})
    assert response.status_code == BAD
    assert any("already registered" in m for m in messages_of(response))
    assert "Lần hai" in response.content.decode()
    assert Registration.objects.count() == 1


def test_duplicate_message_is_in_vietnamese(staff_a, ward_a, hood_a, programme):
    from django.test import Client

    RegistrationFactory(programme=programme, neighbourhood=hood_a, ward=ward_a)
    client = Client()
    client.force_login(staff_a)
    response = client.post(ward_url(ward_a, programme), {"units": [token(hood_a)], "pledge": "Lần hai"})
    assert "đã đăng ký" in response.content.decode()


def test_unit_not_existing_in_the_year_is_refused(client_for, staff_a, ward_a, programme):
    gone = NeighbourhoodFactory(ward=ward_a, name="Tổ cũ", valid_to=date(2025, 3, 1))
    response = client_for(staff_a).post(ward_url(ward_a, programme), {"units": [token(gone)], "pledge": "Cam kết"})
    assert response.status_code == BAD
    assert any("did not exist in 2026" in m for m in messages_of(response))
    assert "Cam kết" in response.content.decode()
    assert not Registration.objects.exists()


def test_missing_pledge_or_units(client_for, staff_a, ward_a, hood_a, programme):
    response = client_for(staff_a).post(ward_url(ward_a, programme), {"units": [token(hood_a)], "pledge": " "})
    assert response.status_code == BAD and any("pledge" in m for m in messages_of(response))
    response = client_for(staff_a).post(ward_url(ward_a, programme), {"pledge": "Cam kết"})
    assert response.status_code == BAD and any("Tick at least one unit" in m for m in messages_of(response))
    assert "Cam kết" in response.content.decode()


def test_inactive_programme_refuses(client_for, staff_a, ward_a, hood_a):
    programme = ProgrammeFactory(code="dong", is_active=False)
    response = client_for(staff_a).post(ward_url(ward_a, programme), {"units": [token(hood_a)], "pledge": "x"})
    assert response.status_code == BAD and any("not open" in m for m in messages_of(response))


def test_scope(client_for, staff_a, staff_b, city_leader, admin_user, no_role_user, ward_a, hood_a, hood_b, programme):
    url = ward_url(ward_a, programme)
    assert client_for(None).get(url).status_code == REDIRECT
    assert client_for(staff_b).get(url).status_code == NOT_FOUND
    assert client_for(no_role_user).get(url).status_code == NOT_FOUND
    assert client_for(city_leader).get(url).status_code == OK
    assert client_for(city_leader).post(url, {"units": [token(hood_a)], "pledge": "x"}).status_code == FORBIDDEN
    # a forged id: ward B's unit posted on ward A's page
    assert client_for(staff_a).post(url, {"units": [token(hood_b)], "pledge": "x"}).status_code == NOT_FOUND
    assert client_for(staff_a).post(url, {"units": ["abc"], "pledge": "x"}).status_code == NOT_FOUND
    assert client_for(admin_user).post(url, {"units": [token(hood_a)], "pledge": "x"}).status_code == REDIRECT
    assert not Registration.objects.filter(neighbourhood=hood_b).exists()


def test_search_ignores_diacritics(client_for, staff_a, ward_a, hood_a, programme):
    NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Bắc Sơn")
    response = client_for(staff_a).get(ward_url(ward_a, programme) + "?q=dinh huong")
    assert [r["unit"].name for r in response.context["rows"]] == ["Tổ dân phố Đình Hương 1"]


def test_withdraw_with_confirmation(client_for, staff_a, leader_a, ward_a, hood_a, programme):
    registration = RegistrationFactory(programme=programme, neighbourhood=hood_a, ward=ward_a)
    url = reverse("campaigns:registration-withdraw", args=[registration.pk])
    assert client_for(staff_a).get(url).status_code == OK
    response = client_for(staff_a).post(url, {"version": 1})
    assert response.status_code == BAD
    registration.refresh_from_db()
    assert registration.status == "registered"
    response = client_for(leader_a).post(url, {"version": 1, "confirm": "on", "reason": "Không đủ điều kiện"})
    assert response.status_code == REDIRECT
    registration.refresh_from_db()
    assert registration.status == "withdrawn" and registration.version == 2
    assert HistoryEntry.objects.for_object(registration).get().reason == "Không đủ điều kiện"
    page = client_for(staff_a).get(ward_url(ward_a, programme))
    assert page.context["registered"] == 0
    # registering again the same year reuses the row
    client_for(staff_a).post(ward_url(ward_a, programme), {"units": [token(hood_a)], "pledge": "Đăng ký lại"})
    registration.refresh_from_db()
    assert registration.status == "registered" and registration.pledge == "Đăng ký lại"


def test_withdraw_scope(client_for, staff_a, staff_b, city_leader, ward_a, hood_a, programme):
    registration = RegistrationFactory(programme=programme, neighbourhood=hood_a, ward=ward_a)
    url = reverse("campaigns:registration-withdraw", args=[registration.pk])
    data = {"version": 1, "confirm": "on"}
    assert client_for(None).post(url, data).status_code == REDIRECT
    assert client_for(staff_b).post(url, data).status_code == NOT_FOUND
    assert client_for(city_leader).post(url, data).status_code == FORBIDDEN
    registration.refresh_from_db()
    assert registration.status == "registered"


def test_pledge_edit_and_version_conflict(
    client_for, staff_a, leader_a, staff_b, city_leader, ward_a, hood_a, programme
):
    registration = RegistrationFactory(programme=programme, neighbourhood=hood_a, ward=ward_a)
    url = reverse("campaigns:registration-edit", args=[registration.pk])
    assert client_for(staff_b).get(url).status_code == NOT_FOUND
    assert client_for(city_leader).get(url).status_code == OK
    assert client_for(city_leader).post(url, {"pledge": "x", "version": 1}).status_code == FORBIDDEN
    assert client_for(staff_a).post(url, {"pledge": "Cam kết mới", "version": 1}).status_code == REDIRECT
    response = client_for(leader_a).post(url, {"pledge": "Cam kết của tôi", "version": 1})
    assert response.status_code == CONFLICT
    assert any("Someone else changed" in m for m in messages_of(response))
    assert "Cam kết của tôi" in response.content.decode()
    registration.refresh_from_db()
    assert registration.pledge == "Cam kết mới"


def test_city_page(client_for, city_leader, admin_user, staff_a, ward_a, ward_b, hood_a, hood_b, programme):
    NeighbourhoodFactory(ward=ward_a)
    RegistrationFactory(programme=programme, neighbourhood=hood_a, ward=ward_a)
    RegistrationFactory(programme=programme, neighbourhood=hood_b, ward=ward_b, status="withdrawn")
    url = reverse("campaigns:registration-city", args=[ward_a.city.code, programme.code, 2026])
    response = client_for(city_leader).get(url)
    assert response.status_code == OK
    rows = {r["ward"].code: (r["units"], r["registered"], r["share"]) for r in response.context["rows"]}
    assert rows == {"14797": (2, 1, "50.0 %"), "16417": (1, 0, "0.0 %")}
    assert response.context["totals"] == {"units": 3, "registered": 1, "share": "33.3 %"}
    assert client_for(admin_user).get(url).status_code == OK
    assert client_for(staff_a).get(url).status_code == NOT_FOUND
    assert client_for(None).get(url).status_code == REDIRECT


def test_index(client_for, staff_a, city_leader, programme):
    url = reverse("campaigns:registration-index")
    assert client_for(None).get(url).status_code == REDIRECT
    assert client_for(staff_a).get(url).status_code == OK
    assert client_for(city_leader).get(url + "?year=2025").status_code == OK


def _fill(ward, programme, n):
    for _ in range(n):
        hood = NeighbourhoodFactory(ward=ward)
        RegistrationFactory(programme=programme, neighbourhood=hood, ward=ward)


@pytest.mark.parametrize("size", [2, 12])
def test_ward_page_queries_constant(client_for, staff_a, ward_a, programme, size, django_assert_max_num_queries):
    _fill(ward_a, programme, size)
    NeighbourhoodFactory(ward=ward_a)
    client = client_for(staff_a)
    with django_assert_max_num_queries(14):
        response = client.get(ward_url(ward_a, programme))
    assert response.context["registered"] == size


@pytest.mark.parametrize("size", [2, 12])
def test_city_page_queries_constant(client_for, city_leader, city, programme, size, django_assert_max_num_queries):
    for _ in range(size):
        _fill(WardFactory(city=city), programme, 2)
    client = client_for(city_leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:registration-city", args=[city.code, programme.code, 2026]))
    assert response.context["totals"]["registered"] == 2 * size
