"""Requesting and building reports: single-flight, idempotent, replaced atomically."""

import hashlib
import json
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from campaigns.results.models import Period
from portal.models import history_record
from reports.documents import document_settings_for
from reports.models import DocumentSettings, Report
from reports.summaries import annual_snapshot, monthly_snapshot
from wards.models import City, Ward

log = logging.getLogger(__name__)

# A lost database or broker connection: the build is worth trying again.
RETRYABLE = (OperationalError, InterfaceError, BrokerError, ConnectionError)

BUILDERS = {Report.Kind.MONTHLY: monthly_snapshot, Report.Kind.ANNUAL: annual_snapshot}


def _kept_number(*, kind: str, city: City, ward: Ward | None, period: Period) -> str:
    """The document number a rebuild keeps: the current report's, else the latest one given."""
    return (
        Report.objects.filter(kind=kind, city=city, ward=ward, period=period)
        .exclude(number="")
        .order_by("-is_current", "-requested_at", "-pk")
        .values_list("number", flat=True)
        .first()
        or ""
    )


def report_request(*, kind: str, city: City, ward: Ward | None, period: Period, user=None) -> tuple[Report, bool]:
    """Queue a build of this report, unless one is already queued or running (then that one is returned).

    A new build keeps the document number of the scope's current report (or the latest one that had
    a number): a rebuild is the same document. Returns the report and whether a new build was queued;
    the Celery task is sent on commit.
    """
    from reports.tasks import build_report

    with transaction.atomic():
        pending = (
            Report.objects.select_for_update()
            .filter(
                kind=kind, city=city, ward=ward, period=period, state__in=[Report.State.QUEUED, Report.State.RUNNING]
            )
            .first()
        )
        if pending:
            return pending, False
        number = _kept_number(kind=kind, city=city, ward=ward, period=period)
        report = Report.objects.create(kind=kind, city=city, ward=ward, period=period, requested_by=user, number=number)
        transaction.on_commit(lambda: build_report.delay(report.pk))
        return report, True


def _claim(report_id: int) -> bool:
    """Take the build: only one worker moves a queued report to running."""
    return bool(
        Report.objects.filter(pk=report_id, state=Report.State.QUEUED).update(
            state=Report.State.RUNNING, started_at=timezone.now()
        )
    )


