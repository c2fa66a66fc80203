from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = (
        "Load an archive of `backup` into an empty database migrated to the same migrations, and put its "
        "files back under MEDIA_ROOT. Refuses a database that already has data."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="a kieumau-YYYYMMDD-HHMMSS.tar.gz written by `backup`")

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"No such archive: {archive}")
        try:
            manifest = backups.backup_restore(archive=archive)
        except backups.RestoreRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Restored {rows} rows and {manifest['files']} files from {manifest['created']}.")
        )
