"""Template tags of the emulation movement."""

from django import template

from portal.numbers import number_shown

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


@register.filter
def task_reached(task) -> str:
    """What a task reached, against its target value when it has one, with the target's unit: "2/3 thùng",
    "12/20 biển", "1.250" (numbers the Vietnamese way, no trailing zeros)."""
    shown = number_shown(task.reached_value)
    if task.target_value is not None:
        shown = f"{shown}/{number_shown(task.target_value)}"
    unit = task.target.unit if task.target_id and task.target else ""
    return f"{shown} {unit}".strip()


@register.filter
def closed_short(task) -> bool:
    """A done task closed before it reached its target value ("closed at 2/3")."""
    return task.status == "done" and bool(task.target_value) and task.reached_value < task.target_value
