"""Celery tasks of results: thin wrappers around one service call."""

from celery import shared_task

from campaigns.results import excel


@shared_task
def delete_expired_excel_previews() -> int:
    """Hourly (beat): Excel uploads never confirmed, past their expiry, with their files."""
    return excel.previews_delete_expired()
