"""A programme from authoring to the signed report, in a real browser (issue 11):

quantri authors a small "tổ dân phố kiểu mẫu" set by uploading its YAML (preview, then save); canbo1 finds it
as a second tab beside the văn hóa set, enters a neighbourhood's results against it and sends them; phuong1
approves; lanhdao sees it on the city dashboard under that programme and builds the month's report of it.

The clock is the real one (the current month), as in the other browser journeys.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import CriteriaSet, Indicator, Programme
from campaigns.results.models import Submission
from campaigns.results.periods import current_month
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

HOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"
NAME = "Tổ dân phố kiểu mẫu (thử nghiệm)"
SMALL_SET = {
    "code": "e2e-kieu-mau",
    "name": NAME,
    "level": "neighbourhood",
    "document": {"number": "77/2026/QĐ-UBND", "issuer": "UBND tỉnh (ví dụ)"},
    "effective_from": "2024-01-01",
    "criteria": [
        {
            "number": "1",
            "name": "Môi trường xanh, sạch",
            "short": "Môi trường",
            "indicators": [
                {"code": "KM1.1", "name": "Tỷ lệ hộ phân loại rác tại nguồn", "kind": "percent", "threshold": 80}
            ],
        },
        {
            "number": "2",
            "name": "An ninh, trật tự",
            "short": "An ninh",
            "indicators": [{"code": "KM2.1", "name": "Có tổ an ninh tự quản hoạt động", "kind": "boolean"}],
        },
    ],
}


def _logout(page):
    page.locator('form[action="/logout/"] button').click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_a_set_authored_in_the_portal_is_entered_approved_and_reported(
    admin_user, staff_a, leader_a, city_leader, hood_a, ward_a, login, page, live_server, screenshots_dir
):
    criteria_set_load_file(HOOD_SET)  # the văn hóa set: the new programme comes beside it
    period = current_month()

    # --- quantri uploads the set, looks at the preview, saves ------------------------------------------------
    login("quantri")
    page.goto(live_server.url + reverse("campaigns:set-upload"))
    page.fill("#id_text", yaml.safe_dump(SMALL_SET, allow_unicode=True, sort_keys=False))
    page.locator("form button[type=submit].btn-primary").click()
    expect(page.locator("button[name=action][value=save]")).to_be_visible()
    expect(page.locator("body")).to_contain_text("KM1.1")
    page.screenshot(path=screenshots_dir / "programme-01-preview-quantri.png", full_page=True)
    page.locator("button[name=action][value=save]").click()
    authored = CriteriaSet.objects.get(code="e2e-kieu-mau")
    expect(page).to_have_url(re.compile(reverse("campaigns:set-detail", args=[authored.pk]) + "$"))
    programme = Programme.objects.get(criteria_code="e2e-kieu-mau")
    _logout(page)

    # --- canbo1 enters a neighbourhood's results in the new programme and sends them ---------------------------
    login("canbo1")
    owed = reverse("campaigns:owed", args=[ward_a.code, period.pk])
    page.goto(live_server.url + owed)
    tabs = page.get_by_role("navigation", name=re.compile("Chương trình|Programmes"))
    expect(tabs).to_contain_text(NAME)
    tabs.get_by_role("link", name=NAME).click()
    expect(page.locator('a[aria-current="page"]')).to_have_text(NAME)
    row = page.locator(f'tr[data-unit="{hood_a.pk}"]')
    row.get_by_role("link", name=hood_a.name).click()
    expect(page).to_have_url(re.compile(rf"programme={programme.code}"))
    indicators = {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=authored)}
    page.get_by_label("KM1.1. Tỷ lệ hộ phân loại rác tại nguồn", exact=True).fill("86,5")
    page.get_by_label("KM2.1. Có tổ an ninh tự quản hoạt động", exact=True).select_option("1")
    page.screenshot(path=screenshots_dir / "programme-02-entry-canbo1.png", full_page=True)
    page.locator("#entry-form button[name=submit]").click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    submission = Submission.objects.get(neighbourhood=hood_a, period=period, programme=programme)
    assert submission.status == Submission.Status.SUBMITTED and submission.is_complete
    assert submission.results.get(indicator=indicators["KM1.1"]).value == 86.5
    assert not Submission.objects.filter(neighbourhood=hood_a, period=period).exclude(programme=programme).exists()
    _logout(page)

    # --- phuong1 approves ---------------------------------------------------------------------------------------
    login("phuong1")
    entry = reverse("campaigns:entry-neighbourhood", args=[period.pk, hood_a.pk])
    page.goto(f"{live_server.url}{entry}?programme={programme.code}")
    page.locator(f'form[action="/results/submission/{submission.pk}/approve/"] button').click()
    expect(page.locator(".alert-success")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    _logout(page)

    # --- lanhdao reads the city dashboard of the programme and builds its monthly report --------------------
    login("lanhdao")
    page.goto(f"{live_server.url}{reverse('reports:dashboard')}?programme={programme.code}&period={period.pk}")
    expect(page.locator("h1")).to_contain_text(NAME)
    ward_row = page.locator("tr", has_text=ward_a.name).first
    expect(ward_row).to_be_visible()
    page.screenshot(path=screenshots_dir / "programme-03-dashboard-lanhdao.png", full_page=True)
    page.goto(live_server.url + reverse("reports:report-list"))
    build = page.locator("#build-monthly")
    build.locator("select[name=programme]").select_option(programme.code)
    build.locator("select[name=period]").select_option(str(period.pk))
    build.get_by_test_id("build-monthly").click()
    report = Report.objects.filter(programme=programme, kind=Report.Kind.MONTHLY, ward__isnull=True).latest("pk")
    expect(page.locator("body")).to_contain_text(NAME)
    page.screenshot(path=screenshots_dir / "programme-04-report-lanhdao.png", full_page=True)
    report.refresh_from_db()
    assert report.state == Report.State.DONE
    assert report.snapshot["programme"]["code"] == programme.code
    totals = report.snapshot["totals"]  # hood_a, the one unit, reported, approved and meeting the set
    assert (totals["units"], totals["reported"], totals["approved"], totals["complete"]) == (1, 1, 1, 1)
