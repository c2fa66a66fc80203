"""Programmes side by side: a unit follows every programme that fits it, with one report per programme.

Two neighbourhood programmes over the same units: the national văn hóa set (NĐ 86/2023) and a small
province set ("kiểu mẫu", only in the test province, only for tổ dân phố). Dates pinned to 20/11/2026.
"""

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from campaigns.criteria.loading import criteria_set_load, criteria_set_load_file
from campaigns.criteria.models import Indicator, Programme
from campaigns.results import excel, figures, rollups, services
from campaigns.results.models import Period, Submission, WardRollup
from campaigns.results.periods import periods_ensure
from tests.factories import CityFactory, NeighbourhoodFactory, WardFactory
from wards.models import Neighbourhood

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=HANOI)
HOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"
KIEU_MAU = {
    "code": "km-test",
    "name": "Tổ dân phố kiểu mẫu (thử)",
    "level": "neighbourhood",
    "document": {"number": "99/2026/QĐ-UBND", "issuer": "UBND tỉnh"},
    "effective_from": "2026-01-01",
    "criteria": [
        {
            "number": "1",
            "name": "Cảnh quan",
            "indicators": [
                {"code": "1.1", "name": "Tuyến đường có cây xanh", "kind": "percent", "threshold": 60},
            ],
        },
        {
            "number": "2",
            "name": "An ninh",
            "indicators": [{"code": "2.1", "name": "Khu dân cư an toàn", "kind": "boolean"}],
        },
    ],
}


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def period(db):
    periods_ensure(2026)
    return Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11)


@pytest.fixture
def van_hoa(db):
    criteria_set, _ = criteria_set_load_file(HOOD_SET)
    programme = Programme.objects.get(criteria_code="thon-tdp-van-hoa")
    Programme.objects.filter(pk=programme.pk).update(order=10)
    programme.refresh_from_db()
    return programme


@pytest.fixture
def kieu_mau(van_hoa, city):
    """The province programme: only tổ dân phố of `city`, listed after văn hóa."""
    criteria_set, _ = criteria_set_load(KIEU_MAU)
    programme = Programme.objects.get(criteria_code="km-test")
    programme.city, programme.order = city, 20
    programme.unit_kinds = [Neighbourhood.Kind.RESIDENTIAL_GROUP]
    programme.save()
    return programme


@pytest.fixture
def street(ward_a):
    """A phố of ward A: not a tổ dân phố, so it follows văn hóa only."""
    return NeighbourhoodFactory(ward=ward_a, name="Phố Lê Lợi", kind=Neighbourhood.Kind.STREET)


def _km_indicators(programme):
    return {i.code: i for i in Indicator.objects.filter(criterion__criteria_set__code=programme.criteria_code)}


def _client(user):
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        c.force_login(user)
    return c


# --- who follows what ------------------------------------------------------------------------------------------


def test_a_unit_follows_every_programme_that_fits_it_the_default_first(kieu_mau, van_hoa, hood_a, street, hood_b):
    hood_a.kind = Neighbourhood.Kind.RESIDENTIAL_GROUP
    hood_a.save()
    assert services.programmes_for(hood_a) == [van_hoa, kieu_mau]
    assert services.programmes_for(street) == [van_hoa]  # another kind
    other = NeighbourhoodFactory(ward=WardFactory(city=CityFactory(code="01")), kind=hood_a.kind)
    assert services.programmes_for(other) == [van_hoa]  # another province


def test_each_programme_has_its_own_report_for_the_same_unit_and_month(kieu_mau, van_hoa, hood_a, period, staff_a):
    first = services.submission_for(hood_a, period)
    second = services.submission_for(hood_a, period, programme=kieu_mau)
    assert first.programme == van_hoa and first.criteria_set.code == "thon-tdp-van-hoa"
    assert second.programme == kieu_mau and second.criteria_set.code == "km-test"
    assert services.submission_for(hood_a, period, programme=kieu_mau) == second  # the same one again
    ind = _km_indicators(kieu_mau)
    services.results_save(
        submission=second,
        user=staff_a,
        values={ind["1.1"].pk: {"value": Decimal(70)}, ind["2.1"].pk: {"value": Decimal(1)}},
        versions={},
    )
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.criteria_met, second.criteria_total, second.is_complete) == (2, 2, True)
    assert (first.criteria_met, first.is_complete) == (0, False)  # the văn hóa report is untouched


