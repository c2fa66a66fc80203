"""/healthz for a load balancer and a monitor, and the heartbeats it reads.

Four checks, each cheap: the database answers `SELECT 1`; the broker accepts a connection within
BROKER_TIMEOUT seconds; the Celery worker's last heartbeat and beat's last tick are younger than
HEALTH_HEARTBEAT_MAX_AGE. The worker records its heartbeat from Celery's `heartbeat_sent` signal (sent
every 2 seconds; portal/celery.py), beat from each tick of its scheduler (Scheduler below, the
CELERY_BEAT_SCHEDULER); both write a row of portal.Heartbeat at most every HEARTBEAT_EVERY seconds.
With no broker configured (development, tests) the broker, the worker and beat are not checked.
"""

import logging
import time

from celery import current_app as app  # the portal app (portal/__init__.py loads portal.celery first)
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_celery_beat.schedulers import DatabaseScheduler

from portal.models import Heartbeat

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 2.0
HEARTBEAT_EVERY = 30.0
_last_recorded: dict[str, float] = {}


def record(name: str) -> None:
    """Store that process `name` is alive now; at most once every HEARTBEAT_EVERY seconds per process."""
    now = time.monotonic()
    if now - _last_recorded.get(name, float("-inf")) < HEARTBEAT_EVERY:
        return
    if not connection.in_atomic_block:
        close_old_connections()  # these processes serve no requests: drop a connection the database has closed
    try:
        Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})
    except DatabaseError:
        logger.warning("The %s heartbeat could not be stored", name, exc_info=True)
        return
    _last_recorded[name] = now


class Scheduler(DatabaseScheduler):
    """django-celery-beat's scheduler (schedules edited in the admin) that also records beat's tick."""

    def tick(self, *args, **kwargs):
        record("beat")
        return super().tick(*args, **kwargs)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.error("Health check: the database does not answer", exc_info=True)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def _broker() -> dict:
    try:
        with app.connection_for_write(
            settings.CELERY_BROKER_URL,
            connect_timeout=BROKER_TIMEOUT,
            transport_options={"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT},
        ) as broker:
            broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    except Exception as exc:  # each transport raises errors of its own; any of them means the broker is down
        logger.error("Health check: the broker does not answer", exc_info=True)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def _heartbeats(names: tuple[str, ...]) -> dict:
    now = timezone.now()
    try:
        seen = dict(Heartbeat.objects.filter(name__in=names).values_list("name", "at"))
    except DatabaseError:
        return {name: {"ok": False, "last": None, "error": "database"} for name in names}
    checks = {}
    for name in names:
        last = seen.get(name)
        age = round((now - last).total_seconds()) if last else None
        checks[name] = {
            "ok": age is not None and age <= settings.HEALTH_HEARTBEAT_MAX_AGE,
            "last": last.isoformat() if last else None,
            "age_seconds": age,
        }
    return checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the broker, the worker and beat are all well, 503 otherwise; JSON says which.

    No login and no session: a load balancer calls it every few seconds. Errors are named, never detailed
    (the page is public); the details go to the log.
    """
    checks = {"database": _database()}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _broker()
        checks.update(_heartbeats(("worker", "beat")))
    else:
        skipped = {"ok": True, "skipped": "no broker configured (development)"}
        checks.update(broker=skipped, worker=skipped, beat=skipped)
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503)
