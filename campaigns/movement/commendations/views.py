"""Pages of commendations: the list with its filters, recording, correcting and deleting one.

Everyone reads the commendations of their scope; the ward's staff and leader record their ward's, the city's
leaders and administrators any of the city's. Outside the user's scope is 404, visible but not theirs to
change 403 (querysets.can_record_commendations).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.movement.commendations import services
from campaigns.movement.commendations.forms import CommendationFilterForm, CommendationForm
from campaigns.movement.commendations.models import AUTHORITIES, Commendation, Recipient
from campaigns.movement.commendations.querysets import can_record_commendations
from portal.models import HistoryEntry
from wards.models import Ward
from wards.selectors import get_ward_for_user

PAGE_SIZE = 50


def _commendation_for_user(user, pk: int) -> Commendation:
    """A commendation the user reads; any other does not exist for them (404)."""
    return get_object_or_404(
        Commendation.objects.visible_to(user).select_related("ward__city", "neighbourhood", "party_cell"), pk=pk
    )


def _filtered(commendations, data: dict):
    if data.get("year"):
        commendations = commendations.filter(year=data["year"])
    if data.get("form"):
        commendations = commendations.filter(form=data["form"])
    if data.get("recipient"):
        commendations = commendations.of_group(data["recipient"])
    if data.get("ward"):
        commendations = commendations.filter(ward__code=data["ward"])
    return commendations.search(data.get("q") or "")


@login_required
def commendation_list(request):
    """The commendations of the user's scope, newest year first, filtered; the wards the user records for."""
    visible = Commendation.objects.visible_to(request.user)
    wards = list(Ward.objects.visible_to(request.user).order_by("search_key", "code").only("code", "name", "city_id"))
    this_year = timezone.localdate().year
    years = sorted({this_year, *visible.order_by().values_list("year", flat=True).distinct()}, reverse=True)
    form = CommendationFilterForm(request.GET or None, years=years, wards=wards)
    commendations = visible
    if form.is_bound and form.is_valid():
        commendations = _filtered(commendations, form.cleaned_data)
    page = Paginator(
        commendations.select_related("ward", "neighbourhood", "party_cell").order_by(
            "-year", "ward__search_key", "-decision_date", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    recording = [w for w in wards if can_record_commendations(request.user, w)]
    return render(
        request,
        "campaigns/commendations/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "recording": recording,
            "recording_ids": {w.pk for w in recording},
            "count": page.paginator.count,
        },
    )


@login_required
def commendation_start(request):
    """The list's "record" button: on to the chosen ward's form (?ward=<code>)."""
    ward = get_ward_for_user(request.user, request.GET.get("ward") or "")
    if not can_record_commendations(request.user, ward):
        raise PermissionDenied
    return redirect("campaigns:commendation-create", code=ward.code)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _render_form(request, ward: Ward, form, **more):
    return render(
        request,
        "campaigns/commendations/form.html",
        {"ward": ward, "form": form, "authorities": AUTHORITIES, **more},
    )


@login_required
def commendation_create(request, code: str):
    """Record a commendation of the ward, one of its neighbourhoods or party cells, a household or a person."""
    ward = get_ward_for_user(request.user, code)
    if not can_record_commendations(request.user, ward):
        raise PermissionDenied
    if request.method == "POST":
        form = CommendationForm(request.POST, ward=ward)
        if form.is_valid():
            try:
                services.commendation_save(user=request.user, ward=ward, data=form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Commendation recorded."))
                return redirect(f"{_list_url()}?ward={ward.code}")
        messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        year = timezone.localdate().year
        form = CommendationForm(
            ward=ward, initial={"year": year - 1, "form": "giay_khen", "recipient": Recipient.INDIVIDUAL}
        )
    return _render_form(request, ward, form)


def _list_url() -> str:
    return reverse("campaigns:commendation-list")


@login_required
def commendation_edit(request, pk: int):
    """Correct a commendation; a change made by someone else since it was opened is shown, never overwritten."""
    commendation = _commendation_for_user(request.user, pk)
    ward = commendation.ward
    if not can_record_commendations(request.user, ward):
        raise PermissionDenied
    saved_now = None
    if request.method == "POST":
        form = CommendationForm(request.POST, ward=ward, commendation=commendation)
        if form.is_valid():
            try:
                services.commendation_save(
                    user=request.user,
                    ward=ward,
                    data=form.cleaned_data,
                    commendation=commendation,
                    version=form.cleaned_data["version"],
                )
            except services.CommendationChanged as exc:
                saved_now = _commendation_or_none(request.user, pk)
                if saved_now is None:
                    messages.error(request, exc.messages[0])
                    return redirect("campaigns:commendation-list")
                form = _stale_form(request, ward, saved_now, exc)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Commendation saved."))
                return redirect(f"{_list_url()}?ward={ward.code}")
        messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        form = CommendationForm(ward=ward, commendation=commendation)
        form.initial_from(commendation)
    return _render_form(
        request,
        ward,
        form,
        commendation=commendation,
        saved_now=saved_now,
        history=HistoryEntry.objects.for_object(commendation)[:20],
    )


def _commendation_or_none(user, pk: int) -> Commendation | None:
    return (
        Commendation.objects.visible_to(user)
        .select_related("ward", "neighbourhood", "party_cell")
        .filter(pk=pk)
        .first()
    )


def _stale_form(request, ward: Ward, saved_now: Commendation, exc: ValidationError) -> CommendationForm:
    """The user's input kept, now against the version saved, so that saving again replaces it knowingly."""
    data = request.POST.copy()
    data["version"] = str(saved_now.version)
    form = CommendationForm(data, ward=ward, commendation=saved_now)
    form.is_valid()
    form.add_error(None, exc.messages[0])
    return form


@login_required
def commendation_delete(request, pk: int):
    """Ask, then delete a commendation read at the version the page showed."""
    commendation = _commendation_for_user(request.user, pk)
    if not can_record_commendations(request.user, commendation.ward):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "campaigns/commendations/delete.html", {"commendation": commendation})
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.commendation_delete(user=request.user, commendation=commendation, version=version)
    except services.CommendationChanged as exc:
        messages.error(request, exc.messages[0])
        if exc.code == "gone":
            return redirect("campaigns:commendation-list")
        return redirect("campaigns:commendation-edit", pk=commendation.pk)
    messages.success(request, _("Commendation deleted."))
    return redirect(f"{_list_url()}?ward={commendation.ward.code}")
