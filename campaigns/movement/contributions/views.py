"""Pages of contributions: a ward's list with its totals, the city's totals per ward, recording, correcting
and deleting one. Ward staff and the ward leader change their ward's; city leaders read the city's;
administrators everything. Outside the user's scope is 404, visible but not theirs to change 403."""

import calendar
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.movement.contributions import services, totals
from campaigns.movement.contributions.forms import (
    WARD_ITSELF,
    CityFilterForm,
    ContributionFilterForm,
    ContributionForm,
)
from campaigns.movement.contributions.models import Contribution
from campaigns.movement.contributions.querysets import can_edit_contributions
from portal import scope
from portal.models import HistoryEntry
from wards.models import City, Ward
from wards.selectors import get_city_for_user, get_ward_for_user

PAGE_SIZE = 50
YEARS_BACK = 5


def _contribution_for_user(user, pk: int) -> Contribution:
    """A contribution the user reads; any other does not exist for them (404)."""
    return get_object_or_404(
        Contribution.objects.visible_to(user).select_related("ward__city", "neighbourhood", "campaign"), pk=pk
    )


def _years(today: date) -> list[int]:
    return list(range(today.year, today.year - YEARS_BACK - 1, -1))


def date_range(year: int | None, month_from: int | None, month_to: int | None) -> tuple[date, date] | None:
    """The days of a year, or of a range of its months; None without a year."""
    if not year:
        return None
    last = month_to or 12
    return date(year, month_from or 1, 1), date(year, last, calendar.monthrange(year, last)[1])


def _filtered(contributions, data: dict):
    span = date_range(data.get("year"), data.get("month_from"), data.get("month_to"))
    if span:
        contributions = contributions.received_within(*span)
    for name in ("kind", "source", "campaign"):
        if data.get(name):
            contributions = contributions.filter(**{name: data[name]})
    unit = data.get("unit")
    if unit == WARD_ITSELF:
        contributions = contributions.filter(neighbourhood__isnull=True)
    elif unit:
        contributions = contributions.filter(neighbourhood_id=int(unit))
    return contributions.search(data.get("q") or "")


@login_required
def contribution_home(request):
    """The menu's entry: the city's totals for city leaders and administrators, else the user's ward."""
    current = scope.scope_of(request.user)
    if current.is_admin or current.is_city_leader:
        city = City.objects.visible_to(request.user).order_by("search_key").first()
        if city is not None:
            return redirect("campaigns:contribution-city", code=city.code)
    ward = Ward.objects.visible_to(request.user).order_by("search_key").first()
    if ward is None:
        raise Http404
    return redirect("campaigns:contribution-list", code=ward.code)


