"""Registration pages: the ward's units for a programme and a year, the city's summary, a registration's
pledge and its withdrawal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.criteria.models import Programme
from campaigns.movement.inspections import registrations as services
from campaigns.movement.inspections.forms import PledgeForm, RegisterForm, WithdrawForm
from campaigns.movement.inspections.models import Registration
from campaigns.movement.inspections.permissions import leads_city, works_for_ward
from campaigns.movement.inspections.units import Unit, parse_token, unit_token
from portal import scope
from portal.models import HistoryEntry
from portal.numbers import percent
from wards.models import City, Neighbourhood, Ward
from wards.selectors import get_city_for_user, get_ward_for_user

YEARS = range(2000, 2101)


def _programme(code: str) -> Programme:
    return get_object_or_404(Programme, code=code)


def _year(year: int) -> int:
    if year not in YEARS:
        raise Http404
    return year


def _year_param(request) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and int(text) in YEARS else timezone.localdate().year


@login_required
def registration_index(request):
    """Where to go: each programme with the wards and cities the user reads, for a year."""
    year = _year_param(request)
    current = scope.scope_of(request.user)
    wards = Ward.objects.visible_to(request.user).select_related("city").order_by("search_key")
    if current.is_admin or current.city_ids:
        wards = wards.none()  # a city's page leads to its wards
    cities = (
        City.objects.visible_to(request.user).order_by("search_key") if (current.is_admin or current.city_ids) else []
    )
    return render(
        request,
        "campaigns/inspections/registration_index.html",
        {
            "year": year,
            "programmes": Programme.objects.order_by("level", "name"),
            "wards": list(wards[:50]),
            "cities": list(cities),
            "years": range(year - 2, year + 3),
        },
    )


def _chosen_units(request, ward: Ward, rows: list[dict]) -> list:
    """The units ticked in the form. A neighbourhood of the ward outside the year is passed on (the service
    says why it cannot register); a unit of another ward, or no unit at all, is a forged id (404)."""
    by_token = {row["unit"].token: row["unit"] for row in rows}
    keys = [parse_token(token) for token in request.POST.getlist("units")]
    if any(key is None or key[0] != ward.pk for key in keys):
        raise Http404
    others = {key[1] for key in keys if unit_token(*key) not in by_token}
    found = {h.pk: h for h in Neighbourhood.objects.visible_to(request.user).filter(ward=ward, pk__in=others - {None})}
    if others - set(found):
        raise Http404
    return [by_token.get(unit_token(*key)) or Unit(ward, found[key[1]]) for key in keys]


@login_required
def registration_ward(request, code: str, programme: str, year: int):
    """Every unit of the ward with its registration for the year; register several at once."""
    ward = get_ward_for_user(request.user, code)
    programme, year = _programme(programme), _year(year)
    can_register = works_for_ward(request.user, ward)
    rows = services.ward_rows(programme, ward, year)
    open_units = [r["unit"] for r in rows if r["registration"] is None or r["registration"].status != "registered"]
    form = RegisterForm(units=open_units)
    if request.method == "POST":
        if not can_register:
            raise PermissionDenied
        chosen = _chosen_units(request, ward, rows)
        # Every ticked unit is a choice here: why one cannot register is the service's message, not "invalid".
        form = RegisterForm(request.POST, units=list({u.token: u for u in [*open_units, *chosen]}.values()))
        try:
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            saved = services.register_units(
                user=request.user,
                programme=programme,
                ward=ward,
                year=year,
                units=chosen,
                pledge=form.cleaned_data["pledge"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(count)s units registered.") % {"count": len(saved)})
            return redirect("campaigns:registration-ward", code=ward.code, programme=programme.code, year=year)
    search = request.GET.get("q", "").strip()
    shown = services.ward_rows(programme, ward, year, search) if search else rows
    first, last = services.term_of(programme, year)
    return render(
        request,
        "campaigns/inspections/registration_ward.html",
        {
            "ward": ward,
            "programme": programme,
            "year": year,
            "rows": shown,
            "search": search,
            "form": form if can_register and programme.is_active and (open_units or request.method == "POST") else None,
            "can_register": can_register,
            "registered": sum(1 for r in rows if r["registration"] and r["registration"].status == "registered"),
            "total": len(rows),
            "term": (first, last),
        },
        status=200 if request.method == "GET" else 400,
    )


@login_required
def registration_city(request, code: str, programme: str, year: int):
    """Per ward of the city: its units, how many registered, the share; the city's totals."""
    city = get_city_for_user(request.user, code)
    if not leads_city(request.user, city.pk):
        raise Http404  # a ward's users see their own ward's page
    programme, year = _programme(programme), _year(year)
    rows, totals = services.city_rows(programme, city, year)
    for row in rows:
        row["share"] = percent(row["registered"], row["units"])
    totals["share"] = percent(totals["registered"], totals["units"])
    return render(
        request,
        "campaigns/inspections/registration_city.html",
        {"city": city, "programme": programme, "year": year, "rows": rows, "totals": totals},
    )


def _registration_for_user(user, pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.visible_to(user).select_related("programme", "ward", "neighbourhood"), pk=pk
    )


def _back(registration: Registration):
    return redirect(
        "campaigns:registration-ward",
        code=registration.ward.code,
        programme=registration.programme.code,
        year=registration.first_year,
    )


@login_required
def registration_edit(request, pk: int):
    """A registration's pledge, with its history."""
    registration = _registration_for_user(request.user, pk)
    can_edit = works_for_ward(request.user, registration.ward) and registration.status == "registered"
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = PledgeForm(request.POST)
        if form.is_valid():
            try:
                services.registration_update(
                    user=request.user,
                    registration=registration,
                    pledge=form.cleaned_data["pledge"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                registration = _registration_for_user(request.user, pk)
                status = 409 if isinstance(exc, services.RegistrationChanged) else 400
                form = _kept(PledgeForm, request.POST, registration.version)
            else:
                messages.success(request, _("Pledge saved."))
                return _back(registration)
        else:
            status = 400
    else:
        form = PledgeForm(initial={"pledge": registration.pledge, "version": registration.version})
    return render(
        request,
        "campaigns/inspections/registration_edit.html",
        {
            "registration": registration,
            "form": form if can_edit else None,
            "history": HistoryEntry.objects.for_object(registration)[:20],
        },
        status=status,
    )


def _kept(form_class, data, version: int):
    """What was typed, with the current version: saving again is a conscious choice over the other's change."""
    fresh = data.copy()
    fresh["version"] = version
    form = form_class(fresh)
    form.is_valid()
    return form


@login_required
def registration_withdraw(request, pk: int):
    """Ask for confirmation, then withdraw: the registration stays, with its status and history."""
    registration = _registration_for_user(request.user, pk)
    if not works_for_ward(request.user, registration.ward):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.registration_withdraw(
                    user=request.user,
                    registration=registration,
                    version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                registration = _registration_for_user(request.user, pk)
                form, status = _kept(WithdrawForm, request.POST, registration.version), 409
            else:
                messages.success(request, _("Registration of %(unit)s withdrawn.") % {"unit": registration.unit.name})
                return _back(registration)
        else:
            status = 400
    else:
        form = WithdrawForm(initial={"version": registration.version})
    return render(
        request,
        "campaigns/inspections/registration_withdraw.html",
        {"registration": registration, "form": form},
        status=status,
    )
