"""`manage.py backup` and `restore`: every row and every uploaded file come back into an empty database."""

import re
import tarfile
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.results import periods, services
from campaigns.results.models import Evidence, Period, Result
from portal import backups
from portal.models import Heartbeat, history_record
from reports.models import Report

NEIGHBOURHOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"
NOW = "2026-11-20 10:00 +07:00"
PHOTO = b"\xff\xd8\xff\xe0 a photo of the cultural house"


@pytest.fixture
def small_city(city, ward_a, ward_b, hood_a, hood_b, cell_a, staff_a, leader_a, city_leader, admin_user):
    """Two wards with their people, a month of results with an evidence photo and a built report."""
    criteria_set_load_file(NEIGHBOURHOOD_SET)
    periods.periods_ensure(2026)
    october = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=10)
    submission = services.submission_for(hood_a, october)
    indicator = submission.criteria_set.criteria.first().indicators.first()
    result = Result.objects.create(submission=submission, indicator=indicator, value=1, is_met=True, note="Đạt")
    evidence = Evidence(result=result, original_name="nhà văn hóa.jpg", content_type="image/jpeg", size=len(PHOTO))
    evidence.file.save("nhà văn hóa.jpg", ContentFile(PHOTO))
    history_record(obj=result, user=staff_a, action="evidence", changes={"evidence": ["", "nhà văn hóa.jpg"]})
    report = Report.objects.create(
        kind=Report.Kind.MONTHLY, city=city, ward=ward_a, period=october, state=Report.State.DONE, is_current=True
    )
    report.xlsx.save("bao-cao-thang-10.xlsx", ContentFile(b"PK\x03\x04 workbook"))
    report.pdf.save("bao-cao-thang-10.pdf", ContentFile(b"%PDF-1.7 report"))
    # An administrator's change to a schedule survives too (rows written by a data migration at first).
    crontab = CrontabSchedule.objects.create(minute="30", hour="6", timezone="Asia/Ho_Chi_Minh")
    PeriodicTask.objects.update_or_create(
        name="Nhắc việc hằng ngày (thử)",
        defaults={"task": "campaigns.movement.tasks.send_task_reminders", "crontab": crontab},
    )
    Heartbeat.objects.create(name="worker", at=report.requested_at)  # not backed up: a process's, not data


# Made anew by every database (content types, permissions), not kept (sessions, heartbeats), or a marker
# that a restore must move so that a running beat reloads its schedules (PeriodicTasks).
NOT_COMPARED = {"contenttypes.ContentType", "auth.Permission", "sessions.Session", "portal.Heartbeat"}
NOT_COMPARED |= {"django_celery_beat.PeriodicTasks"}


def _every_row() -> dict[str, list[dict]]:
    """Each model's rows, foreign keys to content types by natural key (their ids are the database's)."""
    return {
        model._meta.label: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in apps.get_models()
        if model._meta.label not in NOT_COMPARED
    }


def _every_file() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW, tick=False)
def test_a_backup_restored_into_an_empty_database_has_every_row_and_file(small_city, tmp_path):
    rows, files = _every_row(), _every_file()
    assert len(rows["results.Result"]) == 1 and len(rows["reports.Report"]) == 1
    assert len(files) == 3  # the photo, the workbook and the PDF

    call_command("backup", directory=tmp_path / "backups", stdout=StringIO())
    [archive] = (tmp_path / "backups").iterdir()
    assert archive.name == "kieumau-20261120-100000.tar.gz"
    with tarfile.open(archive) as tar:
        assert tar.getnames()[:2] == ["manifest.json", "data.jsonl"]

    call_command("flush", interactive=False, verbosity=0)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    assert _every_file() == {} and not rows["wards.Ward"] == _every_row()["wards.Ward"]

    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert _every_row() == rows
    assert _every_file() == files
    assert not Heartbeat.objects.exists()
    assert re.search(r"Restored \d+ rows and 3 files", out.getvalue())

    # The evidence is read back through its row, as the result page reads it.
    with Evidence.objects.get().file.open("rb") as photo:
        assert photo.read() == PHOTO


def test_restore_refuses_a_database_that_has_data(small_city, tmp_path):
    archive = backups.backup_create(directory=tmp_path)
    with pytest.raises(CommandError, match=r"not empty \(.*wards\.Ward"):
        call_command("restore", str(archive))


def test_restore_refuses_a_database_migrated_otherwise(db):
    manifest = {"format": backups.FORMAT, "migrations": backups._applied_migrations()[:-1]}
    with pytest.raises(backups.RestoreRefused, match="not migrated like the archive's: not in the archive"):
        backups._refuse_unless_restorable(manifest)


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    archive = tmp_path / "khac.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(NEIGHBOURHOOD_SET, arcname="criteria.yaml")
    with pytest.raises(CommandError, match="does not start with manifest.json"):
        call_command("restore", str(archive))


@pytest.mark.parametrize("name", ["media/../../etc/cron.d/x", "media/a/../../../x"])
def test_restore_never_writes_outside_media_root(name, tmp_path):
    with pytest.raises(backups.RestoreRefused, match="Unsafe file name"):
        backups._media_target(tmp_path, name)
