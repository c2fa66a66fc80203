"""Issue 11: the dashboards show one programme at a time, chosen with ?programme= among those run where they look.

Two neighbourhood programmes over the same units: the national văn hóa set (NĐ 86/2023, the default: listed
first) and a small province set ("kiểu mẫu", run in the test city only), with different results:

    văn hóa   hood_a met · hood_a2 not reported · hood_b reported, not meeting   → 3 units, 2 reported, 1 complete
    kiểu mẫu  hood_a met · hood_a2 met          · hood_b not reported            → 3 units, 2 reported, 2 complete

Dates pinned to 20/11/2026 (tests/reports/conftest.py: frozen_today).
"""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from campaigns.criteria.loading import criteria_set_load, criteria_set_load_file
from campaigns.criteria.models import Criterion, Indicator, Programme
from campaigns.results import rollups, services
from campaigns.results.models import Submission
from tests.factories import (
    CityFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    ProfileFactory,
    UserFactory,
    WardFactory,
)
from tests.reports.conftest import NEIGHBOURHOOD_SET, enter, enter_ward, grow
from wards.models import Ward

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
WARD_SET = NEIGHBOURHOOD_SET.parent / "qd-04-2022-do-thi-van-minh.yaml"
DASHBOARD = "reports:dashboard"
KIEU_MAU = {
    "code": "km-dash",
    "name": "Phố, thôn kiểu mẫu (thử)",
    "level": "neighbourhood",
    "document": {"number": "98/2026/QĐ-UBND", "issuer": "UBND tỉnh"},
    "effective_from": "2026-01-01",
    "criteria": [
        {
            "number": "1",
            "name": "Cảnh quan xanh",
            "indicators": [{"code": "1.1", "name": "Tuyến đường có cây xanh", "kind": "percent", "threshold": 60}],
        },
        {
            "number": "2",
            "name": "An ninh trật tự",
            "indicators": [{"code": "2.1", "name": "Khu dân cư an toàn", "kind": "boolean"}],
        },
    ],
}


@pytest.fixture
def van_hoa(criteria_set):
    programme = Programme.objects.get(criteria_code=criteria_set.code)
    Programme.objects.filter(pk=programme.pk).update(order=10)
    programme.refresh_from_db()
    return programme


@pytest.fixture
def kieu_mau(van_hoa, city, months):
    criteria_set_load(KIEU_MAU)
    programme = Programme.objects.get(criteria_code=KIEU_MAU["code"])
    programme.city, programme.order = city, 20
    programme.save()  # the rollups count its units again
    return programme


def km_report(hood, period, programme, user, *, met: bool, send: bool = True) -> Submission:
    """A kiểu mẫu report: both criteria met, or criterion 1 not (10 % of roads with trees)."""
    submission = services.submission_for(hood, period, programme=programme)
    indicators = {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=submission.criteria_set)}
    services.results_save(
        submission=submission,
        user=user,
        values={
            indicators["1.1"].pk: {"value": Decimal(90 if met else 10)},
            indicators["2.1"].pk: {"value": Decimal(1)},
        },
        versions={},
    )
    if send:
        services.submission_submit(submission=submission, user=user)
    return submission


@pytest.fixture
def scene(city, ward_a, ward_b, hood_a, hood_b, months, van_hoa, kieu_mau, staff_a, staff_b):
    nov = months[11]
    hood_a2 = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Đình Hương 2")
    ProfileFactory(neighbourhood=hood_a2, year=2026)
    enter(hood_a, nov, met=True)
    enter(hood_b, nov, met=False)
    km_report(hood_a, nov, kieu_mau, staff_a, met=True)
    km_report(hood_a2, nov, kieu_mau, staff_a, met=True)
    return {"nov": nov, "hood_a2": hood_a2}


