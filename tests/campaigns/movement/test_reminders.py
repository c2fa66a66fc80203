"""Daily task reminders: who hears of which task, once a day, the escalation after 7 days, e-mail,
the Hà Nội date at midnight, the Celery task and beat row, and the notification page."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from campaigns.movement import reminders
from campaigns.movement.models import Campaign, Notification, Task
from campaigns.movement.reminders import reminders_send
from campaigns.movement.tasks import send_task_reminders
from tests.factories import MembershipFactory, UserFactory
from wards.models import Membership

Role = Membership.Role
TODAY = date(2026, 11, 21)


def _vi(text_fn):
    """What the job writes: its texts in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return text_fn()


def _overdue_by(days: int) -> str:
    return _vi(lambda: ngettext("overdue by %(days)d day", "overdue by %(days)d days", days) % {"days": days})


@pytest.fixture
def campaign(city):
    return Campaign.objects.create(
        name="Tháng cao điểm vệ sinh môi trường", city=city, start=date(2026, 1, 1), end=date(2026, 12, 31)
    )


@pytest.fixture
def make_task(campaign):
    def make(title, ward, due, *, assignee=None, status=Task.Status.OPEN, neighbourhood=None):
        return Task.objects.create(
            campaign=campaign,
            title=title,
            ward=ward,
            neighbourhood=neighbourhood,
            assignee=assignee,
            start=due - timedelta(days=30),
            due=due,
            status=status,
        )

    return make


@pytest.fixture
def staff_a2(ward_a):
    user = UserFactory(username="canbo1b", first_name="Lan")
    MembershipFactory(user=user, role=Role.WARD_STAFF, ward=ward_a)
    return user


@pytest.fixture
def leader_b(ward_b):
    user = UserFactory(username="phuong2", first_name="Nam")
    MembershipFactory(user=user, role=Role.WARD_LEADER, ward=ward_b)
    return user


def _digest(user, day=TODAY):
    return Notification.objects.get(user=user, day=day, kind=Notification.Kind.DIGEST)


# --- who is reminded ---------------------------------------------------------------


def test_assignee_else_every_staff_member_of_the_ward(make_task, ward_a, ward_b, staff_a, staff_a2, leader_a, staff_b):
    make_task("Treo băng rôn", ward_a, TODAY + timedelta(days=1), assignee=staff_a)
    make_task("Dọn ngõ 12", ward_a, TODAY + timedelta(days=2))
    make_task("Kiểm tra an toàn thực phẩm", ward_b, TODAY)

    counts = reminders_send(today=TODAY)

    assert counts["digests"] == 3
    assert counts["escalations"] == 0
    body_a = _digest(staff_a).body
    assert "Treo băng rôn" in body_a and "Dọn ngõ 12" in body_a
    assert "Kiểm tra an toàn thực phẩm" not in body_a
    body_a2 = _digest(staff_a2).body
    assert "Dọn ngõ 12" in body_a2 and "Treo băng rôn" not in body_a2  # assigned to someone else
    body_b = _digest(staff_b).body
    assert "Kiểm tra an toàn thực phẩm" in body_b
    assert "Treo băng rôn" not in body_b and "Dọn ngõ 12" not in body_b  # another ward's tasks
    assert not Notification.objects.filter(user=leader_a).exists()  # leaders are not ward staff


