"""A database from before campaigns/ was split keeps every row after the split's migrations."""

import io

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.models import HistoryEntry

NEW_LABELS = ("criteria", "results", "movement")
# The schema as it was before the split: campaigns up to 0006, reports up to 0002, none of the new apps.
BEFORE_SPLIT = [
    ("campaigns", "0006_commitment_outcome_label"),
    ("reports", "0002_schedules"),
    *[(label, None) for label in NEW_LABELS],
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names come from the database itself
            counts[table] = cursor.fetchone()[0]
    return counts


def _as_before_the_split() -> None:
    """Give the loaded rows the content types the old code gave them ("campaigns.result" …)."""
    for new in ContentType.objects.filter(app_label__in=NEW_LABELS):
        old = ContentType.objects.filter(app_label="campaigns", model=new.model).first()
        if old is None:
            new.app_label = "campaigns"
            new.save()
            continue
        HistoryEntry.objects.filter(content_type=new).update(content_type=old)
        new.delete()
    ContentType.objects.clear_cache()


def _reminder_schedule_as_before_the_split() -> None:
    """The reminder schedule row under the task's old name (an earlier flush may have removed it)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab, _ = CrontabSchedule.objects.get_or_create(minute="0", hour="7", timezone="Asia/Ho_Chi_Minh")
    PeriodicTask.objects.update_or_create(
        name="Nhắc việc phong trào thi đua hằng ngày",
        defaults={"task": "campaigns.tasks.send_task_reminders", "crontab": crontab},
    )


@pytest.mark.django_db(transaction=True)
@time_machine.travel("2026-11-22 09:00 +07:00", tick=False)
def test_the_split_keeps_every_demo_row_and_every_history_entry_points_at_its_row(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    leaves = _leaves()
    _migrate(BEFORE_SPLIT)
    try:
        # The tables are the same before and after the split, so today's code can fill the old schema.
        call_command("load_demo", stdout=io.StringIO())
        _as_before_the_split()
        _reminder_schedule_as_before_the_split()
        before = _row_counts()
        applied = set(MigrationExecutor(connection).loader.applied_migrations)
        assert ("campaigns", "0007_split") not in applied and ("results", "0001_initial") not in applied
        assert before["campaigns_result"] > 1000 and before["campaigns_task"] >= 12
        assert ContentType.objects.filter(app_label="campaigns").count() >= 18
    finally:
        _migrate(leaves)
    ContentType.objects.clear_cache()

    after = _row_counts()
    assert after.pop("django_migrations") == before.pop("django_migrations") + 6
    assert after == before
    assert not ContentType.objects.filter(app_label="campaigns").exists()
    moved = HistoryEntry.objects.filter(content_type__app_label__in=NEW_LABELS)
    assert moved.exists()
    assert all(entry.subject is not None for entry in moved.select_related("content_type"))

    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="campaigns.movement.tasks.send_task_reminders").count() == 1
    assert not PeriodicTask.objects.filter(task="campaigns.tasks.send_task_reminders").exists()


@pytest.mark.django_db
def test_every_moved_model_keeps_its_table():
    from django.apps import apps

    tables = {
        model._meta.label: model._meta.db_table
        for label in NEW_LABELS
        for model in apps.get_app_config(label).get_models()
    }
    assert len(tables) == 18
    assert all(table == "campaigns_" + label.split(".")[1].lower() for label, table in tables.items())
