from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.movement import services as movement
from campaigns.movement.models import PartyCellRating
from campaigns.results import periods
from portal import scope
from portal.models import HistoryEntry
from reports import selectors
from wards.filters import NeighbourhoodFilter, WardFilter
from wards.forms import NeighbourhoodImportForm, ProfileForm
from wards.imports import import_neighbourhoods
from wards.models import Profile
from wards.services import ConflictError, profile_save

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _profile_year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return date.today().year
    return year if 2000 <= year <= 2100 else date.today().year


def _profile_figure(unit_field: str, figure: str, year: int):
    return Subquery(
        Profile.objects.filter(**{unit_field: OuterRef("pk")}, year=year).values(figure)[:1],
        output_field=IntegerField(),
    )


@login_required
def city_list(request):
    cities = scope.cities_visible_to(request.user).annotate(
        ward_count=Count("wards", filter=scope.scope_of(request.user).ward_q("wards__"), distinct=True)
    )
    return render(request, "wards/city_list.html", {"cities": cities})


@login_required
def city_detail(request, code: str):
    city = scope.get_city_for_user(request.user, code)
    year = _profile_year(request)
    wards = (
        scope.wards_visible_to(request.user)
        .filter(city=city)
        .annotate(
            neighbourhood_count=Count("neighbourhoods", filter=Q(neighbourhoods__valid_to__isnull=True), distinct=True),
            party_cell_count=Count("party_cells", distinct=True),
            households=_profile_figure("ward", "households", year),
            people=_profile_figure("ward", "people", year),
        )
        .order_by("search_key")
    )
    filterset = WardFilter(request.GET, queryset=wards)
    return render(
        request,
        "wards/city_detail.html",
        {
            "city": city,
            "filter": filterset,
            "page": _page(request, filterset.qs),
            "year": year,
        },
    )


def _with_latest_rating(cells):
    """Each party cell with its most recent yearly rating (one query for all of them)."""
    latest = PartyCellRating.objects.filter(party_cell=OuterRef("pk")).order_by("-year")
    return cells.annotate(
        rating_year=Subquery(latest.values("year")[:1]),
        rating_level=Subquery(latest.values("level")[:1]),
        rating_score=Subquery(latest.values("score")[:1]),
    )


def _gaps(unit) -> dict:
    submission = selectors.latest_submission(unit)
    return {"gap_submission": submission, "gaps": selectors.unit_gaps(submission) if submission else []}


@login_required
def ward_detail(request, code: str):
    ward = scope.get_ward_for_user(request.user, code)
    year = _profile_year(request)
    period = periods.current_month()
    closeness = selectors.neighbourhoods_by_closeness(ward, period)
    neighbourhoods = ward.neighbourhoods.annotate(
        households=_profile_figure("neighbourhood", "households", year),
        people=_profile_figure("neighbourhood", "people", year),
        poor_households=_profile_figure("neighbourhood", "poor_households", year),
        party_cell_count=Count("party_cells"),
    ).order_by("search_key")
    filterset = NeighbourhoodFilter(request.GET, queryset=neighbourhoods)
    return render(
        request,
        "wards/ward_detail.html",
        {
            "ward": ward,
            "year": year,
            "filter": filterset,
            "page": _page(request, filterset.qs),
            "party_cells": _with_latest_rating(ward.party_cells.select_related("neighbourhood").order_by("search_key")),
            "rating_year": date.today().year - 1,
            "profiles": ward.profiles.order_by("-year"),
            "successors": ward.successors.all(),
            "predecessors": ward.predecessors.all(),
            "can_edit": scope.can_edit_ward(request.user, ward),
            "period": period,
            "closeness": closeness[:100],
            "recognitions": movement.recognitions_confirmed_for(ward),
            **_gaps(ward),
        },
    )


@login_required
def neighbourhood_detail(request, pk: int):
    hood = scope.get_neighbourhood_for_user(request.user, pk)
    profiles = list(hood.profiles.order_by("-year"))
    return render(
        request,
        "wards/neighbourhood_detail.html",
        {
            "hood": hood,
            "ward": hood.ward,
            "profiles": profiles,
            "party_cells": _with_latest_rating(hood.party_cells.all()),
            "successors": hood.successors.all(),
            "predecessors": hood.predecessors.all(),
            "history": HistoryEntry.objects.for_object(hood)[:20],
            "can_edit": scope.can_edit_ward(request.user, hood.ward),
            "this_year": date.today().year,
            "recognitions": movement.recognitions_confirmed_for(hood),
            **_gaps(hood),
        },
    )


