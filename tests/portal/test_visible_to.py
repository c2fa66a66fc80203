"""The QuerySets' visible_to(user): rows of another ward never come back, whatever the model's path to it."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from campaigns.movement.models import Campaign, Notification, Target, Task, TaskUpdate


@pytest.fixture
def world(city, ward_a, ward_b, staff_a):
    own = Campaign.objects.create(
        name="Ra quân tổng vệ sinh", city=city, ward=ward_a, start=date(2026, 11, 1), end=date(2026, 12, 31)
    )
    citywide = Campaign.objects.create(
        name="60 ngày cao điểm", city=city, start=date(2026, 3, 15), end=date(2026, 5, 15)
    )
    citywide.wards.set([ward_a, ward_b])
    own_target = Target.objects.create(campaign=own, name="Thùng rác", unit="thùng", value=20)
    city_target = Target.objects.create(campaign=citywide, name="Biển tuyên truyền", unit="biển", value=50)
    task = Task.objects.create(
        campaign=own, title="Dọn ngõ 12", ward=ward_a, start=date(2026, 11, 1), due=date(2026, 11, 20)
    )
    update = TaskUpdate.objects.create(task=task, author=staff_a, text="Đã dọn xong một nửa")
    note = Notification.objects.create(user=staff_a, day=date(2026, 11, 20), kind="digest", title="Việc", body="…")
    return {"own_target": own_target, "city_target": city_target, "task": task, "update": update, "note": note}


def test_ward_staff_see_their_own_ward_campaigns_targets_and_the_city_wide_ones(world, staff_a, staff_b):
    assert set(Target.objects.visible_to(staff_a)) == {world["own_target"], world["city_target"]}
    assert list(Target.objects.visible_to(staff_b)) == [world["city_target"]]


def test_another_wards_tasks_and_their_updates_do_not_come_back(world, staff_a, staff_b, city_leader):
    assert list(Task.objects.visible_to(staff_b)) == []
    assert list(TaskUpdate.objects.visible_to(staff_b)) == []
    assert list(TaskUpdate.objects.visible_to(staff_a)) == [world["update"]]
    assert list(TaskUpdate.objects.visible_to(city_leader)) == [world["update"]]


def test_notifications_are_their_owners_alone(world, staff_a, staff_b, admin_user):
    assert list(Notification.objects.visible_to(staff_a)) == [world["note"]]
    assert list(Notification.objects.visible_to(staff_b)) == []
    assert list(Notification.objects.visible_to(admin_user)) == []


def test_anonymous_users_see_nothing(world):
    anonymous = AnonymousUser()
    for model in (Campaign, Target, Task, TaskUpdate, Notification):
        assert not model.objects.visible_to(anonymous).exists()
