from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import text

        # Every text field of every form refuses what an .xlsx cannot hold (see portal/text.py).
        text.install()
