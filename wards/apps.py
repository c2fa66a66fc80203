from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WardsConfig(AppConfig):
    name = "wards"
    verbose_name = _("Administrative units")

    def ready(self):
        from wards import signals  # noqa: F401  (connects the batch's gathering receiver)
