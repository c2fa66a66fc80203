"""Saving checked neighbourhood rows: each neighbourhood and its profile of the year, with their history."""

from django.utils.translation import gettext as _

from portal.models import history_record
from wards.imports.columns import COLUMN_LABELS
from wards.imports.outcome import NeighbourhoodsImported, RowError
from wards.imports.rows import ParsedRow
from wards.models import Neighbourhood, Profile, search_key
from wards.signals import units_batch


def save_rows(parsed: list[ParsedRow], *, user, year: int, result: NeighbourhoodsImported) -> None:
    """Save every row, counting what was created, updated and left unchanged; or add errors and save nothing.

    Run inside a transaction: rows are checked against what is saved before anything is written.
    """
    current = {
        (n.ward_id, n.search_key): n
        for n in Neighbourhood.objects.filter(ward__in={p.ward.pk for p in parsed}, valid_to__isnull=True)
    }
    profiles = {p.neighbourhood_id: p for p in Profile.objects.filter(year=year, neighbourhood__in=current.values())}
    _check_against_saved(parsed, current, profiles, result)
    if result.errors:
        return
    with units_batch():  # the rollups recount each ward once, not once per row
        _save_all(parsed, current, profiles, user=user, year=year, result=result)


def _save_all(parsed: list[ParsedRow], current: dict, profiles: dict, *, user, year: int, result) -> None:
    for row in parsed:
        hood = current.get((row.ward.pk, search_key(row.name)))
        if hood is None:
            hood = _create_neighbourhood(row, user=user)
            _save_profile(None, hood, row, user=user, year=year)
            result.created += 1
            continue
        changed = _save_neighbourhood(hood, row, user=user)
        changed = _save_profile(profiles.get(hood.pk), hood, row, user=user, year=year) or changed
        if changed:
            result.updated += 1
        else:
            result.unchanged += 1


def _check_against_saved(parsed: list[ParsedRow], current: dict, profiles: dict, result) -> None:
    labels = COLUMN_LABELS()
    for row in parsed:
        hood = current.get((row.ward.pk, search_key(row.name)))
        profile = profiles.get(hood.pk) if hood else None
        if profile is not None and row.households < profile.poor_households + profile.near_poor_households:
            result.errors.append(
                RowError(
                    row.number,
                    labels["households"],
                    _("%(name)s: fewer households than its poor and near-poor households.") % {"name": row.name},
                )
            )


def _create_neighbourhood(row: ParsedRow, *, user) -> Neighbourhood:
    hood = Neighbourhood.objects.create(ward=row.ward, name=row.name, kind=row.kind)
    history_record(
        obj=hood, user=user, action="import", changes={"name": [None, row.name], "kind": [None, str(row.kind)]}
    )
    return hood


def _save_neighbourhood(hood: Neighbourhood, row: ParsedRow, *, user) -> bool:
    """A new kind or a new spelling of the name; whether anything changed."""
    if hood.kind == row.kind and hood.name == row.name:
        return False
    history_record(
        obj=hood,
        user=user,
        action="import",
        changes={"kind": [hood.kind, str(row.kind)], "name": [hood.name, row.name]},
    )
    hood.kind, hood.name = row.kind, row.name
    hood.save()
    return True


def _save_profile(profile: Profile | None, hood: Neighbourhood, row: ParsedRow, *, user, year: int) -> bool:
    """The year's households and people; whether anything changed."""
    if profile is None:
        profile = Profile.objects.create(
            neighbourhood=hood, year=year, households=row.households, people=row.people, updated_by=user
        )
        history_record(
            obj=profile,
            user=user,
            action="import",
            changes={"households": [None, row.households], "people": [None, row.people]},
        )
        return True
    if (profile.households, profile.people) == (row.households, row.people):
        return False
    history_record(
        obj=profile,
        user=user,
        action="import",
        changes={"households": [profile.households, row.households], "people": [profile.people, row.people]},
    )
    profile.households, profile.people = row.households, row.people
    profile.version += 1
    profile.updated_by = user
    profile.save()
    return True
