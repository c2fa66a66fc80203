"""An administrator authors a criteria set in a real browser, on a phone's width: the form adds a row without
JavaScript's help, the upload lists a mistake with its place, the preview evaluates a neighbourhood, the save
lands on the set's page. No inline script or style is refused (the page fixture checks the CSP)."""

import re
from datetime import date
from decimal import Decimal

import pytest
import yaml
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.criteria.loading import criteria_set_load
from campaigns.criteria.models import CriteriaSet, Indicator
from campaigns.criteria.validation_samples import VALID_SAMPLE
from campaigns.results.models import Period, Result, Submission
from campaigns.results.periods import periods_ensure

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def with_results(hood_a, ward_a):
    """hood_a's approved results of 03/2026 against the sample set."""
    criteria_set, _outcome = criteria_set_load({**VALID_SAMPLE, "unit_kinds": []})
    periods_ensure(2026)
    period = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=3)
    submission = Submission.objects.create(
        criteria_set=criteria_set, period=period, ward=ward_a, neighbourhood=hood_a, status=Submission.Status.APPROVED
    )
    values = {"1.1": "1", "1.2": "70", "2.1": "0", "2.2": "5", "2.3": "1"}
    for indicator in Indicator.objects.filter(criterion__criteria_set=criteria_set, code__in=values):
        Result.objects.create(submission=submission, indicator=indicator, value=Decimal(values[indicator.code]))
    return criteria_set


@pytest.mark.parametrize("context_options", [PHONE], indirect=True)
def test_admin_authors_a_set_on_a_phone(admin_user, with_results, hood_a, login, page, live_server, screenshots_dir):
    login("quantri")
    page.goto(live_server.url + reverse("campaigns:set-list"))
    page.locator(f'a[href="{reverse("campaigns:set-create")}"]').click()
    expect(page.locator("fieldset.card[id^=c-]")).to_have_count(1)
    page.locator("button[name=add][value=criterion]").click()
    expect(page.locator("fieldset.card[id^=c-]")).to_have_count(2)
    page.screenshot(path=screenshots_dir / "authoring-01-form-phone.png", full_page=True)

    new = {**VALID_SAMPLE, "unit_kinds": [], "version": 2, "replaces": VALID_SAMPLE["code"]}
    new["effective_from"] = date(2026, 7, 1)
    broken = {**new, "level": "tinh"}
    page.goto(live_server.url + reverse("campaigns:set-upload"))
    page.fill("#id_text", yaml.safe_dump(broken, allow_unicode=True, sort_keys=False))
    page.locator("form button[type=submit].btn-primary").click()
    expect(page.locator("#problems")).to_contain_text("level")
    page.fill("#id_text", yaml.safe_dump(new, allow_unicode=True, sort_keys=False))
    page.locator("form button[type=submit].btn-primary").click()

    page.select_option("#unit", str(hood_a.pk))
    page.locator("button[name=action][value=evaluate]").click()
    expect(page.locator("[role=status]").filter(has_text=hood_a.name)).to_be_visible()
    expect(page.locator("h2 .badge")).to_have_count(3)
    page.screenshot(path=screenshots_dir / "authoring-02-preview-phone.png", full_page=True)

    page.locator("button[name=action][value=save]").click()
    v2 = CriteriaSet.objects.get(code=VALID_SAMPLE["code"], version=2)
    expect(page).to_have_url(re.compile(reverse("campaigns:set-detail", args=[v2.pk]) + "$"))
    assert v2.criteria.count() == 3
