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
from reports.models import Report
from reports.summaries import annual_snapshot, monthly_snapshot
from wards.models import City, Ward

log = logging.getLogger(__name__)

# A lost database or broker connection: the build is worth trying again.
RETRYABLE = (OperationalError, InterfaceError, BrokerError, ConnectionError)

BUILDERS = {Report.Kind.MONTHLY: monthly_snapshot, Report.Kind.ANNUAL: annual_snapshot}


def report_request(*, kind: str, city: City, ward: Ward | None, period: Period, user=None) -> tuple[Report, bool]:
    """Queue a build of this report, unless one is already queued or running (then that one is returned).

    Returns the report and whether a new build was queued; the Celery task is sent on commit.
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
        report = Report.objects.create(kind=kind, city=city, ward=ward, period=period, requested_by=user)
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
        pdf = ContentFile(pdf_bytes(snapshot, number=report.number, issued_on=today), name=f"{stem}.pdf")
        with transaction.atomic():
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
