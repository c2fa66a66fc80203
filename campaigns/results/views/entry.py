"""Ward staff: what is owed this period, the entry form, evidence; leaders: review."""

import csv
import dataclasses
from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.criteria.evaluation import shortfall
from campaigns.criteria.models import Indicator, Level, Programme
from campaigns.results import bulk, periods, programmes, services
from campaigns.results.forms import ReopenForm, ResultsForm, ReturnForm, check_evidence
from campaigns.results.models import CriterionResult, Evidence, Period, Result, Submission
from campaigns.results.views import bulk as bulk_views
from portal import scope
from portal.models import HistoryEntry
from portal.redirects import next_url
from wards.models import Neighbourhood, Profile, Ward
from wards.selectors import get_neighbourhood_for_user, get_ward_for_user


def _period(pk: int | None) -> Period:
    if pk is None:
        return periods.current_month()
    return get_object_or_404(Period, pk=pk)


@login_required
def owed(request, code: str, period_pk: int | None = None):
    """The "this period" grid: the ward's neighbourhoods × criteria, each with its state."""
    ward = get_ward_for_user(request.user, code)
    period = _period(period_pk)
    every = programmes.programmes_of_ward(ward, level=None)  # one query for both levels
    programme_list = [p for p in every if p.level == Level.NEIGHBOURHOOD]
    programme = programmes.chosen(request, programme_list)
    hoods = list(ward.neighbourhoods.current(period.end).order_by("search_key"))
    if programme is not None:  # the units following it
        hoods = [hood for hood in hoods if programme.applies_to(hood)]
    own = Submission.objects.filter(period=period, ward=ward, neighbourhood__isnull=False)
    submissions = {
        s.neighbourhood_id: s
        for s in bulk.with_fill(own if programme is None else own.filter(programme=programme)).prefetch_related(
            Prefetch(
                "criterion_results", queryset=CriterionResult.objects.only("submission_id", "criterion_id", "is_met")
            )
        )
    }
    criteria_set = services.criteria_set_for(hoods[0], period, programme) if hoods else None
    criteria = list(criteria_set.criteria.all()) if criteria_set else []
    can_edit = scope.can_edit_ward(request.user, ward)
    # What staff can tick to send at once, and how many indicators each still lacks (bulk.submit_plan).
    open_statuses = (Submission.Status.DRAFT, Submission.Status.RETURNED)
    can_send = can_edit and not period.is_locked
    rows = []
    for hood in hoods:
        sub = submissions.get(hood.pk)
        met = {cr.criterion_id: cr.is_met for cr in sub.criterion_results.all()} if sub else {}
        fill = bulk.fill(sub) if can_send and sub and sub.status in open_statuses else None
        rows.append({"hood": hood, "submission": sub, "cells": [met.get(c.pk) for c in criteria], "fill": fill})
    counts = defaultdict(int)
    for row in rows:
        counts[row["submission"].status if row["submission"] else "none"] += 1
    return render(
        request,
        "campaigns/results/owed.html",
        {
            "ward": ward,
            "period": period,
            "rows": rows,
            "criteria": criteria,
            "criteria_set": criteria_set,
            "programmes": programme_list,
            "programme": programme,
            "ward_programmes": _ward_programmes(ward, period, [p for p in every if p.level == Level.WARD]),
            "counts": dict(counts),
            "months": Period.objects.filter(kind=Period.Kind.MONTH, start__lte=period.end).order_by("-start")[:13],
            "can_edit": can_edit,
            "can_review": scope.can_review_ward(request.user, ward),
            "sendable": sum(1 for row in rows if row["fill"]),
            "bulk_outcome": bulk_views.refusals_shown(request, bulk_views.SUBMIT, ward, period),
        },
    )


def _ward_programmes(ward: Ward, period: Period, ward_level: list[Programme]) -> list[dict]:
    """The ward's own programmes (of `ward_level`, those that fit it) with its submission in each for the
    period: one query."""
    own = [p for p in ward_level if p.applies_to(ward)]
    subs = {
        s.programme_id: s
        for s in Submission.objects.filter(period=period, ward=ward, neighbourhood__isnull=True, programme__in=own)
    }
    return [{"programme": p, "submission": subs.get(p.pk)} for p in own]