@login_required
def contribution_list(request, code: str):
    """A ward's contributions, filtered, with the totals of what is filtered by kind and source."""
    ward = get_ward_for_user(request.user, code)
    today = timezone.localdate()
    form = ContributionFilterForm(request.GET or None, ward=ward, years=_years(today))
    contributions = Contribution.objects.visible_to(request.user).filter(ward=ward)
    if form.is_bound and form.is_valid():
        contributions = _filtered(contributions, form.cleaned_data)
    page = Paginator(
        contributions.select_related("neighbourhood", "campaign").order_by("-received_on", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/contributions/list.html",
        {
            "ward": ward,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "table": totals.kind_source_table(contributions.totals_by_kind_and_source()),
            "can_edit": can_edit_contributions(request.user, ward),
        },
    )


@login_required
def contribution_city(request, code: str):
    """The city's totals: a row of kinds per ward and the city's kind × source table, for a year or months."""
    city = get_city_for_user(request.user, code)
    current = scope.scope_of(request.user)
    if not (current.is_admin or city.pk in current.city_ids):
        raise PermissionDenied
    today = timezone.localdate()
    form = CityFilterForm(request.GET or None, years=_years(today), initial={"year": today.year})
    data = form.cleaned_data if form.is_bound and form.is_valid() else {"year": today.year}
    start, end = date_range(data["year"], data.get("month_from"), data.get("month_to"))
    wards = list(Ward.objects.visible_to(request.user).filter(city=city).order_by("search_key", "code"))
    contributions = Contribution.objects.visible_to(request.user).filter(ward__city=city).received_within(start, end)
    # Wards with contributions in the period; those without are counted, not listed (a province has 166).
    rows = [row for row in totals.ward_rows(wards, contributions.totals_by_ward_and_kind()) if row.count]
    return render(
        request,
        "campaigns/contributions/city.html",
        {
            "city": city,
            "form": form,
            "start": start,
            "end": end,
            "kinds": totals.kind_headers(),
            "rows": rows,
            "without": len(wards) - len(rows),
            "table": totals.kind_source_table(contributions.totals_by_kind_and_source()),
        },
    )


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@login_required
def contribution_create(request, code: str):
    """Record a contribution to the ward or one of its neighbourhoods."""
    ward = get_ward_for_user(request.user, code)
    if not can_edit_contributions(request.user, ward):
        raise PermissionDenied
    if request.method == "POST":
        form = ContributionForm(request.POST, ward=ward)
        if form.is_valid():
            try:
                services.contribution_save(user=request.user, ward=ward, data=form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Contribution recorded."))
                return redirect("campaigns:contribution-list", code=ward.code)
        messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        form = ContributionForm(ward=ward, initial={"received_on": timezone.localdate(), "source": "residents"})
    return render(request, "campaigns/contributions/form.html", {"ward": ward, "form": form})


@login_required
def contribution_edit(request, pk: int):
    """Correct a contribution; a change made by someone else since it was opened is shown, never overwritten."""
    contribution = _contribution_for_user(request.user, pk)
    ward = contribution.ward
    if not can_edit_contributions(request.user, ward):
        raise PermissionDenied
    saved_now = None
    if request.method == "POST":
        form = ContributionForm(request.POST, ward=ward, contribution=contribution)
        if form.is_valid():
            try:
                services.contribution_save(
                    user=request.user,
                    ward=ward,
                    data=form.cleaned_data,
                    contribution=contribution,
                    version=form.cleaned_data["version"],
                )
            except services.ContributionChanged as exc:
                saved_now = Contribution.objects.visible_to(request.user).filter(pk=pk).first()
                if saved_now is None:
                    messages.error(request, exc.messages[0])
                    return redirect("campaigns:contribution-list", code=ward.code)
                form = _stale_form(request, ward, saved_now, exc)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Contribution saved."))
                return redirect("campaigns:contribution-list", code=ward.code)
        messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        form = ContributionForm(ward=ward, contribution=contribution)
        form.initial_from(contribution)
    return render(
        request,
        "campaigns/contributions/form.html",
        {
            "ward": ward,
            "form": form,
            "contribution": contribution,
            "saved_now": saved_now,
            "history": HistoryEntry.objects.for_object(contribution)[:20],
        },
    )


def _stale_form(request, ward: Ward, saved_now: Contribution, exc: ValidationError) -> ContributionForm:
    """The user's input kept, now against the version saved, so that saving again replaces it knowingly."""
    data = request.POST.copy()
    data["version"] = str(saved_now.version)
    form = ContributionForm(data, ward=ward, contribution=saved_now)
    form.is_valid()
    form.add_error(None, exc.messages[0])
    return form


@login_required
@require_POST
def contribution_delete(request, pk: int):
    contribution = _contribution_for_user(request.user, pk)
    if not can_edit_contributions(request.user, contribution.ward):
        raise PermissionDenied
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.contribution_delete(user=request.user, contribution=contribution, version=version)
    except services.ContributionChanged as exc:
        messages.error(request, exc.messages[0])
        return redirect("campaigns:contribution-edit", pk=contribution.pk)
    messages.success(request, _("Contribution deleted."))
    return redirect("campaigns:contribution-list", code=contribution.ward.code)
