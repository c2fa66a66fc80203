from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portal import backups


class Command(BaseCommand):
    help = (
        "Write the database and every uploaded file (MEDIA_ROOT) into one dated archive, "
        "kieumau-YYYYMMDD-HHMMSS.tar.gz, in BACKUP_ROOT or --directory. Restore it with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, help="where to write the archive (default: BACKUP_ROOT)")

    def handle(self, *args, directory: Path | None, **options):
        path = backups.backup_create(directory=directory or Path(settings.BACKUP_ROOT))
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
