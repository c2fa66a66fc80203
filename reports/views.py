"""Dashboards: the city at a glance and each ward, every number drilling down to results."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from campaigns.criteria.models import CriteriaSet, Criterion, Level
from campaigns.results import figures, periods
from campaigns.results.models import CriterionResult, Period, Submission
from portal import scope
from portal.models import HistoryEntry
from portal.numbers import parse_id, round_half_up, share
from reports import schedules, selectors, summaries
from reports.documents import document_settings_for, unit_scope
from reports.exports.addressing import default_addressee
from reports.filters import DashboardWardFilter
from reports.forms import DocumentSettingsForm, ReportNumberForm
from reports.models import DocumentSettings, Report
from wards.models import City, Ward
from wards.selectors import get_city_for_user, get_ward_for_user

SORTS = {
    "name": lambda r: r["ward"].search_key,
    "complete": lambda r: -r["complete"],
    "reported": lambda r: -r["reported"],
    "late": lambda r: -r["late"],
    "not_reported": lambda r: -r["not_reported"],
    "share": lambda r: -(r["complete"] / r["units"] if r["units"] else 0),
}


STATUS_LABELS = {  # a unit's reporting state (campaigns.results.figures.unit_status)
    "on_time": _lazy("On time"),
    "late": _lazy("Late"),
    "returned": _lazy("Returned for correction"),
    "draft": _lazy("Draft, not sent"),
    "none": _lazy("Nothing entered"),
}


def _period(request) -> Period:
    pk = parse_id(request.GET.get("period"))
    if pk is not None:
        period = Period.objects.filter(pk=pk, kind=Period.Kind.MONTH).first()
        if period:
            return period
    return periods.current_month()


def _csv(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _pct(part: int, whole: int) -> float:
    """A share as a plain number for the charts and the CSV (17.0; 0 when there is nothing to divide by).

    Rounded as portal.numbers.percent rounds the text people read beside it: half up, from the exact share.
    """
    rate = share(part, whole)
    return float(round_half_up(rate, 1)) if rate is not None else 0.0


@login_required
def city_dashboard(request):
    user_scope = scope.scope_of(request.user)
    if not (user_scope.is_admin or user_scope.city_ids):
        wards = list(Ward.objects.visible_to(request.user)[:2])
        if len(wards) == 1:
            return redirect("reports:ward-dashboard", code=wards[0].code)
        if not wards:
            raise Http404
    if request.GET.get("city"):
        city = get_city_for_user(request.user, request.GET["city"])
    else:
        city = City.objects.visible_to(request.user).order_by("pk").first()
    if city is None:
        raise Http404
    period = _period(request)
    wards = Ward.objects.visible_to(request.user).filter(city=city)
    criteria_set = selectors.neighbourhood_set(period, _int(request.GET.get("set")), wards)
    filterset = DashboardWardFilter(request.GET, queryset=wards)
    shown = filterset.qs
    shares = selectors.criterion_shares(shown, period, criteria_set)
    rows = selectors.ward_rows(shown, period, criteria_set, [s["number"] for s in shares])
    sort = request.GET.get("sort", "name")
    rows.sort(key=SORTS.get(sort, SORTS["name"]))
    trend = selectors.monthly_trend(shown, period, criteria_set)
    totals = {key: sum(r[key] for r in rows) for key in figures.REPORTING_KEYS}
    ward_sets = figures.ward_set_rows(shown, period)
    for row in ward_sets:
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    table = request.GET.get("format") == "csv" and request.GET.get("table")
    if table:
        return _export(table, rows, shares, trend, criteria_set, period)
    return render(
        request,
        "reports/dashboard.html",
        {
            "city": city,
            "period": period,
            "criteria_set": criteria_set,
            "filter": filterset,
            "page": Paginator(rows, 100).get_page(request.GET.get("page")),
            "sort": sort,
            "shares": shares,
            "trend": trend,
            "totals": totals,
            "ward_sets": ward_sets,
            "ward_count": len(rows),
            "chart": _chart_data(shares, trend),
            "sets": CriteriaSet.objects.filter(level=Level.NEIGHBOURHOOD),
            "months": Period.objects.filter(kind=Period.Kind.MONTH, start__lte=periods.current_month().start).order_by(
                "-start"
            )[:24],
        },
    )


def _int(value) -> int | None:
    return parse_id(value)


def _chart_data(shares, trend) -> dict:
    return {
        "criteria": {
            "labels": [f"{_('Criterion')} {s['criterion'].number}" for s in shares],
            "values": [_pct(s["met"], s["assessed"]) for s in shares],
        },
        "trend": {
            "labels": [t["period"].label for t in trend],
            "reported": [t["reported"] for t in trend],
            "complete": [t["complete"] for t in trend],
        },
    }


def _export(table, rows, shares, trend, criteria_set, period):
    if table == "criteria":
        return _csv(
            f"tieu-chi-{period.year}-{period.number:02d}",
            [_("Criterion"), _("Name"), _("Met"), _("Assessed"), _("Share (%)")],
            [
                [s["criterion"].number, s["criterion"].name, s["met"], s["assessed"], _pct(s["met"], s["assessed"])]
                for s in shares
            ],
        )
    if table == "trend":
        return _csv(
            "xu-huong",
            [_("Month"), _("Reported"), _("Meets the whole set")],
            [[t["period"].label, t["reported"], t["complete"]] for t in trend],
        )
    if table == "wards":
        criteria = list(criteria_set.criteria.all()) if criteria_set else []
        return _csv(
            f"phuong-xa-{period.year}-{period.number:02d}",
            [
                _("Code"),
                _("Ward"),
                _("Neighbourhoods"),
                _("Reported"),
                _("On time"),
                _("Late"),
                _("Not reported"),
                _("Returned for correction"),
                _("Approved"),
                _("Meets the whole set"),
            ]
            + [f"{_('Criterion')} {c.number}" for c in criteria],
            [
                [
                    r["ward"].code,
                    r["ward"].name,
                    r["units"],
                    r["reported"],
                    r["on_time"],
                    r["late"],
                    r["not_reported"],
                    r["returned"],
                    r["approved"],
                    r["complete"],
                    *r["heat"],
                ]
                for r in rows
            ],
        )
    raise Http404


@login_required
def ward_dashboard(request, code: str):
    ward = get_ward_for_user(request.user, code)
    period = _period(request)
    single = Ward.objects.visible_to(request.user).filter(pk=ward.pk)
    criteria_set = selectors.neighbourhood_set(period, _int(request.GET.get("set")), single)
    hoods = selectors.neighbourhoods_by_closeness(ward, period)
    criteria = list(criteria_set.criteria.all()) if criteria_set else []
    met = {}
    for row in CriterionResult.objects.filter(
        submission__period=period, submission__ward=ward, submission__neighbourhood__isnull=False
    ).values("submission__neighbourhood_id", "criterion_id", "is_met"):
        met.setdefault(row["submission__neighbourhood_id"], {})[row["criterion_id"]] = row["is_met"]
    rows = [{"hood": h, "cells": [met.get(h.pk, {}).get(c.pk) for c in criteria]} for h in hoods]
    shares = selectors.criterion_shares(single, period, criteria_set)
    trend = selectors.monthly_trend(single, period, criteria_set)
    if request.GET.get("format") == "csv":
        return _csv(
            f"{ward.code}-{period.year}-{period.number:02d}",
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
            "criteria_set": criteria_set,
            "criteria": criteria,
            "rows": rows,
            "shares": shares,
            "trend": trend,
            "chart": _chart_data(shares, trend),
            "figures": figures.reporting_by_ward(single, period).get(ward.pk, dict.fromkeys(figures.REPORTING_KEYS, 0)),
            "months": Period.objects.filter(kind=Period.Kind.MONTH, start__lte=periods.current_month().start).order_by(
                "-start"
            )[:24],
        },
    )


@login_required
def criterion_units(request, pk: int):
    """Drill-down from a criterion: every visible neighbourhood and whether it meets it this period."""
    criterion = get_object_or_404(Criterion.objects.select_related("criteria_set"), pk=pk)
    period = _period(request)
    outcomes = (
        CriterionResult.objects.visible_to(request.user)
        .filter(criterion=criterion, submission__period=period)
        .select_related("submission__neighbourhood", "submission__ward")
        .order_by("is_met", "submission__ward__search_key", "submission__neighbourhood__search_key")
    )
    if request.GET.get("met") in ("0", "1"):
        outcomes = outcomes.filter(is_met=request.GET["met"] == "1")
    return render(
        request,
        "reports/criterion_units.html",
        {
            "criterion": criterion,
            "period": period,
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


@login_required
def report_list(request):
    city, ward = _report_scope(request)
    reports = (
        Report.objects.visible_to(request.user)
        .filter(city=city, ward=ward)
        .select_related("period", "ward", "city", "requested_by")
        .order_by("-period__start", "-requested_at")
    )
    months = Period.objects.filter(kind=Period.Kind.MONTH, end__lte=periods.current_month().end).order_by("-start")[:24]
    years = Period.objects.filter(kind=Period.Kind.YEAR).order_by("-year")[:5]
    return render(
        request,
        "reports/report_list.html",
        {
            "city": city,
            "ward": ward,
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
    try:
        report, queued = report_request(kind=kind, city=city, ward=ward, period=period, user=request.user)
    except QueueUnavailable as exc:  # the report is marked failed: asking again later builds it
        messages.error(request, NO_QUEUE)
        return redirect("reports:report-detail", pk=exc.report_id)
    if not queued:
        messages.info(request, _("This report is already being built."))
    return redirect("reports:report-detail", pk=report.pk)


@login_required
def report_detail(request, pk: int):
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("period", "ward", "city", "requested_by"), pk=pk
    )
    return _report_page(request, report)


def _report_page(request, report: Report, number_form: ReportNumberForm | None = None):
    current = rebuild = None
    if report.state == Report.State.FAILED:
        same = Report.objects.for_scope(kind=report.kind, city=report.city, ward=report.ward, period=report.period)
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
            "definitions": summaries.figure_definitions(report.kind),
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
