"""A ward staff member, in a real browser: logs in, sees their ward and only theirs, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    # The live server builds the whole middleware stack; WhiteNoise warns that STATIC_ROOT has not been
    # collected. Static files are served by the live server's own static handler, from the finders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

OWN_WARD = "Phường Hạc Thành"
OTHER_WARD = "Phường Đông Quang"


@pytest.fixture
def actors(staff_a, staff_b, hood_a, hood_b):
    """canbo1 in ward_a (14797); canbo2 and ward_b (16417) exist too, so hiding them means something."""
    return {"staff_a": staff_a, "staff_b": staff_b}


def _assert_other_ward_hidden(page):
    expect(page.locator('[data-ward="16417"]')).to_have_count(0)
    assert OTHER_WARD not in page.content()


def test_ward_staff_sees_own_ward_only(actors, login, page, live_server, screenshots_dir):
    login("canbo1")
    expect(page).to_have_url(f"{live_server.url}/")

    card = page.locator('[data-ward="14797"]')
    expect(card).to_be_visible()
    expect(card).to_contain_text(OWN_WARD)
    _assert_other_ward_hidden(page)
    page.screenshot(path=screenshots_dir / "home-canbo1.png", full_page=True)

    card.get_by_role("link", name=OWN_WARD).click()
    expect(page).to_have_url(f"{live_server.url}/units/ward/14797/")
    expect(page.locator("h1")).to_contain_text(OWN_WARD)
    page.screenshot(path=screenshots_dir / "ward-14797-canbo1.png", full_page=True)

    # Another ward's page does not exist for canbo1, even typed by hand.
    response = page.goto(f"{live_server.url}/units/ward/16417/")
    assert response is not None
    assert response.status == 404
    assert OTHER_WARD not in page.content()

    # And back home, still nothing of the other ward.
    response = page.goto(f"{live_server.url}/")
    assert response is not None and response.status == 200
    expect(card).to_be_visible()
    _assert_other_ward_hidden(page)


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.mark.usefixtures("actors")
@pytest.mark.parametrize("context_options", [PHONE], ids=["390x844"], indirect=True)
def test_usable_on_a_phone(login, page, live_server, screenshots_dir):
    assert page.viewport_size == {"width": 390, "height": 844}
    login("canbo1")
    expect(page).to_have_url(f"{live_server.url}/")

    # The navbar collapses behind its toggler, which opens it.
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    menu = page.locator("#nav")
    expect(menu).to_be_hidden()
    toggler.click()
    # Bootstrap ignores a toggle while the menu is still sliding ("collapsing"): wait until it is fully open.
    expect(page.locator("#nav.collapse.show")).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.locator('a[href="/units/"]')).to_be_visible()
    expect(menu.locator('form[action="/logout/"] button')).to_be_visible()
    toggler.click()
    expect(menu).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")

    # Nothing sticks out sideways: no horizontal scrolling on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the home page is {overflow}px wider than a 390px phone"
    page.screenshot(path=screenshots_dir / "home-canbo1-phone.png", full_page=True)

    # The ward link can be reached and tapped.
    link = page.locator('[data-ward="14797"]').get_by_role("link", name=OWN_WARD)
    link.scroll_into_view_if_needed()
    expect(link).to_be_in_viewport()
    link.tap()
    expect(page).to_have_url(f"{live_server.url}/units/ward/14797/")
    expect(page.locator("h1")).to_contain_text(OWN_WARD)
    _assert_other_ward_hidden(page)
    page.screenshot(path=screenshots_dir / "ward-14797-canbo1-phone.png", full_page=True)
