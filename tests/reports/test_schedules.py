"""The schedules in the portal: in words and with their next run on the Báo cáo page, changed by
administrators without cron text; and a report page that says when no worker is there to build it."""

from datetime import datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from campaigns.results import periods
from campaigns.results.models import Period
from portal.models import Heartbeat, HistoryEntry
from reports import schedules
from reports.models import Report

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=HANOI)
MONTHLY = "reports.tasks.build_monthly_reports"
ANNUAL = "reports.tasks.build_annual_reports"
REMINDERS = "campaigns.movement.tasks.send_task_reminders"
SWEEP = "reports.tasks.expire_report_builds"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tasks(db):
    """The rows the data migrations create (a transactional test elsewhere may have flushed them)."""
    for module, step in (
        ("reports.migrations.0002_schedules", "create"),
        ("reports.migrations.0006_lease_sweep_schedule", "create"),
        ("campaigns.migrations.0004_reminder_schedule", "create"),
        ("campaigns.movement.migrations.0002_reminder_task_name", "forward"),
    ):
        getattr(import_module(module), step)(apps, None)
    return {t.task: t for t in PeriodicTask.objects.select_related("crontab")}


@pytest.fixture
def broker(settings):
    """A deployment with Redis: tasks go to a worker instead of running in the request (nothing is sent here)."""
    from celery import current_app

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    current_app.conf.task_always_eager = False
    yield
    current_app.conf.task_always_eager = True  # as tests/conftest.py has it


def _edit(pk: int) -> str:
    return reverse("reports:schedule-edit", args=[pk])


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("reports:report-list"))
    assert response.status_code == 200
    return response.content.decode()


# --- in words, with the next run ---------------------------------------------------------------------


def test_each_schedule_reads_in_vietnamese_with_its_next_run(tasks):
    rows = {row.task.task: row for row in schedules.rows(timezone.now())}

    assert set(rows) == {MONTHLY, ANNUAL, REMINDERS}  # the housekeeping sweep is not shown
    assert rows[MONTHLY].description == "Ngày 6 hằng tháng, lúc 02:00"
    assert rows[ANNUAL].description == "Ngày 10 tháng 1 hằng năm, lúc 03:00"
    assert rows[REMINDERS].description == "Hằng ngày lúc 07:00"
    assert rows[MONTHLY].next_run == datetime(2026, 12, 6, 2, 0, tzinfo=HANOI)
    assert rows[ANNUAL].next_run == datetime(2027, 1, 10, 3, 0, tzinfo=HANOI)
    assert rows[REMINDERS].next_run == datetime(2026, 11, 21, 7, 0, tzinfo=HANOI)


def test_the_next_run_is_after_a_run_that_just_started(tasks):
    monthly = tasks[MONTHLY]

    assert schedules.next_run(monthly, datetime(2026, 12, 6, 2, 0, 30, tzinfo=HANOI)) == datetime(
        2027, 1, 6, 2, 0, tzinfo=HANOI
    )
    assert schedules.next_run(monthly, datetime(2026, 12, 6, 1, 59, tzinfo=HANOI)) == datetime(
        2026, 12, 6, 2, 0, tzinfo=HANOI
    )


def test_a_schedule_only_the_admin_site_can_write_is_not_shown_as_cron(tasks):
    monthly = tasks[MONTHLY]
    monthly.crontab = CrontabSchedule.objects.create(
        minute="0,30", hour="2", day_of_month="6", month_of_year="*", day_of_week="*", timezone="Asia/Ho_Chi_Minh"
    )
    monthly.save()

    assert schedules.describe(monthly.crontab) == "Lịch riêng, đặt trong trang quản trị hệ thống"
    assert schedules.next_run(monthly, timezone.now()) == datetime(2026, 12, 6, 2, 0, tzinfo=HANOI)


def test_the_report_list_shows_the_schedules_to_a_city_leader_without_a_way_to_change_them(client, tasks, city_leader):
    page = _page(client, city_leader)

    assert "Lịch lập báo cáo tự động" in page
    assert "Ngày 6 hằng tháng, lúc 02:00" in page and "06/12/2026 02:00" in page
    assert "Ngày 10 tháng 1 hằng năm, lúc 03:00" in page and "10/01/2027 03:00" in page
    assert "Hằng ngày lúc 07:00" in page and "21/11/2026 07:00" in page
    assert "0 2 6" not in page and "Lập lại báo cáo bị treo" not in page
    assert 'data-testid="schedule-edit"' not in page


def test_an_administrator_gets_a_link_to_change_each_schedule(client, city, tasks, admin_user):
    page = _page(client, admin_user)

    for task in (MONTHLY, ANNUAL, REMINDERS):
        assert _edit(tasks[task].pk) in page
    assert _edit(tasks[SWEEP].pk) not in page


