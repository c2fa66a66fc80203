"""The national overview (reports.national): who reads it, its figures against a recount, the ranking, the CSV,
the menu entry and a query count that does not grow with the provinces."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from campaigns.results import rollups
from campaigns.results.figures import deadline_end
from campaigns.results.models import COUNTED_STATUSES, Period, Submission
from tests.factories import (
    CityFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    ProfileFactory,
    UserFactory,
    WardFactory,
)
from tests.reports.conftest import enter
from wards.models import City, Membership, Neighbourhood, Ward

URL = reverse("reports:national")


def _province(code: str, name: str, *, complete: int, incomplete: int, unentered: int = 0, wards: int = 1):
    """A province whose first ward holds `complete` units meeting the standard, `incomplete` reported units
    that do not, and `unentered` units with nothing entered; its other wards are empty."""
    city = CityFactory(code=code, name=name)
    ward = WardFactory(city=city, kind=Ward.Kind.COMMUNE)
    for _ in range(wards - 1):
        WardFactory(city=city, kind=Ward.Kind.COMMUNE)
    period = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11)
    for met in [True] * complete + [False] * incomplete + [None] * unentered:
        hood = NeighbourhoodFactory(ward=ward)
        ProfileFactory(neighbourhood=hood, year=2026)
        if met is not None:
            enter(hood, period, met=met)
    return city


@pytest.fixture
def november(months):
    return months[11]


@pytest.fixture
def country(november, city, hood_a, hood_b):
    """Thanh Hóa (the cast's province: two wards, one unit each) and four more provinces, built so that the
    ranking is decided by units not yet meeting the standard, then by the share meeting it."""
    enter(hood_a, november, met=True)
    late = enter(hood_b, november, met=False, status=Submission.Status.SUBMITTED)
    Submission.objects.filter(pk=late.pk).update(submitted_at=deadline_end(november) + timedelta(hours=3))
    rollups.rollups_refresh(november, wards=[late.ward_id])
    return {
        "thanh_hoa": city,  # 2 units, 1 complete: 1 behind, 50 %
        "nghe_an": _province("40", "Nghệ An", complete=0, incomplete=2, unentered=1, wards=2),  # 3 behind
        "ha_tinh": _province("42", "Hà Tĩnh", complete=0, incomplete=2),  # 2 behind, 0 %
        "hue": _province("46", "Thành phố Huế", complete=2, incomplete=2),  # 2 behind, 50 %
        "lao_cai": _province("15", "Lào Cai", complete=0, incomplete=0, wards=1),  # no unit: last
    }


def _recount(city, period: Period) -> dict:
    """The province's figures counted straight from the units and their submissions."""
    subs = Submission.objects.filter(period=period, neighbourhood__ward__city=city, status__in=COUNTED_STATUSES)
    deadline = deadline_end(period)
    units = Neighbourhood.objects.filter(ward__city=city).count()
    reported = subs.count()
    return {
        "wards": Ward.objects.filter(city=city).count(),
        "units": units,
        "reported": reported,
        "on_time": subs.exclude(submitted_at__gte=deadline).count(),
        "late": subs.filter(submitted_at__gte=deadline).count(),
        "not_reported": units - reported,
        "complete": subs.filter(is_complete=True).count(),
    }


def _leader_of(*cities, username="lanhdao-vung"):
    user = UserFactory(username=username)
    for c in cities:
        MembershipFactory(user=user, role=Membership.Role.CITY_LEADER, city=c)
    return user


def test_an_administrator_sees_every_province_with_figures_equal_to_a_recount(client, admin_user, country, november):
    client.force_login(admin_user)
    response = client.get(URL, {"period": november.pk})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {r["city"].code for r in rows} == {c.code for c in country.values()}
    for row in rows:
        expected = _recount(row["city"], november)
        assert {key: row[key] for key in expected} == expected, row["city"].name
    thanh_hoa = next(r for r in rows if r["city"] == country["thanh_hoa"])
    assert (thanh_hoa["on_time"], thanh_hoa["late"]) == (1, 1)
    totals = response.context["totals"]
    assert totals["units"] == Neighbourhood.objects.count() == 11
    assert totals["complete"] == Submission.objects.filter(period=november, is_complete=True).count() == 3
    assert response.context["ward_total"] == Ward.objects.count() == 7
    assert "27,3 %" in response.content.decode()  # 3 of 11 meet the standard


def test_provinces_are_ranked_by_units_not_meeting_the_standard_then_by_the_lowest_share(
    client, admin_user, country, november
):
    client.force_login(admin_user)
    rows = client.get(URL, {"period": november.pk}).context["rows"]
    assert [r["city"].code for r in rows] == ["40", "42", "46", "38", "15"]
    assert [r["behind"] for r in rows] == [3, 2, 2, 1, 0]
    assert rows[-1]["share"] is None  # no unit: nothing to catch up


def test_each_province_links_to_its_dashboard_for_the_same_month(client, admin_user, country, november):
    client.force_login(admin_user)
    html = client.get(URL, {"period": november.pk}).content.decode()
    # the programme shown goes along (since issue 11): a province's own default may be another programme
    link = f"{reverse('reports:dashboard')}?city=42&amp;period={november.pk}&amp;programme=thon-tdp-van-hoa"
    assert f'href="{link}"' in html
    assert 'scope="row"' in html and "<caption" in html
    response = client.get(f"{reverse('reports:dashboard')}?city=42&period={november.pk}")
    assert response.status_code == 200 and response.context["city"] == country["ha_tinh"]


def test_a_city_leader_sees_only_their_city(client, city_leader, country, november):
    client.force_login(city_leader)
    response = client.get(URL, {"period": november.pk})
    assert response.status_code == 200
    assert [r["city"] for r in response.context["rows"]] == [country["thanh_hoa"]]
    assert "Nghệ An" not in response.content.decode()
    assert response.context["totals"]["units"] == 2


def test_a_leader_of_two_cities_sees_both_and_no_other(client, country, november):
    client.force_login(_leader_of(country["hue"], country["ha_tinh"]))
    rows = client.get(URL, {"period": november.pk}).context["rows"]
    assert [r["city"].code for r in rows] == ["42", "46"]


@pytest.mark.parametrize("who", ["staff_a", "leader_a", "staff_b", "no_role_user"])
def test_ward_users_and_users_without_a_role_get_403(request, client, hood_a, hood_b, november, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL, {"period": november.pk}).status_code == 403
    assert client.get(URL, {"period": november.pk, "format": "csv"}).status_code == 403


def test_anonymous_is_sent_to_the_login(client, november):
    response = client.get(URL, {"period": november.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("forged", ["999999", "abc", "１２", "year"])
def test_an_unknown_or_forged_period_falls_back_on_the_current_month(client, admin_user, country, november, forged):
    if forged == "year":  # a period that exists but is not a month
        forged = str(Period.objects.get(kind=Period.Kind.YEAR, year=2026).pk)
    client.force_login(admin_user)
    response = client.get(URL, {"period": forged})
    assert response.status_code == 200
    assert response.context["period"] == november  # today is 20/11/2026 (frozen)
    assert response.context["totals"]["units"] == 11


def test_an_earlier_month_has_its_own_figures(client, admin_user, country, months):
    client.force_login(admin_user)
    response = client.get(URL, {"period": months[10].pk})
    assert response.context["period"] == months[10]
    assert response.context["totals"]["reported"] == 0
    assert response.context["totals"]["units"] == 11
    assert months[10] in response.context["months"]


def test_the_csv_holds_the_table_in_the_pages_order(client, admin_user, country, november):
    client.force_login(admin_user)
    response = client.get(URL, {"period": november.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "thon-tdp-van-hoa-toan-quoc-2026-11.csv" in response["Content-Disposition"]
    # since issue 11 a first column names the programme: the table proper follows it
    table = [line[1:] for line in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    assert table[0][:4] == ["Mã", "Tỉnh, thành phố", "Phường, xã", "Thôn, tổ dân phố"]
    assert len(table[0]) == 13
    assert [line[0] for line in table[1:]] == ["40", "42", "46", "38", "15"]
    hue = next(line for line in table if line[0] == "46")
    expected = _recount(country["hue"], november)
    assert hue[1:9] == [
        "Thành phố Huế",
        str(expected["wards"]),
        str(expected["units"]),
        "2",
        str(expected["reported"]),
        str(expected["on_time"]),
        str(expected["late"]),
        str(expected["not_reported"]),
    ]
    assert hue[11:] == [str(expected["complete"]), "50.0"]
    assert table[-1][-1] == ""  # Lào Cai has no unit: no share


def test_a_ward_that_ended_before_the_month_is_not_counted(client, admin_user, country, november):
    old = WardFactory(city=country["ha_tinh"], kind=Ward.Kind.COMMUNE)
    Ward.objects.filter(pk=old.pk).update(valid_to=november.start - timedelta(days=120))
    client.force_login(admin_user)
    rows = client.get(URL, {"period": november.pk}).context["rows"]
    assert next(r for r in rows if r["city"].code == "42")["wards"] == 1


def test_the_menu_offers_the_overview_to_those_who_read_more_than_one_city(client, admin_user, city_leader, country):
    entry = f'href="{URL}"'
    client.force_login(admin_user)
    assert entry in client.get(reverse("home")).content.decode()
    client.force_login(_leader_of(country["hue"], country["ha_tinh"]))
    assert entry in client.get(reverse("home")).content.decode()
    client.force_login(city_leader)
    assert entry not in client.get(reverse("home")).content.decode()


def _provinces(n: int, period: Period) -> None:
    for i in range(n):
        city = CityFactory(code=f"9{i}", name=f"Tỉnh Thử {i}")
        for _ward in range(2):
            hood = NeighbourhoodFactory(ward=WardFactory(city=city))
            ProfileFactory(neighbourhood=hood, year=2026)
            enter(hood, period, met=i % 2 == 0)


@pytest.mark.parametrize("provinces", [2, 6])
def test_queries_do_not_grow_with_the_provinces(client, admin_user, november, provinces, django_assert_max_num_queries):
    _provinces(provinces, november)
    client.force_login(admin_user)
    with django_assert_max_num_queries(9):  # +1 since issue 11: the programmes
        response = client.get(URL, {"period": november.pk})
    assert len(response.context["rows"]) == provinces
    with django_assert_max_num_queries(9):
        client.get(URL, {"period": november.pk, "format": "csv"})
    leader = _leader_of(*City.objects.all())  # a scope of several cities: the same queries
    client.force_login(leader)
    with django_assert_max_num_queries(9):
        response = client.get(URL, {"period": november.pk})
    assert len(response.context["rows"]) == provinces
