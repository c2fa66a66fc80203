"""A ward's month in bulk, in a real browser on a phone: staff fill the Excel template for every neighbourhood,
confirm it, send all the drafts from the next step the upload page offers and see them all "Đã gửi" on the
grid; the ward leader ticks them all, confirms on the page that lists them, and approves them in one action.

The pages are used in the portal's default language (Vietnamese). Selectors rest on data-testid, form
actions, element ids and names; where a wording matters it is the Vietnamese the person reads.
"""

import io
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import expect

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.results.models import Period, Submission
from campaigns.results.periods import periods_ensure
from portal.models import HistoryEntry
from tests.factories import NeighbourhoodFactory, ProfileFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

HOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
# What staff write in the "Giá trị" column for each indicator they enter (I.2 comes from the profile).
VALUES = {
    "I.1": "95,5",
    "I.3": "Có",
    "I.4": "Có",
    "II.1": "Có",
    "II.2": "99",
    "II.3": "Có",
    "II.4": "92",
    "II.5": "Có",
    "II.6": "Có",
    "III.1": "Có",
    "III.2": "Có",
}


@pytest.fixture(autouse=True)
def _in_november():
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=True):
        yield


@pytest.fixture
def month(ward_a, hood_a, staff_a, leader_a):
    """November 2026 of Phường Hạc Thành: Đình Hương 1 and two more neighbourhoods, nothing entered yet."""
    criteria_set_load_file(HOOD_SET)
    periods_ensure(2026)
    hoods = [hood_a]
    for name in ("Tổ dân phố Đình Hương 2", "Tổ dân phố Thanh Sơn"):
        hood = NeighbourhoodFactory(ward=ward_a, name=name)
        ProfileFactory(neighbourhood=hood, year=2026, households=198, people=640)
        hoods.append(hood)
    return {"period": Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11), "hoods": hoods}


def _filled(path: Path) -> Path:
    """The downloaded template with every value a neighbourhood enters typed in, as staff would in Excel."""
    book = load_workbook(path)
    sheet = book["Kết quả"]
    for cells in sheet.iter_rows(min_row=2):
        if cells[2].value in VALUES:
            cells[5].value = VALUES[cells[2].value]
    out = path.with_name("ket-qua-da-dien.xlsx")
    buffer = io.BytesIO()
    book.save(buffer)
    out.write_bytes(buffer.getvalue())
    return out


def _logout(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # on a phone the menu is folded behind its toggler
        toggler.click()
    page.locator('form[action="/logout/"] button').click()
    expect(page).to_have_url(re.compile(r"/login/"))


@pytest.mark.parametrize("context_options", [PHONE], ids=["phone"], indirect=True)
def test_staff_send_a_whole_excel_month_and_the_leader_approves_it_at_once(
    month, context_options, login, page, live_server, screenshots_dir, tmp_path
):
    period, hoods = month["period"], month["hoods"]
    owed_path = f"/results/ward/14797/{period.pk}/"
    upload_path = f"/results/ward/14797/{period.pk}/excel/upload/"
    review_path = f"/results/ward/14797/{period.pk}/review/"

    # --- canbo1 downloads the template, fills it, uploads and confirms it -----------------------------
    login("canbo1")
    page.goto(f"{live_server.url}{owed_path}")
    page.locator(f'a[href="{upload_path}"]').click()
    expect(page).to_have_url(f"{live_server.url}{upload_path}")
    with page.expect_download() as download:
        page.locator(f'main a[href="/results/ward/14797/{period.pk}/excel/"]').click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    page.locator("input[type=file][name=file]").set_input_files(_filled(template))
    page.locator('form[enctype="multipart/form-data"] button[type=submit]').click()
    expect(page.locator("table.excel-preview")).to_be_visible()
    page.locator("button[name=confirm]").click()

    # --- the page leads on: send every draft just saved -------------------------------------------------
    next_step = page.get_by_test_id("excel-next-step")
    expect(next_step).to_be_visible()
    send = page.get_by_test_id("send-saved")
    expect(send).to_have_text(re.compile(r"Gửi tất cả 3 bản nháp lên lãnh đạo phường"))
    expect(next_step.locator(f'a[href="{owed_path}"]')).to_be_visible()
    assert {s.status for s in Submission.objects.filter(period=period)} == {Submission.Status.DRAFT}
    page.screenshot(path=screenshots_dir / "bulk-01-excel-next-step-canbo1.png", full_page=True)
    send.click()

    expect(page).to_have_url(f"{live_server.url}{owed_path}")
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi 3 thôn, tổ dân phố lên lãnh đạo phường")
    expect(page.get_by_test_id("bulk-refused")).to_have_count(0)
    for hood in hoods:
        expect(page.locator(f'tr[data-unit="{hood.pk}"]')).to_contain_text("Đã gửi")
    expect(page.locator("input[name=submission]")).to_have_count(0)  # nothing left to send
    page.screenshot(path=screenshots_dir / "bulk-02-grid-all-sent-canbo1.png", full_page=True)
    submissions = list(Submission.objects.filter(period=period))
    assert len(submissions) == 3 and {s.status for s in submissions} == {Submission.Status.SUBMITTED}
    _logout(page)

    # --- phuong1 ticks them all, confirms on the list, approves in one action ------------------------------
    login("phuong1")
    page.goto(f"{live_server.url}{review_path}")
    expect(page.locator("h1")).to_contain_text("Kết quả chờ duyệt")
    select_all = page.locator("#select-all-submitted")
    expect(select_all).to_be_visible()  # shown once the page's script runs
    page.locator('label[for="select-all-submitted"]').click()
    for submission in submissions:
        expect(page.locator(f"#approve-{submission.pk}")).to_be_checked()
    approve = page.locator("#bulk-approve button[type=submit]")
    expect(approve).to_contain_text("Duyệt các đơn vị đã chọn")
    expect(approve).to_contain_text("3")
    page.screenshot(path=screenshots_dir / "bulk-03-review-all-ticked-phuong1.png", full_page=True)
    approve.click()

    confirm = page.get_by_test_id("approve-confirm")
    expect(confirm).to_be_visible()
    for hood in hoods:
        expect(confirm).to_contain_text(hood.name)
    assert {s.status for s in Submission.objects.filter(period=period)} == {Submission.Status.SUBMITTED}
    page.screenshot(path=screenshots_dir / "bulk-04-confirm-phuong1.png", full_page=True)
    final = confirm.locator("button[name=confirm]")
    expect(final).to_have_text(re.compile(r"Duyệt 3 đơn vị"))
    final.click()

    expect(page).to_have_url(f"{live_server.url}{review_path}")
    expect(page.locator(".alert-success")).to_contain_text("Đã duyệt 3 đơn vị")
    for submission in submissions:
        expect(page.locator(f'tr[data-submission="{submission.pk}"]')).to_contain_text("Đã duyệt")
    page.screenshot(path=screenshots_dir / "bulk-05-approved-phuong1.png", full_page=True)
    assert {s.status for s in Submission.objects.filter(period=period)} == {Submission.Status.APPROVED}
    for submission in submissions:
        actions = list(HistoryEntry.objects.for_object(submission).values_list("action", flat=True))
        assert sorted(actions) == ["approve", "submit"]
