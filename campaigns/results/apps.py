from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "campaigns.results"
    label = "results"
    verbose_name = _("Results")

    def ready(self):
        from django.db.models.signals import post_migrate

        from campaigns.results import rollups  # importing it connects the rollups' other receivers

        post_migrate.connect(rollups.backfill_after_migrate, sender=self, dispatch_uid="rollups_backfill")
