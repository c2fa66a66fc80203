"""The demo's campaign under way is built around the day it is loaded: it must load on any day of a month,
including the first ones (its overdue tasks fall due before the month began)."""

from datetime import date

import pytest

from campaigns.movement.models import Task
from portal.management.demo import movement as movement_demo


@pytest.mark.django_db
@pytest.mark.parametrize("today", [date(2026, 12, 1), date(2027, 1, 9), date(2028, 2, 29), date(2026, 11, 30)])
def test_the_current_campaign_loads_on_any_day(city, ward_a, ward_b, today):
    counts = {"campaigns": 0, "tasks": 0}
    movement_demo._current_campaign(city, [ward_a, ward_b], today, counts)
    assert counts == {"campaigns": 1, "tasks": 8}
    tasks = Task.objects.filter(campaign__name__startswith="Ra quân")
    assert all(t.start <= t.due for t in tasks)
    assert tasks.filter(due__lt=today).count() == 4, "two overdue tasks per ward, for the reminders"
