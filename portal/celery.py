"""The Celery app. Tasks run in-process when no broker is configured (see settings)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.heartbeat_sent.connect
def _worker_alive(**kwargs) -> None:
    """Every heartbeat of the worker (each 2 s) reaches /healthz, stored at most every 30 s (portal.health)."""
    from portal import health  # the worker sends heartbeats only once Django is set up

    health.record("worker")
