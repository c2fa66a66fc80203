"""A person's notifications (the reminders' digests and escalations): marking one read."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from campaigns.movement.models import Notification


def notification_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read; one read already keeps the time it was first read."""
    if notification.user_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
