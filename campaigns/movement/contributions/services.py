"""Recording, correcting and deleting a contribution: the rules every way in (the form, the Excel import)
shares, the permission, the version check and the history, in one transaction each."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.movement.contributions.models import IN_DONG, Contribution, Kind, places_of
from campaigns.movement.contributions.querysets import can_edit_contributions
from campaigns.movement.models import Campaign
from campaigns.movement.services.versions import claim_version, field_changes, save_new_version
from portal.models import history_record
from portal.vietnamese import nfc
from wards.models import Ward

FIELDS = ("neighbourhood", "campaign", "received_on", "kind", "source", "amount", "description", "contributor", "note")
EARLIEST = date(2000, 1, 1)


class ContributionChanged(ValidationError):
    """Someone else changed (or deleted) the contribution after it was opened."""


def ward_campaigns(ward: Ward):
    """The campaigns a ward's contributions may go to: those it owns or takes part in, and the city-wide
    campaigns of its city (as campaigns.movement.querysets.campaign_filter lets the ward's people read)."""
    return Campaign.objects.filter(Q(ward=ward) | Q(wards=ward) | Q(ward__isnull=True, city_id=ward.city_id)).distinct()


def contribution_errors(ward: Ward, data: dict, today: date | None = None) -> dict[str, list[str]]:
    """What is wrong with a contribution for `ward`, by field; empty when nothing is."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    hood, campaign = data.get("neighbourhood"), data.get("campaign")
    if hood is not None and hood.ward_id != ward.pk:
        add("neighbourhood", _("This neighbourhood does not belong to the ward."))
    if campaign is not None and not ward_campaigns(ward).filter(pk=campaign.pk).exists():
        add("campaign", _("This ward does not take part in this campaign."))
    received_on = data.get("received_on")
    if received_on is not None and received_on > today:
        add("received_on", _("The date cannot be in the future."))
    elif received_on is not None and received_on < EARLIEST:
        add("received_on", _("The date cannot be before 01/01/2000."))
    errors_of_amount(data.get("kind"), data.get("amount"), add)
    if data.get("kind") == Kind.MATERIALS and not (data.get("description") or "").strip():
        add("description", _("Say what materials were given, e.g. 20 tonnes of cement."))
    return errors


def errors_of_amount(kind: str | None, amount: Decimal | None, add) -> None:
    """An amount must not be negative, and in đồng it is a whole number (two decimals otherwise)."""
    if amount is None:
        return
    if amount < 0:
        add("amount", _("The amount cannot be negative."))
    elif kind in IN_DONG and amount != amount.to_integral_value():
        add("amount", _("An amount in đồng is a whole number."))
    elif kind is not None and amount != round(amount, places_of(kind)):
        add("amount", _("At most two decimals."))


def _cleaned(data: dict) -> dict:
    values = {name: data.get(name) for name in FIELDS}
    for name in ("description", "contributor"):
        values[name] = nfc(values[name])
    values["note"] = (values["note"] or "").strip()
    return values


def contribution_save(
    *,
    user,
    ward: Ward,
    data: dict,
    contribution: Contribution | None = None,
    version: int | None = None,
    imported_from=None,
    reason: str = "",
) -> Contribution:
    """Record a contribution to `ward` (or correct `contribution`, read at `version`).

    `imported_from` and `reason` name the Excel file a new one comes from. Raises PermissionDenied unless
    the user records the ward's contributions, ValidationError (by field) for what contribution_errors
    finds, and ContributionChanged when someone else changed or deleted it since.
    """
    if not can_edit_contributions(user, ward) or (contribution is not None and contribution.ward_id != ward.pk):
        raise PermissionDenied
    errors = contribution_errors(ward, data)
    if errors:
        raise ValidationError(errors)
    values = _cleaned(data)
    with transaction.atomic():
        if contribution is None:
            contribution = Contribution.objects.create(
                ward=ward, created_by=user, imported_from=imported_from, **values
            )
            history_record(obj=contribution, user=user, action="create", changes=_changes(None, values), reason=reason)
            return contribution
        current = _claim(contribution, version)
        changes = _changes(current, values)
        save_new_version(current, values)
        history_record(obj=current, user=user, action="update", changes=changes)
    return current


def contribution_delete(*, user, contribution: Contribution, version: int | None = None) -> None:
    """Delete a contribution read at `version`; ContributionChanged when someone changed it since."""
    if not can_edit_contributions(user, contribution.ward):
        raise PermissionDenied
    with transaction.atomic():
        current = _claim(contribution, version)
        history_record(obj=current, user=user, action="delete", changes=_changes(current, {}))
        current.delete()


def _claim(contribution: Contribution, version: int | None) -> Contribution:
    """Lock the row; refuse when it is gone or its version moved on since the caller read it."""
    return claim_version(
        contribution,
        version,
        ContributionChanged,
        gone=_("Someone else deleted this contribution meanwhile."),
        stale=_(
            "Someone else changed this contribution while you were editing it. What is saved now is shown "
            "above your changes; your changes are kept below: check them and save again."
        ),
    )


def _changes(old: Contribution | None, values: dict) -> dict:
    return field_changes(old, values, FIELDS)