def _get(client, user, name=DASHBOARD, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def _totals(response) -> tuple:
    t = response.context["totals"]
    return t["units"], t["reported"], t["complete"]


# --- the city dashboard -----------------------------------------------------------------------------------------


def test_the_city_dashboard_shows_each_programmes_own_figures_and_never_adds_them_up(
    client, city_leader, scene, van_hoa, kieu_mau
):
    nov = scene["nov"]
    default = _get(client, city_leader, period=nov.pk)
    assert default.context["programme"] == van_hoa
    assert _totals(default) == (3, 2, 1)  # 3 units, not 6: each unit once in the programme shown
    assert [s["number"] for s in default.context["shares"]] == ["I", "II", "III"]
    chosen = _get(client, city_leader, period=nov.pk, programme=kieu_mau.code)
    assert chosen.context["programme"] == kieu_mau and chosen.context["criteria_set"].code == "km-dash"
    assert _totals(chosen) == (3, 2, 2)
    assert {s["number"]: (s["met"], s["assessed"]) for s in chosen.context["shares"]} == {"1": (2, 2), "2": (2, 2)}
    rows = {r["ward"].code: (r["units"], r["reported"], r["complete"]) for r in chosen.context["page"]}
    assert rows == {"14797": (2, 2, 2), "16417": (1, 0, 0)}


def test_the_headline_names_the_programme_and_the_switch_marks_the_one_shown(
    client, city_leader, scene, van_hoa, kieu_mau
):
    nov = scene["nov"]
    html = _get(client, city_leader, period=nov.pk, programme=kieu_mau.code).content.decode()
    title = html[html.index('data-testid="page-title"') :]
    assert title[: title.index("</h1>")].endswith(f"{kieu_mau.name} · {nov.label}")
    switch = html[html.index('data-testid="programme-switch"') :]
    switch = switch[: switch.index("</nav>")]
    assert van_hoa.name in switch and kieu_mau.name in switch
    assert switch.count('aria-current="page"') == 1
    active = switch[: switch.index('aria-current="page"')]
    assert "programme=km-dash" in active[active.rindex("href=") :]
    assert "tap-target" in switch and f"period={nov.pk}" in switch  # the month is kept


def test_a_single_programme_shows_no_switch(client, city_leader, hood_a, months, van_hoa):
    enter(hood_a, months[11], met=True)
    html = _get(client, city_leader, period=months[11].pk).content.decode()
    assert 'data-testid="programme-switch"' not in html
    assert f"{van_hoa.name} · {months[11].label}" in html


def test_the_tables_links_and_form_keep_the_programme(client, city_leader, scene, kieu_mau):
    nov = scene["nov"]
    client.force_login(city_leader)
    # an htmx sort of the table: the fragment alone, in the programme asked for
    fragment = client.get(
        reverse(DASHBOARD),
        {"period": nov.pk, "programme": kieu_mau.code, "sort": "name"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="ward-table",
    )
    html = fragment.content.decode()
    assert fragment.templates[0].name == "reports/_ward_table.html"
    assert [c.number for c in fragment.context["criteria"]] == ["1", "2"]
    assert ("programme", "km-dash") in fragment.context["kept_params"]
    assert html.count("programme=km-dash") >= 8  # every sort link, its hx-get, the CSV and the drill-downs
    # the default programme is named in the links too, so that a shared address keeps it
    default = client.get(reverse(DASHBOARD), {"period": nov.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ward-table")
    assert "programme=thon-tdp-van-hoa" in default.content.decode()


def test_the_csv_carries_the_programme(client, city_leader, scene, kieu_mau):
    nov = scene["nov"]
    client.force_login(city_leader)
    for table in ("wards", "criteria", "trend"):
        response = client.get(
            reverse(DASHBOARD), {"period": nov.pk, "programme": kieu_mau.code, "format": "csv", "table": table}
        )
        assert 'filename="km-dash-' in response["Content-Disposition"]
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert all(line[0] == kieu_mau.name for line in lines[1:]) and len(lines) > 1
    wards = client.get(
        reverse(DASHBOARD), {"period": nov.pk, "programme": kieu_mau.code, "format": "csv", "table": "wards"}
    ).content.decode("utf-8-sig")
    assert f"{kieu_mau.name},14797,Phường Hạc Thành,2,2," in wards.replace('"', "")


# --- scope: the switch widens nothing ----------------------------------------------------------------------------


def test_an_unknown_programme_is_not_found_on_every_page(client, city_leader, staff_a, ward_a, scene, criteria_set):
    nov = scene["nov"]
    criterion = criteria_set.criteria.get(number="II")
    pages = [
        (city_leader, DASHBOARD, ()),
        (city_leader, "reports:national", ()),
        (city_leader, "reports:ward-dashboard", (ward_a.code,)),
        (city_leader, "reports:criterion-units", (criterion.pk,)),
        (staff_a, "home", ()),
        (staff_a, "wards:ward-detail", (ward_a.code,)),
    ]
    for user, name, args in pages:
        assert _get(client, user, name, *args, period=nov.pk, programme="no-such").status_code == 404, name


def test_a_programme_of_another_province_is_not_offered_and_is_not_found(
    client, city_leader, admin_user, scene, kieu_mau, ward_a, city
):
    other_city = CityFactory(code="40", name="Tỉnh Nghệ An")
    WardFactory(city=other_city, code="16600", name="Phường Vinh Phú")
    elsewhere = Programme.objects.create(
        code="km-nghe-an", name="Khối xóm kiểu mẫu", title="Khối xóm kiểu mẫu", level="neighbourhood",
        criteria_code="km-dash", city=other_city, order=30,
    )  # fmt: skip
    nov = scene["nov"]
    page = _get(client, city_leader, period=nov.pk)
    assert elsewhere not in page.context["programmes"] and kieu_mau in page.context["programmes"]
    for name, args in [(DASHBOARD, ()), ("reports:ward-dashboard", (ward_a.code,)), ("reports:national", ())]:
        assert _get(client, city_leader, name, *args, programme=elsewhere.code).status_code == 404, name
    # an administrator reads both provinces, but the dashboard of this city does not run Nghệ An's programme
    assert _get(client, admin_user, city=city.code, programme=elsewhere.code).status_code == 404
    assert _get(client, admin_user, city=other_city.code, programme=elsewhere.code).status_code == 200
    assert _get(client, admin_user, city=other_city.code, programme=kieu_mau.code).status_code == 404


def test_ward_users_keep_their_scope_whatever_the_programme(client, staff_a, scene, ward_a, ward_b, kieu_mau):
    nov = scene["nov"]
    response = _get(client, staff_a, period=nov.pk, programme=kieu_mau.code)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('reports:ward-dashboard', args=[ward_a.code])}?period={nov.pk}&programme=km-dash"
    )
    assert _get(client, staff_a, "reports:ward-dashboard", ward_b.code, programme=kieu_mau.code).status_code == 404
    assert _get(client, staff_a, "reports:national", programme=kieu_mau.code).status_code == 403
    client.logout()
    assert client.get(reverse(DASHBOARD), {"programme": kieu_mau.code}).status_code == 302  # to the login


# --- the ward dashboard, the national overview, the drill-down, the home page -----------------------------------


def test_the_ward_dashboard_shows_one_programme_at_a_time(client, leader_a, scene, ward_a, van_hoa, kieu_mau):
    nov = scene["nov"]
    default = _get(client, leader_a, "reports:ward-dashboard", ward_a.code, period=nov.pk)
    figures_of = default.context["figures"]
    assert default.context["programme"] == van_hoa
    assert (figures_of["units"], figures_of["reported"], figures_of["complete"]) == (2, 1, 1)
    chosen = _get(client, leader_a, "reports:ward-dashboard", ward_a.code, period=nov.pk, programme=kieu_mau.code)
    figures_of = chosen.context["figures"]
    assert (figures_of["units"], figures_of["reported"], figures_of["complete"]) == (2, 2, 2)
    assert [c.number for c in chosen.context["criteria"]] == ["1", "2"]
    assert [[cell for cell in r["cells"]] for r in chosen.context["rows"]] == [[True, True], [True, True]]
    assert [r["hood"].criteria_total for r in chosen.context["rows"]] == [2, 2]
    html = chosen.content.decode()
    assert 'data-testid="programme-switch"' in html and f"{kieu_mau.name} · {nov.label}" in html
    csv_response = client.get(
        reverse("reports:ward-dashboard", args=[ward_a.code]),
        {"period": nov.pk, "programme": kieu_mau.code, "format": "csv"},
    )
    assert 'filename="km-dash-14797-2026-11.csv"' in csv_response["Content-Disposition"]


def test_the_ward_page_lists_its_neighbourhoods_closest_to_the_standard_in_the_programme_chosen(
    client, staff_a, scene, ward_a, hood_a, van_hoa, kieu_mau
):
    hood_a2 = scene["hood_a2"]  # nothing sent in văn hóa, both criteria met in kiểu mẫu
    default = _get(client, staff_a, "wards:ward-detail", ward_a.code)
    assert default.context["programme"] == van_hoa
    assert [(h.pk, h.criteria_total) for h in default.context["closeness"]] == [(hood_a.pk, 3), (hood_a2.pk, None)]
    chosen = _get(client, staff_a, "wards:ward-detail", ward_a.code, programme=kieu_mau.code)
    rows = [(h.pk, h.criteria_met, h.criteria_total) for h in chosen.context["closeness"]]
    assert sorted(rows) == sorted([(hood_a.pk, 2, 2), (hood_a2.pk, 2, 2)])
    html = chosen.content.decode()
    assert 'data-testid="programme-switch"' in html and f'aria-current="page">{kieu_mau.name}' in html


def test_the_national_overview_shows_one_programme_and_a_provincial_one_in_its_province_only(
    client, admin_user, scene, city, van_hoa, kieu_mau
):
    other_city = CityFactory(code="40", name="Tỉnh Nghệ An")
    other = NeighbourhoodFactory(ward=WardFactory(city=other_city, code="16600", name="Phường Vinh Phú"))
    ProfileFactory(neighbourhood=other, year=2026)
    nov = scene["nov"]
    enter(other, nov, met=True)
    default = _get(client, admin_user, "reports:national", period=nov.pk)
    assert default.context["programme"] == van_hoa
    assert {r["city"].code: (r["units"], r["reported"], r["complete"]) for r in default.context["rows"]} == {
        city.code: (3, 2, 1),
        "40": (1, 1, 1),
    }
    chosen = _get(client, admin_user, "reports:national", period=nov.pk, programme=kieu_mau.code)
    assert [(r["city"], r["units"], r["reported"], r["complete"]) for r in chosen.context["rows"]] == [(city, 3, 2, 2)]
    html = chosen.content.decode()
    assert f"{kieu_mau.name} · {nov.label}" in html
    assert f"period={nov.pk}&amp;programme=km-dash" in html  # each province opens its dashboard in it


def test_the_drill_down_lists_the_units_of_the_programme_shown(client, city_leader, scene, kieu_mau, criteria_set):
    nov = scene["nov"]
    km_criterion = Criterion.objects.get(criteria_set__code="km-dash", number="1")
    response = _get(client, city_leader, "reports:criterion-units", km_criterion.pk, period=nov.pk)
    assert response.context["programme"] == kieu_mau and response.context["programmes"] == [kieu_mau]
    assert {o.submission.neighbourhood.name for o in response.context["page"]} == {
        "Tổ dân phố Đình Hương 1",
        "Tổ dân phố Đình Hương 2",
    }
    # a criterion of văn hóa is not on kiểu mẫu's track
    van_hoa_ii = criteria_set.criteria.get(number="II")
    url = reverse("reports:criterion-units", args=[van_hoa_ii.pk])
    assert client.get(url, {"period": nov.pk, "programme": kieu_mau.code}).status_code == 404
    units = client.get(url, {"period": nov.pk}).context["page"]
    assert {o.submission.programme.code for o in units} == {"thon-tdp-van-hoa"}


def test_the_home_page_says_what_is_owed_in_the_programme_shown(client, staff_a, scene, kieu_mau):
    default = _get(client, staff_a, "home")
    [ward] = default.context["wards"]
    november = next(o for o in ward.owed if o["due"].period == scene["nov"])
    assert (november["units"], november["owing"]) == (2, 1)  # văn hóa: Đình Hương 2 owes it
    assert [h.name for h in november["hoods"]] == ["Tổ dân phố Đình Hương 2"]
    chosen = _get(client, staff_a, "home", programme=kieu_mau.code)
    [ward] = chosen.context["wards"]
    november = next(o for o in ward.owed if o["due"].period == scene["nov"])
    assert (november["units"], november["owing"]) == (2, 0)  # kiểu mẫu: both reported
    html = chosen.content.decode()
    assert 'data-testid="home-programmes"' in html and "?programme=km-dash" in html


# --- a ward-level programme ---------------------------------------------------------------------------------------


def _ward_report(ward, period, *, failing=("2", "4")) -> Submission:
    programme = Programme.objects.get(criteria_code="do-thi-van-minh")
    submission = enter_ward(ward, period, failing=failing, programme=programme)
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.SUBMITTED, submitted_at=datetime(2026, 12, 1, 9, tzinfo=HCM)
    )
    rollups.rollups_refresh(period, wards=[ward.pk])
    return submission


def test_a_ward_level_programme_lists_the_wards_following_it_with_their_own_reports(
    client, city_leader, city, scene, ward_a, ward_b
):
    criteria_set_load_file(WARD_SET)
    WardFactory(city=city, code="16500", name="Xã Quảng Tâm", kind=Ward.Kind.COMMUNE)  # a xã: not in this set
    nov = scene["nov"]
    _ward_report(ward_a, nov)
    page = _get(client, city_leader, period=nov.pk, programme="do-thi-van-minh")
    assert page.status_code == 200 and page.context["ward_level"]
    assert [p.level for p in page.context["programmes"]] == ["neighbourhood", "neighbourhood", "ward"]
    rows = list(page.context["page"])
    assert [r["ward"].code for r in rows] == ["16417", "14797"]  # Đông Quang, Hạc Thành (by name); not the xã
    second, first = rows
    assert (first["status"], first["reported"], first["complete"], first["approved"]) == ("on_time", True, False, False)
    assert {"2", "4"} <= set(first["missing"]) and first["met"] < first["total"]
    assert (second["status"], second["met"], second["missing"]) == ("none", None, [])
    totals = page.context["ward_totals"]
    assert (totals["wards"], totals["reported"], totals["complete"], totals["not_reported"]) == (2, 1, 0, 1)
    html = page.content.decode()
    table = html[html.index('data-testid="ward-programme-table"') :]
    assert "Phường Hạc Thành" in table and "2, 4" in table and "Xã Quảng Tâm" not in table
    assert "phường, xã tham gia chương trình" in html and "Chưa nhập" in table  # in Vietnamese, statuses too
    exported = client.get(
        reverse(DASHBOARD), {"period": nov.pk, "programme": "do-thi-van-minh", "format": "csv", "table": "wards"}
    )
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [line[1] for line in lines[1:]] == ["16417", "14797"] and 'filename="do-thi-van-minh-' in exported[
        "Content-Disposition"
    ]


# --- queries do not grow with the units --------------------------------------------------------------------------


def _second_programme_everywhere(city, kieu_mau, admin_user, period):
    for ward in Ward.objects.filter(city=city):
        for i, hood in enumerate(ward.neighbourhoods.order_by("pk")):
            km_report(hood, period, kieu_mau, admin_user, met=i % 2 == 0)


@pytest.mark.parametrize("size", [3, 24])
def test_the_pages_make_a_fixed_number_of_queries_with_two_programmes(
    client, city_leader, admin_user, city, months, kieu_mau, size, django_assert_max_num_queries
):
    nov = months[11]
    made = grow(city, size, 2, nov)
    _second_programme_everywhere(city, kieu_mau, admin_user, nov)
    criteria_set_load_file(WARD_SET)
    client.force_login(city_leader)
    # the city dashboard: 12 as before issue 11 (+1 for the programmes, -1 for the wards' own reports, which
    # are the ward-level programme's tab), whichever programme is shown
    for programme in ("thon-tdp-van-hoa", kieu_mau.code):
        with django_assert_max_num_queries(12):
            response = client.get(reverse(DASHBOARD), {"period": nov.pk, "programme": programme})
        assert response.context["totals"]["units"] == 2 * size
    with django_assert_max_num_queries(12):
        response = client.get(reverse(DASHBOARD), {"period": nov.pk, "programme": "do-thi-van-minh"})
    assert response.context["ward_totals"]["wards"] == 0  # grow() makes xã: the set is for phường
    with django_assert_max_num_queries(9):  # the national overview: 8 before issue 11
        response = client.get(reverse("reports:national"), {"period": nov.pk, "programme": kieu_mau.code})
    assert response.context["totals"]["units"] == 2 * size
    # the ward dashboard had no bound before; the programmes cost one query of these 21
    with django_assert_max_num_queries(21):
        response = client.get(
            reverse("reports:ward-dashboard", args=[made[0].code]), {"period": nov.pk, "programme": kieu_mau.code}
        )
    assert response.context["figures"]["units"] == 2


@pytest.mark.parametrize("wards", [2, 20])
def test_the_ward_level_table_makes_a_fixed_number_of_queries(
    client, city_leader, city, months, van_hoa, wards, django_assert_max_num_queries
):
    criteria_set_load_file(WARD_SET)
    nov = months[11]
    for i in range(wards):
        ward = WardFactory(city=city, kind=Ward.Kind.WARD)
        if i % 2:
            _ward_report(ward, nov)
    client.force_login(city_leader)
    with django_assert_max_num_queries(11):
        response = client.get(reverse(DASHBOARD), {"period": nov.pk, "programme": "do-thi-van-minh"})
    assert response.context["ward_totals"]["wards"] == wards
    assert response.context["ward_totals"]["reported"] == wards // 2


def test_a_member_of_two_wards_may_switch_too(client, ward_a, ward_b, scene, kieu_mau):
    """A staff member of two wards (no city view) reads the city dashboard of those wards in either programme."""
    user = UserFactory(username="hai_phuong")
    MembershipFactory(user=user, role="ward_staff", ward=ward_a)
    MembershipFactory(user=user, role="ward_staff", ward=ward_b)
    response = _get(client, user, period=scene["nov"].pk, programme=kieu_mau.code)
    assert response.status_code == 200 and _totals(response) == (3, 2, 2)
