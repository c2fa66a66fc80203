"""The whole title path in a real browser: the ward's staff register Đình Hương 1 for 2026 and inspect it, the
city leader verifies it (phúc tra), decides the title by a decision, and the title shows on the unit's page with
its decision and term.

Selectors use element ids, names, data-testid and form actions, never the wording (the portal runs in
Vietnamese). The day is fixed: 20/11/2026.
"""

import re

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.criteria.models import Programme
from campaigns.movement.inspections.models import Registration, Visit
from campaigns.movement.inspections.units import unit_token
from campaigns.movement.models import Recognition
from tests.e2e.axe_pages import blocking_violations, describe

pytestmark = [pytest.mark.browser]

YEAR = 2026


@pytest.fixture(autouse=True)
def _on_a_fixed_day():
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=True):
        yield


@pytest.fixture
def programme(city, ward_a, hood_a, staff_a, city_leader):
    return Programme.objects.create(
        code="pho-kieu-mau",
        name="Phố, thôn kiểu mẫu",
        title="Phố kiểu mẫu",
        level="neighbourhood",
        term_years=3,
        is_active=True,
    )


def _submit(page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def _new_round(page, base: str, where: str, programme, name: str, starts: str, ends: str) -> None:
    page.goto(f"{base}{reverse('campaigns:round-create')}?{where}")
    page.select_option("#id_programme", str(programme.pk))
    page.fill("#id_year", str(YEAR))
    page.fill("#id_name", name)
    page.fill("#id_starts_on", starts)
    page.fill("#id_ends_on", ends)
    _submit(page, "form[method=post]:not([action])")
    expect(page).to_have_url(re.compile(r"/inspections/\d+/$"))


def _visit_and_conclude(page, token: str, day: str) -> None:
    """On a round's page: add the unit's visit, open it, conclude "meets"."""
    page.check(f"input[name=units][value='{token}']")
    page.fill("#id_visited_on", day)
    _submit(page, "form[action$='/visits/add/']")
    page.locator("tr[data-visit] a").first.click()
    page.wait_for_url(re.compile(r"/inspections/visits/\d+/$"))
    page.select_option("#id_conclusion", "meets")
    _submit(page, "form[method=post]:not([action])")
    expect(page.locator(".alert-success")).to_be_visible()


def test_a_neighbourhood_goes_from_registration_to_its_title(page, login, live_server, programme, ward_a, hood_a):
    base = live_server.url
    token = unit_token(ward_a.pk, hood_a.pk)

    # 1. Registration: the ward's staff register Đình Hương 1 with its pledge.
    login("canbo1")
    page.goto(base + reverse("campaigns:registration-ward", args=[ward_a.code, programme.code, YEAR]))
    page.check(f"input[name=units][value='{token}']")
    page.fill("textarea[name=pledge]", "Giữ vững các tiêu chí phố kiểu mẫu năm 2026.")
    _submit(page, "form[method=post]")
    expect(page.get_by_test_id("registered-count")).to_have_text("1/1")
    assert Registration.objects.filter(neighbourhood=hood_a, first_year=YEAR).exists()

    # 2. The ward's inspection: a round, the unit's visit, "meets".
    _new_round(page, base, f"ward={ward_a.code}", programme, "Kiểm tra phố kiểu mẫu 2026", "01/10/2026", "31/10/2026")
    _visit_and_conclude(page, token, "05/10/2026")

    # 3. The city's verification (phúc tra), by the city leader.
    page.context.clear_cookies()
    login("lanhdao")
    _new_round(page, base, f"city={ward_a.city.code}", programme, "Phúc tra 2026", "01/11/2026", "15/11/2026")
    _visit_and_conclude(page, token, "10/11/2026")
    assert Visit.objects.filter(round__level="city", neighbourhood=hood_a, conclusion="meets").exists()

    # 4. The decision: the verified unit is ticked; a bad date is refused and what was typed is kept.
    page.goto(base + reverse("campaigns:title-decide", args=[programme.code, YEAR]))
    assert (violations := blocking_violations(page)) == [], describe(violations)
    unit = page.locator("[data-testid=candidates] input[name=units]")
    expect(unit).to_be_checked()
    page.fill("#id_decision_number", "1234/QĐ-UBND")
    page.fill("#id_decision_date", "31/02/2026")
    page.fill("#id_signer_name", "Nguyễn Văn An")
    page.fill("#id_signer_position", "Chủ tịch UBND tỉnh")
    _submit(page, "form[method=post]")
    expect(page.locator("#id_decision_date")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_signer_name")).to_have_value("Nguyễn Văn An")
    page.fill("#id_decision_date", "20/11/2026")
    _submit(page, "form[method=post]")
    expect(page).to_have_url(re.compile(rf"/titles/{programme.code}/{YEAR}/$"))
    expect(page.locator("[data-testid=titles] tbody tr")).to_have_count(1)
    title = Recognition.objects.get(neighbourhood=hood_a, programme=programme, year=YEAR)
    assert (title.status, title.decision_number) == ("confirmed", "1234/QĐ-UBND")

    # 5. The title on the unit's page: its decision, its term (rewards 2026, then 3 years: until 31/12/2029), its state.
    page.goto(base + reverse("wards:neighbourhood-detail", args=[hood_a.pk]))
    history = page.get_by_test_id("title-history")
    expect(history).to_contain_text("1234/QĐ-UBND")
    expect(history).to_contain_text("31/12/2029")
    expect(history.get_by_test_id("title-state")).to_have_count(1)

    # 6. The title's own page, where it would be withdrawn, reads well to a screen reader too.
    history.locator("a[href*='/titles/']").first.click()
    page.wait_for_url(re.compile(r"/titles/\d+/$"))
    expect(page.get_by_test_id("withdraw-form")).to_be_visible()
    assert (violations := blocking_violations(page)) == [], describe(violations)
