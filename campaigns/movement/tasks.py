"""Celery tasks of the emulation movement: thin wrappers around one service call."""

from celery import shared_task

from campaigns.movement.reminders import reminders_send
from campaigns.movement.services.title_reminders import title_reminders_send


@shared_task
def send_task_reminders() -> dict:
    """Daily (beat, 07:00 Asia/Ho_Chi_Minh): digests to assignees, escalations to ward leaders; then titles
    expiring within 60 days added to the digests of their wards' staff and leaders (once per title)."""
    counts = reminders_send()
    counts["titles"] = title_reminders_send()  # after the digests: it adds its lines to them
    return counts