# --- the rollups, per programme ---------------------------------------------------------------------------------


def test_rollups_count_each_programme_s_own_units_and_reports(
    kieu_mau, van_hoa, hood_a, street, ward_a, period, staff_a
):
    submission = services.submission_for(hood_a, period, programme=kieu_mau)
    services.submission_submit(submission=submission, user=staff_a)
    for programme in (van_hoa, kieu_mau):
        assert rollups.reporting_by_ward([ward_a], period, programme) == figures.reporting_by_ward(
            [ward_a], period, programme
        )
    assert rollups.reporting_by_ward([ward_a], period, van_hoa)[ward_a.pk]["units"] == 2
    kieu_mau_row = rollups.reporting_by_ward([ward_a], period, kieu_mau)[ward_a.pk]
    assert (kieu_mau_row["units"], kieu_mau_row["reported"]) == (1, 1)  # the phố does not follow it


def test_a_new_unit_counts_in_each_programme_it_follows(kieu_mau, van_hoa, hood_a, ward_a, period):
    before = {p.pk: rollups.reporting_by_ward([ward_a], period, p)[ward_a.pk]["units"] for p in (van_hoa, kieu_mau)}
    NeighbourhoodFactory(ward=ward_a, name="Phố mới", kind=Neighbourhood.Kind.STREET)
    after = {p.pk: rollups.reporting_by_ward([ward_a], period, p)[ward_a.pk]["units"] for p in (van_hoa, kieu_mau)}
    assert after == {van_hoa.pk: before[van_hoa.pk] + 1, kieu_mau.pk: before[kieu_mau.pk]}


def test_narrowing_a_programme_recounts_its_units(kieu_mau, hood_a, street, ward_a, period):
    assert rollups.reporting_by_ward([ward_a], period, kieu_mau)[ward_a.pk]["units"] == 1
    kieu_mau.unit_kinds = []
    kieu_mau.save()
    assert rollups.reporting_by_ward([ward_a], period, kieu_mau)[ward_a.pk]["units"] == 2
    kieu_mau.city = CityFactory(code="01")
    kieu_mau.save()
    assert ward_a.pk not in rollups.reporting_by_ward([ward_a], period, kieu_mau)


def test_a_new_year_of_periods_counts_per_programme(kieu_mau, van_hoa, hood_a, street, ward_a):
    periods_ensure(2027)
    january = Period.objects.get(kind=Period.Kind.MONTH, year=2027, number=1)
    counted = dict(
        WardRollup.objects.filter(period=january, ward=ward_a).values_list("programme_id", "units").order_by()
    )
    assert counted == {van_hoa.pk: 2, kieu_mau.pk: 1}


# --- the pages ---------------------------------------------------------------------------------------------------


def entry_url(period, hood, programme=None):
    url = reverse("campaigns:entry-neighbourhood", args=[period.pk, hood.pk])
    return f"{url}?programme={programme.code}" if programme else url


def test_the_entry_page_switches_programme_and_saves_in_the_one_shown(kieu_mau, van_hoa, hood_a, period, staff_a):
    client = _client(staff_a)
    page = client.get(entry_url(period, hood_a)).content.decode()
    assert "Tổ dân phố kiểu mẫu (thử)" in page and 'aria-current="page"' in page
    assert "Thôn, tổ dân phố văn hóa" in page
    ind = _km_indicators(kieu_mau)
    response = client.post(entry_url(period, hood_a, kieu_mau), {f"v_{ind['1.1'].pk}": "75", f"v_{ind['2.1'].pk}": "1"})
    assert response.status_code == 302 and response["Location"] == entry_url(period, hood_a, kieu_mau)
    saved = Submission.objects.get(neighbourhood=hood_a, period=period, programme=kieu_mau)
    assert saved.is_complete
    assert not Submission.objects.filter(neighbourhood=hood_a, period=period, programme=van_hoa).exists()


def test_an_unknown_programme_is_not_found(kieu_mau, hood_a, period, staff_a):
    assert _client(staff_a).get(f"{entry_url(period, hood_a)}?programme=no-such").status_code == 404


def test_a_programme_the_unit_does_not_follow_is_not_found(kieu_mau, street, period, staff_a):
    assert _client(staff_a).get(entry_url(period, street, kieu_mau)).status_code == 404


def test_another_ward_s_unit_in_a_programme_is_not_found(kieu_mau, hood_b, period, staff_a):
    assert _client(staff_a).get(entry_url(period, hood_b, kieu_mau)).status_code == 404


