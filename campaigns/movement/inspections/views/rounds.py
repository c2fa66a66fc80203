"""Inspection rounds: the list, a round with its team and visits, creating and editing one, adding visits."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.movement.inspections import rounds as services
from campaigns.movement.inspections.forms import RoundForm, TeamFormSet, VisitAddForm, team_rows
from campaigns.movement.inspections.models import InspectionRound, Visit
from campaigns.movement.inspections.permissions import can_manage_round, leads_city, works_for_ward
from campaigns.movement.inspections.units import parse_token
from portal import scope
from portal.models import HistoryEntry
from wards.models import City, Ward

PAGE_SIZE = 50
PASSING = [Visit.Conclusion.MEETS, Visit.Conclusion.CONDITIONS]


@login_required
def round_list(request):
    """The rounds the user reads, newest first, with how many of their visits the user reads and how many pass."""
    current = scope.scope_of(request.user)
    mine = current.ward_q("visits__ward__")
    rounds = (
        InspectionRound.objects.visible_to(request.user)
        .select_related("programme", "ward", "city")
        .annotate(
            visit_count=Count("visits", filter=mine, distinct=True),
            passed=Count("visits", filter=mine & Q(visits__conclusion__in=PASSING), distinct=True),
            pending=Count("visits", filter=mine & Q(visits__conclusion="pending"), distinct=True),
        )
        .order_by("-year", "-starts_on", "-id")
    )
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    wards = (
        Ward.objects.visible_to(request.user)
        .filter(Q(pk__in=current.edit_ward_ids) | Q(pk__in=current.review_ward_ids))
        .order_by("search_key")
    )
    cities = City.objects.visible_to(request.user)
    if not current.is_admin:
        cities = cities.filter(pk__in=current.city_ids)
    return render(
        request,
        "campaigns/inspections/round_list.html",
        {"page": page, "new_wards": list(wards), "new_cities": list(cities.order_by("search_key"))},
    )


def _round_for_user(user, pk: int) -> InspectionRound:
    return get_object_or_404(
        InspectionRound.objects.visible_to(user).select_related("programme", "ward", "city"), pk=pk
    )


def _where(request) -> tuple[Ward | None, City | None]:
    """The ward (?ward=<code>) or the city (?city=<code>) a new round is for; 404 outside the user's scope."""
    code = request.GET.get("ward")
    if code:
        return get_object_or_404(Ward.objects.visible_to(request.user).select_related("city"), code=code), None
    code = request.GET.get("city")
    if code:
        return None, get_object_or_404(City.objects.visible_to(request.user), code=code)
    raise Http404


@login_required
def round_create(request):
    ward, city = _where(request)
    if not (works_for_ward(request.user, ward) if ward else leads_city(request.user, city.pk)):
        raise PermissionDenied
    return _round_form(request, None, ward=ward, city=city)


@login_required
def round_edit(request, pk: int):
    round_ = _round_for_user(request.user, pk)
    if not can_manage_round(request.user, round_):
        raise PermissionDenied
    return _round_form(request, round_)


def _round_form(request, round_, *, ward=None, city=None):
    status = 200
    if request.method == "POST":
        form = RoundForm(request.POST, instance=round_, is_new=round_ is None)
        formset = TeamFormSet(request.POST, prefix="team")
        if form.is_valid() and formset.is_valid():
            data = {**form.cleaned_data, "ward": ward, "city": city}
            try:
                saved = services.round_save(user=request.user, data=data, team=team_rows(formset), round_=round_)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Round “%(name)s” saved.") % {"name": saved.name})
                return redirect("campaigns:round-detail", pk=saved.pk)
        status = 400
        if round_ is not None:
            round_.refresh_from_db()
    else:
        initial = {"year": timezone.localdate().year} if round_ is None else {}
        form = RoundForm(instance=round_, is_new=round_ is None, initial=initial)
        team = (
            []
            if round_ is None
            else [{"name": m.name, "role": m.role, "organisation": m.organisation} for m in round_.team.all()]
        )
        formset = TeamFormSet(prefix="team", initial=team)
    return render(
        request,
        "campaigns/inspections/round_form.html",
        {"form": form, "formset": formset, "round": round_, "ward": ward, "city": city},
        status=status,
    )


def _visits_of(user, round_: InspectionRound):
    return (
        Visit.objects.visible_to(user)
        .filter(round=round_)
        .select_related("ward", "neighbourhood")
        .order_by("ward__search_key", "neighbourhood__search_key", "id")
    )


def _render_round(request, round_: InspectionRound, add_form=None, status: int = 200):
    can_manage = can_manage_round(request.user, round_)
    eligible = services.eligible_units(round_) if can_manage else []
    if can_manage and add_form is None:
        add_form = VisitAddForm(units=eligible, initial={"visited_on": min(round_.starts_on, timezone.localdate())})
    groups = [(ward, list(units)) for ward, units in groupby(eligible, key=lambda u: u.ward)]
    return render(
        request,
        "campaigns/inspections/round_detail.html",
        {
            "round": round_,
            "team": list(round_.team.all()),
            "visits": _visits_of(request.user, round_),
            "can_manage": can_manage,
            "add_form": add_form if eligible else None,
            "groups": groups,
            "history": HistoryEntry.objects.for_object(round_)[:20],
        },
        status=status,
    )


@login_required
def round_detail(request, pk: int):
    return _render_round(request, _round_for_user(request.user, pk))


@login_required
@require_POST
def visit_add(request, pk: int):
    """Add visits to the ticked units. A unit outside the round's ward (or city) is a forged id: 404."""
    round_ = _round_for_user(request.user, pk)
    if not can_manage_round(request.user, round_):
        raise PermissionDenied
    eligible = services.eligible_units(round_)
    form = VisitAddForm(request.POST, units=eligible)
    keys = [parse_token(t) for t in request.POST.getlist("units")]
    wards = Ward.objects.visible_to(request.user)
    allowed = wards.filter(pk=round_.ward_id) if round_.ward_id else wards.filter(city_id=round_.city_id)
    if any(k is None for k in keys) or not {k[0] for k in keys} <= set(allowed.values_list("pk", flat=True)):
        raise Http404
    if form.is_valid():
        by_token = {u.token: u for u in eligible}
        units = [by_token[t] for t in form.cleaned_data["units"]]
        try:
            visits = services.visits_add(
                user=request.user, round_=round_, units=units, visited_on=form.cleaned_data["visited_on"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(count)s visits added.") % {"count": len(visits)})
            return redirect("campaigns:round-detail", pk=round_.pk)
    messages.error(request, _("No visit was added: check the fields marked below."))
    return _render_round(request, round_, add_form=form, status=400)
