"""Edits that never overwrite someone else's: a row is read with its version, and saving it locks the row,
checks the version is still the one read, and moves it on. The movement's sub-apps (contributions,
commendations, plan targets) share these steps; each says in its own words what happened."""

from django.core.exceptions import ValidationError
from django.db.models import F, Model

from campaigns.movement.services.history import history_value


def claim_version(obj: Model, version: int | None, error: type[ValidationError], *, gone: str, stale: str) -> Model:
    """Lock `obj`'s row for the transaction and return it read afresh. Raise `error(gone)` when it was deleted
    meanwhile, `error(stale)` when its version moved on since the caller read it (at `version`, or else at the
    version `obj` holds)."""
    current = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
    if current is None:
        raise error(gone, code="gone")
    expected = obj.version if version is None else version
    if current.version != expected:
        raise error(stale, code="stale")
    return current


def save_new_version(current: Model, values: dict) -> Model:
    """Write `values` into a claimed row and move its version on by one."""
    for name, value in values.items():
        setattr(current, name, value)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db(fields=["version"])
    return current


def field_changes(old: Model | None, values: dict, fields) -> dict:
    """What a save changes, as {field: [before, after]} history values: `values` against `old` (None for a new
    row); with no values (a deletion), every field of `fields` against nothing."""
    changes = {}
    for name in values or fields:
        before = getattr(old, name) if old is not None else None
        after = values.get(name) if values else None
        if before != after:
            changes[name] = [history_value(before), history_value(after)]
    return changes
