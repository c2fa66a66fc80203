"""A city leader in a real browser: dashboard → criterion → neighbourhood's evidence; builds and downloads a report."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from campaigns.results.models import Evidence, Period
from tests.reports.conftest import criteria_set as criteria_set  # noqa: F401 - fixture
from tests.reports.conftest import enter

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def province(city_leader, ward_a, hood_a, hood_b, criteria_set):  # noqa: F811
    from campaigns.results import periods

    with time_machine.travel("2026-11-20 10:00 +07:00", tick=True):
        periods.periods_ensure(2026)
    november = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11)
    submission = enter(hood_a, november, met=False)
    result = submission.results.get(indicator__code="II.1")
    Evidence.objects.create(
        result=result,
        file=SimpleUploadedFile("nha-van-hoa.png", _png()),
        original_name="nha-van-hoa.png",
        content_type="image/png",
        size=100,
    )
    enter(hood_b, november, met=True)
    return november


def test_city_leader_drills_down_to_evidence_and_gets_the_monthly_report(
    province, login, page, live_server, screenshots_dir
):
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=True):
        login("lanhdao")
        page.goto(f"{live_server.url}/dashboard/?period={province.pk}")
        expect(page.get_by_test_id("headline")).to_be_visible()
        page.screenshot(path=screenshots_dir / "dashboard-lanhdao.png", full_page=True)

        # Criterion II is missed by Tổ dân phố Đình Hương 1: follow it down to the evidence.
        page.get_by_test_id("criteria-table").get_by_role("link", name="II. Đời sống văn hóa").click()
        page.get_by_role("link", name="Tổ dân phố Đình Hương 1").click()
        expect(page.locator("h1")).to_contain_text("Đình Hương 1")
        evidence = page.get_by_role("link", name="nha-van-hoa.png")
        expect(evidence).to_be_visible()
        with page.expect_response(lambda r: "/results/evidence/" in r.url) as shown:
            evidence.click()
        assert shown.value.status == 200
        assert shown.value.headers["content-type"] == "image/png"

        # Build the monthly report now and wait for it.
        page.goto(f"{live_server.url}/dashboard/reports/")
        page.select_option("#month", str(province.pk))
        page.get_by_test_id("build-monthly").click()
        expect(page.locator("#report-state")).to_have_attribute("data-state", "done", timeout=60_000)
        page.screenshot(path=screenshots_dir / "report-ready.png", full_page=True)
        for testid, suffix in (("download-xlsx", ".xlsx"), ("download-pdf", ".pdf")):
            with page.expect_download() as download:
                page.get_by_test_id(testid).click()
            assert download.value.suggested_filename.endswith(suffix)
            assert download.value.path().stat().st_size > 1000