# --- changing a schedule -------------------------------------------------------------------------------


def test_an_administrator_moves_the_monthly_build_and_the_next_run_moves(client, city, tasks, admin_user):
    monthly = tasks[MONTHLY]
    shared = PeriodicTask.objects.create(name="Sao lưu", task="portal.tasks.backup", crontab=monthly.crontab)
    client.force_login(admin_user)

    form = client.get(_edit(monthly.pk)).content.decode()
    assert 'name="day" value="6"' in form and 'name="hour" value="2"' in form and 'name="month"' not in form
    response = client.post(_edit(monthly.pk), {"day": "15", "hour": "4", "minute": "30", "enabled": "on"})

    assert response.status_code == 302
    monthly.refresh_from_db()
    crontab = monthly.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week) == (
        "30",
        "4",
        "15",
        "*",
        "*",
    )
    assert str(crontab.timezone) == "Asia/Ho_Chi_Minh"
    assert monthly.enabled and monthly.last_run_at is None
    assert schedules.next_run(monthly, timezone.now()) == datetime(2026, 12, 15, 4, 30, tzinfo=HANOI)
    shared.refresh_from_db()
    assert shared.crontab.day_of_month == "6"  # a crontab row other tasks use is left alone
    entry = HistoryEntry.objects.for_object(monthly).get()
    assert entry.user == admin_user
    assert entry.changes == {"schedule": ["Ngày 6 hằng tháng, lúc 02:00", "Ngày 15 hằng tháng, lúc 04:30"]}
    page = client.get(response["Location"]).content.decode()
    assert "Ngày 15 hằng tháng, lúc 04:30" in page and "15/12/2026 04:30" in page
    assert "sẽ chạy lần tới vào 15/12/2026 04:30" in page


def test_the_annual_build_takes_a_month_and_the_reminders_only_a_time(client, tasks, admin_user):
    client.force_login(admin_user)

    assert 'name="day"' not in client.get(_edit(tasks[REMINDERS].pk)).content.decode()
    client.post(_edit(tasks[REMINDERS].pk), {"hour": "6", "minute": "15", "enabled": "on"})
    client.post(_edit(tasks[ANNUAL].pk), {"day": "20", "month": "2", "hour": "3", "minute": "0", "enabled": "on"})

    rows = {row.task.task: row for row in schedules.rows(timezone.now())}
    assert rows[REMINDERS].description == "Hằng ngày lúc 06:15"
    assert rows[REMINDERS].next_run == datetime(2026, 11, 21, 6, 15, tzinfo=HANOI)
    assert rows[ANNUAL].description == "Ngày 20 tháng 2 hằng năm, lúc 03:00"
    assert rows[ANNUAL].next_run == datetime(2027, 2, 20, 3, 0, tzinfo=HANOI)


def test_a_schedule_switched_off_has_no_next_run(client, city, tasks, admin_user):
    client.force_login(admin_user)

    client.post(_edit(tasks[MONTHLY].pk), {"day": "6", "hour": "2", "minute": "0"})

    monthly = PeriodicTask.objects.get(pk=tasks[MONTHLY].pk)
    assert not monthly.enabled
    assert schedules.next_run(monthly, timezone.now()) is None
    assert HistoryEntry.objects.for_object(monthly).get().changes == {"state": ["Đang bật", "Đã tắt"]}
    row = _page(client, admin_user).split(f'data-testid="schedule-{monthly.pk}"')[1].split("</tr>")[0]
    assert "Đã tắt" in row and "06/12/2026" not in row


@pytest.mark.parametrize(
    ("post", "typed", "message"),
    [
        ({"day": "31", "hour": "2", "minute": "0"}, 'name="day" value="31"', "từ 1 đến 28"),
        ({"day": "6", "hour": "25", "minute": "0"}, 'name="hour" value="25"', "Nhập giờ bằng số, từ 0 đến 23."),
        ({"day": "mồng sáu", "hour": "2", "minute": "0"}, 'name="day" value="mồng sáu"', "từ 1 đến 28"),
        ({"day": "6", "hour": "2", "minute": ""}, 'name="minute"', "Nhập phút bằng số, từ 0 đến 59."),
    ],
)
def test_wrong_input_is_shown_back_as_typed_with_a_vietnamese_message(client, tasks, admin_user, post, typed, message):
    monthly = tasks[MONTHLY]
    client.force_login(admin_user)

    response = client.post(_edit(monthly.pk), {**post, "enabled": "on"})

    assert response.status_code == 200
    page = response.content.decode()
    assert typed in page and message in page
    assert "* * *" not in page
    monthly.refresh_from_db()
    assert monthly.crontab.day_of_month == "6" and monthly.crontab.hour == "2"
    assert not HistoryEntry.objects.for_object(monthly).exists()


