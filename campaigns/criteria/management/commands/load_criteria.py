from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from campaigns.criteria.loading import criteria_set_load_file

SHIPPED = Path(__file__).resolve().parents[2] / "sets"


class Command(BaseCommand):
    help = "Load criteria sets from YAML files (default: every set in campaigns/criteria/sets/). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args, files: list[Path], **options):
        translation.activate("vi")
        for path in files or sorted(SHIPPED.glob("*.yaml")):
            try:
                criteria_set, outcome = criteria_set_load_file(path)
            except (OSError, ValidationError, KeyError, ValueError) as exc:
                raise CommandError(f"{path}: {exc}") from None
            self.stdout.write(f"{outcome:>9}: {criteria_set} — {criteria_set.criteria.count()} criteria")
