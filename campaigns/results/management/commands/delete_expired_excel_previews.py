from django.core.management.base import BaseCommand

from campaigns.results import excel


class Command(BaseCommand):
    help = (
        "Delete Excel uploads awaiting confirmation past their expiry, with their files (Celery beat does it hourly)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{excel.previews_delete_expired()} expired Excel previews deleted.")
