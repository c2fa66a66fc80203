"""Launching a campaign (phong trào, đợt thi đua) and changing it, with its targets."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.movement.models import Campaign, Target
from campaigns.movement.services.history import history_value, target_shown
from portal import scope
from portal.models import history_record

CAMPAIGN_FIELDS = ("name", "kind", "goal", "start", "end")


def _campaign_errors(data: dict, targets: list[dict]) -> dict:
    errors: dict[str, list] = {}
    start, end = data.get("start"), data.get("end")
    if start and end and end < start:
        errors.setdefault("end", []).append(_("The end cannot come before the start."))
    for row in targets:
        if row.get("delete"):
            continue
        value = row.get("value")
        if value is not None and value < 0:
            errors.setdefault("targets", []).append(
                _("The target “%(name)s” cannot be negative.") % {"name": row.get("name") or "—"}
            )
        if not (row.get("name") or "").strip():
            errors.setdefault("targets", []).append(_("Every target needs a name."))
        if value is None:
            errors.setdefault("targets", []).append(
                _("The target “%(name)s” needs a value.") % {"name": row.get("name") or "—"}
            )
    return errors


def _targets_shown(campaign: Campaign) -> str | None:
    """The campaign's targets in one line, as its history shows them; None when it has none."""
    return "; ".join(target_shown(t) for t in campaign.targets.order_by("id")) or None


def _members_shown(rows) -> str | None:
    """Participating wards or pushed criteria in one line, as the campaign's history shows them."""
    return ", ".join(sorted(str(row) for row in rows)) or None


def _members_save(campaign: Campaign, name: str, rows: list, changes: dict, created: bool) -> None:
    """Set the campaign's many-to-many `name`; its members before and after, by name, go into `changes`."""
    manager = getattr(campaign, name)
    before = None if created else _members_shown(manager.all())
    manager.set(rows)
    after = _members_shown(rows)
    if after != before:
        changes[name] = [before, after]


def _targets_save(campaign: Campaign, targets: list[dict], changes: dict) -> None:
    """Add, change and delete the campaign's targets; the targets before and after go into `changes`."""
    before = _targets_shown(campaign)
    existing = {t.pk: t for t in campaign.targets.all()}
    for row in targets:
        target = existing.get(row.get("id")) if row.get("id") else None
        if row.get("delete"):
            if target is not None:
                target.delete()
            continue
        if target is None:
            target = Target(campaign=campaign)
        target.name = row["name"].strip()
        target.unit = (row.get("unit") or "").strip()
        target.value = row["value"]
        target.save()
    after = _targets_shown(campaign)
    if after != before:
        changes["targets"] = [before, after]


def campaign_save(*, user, campaign: Campaign | None = None, data: dict, targets: Iterable[dict]) -> Campaign:
    """Create or change a campaign and its targets.

    `data` holds name, kind, goal, start, end, ward (the owning ward, None for a city-wide campaign), city
    (needed only for a city-wide campaign), wards (participating) and criteria. `targets` are dicts with
    id (None for a new one), name, unit, value and delete. Raises PermissionDenied or ValidationError;
    nothing is saved unless everything is valid.
    """
    targets = list(targets)
    ward = data.get("ward")
    city = ward.city if ward is not None else data.get("city") or (campaign.city if campaign else None)
    if city is None:
        raise ValidationError({"city": _("Choose the city of a city-wide campaign.")})
    if campaign is not None and not scope.can_manage_campaign(user, city=campaign.city, ward=campaign.ward):
        raise PermissionDenied
    if not scope.can_manage_campaign(user, city=city, ward=ward):
        raise PermissionDenied
    errors = _campaign_errors(data, targets)
    wards = list(data.get("wards") or [])
    if any(w.city_id != city.pk for w in wards):
        errors.setdefault("wards", []).append(_("Participating wards must belong to the campaign's city."))
    if errors:
        raise ValidationError(errors)
    created = campaign is None
    with transaction.atomic():
        if created:
            campaign = Campaign(created_by=user if user.is_authenticated else None)
        else:
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        changes = {}
        for name in CAMPAIGN_FIELDS:
            if name in data and getattr(campaign, name) != data[name]:
                changes[name] = [None if created else history_value(getattr(campaign, name)), history_value(data[name])]
                setattr(campaign, name, data[name])
        if campaign.ward_id != (ward.pk if ward else None):
            changes["ward"] = [None if created else history_value(campaign.ward), history_value(ward)]
        campaign.ward = ward
        campaign.city = city
        campaign.save()
        for name in ("wards", "criteria"):
            if name in data:
                _members_save(campaign, name, list(data[name] or []), changes, created)
        _targets_save(campaign, targets, changes)
        history_record(obj=campaign, user=user, action="create" if created else "update", changes=changes)
    return campaign
