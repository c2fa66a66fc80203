"""Contributions' pages: who sees and changes what, bad input, concurrent edits, filters, totals and queries.

Dates are pinned to 20/11/2026 (conftest). Clients read the site in English unless a test reads the Vietnamese.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.movement.contributions import services
from campaigns.movement.contributions.models import Contribution
from portal.models import HistoryEntry
from tests.campaigns.contributions.conftest import give
from tests.factories import NeighbourhoodFactory, WardFactory

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302
ROLES = ["staff_a", "leader_a", "staff_b", "city_leader", "admin", "no_role"]
READ_A = {"staff_a": OK, "leader_a": OK, "staff_b": NOT_FOUND, "city_leader": OK, "admin": OK, "no_role": NOT_FOUND}
EDIT_A = {**READ_A, "city_leader": FORBIDDEN}
CITY = {
    "staff_a": FORBIDDEN,
    "leader_a": FORBIDDEN,
    "staff_b": FORBIDDEN,
    "city_leader": OK,
    "admin": OK,
    "no_role": NOT_FOUND,
}


@pytest.fixture
def actors(world, no_role_user):
    return {**world, "no_role": no_role_user}


@pytest.fixture
def gift_a(ward_a, hood_a):
    return give(ward_a, neighbourhood=hood_a, contributor="Hộ ông Lê Văn Hòa")


@pytest.fixture
def gift_b(ward_b):
    return give(ward_b, contributor="Công ty Đông Quang")


PAGES = [
    ("list", lambda w, g: reverse("campaigns:contribution-list", args=[w["ward_a"].code]), READ_A),
    ("create", lambda w, g: reverse("campaigns:contribution-create", args=[w["ward_a"].code]), EDIT_A),
    ("edit", lambda w, g: reverse("campaigns:contribution-edit", args=[g.pk]), EDIT_A),
    ("import", lambda w, g: reverse("campaigns:contribution-import", args=[w["ward_a"].code]), EDIT_A),
    ("template", lambda w, g: reverse("campaigns:contribution-import-template", args=[w["ward_a"].code]), EDIT_A),
    ("city", lambda w, g: reverse("campaigns:contribution-city", args=[w["ward_a"].city.code]), CITY),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_answers_each_role_by_its_scope(client_for, actors, gift_a, page, url, expected, role):
    response = client_for(actors[role]).get(url(actors, gift_a))
    assert response.status_code == expected[role], f"{page} as {role}"


@pytest.mark.parametrize(("page", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(client_for, world, gift_a, page, url, expected):
    for method in ("get", "post"):
        response = getattr(client_for(None), method)(url(world, gift_a))
        assert response.status_code == REDIRECT
        assert response["Location"].startswith(reverse("login"))


def test_anonymous_cannot_delete_or_confirm(client_for, gift_a):
    for url in (
        reverse("campaigns:contribution-delete", args=[gift_a.pk]),
        reverse("campaigns:contribution-import-confirm", args=[1]),
        reverse("campaigns:contribution-home"),
    ):
        response = client_for(None).post(url)
        assert response.status_code == REDIRECT and response["Location"].startswith(reverse("login"))
    assert Contribution.objects.filter(pk=gift_a.pk).exists()


def test_ward_staff_get_404_for_another_wards_contribution_and_forged_ids(client_for, staff_a, gift_b):
    client = client_for(staff_a)
    for pk in (gift_b.pk, 999_999):
        assert client.get(reverse("campaigns:contribution-edit", args=[pk])).status_code == NOT_FOUND
        assert client.post(reverse("campaigns:contribution-edit", args=[pk]), _form()).status_code == NOT_FOUND
        assert client.post(reverse("campaigns:contribution-delete", args=[pk]), {"version": 1}).status_code == NOT_FOUND
    assert client.get(reverse("campaigns:contribution-list", args=["99999"])).status_code == NOT_FOUND
    assert Contribution.objects.filter(pk=gift_b.pk).exists()


def test_a_city_leader_reading_cannot_write(client_for, city_leader, ward_a, gift_a):
    client = client_for(city_leader)
    assert client.post(reverse("campaigns:contribution-create", args=[ward_a.code]), _form()).status_code == FORBIDDEN
    edit = client.post(reverse("campaigns:contribution-edit", args=[gift_a.pk]), _form(version=1, amount="5"))
    assert edit.status_code == FORBIDDEN
    delete = client.post(reverse("campaigns:contribution-delete", args=[gift_a.pk]), {"version": 1})
    assert delete.status_code == FORBIDDEN
    assert client.post(reverse("campaigns:contribution-import", args=[ward_a.code])).status_code == FORBIDDEN
    gift_a.refresh_from_db()
    assert gift_a.amount == Decimal(1_000_000)


def test_the_menu_entry_leads_each_role_to_its_page(client_for, staff_a, leader_a, city_leader, admin_user, ward_a):
    to_ward = reverse("campaigns:contribution-list", args=[ward_a.code])
    to_city = reverse("campaigns:contribution-city", args=[ward_a.city.code])
    home = reverse("campaigns:contribution-home")
    assert client_for(staff_a).get(home)["Location"] == to_ward
    assert client_for(leader_a).get(home)["Location"] == to_ward
    assert client_for(city_leader).get(home)["Location"] == to_city
    assert client_for(admin_user).get(home)["Location"] == to_city


# --- recording ---------------------------------------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {
        "received_on": "10/04/2026",
        "kind": "money",
        "source": "residents",
        "amount": "350.000.000",
        "description": "Lắp đèn chiếu sáng ngõ xóm",
        "neighbourhood": "",
        "campaign": "",
        "contributor": "Các hộ dân",
        "note": "",
        "version": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("money", "350.000.000", Decimal(350_000_000)),
        ("money", "1 234 000", Decimal(1_234_000)),
        ("land", "12,5", Decimal("12.5")),
        ("labour", "2,5", Decimal("2.5")),
    ],
)
def test_staff_and_the_ward_leader_record_amounts_written_the_vietnamese_way(
    client_for, staff_a, leader_a, ward_a, hood_a, peak, kind, typed, stored
):
    for user in (staff_a, leader_a):
        response = client_for(user).post(
            reverse("campaigns:contribution-create", args=[ward_a.code]),
            _form(kind=kind, amount=typed, neighbourhood=hood_a.pk, campaign=peak.pk),
        )
        assert response.status_code == REDIRECT, response.content.decode()[:2000]
    saved = list(Contribution.objects.filter(ward=ward_a))
    assert len(saved) == 2 and {c.amount for c in saved} == {stored}
    assert saved[0].neighbourhood == hood_a and saved[0].campaign == peak and saved[0].created_by is not None
    assert HistoryEntry.objects.for_object(saved[0]).filter(action="create").exists()


def test_bad_input_is_refused_in_vietnamese_and_what_was_typed_is_kept(client_for, staff_a, ward_a):
    response = client_for(staff_a, "vi").post(
        reverse("campaigns:contribution-create", args=[ward_a.code]),
        _form(kind="materials", description="", amount="1.234,5", contributor="Công ty Vật liệu Hạc Thành"),
    )
    html = response.content.decode()
    assert response.status_code == OK
    assert "Số tiền (đồng) phải là số nguyên." in html
    assert "Ghi rõ vật tư đã đóng góp, ví dụ 20 tấn xi măng." in html
    assert 'value="Công ty Vật liệu Hạc Thành"' in html and 'value="1.234,5"' in html
    future = client_for(staff_a, "vi").post(
        reverse("campaigns:contribution-create", args=[ward_a.code]), _form(received_on="01/12/2026", amount="-5")
    )
    html = future.content.decode()
    assert "Ngày không được ở tương lai." in html and 'value="-5"' in html
    not_a_date = client_for(staff_a, "vi").post(
        reverse("campaigns:contribution-create", args=[ward_a.code]), _form(received_on="31/02/2026", amount="abc")
    )
    assert "dd/mm/yyyy" in not_a_date.content.decode() and "không phải là số" in not_a_date.content.decode()
    assert not Contribution.objects.exists()


def test_a_campaign_or_neighbourhood_the_ward_cannot_see_is_refused(client_for, staff_a, ward_a, hood_b, b_only):
    client = client_for(staff_a)
    for forged in ({"campaign": b_only.pk}, {"neighbourhood": hood_b.pk}):
        response = client.post(reverse("campaigns:contribution-create", args=[ward_a.code]), _form(**forged))
        assert response.status_code == OK
        assert "Select a valid choice" in response.content.decode()
    with pytest.raises(services.ValidationError) as refused:
        services.contribution_save(
            user=staff_a,
            ward=ward_a,
            data={**_data(), "campaign": b_only, "neighbourhood": hood_b},
        )
    assert set(refused.value.message_dict) == {"campaign", "neighbourhood"}
    assert not Contribution.objects.exists()


def _data(**overrides) -> dict:
    data = {
        "received_on": date(2026, 4, 10),
        "kind": "money",
        "source": "residents",
        "amount": Decimal(1_000_000),
        "description": "",
        "neighbourhood": None,
        "campaign": None,
        "contributor": "",
        "note": "",
    }
    data.update(overrides)
    return data


def test_a_stale_edit_is_refused_with_the_saved_values_shown_and_the_input_kept(client_for, staff_a, leader_a, gift_a):
    url = reverse("campaigns:contribution-edit", args=[gift_a.pk])
    opened = client_for(staff_a).get(url)
    assert 'name="version" value="1"' in opened.content.decode()
    client_for(leader_a).post(url, _form(version=1, amount="2.000.000"))  # the leader saves first
    gift_a.refresh_from_db()
    assert (gift_a.amount, gift_a.version) == (Decimal(2_000_000), 2)
    stale = client_for(staff_a, "vi").post(url, _form(version=1, amount="3.000.000", contributor="Hộ bà Lan"))
    html = stale.content.decode()
    assert stale.status_code == OK
    assert "Người khác đã sửa khoản đóng góp này" in html
    assert 'data-testid="saved-now"' in html and "2.000.000" in html
    assert 'value="3.000.000"' in html and 'value="Hộ bà Lan"' in html and 'name="version" value="2"' in html
    gift_a.refresh_from_db()
    assert gift_a.amount == Decimal(2_000_000)  # nothing overwritten
    again = client_for(staff_a).post(url, _form(version=2, amount="3.000.000"))
    assert again.status_code == REDIRECT
    gift_a.refresh_from_db()
    assert (gift_a.amount, gift_a.version) == (Decimal(3_000_000), 3)


def test_delete_checks_the_version(client_for, staff_a, gift_a):
    url = reverse("campaigns:contribution-delete", args=[gift_a.pk])
    Contribution.objects.filter(pk=gift_a.pk).update(version=2)
    refused = client_for(staff_a).post(url, {"version": 1})
    assert refused.status_code == REDIRECT and Contribution.objects.filter(pk=gift_a.pk).exists()
    done = client_for(staff_a).post(url, {"version": 2})
    assert done.status_code == REDIRECT and not Contribution.objects.filter(pk=gift_a.pk).exists()
    assert HistoryEntry.objects.filter(object_id=gift_a.pk, action="delete").exists()


def test_the_database_refuses_what_must_never_hold(ward_a):
    from django.db import IntegrityError, transaction

    for bad in (
        {"amount": "-1"},
        {"kind": "gold"},
        {"source": "lottery"},
        {"kind": "materials", "description": ""},
        {"kind": "money", "amount": "10.5"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            give(ward_a, **{"amount": "10", **bad})
    give(ward_a, kind="land", amount="10.5")  # m² may have decimals


# --- the list and the city's totals ------------------------------------------------------------------------


def ids(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-contribution="(\d+)"', html))


def test_the_list_filters_and_searches_without_diacritics(client_for, staff_a, ward_a, hood_a, peak):
    ward_wide = give(ward_a, on=date(2026, 1, 5), contributor="Công ty TNHH Hạc Thành", source="businesses")
    in_hood = give(ward_a, neighbourhood=hood_a, on=date(2026, 4, 10), kind="land", amount="120", campaign=peak)
    last_year = give(ward_a, on=date(2025, 6, 1), source="state_budget", amount="200000000")
    url = reverse("campaigns:contribution-list", args=[ward_a.code])
    client = client_for(staff_a)

    def shown(**params) -> set[str]:
        return ids(client.get(url, params).content.decode())

    assert shown() == {str(c.pk) for c in (ward_wide, in_hood, last_year)}
    assert shown(year=2026) == {str(ward_wide.pk), str(in_hood.pk)}
    assert shown(year=2026, month_from=3, month_to=5) == {str(in_hood.pk)}
    assert shown(kind="land") == {str(in_hood.pk)}
    assert shown(source="state_budget") == {str(last_year.pk)}
    assert shown(campaign=peak.pk) == {str(in_hood.pk)}
    assert shown(unit="ward") == {str(ward_wide.pk), str(last_year.pk)}
    assert shown(unit=hood_a.pk) == {str(in_hood.pk)}
    assert shown(q="cong ty tnhh hac") == {str(ward_wide.pk)}
    assert shown(q="dinh huong") == {str(in_hood.pk)}
    bad = client.get(url, {"year": 2026, "month_from": 6, "month_to": 2})
    assert "The last month cannot come before the first." in bad.content.decode()


def test_the_lists_totals_are_by_kind_and_source_of_what_is_shown(client_for, staff_a, ward_a):
    give(ward_a, amount="350000000")
    give(ward_a, amount="150000000")
    give(ward_a, source="state_budget", amount="200000000")
    give(ward_a, kind="land", amount="85.5")
    give(ward_a, kind="land", amount="34.5", on=date(2025, 8, 15))
    response = client_for(staff_a).get(reverse("campaigns:contribution-list", args=[ward_a.code]), {"year": 2026})
    table = response.context["table"]
    rows = {r.kind: r for r in table.rows}
    assert rows["money"].by_source == [Decimal(200_000_000), Decimal(500_000_000), 0, 0]
    assert (rows["money"].total, rows["money"].count) == (Decimal(700_000_000), 3)
    assert (rows["land"].total, rows["land"].count) == (Decimal("85.5"), 1)
    assert '<td class="num fw-semibold" data-testid="total-money">700,000,000</td>' in response.content.decode()


def test_the_city_page_adds_up_each_ward_and_the_city(client_for, city_leader, ward_a, ward_b, hood_a):
    give(ward_a, amount="350000000")
    give(ward_a, neighbourhood=hood_a, kind="labour", amount="450")
    give(ward_b, amount="180000000", source="businesses")
    give(ward_b, amount="1", on=date(2025, 12, 31))  # another year
    WardFactory(city=ward_a.city, name="Xã Không Có Đóng Góp")
    response = client_for(city_leader).get(reverse("campaigns:contribution-city", args=[ward_a.city.code]))
    rows = {r.ward.code: r for r in response.context["rows"]}
    assert len(rows) == 2 and response.context["without"] == 1
    assert rows[ward_a.code].by_kind == [Decimal(350_000_000), 0, Decimal(450), 0]
    assert rows[ward_b.code].by_kind == [Decimal(180_000_000), 0, 0, 0]
    city = {r.kind: r for r in response.context["table"].rows}
    assert city["money"].by_source == [0, Decimal(350_000_000), Decimal(180_000_000), 0]
    last_year = client_for(city_leader).get(
        reverse("campaigns:contribution-city", args=[ward_a.city.code]), {"year": 2025}
    )
    assert {r.kind: r for r in last_year.context["table"].rows}["money"].total == 1


def test_the_campaign_page_shows_its_totals_of_what_the_user_reads(
    client_for, staff_b, city_leader, ward_a, ward_b, peak
):
    give(ward_a, campaign=peak, amount="350000000")
    give(ward_b, campaign=peak, amount="64", kind="land")
    give(ward_a, amount="999")  # not for the campaign
    url = reverse("campaigns:campaign-detail", args=[peak.pk])
    city = {r.kind: r.total for r in client_for(city_leader).get(url).context["contribution_totals"].rows}
    assert city == {"money": Decimal(350_000_000), "land": Decimal(64), "labour": 0, "materials": 0}
    mine = {r.kind: r.total for r in client_for(staff_b).get(url).context["contribution_totals"].rows}
    assert mine == {"money": 0, "land": Decimal(64), "labour": 0, "materials": 0}
    assert 'data-testid="campaign-contributions"' in client_for(staff_b).get(url).content.decode()


def _many(size: int, city, peak) -> None:
    for i in range(size):
        ward = WardFactory(city=city)
        hood = NeighbourhoodFactory(ward=ward)
        peak.wards.add(ward)
        for kind, amount in (("money", "1000000"), ("land", "12.5"), ("labour", "3")):
            give(ward, neighbourhood=hood, kind=kind, amount=amount, campaign=peak, contributor=f"Hộ {i}")


@pytest.mark.parametrize("size", [3, 30])
def test_pages_make_the_same_number_of_queries_whatever_the_number_of_units(
    client_for, admin_user, city, ward_a, hood_a, peak, size, django_assert_max_num_queries
):
    _many(size, city, peak)
    for _ in range(size):
        give(ward_a, neighbourhood=hood_a, contributor="Hộ ông Hòa", campaign=peak)
    client = client_for(admin_user)
    for url in (
        reverse("campaigns:contribution-list", args=[ward_a.code]),
        reverse("campaigns:contribution-list", args=[ward_a.code]) + "?year=2026&q=hoa&kind=money",
        reverse("campaigns:contribution-city", args=[city.code]),
        reverse("campaigns:campaign-detail", args=[peak.pk]),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == OK
