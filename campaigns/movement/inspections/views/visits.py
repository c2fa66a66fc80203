"""A visit: its details, the score table (reported beside verified, differences marked), the conclusion,
photos and files served through a scoped view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.movement.inspections import rounds as round_services
from campaigns.movement.inspections import scoring
from campaigns.movement.inspections.forms import PhotoForm, VisitForm
from campaigns.movement.inspections.models import Visit, VisitPhoto
from campaigns.movement.inspections.permissions import can_manage_round
from portal.models import HistoryEntry


def _visit_for_user(user, pk: int) -> Visit:
    return get_object_or_404(
        Visit.objects.visible_to(user).select_related(
            "round__programme", "round__ward", "round__city", "ward", "neighbourhood"
        ),
        pk=pk,
    )


def _scores(visit: Visit, editable: bool) -> list:
    """The visit's scores; an editor opening the table first copies what the unit reported."""
    if editable:
        return scoring.scores_ensure(visit)
    return list(visit.scores.select_related("indicator__criterion"))


def _initial(visit: Visit) -> dict:
    return {
        "visited_on": visit.visited_on,
        "participants": visit.participants,
        "notes": visit.notes,
        "conclusion": visit.conclusion,
        "conditions": visit.conditions,
        "version": visit.version,
    }


def _render(request, visit: Visit, scores: list, form: VisitForm, *, photo_form=None, status: int = 200):
    editable = can_manage_round(request.user, visit.round)
    ward_scores = scoring.ward_scores_for(visit)
    table = scoring.score_table(scores, ward_scores)
    for group in table:
        for row in group.rows:
            row["value_field"] = form[f"v_{row['indicator'].pk}"]
            row["note_field"] = form[f"n_{row['indicator'].pk}"]
    return render(
        request,
        "campaigns/inspections/visit_detail.html",
        {
            "visit": visit,
            "round": visit.round,
            "form": form,
            "fields": {name: form[name] for name in form.fields},
            "table": table,
            "has_ward_scores": bool(ward_scores),
            "criteria_set": scores[0].indicator.criterion.criteria_set if scores else None,
            "editable": editable,
            "photos": list(visit.photos.all()),
            "photo_form": (photo_form or PhotoForm()) if editable else None,
            "history": HistoryEntry.objects.for_object(visit)[:20],
        },
        status=status,
    )


@login_required
def visit_detail(request, pk: int):
    """GET: the visit. POST: save details, verified values and conclusion, checked against concurrent edits."""
    visit = _visit_for_user(request.user, pk)
    editable = can_manage_round(request.user, visit.round)
    scores = _scores(visit, editable)
    if request.method != "POST":
        return _render(request, visit, scores, VisitForm(initial=_initial(visit), scores=scores, editable=editable))
    if not editable:
        raise PermissionDenied
    form = VisitForm(request.POST, scores=scores, editable=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            scoring.visit_save(
                user=request.user,
                visit=visit,
                data=data,
                verified=scoring.verified_from_form(data, form.indicators),
                version=data["version"],
            )
        except scoring.VisitChanged as exc:
            messages.error(request, " ".join(exc.messages))
            visit = _visit_for_user(request.user, pk)
            fresh = request.POST.copy()
            fresh["version"] = visit.version
            scores = _scores(visit, True)
            form = VisitForm(fresh, scores=scores, editable=True)
            form.is_valid()
            return _render(request, visit, scores, form, status=409)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Visit saved."))
            return redirect("campaigns:visit-detail", pk=visit.pk)
    messages.error(request, _("Nothing was saved: check the fields marked below."))
    return _render(request, visit, scores, form, status=400)


@login_required
@require_POST
def visit_photo_add(request, pk: int):
    visit = _visit_for_user(request.user, pk)
    if not can_manage_round(request.user, visit.round):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photos = round_services.photos_add(
                user=request.user, visit=visit, files=form.cleaned_data["files"], caption=form.cleaned_data["caption"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(count)s files attached.") % {"count": len(photos)})
            return redirect("campaigns:visit-detail", pk=visit.pk)
    scores = _scores(visit, True)
    messages.error(request, _("No file was attached: check the fields marked below."))
    return _render(
        request,
        visit,
        scores,
        VisitForm(initial=_initial(visit), scores=scores, editable=True),
        photo_form=form,
        status=400,
    )


@login_required
def visit_photo(request, pk: int):
    """A photo or file of a visit, only for users who may see the visit's unit."""
    item = get_object_or_404(VisitPhoto.objects.visible_to(request.user), pk=pk)
    return FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        filename=item.original_name,
        as_attachment=item.content_type == "application/pdf",
    )