def test_one_digest_listing_due_within_3_days_and_overdue(make_task, ward_a, hood_a, staff_a):
    make_task("Quá hạn", ward_a, TODAY - timedelta(days=2), assignee=staff_a, status=Task.Status.IN_PROGRESS)
    make_task("Hôm nay", ward_a, TODAY, assignee=staff_a, neighbourhood=hood_a)
    make_task("Ba ngày nữa", ward_a, TODAY + timedelta(days=3), assignee=staff_a)
    make_task("Bốn ngày nữa", ward_a, TODAY + timedelta(days=4), assignee=staff_a)
    make_task("Đã xong", ward_a, TODAY - timedelta(days=1), assignee=staff_a, status=Task.Status.DONE)
    make_task("Đã huỷ", ward_a, TODAY + timedelta(days=1), assignee=staff_a, status=Task.Status.CANCELLED)

    counts = reminders_send(today=TODAY)

    assert counts["digests"] == 1
    assert Notification.objects.filter(user=staff_a).count() == 1
    digest = _digest(staff_a)
    assert digest.title == _vi(
        lambda: ngettext("%(count)d task needs you today", "%(count)d tasks need you today", 3) % {"count": 3}
    )
    for title in ("Quá hạn", "Hôm nay", "Ba ngày nữa"):
        assert title in digest.body
    for title in ("Bốn ngày nữa", "Đã xong", "Đã huỷ"):
        assert title not in digest.body
    overdue_line = next(line for line in digest.body.splitlines() if "Quá hạn" in line)
    assert "19/11/2026" in overdue_line and _overdue_by(2) in overdue_line
    today_line = next(line for line in digest.body.splitlines() if "Hôm nay" in line)
    assert "21/11/2026" in today_line and hood_a.name in today_line  # the unit: the neighbourhood
    assert _vi(lambda: gettext("due today")) in today_line
    assert digest.read_at is None


def test_a_staff_member_of_two_wards_gets_one_digest(make_task, ward_a, ward_b, staff_a):
    MembershipFactory(user=staff_a, role=Role.WARD_STAFF, ward=ward_b)
    make_task("Phường A", ward_a, TODAY)
    make_task("Phường B", ward_b, TODAY + timedelta(days=1))

    reminders_send(today=TODAY)

    body = _digest(staff_a).body
    assert "Phường A" in body and "Phường B" in body
    assert Notification.objects.count() == 1


def test_nothing_to_remind_sends_nothing(make_task, ward_a, staff_a, mailoutbox):
    make_task("Còn xa", ward_a, TODAY + timedelta(days=10))
    assert reminders_send(today=TODAY)["digests"] == 0
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_inactive_people_get_nothing(make_task, ward_a, staff_a, staff_a2):
    staff_a2.is_active = False
    staff_a2.save()
    make_task("Dọn ngõ 12", ward_a, TODAY)
    reminders_send(today=TODAY)
    assert list(Notification.objects.values_list("user_id", flat=True)) == [staff_a.pk]


# --- once a day ------------------------------------------------------------------------


def test_running_twice_the_same_day_sends_nothing_twice(make_task, ward_a, staff_a, leader_a, mailoutbox):
    staff_a.email = "hoa@example.vn"
    staff_a.save()
    make_task("Quá hạn lâu", ward_a, TODAY - timedelta(days=10))

    first = reminders_send(today=TODAY)
    second = reminders_send(today=TODAY)

    assert (first["digests"], first["escalations"], first["emailed"]) == (1, 1, 1)
    assert (second["digests"], second["escalations"], second["emailed"], second["already_sent"]) == (0, 0, 0, 2)
    assert Notification.objects.count() == 2
    assert len(mailoutbox) == 1

    reminders_send(today=TODAY + timedelta(days=1))  # the next day: a new digest
    assert Notification.objects.filter(user=staff_a, kind=Notification.Kind.DIGEST).count() == 2


def test_the_unique_constraint_guards_against_a_concurrent_run(make_task, ward_a, staff_a, monkeypatch, mailoutbox):
    """Another worker inserts between this run's read of what exists and its own insert."""
    staff_a.email = "hoa@example.vn"
    staff_a.save()
    make_task("Dọn ngõ 12", ward_a, TODAY)
    create = reminders._create

    def racing_create(message, today, title, body):
        Notification.objects.create(user=message.user, day=today, kind=message.kind, title="other worker", body="")
        return create(message, today, title, body)

    monkeypatch.setattr(reminders, "_create", racing_create)

    counts = reminders_send(today=TODAY)

    assert (counts["digests"], counts["already_sent"], counts["emailed"]) == (0, 1, 0)
    assert _digest(staff_a).title == "other worker"
    assert mailoutbox == []


