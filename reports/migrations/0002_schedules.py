"""The report schedules, in the database so an administrator can change them (Django admin → Periodic tasks)."""

from django.db import migrations

SCHEDULES = [
    # name, task, crontab (minute, hour, day of month, month): after the entry deadline of the month before.
    ("Báo cáo tổng hợp tháng", "reports.tasks.build_monthly_reports", ("0", "2", "6", "*")),
    ("Báo cáo tổng hợp năm", "reports.tasks.build_annual_reports", ("0", "3", "10", "1")),
]


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, day, month) in SCHEDULES:
        crontab, _ = Crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week="*",
            timezone="Asia/Ho_Chi_Minh")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
