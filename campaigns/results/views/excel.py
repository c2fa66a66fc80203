"""Bulk entry by Excel: the template of a ward and period, and its upload (check → preview → confirm).

A file that passed every check is kept on the server until it is confirmed (excel.preview_keep):
the session holds only the tokens of the user's previews, posted back by the confirm button, so a
preview is tied to the session and user that made it and every page of theirs stays light. Confirming
checks the file again under the ward's lock and saves it only if nothing it changes moved on since
the preview; otherwise the differences are shown and the preview is kept (excel.preview_confirm).

A confirmed file leads on: the upload page then offers to send the drafts it just saved to the ward
leader in one action (views.bulk.bulk_submit), for which the session keeps their neighbourhood ids
until that page is shown once.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.results import bulk, excel, programmes
from campaigns.results.excel.previews import MAX_PENDING
from campaigns.results.models import ExcelPreview, Period, Submission
from campaigns.results.views.bulk import FIELD
from portal import scope
from portal.uploads import check_upload, nothing_saved_message
from wards.selectors import get_ward_for_user

SESSION_KEY = "campaigns_excel_previews"  # the tokens of the user's previews, nothing else
SAVED_KEY = "campaigns_excel_saved"  # the units a confirmed file just saved, for the next step, shown once
OLD_SESSION_KEY = "campaigns_excel_uploads"  # whole files, kept in the session before; dropped when seen
SHOWN = 5000  # rows of an error or preview table rendered; the counts are always complete

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExcelUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, excel.upload_rule())
        return upload


def _ward_and_period(request, code: str, period_pk: int):
    ward = get_ward_for_user(request.user, code)
    scope.require_edit(request.user, ward)
    return ward, get_object_or_404(Period, pk=period_pk)


def _programme(request, ward):
    """The neighbourhood programme the file is for (`?programme=`; default the first): 404 for one not run here."""
    return programmes.chosen(request, programmes.programmes_of_ward(ward))


def _period_slug(period: Period) -> str:
    if period.kind == Period.Kind.MONTH:
        return f"{period.year}-{period.number:02d}"
    if period.kind == Period.Kind.QUARTER:
        return f"{period.year}-q{period.number}"
    if period.kind == Period.Kind.HALF:
        return f"{period.year}-h{period.number}"
    return f"{period.year}"


@login_required
@require_GET
def excel_template(request, code: str, period_pk: int):
    """The workbook of a ward's neighbourhoods and indicators for a period, current values filled in."""
    ward, period = _ward_and_period(request, code, period_pk)
    content = excel.template_build(ward=ward, period=period, programme=_programme(request, ward))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{ward.code}-{_period_slug(period)}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- files awaiting confirmation ---------------------------------------------------


def _remember(request, token: str) -> None:
    tokens = [t for t in request.session.get(SESSION_KEY, []) if isinstance(t, str)]
    request.session[SESSION_KEY] = [*tokens[-(MAX_PENDING - 1) :], token]


def _forget(request, token: str) -> None:
    tokens = request.session.get(SESSION_KEY, [])
    if token in tokens:
        request.session[SESSION_KEY] = [t for t in tokens if t != token]


def _preview(request, token: str, *, ward, period) -> ExcelPreview | None:
    """The user's preview of this ward and period for a token of their session, expired or not."""
    if not token or token not in request.session.get(SESSION_KEY, []):
        return None
    return (
        ExcelPreview.objects.visible_to(request.user)
        .filter(token=token, user=request.user, ward=ward, period=period)
        .select_related("ward", "period")
        .first()
    )


# --- the upload page ----------------------------------------------------------------

PAGE = "campaigns/results/excel_upload.html"


@login_required
@require_http_methods(["GET", "POST"])
def excel_upload(request, code: str, period_pk: int):
    """GET: the upload form. POST a file: its errors, or a preview of the changes. POST `token`: save them."""
    ward, period = _ward_and_period(request, code, period_pk)
    request.session.pop(OLD_SESSION_KEY, None)
    programme = _programme(request, ward)
    context = {
        "ward": ward,
        "period": period,
        "programme": programme,
        "several_programmes": len(programmes.programmes_of_ward(ward)) > 1,
        "form": ExcelUploadForm(),
        "result": None,
        "token": None,
        "shown": SHOWN,
    }
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, context)
    if request.method == "POST":
        form = ExcelUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            _check(request, form.cleaned_data["file"], context)
    else:
        context.update(saved=_saved_drafts(request, ward, period), field=FIELD)
    return render(request, PAGE, context)


