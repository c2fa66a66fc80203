"""What the accessibility tests share: the two screens, the small ward they read, the axe-core run, the
tap-target measurement, and how a failure is written out (tests/e2e/test_accessibility.py and
tests/e2e/test_accessibility_more.py).

axe-core (axe-playwright-python) is injected through the DevTools protocol, which the page's
Content-Security-Policy does not govern; the page fixture still fails a test on anything the policy refuses.
The data is a small ward in November 2026: neighbourhoods in every state of review, a criteria set with
yearly, percentage and yes/no indicators and evidence files, a campaign with an overdue task, a built report.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from campaigns.movement.models import Campaign, Notification, Target, Task, TaskUpdate
from campaigns.results import periods
from campaigns.results.models import Evidence, Period, Submission
from tests.factories import NeighbourhoodFactory, ProfileFactory
from tests.reports.conftest import criteria_set as criteria_set  # noqa: F401 - fixture
from tests.reports.conftest import enter

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
BLOCKING = {"critical", "serious"}
MIN_TARGET_PX = 44
AXE = Axe()


@pytest.fixture(autouse=True)
def _in_november():
    """The month, the overdue task and the report are relative to today: the day is fixed."""
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=True):
        yield


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 36), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _evidence(submission: Submission, code: str, name: str) -> Evidence:
    return Evidence.objects.create(
        result=submission.results.get(indicator__code=code),
        file=SimpleUploadedFile(name, png((180, 40, 40))),
        original_name=name,
        content_type="image/png",
        size=120,
    )


def _campaign(city, ward, hoods, author) -> dict:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="60 ngày cao điểm xây dựng phường kiểu mẫu",
        city=city,
        start=today - timedelta(days=30),
        end=today + timedelta(days=30),
        goal="Mỗi tổ dân phố có biển tuyên truyền và biển số nhà.",
        created_by=author,
    )
    campaign.wards.set([ward])
    signs = Target.objects.create(campaign=campaign, name="Lắp biển tuyên truyền", unit="biển", value=50)
    plates = Target.objects.create(campaign=campaign, name="Gắn biển số nhà", unit="nhà", value=400)
    common = {"campaign": campaign, "ward": ward, "start": today - timedelta(days=20)}
    overdue = Task.objects.create(
        **common,
        target=signs,
        title="Lắp 20 biển tuyên truyền tại Đình Hương 1",
        neighbourhood=hoods[0],
        due=today - timedelta(days=3),
        target_value=20,
        reached_value=12,
        status=Task.Status.IN_PROGRESS,
        progress=60,
    )
    TaskUpdate.objects.create(
        task=overdue, author=author, text="Đã lắp 12 biển tại ngõ 4 và ngõ 6", figure=12, progress=60
    )
    Task.objects.create(
        **common,
        target=plates,
        title="Gắn biển số cho mọi nhà ở Đình Hương 2",
        neighbourhood=hoods[1],
        due=today + timedelta(days=10),
        target_value=180,
        reached_value=90,
        status=Task.Status.IN_PROGRESS,
        progress=50,
    )
    Task.objects.create(
        **common,
        title="Hỗ trợ mỗi tổ dân phố 10 triệu đồng",
        due=today - timedelta(days=5),
        status=Task.Status.DONE,
        progress=100,
        completed_at=timezone.now() - timedelta(days=6),
    )
    return {"campaign": campaign, "task": overdue}


@pytest.fixture
def ward_world(city, ward_a, hood_a, hood_b, staff_a, leader_a, city_leader, admin_user, criteria_set):  # noqa: F811
    """Phường Hạc Thành in November 2026: one neighbourhood waiting for review, one returned, one approved,
    one not started; October all approved; a campaign with an overdue task; unread notifications."""
    periods.periods_ensure(2026)
    months = {p.number: p for p in Period.objects.filter(kind=Period.Kind.MONTH, year=2026)}
    hoods = [hood_a]
    for name, households in (("Tổ dân phố Đình Hương 2", 198), ("Tổ dân phố Thanh Sơn", 256), ("Thôn Đông Sơn", 171)):
        hood = NeighbourhoodFactory(ward=ward_a, name=name)
        ProfileFactory(neighbourhood=hood, year=2026, households=households, people=households * 3)
        hoods.append(hood)
    for hood in (*hoods, hood_b):
        enter(hood, months[10], met=hood != hoods[2])
    waiting = enter(hoods[0], months[11], met=False, status=Submission.Status.SUBMITTED)
    _evidence(waiting, "II.1", "nha-van-hoa-dinh-huong-1.png")
    returned = enter(hoods[1], months[11], met=False, status=Submission.Status.RETURNED, fail=("II.2", "II.4"))
    Submission.objects.filter(pk=returned.pk).update(
        return_reason="Chưa có ảnh nhà văn hóa; tỷ lệ trẻ em đến trường (II.2) cần kiểm tra lại"
    )
    _evidence(returned, "II.1", "san-the-thao.png")
    enter(hoods[2], months[11], met=True)
    enter(hood_b, months[11], met=True)
    for user in (staff_a, leader_a):
        Notification.objects.create(
            user=user,
            day=timezone.localdate(),
            kind=Notification.Kind.DIGEST,
            title="Việc cần làm hôm nay",
            body="1 nhiệm vụ quá hạn: Lắp 20 biển tuyên truyền tại Đình Hương 1",
        )
    return {
        "ward": ward_a,
        "hoods": hoods,
        "november": months[11],
        "october": months[10],
        "criteria_set": criteria_set,
        **_campaign(city, ward_a, hoods, admin_user),
    }


@pytest.fixture
def monthly_report(ward_world, city, city_leader):
    """October's city report, built now (Celery runs in-process in tests)."""
    from reports import services
    from reports.models import Report

    report, _queued = services.report_request(
        kind=Report.Kind.MONTHLY, city=city, ward=None, period=ward_world["october"], user=city_leader
    )
    report.refresh_from_db()
    assert report.state == Report.State.DONE, report.error
    return report


