"""A month's results in a real browser: staff enter and submit, the leader returns, staff correct, the leader
approves, and approved results stay as they are, even against a forged POST.

The pages are used in the portal's default language (Vietnamese, no language cookie). Selectors do not
depend on the wording: labels of the indicators (their code and name, which come from the criteria file),
element ids, data-testid, form actions and button names; where a wording is checked, the Vietnamese
and the English one are both accepted.
"""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.results.models import Evidence, Result, Submission
from campaigns.results.periods import current_month
from tests.factories import ProfileFactory
from wards.models import Profile

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

HOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"
# "Lưu và gửi duyệt" / "Save and submit": found by its name attribute, its wording only has to look right.
SAVE_AND_SUBMIT = "#entry-form button[name=submit]"
SAVE_AND_SUBMIT_TEXT = re.compile(r"Lưu và gửi|Save and submit", re.IGNORECASE)
# Above every threshold of the set (I.1 ≥ 90, II.2 ≥ 98, II.4 ≥ 90), written the Vietnamese way.
PERCENTS = {"I.1": "95,5", "II.2": "99", "II.4": "92"}
REASON = "Chưa có ảnh nhà văn hóa; tỷ lệ nếp sống văn minh (II.4) cần kiểm tra lại"


@pytest.fixture
def month(staff_a, leader_a, hood_a, hood_b):
    """The neighbourhood set, this month's period and the cast (canbo1, phuong1, Đình Hương 1)."""
    criteria_set, _outcome = criteria_set_load_file(HOOD_SET)
    period = current_month()
    if not Profile.objects.filter(neighbourhood=hood_a, year=period.year).exists():  # hood_a has 2026's
        ProfileFactory(neighbourhood=hood_a, year=period.year)
    indicators = {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=criteria_set)}
    return {"period": period, "hood": hood_a, "ind": indicators}


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "nha-van-hoa.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def _logout(page):
    page.locator('form[action="/logout/"] button').click()
    expect(page).to_have_url(re.compile(r"/login/"))


def _value_box(page, indicator):
    return page.get_by_label(f"{indicator.code}. {indicator.name}", exact=True)


def _met_badge(page, indicator):
    return page.locator(".indicator", has=page.locator(f"#id_v_{indicator.pk}")).locator(".met-badge")


def _submission(hood, period):
    return Submission.objects.get(neighbourhood=hood, period=period)


