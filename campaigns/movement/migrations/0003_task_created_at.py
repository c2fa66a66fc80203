"""Task.created_at: added empty for existing tasks (their creation day is unknown), then filled on create.

Adding an auto_now_add column directly would stamp every existing task with the migration's time,
and a closed month's overdue figure would then leave them out.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("movement", "0002_reminder_task_name")]

    operations = [
        migrations.AddField(model_name="task", name="created_at", field=models.DateTimeField(null=True, blank=True)),
        migrations.AlterField(
            model_name="task", name="created_at", field=models.DateTimeField(auto_now_add=True, null=True)
        ),
    ]