@dataclass(frozen=True)
class Screen:
    """A page under test: who reads it and how its address is made from the world."""

    name: str
    user: str | None  # None: read without logging in
    path: Callable[[pytest.FixtureRequest | None, dict], str]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}; {len(violation['nodes'])} node(s): "
            + "; ".join(targets)
            + (f" … and {more} more" if more > 0 else "")
        )
    return "\n".join(lines)


# Every control a finger may need, measured in the page. A link inside running text (a sentence, a list item,
# a table cell) is exempt, as in WCAG 2.5.8's "inline" exception: its height is the line's. A check box or
# radio button counts with its label, which toggles it. Disabled and hidden controls are not targets.
SMALL_TARGETS_JS = """
([min]) => {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const textual = 'p, li, td, th, dd, dt, caption, figcaption, label, .form-text, blockquote';
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && el.checkVisibility({checkOpacity: true, visibilityProperty: true});
  };
  const describe = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].slice(0, 3).join('.') : '';
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40);
    return el.tagName.toLowerCase() + id + cls + (text ? ' "' + text.replace(/\\s+/g, ' ') + '"' : '');
  };
  const offenders = [];
  for (const el of document.querySelectorAll(`main :is(${controls}), nav :is(${controls}), footer :is(${controls})`)) {
    if (el.disabled || !shown(el)) continue;
    const style = getComputedStyle(el);
    if (el.tagName === 'A' && style.display === 'inline' && el.closest(textual) && !el.closest('nav')) continue;
    let boxes = [el.getBoundingClientRect()];
    if (el.type === 'checkbox' || el.type === 'radio') {
      boxes = boxes.concat([...(el.labels || [])].filter(shown).map((label) => label.getBoundingClientRect()));
    }
    const height = Math.max(...boxes.map((b) => b.height));
    const width = Math.max(...boxes.map((b) => b.width));
    if (height < min - 0.5 || width < min - 0.5) {
      offenders.push(`${describe(el)}: ${Math.round(width)}×${Math.round(height)} px`);
    }
  }
  return offenders;
}
"""


def open_the_menu(page) -> None:
    """On a phone the navigation is folded behind its toggler: unfold it, so its links are measured too."""
    toggler = page.locator(".navbar-toggler")
    if toggler.count() and toggler.is_visible():
        toggler.click()
        expect(page.locator("#nav.collapse.show")).to_be_visible()


def blocking_violations(page) -> list[dict]:
    """axe-core's critical and serious violations on the page as it is now."""
    return [v for v in AXE.run(page).response["violations"] if v["impact"] in BLOCKING]


def small_targets(page) -> list[str]:
    """The controls under 44 px on the page, the folded menu unfolded first."""
    open_the_menu(page)
    return page.evaluate(SMALL_TARGETS_JS, [MIN_TARGET_PX])
