"""Template tags of the emulation movement."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """`{% unread_notifications as n %}`: how many of the user's notifications are unread (one query)."""
    from campaigns.movement.models import Notification

    user = context.get("user")
    if user is None and (request := context.get("request")) is not None:
        user = request.user
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
