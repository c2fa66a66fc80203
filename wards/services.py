"""Workflows on units and profiles. Each is one transaction with its history entry."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from portal.models import history_record
from wards.models import Neighbourhood, Profile, Ward
from wards.signals import units_changed


class ConflictError(Exception):
    """Someone else saved the same record since the form was opened."""

    def __init__(self, current: Profile):
        super().__init__("stale version")
        self.current = current


def profile_save(
    *,
    user,
    year: int,
    figures: dict[str, int],
    version: int | None,
    ward: Ward | None = None,
    neighbourhood: Neighbourhood | None = None,
) -> Profile:
    """Create or update a unit's profile for a year.

    `version` is what the form was opened with (None for a new profile). If the
    stored version moved on, nothing is written and ConflictError carries the
    current row so the person can compare both values.
    """
    unit_filter = {"ward": ward} if ward is not None else {"neighbourhood": neighbourhood}
    with transaction.atomic():
        existing = Profile.objects.select_for_update().filter(year=year, **unit_filter).first()
        if existing is None:
            if version is not None:
                raise ConflictError(current=None)  # it was deleted meanwhile; rare
            try:
                with transaction.atomic():  # a savepoint: the outer transaction stays usable
                    profile = Profile.objects.create(year=year, updated_by=user, **unit_filter, **figures)
            except IntegrityError:
                # Someone else created the year's profile since the row above was read (nothing to lock
                # then): the same conflict as a concurrent edit, with their figures to compare.
                current = Profile.objects.filter(year=year, **unit_filter).first()
                if current is None:
                    raise
                raise ConflictError(current=current) from None
            history_record(
                obj=profile,
                user=user,
                action="create",
                changes={k: [None, v] for k, v in figures.items()},
            )
            return profile
        if version is None or existing.version != version:
            raise ConflictError(current=existing)
        changes = {k: [getattr(existing, k), v] for k, v in figures.items() if getattr(existing, k) != v}
        if not changes:
            return existing
        Profile.objects.filter(pk=existing.pk).update(version=F("version") + 1, updated_by=user, **figures)
        existing.refresh_from_db()
        history_record(obj=existing, user=user, action="update", changes=changes)
        return existing


def unit_retire(*, user, unit: Ward | Neighbourhood, on: date, replaced_by: list, reason: str = "") -> None:
    """Mark `unit` as ended on `on` and replaced by `replaced_by` (a merge, split or rename).

    Nothing that points at the old unit changes: its results and profiles stay
    where they are. The report figures (campaigns.results.figures) follow
    `successors`: the old unit counts for the month it ended in only if it
    reported for it, the new unit is compared with the units it replaced, and
    the year's figures count the new unit alone.
    """
    if not replaced_by:
        raise ValueError(_("Name the unit or units that replace it."))
    with transaction.atomic():
        type(unit).objects.filter(pk=unit.pk).update(valid_to=on)
        unit.valid_to = on
        unit.successors.add(*replaced_by)
        for new in replaced_by:
            if new.valid_from is None or new.valid_from > on:
                type(new).objects.filter(pk=new.pk).update(valid_from=on)
        units_changed.send(sender=type(unit), ward_ids=[unit.ward_id if isinstance(unit, Neighbourhood) else unit.pk])
        history_record(
            obj=unit,
            user=user,
            action="retire",
            changes={
                "valid_to": [None, on.strftime("%d/%m/%Y")],
                "successors": [None, ", ".join(str(n) for n in replaced_by)],
            },
            reason=reason,
        )
