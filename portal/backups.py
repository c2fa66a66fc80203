"""Backup and restore: the database and every uploaded file in one dated archive.

An archive (kieumau-YYYYMMDD-HHMMSS.tar.gz) holds, in this order:
- manifest.json: when, the applied migrations, and the rows of each model, checked after a restore;
- data.jsonl: every row in Django's serialization (what dumpdata writes and loaddata reads), one object a
  line, foreign keys to content types and permissions by natural key, times to the microsecond. It loads
  into PostgreSQL or SQLite alike (pg_dump would tie the archive to one PostgreSQL major version and to the
  server's tools), and both the dump and the load stream line by line;
- media/…: every file under MEDIA_ROOT (evidence, attachments, commitment scans, built reports).

A restore goes into an empty database migrated to the same migrations: rows that `migrate` writes itself
are not in the archive (content types, permissions) or are replaced by the archive's (beat's schedules).
The rows and the files go in one transaction: a failure leaves the database empty again.
"""

import io
import json
import shutil
import tarfile
import tempfile
from datetime import datetime, time
from pathlib import Path, PurePosixPath
from typing import IO

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

MANIFEST = "manifest.json"
DATA = "data.jsonl"
MEDIA = "media"
FORMAT = 1
# Written by `migrate` in every database (content types, permissions), worth nothing restored (sessions, the
# heartbeats of processes that ran then), or beat's "schedules changed" mark, which loading the schedules
# moves anyway (so that a running beat reloads them): never in an archive; a restore ignores their rows.
NOT_BACKED_UP = ("contenttypes", "auth.permission", "sessions", "portal.heartbeat", "django_celery_beat.periodictasks")
# Written by data migrations (the report and reminder schedules): an empty database has them, the archive's
# replace them, with the administrators' changes.
REPLACED_ON_RESTORE = ("django_celery_beat",)


class RestoreRefused(Exception):
    """The archive cannot go into this database; nothing was changed."""


def _models(excluded: tuple[str, ...]) -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in excluded
        and model._meta.label_lower not in excluded
    ]


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in _models(NOT_BACKED_UP)}


class _Encoder(DjangoJSONEncoder):
    """Times to the microsecond: DjangoJSONEncoder keeps milliseconds only (ECMA-262 dates)."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _dump(stream: IO[str]) -> None:
    """Every backed-up row, models in the order natural keys need (as dumpdata), each model by primary key."""
    backed_up = set(_models(NOT_BACKED_UP))
    ordered = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()], allow_cycles=True)
    for model in ordered:
        if model in backed_up:
            rows = model._base_manager.order_by(model._meta.pk.name).iterator()
            serializers.serialize("jsonl", rows, stream=stream, use_natural_foreign_keys=True, cls=_Encoder)


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(content), int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(content))


def _snapshot(data: Path) -> dict:
    """Dump every row into `data` and return the manifest, from one view of the database."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # Only the first statement of a transaction may set its isolation; inside an enclosing transaction
        # (a test, a caller's atomic block) that transaction's own view is used.
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with data.open("w", encoding="utf-8") as stream:
            _dump(stream)
        return {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": _applied_migrations(),
            "rows": _row_counts(),
        }


def backup_create(*, directory: Path) -> Path:
    """Write one archive of the database and MEDIA_ROOT into `directory` and return its path.

    The rows are read in one transaction (REPEATABLE READ on PostgreSQL: one consistent moment), the files
    after it: a file uploaded meanwhile is kept without its row; one deleted meanwhile (a rebuilt report's
    old PDF) is missing, so back up at a quiet hour.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"kieumau-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    partial = path.with_name(f".{path.name}.partial")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / DATA
        manifest = _snapshot(data)
        files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        manifest["files"] = len(files)
        try:
            with tarfile.open(partial, "w:gz") as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
                tar.add(data, arcname=DATA)
                for file in files:
                    tar.add(file, arcname=f"{MEDIA}/{file.relative_to(media_root).as_posix()}")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(path)  # never a half-written archive under the final name
    return path


def _refuse_unless_restorable(manifest: dict) -> None:
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(f"Not an archive of `manage.py backup` (format {manifest.get('format')!r}).")
    here, there = set(_applied_migrations()), set(manifest["migrations"])
    if here != there:
        missing, extra = sorted(there - here), sorted(here - there)
        raise RestoreRefused(
            "The database is not migrated like the archive's: "
            + (f"missing {', '.join(missing)}; " if missing else "")
            + (f"not in the archive {', '.join(extra)}; " if extra else "")
            + "run the code of the backup's version and `manage.py migrate` first."
        )
    filled = [m._meta.label for m in _models(NOT_BACKED_UP + REPLACED_ON_RESTORE) if m._default_manager.exists()]
    if filled:
        raise RestoreRefused(f"The database is not empty ({', '.join(filled)}): restore only into a new database.")


def _media_target(media_root: Path, name: str) -> Path:
    relative = PurePosixPath(name).relative_to(MEDIA)
    if relative.is_absolute() or ".." in relative.parts:
        raise RestoreRefused(f"Unsafe file name in the archive: {name}")
    return media_root.joinpath(*relative.parts)


def backup_restore(*, archive: Path) -> dict:
    """Load `archive` into this empty database and put its files back under MEDIA_ROOT.

    Refuses (RestoreRefused, nothing changed) a database that has rows or other migrations. Returns the
    manifest. The row counts are checked against the manifest before the transaction commits.
    """
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(archive, "r:gz") as tar, tempfile.TemporaryDirectory() as tmp:
        first = tar.next()
        if first is None or first.name != MANIFEST:
            raise RestoreRefused(f"{archive} does not start with {MANIFEST}: not an archive of `manage.py backup`.")
        manifest = json.load(tar.extractfile(first))
        _refuse_unless_restorable(manifest)
        data = Path(tmp) / DATA
        member = tar.next()
        if member is None or member.name != DATA:
            raise RestoreRefused(f"{archive} holds no {DATA}.")
        with tar.extractfile(member) as source, data.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        with transaction.atomic():
            for model in _models(()):
                if model._meta.app_label in REPLACED_ON_RESTORE:
                    model._default_manager.all().delete()
            call_command("loaddata", str(data), verbosity=0)
            counts = _row_counts()
            wrong = {label: (n, counts.get(label)) for label, n in manifest["rows"].items() if counts.get(label) != n}
            if wrong:
                raise RestoreRefused(f"Rows differ from the archive's after loading (archive, loaded): {wrong}")
            for member in tar:
                if member.isfile() and member.name.startswith(f"{MEDIA}/"):
                    target = _media_target(media_root, member.name)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(member) as source, target.open("wb") as copy:
                        shutil.copyfileobj(source, copy)
    return manifest
