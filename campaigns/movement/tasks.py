"""Celery tasks of the emulation movement: thin wrappers around one service call."""

from celery import shared_task

from campaigns.movement.reminders import reminders_send


@shared_task
def send_task_reminders() -> dict:
    """Daily (beat, 07:00 Asia/Ho_Chi_Minh): digests to assignees, escalations to ward leaders."""
    return reminders_send()
