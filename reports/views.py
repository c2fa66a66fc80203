"""Dashboards: the city at a glance and each ward, every number drilling down to results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.criteria.models import Criterion
from campaigns.results import figures, periods
from campaigns.results import programmes as programme_choice
from campaigns.results.models import CriterionResult, Period, Submission, counted_q
from portal import scope
from portal.db_router import reading_from_replica
from portal.models import HistoryEntry
from portal.numbers import parse_id
from reports import dashboards, schedules, selectors, summaries
from reports.dashboards import chart_data as _chart_data
from reports.dashboards import period_from as _period
from reports.documents import document_settings_for, unit_scope
from reports.exports.addressing import default_addressee
from reports.forms import DocumentSettingsForm, ReportNumberForm
from reports.models import DocumentSettings, Report
from wards.models import City, Ward
from wards.selectors import get_city_for_user, get_ward_for_user


@login_required
@reading_from_replica()
def city_dashboard(request):
    """The city at a glance: the page is built in reports.dashboards (ranked wards, where to act, the month)."""
    return dashboards.city_page(request)


def _int(value) -> int | None:
    return parse_id(value)


@login_required
@reading_from_replica()
def ward_dashboard(request, code: str):
    """One ward, one programme at a time (?programme=, among those run in its city): its neighbourhoods closest
    to the standard first, the criteria, the months."""
    ward = get_ward_for_user(request.user, code)
    period = _period(request)
    offered = programme_choice.programmes_of_ward(ward)
    programme = programme_choice.chosen(request, offered)
    single = Ward.objects.visible_to(request.user).filter(pk=ward.pk)
    criteria_set = selectors.neighbourhood_set(period, _int(request.GET.get("set")), single, programme=programme)
    hoods = selectors.neighbourhoods_by_closeness(ward, period, programme)
    criteria = list(criteria_set.criteria.all()) if criteria_set else []
    met = {}
    outcomes = CriterionResult.objects.filter(
        submission__period=period, submission__ward=ward, submission__neighbourhood__isnull=False
    )
    if programme is not None:
        outcomes = outcomes.filter(submission__programme=programme)
    for row in outcomes.values("submission__neighbourhood_id", "criterion_id", "is_met"):
        met.setdefault(row["submission__neighbourhood_id"], {})[row["criterion_id"]] = row["is_met"]
    rows = [{"hood": h, "cells": [met.get(h.pk, {}).get(c.pk) for c in criteria]} for h in hoods]
    shares = selectors.criterion_shares(single, period, criteria_set)
    trend = selectors.monthly_trend(single, period, criteria_set, programme=programme)
    if request.GET.get("format") == "csv":
        return dashboards.programme_csv(
            f"{ward.code}-{period.year}-{period.number:02d}",
            programme,
            [_("Neighbourhood"), _("Status"), _("Met")] + [f"{_('Criterion')} {c.number}" for c in criteria],
            [
                [
                    r["hood"].name,
                    r["hood"].status or "",
                    r["hood"].criteria_met or 0,
                    *["" if v is None else int(v) for v in r["cells"]],
                ]
                for r in rows
            ],
        )
    return render(
        request,
        "reports/ward_dashboard.html",
        {
            "ward": ward,
            "period": period,
            "programme": programme,
            "programmes": offered,
            "query": dashboards.programme_query(request, programme),
            "criteria_set": criteria_set,
            "criteria": criteria,
            "rows": rows,
            "shares": shares,
            "trend": trend,
            "chart": _chart_data(shares, trend),
            "figures": figures.reporting_by_ward(single, period, programme).get(
                ward.pk, dict.fromkeys(figures.REPORTING_KEYS, 0)
            ),
            "months": Period.objects.filter(kind=Period.Kind.MONTH, start__lte=periods.current_month().start).order_by(
                "-start"
            )[:24],
        },
    )


@login_required
@reading_from_replica()
def criterion_units(request, pk: int):
    """Drill-down from a criterion: every visible neighbourhood and whether it meets it this period, in one
    programme (?programme=, among those run where the user reads whose track holds the criterion's set)."""
    criterion = get_object_or_404(Criterion.objects.select_related("criteria_set"), pk=pk)
    period = _period(request)
    offered = selectors.programmes_following(criterion.criteria_set, City.objects.visible_to(request.user))
    programme = programme_choice.chosen(request, offered)
    outcomes = (
        CriterionResult.objects.visible_to(request.user)
        .filter(counted_q("submission"), criterion=criterion, submission__period=period)
        .select_related("submission__neighbourhood", "submission__ward")
        .order_by("is_met", "submission__ward__search_key", "submission__neighbourhood__search_key")
    )
    if programme is not None:
        outcomes = outcomes.filter(submission__programme=programme)
    if request.GET.get("met") in ("0", "1"):
        outcomes = outcomes.filter(is_met=request.GET["met"] == "1")
    ward = get_ward_for_user(request.user, request.GET["ward"]) if request.GET.get("ward") else None
    if ward is not None:  # from the dashboard's "where to act": one ward's units
        outcomes = outcomes.filter(submission__ward=ward)
    return render(
        request,
        "reports/criterion_units.html",
        {
            "criterion": criterion,
            "period": period,
            "programme": programme,
            "programmes": offered,
            "ward": ward,
            "page": Paginator(outcomes, 50).get_page(request.GET.get("page")),
            "status": Submission.Status,
        },
    )


# --- summary reports ----------------------------------------------------------------


def _report_scope(request):
    """The city and, for ward users, the ward whose reports this user reads and may build."""
    user_scope = scope.scope_of(request.user)
    city = City.objects.visible_to(request.user).order_by("pk").first()
    if city is None:
        raise Http404
    ward_code = request.GET.get("ward") or request.POST.get("ward")
    if ward_code:
        return city, get_ward_for_user(request.user, ward_code)
    if user_scope.is_admin or city.pk in user_scope.city_ids:
        return city, None
    ward = Ward.objects.visible_to(request.user).order_by("search_key").first()
    if ward is None:
        raise Http404
    return city, ward


def _report_programmes(request, city: City):
    """The programmes of the city's reports (both levels, in their order) and the one `?programme=` names:
    None when none is named; an unknown code is a 404 (campaigns.results.programmes.chosen)."""
    programmes = programme_choice.programmes_in([city], level=None)
    named = request.GET.get(programme_choice.PARAM) or request.POST.get(programme_choice.PARAM)
    return programmes, (programme_choice.chosen(request, programmes) if named else None)


@login_required
def report_list(request):
    """A scope's reports of every programme (or of the one `?programme=` names), each with its programme."""
    city, ward = _report_scope(request)
    programmes, programme = _report_programmes(request, city)
    reports = (
        Report.objects.visible_to(request.user)
        .filter(city=city, ward=ward)
        .select_related("period", "ward", "city", "programme", "requested_by")
        .order_by("-period__start", "programme__level", "programme__order", "-requested_at")
    )
    if programme is not None:
        reports = reports.filter(programme=programme)
    months = Period.objects.filter(kind=Period.Kind.MONTH, end__lte=periods.current_month().end).order_by("-start")[:24]
    years = Period.objects.filter(kind=Period.Kind.YEAR).order_by("-year")[:5]
    return render(
        request,
        "reports/report_list.html",
        {
            "city": city,
            "ward": ward,
            "programmes": programmes,
            "programme": programme,
            "build_programme": programme or (programmes[0] if programmes else None),
            "page": Paginator(reports, 30).get_page(request.GET.get("page")),
            "months": months,
            "years": years,
            "can_build": scope.can_build_report(request.user, city=city, ward=ward),
            **_schedule_block(request),
        },
    )


def _schedule_block(request) -> dict:
    """The schedules under the list: when each runs next, and whether a worker and beat are there to run them."""
    now = timezone.now()
    return {
        "schedules": schedules.rows(now),
        "in_process": schedules.runs_in_process(),
        "worker_silence": schedules.silence("worker", now),
        "beat_silence": schedules.silence("beat", now),
        "can_change_schedules": scope.scope_of(request.user).is_admin,
    }


@login_required
@require_POST
def report_build_now(request):
    from reports.services import NO_QUEUE, QueueUnavailable, report_request

    city, ward = _report_scope(request)
    if not scope.can_build_report(request.user, city=city, ward=ward):
        raise PermissionDenied
    kind = request.POST.get("kind")
    if kind not in Report.Kind.values:
        raise Http404
    period_kind = Period.Kind.MONTH if kind == Report.Kind.MONTHLY else Period.Kind.YEAR
    period = get_object_or_404(Period, pk=_int(request.POST.get("period")), kind=period_kind)
    programmes, programme = _report_programmes(request, city)
    programme = programme or (programmes[0] if programmes else None)
    try:
        report, queued = report_request(
            kind=kind, city=city, ward=ward, period=period, programme=programme, user=request.user
        )
    except QueueUnavailable as exc:  # the report is marked failed: asking again later builds it
        messages.error(request, NO_QUEUE)
        return redirect("reports:report-detail", pk=exc.report_id)
    if not queued:
        messages.info(request, _("This report is already being built."))
    return redirect("reports:report-detail", pk=report.pk)


@login_required
def report_detail(request, pk: int):
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("period", "ward", "city", "programme", "requested_by"),
        pk=pk,
    )
    return _report_page(request, report)


