from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's name in Vietnamese order (family name first), or the user name."""
    if user is None:
        return "—"
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.username


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