def _entry_unit(request, period: Period, code: str | None, hood_pk: int | None):
    if hood_pk is not None:
        hood = get_neighbourhood_for_user(request.user, hood_pk)
        return hood, hood.ward
    ward = get_ward_for_user(request.user, code)
    return ward, ward


def _grouped(criteria_set, results: dict[int, Result], form, zone: str):
    """Criteria with their indicators, bound fields and results, for the template."""
    groups = []
    for criterion in criteria_set.criteria.prefetch_related("indicators"):
        items = []
        for indicator in criterion.indicators.all():
            result = results.get(indicator.pk)
            threshold = indicator.threshold_for(zone)
            items.append(
                {
                    "indicator": indicator,
                    "result": result,
                    "threshold": threshold,
                    "value_field": form[f"v_{indicator.pk}"],
                    "note_field": form[f"n_{indicator.pk}"],
                    "version_field": form[f"ver_{indicator.pk}"],
                    "gap": shortfall(indicator.kind, indicator.comparator, result.value, threshold) if result else None,
                }
            )
        groups.append({"criterion": criterion, "items": items})
    return groups


@dataclasses.dataclass
class _Entry:
    """What the entry page of one unit and period is made of."""

    unit: Ward | Neighbourhood
    ward: Ward
    period: Period
    submission: Submission  # unsaved until the first save
    indicators: list[Indicator]
    results: dict[int, Result]
    editable: bool
    profile: Profile | None
    programmes: list[Programme] = dataclasses.field(default_factory=list)  # those the unit follows
    programme: Programme | None = None  # the one shown
    conflicts: dict[int, services.Conflict] = dataclasses.field(default_factory=dict)

    def form(self, data=None) -> ResultsForm:
        return ResultsForm(
            data, indicators=self.indicators, results=self.results, editable=self.editable, profile=self.profile
        )


