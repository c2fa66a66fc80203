"""Registration (đăng ký): a ward registers its units for a programme and a year (a term of several years
when the programme's title lasts longer), each with its pledge; a registration can be withdrawn, and is kept.

Every change is one transaction with its history. A registration changed by someone else since the form was
opened (its version moved on) is refused, never overwritten.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.movement.inspections.models import Registration
from campaigns.movement.inspections.outcomes import in_year_q
from campaigns.movement.inspections.permissions import works_for_ward
from campaigns.movement.inspections.units import Unit, ward_units
from portal.models import history_record
from wards.models import Neighbourhood, Ward

REGISTERED = Registration.Status.REGISTERED


class RegistrationChanged(ValidationError):
    """Someone else changed the registration after it was opened."""


def term_of(programme, year: int) -> tuple[int, int]:
    """The years a registration made for `year` covers: one, or the programme's term from that year."""
    return year, year + max(1, programme.term_years) - 1


def _unit_q(unit: Unit) -> Q:
    if unit.neighbourhood is not None:
        return Q(neighbourhood=unit.neighbourhood)
    return Q(ward=unit.ward, neighbourhood__isnull=True)


def _check_register(programme, ward: Ward, year: int, units: list[Unit]) -> list[str]:
    errors = []
    if not programme.is_active:
        errors.append(_("“%(programme)s” is not open for registration.") % {"programme": programme})
    if not units:
        errors.append(_("Tick at least one unit to register."))
    first, last = term_of(programme, year)
    existing = {unit.key: unit for unit in ward_units(programme, ward, year)}
    for unit in units:
        if unit.key not in existing:
            errors.append(
                _("%(unit)s did not exist in %(year)s; it cannot register.") % {"unit": unit.name, "year": year}
            )
    if units:
        overlap = Q()
        for unit in units:
            overlap |= _unit_q(unit)
        taken = (
            Registration.objects.filter(overlap, programme=programme, status=REGISTERED)
            .filter(first_year__lte=last, last_year__gte=first)
            .select_related("ward", "neighbourhood")
        )
        for registration in taken:
            errors.append(
                _("%(unit)s is already registered for “%(programme)s” (%(years)s).")
                % {"unit": registration.unit.name, "programme": programme, "years": _years(registration)}
            )
    return errors


def _years(registration: Registration) -> str:
    if registration.first_year == registration.last_year:
        return str(registration.first_year)
    return f"{registration.first_year}–{registration.last_year}"


@transaction.atomic
def register_units(*, user, programme, ward: Ward, year: int, units: list[Unit], pledge: str) -> list[Registration]:
    """Register these units of the ward for the programme from `year`, all with the same pledge (each can be
    edited afterwards). All or nothing: every reason a unit cannot register is listed. A unit whose
    registration for that same first year was withdrawn registers again on the same row (its history kept)."""
    if not works_for_ward(user, ward):
        raise PermissionDenied
    errors = _check_register(programme, ward, year, units)
    if errors:
        raise ValidationError(errors)
    first, last = term_of(programme, year)
    today = timezone.localdate()
    saved = []
    for unit in units:
        registration = (
            Registration.objects.select_for_update()
            .filter(_unit_q(unit), programme=programme, first_year=first)
            .order_by("pk")  # no join to the neighbourhood (the default ordering's): PostgreSQL locks no outer join
            .first()
        )
        if registration is None:
            registration = Registration(
                programme=programme, ward=ward, neighbourhood=unit.neighbourhood, first_year=first
            )
        else:
            registration.version = F("version") + 1
        registration.last_year, registration.pledge = last, pledge.strip()
        registration.status, registration.registered_on, registration.registered_by = REGISTERED, today, user
        registration.save()
        registration.refresh_from_db(fields=["version"])
        history_record(
            obj=registration,
            user=user,
            action="create",
            changes={"status": [None, str(registration.get_status_display())], "pledge": [None, registration.pledge]},
        )
        saved.append(registration)
    return saved


def _claim(registration: Registration, version: int | None) -> Registration:
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if version is not None and current.version != version:
        raise RegistrationChanged(
            _(
                "Someone else changed this registration while you were writing. Its current state is shown; "
                "check it and save again."
            ),
            code="stale",
        )
    return current


@transaction.atomic
def registration_update(*, user, registration: Registration, pledge: str, version: int | None) -> Registration:
    """Change a registration's pledge."""
    if not works_for_ward(user, registration.ward):
        raise PermissionDenied
    current = _claim(registration, version)
    if current.status != REGISTERED:
        raise ValidationError(_("This registration was withdrawn; it cannot be changed."))
    old, current.pledge = current.pledge, pledge.strip()
    current.version = F("version") + 1
    current.save(update_fields=["pledge", "version"])
    current.refresh_from_db()
    history_record(obj=current, user=user, action="update", changes={"pledge": [old, current.pledge]})
    return current


@transaction.atomic
def registration_withdraw(*, user, registration: Registration, version: int | None, reason: str = "") -> Registration:
    """Withdraw a registration: it stays, with the status withdrawn and its history."""
    if not works_for_ward(user, registration.ward):
        raise PermissionDenied
    current = _claim(registration, version)
    if current.status != REGISTERED:
        raise ValidationError(_("This registration is already withdrawn."))
    current.status = Registration.Status.WITHDRAWN
    current.version = F("version") + 1
    current.save(update_fields=["status", "version"])
    current.refresh_from_db()
    history_record(
        obj=current,
        user=user,
        action="update",
        changes={"status": [str(Registration.Status.REGISTERED.label), str(current.get_status_display())]},
        reason=reason.strip()[:500],
    )
    return current


# --- pages ---------------------------------------------------------------------------------------------------


def ward_rows(programme, ward: Ward, year: int, search: str = "") -> list[dict]:
    """Every unit of the ward for the programme in the year, with its registration covering the year (the
    standing one before a withdrawn one), or None. Two queries."""
    units = ward_units(programme, ward, year, search)
    registrations = (
        Registration.objects.filter(programme=programme, ward=ward, first_year__lte=year, last_year__gte=year)
        .filter(neighbourhood__isnull=programme.level == "ward")
        .order_by("-first_year")
    )
    by_unit = {}
    for registration in registrations:
        key = (registration.ward_id, registration.neighbourhood_id)
        held = by_unit.get(key)
        if held is None or (held.status != REGISTERED and registration.status == REGISTERED):
            by_unit[key] = registration
    return [{"unit": unit, "registration": by_unit.get(unit.key)} for unit in units]


def city_rows(programme, city, year: int, wards=None) -> tuple[list[dict], dict]:
    """Per ward of the city: units of the programme in the year, registered, share; and the city's totals.
    Three queries, however many wards and units."""
    wards = list(wards if wards is not None else city.wards.filter(in_year_q(year)).order_by("search_key"))
    ids = [w.pk for w in wards]
    if programme.level == "ward":
        units = {pk: 1 for pk in ids}
    else:
        units = dict(
            Neighbourhood.objects.filter(in_year_q(year), ward_id__in=ids)
            .values_list("ward_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    registered = dict(
        Registration.objects.in_year(year)
        .filter(programme=programme, ward_id__in=ids, neighbourhood__isnull=programme.level == "ward")
        .values_list("ward_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [{"ward": w, "units": units.get(w.pk, 0), "registered": registered.get(w.pk, 0)} for w in wards]
    totals = {"units": sum(r["units"] for r in rows), "registered": sum(r["registered"] for r in rows)}
    return rows, totals