def _profile_edit(request, *, ward, neighbourhood, year: int, back: str):
    if not 2000 <= year <= 2100:
        raise Http404
    unit = neighbourhood or ward
    scope.require_edit(request.user, ward)
    unit_filter = {"neighbourhood": neighbourhood} if neighbourhood else {"ward": ward}
    profile = Profile.objects.filter(year=year, **unit_filter).first()
    conflict = None
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile_save(
                    user=request.user,
                    year=year,
                    figures=form.figures(),
                    version=form.cleaned_data["version"],
                    ward=None if neighbourhood else ward,
                    neighbourhood=neighbourhood,
                )
            except ConflictError as exc:
                conflict = exc.current
                # Keep what was typed; the next save, now knowingly, replaces the current values.
                data = request.POST.copy()
                data["version"] = conflict.version if conflict else ""
                form = ProfileForm(data)
                form.is_valid()
                messages.error(
                    request,
                    _(
                        "Someone else saved this profile while you were editing. Compare the saved values "
                        "with yours below, then save again to keep yours."
                    ),
                )
            else:
                messages.success(request, _("Profile of %(unit)s for %(year)s saved.") % {"unit": unit, "year": year})
                return redirect(back)
    else:
        initial = {"version": profile.version} if profile else {}
        if profile:
            initial.update({name: getattr(profile, name) for name in Profile.FIGURES})
        form = ProfileForm(initial=initial)
    return render(
        request,
        "wards/profile_form.html",
        {
            "form": form,
            "unit": unit,
            "ward": ward,
            "year": year,
            "profile": profile,
            "conflict": conflict,
            "back": back,
            "history": HistoryEntry.objects.for_object(profile)[:20] if profile else [],
        },
    )


@login_required
def ward_profile_edit(request, code: str, year: int):
    ward = scope.get_ward_for_user(request.user, code)
    return _profile_edit(
        request, ward=ward, neighbourhood=None, year=year, back=reverse("wards:ward-detail", args=[ward.code])
    )


@login_required
def neighbourhood_profile_edit(request, pk: int, year: int):
    hood = scope.get_neighbourhood_for_user(request.user, pk)
    return _profile_edit(
        request,
        ward=hood.ward,
        neighbourhood=hood,
        year=year,
        back=reverse("wards:neighbourhood-detail", args=[hood.pk]),
    )


@login_required
def neighbourhood_import(request, code: str):
    ward = scope.get_ward_for_user(request.user, code)
    scope.require_edit(request.user, ward)
    result = None
    if request.method == "POST":
        form = NeighbourhoodImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_neighbourhoods(
                user=request.user,
                filename=upload.name,
                content=upload.read(),
                year=form.cleaned_data["year"],
                wards=scope.editable_wards(request.user).filter(pk=ward.pk),
            )
            if result.ok:
                messages.success(
                    request,
                    _("Import finished: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
                return redirect("wards:ward-detail", code=ward.code)
            messages.error(
                request,
                ngettext(
                    "The file has %(count)s error; nothing was saved.",
                    "The file has %(count)s errors; nothing was saved.",
                    len(result.errors),
                )
                % {"count": len(result.errors)},
            )
    else:
        form = NeighbourhoodImportForm(initial={"year": date.today().year})
    return render(request, "wards/neighbourhood_import.html", {"ward": ward, "form": form, "result": result})


@login_required
def search(request):
    q = request.GET.get("q", "").strip()
    wards = neighbourhoods = []
    if q:
        wards = scope.wards_visible_to(request.user).search(q).select_related("city").order_by("search_key")[:50]
        neighbourhoods = (
            scope.neighbourhoods_visible_to(request.user).search(q).select_related("ward").order_by("search_key")[:50]
        )
    return render(request, "wards/search.html", {"q": q, "wards": wards, "neighbourhoods": neighbourhoods})
