"""Report builds never hang: a build holds its scope and period only for a lease, and a broker that is
down is said so on the page, with nothing left blocking."""

import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerError

from reports import services
from reports.models import Report
from tests.reports.conftest import enter

# The clock of the `frozen_today` fixture (tests/reports/conftest.py) that `months` turns on.
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
LEASE = 600
QUEUE_TIMEOUT = 1800
STOPPED = "Tiến trình lập báo cáo đã dừng giữa chừng; đã lập lại."
NO_QUEUE = "Không kết nối được hàng đợi xử lý; vui lòng thử lại sau."


@pytest.fixture(autouse=True)
def _leases(settings):
    settings.REPORT_BUILD_LEASE_SECONDS = LEASE
    settings.REPORT_QUEUE_TIMEOUT_SECONDS = QUEUE_TIMEOUT


@pytest.fixture
def november(ward_a, hood_a, hood_b, months):
    enter(hood_a, months[11], met=True)
    enter(hood_b, months[11], met=False)
    return months[11]


def after(seconds: float):
    """The clock, still frozen, this many seconds after NOW."""
    return time_machine.travel(NOW + timedelta(seconds=seconds), tick=False)


def _request(city, period, ward=None):
    return services.report_request(kind=Report.Kind.MONTHLY, city=city, ward=ward, period=period)


def _abandoned_build(city, period, ward=None) -> Report:
    """A worker took the build, then was killed: the report says running and nothing will finish it."""
    report, queued = _request(city, period, ward)  # the task waits for a commit that never comes here
    assert queued and services._claim(report.pk)
    report.refresh_from_db()
    assert report.state == Report.State.RUNNING
    return report


# --- a claim carries a lease --------------------------------------------------------------------


def test_a_claim_holds_the_build_for_the_lease_and_a_queued_build_for_the_queue_timeout(city, november):
    report, _ = _request(city, november)
    report.refresh_from_db()
    assert report.lease_until == NOW + timedelta(seconds=QUEUE_TIMEOUT)
    with after(30):
        services._claim(report.pk)
    report.refresh_from_db()
    assert report.lease_until == NOW + timedelta(seconds=30 + LEASE)


def test_a_running_build_within_its_lease_still_blocks_a_new_one(city, november):
    dead = _abandoned_build(city, november)
    with after(LEASE - 1):
        report, queued = _request(city, november)
    assert not queued and report.pk == dead.pk


def test_a_killed_workers_build_does_not_block_the_next_request_and_ends_failed(
    city, november, django_capture_on_commit_callbacks
):
    dead = _abandoned_build(city, november)
    with after(LEASE + 1), django_capture_on_commit_callbacks(execute=True):
        report, queued = _request(city, november)
    dead.refresh_from_db()
    report.refresh_from_db()
    assert queued and report.pk != dead.pk
    assert dead.state == Report.State.FAILED and dead.error == STOPPED and not dead.is_current
    assert report.state == Report.State.DONE and report.is_current


def test_a_queued_build_whose_task_was_lost_is_replaced_after_the_queue_timeout(city, november):
    lost, _ = _request(city, november)  # its task never reaches a worker
    with after(QUEUE_TIMEOUT - 1):
        assert _request(city, november) == (lost, False)
    with after(QUEUE_TIMEOUT + 1):
        report, queued = _request(city, november)
    lost.refresh_from_db()
    assert queued and report.state == Report.State.QUEUED
    assert lost.state == Report.State.FAILED and lost.error == STOPPED


def test_a_pending_build_from_before_leases_is_taken_for_dead(city, november):
    stuck = _abandoned_build(city, november)
    Report.objects.filter(pk=stuck.pk).update(lease_until=None)
    report, queued = _request(city, november)
    stuck.refresh_from_db()
    assert queued and stuck.state == Report.State.FAILED


def test_a_worker_that_outlives_its_lease_leaves_the_build_to_its_replacement(city, november):
    """The worker was only slow: by the time it writes the files another build has taken over."""
    report, _ = _request(city, november)
    builder = services.BUILDERS[Report.Kind.MONTHLY]
    replacements = []

    def slow(**kwargs):
        with after(LEASE + 1):
            replacements.append(_request(city, november))
        return builder(**kwargs)

    with mock.patch.dict(services.BUILDERS, {Report.Kind.MONTHLY: slow}):
        result = services.report_build(report_id=report.pk)  # claimed at NOW, for LEASE seconds
    [(replacement, queued)] = replacements
    report.refresh_from_db()
    assert queued and result.pk == report.pk
    assert report.state == Report.State.FAILED and report.error == STOPPED
    assert not report.is_current and not report.pdf
    assert Report.objects.get(pk=replacement.pk).state == Report.State.QUEUED


def test_a_lost_connection_does_not_requeue_a_build_that_was_replaced(city, november):
    dead = _abandoned_build(city, november)
    with after(LEASE + 1):
        replacement, _ = _request(city, november)
        assert services.report_requeue(report_id=dead.pk) is False
    dead.refresh_from_db()
    assert dead.state == Report.State.FAILED
    assert list(Report.objects.pending()) == [replacement]


# --- the sweep ---------------------------------------------------------------------------------------


def test_the_sweep_fails_dead_builds_and_queues_them_again(city, ward_a, november, django_capture_on_commit_callbacks):
    from reports.tasks import expire_report_builds

    dead = _abandoned_build(city, november)
    with after(LEASE - 60):
        alive, _ = _request(city, november, ward=ward_a)
    with after(LEASE + 1), django_capture_on_commit_callbacks(execute=True):
        assert expire_report_builds.delay().get() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == Report.State.FAILED and dead.error == STOPPED
    rebuilt = Report.objects.current().get(ward=None, period=november)
    assert rebuilt.state == Report.State.DONE and rebuilt.pk != dead.pk
    assert alive.state == Report.State.QUEUED  # its queue timeout has not run out


