"""Accounts and the Content-Security-Policy in a real browser: the password change from the user menu, the
lockout page, and the page behaviours that used to be inline code (charts, the language and month pickers).
Every test here, like every browser test, also fails on anything the policy refuses (tests/e2e/conftest.py)."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from campaigns.results.models import Period
from tests.e2e.conftest import PASSWORD
from tests.reports.conftest import criteria_set as criteria_set  # noqa: F401 - fixture
from tests.reports.conftest import enter

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

NEW_PASSWORD = "Hac-Thanh-2026-mua-xuan"


@pytest.fixture
def november(staff_a, city_leader, ward_a, hood_a, hood_b, criteria_set):  # noqa: F811
    from campaigns.results import periods

    with time_machine.travel("2026-11-20 10:00 +07:00", tick=True):
        periods.periods_ensure(2026)
    month = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11)
    enter(hood_a, month, met=False)
    enter(hood_b, month, met=True)
    return month


def test_staff_change_their_password_from_the_user_menu(staff_a, login, page, live_server):
    login("canbo1")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="Đổi mật khẩu").click()
    expect(page).to_have_url(f"{live_server.url}/account/password/")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Đã đổi mật khẩu")
    page.locator('form[action="/logout/"] button').click()
    expect(page).to_have_url(re.compile(r"/login/"))
    login("canbo1", NEW_PASSWORD)


def test_five_wrong_passwords_lock_the_login_with_a_vietnamese_page(staff_a, page, live_server):
    page.goto(f"{live_server.url}/login/")
    for _ in range(5):
        page.fill("#id_username", "canbo1")
        page.fill("#id_password", "sai-mat-khau")
        with page.expect_navigation():
            page.click("form button[type=submit]")
    expect(page.get_by_test_id("lockout")).to_contain_text("Đăng nhập bị khóa sau 5 lần nhập sai mật khẩu")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "canbo1")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    expect(page.get_by_test_id("lockout")).to_contain_text("30 phút")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    expect(page).to_have_url(f"{live_server.url}/account/reset/")


def test_charts_are_drawn_and_the_pickers_work_without_inline_code(november, login, page, live_server):
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=True):
        login("lanhdao")
        page.goto(f"{live_server.url}/dashboard/?period={november.pk}")
        for chart in ("chart-criteria", "chart-trend"):
            page.wait_for_function(f"() => window.Chart && Chart.getChart(document.getElementById('{chart}'))")
        # The language picker submits itself (data-autosubmit in static/portal/portal.js).
        # Each choice reloads the page; the next is made once the new page has bound its deferred script.
        with page.expect_navigation(wait_until="load"):
            page.select_option("#language", "en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        with page.expect_navigation(wait_until="load"):
            page.select_option("#language", "vi")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        # The month picker of the owed grid goes to the month chosen (data-navigate).
        page.goto(f"{live_server.url}/results/ward/14797/{november.pk}/")
        october = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=10)
        page.select_option("#month", label=october.label)
        expect(page).to_have_url(f"{live_server.url}/results/ward/14797/{october.pk}/")
