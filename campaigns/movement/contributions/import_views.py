"""Pages of the contributions' Excel import: the template, the upload with its preview, the confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.movement.contributions import excel, totals
from campaigns.movement.contributions.forms import ImportForm
from campaigns.movement.contributions.models import ContributionImport
from campaigns.movement.contributions.querysets import can_edit_contributions
from portal.uploads import nothing_saved_message
from wards.models import Ward
from wards.selectors import get_ward_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _editable_ward(request, code: str) -> Ward:
    ward = get_ward_for_user(request.user, code)
    if not can_edit_contributions(request.user, ward):
        raise PermissionDenied
    return ward


@login_required
def contribution_template(request, code: str):
    ward = _editable_ward(request, code)
    response = HttpResponse(excel.template_build(ward), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dong-gop-{ward.code}.xlsx"'
    return response


def _file_table(check: excel.ImportCheck) -> totals.Table:
    """The file's sums by kind and source, as the list shows what is saved."""
    sums: dict[tuple, dict] = {}
    for row in check.rows:
        key = (row.data["kind"], row.data["source"])
        cell = sums.setdefault(key, {"kind": key[0], "source": key[1], "amount": 0, "count": 0})
        cell["amount"] += row.data["amount"]
        cell["count"] += 1
    return totals.kind_source_table(list(sums.values()))


@login_required
def contribution_import(request, code: str):
    """Upload a filled-in template: every error listed, or a preview of every row to confirm."""
    ward = _editable_ward(request, code)
    check = pending = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            check = excel.import_check(ward=ward, filename=upload.name, content=content)
            if check.ok:
                pending = excel.import_keep(
                    user=request.user, ward=ward, filename=upload.name, content=content, check=check
                )
            else:
                messages.error(request, nothing_saved_message(len(check.errors)))
    else:
        form = ImportForm()
    return render(
        request,
        "campaigns/contributions/import.html",
        {
            "ward": ward,
            "form": form,
            "check": check,
            "pending": pending,
            "table": _file_table(check) if pending else None,
        },
    )


@login_required
@require_POST
def contribution_import_confirm(request, pk: int):
    """Save every row of the previewed file, or nothing."""
    pending = get_object_or_404(
        ContributionImport.objects.visible_to(request.user).pending().select_related("ward"),
        pk=pk,
        user=request.user,
    )
    ward = pending.ward
    try:
        check = excel.import_confirm(user=request.user, pending=pending)
    except excel.ImportUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("campaigns:contribution-import", code=ward.code)
    if check.ok:
        messages.success(
            request,
            _("%(rows)s contributions imported from “%(name)s”.") % {"rows": len(check.rows), "name": pending.filename},
        )
        return redirect("campaigns:contribution-list", code=ward.code)
    messages.error(request, nothing_saved_message(len(check.errors)))
    return render(
        request,
        "campaigns/contributions/import.html",
        {"ward": ward, "form": ImportForm(), "check": check, "pending": None, "table": None},
    )