def test_a_fixed_number_of_reads_whatever_the_number_of_tasks(make_task, ward_a, ward_b, staff_a, staff_b, leader_a):
    def queries_for(n_tasks: int, day: date) -> int:
        make_task(f"Quá hạn lâu {day}", ward_a, day - timedelta(days=10))  # an escalation on both days
        for i in range(n_tasks):
            make_task(f"Việc {day} {i}", ward_a if i % 2 else ward_b, day - timedelta(days=i % 12))
        with CaptureQueriesContext(connection) as ctx:
            reminders_send(today=day)
        return len(ctx.captured_queries)

    few = queries_for(3, TODAY)
    many = queries_for(30, TODAY + timedelta(days=20))
    assert few == many  # same three notifications (staff_a, staff_b, leader_a), tenfold the tasks
    assert Notification.objects.filter(day=TODAY).count() == 3


# --- escalation -----------------------------------------------------------------------


def test_escalation_only_after_more_than_7_days_overdue(make_task, ward_a, ward_b, staff_a, leader_a, leader_b):
    make_task("Quá hạn đúng 7 ngày", ward_a, TODAY - timedelta(days=7))

    counts = reminders_send(today=TODAY)

    assert counts["escalations"] == 0
    assert not Notification.objects.filter(kind=Notification.Kind.ESCALATION).exists()
    assert _overdue_by(7) in _digest(staff_a).body


def test_escalation_after_8_days_goes_to_the_ward_leader_only(
    make_task, ward_a, ward_b, staff_a, leader_a, leader_b, staff_b, city_leader
):
    make_task("Quá hạn đúng 7 ngày", ward_a, TODAY - timedelta(days=7))
    make_task("Quá hạn 8 ngày", ward_a, TODAY - timedelta(days=8), assignee=staff_a)
    make_task("Quá hạn 9 ngày", ward_a, TODAY - timedelta(days=9))

    counts = reminders_send(today=TODAY)

    assert counts["escalations"] == 1
    escalation = Notification.objects.get(kind=Notification.Kind.ESCALATION)
    assert escalation.user == leader_a
    assert "Quá hạn 8 ngày" in escalation.body and _overdue_by(8) in escalation.body
    assert "Quá hạn 9 ngày" in escalation.body
    assert "Quá hạn đúng 7 ngày" not in escalation.body
    assert not Notification.objects.filter(user__in=[leader_b, staff_b, city_leader]).exists()
    assert not Notification.objects.filter(user=staff_a, kind=Notification.Kind.ESCALATION).exists()


# --- e-mail ---------------------------------------------------------------------------------


def test_email_once_and_only_to_people_with_an_address(make_task, ward_a, staff_a, staff_a2, mailoutbox):
    staff_a.email = "hoa@example.vn"
    staff_a.save()
    make_task("Dọn ngõ 12", ward_a, TODAY + timedelta(days=1))

    reminders_send(today=TODAY)
    reminders_send(today=TODAY)

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["hoa@example.vn"]
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.subject == _digest(staff_a).title
    assert "Dọn ngõ 12" in email.body
    assert _digest(staff_a).emailed is True
    assert _digest(staff_a2).emailed is False


def test_a_failed_email_keeps_the_notification(make_task, ward_a, staff_a, monkeypatch):
    staff_a.email = "hoa@example.vn"
    staff_a.save()
    make_task("Dọn ngõ 12", ward_a, TODAY)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(reminders, "send_mail", broken)

    counts = reminders_send(today=TODAY)

    assert (counts["digests"], counts["emailed"], counts["email_failed"]) == (1, 0, 1)
    assert _digest(staff_a).emailed is False


