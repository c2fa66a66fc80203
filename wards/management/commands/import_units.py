from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from wards.imports import import_province


class Command(BaseCommand):
    help = "Import a province and its current wards and communes with their official codes (vietnam-provinces)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", type=int, required=True, help="Official province code, e.g. 38 for Thanh Hóa."
        )

    def handle(self, *args, province: int, **options):
        # override, not activate: the language must not stay switched after the command (call_command, tests).
        with translation.override("vi"):
            try:
                result = import_province(province)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        for line in result.created:
            self.stdout.write(f"  + {line}")
        for line in result.updated:
            self.stdout.write(f"  ~ {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.city.name}: {len(result.created)} created, {len(result.updated)} updated, "
                f"{result.unchanged} unchanged."
            )
        )