@login_required
def entry(request, period_pk: int, code: str | None = None, hood_pk: int | None = None):
    """One unit's results for one period: every indicator of its set, grouped by criterion."""
    page = _entry_of(request, period_pk, code, hood_pk)
    if request.method != "POST":
        return _entry_page(request, page, page.form())
    form = page.form(request.POST)
    file_errors = _check_files(request, page.indicators)
    if not (form.is_valid() and not file_errors and page.editable):
        for message in file_errors:
            messages.error(request, message)
        if not page.editable:
            messages.error(request, _("These results can no longer be changed."))
        return _entry_page(request, page, form)
    try:
        submission = services.submission_save(
            unit=page.unit,
            period=page.period,
            user=request.user,
            values=form.values(),
            versions=form.versions(),
            reason=form.cleaned_data["reason"],
            uploads=_uploads(request, page.indicators),
            programme=page.programme,
        )
    except services.ResultConflict as exc:
        return _entry_page(request, page, _conflict_form(request, page, exc.conflicts))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _entry_page(request, page, form)
    if "submit" in request.POST:
        try:
            services.submission_submit(submission=submission, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Results of %(unit)s sent to the ward leader.") % {"unit": page.unit})
            return redirect(reverse("campaigns:owed", args=[page.ward.code, page.period.pk]) + _programme_query(page))
    messages.success(request, _("Results of %(unit)s saved.") % {"unit": page.unit})
    return redirect(request.path + _programme_query(page))


def _programme_query(page: "_Entry") -> str:
    """`?programme=<code>` to come back to the same programme's page; nothing for a unit following one."""
    return f"?{urlencode({programmes.PARAM: page.programme.code})}" if len(page.programmes) > 1 else ""


def _entry_of(request, period_pk: int, code: str | None, hood_pk: int | None) -> _Entry:
    """The unit, its submission (unsaved when new) and what the user may do with it; 404 or 403 otherwise."""
    period = _period(period_pk)
    unit, ward = _entry_unit(request, period, code, hood_pk)
    can_edit = scope.can_edit_ward(request.user, ward)
    followed = services.programmes_for(unit)
    programme = programmes.chosen(request, followed) if followed else None
    submission = services.submission_for(unit, period, programme=programme, create=False)
    if submission is None:
        raise Http404(_("No criteria set applies to this unit in this period."))
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    results = _results_of(submission)
    editable = can_edit and (submission.pk is None or submission.is_editable) and not period.is_locked
    indicators = [
        i for c in submission.criteria_set.criteria.prefetch_related("indicators") for i in c.indicators.all()
    ]
    profile = services.unit_profile(submission)
    return _Entry(unit, ward, period, submission, indicators, results, editable, profile, followed, programme)


def _conflict_form(request, page: _Entry, conflicts: list[services.Conflict]) -> ResultsForm:
    """The form again after a conflict: what was typed, now against the results as they are saved."""
    page.conflicts = {c.indicator.pk: c for c in conflicts}
    data = request.POST.copy()
    for c in conflicts:
        data[f"ver_{c.indicator.pk}"] = c.theirs.version
    # A submission created by this request was rolled back with the conflict.
    page.submission = services.submission_for(page.unit, page.period, programme=page.programme, create=False)
    page.results = _results_of(page.submission)
    form = page.form(data)
    form.is_valid()
    messages.error(
        request,
        _(
            "Someone else changed some of these results while you were typing. "
            "Both values are shown below; save again to keep yours."
        ),
    )
    return form


def _entry_page(request, page: _Entry, form: ResultsForm):
    submission, ward = page.submission, page.ward
    evidence = defaultdict(list)
    if submission.pk:
        for item in Evidence.objects.filter(result__submission=submission).select_related("result"):
            evidence[item.result.indicator_id].append(item)
    return render(
        request,
        "campaigns/results/entry.html",
        {
            "unit": page.unit,
            "ward": ward,
            "period": page.period,
            "submission": submission,
            "form": form,
            "groups": _grouped(submission.criteria_set, page.results, form, ward.zone),
            "editable": page.editable,
            "conflicts": page.conflicts,
            "evidence": evidence,
            "can_review": scope.can_review_ward(request.user, ward),
            "history": HistoryEntry.objects.for_object(submission)[:20] if submission.pk else [],
            "programmes": page.programmes,
            "programme": page.programme,
            "other_versions": _other_versions(submission),
        },
    )


def _other_versions(submission: Submission) -> list[Submission]:
    """The unit's other reports of the year in the same programme entered against another version of its set:
    a unit that moved to a new version mid-year is shown with both, each as it was assessed then."""
    if not submission.pk and submission.criteria_set_id is None:
        return []
    return list(
        Submission.objects.filter(
            programme_id=submission.programme_id,
            ward_id=submission.ward_id,
            neighbourhood_id=submission.neighbourhood_id,
            period__year=submission.period.year,
            period__kind=submission.period.kind,
        )
        .exclude(criteria_set_id=submission.criteria_set_id)
        .select_related("criteria_set", "period")
        .order_by("period__start")
    )


def _results_of(submission: Submission) -> dict[int, Result]:
    """Indicator id → result: the saved ones, or for a submission not created yet those it will start with."""
    if submission.pk:
        return {r.indicator_id: r for r in submission.results.select_related("updated_by")}
    return services.carried_over(submission)


def _check_files(request, indicators) -> list[str]:
    errors = []
    for indicator in indicators:
        for upload in request.FILES.getlist(f"f_{indicator.pk}"):
            try:
                check_evidence(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
    return errors


def _uploads(request, indicators) -> dict[Indicator, list]:
    """The files attached to each indicator (field f_<id>), for indicators that have some."""
    uploads = {indicator: request.FILES.getlist(f"f_{indicator.pk}") for indicator in indicators}
    return {indicator: files for indicator, files in uploads.items() if files}


def _submission_for_user(user, pk: int) -> Submission:
    return get_object_or_404(
        Submission.objects.visible_to(user).select_related("ward", "neighbourhood", "period", "programme"), pk=pk
    )


def _back(submission: Submission) -> str:
    """The submission's entry page, in its programme (named when the unit follows several)."""
    several = len(services.programmes_for(submission.unit)) > 1
    query = f"?{urlencode({programmes.PARAM: submission.programme.code})}" if several else ""
    if submission.neighbourhood_id:
        path = reverse("campaigns:entry-neighbourhood", args=[submission.period_id, submission.neighbourhood_id])
    else:
        path = reverse("campaigns:entry-ward", args=[submission.period_id, submission.ward.code])
    return path + query


@login_required
@require_POST
def submission_action(request, pk: int, action: str):
    """Submit, approve, return or reopen one unit's period."""
    submission = _submission_for_user(request.user, pk)
    try:
        if action == "submit":
            services.submission_submit(submission=submission, user=request.user)
            messages.success(request, _("Sent to the ward leader."))
        elif action == "approve":
            services.submission_approve(submission=submission, user=request.user)
            messages.success(request, _("Approved. These results are now locked."))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say why the results are returned."))
            services.submission_return(submission=submission, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Returned to ward staff with your reason."))
        elif action == "reopen":
            form = ReopenForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say why the results are reopened."))
            services.submission_reopen(submission=submission, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Reopened for correction."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(next_url(request, _back(submission)))  # never off the site, whatever the form says


@login_required
def review(request, code: str, period_pk: int | None = None):
    """The ward leader's list of what waits for review in a period."""
    ward = get_ward_for_user(request.user, code)
    period = _period(period_pk)
    submissions = list(
        Submission.objects.filter(ward=ward, period=period)
        .select_related("neighbourhood", "submitted_by", "programme")
        .order_by("status", "programme__order", "programme_id", "neighbourhood__search_key")
    )
    can_review = scope.can_review_ward(request.user, ward)
    return render(
        request,
        "campaigns/results/review.html",
        {
            "ward": ward,
            "period": period,
            "submissions": submissions,
            "waiting": sum(1 for s in submissions if s.status == Submission.Status.SUBMITTED),
            "several_programmes": len({s.programme_id for s in submissions}) > 1,
            "can_review": can_review,
            "bulk_outcome": bulk_views.refusals_shown(request, bulk_views.APPROVE, ward, period)
            if can_review
            else None,
        },
    )


@login_required
def result_detail(request, pk: int):
    """One result with its evidence and full history (who, when, old → new, why)."""
    result = get_object_or_404(
        Result.objects.visible_to(request.user).select_related(
            "indicator__criterion", "submission__ward", "submission__neighbourhood", "submission__period", "updated_by"
        ),
        pk=pk,
    )
    if request.GET.get("format") == "csv":
        return _history_csv(result)
    return render(
        request,
        "campaigns/results/result_detail.html",
        {
            "result": result,
            "submission": result.submission,
            "evidence": result.evidence.all(),
            "history": HistoryEntry.objects.for_object(result),
            "back": _back(result.submission),
        },
    )


def _history_csv(result: Result) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lich-su-{result.pk}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("When"), _("Who"), _("Action"), _("Field"), _("Old"), _("New"), _("Reason")])
    for entry in HistoryEntry.objects.for_object(result).order_by("at"):
        who = f"{entry.user.last_name} {entry.user.first_name}".strip() or entry.user.username if entry.user else ""
        for field, old, new in entry.labelled_changes or [("", None, None)]:
            # In Việt Nam time, as the page shows it (entry.at is UTC).
            writer.writerow(
                [
                    timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M"),
                    _csv_text(who),
                    entry.action_label,
                    field,
                    _csv_text(old),
                    _csv_text(new),
                    _csv_text(entry.reason),
                ]
            )
    return response


def _csv_text(value) -> str:
    """Text typed by people, made safe for Excel: a cell starting with = + - @ would run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def evidence_file(request, pk: int):
    """An evidence file, only for users who may see its ward."""
    item = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    return FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        filename=item.original_name,
        as_attachment=item.content_type == "application/pdf",
    )
