from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """The schema's history before campaigns/ was split into criteria, results and movement.

    Its migrations created the tables that the three apps still use (their `db_table` keeps the old
    names); the last one hands the models over to them without touching a row."""

    name = "campaigns"
    verbose_name = "campaigns (history)"
