"""The entry form on a phone, without a mouse: every box is reached with Tab in the order it is read, none
is hidden behind the sticky save buttons, every control is a finger high, and an entry is completed,
corrected and saved with the keyboard alone."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns.results.models import Result, Submission
from tests.e2e.entry_pages import live_hint, met_badge
from tests.e2e.entry_pages import november as november  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# What the focused element is, where it is once the page has scrolled to it (Bootstrap scrolls smoothly),
# and whether anything covers its middle (the sticky save buttons).
FOCUSED = """async () => {
  const e = document.activeElement;
  for (let frame = 0, still = 0, last = null; frame < 240 && still < 20; frame++) {
    await new Promise(resolve => requestAnimationFrame(resolve));
    const top = e.getBoundingClientRect().top;
    still = top === last ? still + 1 : 0;
    last = top;
  }
  const box = e.getBoundingClientRect();
  const middle = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {
    id: e.id, name: e.getAttribute("name") || "", tag: e.tagName.toLowerCase(), type: e.type || "",
    inForm: !!e.closest("#entry-form"), width: box.width, height: box.height, top: box.top,
    uncovered: !!middle && (middle === e || e.contains(middle) || middle.contains(e)),
  };
}"""

# Every element of the entry form that Tab should reach, in document order.
TAB_STOPS = """() => Array.from(document.querySelectorAll(
    "#entry-form a[href], #entry-form input:not([type=hidden]), #entry-form select, #entry-form textarea, "
    + "#entry-form button, #entry-form [tabindex]"))
  .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length > 0)
  .map(e => e.id || e.getAttribute("name") || e.getAttribute("href"))"""

CONTROLS = """() => Array.from(document.querySelectorAll(
    ".entry-page input:not([type=hidden]), .entry-page select, .entry-page textarea, .entry-page button"))
  .filter(e => e.getClientRects().length > 0)
  .map(e => ({what: e.id || e.getAttribute("name") || e.textContent.trim(),
              height: e.getBoundingClientRect().height}))"""


def _key(focused: dict) -> str:
    return focused["id"] or focused["name"]


def _tab(page, key: str = "Tab") -> dict:
    page.keyboard.press(key)
    focused = page.evaluate(FOCUSED)
    assert focused["width"] > 0 and focused["height"] > 0, f"focus went to a hidden element: {focused}"
    assert focused["uncovered"], f"the focused element is covered: {focused}"
    return focused


@pytest.mark.parametrize("context_options", [PHONE], indirect=True)
def test_every_control_of_the_entry_form_is_a_finger_high_on_a_phone(november, login, page, live_server):
    login("canbo1")
    page.goto(f"{live_server.url}{november['path']}")
    controls = page.evaluate(CONTROLS)
    assert len(controls) >= 36  # 11 values, 12 notes, 11 evidence files, the reason, two buttons
    assert [c for c in controls if c["height"] < 44] == []


@pytest.mark.parametrize("context_options", [PHONE], indirect=True)
def test_an_entry_is_completed_and_saved_with_the_keyboard_alone(november, login, page, live_server):
    ind = november["ind"]
    entered = [i for i in ind.values() if not i.source]
    login("canbo1")
    page.goto(f"{live_server.url}{november['path']}")
    expected = page.evaluate(TAB_STOPS)

    # From the top of the page, Tab reaches the form after the few links above it (menu, breadcrumb).
    for _ in range(12):
        focused = _tab(page)
        if focused["inForm"]:
            break
    assert _key(focused) == f"id_v_{ind['I.1'].pk}", focused

    # A wrong percentage is told at once; Shift+Tab goes back to correct it.
    page.keyboard.type("1.234")
    expect(live_hint(page, ind["I.1"])).to_have_text("Tỷ lệ phần trăm không được lớn hơn 100.")
    assert _key(_tab(page)) == f"id_n_{ind['I.1'].pk}"
    assert _key(_tab(page, "Shift+Tab")) == f"id_v_{ind['I.1'].pk}"
    page.keyboard.press("Control+A")
    page.keyboard.type("95,5")
    expect(live_hint(page, ind["I.1"])).to_be_hidden()
    expect(met_badge(page, ind["I.1"])).to_have_text("Đạt")

    visited = [_key(focused)]
    while True:
        focused = _tab(page)
        visited.append(_key(focused))
        if focused["name"] == "save":
            break
        assert len(visited) < 80, visited
        if focused["tag"] == "select":
            page.keyboard.press("ArrowDown")  # "—" → "Có"
        elif focused["name"].startswith("v_"):
            page.keyboard.type("99")
        elif focused["name"] == f"n_{ind['II.1'].pk}":
            page.keyboard.type("Nhà văn hóa tổ đã sửa xong mái")
        elif focused["name"] == "reason":
            page.keyboard.type("Nhập trên điện thoại")
    # Tab went through the form in reading order, and only through what can be seen.
    assert visited == expected[: len(visited)], visited
    assert expected[len(visited) :] == ["submit"]

    page.keyboard.press("Enter")  # on "Lưu nháp"
    expect(page.locator(".alert-success")).to_contain_text("Đình Hương")
    submission = Submission.objects.get(neighbourhood=november["hood"], period=november["period"])
    results = {r.indicator.code: r for r in Result.objects.filter(submission=submission).select_related("indicator")}
    assert results["I.1"].value == Decimal("95.5")
    assert results["II.2"].value == results["II.4"].value == Decimal(99)
    assert all(results[i.code].value == 1 for i in entered if i.kind == "boolean")
    assert results["II.1"].note == "Nhà văn hóa tổ đã sửa xong mái"
    assert re.fullmatch(r"\d+/\d+", page.get_by_test_id("met-count").inner_text())
