"""Recording, correcting and deleting a commendation: its rules, the permission, the version check and the
history, each in one transaction."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.movement.commendations.models import Commendation, Recipient
from campaigns.movement.commendations.querysets import can_record_commendations
from campaigns.movement.services.versions import claim_version, field_changes, save_new_version
from portal.models import history_record
from portal.vietnamese import nfc
from wards.models import Ward

FIELDS = (
    "year",
    "form",
    "authority",
    "decision_number",
    "decision_date",
    "signer",
    "recipient",
    "neighbourhood",
    "party_cell",
    "person_name",
    "position",
    "achievement",
)
TEXTS = ("authority", "decision_number", "signer", "person_name", "position")
EARLIEST_YEAR = 2000


class CommendationChanged(ValidationError):
    """Someone else changed (or deleted) the commendation after it was opened."""


def _recipient_errors(ward: Ward, data: dict, add) -> None:
    """Exactly one recipient: what the chosen kind needs, nothing of another kind, units of the ward."""
    kind = data.get("recipient")
    hood, cell = data.get("neighbourhood"), data.get("party_cell")
    name, position = (data.get("person_name") or "").strip(), (data.get("position") or "").strip()
    if hood is not None and hood.ward_id != ward.pk:
        add("neighbourhood", _("This neighbourhood does not belong to the ward."))
    if cell is not None and cell.ward_id != ward.pk:
        add("party_cell", _("This party cell does not belong to the ward."))
    if kind == Recipient.NEIGHBOURHOOD and hood is None:
        add("neighbourhood", _("Choose the neighbourhood commended."))
    if kind == Recipient.PARTY_CELL and cell is None:
        add("party_cell", _("Choose the party cell commended."))
    if kind == Recipient.HOUSEHOLD:
        if not name:
            add("person_name", _("Write the name of the head of the household."))
        if hood is None:
            add("neighbourhood", _("Choose the household's neighbourhood."))
    if kind == Recipient.INDIVIDUAL:
        if not name:
            add("person_name", _("Write the person's full name."))
        if not position:
            add("position", _("Write the person's role or position."))
    if kind != Recipient.PARTY_CELL and cell is not None:
        add("party_cell", _("Only a party cell's commendation names a party cell: clear it or choose that kind."))
    if kind in (Recipient.WARD, Recipient.PARTY_CELL) and hood is not None:
        add("neighbourhood", _("This kind of recipient names no neighbourhood: clear it or choose another kind."))
    if kind in (Recipient.WARD, Recipient.NEIGHBOURHOOD, Recipient.PARTY_CELL) and (name or position):
        add("person_name", _("A collective's commendation names no person: clear the name and position."))
    if kind == Recipient.HOUSEHOLD and position:
        add("position", _("A household's commendation has no position: clear it or choose an individual."))


def commendation_errors(ward: Ward, data: dict, today: date | None = None) -> dict[str, list[str]]:
    """What is wrong with a commendation for `ward`, by field; empty when nothing is."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    _recipient_errors(ward, data, add)
    year, decided = data.get("year"), data.get("decision_date")
    if year is not None and not (EARLIEST_YEAR <= year <= today.year):
        add("year", _("The year lies between 2000 and this year."))
    if decided is not None and decided > today:
        add("decision_date", _("The decision date cannot be in the future."))
    elif decided is not None and year is not None and decided.year < year:
        add("decision_date", _("The decision cannot come before the year it commends."))
    for name in ("decision_number", "authority", "achievement"):
        if name in data and not (data.get(name) or "").strip():
            add(name, _("This field is required."))
    return errors


def _cleaned(data: dict) -> dict:
    values = {name: data.get(name) for name in FIELDS}
    for name in TEXTS:
        values[name] = nfc(values[name])
    values["achievement"] = (values["achievement"] or "").strip()
    return values


def commendation_save(
    *, user, ward: Ward, data: dict, commendation: Commendation | None = None, version: int | None = None
) -> Commendation:
    """Record a commendation of `ward` (or correct `commendation`, read at `version`).

    Names are kept in NFC. Raises PermissionDenied unless the user records the ward's commendations,
    ValidationError (by field) for what commendation_errors finds, and CommendationChanged when someone else
    changed or deleted it since.
    """
    if not can_record_commendations(user, ward) or (commendation is not None and commendation.ward_id != ward.pk):
        raise PermissionDenied
    errors = commendation_errors(ward, data)
    if errors:
        raise ValidationError(errors)
    values = _cleaned(data)
    with transaction.atomic():
        if commendation is None:
            commendation = Commendation.objects.create(ward=ward, created_by=user, **values)
            history_record(obj=commendation, user=user, action="create", changes=_changes(None, values))
            return commendation
        current = _claim(commendation, version)
        changes = _changes(current, values)
        save_new_version(current, values)
        history_record(obj=current, user=user, action="update", changes=changes)
    return current


def commendation_delete(*, user, commendation: Commendation, version: int | None = None) -> None:
    """Delete a commendation read at `version`; CommendationChanged when someone changed it since."""
    if not can_record_commendations(user, commendation.ward):
        raise PermissionDenied
    with transaction.atomic():
        current = _claim(commendation, version)
        history_record(obj=current, user=user, action="delete", changes=_changes(current, {}))
        current.delete()


def _claim(commendation: Commendation, version: int | None) -> Commendation:
    """Lock the row; refuse when it is gone or its version moved on since the caller read it."""
    return claim_version(
        commendation,
        version,
        CommendationChanged,
        gone=_("Someone else deleted this commendation meanwhile."),
        stale=_(
            "Someone else changed this commendation while you were editing it. What is saved now is shown "
            "above; your changes are kept below: check them and save again."
        ),
    )


def _changes(old: Commendation | None, values: dict) -> dict:
    return field_changes(old, values, FIELDS)
