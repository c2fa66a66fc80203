"""The daily task reminders (campaigns.reminders), in the database so an administrator can change
the time (Django admin → Periodic tasks): every day at 07:00 Asia/Ho_Chi_Minh."""

from django.db import migrations

NAME = "Nhắc việc phong trào thi đua hằng ngày"
TASK = "campaigns.tasks.send_task_reminders"


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")  # noqa: N806
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = Crontab.objects.get_or_create(
        minute="0", hour="7", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Ho_Chi_Minh"
    )
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": TASK, "crontab": crontab})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_movement"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