def test_a_read_only_user_cannot_save_in_a_programme(kieu_mau, hood_a, period, city_leader):
    ind = _km_indicators(kieu_mau)
    response = _client(city_leader).post(entry_url(period, hood_a, kieu_mau), {f"v_{ind['1.1'].pk}": "75"})
    assert response.status_code == 403
    assert not Submission.objects.filter(programme=kieu_mau).exists()


def test_anonymous_users_are_sent_to_log_in(kieu_mau, hood_a, period):
    response = _client(None).get(entry_url(period, hood_a, kieu_mau))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_grid_shows_one_programme_s_units_and_criteria(kieu_mau, van_hoa, hood_a, street, ward_a, period, staff_a):
    url = reverse("campaigns:owed", args=[ward_a.code, period.pk])
    van_hoa_page = _client(staff_a).get(url).content.decode()
    assert street.name in van_hoa_page and hood_a.name in van_hoa_page
    kieu_mau_page = _client(staff_a).get(f"{url}?programme={kieu_mau.code}").content.decode()
    assert hood_a.name in kieu_mau_page and street.name not in kieu_mau_page
    assert f"?programme={kieu_mau.code}" in kieu_mau_page  # the unit's link keeps the programme


def test_the_grid_of_another_ward_is_not_found_in_any_programme(kieu_mau, ward_b, period, staff_a):
    url = reverse("campaigns:owed", args=[ward_b.code, period.pk])
    assert _client(staff_a).get(f"{url}?programme={kieu_mau.code}").status_code == 404


def test_the_unit_page_shows_each_programme_it_follows(kieu_mau, van_hoa, hood_a, period, staff_a):
    services.submission_for(hood_a, period, programme=kieu_mau)
    page = _client(staff_a).get(reverse("wards:neighbourhood-detail", args=[hood_a.pk])).content.decode()
    assert page.count('data-testid="programme-gaps"') == 2
    assert f'data-programme="{kieu_mau.code}"' in page and f'data-programme="{van_hoa.code}"' in page


# --- Excel, per programme ---------------------------------------------------------------------------------------


def _fill(content: bytes, values: dict[tuple[int, str], object]) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    sheet = book["Kết quả"]
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[2].value)
        if key in values:
            row[5].value = values[key]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_excel_template_of_a_programme_holds_its_units_and_indicators(kieu_mau, hood_a, street, ward_a, period):
    from openpyxl import load_workbook

    content = excel.template_build(ward=ward_a, period=period, programme=kieu_mau)
    rows = list(load_workbook(io.BytesIO(content))["Kết quả"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {hood_a.pk}  # the phố does not follow it
    assert {r[2] for r in rows} == {"1.1", "2.1"}


def test_an_excel_file_saves_into_its_programme_only(kieu_mau, van_hoa, hood_a, ward_a, period, staff_a):
    content = excel.template_build(ward=ward_a, period=period, programme=kieu_mau)
    filled = _fill(content, {(hood_a.pk, "1.1"): 80, (hood_a.pk, "2.1"): "Có"})
    result = excel.upload_apply(
        user=staff_a, ward=ward_a, period=period, filename="km.xlsx", content=filled, programme=kieu_mau
    )
    assert result.ok and result.saved == 2
    assert Submission.objects.get(neighbourhood=hood_a, period=period, programme=kieu_mau).is_complete
    assert not Submission.objects.filter(neighbourhood=hood_a, period=period, programme=van_hoa).exists()


def test_a_file_of_another_programme_is_refused_saying_where_it_belongs(
    kieu_mau, van_hoa, hood_a, ward_a, period, staff_a
):
    content = excel.template_build(ward=ward_a, period=period, programme=van_hoa)
    result = excel.upload_check(
        user=staff_a, ward=ward_a, period=period, filename="vh.xlsx", content=content, programme=kieu_mau
    )
    assert not result.ok
    assert any("Thôn, tổ dân phố văn hóa" in e.message for e in result.errors)


def test_the_excel_pages_of_another_ward_are_not_found_in_a_programme(kieu_mau, ward_b, period, staff_a):
    for name in ("campaigns:excel-template", "campaigns:excel-upload"):
        url = reverse(name, args=[ward_b.code, period.pk])
        assert _client(staff_a).get(f"{url}?programme={kieu_mau.code}").status_code == 404
