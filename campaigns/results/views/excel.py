"""Bulk entry by Excel: the template of a ward and period, and its upload (check → preview → confirm).

Between the preview and the confirmation the uploaded file is kept in the
user's session (base64, with its SHA-256), under a random token posted back by
the confirm button. The session ties it to the user who uploaded it, works
whichever server process answers the confirmation, and disappears with the
session; only files that passed every check (so of a realistic size) are kept,
at most a few per session, and each is removed once confirmed. On confirmation
the file is checked again and saved only if the changes are still exactly
those the preview showed.
"""

import base64
import hashlib
import secrets
import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.results import excel
from campaigns.results.models import Period
from portal import scope
from portal.uploads import check_upload, nothing_saved_message, safe_name
from wards.selectors import get_ward_for_user

SESSION_KEY = "campaigns_excel_uploads"
MAX_PENDING = 3  # files awaiting confirmation per session
PENDING_SECONDS = 2 * 60 * 60
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
    content = excel.template_build(ward=ward, period=period)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{ward.code}-{_period_slug(period)}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- files awaiting confirmation ---------------------------------------------------


def _pending(request) -> dict:
    pending = request.session.get(SESSION_KEY, {})
    now = time.time()
    return {t: p for t, p in pending.items() if now - p.get("at", 0) < PENDING_SECONDS}


def _keep(request, *, ward, period, filename: str, content: bytes) -> str:
    pending = _pending(request)
    # One file per ward and period: a new upload replaces the one not confirmed.
    pending = {t: p for t, p in pending.items() if (p["ward"], p["period"]) != (ward.code, period.pk)}
    while len(pending) >= MAX_PENDING:
        pending.pop(min(pending, key=lambda t: pending[t]["at"]))
    token = secrets.token_urlsafe(24)
    pending[token] = {
        "ward": ward.code,
        "period": period.pk,
        "name": safe_name(filename, max_length=200),
        "at": time.time(),
        "sha256": hashlib.sha256(content).hexdigest(),
        "data": base64.b64encode(content).decode("ascii"),
    }
    request.session[SESSION_KEY] = pending
    return token


def _take(request, token: str, *, ward, period) -> tuple[str, bytes] | None:
    """The kept file for this token, ward and period, or None."""
    item = _pending(request).get(token or "")
    if item is None or (item["ward"], item["period"]) != (ward.code, period.pk):
        return None
    content = base64.b64decode(item["data"])
    if hashlib.sha256(content).hexdigest() != item["sha256"]:
        return None
    return item["name"], content


def _forget(request, token: str) -> None:
    pending = _pending(request)
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


# --- the upload page ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def excel_upload(request, code: str, period_pk: int):
    """GET: the upload form. POST a file: its errors, or a preview of the changes. POST `token`: save them."""
    ward, period = _ward_and_period(request, code, period_pk)
    context = {"ward": ward, "period": period, "form": ExcelUploadForm(), "result": None, "token": None, "shown": SHOWN}

    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        kept = _take(request, token, ward=ward, period=period)
        if kept is None:
            messages.error(request, _("The uploaded file is no longer available; upload it again."))
            return render(request, "campaigns/results/excel_upload.html", context)
        filename, content = kept
        check = excel.upload_check(user=request.user, ward=ward, period=period, filename=filename, content=content)
        if check.ok and not check.changes:  # someone saved the same values meanwhile
            _forget(request, token)
            messages.info(request, _("The file matches what is saved; there is nothing to change."))
            return render(request, "campaigns/results/excel_upload.html", context)
        if check.ok and check.digest != request.POST.get("digest"):
            messages.warning(
                request,
                _("The results changed since the preview was shown. Check the changes below and confirm again."),
            )
            context.update(result=check, token=token, filename=filename)
            return render(request, "campaigns/results/excel_upload.html", context)
        result = excel.upload_apply(user=request.user, ward=ward, period=period, filename=filename, content=content)
        _forget(request, token)
        if not result.ok:
            _error_message(request, result)
            context.update(result=result, filename=filename)
            return render(request, "campaigns/results/excel_upload.html", context)
        messages.success(
            request,
            ngettext(
                "%(count)s result saved from “%(name)s”.",
                "%(count)s results saved from “%(name)s”.",
                result.saved,
            )
            % {"count": result.saved, "name": filename},
        )
        return redirect("campaigns:excel-upload", code=ward.code, period_pk=period.pk)

    if request.method == "POST":
        form = ExcelUploadForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "campaigns/results/excel_upload.html", context)
        upload = form.cleaned_data["file"]
        content = upload.read()
        result = excel.upload_check(user=request.user, ward=ward, period=period, filename=upload.name, content=content)
        context.update(result=result, filename=upload.name)
        if not result.ok:
            _error_message(request, result)
        elif not result.changes:
            messages.info(request, _("The file matches what is saved; there is nothing to change."))
        else:
            context["token"] = _keep(request, ward=ward, period=period, filename=upload.name, content=content)
    return render(request, "campaigns/results/excel_upload.html", context)


def _error_message(request, result: excel.UploadResult) -> None:
    messages.error(request, nothing_saved_message(len(result.errors)))