def _report_page(request, report: Report, number_form: ReportNumberForm | None = None):
    current = rebuild = None
    if report.state == Report.State.FAILED:
        same = Report.objects.for_scope(
            kind=report.kind, city=report.city, ward=report.ward, period=report.period, programme=report.programme_id
        )
        current = same.filter(is_current=True).first()
        # A build taken for dead was queued again: the page follows the new one.
        rebuild = same.pending().filter(requested_at__gt=report.requested_at).order_by("-requested_at").first()
    state = {"report": report, "current": current, "rebuild": rebuild, "silence": None}
    if report.state in (Report.State.QUEUED, Report.State.RUNNING):
        # No worker lately: say so rather than spin, and ask again only now and then.
        state["silence"] = schedules.silence("worker", timezone.now())
    if request.headers.get("HX-Request"):
        return render(request, "reports/_report_state.html", state)
    if number_form is None and scope.can_build_report(request.user, city=report.city, ward=report.ward):
        number_form = ReportNumberForm(initial={"number": report.number})
    return render(
        request,
        "reports/report_detail.html",
        {
            **state,
            "number_form": number_form,
            "definitions": summaries.figure_definitions(
                report.kind, report.programme.level if report.programme_id else None
            ),
        },
    )


@login_required
@require_POST
def report_number(request, pk: int):
    """The office numbers the report before it is signed; a built PDF is rendered again with the number."""
    from reports.services import NO_QUEUE, QueueUnavailable, report_number_set

    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("period", "ward", "city", "requested_by"), pk=pk
    )
    if not scope.can_build_report(request.user, city=report.city, ward=report.ward):
        raise PermissionDenied
    form = ReportNumberForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report, form)
    try:
        report_number_set(report_id=report.pk, number=form.cleaned_data["number"], user=request.user)
    except QueueUnavailable:  # saved; the PDF prints it at the next build
        messages.warning(request, NO_QUEUE)
    messages.success(request, _("Document number saved."))
    return redirect("reports:report-detail", pk=report.pk)


