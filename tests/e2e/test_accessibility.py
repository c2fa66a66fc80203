"""Accessibility in a real browser: axe-core finds no critical or serious violation on the pages people use
most, on a desktop and on a phone, and every control on a phone is a tap target of at least 44 px.
The other pages are checked in test_accessibility_more.py; what both share is in axe_pages.py.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.axe_pages import (
    AXE,
    BLOCKING,
    DESKTOP,
    MIN_TARGET_PX,
    PHONE,
    SMALL_TARGETS_JS,
    Screen,
    describe,
    open_the_menu,
)
from tests.e2e.axe_pages import _in_november as _in_november  # noqa: F401 - autouse fixture
from tests.e2e.axe_pages import criteria_set as criteria_set  # noqa: F401 - fixture
from tests.e2e.axe_pages import monthly_report as monthly_report  # noqa: F401 - fixture
from tests.e2e.axe_pages import ward_world as ward_world  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _owed(request, w):
    return reverse("campaigns:owed", args=[w["ward"].code, w["november"].pk])


PAGES = [
    Screen("login", None, lambda r, w: reverse("login")),
    Screen("home", "canbo1", lambda r, w: reverse("home")),
    Screen("month-grid", "canbo1", _owed),
    Screen(
        "entry-form",
        "canbo1",
        lambda r, w: reverse("campaigns:entry-neighbourhood", args=[w["november"].pk, w["hoods"][1].pk]),
    ),
    Screen("review", "phuong1", lambda r, w: reverse("campaigns:review", args=[w["ward"].code, w["november"].pk])),
    Screen("task-list", "canbo1", lambda r, w: reverse("campaigns:task-list")),
    Screen("task", "canbo1", lambda r, w: reverse("campaigns:task-detail", args=[w["task"].pk])),
    Screen("dashboard", "lanhdao", lambda r, w: reverse("reports:dashboard")),
    Screen("national", "quantri", lambda r, w: reverse("reports:national")),
    Screen("report-list", "lanhdao", lambda r, w: reverse("reports:report-list")),
    Screen(
        "report",
        "lanhdao",
        lambda r, w: reverse("reports:report-detail", args=[r.getfixturevalue("monthly_report").pk]),
    ),
    Screen("campaign", "canbo1", lambda r, w: reverse("campaigns:campaign-detail", args=[w["campaign"].pk])),
    # Pages of the same layout and forms, less used.
    Screen("ward-dashboard", "phuong1", lambda r, w: reverse("reports:ward-dashboard", args=[w["ward"].code])),
    Screen("criteria-set", "quantri", lambda r, w: reverse("campaigns:set-detail", args=[w["criteria_set"].pk])),
    Screen("password-change", "canbo1", lambda r, w: reverse("password_change")),
]


def _open(request, spec: Screen, world, login, page, live_server):
    path = spec.path(request, world)
    if spec.user:
        login(spec.user)
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    page.wait_for_load_state("load")
    return path


@pytest.mark.parametrize("context_options", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_no_critical_or_serious_axe_violation(request, spec, context_options, ward_world, login, page, live_server):
    path = _open(request, spec, ward_world, login, page, live_server)
    results = AXE.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert blocking == [], f"axe-core on {path} ({page.viewport_size['width']}px wide):\n{describe(blocking)}"


@pytest.mark.parametrize("context_options", [PHONE], ids=["phone"], indirect=True)
@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_control_is_a_44px_tap_target_on_a_phone(
    request, spec, context_options, ward_world, login, page, live_server
):
    path = _open(request, spec, ward_world, login, page, live_server)
    open_the_menu(page)
    offenders = page.evaluate(SMALL_TARGETS_JS, [MIN_TARGET_PX])
    assert offenders == [], f"tap targets under {MIN_TARGET_PX} px on {path}:\n" + "\n".join(
        f"- {offender}" for offender in offenders
    )


def test_the_skip_link_is_the_first_stop_and_lands_on_the_main_content(ward_world, login, page, live_server):
    login("canbo1")
    page.goto(f"{live_server.url}{_owed(None, ward_world)}")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_visible()  # hidden until focused, then shown
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next stop is the page's own first control, not the menu's.
    page.keyboard.press("Tab")
    expect(page.locator("main :focus")).to_have_count(1)


def test_the_bell_is_named_and_announces_the_unread_count(ward_world, login, page, live_server):
    login("canbo1")
    bell = page.locator(f'nav a[href="{reverse("campaigns:notifications")}"]')
    expect(bell).to_have_accessible_name("Thông báo 1 chưa đọc")


def test_the_language_select_waits_for_enter_when_stepped_through_with_the_keyboard(
    ward_world, login, page, live_server
):
    login("canbo1")
    language = page.locator("#language")
    expect(language).to_have_accessible_description("Chọn bằng các phím mũi tên, rồi nhấn Enter.")
    language.focus()
    page.keyboard.press("ArrowDown")  # a closed select changes its value at once: the page must not reload
    expect(language).to_have_value("en")
    page.wait_for_timeout(500)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("width", [1000, 1200, 1280, 1440])
def test_the_administrators_menu_bar_fits_the_window_without_sideways_scroll(
    width, ward_world, login, page, live_server
):
    # An administrator has the longest menu (the gear link) and a name in the user menu; the bar opens at 1200 px.
    page.set_viewport_size({"width": width, "height": 800})
    login("quantri")
    page.goto(f"{live_server.url}{reverse('reports:report-list')}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    logout = page.locator('form[action="/logout/"] button')
    if width >= 1200:
        box = logout.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        assert box["height"] < 50, "the logout button wraps onto two lines"
