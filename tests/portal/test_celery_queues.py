"""Every task of the portal goes to the queue meant for it: reports, reminders or default."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from portal.celery import app

PROJECT = ("portal.", "wards.", "campaigns.", "reports.")

# Each task of the project and its queue. A new task fails test_no_task_is_left_to_chance until it is
# listed here: decide which workers run it.
QUEUES = {
    "reports.tasks.build_report": "reports",
    "reports.tasks.build_report_part": "reports",
    "reports.tasks.join_report_parts": "reports",
    "reports.tasks.render_report_pdf": "reports",
    "reports.tasks.build_monthly_reports": "reports",
    "reports.tasks.build_annual_reports": "reports",
    "reports.tasks.expire_report_builds": "reports",
    "campaigns.movement.tasks.send_task_reminders": "reminders",
    "campaigns.results.tasks.delete_expired_excel_previews": "default",
}


def _project_tasks() -> set[str]:
    app.loader.import_default_modules()  # autodiscovery: every app's tasks module
    return {name for name in app.tasks if name.startswith(PROJECT)}


def _queue(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


@pytest.mark.parametrize(("name", "queue"), sorted(QUEUES.items()))
def test_each_task_goes_to_its_queue(name, queue):
    assert name in _project_tasks()
    assert _queue(name) == queue


def test_no_task_is_left_to_chance():
    assert _project_tasks() == set(QUEUES)


def test_a_task_nobody_routed_goes_to_the_default_queue():
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"
    assert _queue("portal.tasks.something_new") == "default"


def test_the_development_worker_and_compose_consume_every_queue():
    root = Path(settings.BASE_DIR)
    wanted = {"default", "reports", "reminders"}
    makefile = re.search(r"celery -A portal worker[^\n]*-Q (\S+)", (root / "Makefile").read_text())
    compose = re.search(r'"worker".*?"-Q", "([^"]+)"', (root / "compose.yaml").read_text())
    assert makefile and set(makefile.group(1).split(",")) == wanted
    assert compose and set(compose.group(1).split(",")) == wanted
