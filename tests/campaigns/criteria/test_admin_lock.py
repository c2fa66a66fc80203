"""The Django admin cannot change the rules of a criteria set version that has results; without results it can."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator
from campaigns.results.models import Period, Result, Submission
from campaigns.results.periods import periods_ensure

HOOD_SET = Path(settings.BASE_DIR) / "campaigns" / "criteria" / "sets" / "nd-86-2023-thon-tdp-van-hoa.yaml"


@pytest.fixture
def hood_set(db):
    return criteria_set_load_file(HOOD_SET)[0]


def _results(criteria_set, hood) -> None:
    periods_ensure(2026, cutoff=1)
    period = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=3)
    submission = Submission.objects.create(criteria_set=criteria_set, period=period, ward=hood.ward, neighbourhood=hood)
    indicator = Indicator.objects.get(criterion__criteria_set=criteria_set, code="I.1")
    Result.objects.create(submission=submission, indicator=indicator, value=Decimal("95"), is_met=True)


def _form_data(response) -> dict:
    """What the change page's form and inlines would post back unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        forms += list(formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
    return data


def _inline_prefix(response, code: str) -> str:
    (inline,) = response.context["inline_admin_formsets"]
    for form in inline.formset.forms:
        if form.instance.code == code:
            return form.prefix
    raise AssertionError(code)


def _indicator(criteria_set, code="I.1") -> Indicator:
    return Indicator.objects.get(criterion__criteria_set=criteria_set, code=code)


# --- an indicator's own page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("with_results", [True, False])
def test_an_indicator_threshold_changes_only_without_results(client, admin_user, hood_set, hood_a, with_results):
    client.force_login(admin_user)
    indicator = _indicator(hood_set)
    url = reverse("admin:criteria_indicator_change", args=[indicator.pk])
    data = _form_data(client.get(url))
    data["threshold"] = "50"
    if with_results:
        _results(hood_set, hood_a)
    response = client.post(url, data)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.threshold == (Decimal("90") if with_results else Decimal("50"))


def test_the_locked_page_says_to_make_a_new_version(client, admin_user, hood_set, hood_a):
    _results(hood_set, hood_a)
    client.force_login(admin_user)
    url = reverse("admin:criteria_indicator_change", args=[_indicator(hood_set).pk])
    with translation.override("vi"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert "phiên bản mới" in html
    assert 'name="threshold"' not in html  # read-only: shown, not an input


# --- a criterion's page with its indicators --------------------------------------------------------------------


@pytest.mark.parametrize("with_results", [True, False])
def test_a_criterion_and_its_indicators_change_only_without_results(client, admin_user, hood_set, hood_a, with_results):
    client.force_login(admin_user)
    criterion = hood_set.criteria.get(number="I")
    url = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    page = client.get(url)
    data = _form_data(page)
    prefix = _inline_prefix(page, "I.1")
    data[f"{prefix}-threshold"] = "50"
    data["name"] = "Tên đã sửa"
    data["rule"] = "k_of_n"
    data["k"] = "2"
    if with_results:
        _results(hood_set, hood_a)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    criterion.refresh_from_db()
    threshold = _indicator(hood_set).threshold
    if with_results:
        assert (criterion.name, criterion.rule, criterion.k) == ("Đời sống kinh tế ổn định và phát triển", "all", None)
        assert threshold == Decimal("90")
    else:
        assert (criterion.name, criterion.rule, criterion.k) == ("Tên đã sửa", "k_of_n", 2)
        assert threshold == Decimal("50")


def test_a_locked_criterion_page_cannot_add_or_delete_indicators(client, admin_user, hood_set, hood_a):
    _results(hood_set, hood_a)
    client.force_login(admin_user)
    criterion = hood_set.criteria.get(number="I")
    page = client.get(reverse("admin:criteria_criterion_change", args=[criterion.pk]))
    (inline,) = page.context["inline_admin_formsets"]
    assert not inline.has_add_permission and not inline.has_delete_permission
    assert client.get(reverse("admin:criteria_criterion_delete", args=[criterion.pk])).status_code == 403
    assert client.get(reverse("admin:criteria_indicator_delete", args=[_indicator(hood_set).pk])).status_code == 403
    assert Criterion.objects.filter(pk=criterion.pk).exists()


# --- the set's page ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_results", [True, False])
def test_a_set_and_its_criteria_change_only_without_results(client, admin_user, hood_set, hood_a, with_results):
    client.force_login(admin_user)
    url = reverse("admin:criteria_criteriaset_change", args=[hood_set.pk])
    page = client.get(url)
    data = _form_data(page)
    (inline,) = page.context["inline_admin_formsets"]
    first = inline.formset.forms[0].prefix
    data["effective_from"] = "01/01/2025"
    data[f"{first}-min_points"] = "5"
    data[f"{first}-rule"] = "points"
    if with_results:
        _results(hood_set, hood_a)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    hood_set.refresh_from_db()
    criterion = hood_set.criteria.get(number="I")
    if with_results:
        assert str(hood_set.effective_from) == "2024-01-30"
        assert (criterion.rule, criterion.min_points) == ("all", None)
    else:
        assert str(hood_set.effective_from) == "2025-01-01"
        assert (criterion.rule, criterion.min_points) == ("points", Decimal("5"))
    assert CriteriaSet.objects.count() == 1