def _read_snapshot(report: Report, today: date) -> dict:
    """All figures from one consistent view of the database."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # Only the first statement of a transaction may set its isolation; inside an enclosing
        # transaction (a test, a caller's atomic block) that transaction's own view is used.
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return BUILDERS[report.kind](city=report.city, ward=report.ward, period=report.period, today=today)


def report_build(*, report_id: int, today: date | None = None) -> Report | None:
    """Build a queued report: snapshot, XLSX and PDF, then make it the current one in one transaction.

    If anything fails, the report is marked failed with the reason and the previous
    current report of the same scope and period stays in place.
    """
    from reports.exports import pdf_bytes, xlsx_bytes

    if not _claim(report_id):
        return None
    report = Report.objects.select_related("city", "ward", "period").get(pk=report_id)
    today = today or timezone.localdate()
    try:
        snapshot = _read_snapshot(report, today)
        digest = hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()
        stem = f"{report.kind}-{report.scope_code}-{report.period.year}-{report.period.number:02d}"
        xlsx = ContentFile(xlsx_bytes(snapshot), name=f"{stem}.xlsx")
        document = document_settings_for(report.city, report.ward)
        pdf = ContentFile(
            pdf_bytes(snapshot, number=report.number, settings=document, issued_on=today), name=f"{stem}.pdf"
        )
        with transaction.atomic():
            # The office may have typed the number while this was building: keep it, and print it.
            typed = Report.objects.select_for_update().values_list("number", flat=True).get(pk=report.pk)
            if typed != report.number:
                report.number = typed
                pdf = ContentFile(pdf_bytes(snapshot, number=typed, settings=document, issued_on=today), name=pdf.name)
            same_scope = Q(kind=report.kind, city=report.city, ward=report.ward, period=report.period)
            Report.objects.filter(same_scope, is_current=True).exclude(pk=report.pk).update(is_current=False)
            report.snapshot, report.snapshot_hash = snapshot, digest
            report.xlsx.save(xlsx.name, xlsx, save=False)
            report.pdf.save(pdf.name, pdf, save=False)
            report.state, report.is_current, report.error = Report.State.DONE, True, ""
            report.finished_at = timezone.now()
            report.attempts += 1
            report.save()
            history_record(
                obj=report,
                user=report.requested_by,
                action="build",
                changes={"state": [None, report.get_state_display()]},
            )
        return report
    except Exception as exc:
        log.exception("report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(
            state=Report.State.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            attempts=report.attempts + 1,
        )
        if isinstance(exc, RETRYABLE):
            raise
        report.refresh_from_db()
        return report


def report_number_set(*, report_id: int, number: str, user) -> Report:
    """The office gives the report its document number ("15/BC-UBND").

    A built report's PDF is then rendered again from its stored snapshot by a worker (render_report_pdf:
    the figures and the date of the build stay); a report still building prints it when it finishes, and
    rebuilds keep it.
    """
    from reports.tasks import render_report_pdf

    number = number.strip()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        old = report.number
        if number == old:
            return report
        report.number = number
        report.save(update_fields=["number"])
        history_record(obj=report, user=user, action="update", changes={"number": [old, number]})
        if report.state == Report.State.DONE and report.snapshot:
            transaction.on_commit(lambda: render_report_pdf.delay(report.pk))
    return report


def report_pdf_render(*, report_id: int) -> None:
    """Render a built report's PDF again from its snapshot, with its number and today's settings.

    A snapshot stored before the report's figures changed shape cannot be drawn again: that report is
    built anew instead (the rebuild keeps its number).
    """
    from reports.exports import pdf_bytes

    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",)).select_related("city", "ward", "period").get(pk=report_id)
        )
        if report.state != Report.State.DONE or not report.snapshot:
            return
        issued_on = timezone.localdate(report.finished_at) if report.finished_at else timezone.localdate()
        document = document_settings_for(report.city, report.ward)
        try:
            content = pdf_bytes(report.snapshot, number=report.number, settings=document, issued_on=issued_on)
        except (KeyError, TypeError):
            log.warning("report %s: snapshot of an older shape, building it again", report_id)
            scope = {"kind": report.kind, "city": report.city, "ward": report.ward, "period": report.period}
            transaction.on_commit(lambda: report_request(**scope))
            return
        report.pdf.save(report.pdf.name.rsplit("/", 1)[-1] or "report.pdf", ContentFile(content), save=False)
        report.save(update_fields=["pdf"])


def document_settings_save(*, city: City, ward: Ward | None, user, values: dict) -> DocumentSettings:
    """Save how the city's (ward None) or the ward's reports are addressed and signed, with its history."""
    if ward is not None and ward.city_id != city.pk:
        raise ValueError("the ward is not in the city")
    values = {name: values.get(name) or "" for name in DocumentSettings.FIELDS}
    with transaction.atomic():
        row, created = DocumentSettings.objects.select_for_update().get_or_create(
            city=city, ward=ward, defaults={**values, "updated_by": user}
        )
        if created:
            changes = {name: [None, value] for name, value in values.items() if value}
        else:
            changes = {
                name: [getattr(row, name), value] for name, value in values.items() if getattr(row, name) != value
            }
            if not changes:
                return row
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_by = user
            row.save()
        history_record(obj=row, user=user, action="create" if created else "update", changes=changes)
    return row


def report_requeue(*, report_id: int) -> None:
    """Put a report whose build lost its database or broker connection back in the queue."""
    Report.objects.filter(pk=report_id).update(state=Report.State.QUEUED, started_at=None)


def scheduled_reports(*, kind: str, today: date | None = None) -> list[Report]:
    """Queue last month's (or last year's) report for every city and every ward with neighbourhoods."""
    today = today or timezone.localdate()
    if kind == Report.Kind.MONTHLY:
        period = Period.objects.filter(kind=Period.Kind.MONTH, end__lt=today).order_by("-end").first()
    else:
        period = Period.objects.filter(kind=Period.Kind.YEAR, year=today.year - 1).first()
    if period is None:
        return []
    queued = []
    for city in City.objects.all():
        queued.append(report_request(kind=kind, city=city, ward=None, period=period)[0])
        for ward in Ward.objects.filter(city=city, neighbourhoods__isnull=False).distinct():
            queued.append(report_request(kind=kind, city=city, ward=ward, period=period)[0])
    return queued
