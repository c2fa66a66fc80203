"""How people are named on pages, in e-mails and in notifications."""


def person(user) -> str:
    """A user's name in Vietnamese order (family name first), or the user name."""
    if user is None:
        return "—"
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.username
