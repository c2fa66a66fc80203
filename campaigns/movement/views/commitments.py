"""Commitments (cam kết): the list, recording one with its scan, closing it as kept or breached; requests
from the city asking every ward to sign, and who has not."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.movement import permissions
from campaigns.movement.forms.commitments import CloseForm, CommitmentFilterForm, CommitmentForm, CommitmentRequestForm
from campaigns.movement.models import Commitment, CommitmentRequest
from campaigns.movement.services import commitments as commitment_services
from portal import scope
from portal.models import HistoryEntry
from portal.numbers import parse_id
from wards.models import Ward

PAGE_SIZE = 50


def _commitment_for_user(user, pk: int) -> Commitment:
    """A commitment the user may see; any other does not exist for them (404)."""
    return get_object_or_404(
        Commitment.objects.visible_to(user).select_related("city", "ward__city", "neighbourhood", "request"), pk=pk
    )


def _may_record(user) -> bool:
    return commitment_services.may_record_any(user)


@login_required
def commitment_list(request):
    """Commitments the user may see, filtered by topic, who signed, ward, year of the period and outcome."""
    form = CommitmentFilterForm(request.GET or None, user=request.user)
    commitments = Commitment.objects.visible_to(request.user).select_related("city", "ward", "neighbourhood")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["topic"]:
            commitments = commitments.filter(topic=data["topic"])
        if data["kind"]:
            commitments = commitments.of_kind(data["kind"])
        if data["ward"]:
            commitments = commitments.filter(ward=data["ward"])
        if data["year"]:
            commitments = commitments.filter(
                period_start__lte=date(data["year"], 12, 31), period_end__gte=date(data["year"], 1, 1)
            )
        if data["outcome"]:
            commitments = commitments.filter(outcome=data["outcome"])
    page = Paginator(
        commitments.order_by("-period_start", F("ward__search_key").asc(nulls_first=True), "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    current = scope.scope_of(request.user)
    return render(
        request,
        "campaigns/movement/commitment_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "requests": CommitmentRequest.objects.visible_to(request.user).order_by("-deadline", "-pk")[:10],
            "can_record": _may_record(request.user),
            "can_ask": current.is_admin or current.is_city_leader,
            "today": timezone.localdate(),
        },
    )


@login_required
def commitment_create(request):
    """Record a signed commitment with its scanned document: a ward's staff for their ward, its neighbourhoods
    and offices within it; a city's leaders for offices at city level; administrators."""
    if not _may_record(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind")
    if request.method == "POST":
        form = CommitmentForm(request.POST, request.FILES, user=request.user, kind=kind)
        if form.is_valid():
            data = dict(form.cleaned_data)
            document = data.pop("document")
            try:
                commitment = commitment_services.commitment_record(user=request.user, data=data, document=document)
            except ValidationError as exc:
                _show_errors(request, form, exc)
            else:
                messages.success(request, _("Commitment of %(unit)s recorded.") % {"unit": commitment.unit_name})
                return redirect("campaigns:commitment-detail", pk=commitment.pk)
        else:
            messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        form = CommitmentForm(user=request.user, kind=kind, initial=_initial_from_request(request))
    kinds = [(k, Commitment.SignerKind(k).label) for k in form.kinds]
    return render(request, "campaigns/movement/commitment_form.html", {"form": form, "kinds": kinds})


def _show_errors(request, form, exc: ValidationError) -> None:
    """The service's refusal: beside the field it concerns when there is one, and at the top."""
    messages.error(request, " ".join(exc.messages))
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                form.add_error(field, errors)


def _initial_from_request(request) -> dict:
    """Filled in from the request being answered (?request=<id>&ward=<code>), when there is one."""
    initial = {"signed_on": timezone.localdate()}
    asked_pk = parse_id(request.GET.get("request"))
    asked = (
        CommitmentRequest.objects.visible_to(request.user).filter(pk=asked_pk).first() if asked_pk is not None else None
    )
    if asked is not None:
        initial.update(request=asked, topic=asked.topic, period_start=asked.period_start, period_end=asked.period_end)
    code = request.GET.get("ward")
    if code:
        initial["ward"] = Ward.objects.editable_by(request.user).filter(code=code).first()
    return initial


@login_required
def commitment_detail(request, pk: int):
    commitment = _commitment_for_user(request.user, pk)
    can_close = commitment_services.may_close(request.user, commitment)
    today = timezone.localdate()
    return render(
        request,
        "campaigns/movement/commitment_detail.html",
        {
            "commitment": commitment,
            "can_close": can_close,
            "is_over": today > commitment.period_end,
            "close_form": CloseForm() if can_close else None,
            "history": HistoryEntry.objects.for_object(commitment)[:20],
        },
    )


@login_required
@require_POST
def commitment_close(request, pk: int):
    """Mark kept or breached (with a note) after the period: the ward's staff and leaders, administrators."""
    commitment = _commitment_for_user(request.user, pk)
    if not commitment_services.may_close(request.user, commitment):
        raise PermissionDenied
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        commitment = commitment_services.commitment_close(
            user=request.user,
            commitment=commitment,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Commitment marked “%(outcome)s”.") % {"outcome": commitment.get_outcome_display()})
    return redirect("campaigns:commitment-detail", pk=commitment.pk)


@login_required
def commitment_document(request, pk: int):
    """The scanned document, only for users who may see the commitment's ward."""
    commitment = _commitment_for_user(request.user, pk)
    if not commitment.document:
        raise Http404
    content_type = commitment_services.commitment_document_content_type(commitment)
    return FileResponse(
        commitment.document.open("rb"),
        content_type=content_type,
        filename=commitment.document.name.rsplit("/", 1)[-1],
        as_attachment=content_type == "application/pdf",
    )


@login_required
def request_create(request):
    """Ask wards of a city to sign a commitment: the city's leaders and administrators."""
    cities = list(permissions.cities_led_by(request.user).order_by("search_key"))
    if not cities:
        raise PermissionDenied
    code = request.POST.get("city") or request.GET.get("city")
    if code:
        city = next((c for c in cities if c.code == code), None)
        if city is None:
            raise Http404
    elif len(cities) == 1:
        city = cities[0]
    else:  # an administrator of several cities chooses one first
        return render(request, "campaigns/movement/commitment_request_form.html", {"cities": cities, "form": None})
    if request.method == "POST":
        form = CommitmentRequestForm(request.POST, city=city)
        if form.is_valid():
            data = dict(form.cleaned_data)
            wards = data.pop("wards")
            try:
                asked = commitment_services.commitment_request_create(
                    user=request.user, city=city, data=data, wards=wards
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(count)s wards were asked to sign.") % {"count": asked.wards.count()})
                return redirect("campaigns:commitment-request-detail", pk=asked.pk)
        else:
            messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        form = CommitmentRequestForm(city=city)
    return render(
        request, "campaigns/movement/commitment_request_form.html", {"cities": cities, "city": city, "form": form}
    )


@login_required
def request_detail(request, pk: int):
    """Who signed and who has not. A ward user sees only their own ward's line."""
    asked = get_object_or_404(
        CommitmentRequest.objects.visible_to(request.user).select_related("city", "campaign"), pk=pk
    )
    current = scope.scope_of(request.user)
    sees_all = current.is_admin or asked.city_id in current.city_ids
    rows = commitment_services.request_status(asked, ward_ids=None if sees_all else current.read_ward_ids)
    for row in rows:
        row.may_sign = not row.signed and (current.is_admin or row.pk in current.edit_ward_ids)
    return render(
        request,
        "campaigns/movement/commitment_request_detail.html",
        {
            "asked": asked,
            "rows": rows,
            "sees_all": sees_all,
            "signed": [row for row in rows if row.signed],
            "not_signed": [row for row in rows if not row.signed],
            "late": timezone.localdate() > asked.deadline,
        },
    )
