"""The split of campaigns/ into campaigns.criteria, campaigns.results and campaigns.movement.

The models now belong to those three apps (labels "criteria", "results", "movement"), which keep the
tables by their old names. Here the models leave this app's migration state (no table is dropped) and
their content types are relabelled, so every history entry, permission and admin log that points at
them keeps pointing at the same rows."""

from django.db import migrations

MOVED = {
    "criteria": ["criteriaset", "criterion", "indicator"],
    "results": ["period", "submission", "criterionresult", "result", "evidence"],
    "movement": [
        "campaign", "target", "task", "taskupdate", "taskattachment", "notification",
        "commitmentrequest", "commitment", "recognition", "partycellrating",
    ],
}


def relabel(apps, schema_editor, *, back=False):
    ContentType = apps.get_model("contenttypes", "ContentType")  # noqa: N806
    for label, models in MOVED.items():
        old, new = ("campaigns", label) if not back else (label, "campaigns")
        for model in models:
            if ContentType.objects.filter(app_label=new, model=model).exists():
                continue  # created already (by a run of the new code): leave both, nothing points at the new one
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forward(apps, schema_editor):
    relabel(apps, schema_editor)


def backward(apps, schema_editor):
    relabel(apps, schema_editor, back=True)


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0006_commitment_outcome_label'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('criteria', '0001_initial'),
        ('results', '0001_initial'),
        ('movement', '0001_initial'),
        ('reports', '0003_alter_report_period'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='task',
                    name='campaign',
                ),
                migrations.RemoveField(
                    model_name='target',
                    name='campaign',
                ),
                migrations.RemoveField(
                    model_name='commitmentrequest',
                    name='campaign',
                ),
                migrations.RemoveField(
                    model_name='commitment',
                    name='neighbourhood',
                ),
                migrations.RemoveField(
                    model_name='commitment',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='commitment',
                    name='ward',
                ),
                migrations.RemoveField(
                    model_name='commitmentrequest',
                    name='city',
                ),
                migrations.RemoveField(
                    model_name='commitmentrequest',
                    name='wards',
                ),
                migrations.RemoveField(
                    model_name='criteriaset',
                    name='extends',
                ),
                migrations.RemoveField(
                    model_name='criteriaset',
                    name='replaces',
                ),
                migrations.RemoveField(
                    model_name='submission',
                    name='criteria_set',
                ),
                migrations.RemoveField(
                    model_name='criterion',
                    name='criteria_set',
                ),
                migrations.RemoveField(
                    model_name='indicator',
                    name='criterion',
                ),
                migrations.RemoveField(
                    model_name='criterionresult',
                    name='criterion',
                ),
                migrations.RemoveField(
                    model_name='criterionresult',
                    name='submission',
                ),
                migrations.RemoveField(
                    model_name='evidence',
                    name='result',
                ),
                migrations.RemoveField(
                    model_name='evidence',
                    name='uploaded_by',
                ),
                migrations.RemoveField(
                    model_name='result',
                    name='indicator',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='partycellrating',
                    name='party_cell',
                ),
                migrations.RemoveField(
                    model_name='submission',
                    name='period',
                ),
                migrations.RemoveField(
                    model_name='recognition',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='recognition',
                    name='neighbourhood',
                ),
                migrations.RemoveField(
                    model_name='recognition',
                    name='ward',
                ),
                migrations.RemoveField(
                    model_name='result',
                    name='submission',
                ),
                migrations.RemoveField(
                    model_name='result',
                    name='updated_by',
                ),
                migrations.RemoveField(
                    model_name='submission',
                    name='neighbourhood',
                ),
                migrations.RemoveField(
                    model_name='submission',
                    name='reviewed_by',
                ),
                migrations.RemoveField(
                    model_name='submission',
                    name='submitted_by',
                ),
                migrations.RemoveField(
                    model_name='submission',
                    name='ward',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='target',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='assignee',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='neighbourhood',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='ward',
                ),
                migrations.RemoveField(
                    model_name='taskupdate',
                    name='task',
                ),
                migrations.RemoveField(
                    model_name='taskattachment',
                    name='update',
                ),
                migrations.RemoveField(
                    model_name='taskupdate',
                    name='author',
                ),
                migrations.DeleteModel(
                    name='Campaign',
                ),
                migrations.DeleteModel(
                    name='Commitment',
                ),
                migrations.DeleteModel(
                    name='CommitmentRequest',
                ),
                migrations.DeleteModel(
                    name='CriteriaSet',
                ),
                migrations.DeleteModel(
                    name='Criterion',
                ),
                migrations.DeleteModel(
                    name='CriterionResult',
                ),
                migrations.DeleteModel(
                    name='Evidence',
                ),
                migrations.DeleteModel(
                    name='Indicator',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='PartyCellRating',
                ),
                migrations.DeleteModel(
                    name='Period',
                ),
                migrations.DeleteModel(
                    name='Recognition',
                ),
                migrations.DeleteModel(
                    name='Result',
                ),
                migrations.DeleteModel(
                    name='Submission',
                ),
                migrations.DeleteModel(
                    name='Target',
                ),
                migrations.DeleteModel(
                    name='Task',
                ),
                migrations.DeleteModel(
                    name='TaskAttachment',
                ),
                migrations.DeleteModel(
                    name='TaskUpdate',
                ),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