def test_the_page_of_a_dead_build_stops_polling_and_follows_the_new_one(client, city_leader, city, november):
    dead = _abandoned_build(city, november)
    client.force_login(city_leader)
    url = reverse("reports:report-detail", args=[dead.pk])
    assert b"hx-trigger" in client.get(url, HTTP_HX_REQUEST="true").content
    with after(LEASE + 1):
        [rebuilt] = services.report_sweep()
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="failed"' in fragment and "hx-trigger" not in fragment
    assert STOPPED in fragment
    assert reverse("reports:report-detail", args=[rebuilt.pk]) in fragment


def test_the_sweep_is_a_schedule_row_every_minute(db):
    from importlib import import_module

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = import_module("reports.migrations.0006_lease_sweep_schedule")
    PeriodicTask.objects.filter(task="reports.tasks.expire_report_builds").delete()
    migration.create(apps, None)
    migration.create(apps, None)  # twice: nothing doubled
    task = PeriodicTask.objects.select_related("crontab").get(task="reports.tasks.expire_report_builds")
    assert task.enabled and (task.crontab.minute, task.crontab.hour) == ("*", "*")


# --- the broker is down ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_build_now_with_the_broker_down_says_so_and_blocks_nothing(client, city_leader, city, november):
    """On commit the task is sent at once here (no test transaction), as in a real request."""
    from portal.celery import app
    from reports.tasks import build_report

    app.conf.task_always_eager = False  # a broker is asked (the autouse fixture puts it back)
    client.force_login(city_leader)
    form = {"kind": "monthly", "period": november.pk}
    with mock.patch.object(build_report, "delay", side_effect=BrokerError("Error 111 connecting. Connection refused.")):
        response = client.post(reverse("reports:report-build"), form, follow=True)
    failed = Report.objects.get()
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("reports:report-detail", args=[failed.pk]), 302)]
    assert NO_QUEUE in [str(m) for m in response.context["messages"]]
    assert failed.state == Report.State.FAILED and failed.error == NO_QUEUE

    with mock.patch.object(build_report, "delay") as sent:  # the broker is back
        response = client.post(reverse("reports:report-build"), form)
    queued = Report.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and queued.state == Report.State.QUEUED
    sent.assert_called_once_with(queued.pk)


@pytest.mark.django_db(transaction=True)
def test_a_document_number_is_saved_with_the_broker_down(client, city_leader, city, november):
    from portal.celery import app
    from reports.tasks import render_report_pdf

    report, _ = _request(city, november)  # built at once: still eager
    app.conf.task_always_eager = False
    client.force_login(city_leader)
    with mock.patch.object(render_report_pdf, "delay", side_effect=BrokerError("Connection refused.")):
        response = client.post(
            reverse("reports:report-number", args=[report.pk]), {"number": "15/BC-UBND"}, follow=True
        )
    report.refresh_from_db()
    assert response.status_code == 200 and report.number == "15/BC-UBND" and report.state == Report.State.DONE
    assert NO_QUEUE in [str(m) for m in response.context["messages"]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _python(code: str, drop: tuple[str, ...] = (), **env: str) -> tuple[list[str], str]:
    """Run `code` in a fresh process with this environment: what it `said()`, and its stderr."""
    drop += ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_TASK_ALWAYS_EAGER", "DEBUG")
    base = {name: value for name, value in os.environ.items() if name not in drop}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); said = lambda *a: print('said:', *a)\n{code}"],
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", "SECRET_KEY": "lease-test", **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = [line.removeprefix("said: ") for line in result.stdout.splitlines() if line.startswith("said: ")]
    return said, result.stderr


def test_sending_a_build_to_a_broker_that_is_down_fails_within_seconds():
    """Before, the Redis result store was retried for 19 s inside the request, then gave a RuntimeError."""
    dead = f"redis://127.0.0.1:{_free_port()}/0"
    code = (
        "import time; from reports.tasks import build_report; start = time.monotonic()\n"
        "try:\n    build_report.delay(0)\n"
        "except Exception as exc:\n    said(type(exc).__module__, type(exc).__name__)\n"
        "said(time.monotonic() - start)"
    )
    said, stderr = _python(code, DEBUG="1", CELERY_BROKER_URL=dead, CELERY_RESULT_BACKEND=dead)
    assert said[:1] == ["kombu.exceptions OperationalError"], stderr
    assert float(said[1]) < 5


def test_production_never_builds_inside_a_request():
    """Eager tasks only on an explicit setting, by default only in development without a broker."""
    show = "from django.conf import settings; said(settings.CELERY_TASK_ALWAYS_EAGER)"
    broker = "redis://127.0.0.1:6379/0"
    assert _python(show, DEBUG="1")[0] == ["True"]  # make run
    assert _python(show, DEBUG="1", CELERY_BROKER_URL=broker)[0] == ["False"]
    assert _python(show)[0] == ["False"]  # the tests' own settings (DEBUG off, no broker)
    assert _python(show, DEBUG="1", CELERY_BROKER_URL=broker, CELERY_TASK_ALWAYS_EAGER="1")[0] == ["True"]
    said, stderr = _python(show, drop=("PYTEST_VERSION",))  # DEBUG off, outside the tests: production
    # DEBUG off without a broker: refused at start (portal/environment.py), or at least never eager.
    assert said == ["False"] or "ImproperlyConfigured" in stderr, stderr