def test_results_are_entered_returned_corrected_and_approved(month, login, page, live_server, screenshots_dir, photo):
    period, hood, ind = month["period"], month["hood"], month["ind"]
    entry_path = f"/results/entry/{period.pk}/neighbourhood/{hood.pk}/"
    owed_path = f"/results/ward/14797/{period.pk}/"

    # --- canbo1 enters the month and submits it -------------------------------------------------
    login("canbo1")
    page.locator(f'[data-ward="14797"] a[href="{owed_path}"]').click()  # the home page's "results" button
    expect(page).to_have_url(f"{live_server.url}{owed_path}")
    row = page.locator(f'tr[data-unit="{hood.pk}"]')
    expect(row).to_contain_text("Đình Hương")
    page.screenshot(path=screenshots_dir / "results-01-owed-canbo1.png", full_page=True)
    row.get_by_role("link", name=re.compile("Đình Hương")).click()
    expect(page).to_have_url(f"{live_server.url}{entry_path}")

    entered = [i for i in ind.values() if not i.source]
    assert len(entered) == 11
    for indicator in entered:
        box = _value_box(page, indicator)
        expect(box).to_be_enabled()
        if indicator.kind == IndicatorKind.BOOLEAN:
            box.select_option("1")  # Có
        else:
            box.fill(PERCENTS[indicator.code])
    expect(_value_box(page, ind["I.2"])).to_be_disabled()  # from the neighbourhood's profile
    # The page judges while typing: 95,5 ≥ 90 is met.
    expect(_met_badge(page, ind["I.1"])).to_have_class(re.compile(r"text-bg-success"))
    page.locator(f'input[type=file][name="f_{ind["II.1"].pk}"]').set_input_files(photo)
    page.screenshot(path=screenshots_dir / "results-02-entry-filled.png", full_page=True)
    expect(page.locator(SAVE_AND_SUBMIT)).to_have_text(SAVE_AND_SUBMIT_TEXT)
    page.locator(SAVE_AND_SUBMIT).click()
    expect(page).to_have_url(f"{live_server.url}{owed_path}")
    expect(page.locator(".alert-danger")).to_have_count(0)

    submission = _submission(hood, period)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.is_complete, submission.missing
    assert Result.objects.get(submission=submission, indicator=ind["I.1"]).value == Decimal("95.5")
    evidence = Evidence.objects.get(result__submission=submission)
    assert evidence.result.indicator == ind["II.1"] and evidence.content_type == "image/png"
    _logout(page)

    # --- phuong1 sees it waiting and returns it with a reason ----------------------------------------
    login("phuong1")
    waiting = page.get_by_test_id("to-review")
    expect(waiting).to_contain_text(hood.name)
    page.screenshot(path=screenshots_dir / "results-03-home-phuong1-to-review.png", full_page=True)
    waiting.get_by_role("link", name=re.compile("Đình Hương")).click()
    expect(page).to_have_url(f"{live_server.url}{entry_path}")
    expect(_value_box(page, ind["I.1"])).to_be_disabled()  # a leader reads, does not type
    # The evidence is there, and opens for the leader.
    photo_link = page.locator(f'a[href="/results/evidence/{evidence.pk}/"]')
    expect(photo_link).to_contain_text("nha-van-hoa.png")
    download = page.request.get(f"{live_server.url}/results/evidence/{evidence.pk}/")
    assert download.status == 200 and download.headers["content-type"] == "image/png"
    assert download.body() == photo.read_bytes()
    page.fill("#return-reason", REASON)
    page.screenshot(path=screenshots_dir / "results-04-review-phuong1.png", full_page=True)
    page.locator(f'form[action="/results/submission/{submission.pk}/return/"] button').click()
    expect(page.get_by_test_id("return-reason")).to_contain_text(REASON)
    assert _submission(hood, period).status == Submission.Status.RETURNED
    _logout(page)

    # --- canbo1 reads the reason at home, corrects a value, submits again ---------------------------
    login("canbo1")
    returned = page.get_by_test_id("returned")
    expect(returned).to_contain_text(REASON)
    page.screenshot(path=screenshots_dir / "results-05-home-canbo1-returned.png", full_page=True)
    returned.get_by_role("link", name=re.compile("Đình Hương")).click()
    expect(page).to_have_url(f"{live_server.url}{entry_path}")
    expect(page.get_by_test_id("return-reason")).to_contain_text(REASON)
    box = _value_box(page, ind["II.4"])
    expect(box).to_have_value("92")
    box.fill("93,5")
    page.locator("#id_reason").fill("Kiểm tra lại theo danh sách hộ")
    page.locator(SAVE_AND_SUBMIT).click()
    expect(page).to_have_url(f"{live_server.url}{owed_path}")
    submission = _submission(hood, period)
    assert submission.status == Submission.Status.SUBMITTED
    assert Result.objects.get(submission=submission, indicator=ind["II.4"]).value == Decimal("93.5")
    _logout(page)

    # --- phuong1 approves ----------------------------------------------------------------------------
    login("phuong1")
    page.get_by_test_id("to-review").get_by_role("link", name=re.compile("Đình Hương")).click()
    expect(page).to_have_url(f"{live_server.url}{entry_path}")
    expect(_value_box(page, ind["II.4"])).to_have_value("93,5")
    with page.expect_navigation():
        page.locator(f'form[action="/results/submission/{submission.pk}/approve/"] button').click()
    expect(page.locator("#entry-form button[type=submit]")).to_have_count(0)
    assert _submission(hood, period).status == Submission.Status.APPROVED
    page.screenshot(path=screenshots_dir / "results-06-approved-phuong1.png", full_page=True)
    _logout(page)

    # --- canbo1: the approved month is read only, and a forged POST changes nothing --------------------
    login("canbo1")
    expect(page.get_by_test_id("returned")).to_have_count(0)
    page.goto(f"{live_server.url}{entry_path}")
    for indicator in ind.values():
        expect(_value_box(page, indicator)).to_be_disabled()
    expect(page.locator("#entry-form input[type=file]")).to_have_count(0)
    expect(page.locator(SAVE_AND_SUBMIT)).to_have_count(0)
    page.screenshot(path=screenshots_dir / "results-07-approved-canbo1-readonly.png", full_page=True)

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    i1 = Result.objects.get(submission=submission, indicator=ind["I.1"])
    forged = page.request.post(
        f"{live_server.url}{entry_path}",
        form={
            "csrfmiddlewaretoken": token,
            f"v_{ind['I.1'].pk}": "10",
            f"ver_{ind['I.1'].pk}": str(i1.version),
            f"v_{ind['II.4'].pk}": "5",
            "submit": "",
        },
    )
    assert forged.status == 200  # the form again, saying the results can no longer be changed
    reopen = page.request.post(
        f"{live_server.url}/results/submission/{submission.pk}/reopen/",
        form={"csrfmiddlewaretoken": token, "reason": "tự mở lại"},
    )
    assert reopen.status == 403
    i1.refresh_from_db()
    assert i1.value == Decimal("95.5") and i1.version == 1
    assert Result.objects.get(submission=submission, indicator=ind["II.4"]).value == Decimal("93.5")
    assert _submission(hood, period).status == Submission.Status.APPROVED
