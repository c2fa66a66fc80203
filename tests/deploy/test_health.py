"""/healthz: the database, the broker, the worker's heartbeat and beat's tick, for a load balancer."""

import os
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery import signals
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from portal import health
from portal.celery import app
from portal.models import Heartbeat

NOW = "2026-11-20 10:00 +07:00"


@pytest.fixture(autouse=True)
def _nothing_recorded_yet():
    health._last_recorded.clear()
    yield
    health._last_recorded.clear()


@pytest.fixture
def with_broker(settings):
    """A deployment with a broker, whose connection check answers as told (see the real one below)."""
    settings.CELERY_BROKER_URL = "redis://redis.invalid:6379/0"
    with mock.patch.object(health, "_broker", return_value={"ok": True}) as broker:
        yield broker


def _beats(*, worker_age: int | None, beat_age: int | None):
    now = timezone.now()
    for name, age in (("worker", worker_age), ("beat", beat_age)):
        if age is not None:
            Heartbeat.objects.create(name=name, at=now - timedelta(seconds=age))


def test_without_a_broker_only_the_database_is_checked(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == {"ok": True}
    assert all("skipped" in body[name] for name in ("broker", "worker", "beat"))


def test_healthz_needs_no_login_sets_no_cookie_and_is_never_cached(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


@time_machine.travel(NOW, tick=False)
def test_healthy_when_the_worker_and_beat_were_heard_from_recently(client, db, with_broker):
    _beats(worker_age=10, beat_age=40)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["broker"] == {"ok": True}
    assert body["worker"] == {"ok": True, "last": "2026-11-20T02:59:50+00:00", "age_seconds": 10}
    assert body["beat"]["ok"] and body["beat"]["age_seconds"] == 40


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("worker_age", "beat_age", "failing"),
    [(121, 5, "worker"), (5, 600, "beat"), (None, 5, "worker"), (5, None, "beat")],
    ids=["worker-stale", "beat-stale", "worker-never-seen", "beat-never-seen"],
)
def test_a_silent_worker_or_beat_gives_503(client, db, with_broker, worker_age, beat_age, failing):
    _beats(worker_age=worker_age, beat_age=beat_age)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and not body[failing]["ok"]
    assert [name for name in ("database", "broker", "worker", "beat") if not body[name]["ok"]] == [failing]


@time_machine.travel(NOW, tick=False)
def test_a_broker_that_does_not_answer_gives_503(client, db, with_broker):
    _beats(worker_age=1, beat_age=1)
    with_broker.return_value = {"ok": False, "error": "OperationalError"}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False, "error": "OperationalError"}


def test_a_database_that_does_not_answer_gives_503_naming_only_the_error(client, db, with_broker):
    with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("could not connect to db:5432")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert not body["worker"]["ok"] and not body["beat"]["ok"]
    assert b"5432" not in response.content  # the page is public: details go to the log only


def test_the_broker_check_gives_up_quickly_on_a_closed_port(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert health._broker() == {"ok": False, "error": "OperationalError"}


@pytest.mark.broker
def test_the_broker_check_reaches_a_real_broker(settings):
    if not os.environ.get("CELERY_BROKER_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI runs this test with CELERY_BROKER_URL")
        pytest.skip("needs CELERY_BROKER_URL (Redis), as in CI")
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    assert health._broker() == {"ok": True}


def test_a_worker_heartbeat_is_stored_at_most_every_30_seconds(db):
    with time_machine.travel(NOW, tick=False):
        signals.heartbeat_sent.send(sender=None)  # what the worker sends every 2 seconds
        first = Heartbeat.objects.get(name="worker").at
    with time_machine.travel("2026-11-20 10:00:20 +07:00", tick=False):
        signals.heartbeat_sent.send(sender=None)
        assert Heartbeat.objects.get(name="worker").at == first
    health._last_recorded["worker"] -= health.HEARTBEAT_EVERY  # as if 30 seconds had passed
    with time_machine.travel("2026-11-20 10:00:31 +07:00", tick=False):
        signals.heartbeat_sent.send(sender=None)
        assert Heartbeat.objects.get(name="worker").at == first + timedelta(seconds=31)


def test_each_tick_of_beat_records_it(db, settings):
    assert settings.CELERY_BEAT_SCHEDULER == "portal.health:Scheduler"
    with mock.patch.object(DatabaseScheduler, "tick", return_value=5.0), time_machine.travel(NOW, tick=False):
        assert health.Scheduler(app=app, lazy=True).tick() == 5.0
        assert Heartbeat.objects.get(name="beat").at == timezone.now()


def test_a_heartbeat_that_cannot_be_stored_is_logged_not_raised(db, caplog):
    with mock.patch.object(Heartbeat.objects, "update_or_create", side_effect=OperationalError("gone")):
        health.record("worker")
    assert "The worker heartbeat could not be stored" in caplog.text
    assert "worker" not in health._last_recorded  # tried again at the next heartbeat
