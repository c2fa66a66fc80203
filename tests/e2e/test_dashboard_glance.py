"""The city leader's dashboard at a glance, in a real browser at 1280 × 800 (issue 13, item 5): the wards furthest
behind and what they miss are on the first screen, in words, without hovering; the unfinished month says so;
sorting the ward table swaps it in place, so the page does not jump back to its top."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from campaigns.results.models import Period
from tests.factories import NeighbourhoodFactory, ProfileFactory, WardFactory
from tests.reports.conftest import criteria_set as criteria_set  # noqa: F401 - fixture
from tests.reports.conftest import enter
from wards.models import Ward

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

NOW = "2026-11-20 10:00 +07:00"
FIRST_SCREEN = {"viewport": {"width": 1280, "height": 800}}


def _commune(city, name: str, november: Period, *, units: int, failing: int, fail: tuple[str, ...]) -> Ward:
    ward = WardFactory(city=city, name=name, kind=Ward.Kind.COMMUNE)
    for i in range(units):
        hood = NeighbourhoodFactory(ward=ward, name=f"Thôn {i + 1} {name}")
        ProfileFactory(neighbourhood=hood, year=2026)
        enter(hood, november, met=i >= failing, fail=fail)
    return ward


@pytest.fixture
def city_month(city, city_leader, criteria_set):  # noqa: F811
    """November 2026 (still open on the 20th): two communes far behind, on criteria II and III, and forty that
    meet everything, so that the ward table runs well below the first screen."""
    from campaigns.results import periods

    with time_machine.travel(NOW, tick=True):
        periods.periods_ensure(2026)
        november = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11)
        _commune(city, "Xã Ba Đình", november, units=5, failing=4, fail=("II.1",))
        _commune(city, "Xã An Hoạch", november, units=3, failing=3, fail=("III.1",))
        for n in range(40):
            _commune(city, f"Phường Đạt Chuẩn {n + 1:02d}", november, units=1, failing=0, fail=())
    return november


@pytest.mark.parametrize("context_options", [FIRST_SCREEN], indirect=True)
def test_the_city_leader_sees_who_is_behind_and_on_what_on_the_first_screen(
    city_month, login, page, live_server, screenshots_dir
):
    with time_machine.travel(NOW, tick=True):
        login("lanhdao")
        page.goto(f"{live_server.url}/dashboard/?period={city_month.pk}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=screenshots_dir / "dashboard-glance-1280.png")

        # The month is said to be unfinished, with its deadline, in the headline.
        expect(page.get_by_test_id("open-period")).to_be_in_viewport()
        expect(page.get_by_test_id("open-period")).to_contain_text("đang nhập liệu, hạn nhập 05/12/2026")

        # Where to act: the criteria most missed, by their short names, and the wards furthest behind on each.
        panel = page.get_by_test_id("where-to-act")
        expect(panel).to_be_in_viewport()
        first, second = page.get_by_test_id("focus-criterion").all()[:2]
        expect(first).to_contain_text("Văn hóa, tinh thần")
        expect(first).to_contain_text("4/48 chưa đạt")
        expect(first.get_by_role("link", name="Xã Ba Đình")).to_be_in_viewport()
        expect(second).to_contain_text("Môi trường")
        expect(second.get_by_role("link", name="Xã An Hoạch")).to_be_in_viewport()

        # The ranked table starts on the same screen, furthest behind first, criteria named in its header.
        rows = page.locator("#ward-table tbody tr")
        expect(rows.nth(0)).to_contain_text("Xã Ba Đình")
        expect(rows.nth(0)).to_be_in_viewport()
        expect(rows.nth(1)).to_contain_text("Xã An Hoạch")
        header = page.locator("#ward-table thead")
        for short in ("Kinh tế", "Văn hóa, tinh thần", "Môi trường"):
            expect(header.get_by_text(short, exact=True)).to_be_visible()
        # The heat cell of Ba Đình on criterion II reads 4 of 5, drilling down to those units.
        expect(rows.nth(0).get_by_role("link", name="4", exact=True)).to_be_visible()


@pytest.mark.parametrize("context_options", [FIRST_SCREEN], indirect=True)
def test_sorting_the_ward_table_keeps_it_in_view(city_month, login, page, live_server, screenshots_dir):
    with time_machine.travel(NOW, tick=True):
        login("lanhdao")
        page.goto(f"{live_server.url}/dashboard/?period={city_month.pk}")
        page.wait_for_load_state("networkidle")
        page.evaluate(
            "window.scrollTo(0, document.getElementById('ward-table').getBoundingClientRect().top + window.scrollY - 8)"
        )
        before = page.evaluate("window.scrollY")
        assert before > 300  # the table is well down the page

        page.locator("#sort-name").click()
        expect(page.locator("#sort-name")).to_have_class(re.compile("sorted"))
        expect(page).to_have_url(re.compile(r"sort=name"))
        expect(page.locator("#ward-table tbody tr").nth(0)).to_contain_text("Phường Đạt Chuẩn 01")

        after = page.evaluate("window.scrollY")
        top = page.evaluate("document.getElementById('ward-table').getBoundingClientRect().top")
        assert after > 0 and abs(after - before) < 40, (before, after)
        assert 0 <= top < page.viewport_size["height"] / 2
        # the keyboard stays on the sort link it used
        expect(page.locator("#sort-name")).to_be_focused()

        # Filtering swaps the table the same way.
        page.locator("#id_q").fill("an hoach")
        page.locator("#id_q").press("Enter")
        expect(page.locator("#ward-table tbody tr")).to_have_count(1)
        assert page.evaluate("window.scrollY") > 0
        page.screenshot(path=screenshots_dir / "dashboard-glance-sorted.png")
