from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from wards.imports import import_neighbourhoods
from wards.models import Ward


class Command(BaseCommand):
    help = (
        "Import neighbourhoods from a CSV or XLSX file (ward code, name, kind, households, people). "
        "Nothing is saved unless every row is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--year", type=int, default=date.today().year, help="Year of the households and people figures."
        )

    def handle(self, *args, file: Path, year: int, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year {year}: the year must be between 2000 and 2100.")
        # override, not activate: the language must not stay switched after the command (call_command, tests).
        with translation.override("vi"):
            result = import_neighbourhoods(
                user=None, filename=file.name, content=file.read_bytes(), year=year, wards=Ward.objects.all()
            )
            if not result.ok:
                for error in result.errors:
                    self.stderr.write(str(error))
                raise CommandError(f"{len(result.errors)} errors; nothing was saved.")
        self.stdout.write(
            self.style.SUCCESS(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
        )