# --- the next step: send what was just saved -------------------------------------------------------


def _saved_drafts(request, ward, period) -> list[dict]:
    """The units a file confirmed just before saved that can still be sent, with what each lacks; once.

    The session holds only their neighbourhood ids; each is read again within the user's scope.
    """
    kept = request.session.pop(SAVED_KEY, None)
    if not isinstance(kept, dict) or (kept.get("ward"), kept.get("period")) != (ward.code, period.pk):
        return []
    units = [pk for pk in kept.get("units", []) if isinstance(pk, int)]
    if period.is_locked or not units:
        return []
    drafts = bulk.with_fill(
        Submission.objects.visible_to(request.user)
        .filter(
            ward=ward,
            period=period,
            neighbourhood_id__in=units,
            status__in=(Submission.Status.DRAFT, Submission.Status.RETURNED),
        )
        .select_related("neighbourhood")
        .order_by("neighbourhood__search_key")
    )
    return [{"submission": s, "empty": bulk.fill(s).empty} for s in drafts]


def _check(request, upload, context: dict) -> None:
    """Check an uploaded file; keep it for confirmation when it changes something and has no error."""
    ward, period = context["ward"], context["period"]
    content = upload.read()
    programme = context["programme"]
    result = excel.upload_check(
        user=request.user, ward=ward, period=period, filename=upload.name, content=content, programme=programme
    )
    context.update(result=result, filename=upload.name)
    if not result.ok:
        _error_message(request, result)
    elif not result.changes:
        messages.info(request, _("The file matches what is saved; there is nothing to change."))
    else:
        preview = excel.preview_keep(
            user=request.user,
            ward=ward,
            period=period,
            filename=upload.name,
            content=content,
            result=result,
            programme=programme,
        )
        _remember(request, preview.token)
        context["token"] = preview.token


def _confirm(request, context: dict):
    """Save a preview's changes, or show why not: expired, errors, or results saved meanwhile."""
    ward, period = context["ward"], context["period"]
    token = request.POST["token"]
    preview = _preview(request, token, ward=ward, period=period)
    if preview is None:
        _forget(request, token)
        messages.error(request, _("The uploaded file is no longer available; upload it again."))
        return render(request, PAGE, context)
    try:
        result = excel.preview_confirm(user=request.user, preview=preview, digest=request.POST.get("digest", ""))
    except excel.PreviewUnavailable as exc:
        _forget(request, token)
        messages.error(request, str(exc))
        return render(request, PAGE, context)
    context.update(result=result, filename=preview.filename)
    if result.needs_review:
        context["token"] = token
        if result.conflicts:
            messages.error(
                request,
                _(
                    "Someone saved results of this ward for this period after your preview; nothing was saved. "
                    "Compare their values with your file below, then upload a corrected file or confirm to "
                    "replace them with yours."
                ),
            )
        else:
            messages.warning(
                request,
                _("The results changed since the preview was shown. Check the changes below and confirm again."),
            )
        return render(request, PAGE, context)
    _forget(request, token)
    if not result.ok:
        _error_message(request, result)
    elif not result.changes:
        messages.info(request, _("The file matches what is saved; there is nothing to change."))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s result saved from “%(name)s”.",
                "%(count)s results saved from “%(name)s”.",
                result.saved,
            )
            % {"count": result.saved, "name": preview.filename},
        )
        request.session[SAVED_KEY] = {
            "ward": ward.code,
            "period": period.pk,
            "units": sorted({row.neighbourhood.pk for row in result.changes}),
        }
        back = reverse("campaigns:excel-upload", args=[ward.code, period.pk])
        if context["several_programmes"]:
            back += f"?{urlencode({programmes.PARAM: context['programme'].code})}"
        return redirect(back)
    return render(request, PAGE, context)


def _error_message(request, result: excel.UploadResult) -> None:
    messages.error(request, nothing_saved_message(len(result.errors)))