@pytest.mark.parametrize("who", ["city_leader", "staff_a", "leader_a"])
def test_only_administrators_change_schedules(client, tasks, request, who):
    monthly = tasks[MONTHLY]
    client.force_login(request.getfixturevalue(who))

    assert client.get(_edit(monthly.pk)).status_code == 403
    assert client.post(_edit(monthly.pk), {"day": "1", "hour": "1", "minute": "1"}).status_code == 403
    monthly.refresh_from_db()
    assert monthly.crontab.day_of_month == "6"


def test_anonymous_is_sent_to_login(client, tasks):
    response = client.get(_edit(tasks[MONTHLY].pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_other_periodic_tasks_cannot_be_reached_by_their_number(client, tasks, admin_user):
    sweep = tasks[SWEEP]
    client.force_login(admin_user)

    assert client.get(_edit(sweep.pk)).status_code == 404
    assert client.post(_edit(sweep.pk), {"day": "1", "hour": "1", "minute": "1", "enabled": "on"}).status_code == 404
    assert client.get(_edit(max(t.pk for t in tasks.values()) + 100)).status_code == 404
    sweep.refresh_from_db()
    assert sweep.crontab.minute == "*"


# --- is a worker there? -----------------------------------------------------------------------------------


@pytest.fixture
def queued(city):
    periods.periods_ensure(2026)
    october = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=10)
    return Report.objects.create(kind=Report.Kind.MONTHLY, city=city, period=october, state=Report.State.QUEUED)


def _seen(name: str, ago: timedelta) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now() - ago})


def _state(client, user, report, **headers) -> str:
    client.force_login(user)
    return client.get(reverse("reports:report-detail", args=[report.pk]), headers=headers).content.decode()


def test_a_report_waiting_for_a_worker_gone_for_long_says_so(client, broker, city_leader, queued):
    _seen("worker", timedelta(minutes=10))

    for page in (_state(client, city_leader, queued), _state(client, city_leader, queued, HX_Request="true")):
        assert "Chưa có tiến trình xử lý nền nào hoạt động từ 09:50 20/11" in page
        assert "báo cáo sẽ được lập khi tiến trình chạy lại. Hãy báo quản trị viên." in page
        assert "spinner-border" not in page and 'hx-trigger="every 30s"' in page


def test_a_report_waiting_for_a_worker_never_seen_says_so(client, broker, city_leader, queued):
    page = _state(client, city_leader, queued)

    assert "Chưa có tiến trình xử lý nền nào hoạt động; báo cáo sẽ được lập khi tiến trình chạy." in page


def test_a_report_waiting_while_a_worker_is_alive_just_waits(client, broker, city_leader, queued):
    _seen("worker", timedelta(seconds=40))

    page = _state(client, city_leader, queued)

    assert "Đang chờ xử lý…" in page and 'hx-trigger="every 2s"' in page
    assert "Chưa có tiến trình xử lý nền" not in page


def test_without_a_broker_no_worker_is_expected(client, city_leader, queued):
    _seen("worker", timedelta(days=3))

    page = _state(client, city_leader, queued)

    assert "Đang chờ xử lý…" in page and "Chưa có tiến trình xử lý nền" not in page


# --- what the report list promises ---------------------------------------------------------------------------


def test_without_a_queue_the_list_says_reports_are_built_on_demand(client, tasks, city_leader):
    page = _page(client, city_leader)

    assert "báo cáo được lập khi có người bấm “Lập ngay”" in page
    assert "Worker, beat and Redis" in page
    assert "được lập tự động" not in page


def test_with_a_queue_the_list_promises_the_schedule_and_warns_when_beat_is_gone(client, broker, tasks, city_leader):
    _seen("worker", timedelta(seconds=5))
    _seen("beat", timedelta(hours=2))

    page = _page(client, city_leader)

    assert "được lập tự động" in page and "Lập ngay”" not in page.split("Lịch lập báo cáo tự động")[0]
    assert "Bộ lập lịch (celery beat) không hoạt động từ 08:00 20/11" in page
    assert 'data-testid="worker-silent"' not in page


def test_with_a_queue_and_both_alive_the_list_warns_of_nothing(client, broker, tasks, city_leader):
    _seen("worker", timedelta(seconds=5))
    _seen("beat", timedelta(seconds=5))

    page = _page(client, city_leader)

    assert 'data-testid="worker-silent"' not in page and 'data-testid="beat-silent"' not in page
