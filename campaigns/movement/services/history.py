"""How the movement's workflows write a field's value into a history entry (stored as JSON)."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from campaigns.movement.models import Target
from portal.numbers import number_shown
from portal.people import person


def target_shown(target: Target) -> str:
    """A target as people read it: "Lắp biển tuyên truyền: 1.250 biển" (no "50.00")."""
    return f"{target.name}: {number_shown(target.value)} {target.unit}".strip()


def history_value(value):
    """A field value as a history entry keeps it.

    Plain JSON values stay as they are; days are kept as ISO text (2026-01-15) and decimals as plain text
    (1.5), which HistoryEntry.labelled_changes shows the Vietnamese way (15/01/2026, 1,5) in the reader's
    language; a person is kept by name, a target with its value written as people read it, anything else
    as its text.
    """
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, AbstractBaseUser):
        return person(value)
    if isinstance(value, Target):
        return target_shown(value)
    return str(value)
