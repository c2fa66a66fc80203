"""`make run` loads the demo: it must be complete, safe to run twice, and its accounts must work."""

import io

import pytest
import time_machine
from django.core.management import call_command

from campaigns.movement.models import Campaign, Commitment, PartyCellRating, Recognition, Task
from campaigns.results.models import Submission
from wards.models import Neighbourhood, Profile, Ward

ACCOUNTS = ("quantri", "lanhdao", "canbo1", "canbo2", "phuong1")


def _counts():
    return [
        m.objects.count()
        for m in (Ward, Neighbourhood, Profile, Submission, Campaign, Task, Commitment, Recognition, PartyCellRating)
    ]


@pytest.mark.django_db
@time_machine.travel("2026-11-22 09:00 +07:00", tick=False)
def test_the_demo_loads_once_and_its_accounts_log_in(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first
    wards, hoods, _profiles, submissions, campaigns, tasks, *_ = first
    assert wards == 166 and hoods >= 8 * 6
    assert submissions > 500 and campaigns == 2 and tasks >= 12
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "approved"}
    assert Task.objects.overdue().exists() and Task.objects.filter(status="done").exists()
    assert Neighbourhood.objects.filter(name="Đình Hương 1", profiles__households=234, profiles__people=785).exists()
    for username in ACCOUNTS:
        assert client.login(username=username, password="kieumau2024"), username
