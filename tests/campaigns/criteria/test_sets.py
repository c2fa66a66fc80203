"""Criteria set pages: who reads them, new versions, and threshold changes only where no result exists."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.loading import criteria_set_load, criteria_set_load_file
from campaigns.criteria.models import CriteriaSet, Indicator, Level
from campaigns.results.models import Period, Result, Submission
from campaigns.results.periods import periods_ensure
from portal.models import HistoryEntry
from wards.models import Ward

CRITERIA = Path(settings.BASE_DIR) / "campaigns" / "criteria" / "sets"


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def hood_set(db):
    """The shipped neighbourhood set (NĐ 86/2023): example thresholds, a zone threshold."""
    criteria_set, _outcome = criteria_set_load_file(CRITERIA / "nd-86-2023-thon-tdp-van-hoa.yaml")
    return criteria_set


@pytest.fixture
def with_results(hood_set, ward_a, hood_a):
    """A submission of hood_a against the set, with one result."""
    periods_ensure(2026)
    period = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=3)
    submission = Submission.objects.create(criteria_set=hood_set, period=period, ward=ward_a, neighbourhood=hood_a)
    indicator = Indicator.objects.filter(criterion__criteria_set=hood_set, kind=IndicatorKind.PERCENT).first()
    Result.objects.create(submission=submission, indicator=indicator, value=Decimal("95"), is_met=True)
    return submission


def _percent(criteria_set) -> Indicator:
    """I.1, a percentage ≥ 90 marked as an example."""
    return Indicator.objects.get(criterion__criteria_set=criteria_set, code="I.1")


def _snapshot(indicator: Indicator) -> tuple:
    indicator.refresh_from_db()
    return indicator.threshold, indicator.zone_thresholds, indicator.threshold_is_example


# --- reading ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_a", "city_leader", "admin_user"])
def test_list_and_detail_open_for_everyone_with_a_scope(client, request, hood_set, with_results, who):
    client.force_login(request.getfixturevalue(who))
    listing = client.get(reverse("campaigns:set-list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert hood_set.name in html and "86/2023/NĐ-CP" in html
    assert "30/01/2024" in html  # in force from, dd/mm/yyyy
    detail = client.get(reverse("campaigns:set-detail", args=[hood_set.pk]))
    assert detail.status_code == 200
    assert "I.1" in detail.content.decode()
    assert detail.context["has_results"] is True


def test_detail_shows_thresholds_zones_and_example_badges(client, staff_a, hood_set):
    _english(client).force_login(staff_a)
    html = client.get(reverse("campaigns:set-detail", args=[hood_set.pk])).content.decode()
    assert "example threshold" in html
    assert "Mountainous: ≤ 5" in html  # I.2, the poor-household rate, in mountain zones
    assert "≥ 90" in html
    assert "07/12/2023" in html  # decision date
    assert reverse("campaigns:indicator-edit", args=[_percent(hood_set).pk]) not in html  # staff: no edit links


def test_people_without_a_scope_are_refused(client, no_role_user, hood_set):
    client.force_login(no_role_user)
    assert client.get(reverse("campaigns:set-list")).status_code == 403
    assert client.get(reverse("campaigns:set-detail", args=[hood_set.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, hood_set):
    login = reverse("login")
    indicator = _percent(hood_set)
    for response in (
        client.get(reverse("campaigns:set-list")),
        client.get(reverse("campaigns:set-detail", args=[hood_set.pk])),
        client.post(reverse("campaigns:set-new-version", args=[hood_set.pk]), {"effective_from": "01/07/2026"}),
        client.get(reverse("campaigns:indicator-edit", args=[indicator.pk])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(login)
    assert CriteriaSet.objects.count() == 1


def test_unknown_set_is_404(client, staff_a, db):
    client.force_login(staff_a)
    assert client.get(reverse("campaigns:set-detail", args=[999999])).status_code == 404


# --- new version ------------------------------------------------------------------


def test_admin_makes_a_new_version_and_results_stay_on_the_old_one(client, admin_user, hood_set, with_results):
    _english(client).force_login(admin_user)
    old_result = with_results.results.get()
    response = client.post(
        reverse("campaigns:set-new-version", args=[hood_set.pk]), {"effective_from": "01/07/2026"}, follow=True
    )
    v2 = CriteriaSet.objects.get(code=hood_set.code, version=2)
    assert response.redirect_chain[-1][0] == reverse("campaigns:set-detail", args=[v2.pk])
    assert "Version 2 created, in force from 01/07/2026" in response.content.decode()

    hood_set.refresh_from_db()
    assert hood_set.effective_to == date(2026, 7, 1)
    assert v2.effective_from == date(2026, 7, 1) and v2.effective_to is None
    assert v2.replaces == hood_set and v2.level == Level.NEIGHBOURHOOD and v2.unit_kinds == hood_set.unit_kinds

    def shape(criteria_set):
        return [
            (
                c.number,
                c.name,
                c.rule,
                c.k,
                [
                    (
                        i.code,
                        i.name,
                        i.kind,
                        i.comparator,
                        i.threshold,
                        i.zone_thresholds,
                        i.threshold_is_example,
                        i.frequency,
                        i.source,
                    )
                    for i in c.indicators.all()
                ],
            )
            for c in criteria_set.criteria.prefetch_related("indicators")
        ]

    assert shape(v2) == shape(hood_set)
    assert not set(Indicator.objects.filter(criterion__criteria_set=v2).values_list("pk", flat=True)) & set(
        Indicator.objects.filter(criterion__criteria_set=hood_set).values_list("pk", flat=True)
    )

    with_results.refresh_from_db()
    old_result.refresh_from_db()
    assert with_results.criteria_set == hood_set
    assert old_result.indicator.criterion.criteria_set == hood_set
    assert not v2.has_results
    entry = HistoryEntry.objects.for_object(v2).get()
    assert entry.action == "new_version" and entry.user == admin_user


@pytest.mark.parametrize("typed", ["2026-07-01", "31/02/2026", "", "01/01/2020"])
def test_a_new_version_needs_a_dd_mm_yyyy_date_after_the_current_one(client, admin_user, hood_set, typed):
    client.force_login(admin_user)
    response = client.post(reverse("campaigns:set-new-version", args=[hood_set.pk]), {"effective_from": typed})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert CriteriaSet.objects.count() == 1
    hood_set.refresh_from_db()
    assert hood_set.effective_to is None


def test_only_the_latest_version_is_copied(client, admin_user, hood_set):
    client.force_login(admin_user)
    url = reverse("campaigns:set-new-version", args=[hood_set.pk])
    assert client.post(url, {"effective_from": "01/07/2026"}).status_code == 302
    response = client.post(url, {"effective_from": "01/09/2026"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert CriteriaSet.objects.count() == 2


def test_new_version_is_post_only(client, admin_user, hood_set):
    client.force_login(admin_user)
    assert client.get(reverse("campaigns:set-new-version", args=[hood_set.pk])).status_code == 405


# --- who may change ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_a", "leader_a", "city_leader"])
def test_others_than_administrators_get_403(client, request, hood_set, who):
    client.force_login(request.getfixturevalue(who))
    indicator = _percent(hood_set)
    before = _snapshot(indicator)
    assert (
        client.post(
            reverse("campaigns:set-new-version", args=[hood_set.pk]), {"effective_from": "01/07/2026"}
        ).status_code
        == 403
    )
    edit = reverse("campaigns:indicator-edit", args=[indicator.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"threshold": "50"}).status_code == 403
    assert CriteriaSet.objects.count() == 1
    assert _snapshot(indicator) == before
    assert not HistoryEntry.objects.exists()


# --- thresholds ---------------------------------------------------------------------


def test_a_set_with_results_cannot_be_edited(client, admin_user, hood_set, with_results):
    _english(client).force_login(admin_user)
    indicator = _percent(hood_set)
    before = _snapshot(indicator)
    edit = reverse("campaigns:indicator-edit", args=[indicator.pk])
    response = client.post(edit, {"threshold": "50", "zone_mien_nui": "40", "reason": "QĐ 12/2026"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0][0] == reverse("campaigns:set-detail", args=[hood_set.pk]) + "#new-version"
    assert "already has results" in html and "Make a new version first" in html
    assert _snapshot(indicator) == before
    assert not HistoryEntry.objects.exists()
    # Opening the form says the same.
    response = client.get(edit, follow=True)
    assert "Make a new version first" in response.content.decode()
    # The page offers no edit link on such a set.
    assert edit not in client.get(reverse("campaigns:set-detail", args=[hood_set.pk])).content.decode()


def test_a_set_without_results_is_edited_with_its_history(client, admin_user, hood_set):
    client.force_login(admin_user)  # Vietnamese: 70,5 is seventy and a half
    indicator = _percent(hood_set)
    edit = reverse("campaigns:indicator-edit", args=[indicator.pk])
    page = client.get(edit)
    assert page.status_code == 200
    assert page.context["form"]["threshold"].value() == "90"
    response = client.post(
        edit, {"threshold": "85", "zone_mien_nui": "70,5", "zone_ven_bien": "", "reason": "Quyết định 12/2026/QĐ-UBND"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:set-detail", args=[hood_set.pk])
    assert _snapshot(indicator) == (Decimal("85"), {Ward.Zone.MOUNTAINOUS: "70.5"}, False)
    assert indicator.threshold_for(Ward.Zone.MOUNTAINOUS) == Decimal("70.5")
    assert indicator.is_met(Decimal("71"), Ward.Zone.MOUNTAINOUS) is True
    entry = HistoryEntry.objects.for_object(indicator).get()
    assert entry.user == admin_user and entry.action == "update"
    assert entry.reason == "Quyết định 12/2026/QĐ-UBND"
    assert set(entry.changes) == {"threshold", "zone_thresholds.mien_nui", "threshold_is_example"}
    assert entry.changes["threshold"] == ["90", "85"]
    assert entry.changes["zone_thresholds.mien_nui"] == [None, "70,5"]
    # The set page shows the new thresholds and the change.
    html = client.get(reverse("campaigns:set-detail", args=[hood_set.pk])).content.decode()
    assert "≥ 85" in html and "Quyết định 12/2026/QĐ-UBND" in html


def test_an_unchanged_form_records_nothing(client, admin_user, hood_set):
    client.force_login(admin_user)
    indicator = _percent(hood_set)
    response = client.post(
        reverse("campaigns:indicator-edit", args=[indicator.pk]), {"threshold": "90", "threshold_is_example": "on"}
    )
    assert response.status_code == 302
    assert not HistoryEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("threshold", "150"),
        ("threshold", "-1"),
        ("threshold", "nhiều"),
        ("zone_dong_bang", "101"),
        ("threshold", "1,23456"),
    ],
)
def test_impossible_thresholds_are_refused(client, admin_user, hood_set, field, typed):
    client.force_login(admin_user)
    indicator = _percent(hood_set)
    before = _snapshot(indicator)
    data = {"threshold": "90", field: typed}
    response = client.post(reverse("campaigns:indicator-edit", args=[indicator.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert _snapshot(indicator) == before


def test_a_yes_no_threshold_is_0_or_1(client, admin_user, hood_set):
    client.force_login(admin_user)
    indicator = Indicator.objects.get(criterion__criteria_set=hood_set, code="I.3")
    url = reverse("campaigns:indicator-edit", args=[indicator.pk])
    assert "threshold" in client.post(url, {"threshold": "2"}).context["form"].errors
    assert client.post(url, {"threshold": "0"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.threshold == 0
    assert indicator.is_met(Decimal(0)) is True


def test_the_form_of_another_kind_of_zone_keeps_it(client, admin_user, hood_set):
    client.force_login(admin_user)
    indicator = _percent(hood_set)
    Indicator.objects.filter(pk=indicator.pk).update(zone_thresholds={"hai_dao": "60"})
    client.post(reverse("campaigns:indicator-edit", args=[indicator.pk]), {"threshold": "90", "zone_mien_nui": "80"})
    indicator.refresh_from_db()
    assert indicator.zone_thresholds == {"hai_dao": "60", "mien_nui": "80"}


# --- queries -----------------------------------------------------------------------------


def _sets(count: int) -> None:
    for n in range(count):
        criteria_set, _outcome = criteria_set_load(
            {
                "code": f"bo-{n}",
                "name": f"Bộ tiêu chí {n}",
                "level": "ward",
                "document": {"number": f"{n}/QĐ-UBND", "date": date(2025, 1, 1), "issuer": "UBND tỉnh"},
                "effective_from": date(2025, 1, 1),
                "criteria": [
                    {
                        "number": "1",
                        "name": "Một",
                        "indicators": [
                            {"code": "1.1", "name": "Có", "kind": "boolean"},
                            {"code": "1.2", "name": "Tỷ lệ", "kind": "percent", "threshold": 90, "example": True},
                        ],
                    }
                ],
            }
        )


@pytest.mark.parametrize("count", [2, 20])
def test_list_queries_do_not_grow_with_the_sets(client, admin_user, with_results, count, django_assert_max_num_queries):
    _sets(count)
    client.force_login(admin_user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("campaigns:set-list"))
    assert response.status_code == 200
    assert len(response.context["sets"]) == count + 1
    flags = {s.code: (s.results_exist, s.criteria_count, s.indicator_count) for s in response.context["sets"]}
    assert flags["thon-tdp-van-hoa"][0] is True and flags["bo-0"] == (False, 1, 2)