# --- the date in Hà Nội ----------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 20, 17, 30, tzinfo=UTC), tick=False)  # 21/11 00:30 in Hà Nội
def test_the_day_is_the_hanoi_day_after_midnight(make_task, ward_a, staff_a):
    make_task("Hạn 21/11", ward_a, date(2026, 11, 21), assignee=staff_a)
    make_task("Hạn 20/11", ward_a, date(2026, 11, 20), assignee=staff_a)

    reminders_send()

    digest = _digest(staff_a, day=date(2026, 11, 21))
    line = next(line for line in digest.body.splitlines() if "Hạn 21/11" in line)
    assert _vi(lambda: gettext("due today")) in line
    assert _vi(lambda: gettext("due tomorrow")) not in digest.body
    assert _overdue_by(1) in next(line for line in digest.body.splitlines() if "Hạn 20/11" in line)


# --- Celery ------------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 21, 7, 0, tzinfo=reminders.timezone.get_default_timezone()), tick=False)
def test_the_celery_task_runs_the_reminders(make_task, ward_a, staff_a):
    make_task("Dọn ngõ 12", ward_a, TODAY)

    result = send_task_reminders.delay()

    assert result.get()["digests"] == 1
    assert _digest(staff_a, day=TODAY)


@pytest.mark.django_db
def test_the_beat_schedule_is_daily_at_7_in_hanoi():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.select_related("crontab").get(task="campaigns.movement.tasks.send_task_reminders")
    assert task.enabled
    assert (
        task.crontab.minute,
        task.crontab.hour,
        task.crontab.day_of_month,
        task.crontab.month_of_year,
        task.crontab.day_of_week,
    ) == ("0", "7", "*", "*", "*")
    assert str(task.crontab.timezone) == "Asia/Ho_Chi_Minh"


# --- the notification page -----------------------------------------------------------------------


@pytest.fixture
def notification_urls():
    """The notification pages are mounted under /results/ in the campaigns namespace."""
    return reverse("campaigns:notifications")


@pytest.fixture
def two_notifications(staff_a, staff_b):
    mine = Notification.objects.create(
        user=staff_a, day=TODAY, kind=Notification.Kind.DIGEST, title="Việc của Hoa", body="• Dọn ngõ 12"
    )
    theirs = Notification.objects.create(
        user=staff_b, day=TODAY, kind=Notification.Kind.DIGEST, title="Việc của Minh", body="• Treo băng rôn"
    )
    return mine, theirs


def test_the_page_lists_only_my_notifications(client, notification_urls, staff_a, two_notifications):
    client.force_login(staff_a)
    response = client.get(reverse("campaigns:notifications"))
    assert response.status_code == 200
    assert "Việc của Hoa" in response.text and "Dọn ngõ 12" in response.text
    assert "Việc của Minh" not in response.text


def test_marking_read_is_a_post_on_my_own(client, notification_urls, staff_a, two_notifications):
    mine, theirs = two_notifications
    client.force_login(staff_a)
    url = reverse("campaigns:notification-read", args=[mine.pk])

    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("campaigns:notifications")
    mine.refresh_from_db()
    assert mine.read_at is not None

    assert client.post(reverse("campaigns:notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_goes_back_only_to_this_site(client, notification_urls, staff_a, two_notifications):
    mine, _theirs = two_notifications
    client.force_login(staff_a)
    url = reverse("campaigns:notification-read", args=[mine.pk])
    assert client.post(url, {"next": "https://evil.example/"}).url == reverse("campaigns:notifications")
    back = reverse("campaigns:notifications") + "?page=1"
    assert client.post(url, {"next": back}).url == back


def test_anonymous_is_sent_to_log_in(client, notification_urls, two_notifications):
    mine, _theirs = two_notifications
    for url in (reverse("campaigns:notifications"), reverse("campaigns:notification-read", args=[mine.pk])):
        response = client.get(url) if url.endswith("notifications/") else client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    mine.refresh_from_db()
    assert mine.read_at is None


def test_unread_badge_tag_counts_mine_in_one_query(staff_a, two_notifications, django_assert_num_queries):
    mine, _theirs = two_notifications
    template = Template("{% load movement %}{% unread_notifications as n %}{{ n }}")
    with django_assert_num_queries(1):
        assert template.render(Context({"user": staff_a})) == "1"
    mine.read_at = reminders.timezone.now()
    mine.save()
    assert template.render(Context({"user": staff_a})) == "0"
