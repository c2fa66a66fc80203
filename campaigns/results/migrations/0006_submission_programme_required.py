# The second step of 0005: the programme is required and one submission per unit, period and programme.
# Apart from 0005 so that PostgreSQL does not alter the tables its data step has just written to.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0004_programmes_side_by_side"),
        ("results", "0005_submission_programme"),
    ]

    operations = [
        migrations.AlterField(
            model_name="submission",
            name="programme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="submissions", to="criteria.programme"
            ),
        ),
        migrations.AlterField(
            model_name="wardrollup",
            name="programme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="criteria.programme"
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(
                condition=models.Q(("neighbourhood__isnull", True)),
                fields=("period", "ward", "programme"),
                name="one_ward_submission_per_programme_period",
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(
                condition=models.Q(("neighbourhood__isnull", False)),
                fields=("period", "neighbourhood", "programme"),
                name="one_neighbourhood_submission_per_programme_period",
            ),
        ),
        migrations.AddConstraint(
            model_name="wardrollup",
            constraint=models.UniqueConstraint(
                fields=("period", "ward", "programme"), name="one_rollup_per_ward_programme_period"
            ),
        ),
    ]
