"""The entry form keeps what is typed on the device until the server has saved it (static/campaigns/autosave.js).

A save sent offline, a connection dropped while saving, a reload or a closed tab lose nothing: on return the
form offers the values back ("Khôi phục"), and a confirmed save clears them. A draft belongs to one user,
and is never put over results saved since it was typed.
"""

import re
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from campaigns.results import services
from campaigns.results.models import Result, Submission
from tests.e2e.entry_pages import NOW, met_badge, note_box, value_box
from tests.e2e.entry_pages import november as november  # noqa: F401 - fixture
from tests.factories import MembershipFactory, UserFactory
from wards.models import Membership

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

BANNER = "[data-testid=draft-banner]"
RESTORE = re.compile("^Khôi phục$")
DISCARD = re.compile("^Bỏ$")
OFFER = re.compile(r"Có dữ liệu bạn đã nhập nhưng chưa lưu lúc \d{2}:\d{2} \d{2}/\d{2}/\d{4}\.")


def _typed(ind) -> dict:
    """One value of each kind on the form: percentages, yes/no, a note and the reason for the change."""
    return {
        ind["I.1"]: "95,5",
        ind["II.2"]: "98,25",
        ind["II.3"]: "1",  # Có
        ind["III.1"]: "0",  # Không
    }


def _type(page, ind) -> None:
    for indicator, value in _typed(ind).items():
        box = value_box(page, indicator)
        if indicator.kind == "boolean":
            box.select_option(value)
        else:
            box.fill(value)
    note_box(page, ind["I.1"]).fill("Theo danh sách lao động của tổ, tháng 11")
    page.locator("#id_reason").fill("Số liệu rà soát ngày 20/11")


def _expect_typed(page, ind) -> None:
    for indicator, value in _typed(ind).items():
        expect(value_box(page, indicator)).to_have_value(value)
    expect(note_box(page, ind["I.1"])).to_have_value("Theo danh sách lao động của tổ, tháng 11")
    expect(page.locator("#id_reason")).to_have_value("Số liệu rà soát ngày 20/11")


def _expect_empty(page, ind) -> None:
    for indicator in _typed(ind):
        expect(value_box(page, indicator)).to_have_value("")
    expect(note_box(page, ind["I.1"])).to_have_value("")


def _save(page) -> None:
    with page.expect_navigation():
        page.locator("#entry-form button[name=save]").click()


def test_values_typed_offline_survive_a_failed_save_and_a_reload(november, login, page, live_server):
    ind, url = november["ind"], f"{live_server.url}{november['path']}"
    login("canbo1")
    page.clock.set_fixed_time(NOW)  # the banner says when the values were typed, by the phone's clock
    page.goto(url)
    offline = page.get_by_test_id("offline-notice")
    expect(offline).to_be_hidden()
    _type(page, ind)

    page.context.set_offline(True)
    expect(offline).to_be_visible()
    expect(offline).to_contain_text("được giữ trên thiết bị này")
    page.locator("#entry-form button[name=save]").click()  # not sent: the page stays, with what was typed
    expect(offline).to_be_focused()
    expect(page).to_have_url(url)
    assert not Submission.objects.filter(period=november["period"]).exists()
    page.context.set_offline(False)
    expect(offline).to_be_hidden()

    page.reload()
    _expect_empty(page, ind)  # the server has nothing yet …
    banner = page.locator(BANNER)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Có dữ liệu bạn đã nhập nhưng chưa lưu lúc 09:00 20/11/2026.")
    banner.get_by_role("button", name=RESTORE).click()  # … the phone has it all
    _expect_typed(page, ind)
    expect(value_box(page, ind["I.1"])).to_be_focused()
    expect(met_badge(page, ind["I.1"])).to_have_text("Đạt")  # judged again, as if typed
    expect(met_badge(page, ind["III.1"])).to_have_text("Chưa đạt")

    _save(page)
    expect(page.locator(".alert-success")).to_contain_text("Đình Hương")
    expect(page.locator(BANNER)).to_be_hidden()
    assert Result.objects.get(indicator=ind["I.1"]).value == Decimal("95.5")
    assert Result.objects.get(indicator=ind["II.2"]).value == Decimal("98.25")
    assert Result.objects.get(indicator=ind["I.1"]).note == "Theo danh sách lao động của tổ, tháng 11"
    page.reload()
    expect(page.locator(BANNER)).to_be_hidden()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kieumau:entry-draft'))") == []


