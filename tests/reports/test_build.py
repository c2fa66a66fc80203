"""Reports are built once, from one read, replace the old one atomically, and fail without losing it."""

import os
import time
from unittest import mock

import pytest
from django.urls import reverse

from campaigns.results.models import Period
from reports import services
from reports.models import Report
from tests.reports.conftest import enter


@pytest.fixture
def november(ward_a, hood_a, hood_b, months):
    enter(hood_a, months[11], met=True)
    enter(hood_b, months[11], met=False)
    return months[11]


def _build(city, period, ward=None, user=None):
    report, queued = services.report_request(kind=Report.Kind.MONTHLY, city=city, ward=ward, period=period, user=user)
    return Report.objects.get(pk=report.pk), queued


def test_a_build_makes_one_current_report_with_both_files(city, november, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, queued = _build(city, november)
    report.refresh_from_db()
    assert queued and report.state == Report.State.DONE and report.is_current
    assert report.xlsx.name.endswith(".xlsx") and report.pdf.name.endswith(".pdf")
    assert report.snapshot["totals"]["units"] == 2


def test_building_twice_gives_one_current_report_and_the_same_snapshot(
    city, november, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = _build(city, november)
    with django_capture_on_commit_callbacks(execute=True):
        second, _ = _build(city, november)
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_current and second.is_current
    assert first.snapshot == second.snapshot and first.snapshot_hash == second.snapshot_hash
    assert Report.objects.current().filter(kind="monthly", city=city, ward=None, period=november).count() == 1


def test_a_request_while_one_is_pending_joins_it(city, november):
    first, queued_first = _build(city, november)  # the task waits for the commit that never comes in this test
    second, queued_second = _build(city, november)
    assert queued_first and not queued_second and first.pk == second.pk


def test_a_failed_build_keeps_the_previous_report_and_says_why(city, november, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        good, _ = _build(city, november)
    with (
        mock.patch("reports.exports.pdf_bytes", side_effect=RuntimeError("font missing")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        bad, _ = _build(city, november)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert bad.state == Report.State.FAILED and "font missing" in bad.error and not bad.is_current
    assert good.is_current and good.state == Report.State.DONE


def test_a_lost_connection_puts_the_build_back_for_a_retry(city, november):
    from django.db import OperationalError

    from reports.tasks import build_report

    report, _ = _build(city, november)
    failing = mock.Mock(side_effect=OperationalError("server closed"))
    with (
        mock.patch.dict(services.BUILDERS, {Report.Kind.MONTHLY: failing}),
        mock.patch.object(build_report, "retry", side_effect=RuntimeError("retry scheduled")) as retry,
    ):
        with pytest.raises(RuntimeError, match="retry scheduled"):
            build_report.run(report.pk)
    assert retry.called
    report.refresh_from_db()
    assert report.state == Report.State.QUEUED


def test_only_one_worker_claims_a_build(city, november):
    report, _ = _build(city, november)
    assert services._claim(report.pk) is True
    assert services._claim(report.pk) is False


def test_leaders_build_now_and_watch_the_state(client, city_leader, city, november, django_capture_on_commit_callbacks):
    client.force_login(city_leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report-build"), {"kind": "monthly", "period": november.pk})
    report = Report.objects.get()
    assert response["Location"] == reverse("reports:report-detail", args=[report.pk])
    fragment = client.get(reverse("reports:report-detail", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert b'data-state="done"' in fragment.content
    for fmt in ("xlsx", "pdf"):
        download = client.get(reverse("reports:report-file", args=[report.pk, fmt]))
        assert download.status_code == 200 and b"".join(download.streaming_content)


def test_report_scope(
    client, staff_a, leader_a, staff_b, city_leader, city, ward_a, november, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        city_report, _ = _build(city, november)
        ward_report, _ = _build(city, november, ward=ward_a)

    def files(report):
        return reverse("reports:report-file", args=[report.pk, "pdf"])

    def status(url):
        response = client.get(url)
        if response.streaming:
            # Reading a file response to its end closes the file (and, in the test client, nothing else).
            b"".join(response.streaming_content)
        return response.status_code

    client.force_login(staff_a)
    assert status(files(ward_report)) == 200
    assert status(files(city_report)) == 404  # the city report holds other wards' figures
    assert (
        client.post(
            reverse("reports:report-build"), {"kind": "monthly", "period": november.pk, "ward": ward_a.code}
        ).status_code
        == 403
    )
    client.force_login(staff_b)
    assert status(files(ward_report)) == 404
    assert client.get(reverse("reports:report-detail", args=[ward_report.pk])).status_code == 404
    client.force_login(leader_a)
    assert (
        client.post(
            reverse("reports:report-build"), {"kind": "monthly", "period": november.pk, "ward": ward_a.code}
        ).status_code
        == 302
    )
    client.force_login(city_leader)
    assert status(files(city_report)) == 200
    client.logout()
    assert status(files(ward_report)) == 302


def test_the_schedule_queues_last_months_reports(city, ward_a, ward_b, november):
    from datetime import date

    queued = services.scheduled_reports(kind=Report.Kind.MONTHLY, today=date(2026, 12, 6))
    assert {(r.ward_id, r.period_id) for r in queued} == {
        (None, november.pk),
        (ward_a.pk, november.pk),
        (ward_b.pk, november.pk),
    }


def test_schedules_are_editable_rows(db):
    """The migration stores the schedules as django-celery-beat rows an administrator can change."""
    from importlib import import_module

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = import_module("reports.migrations.0002_schedules")
    PeriodicTask.objects.all().delete()  # a transactional test may have flushed them already
    migration.create(apps, None)
    migration.create(apps, None)  # twice: nothing doubled
    tasks = dict(PeriodicTask.objects.values_list("task", "crontab__day_of_month"))
    assert tasks == {"reports.tasks.build_monthly_reports": "6", "reports.tasks.build_annual_reports": "10"}


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_through_redis(city, november, settings):
    """The one test with a real broker: a Celery worker process, started here, takes the task from Redis."""
    import subprocess
    import sys

    from django.db import connection

    if not os.environ.get("CELERY_BROKER_URL") or connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI runs this test with CELERY_BROKER_URL and a PostgreSQL DATABASE_URL")
        pytest.skip("needs CELERY_BROKER_URL (Redis) and DATABASE_URL (PostgreSQL), as in CI")
    from portal.celery import app

    db = connection.settings_dict
    env = {
        **os.environ,
        # The worker reads the test database and writes files where this test looks for them.
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": "broker-test",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "default,reports,reminders",  # as make worker: builds go to the reports queue
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app.conf.task_always_eager = False
    try:
        report, _ = _build(city, november)  # on_commit fires at once: no transaction is open here
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            report.refresh_from_db()
            if report.state in (Report.State.DONE, Report.State.FAILED):
                break
            time.sleep(0.3)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert report.state == Report.State.DONE, f"{report.state} {report.error}\n{output}"
    assert report.is_current and report.pdf


def test_annual_build(city, november, django_capture_on_commit_callbacks):
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = services.report_request(kind=Report.Kind.ANNUAL, city=city, ward=None, period=year)
    report.refresh_from_db()
    assert report.state == Report.State.DONE
    assert report.snapshot["kind"] == "annual"
