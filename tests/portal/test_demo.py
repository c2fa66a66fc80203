"""`make run` loads the demo: it must be complete, safe to run twice, and its accounts must work."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from campaigns.movement.models import Campaign, Commitment, PartyCellRating, Recognition, Task
from campaigns.results.models import Evidence, Period, Submission
from reports.models import Report
from wards.models import Neighbourhood, Profile, Ward

ACCOUNTS = ("quantri", "lanhdao", "canbo1", "canbo2", "phuong1")


def _counts():
    return [
        m.objects.count()
        for m in (
            Ward,
            Neighbourhood,
            Profile,
            Submission,
            Campaign,
            Task,
            Commitment,
            Recognition,
            PartyCellRating,
            Evidence,
            Report,
        )
    ]


@pytest.mark.django_db
@time_machine.travel("2026-11-22 09:00 +07:00", tick=False)
def test_the_demo_loads_once_and_its_accounts_log_in(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    _assert_a_leader_finds_reports_and_evidence()
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
        # Through the login page: the lockout backend (django-axes) needs the request that client.login() lacks.
        client.logout()
        response = client.post(reverse("login"), {"username": username, "password": "kieumau2024"})
        assert response.status_code == 302 and response["Location"] == reverse("home"), username


def _assert_a_leader_finds_reports_and_evidence():
    """What a leader opens first: a built report of a past month, and results with their evidence."""
    done = Report.objects.current().filter(state=Report.State.DONE, kind=Report.Kind.MONTHLY)
    past = done.filter(period__end__lt="2026-11-01", ward=None)
    assert {r.period.number for r in past} == {9, 10}, "the city's last two closed months"
    assert done.filter(ward__code="14797", period__number=10).exists(), "canbo1's ward, last month"
    for report in past:
        with report.pdf.open("rb") as pdf, report.xlsx.open("rb") as xlsx:
            assert pdf.read(4) == b"%PDF" and xlsx.read(2) == b"PK"
    assert Report.objects.current().filter(kind=Report.Kind.ANNUAL, period__year=2025, state="done").exists()
    assert not Report.objects.exclude(state=Report.State.DONE).exists()
    evidence = Evidence.objects.filter(result__submission__ward__code="14797").select_related("result__submission")
    assert {e.content_type for e in evidence} == {"image/png", "application/pdf"}
    assert len(evidence) >= 2 and all(e.result.submission.period.kind == Period.Kind.MONTH for e in evidence)
    assert all(e.file.size == e.size and e.uploaded_by.username == "canbo1" for e in evidence)