@login_required
@reading_from_replica()
def report_file(request, pk: int, fmt: str):
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk, state=Report.State.DONE)
    field = {"xlsx": report.xlsx, "pdf": report.pdf}.get(fmt)
    if not field:
        raise Http404
    content_type = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }[fmt]
    return FileResponse(
        field.open("rb"), content_type=content_type, as_attachment=True, filename=field.name.rsplit("/", 1)[-1]
    )


# --- how a city's or a ward's reports are addressed and signed -------------------------------------------------


def _document_unit(user, code: str) -> tuple[City, Ward | None]:
    """The ward of that code, else the city, each through its scoped accessor: outside scope is 404."""
    try:
        ward = get_ward_for_user(user, code)
    except Http404:
        return get_city_for_user(user, code), None
    return ward.city, ward


def _labelled_history(row: DocumentSettings | None) -> list[dict]:
    if row is None:
        return []
    labels = {name: DocumentSettings._meta.get_field(name).verbose_name for name in DocumentSettings.FIELDS}
    return [
        {"entry": entry, "changes": [(labels.get(name, name), old, new) for name, (old, new) in entry.changes.items()]}
        for entry in HistoryEntry.objects.for_object(row).select_related("user")[:20]
    ]


@login_required
def document_settings(request, code: str):
    """Kính gửi, Nơi nhận, signer and place of a city's or a ward's reports.

    Those who build the reports sign them: a ward's leader for the ward, the city's leaders and
    administrators for the city and any of its wards (portal.scope.can_build_report).
    """
    from reports.services import document_settings_save

    city, ward = _document_unit(request.user, code)
    if not scope.can_build_report(request.user, city=city, ward=ward):
        raise PermissionDenied
    row = DocumentSettings.objects.visible_to(request.user).filter(city=city, ward=ward).first()
    if request.method == "POST":
        form = DocumentSettingsForm(request.POST)
        if form.is_valid():
            document_settings_save(city=city, ward=ward, user=request.user, values=form.cleaned_data)
            messages.success(request, _("Saved: reports built from now on are addressed and signed this way."))
            return redirect("reports:document-settings", code=code)
    elif row:
        form = DocumentSettingsForm(instance=row)
    else:
        # Nothing saved yet: start from the default addressee, which an empty field would otherwise drop.
        form = DocumentSettingsForm(initial={"addressee": default_addressee(unit_scope(city, ward))})
    return render(
        request,
        "reports/document_settings.html",
        {
            "city": city,
            "ward": ward,
            "form": form,
            "effective": document_settings_for(city, ward),
            "history": _labelled_history(row),
        },
    )
