"""The reminder task moved with the split of campaigns/: campaigns.tasks → campaigns.movement.tasks.
The schedule row keeps its time (an administrator may have changed it); only the task's name changes."""

from django.db import migrations

OLD = "campaigns.tasks.send_task_reminders"
NEW = "campaigns.movement.tasks.send_task_reminders"


def forward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=OLD).update(task=NEW)


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=NEW).update(task=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("movement", "0001_initial"),
        ("campaigns", "0004_reminder_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