def test_a_connection_dropped_while_saving_keeps_the_values_for_a_new_tab(november, login, page, live_server, tmp_path):
    ind, path = november["ind"], november["path"]
    photo = tmp_path / "nha-van-hoa.png"
    Image.new("RGB", (32, 24), (180, 40, 40)).save(photo, format="PNG")
    login("canbo1")
    page.goto(f"{live_server.url}{path}")
    _type(page, ind)
    page.get_by_label(f"Minh chứng cho chỉ tiêu II.1 {ind['II.1'].name}").set_input_files(photo)
    # The phone thinks it is online, but the request never reaches the server.
    page.route(f"**{path}", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.locator("#entry-form button[name=save]").click()
    page.wait_for_url(re.compile("^chrome-error://"))
    assert not Submission.objects.filter(period=november["period"]).exists()

    page.close()  # the tab is closed; a new one opens the form again
    tab = page.context.new_page()
    tab.goto(f"{live_server.url}{path}")
    banner = tab.locator(BANNER)
    expect(banner).to_contain_text(OFFER)
    # A file is not kept on the phone: the banner says which to choose again.
    expect(banner.locator("[data-draft-files]")).to_contain_text("hãy chọn lại cho chỉ tiêu: II.1")
    banner.get_by_role("button", name=RESTORE).click()
    _expect_typed(tab, ind)
    with tab.expect_navigation():
        tab.locator("#entry-form button[name=save]").click()
    expect(tab.locator(".alert-success")).to_be_visible()
    assert Result.objects.get(indicator=ind["I.1"]).value == Decimal("95.5")
    tab.reload()
    expect(tab.locator(BANNER)).to_be_hidden()
    tab.close()


def test_a_form_sent_back_with_an_error_keeps_its_values_and_discard_forgets_them(november, login, page, live_server):
    ind, url = november["ind"], f"{live_server.url}{november['path']}"
    login("canbo1")
    page.goto(url)
    _type(page, ind)
    value_box(page, ind["II.4"]).fill("1.234")  # refused by the server: over 100 %
    _save(page)
    expect(page.locator(".invalid-feedback")).to_contain_text("Tỷ lệ phần trăm không được lớn hơn 100.")
    expect(page.locator(BANNER)).to_be_hidden()  # the form shows what was typed
    assert not Submission.objects.filter(period=november["period"]).exists()
    page.goto(f"{live_server.url}/")
    page.goto(url)  # a plain visit: the boxes are empty, the draft has them
    banner = page.locator(BANNER)
    expect(banner).to_contain_text(OFFER)
    banner.get_by_role("button", name=DISCARD).click()
    expect(banner).to_be_hidden()
    _expect_empty(page, ind)
    page.reload()
    expect(page.locator(BANNER)).to_be_hidden()


def test_a_draft_belongs_to_its_user(november, login, page, live_server, ward_a):
    ind, url = november["ind"], f"{live_server.url}{november['path']}"
    colleague = UserFactory(username="canbo3", first_name="Lan")
    MembershipFactory(user=colleague, role=Membership.Role.WARD_STAFF, ward=ward_a)
    login("canbo1")
    page.goto(url)
    _type(page, ind)
    page.locator('form[action="/logout/"] button').click()

    login("canbo3")  # the same phone, the same browser
    page.goto(url)
    expect(page.locator("#entry-form")).to_be_visible()
    expect(page.locator(BANNER)).to_be_hidden()
    _expect_empty(page, ind)
    page.locator('form[action="/logout/"] button').click()

    login("canbo1")
    page.goto(url)
    page.locator(BANNER).get_by_role("button", name=RESTORE).click()
    _expect_typed(page, ind)


def test_a_draft_is_not_put_over_results_saved_since(november, login, page, live_server, staff_a):
    ind, url = november["ind"], f"{live_server.url}{november['path']}"
    login("canbo1")
    page.goto(url)
    _type(page, ind)
    page.close()

    # Meanwhile a colleague saves I.1 (and nothing else) from another device.
    submission = services.submission_for(november["hood"], november["period"])
    services.results_save(
        submission=submission,
        user=staff_a,
        values={ind["I.1"].pk: {"value": Decimal("80"), "text": "", "note": "Theo báo cáo của tổ"}},
        versions={},
    )

    tab = page.context.new_page()
    tab.goto(url)
    banner = tab.locator(BANNER)
    expect(banner).to_contain_text(OFFER)
    expect(banner).to_contain_text("đã được lưu lại sau khi bạn nhập")
    changed = banner.locator("[data-draft-changed-list] li")
    expect(changed).to_have_text(["I.1: 95,5", "I.1 (ghi chú): Theo danh sách lao động của tổ, tháng 11"])
    banner.get_by_role("button", name=RESTORE).click()
    expect(value_box(tab, ind["I.1"])).to_have_value("80")  # the saved value stays
    expect(note_box(tab, ind["I.1"])).to_have_value("Theo báo cáo của tổ")
    expect(value_box(tab, ind["II.2"])).to_have_value("98,25")  # untouched since: restored
    expect(value_box(tab, ind["II.3"])).to_have_value("1")
    expect(changed).to_have_count(2)  # still listed after restoring
    tab.close()
