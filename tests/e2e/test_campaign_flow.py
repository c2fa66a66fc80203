"""A campaign task in a real browser: ward staff open an overdue task, post an update with a photo and mark it
done; the city leader sees the campaign's target move from 12 to 32 of 50.

Selectors use element ids, data-testid and form actions, never the wording (the portal runs in Vietnamese).
"""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from campaigns.movement.models import Campaign, Target, Task, TaskAttachment, TaskUpdate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture(autouse=True)
def _on_a_fixed_day():
    """The campaign's dates are relative to today; the day is fixed so the journey is the same every year."""
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=True):
        yield


@pytest.fixture
def campaign_world(city, ward_a, ward_b, hood_a, staff_a, city_leader, admin_user):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="60 ngày cao điểm xây dựng phường kiểu mẫu",
        city=city,
        start=today - timedelta(days=30),
        end=today + timedelta(days=30),
        goal="Mỗi tổ dân phố có biển tuyên truyền.",
        created_by=admin_user,
    )
    campaign.wards.set([ward_a, ward_b])
    signs = Target.objects.create(campaign=campaign, name="Lắp biển tuyên truyền", unit="biển", value=50)
    task = Task.objects.create(
        campaign=campaign,
        target=signs,
        title="Lắp 20 biển tuyên truyền tại Đình Hương 1",
        ward=ward_a,
        neighbourhood=hood_a,
        start=today - timedelta(days=20),
        due=today - timedelta(days=3),
        target_value=20,
        reached_value=12,
        status=Task.Status.IN_PROGRESS,
        progress=60,
    )
    return {"campaign": campaign, "signs": signs, "task": task}


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "bien-tuyen-truyen.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def _logout(page):
    page.locator('form[action="/logout/"] button').click()
    expect(page).to_have_url(re.compile(r"/login/"))


def _target_reached(page, signs):
    return page.get_by_test_id(f"target-{signs.pk}").get_by_test_id("target-reached")


def test_staff_update_an_overdue_task_and_the_leader_sees_the_target_move(
    campaign_world, login, page, live_server, screenshots_dir, photo
):
    campaign, signs, task = campaign_world["campaign"], campaign_world["signs"], campaign_world["task"]
    campaign_path = f"/results/campaigns/{campaign.pk}/"

    # The city leader reads the campaign: 12 of 50 signs so far.
    login("lanhdao")
    page.goto(f"{live_server.url}{campaign_path}")
    expect(_target_reached(page, signs)).to_have_text("12")
    expect(page.get_by_test_id(f"target-{signs.pk}").get_by_test_id("target-value")).to_have_text("50")
    _logout(page)

    # Ward staff find the task in their list: it stands out as overdue.
    login("canbo1")
    page.goto(f"{live_server.url}/results/tasks/")
    row = page.locator(f'tr[data-task="{task.pk}"]')
    expect(row).to_have_class(re.compile(r"table-danger"))
    expect(row.get_by_test_id("overdue")).to_be_visible()
    page.screenshot(path=screenshots_dir / "campaign-01-tasks-canbo1.png", full_page=True)
    with page.expect_navigation():
        row.locator("a").first.click()
    expect(page).to_have_url(f"{live_server.url}/results/tasks/{task.pk}/")
    expect(page.get_by_test_id("task-status").get_by_test_id("overdue")).to_be_visible()

    # They post what was done, with a photo.
    page.fill("#id_text", "Đã lắp thêm 20 biển tại ngõ 12 và ngõ 14")
    page.fill("#id_figure", "32")
    page.fill("#id_progress", "90")
    page.set_input_files("#id_files", photo)
    with page.expect_navigation():
        page.click("#update-form button[name=post]")
    expect(page).to_have_url(f"{live_server.url}/results/tasks/{task.pk}/")
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.get_by_test_id("task-reached")).to_contain_text("32")
    thumbnail = page.locator(".task-update img").first
    expect(thumbnail).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 64", arg=thumbnail.element_handle())
    page.screenshot(path=screenshots_dir / "campaign-02-task-updated.png", full_page=True)

    # And mark it done: it no longer stands out.
    with page.expect_navigation():
        page.check("#done-confirm")  # the confirmation the form asks for
        page.click("#done-form button[type=submit]")
    expect(page.get_by_test_id("task-status").get_by_test_id("overdue")).to_have_count(0)
    expect(page.locator("#done-form")).to_have_count(0)
    task.refresh_from_db()
    assert (task.status, task.progress, task.reached_value) == (Task.Status.DONE, 100, Decimal(32))
    assert TaskUpdate.objects.filter(task=task).count() == 1
    assert TaskAttachment.objects.get().original_name == "bien-tuyen-truyen.png"
    _logout(page)

    # The city leader sees the target move: 32 of 50.
    login("lanhdao")
    page.goto(f"{live_server.url}{campaign_path}")
    expect(_target_reached(page, signs)).to_have_text("32")
    row = page.locator(f'tr[data-task="{task.pk}"]')
    expect(row).not_to_have_class(re.compile(r"table-danger"))
    page.screenshot(path=screenshots_dir / "campaign-03-campaign-lanhdao.png", full_page=True)
