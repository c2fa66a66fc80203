"""The reminder before re-assessment: the staff and leaders of a ward with titles expiring within 60 days are told
once per title, in their daily digest (added to the task digest when there is one), and by e-mail."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from campaigns.movement.models import Campaign, Notification, Recognition, Task
from campaigns.movement.services.title_reminders import REMIND_ACTION, title_reminders_send
from campaigns.movement.tasks import send_task_reminders
from portal.models import HistoryEntry

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 20, 7, 0, tzinfo=HANOI), tick=False):
        yield


def title(ward, hood, valid_until, status="confirmed", year=2025):
    extra = {}
    if status == "withdrawn":
        extra = {"withdrawal_number": "5/QĐ", "withdrawn_on": date(2026, 3, 1), "withdrawal_reason": "Lý do"}
    return Recognition.objects.create(
        ward=ward,
        neighbourhood=hood,
        year=year,
        title="Phố kiểu mẫu",
        status=status,
        decision_number="1234/QĐ-UBND",
        decision_date=date(2025, 12, 15),
        valid_until=valid_until,
        **extra,
    )


def digests(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=Notification.Kind.DIGEST).order_by("day"))


def test_the_wards_staff_and_leaders_are_told_once_per_title(
    world, ward_a, hood_a, staff_a, leader_a, staff_b, city_leader, mailoutbox
):
    staff_a.email, leader_a.email = "hoa@example.vn", ""
    staff_a.save(update_fields=["email"])
    leader_a.save(update_fields=["email"])
    expiring = title(ward_a, hood_a, date(2027, 1, 19))  # 60 days on

    counts = title_reminders_send()

    assert counts == {"titles": 1, "created": 2, "added_to": 0, "emailed": 1, "email_failed": 0}
    for user in (staff_a, leader_a):
        (digest,) = digests(user)
        assert "Tổ dân phố Đình Hương 1 (Phường Hạc Thành)" in digest.body and "19/01/2027" in digest.body
        assert "còn 60 ngày" in digest.body
    assert not digests(staff_b) and not digests(city_leader)
    assert [m.to for m in mailoutbox] == [["hoa@example.vn"]]
    assert HistoryEntry.objects.filter(object_id=expiring.pk, action=REMIND_ACTION).count() == 1

    assert title_reminders_send()["titles"] == 0  # the same day again
    with time_machine.travel(datetime(2026, 11, 21, 7, 0, tzinfo=HANOI), tick=False):
        assert title_reminders_send()["titles"] == 0  # and the next day
    assert len(digests(staff_a)) == 1 and len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("valid_until", "status", "reminded"),
    [
        (TODAY + timedelta(days=61), "confirmed", False),
        (TODAY + timedelta(days=60), "confirmed", True),
        (TODAY, "confirmed", True),
        (TODAY - timedelta(days=1), "confirmed", False),  # expired: too late to remind
        (TODAY + timedelta(days=30), "withdrawn", False),
        (None, "confirmed", False),
    ],
)
def test_only_valid_titles_ending_within_60_days(world, ward_a, hood_a, staff_a, valid_until, status, reminded):
    title(ward_a, hood_a, valid_until, status)
    assert title_reminders_send()["titles"] == int(reminded)
    assert bool(digests(staff_a)) is reminded


def test_the_lines_join_the_task_digest_of_the_day(world, ward_a, hood_a, staff_a, leader_a):
    campaign = Campaign.objects.create(
        name="Tháng cao điểm", city=ward_a.city, start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    Task.objects.create(
        campaign=campaign, title="Dọn ngõ 12", ward=ward_a, start=date(2026, 11, 1), due=date(2026, 11, 21)
    )
    title(ward_a, hood_a, date(2026, 12, 31))

    with translation.override("en"):
        result = send_task_reminders.delay().get()

    assert result["digests"] == 1 and result["titles"]["titles"] == 1 and result["titles"]["added_to"] == 1
    (digest,) = digests(staff_a)
    assert "Dọn ngõ 12" in digest.body and "Tổ dân phố Đình Hương 1" in digest.body
    assert "danh hiệu sắp đến hạn đánh giá lại" in digest.title
    assert digest.read_at is None
    assert len(digests(leader_a)) == 1  # a new digest: the leader had no task of their own


def test_a_fixed_number_of_queries_whatever_the_number_of_titles(world, ward_a, hood_a, django_assert_max_num_queries):
    from tests.factories import NeighbourhoodFactory

    title(ward_a, hood_a, date(2026, 12, 31))
    with django_assert_max_num_queries(20) as first:
        title_reminders_send()
    small = len(first.captured_queries)
    for i in range(10):
        title(ward_a, NeighbourhoodFactory(ward=ward_a, name=f"Phố {i}"), date(2026, 12, 31))
    HistoryEntry.objects.filter(action=REMIND_ACTION).delete()
    Notification.objects.all().delete()
    with django_assert_max_num_queries(small):  # a few per person told, none per title
        assert title_reminders_send()["titles"] == 11
