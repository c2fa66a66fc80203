"""Bulk actions on a ward's period: staff send the ticked drafts, the ward leader approves the ticked units.

Approving asks first: the selection is shown on a confirmation page that lists each unit, and only its
final button approves. After either action the person is back on the grid (send) or the review page
(approve) with a message saying how many were done; the units that were not, each with its reason, are
kept in the session for that one page (`refusals_shown`) and listed there.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from campaigns.results import bulk
from campaigns.results.models import Period
from portal import scope
from wards.models import Ward
from wards.selectors import get_ward_for_user

FIELD = "submission"  # the name of each unit's checkbox; its value is the submission's id
OUTCOME_KEY = "campaigns_bulk_outcome"  # the refusals of the last bulk action, shown once
SUBMIT, APPROVE = "submit", "approve"


def _ward_and_period(request: HttpRequest, code: str, period_pk: int) -> tuple[Ward, Period]:
    return get_ward_for_user(request.user, code), get_object_or_404(Period, pk=period_pk)


@login_required
@require_POST
def bulk_submit(request, code: str, period_pk: int):
    """Send the ticked neighbourhoods of the period to the ward leader; back to the grid with the outcome."""
    ward, period = _ward_and_period(request, code, period_pk)
    scope.require_edit(request.user, ward)
    back = redirect(reverse("campaigns:owed", args=[ward.code, period.pk]) + _programme_query(request))
    ids = bulk.selected_ids(request.POST.getlist(FIELD))
    if not ids:
        messages.warning(request, _("Tick the neighbourhoods to send first."))
        return back
    outcome = bulk.submissions_submit(ward=ward, period=period, user=request.user, submission_ids=ids)
    if outcome.done:
        count = len(outcome.done)
        messages.success(
            request,
            ngettext(
                "Sent %(count)s neighbourhood to the ward leader.",
                "Sent %(count)s neighbourhoods to the ward leader.",
                count,
            )
            % {"count": count},
        )
    _remember(request, SUBMIT, ward, period, outcome)
    return back


@login_required
@require_POST
def bulk_approve(request, code: str, period_pk: int):
    """Approve the ticked units: without `confirm`, the confirmation page; with it, the approval."""
    ward, period = _ward_and_period(request, code, period_pk)
    if not scope.can_review_ward(request.user, ward):
        raise PermissionDenied
    back = redirect("campaigns:review", code=ward.code, period_pk=period.pk)
    ids = bulk.selected_ids(request.POST.getlist(FIELD))
    if not ids:
        messages.warning(request, _("Tick the units to approve first."))
        return back
    if request.POST.get("confirm") != "1":
        plan = bulk.approval_plan(ward=ward, period=period, user=request.user, submission_ids=ids)
        if not plan.ready:
            _remember(request, APPROVE, ward, period, bulk.BulkOutcome(refused=plan.refused, not_found=plan.not_found))
            return back
        return render(
            request,
            "campaigns/results/bulk_approve_confirm.html",
            {"ward": ward, "period": period, "plan": plan, "field": FIELD},
        )
    outcome = bulk.submissions_approve(ward=ward, period=period, user=request.user, submission_ids=ids)
    if outcome.done:
        count = len(outcome.done)
        messages.success(
            request,
            ngettext(
                "Approved %(count)s unit; its results are now locked.",
                "Approved %(count)s units; their results are now locked.",
                count,
            )
            % {"count": count},
        )
    _remember(request, APPROVE, ward, period, outcome)
    return back


def _programme_query(request: HttpRequest) -> str:
    """Back to the grid of the programme the units were ticked in."""
    code = request.GET.get("programme")
    return f"?{urlencode({'programme': code})}" if code else ""


def _remember(request: HttpRequest, action: str, ward: Ward, period: Period, outcome: bulk.BulkOutcome) -> None:
    """Keep what was not done, for the page the person is sent back to (a message cannot hold a list)."""
    if not (outcome.refused or outcome.not_found):
        request.session.pop(OUTCOME_KEY, None)
        return
    request.session[OUTCOME_KEY] = {
        "action": action,
        "ward": ward.code,
        "period": period.pk,
        "refused": [[r.unit, r.reason] for r in outcome.refused],
        "not_found": outcome.not_found,
        "count": len(outcome.refused) + outcome.not_found,
    }


def refusals_shown(request: HttpRequest, action: str, ward: Ward, period: Period) -> dict | None:
    """The refusals of the last bulk `action` on this ward and period, once: taken out of the session.

    {"action", "refused": [[unit, reason], …], "not_found": n, "count": refused and not found}, or None.
    """
    kept = request.session.get(OUTCOME_KEY)
    if not isinstance(kept, dict) or (kept.get("action"), kept.get("ward"), kept.get("period")) != (
        action,
        ward.code,
        period.pk,
    ):
        return None
    del request.session[OUTCOME_KEY]
    return kept
