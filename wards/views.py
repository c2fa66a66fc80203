from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import scope
from portal.models import HistoryEntry
from portal.uploads import nothing_saved_message
from wards.filters import WardFilter
from wards.forms import NeighbourhoodImportForm, ProfileForm
from wards.imports import import_neighbourhoods
from wards.models import City, Neighbourhood, Profile, Ward
from wards.selectors import get_city_for_user, get_neighbourhood_for_user, get_ward_for_user
from wards.services import ConflictError, profile_save

PAGE_SIZE = 50


def page_of(request, queryset):
    """One page of a unit list (the page number from ?page=)."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def profile_year(request) -> int:
    """The profile year a unit page shows (?year=, this year by default)."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return date.today().year
    return year if 2000 <= year <= 2100 else date.today().year


def profile_figure(unit_field: str, figure: str, year: int):
    """One figure of each unit's profile for `year`, as a subquery to annotate a unit list with."""
    return Subquery(
        Profile.objects.filter(**{unit_field: OuterRef("pk")}, year=year).values(figure)[:1],
        output_field=IntegerField(),
    )


@login_required
def city_list(request):
    cities = City.objects.visible_to(request.user).annotate(
        ward_count=Count("wards", filter=scope.scope_of(request.user).ward_q("wards__"), distinct=True)
    )
    return render(request, "wards/city_list.html", {"cities": cities})


@login_required
def city_detail(request, code: str):
    city = get_city_for_user(request.user, code)
    year = profile_year(request)
    wards = (
        Ward.objects.visible_to(request.user)
        .filter(city=city)
        .annotate(
            neighbourhood_count=Count("neighbourhoods", filter=Q(neighbourhoods__valid_to__isnull=True), distinct=True),
            party_cell_count=Count("party_cells", distinct=True),
            households=profile_figure("ward", "households", year),
            people=profile_figure("ward", "people", year),
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
            "page": page_of(request, filterset.qs),
            "year": year,
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
    ward = get_ward_for_user(request.user, code)
    return _profile_edit(
        request, ward=ward, neighbourhood=None, year=year, back=reverse("wards:ward-detail", args=[ward.code])
    )


@login_required
def neighbourhood_profile_edit(request, pk: int, year: int):
    hood = get_neighbourhood_for_user(request.user, pk)
    return _profile_edit(
        request,
        ward=hood.ward,
        neighbourhood=hood,
        year=year,
        back=reverse("wards:neighbourhood-detail", args=[hood.pk]),
    )


@login_required
def neighbourhood_import(request, code: str):
    ward = get_ward_for_user(request.user, code)
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
                wards=Ward.objects.editable_by(request.user).filter(pk=ward.pk),
            )
            if result.ok:
                messages.success(
                    request,
                    _("Import finished: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
                return redirect("wards:ward-detail", code=ward.code)
            messages.error(request, nothing_saved_message(len(result.errors)))
    else:
        form = NeighbourhoodImportForm(initial={"year": date.today().year})
    return render(request, "wards/neighbourhood_import.html", {"ward": ward, "form": form, "result": result})


@login_required
def search(request):
    q = request.GET.get("q", "").strip()
    wards = neighbourhoods = []
    if q:
        wards = Ward.objects.visible_to(request.user).search(q).select_related("city").order_by("search_key")[:50]
        neighbourhoods = (
            Neighbourhood.objects.visible_to(request.user).search(q).select_related("ward").order_by("search_key")[:50]
        )
    return render(request, "wards/search.html", {"q": q, "wards": wards, "neighbourhoods": neighbourhoods})
