"""Criterion.short_name, filled for the shipped sets already loaded.

The shipped YAML files now carry a `short` per criterion. A set loaded from such a file before (same content
but the short names) gets them here, with the new file's hash, so that `load_criteria` finds it "unchanged"
instead of refusing to rewrite a set that has results. A set loaded from any other content is left alone.
"""

import hashlib
import json
from pathlib import Path

import yaml
from django.db import migrations, models

SETS = Path(__file__).resolve().parents[1] / "sets"


def _hash(data: dict) -> str:  # as campaigns.criteria.loading._hash (a migration keeps its own copy)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _without_short(data: dict) -> dict:
    return {
        **data,
        "criteria": [{k: v for k, v in c.items() if k != "short"} for c in data.get("criteria", [])],
    }


def fill_short_names(apps, schema_editor):
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    Criterion = apps.get_model("criteria", "Criterion")
    for path in sorted(SETS.glob("*.yaml")):
        with path.open(encoding="utf-8") as f:
            data = yaml.safe_load(f)
        shorts = {str(c["number"]): c["short"] for c in data.get("criteria", []) if c.get("short")}
        if not shorts:
            continue
        loaded = CriteriaSet.objects.filter(
            code=data["code"], version=int(data.get("version", 1)), content_hash=_hash(_without_short(data))
        ).first()
        if loaded is None:
            continue
        for number, short in shorts.items():
            Criterion.objects.filter(criteria_set=loaded, number=number).update(short_name=short)
        CriteriaSet.objects.filter(pk=loaded.pk).update(content_hash=_hash(data))


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0002_programme"),
    ]

    operations = [
        migrations.AddField(
            model_name="criterion",
            name="short_name",
            field=models.CharField(
                blank=True,
                help_text="A few words for table headers, e.g. “Môi trường”.",
                max_length=40,
                verbose_name="short name",
            ),
        ),
        migrations.RunPython(fill_short_names, migrations.RunPython.noop),
    ]
