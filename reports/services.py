"""Requesting and building reports: single-flight, idempotent, replaced atomically.

A queued or running build holds its scope and period only for a lease (Report.lease_until): a build whose
worker died or whose task was lost is marked failed and queued again, by the next request for it or by
the sweep every minute (report_sweep), so nothing stays "building" forever.
"""

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connections, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from kombu.exceptions import OperationalError as BrokerError

from campaigns.criteria.models import Programme
from campaigns.results.models import Period
from campaigns.results.programmes import programmes_in
from portal.db_router import reading_from_replica
from portal.models import history_record
from reports import schedules
from reports.documents import document_settings_for
from reports.models import DocumentSettings, Report
from reports.summaries import annual_snapshot, monthly_snapshot
from wards.models import City, Ward

log = logging.getLogger(__name__)

# A lost database or broker connection: the build is worth trying again.
RETRYABLE = (OperationalError, InterfaceError, BrokerError, ConnectionError)

# Sending a task failed: the broker is down or unreachable (kombu wraps the transport's errors;
# a socket timeout or refusal may come through as it is).
BROKER_UNREACHABLE = (BrokerError, OSError)

BUILDERS = {Report.Kind.MONTHLY: monthly_snapshot, Report.Kind.ANNUAL: annual_snapshot}

# Why a report failed without an exception of its own, stored in the portal's language.
STOPPED = _("The build stopped before it finished; it has been started again.")
NO_QUEUE = _("Could not reach the task queue; please try again later.")


class QueueUnavailable(Exception):
    """The broker did not take a task. Raised once the transaction that sent it has committed."""

    def __init__(self, report_id: int):
        super().__init__(f"report {report_id}: the broker did not take the task")
        self.report_id = report_id


def _reason(message) -> str:
    """A failure reason as everyone reads it: in the portal's language, not the requester's."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def _lease(seconds: int) -> datetime:
    return timezone.now() + timedelta(seconds=seconds)


def default_programme(city: City) -> Programme | None:
    """The programme a report counts when none is named: the first neighbourhood programme run in the city
    (campaigns.results.programmes: the one every page shows first); None when there is none."""
    programmes = programmes_in([city])
    return programmes[0] if programmes else None


def _kept_number(*, kind: str, city: City, ward: Ward | None, period: Period, programme: Programme | None) -> str:
    """The document number a rebuild keeps: the current report's, else the latest one given."""
    return (
        Report.objects.for_scope(kind=kind, city=city, ward=ward, period=period, programme=programme)
        .exclude(number="")
        .order_by("-is_current", "-requested_at", "-pk")
        .values_list("number", flat=True)
        .first()
        or ""
    )


def report_request(
    *, kind: str, city: City, ward: Ward | None, period: Period, programme: Programme | None = None, user=None
) -> tuple[Report, bool]:
    """Queue a build of this report of `programme` (default: the city's first, default_programme), unless one
    is already queued or running (then that one is returned).

    A queued or running build whose lease has run out (its worker died, its task was lost) does not
    count: it is marked failed ("đã dừng giữa chừng") and a new build is queued in its place.
    A new build keeps the document number of the scope's current report (or the latest one that had
    a number): a rebuild is the same document. Returns the report and whether a new build was queued.
    The Celery task is sent on commit; if the broker does not take it, the new report is marked failed
    and QueueUnavailable is raised from the commit, so nothing is left queued for a task that never comes.
    """
    now = timezone.now()
    if programme is None:
        programme = default_programme(city)
    with transaction.atomic():
        pending = list(
            Report.objects.select_for_update()
            .for_scope(kind=kind, city=city, ward=ward, period=period, programme=programme)
            .pending()
            .order_by("-requested_at", "-pk")
        )
        alive = next((report for report in pending if not report.lease_expired(now)), None)
        if alive:
            return alive, False
        if pending:
            log.warning("reports %s: lease run out, building again", [report.pk for report in pending])
            Report.objects.filter(pk__in=[report.pk for report in pending]).update(
                state=Report.State.FAILED, error=_reason(STOPPED), finished_at=now, lease_until=None
            )
        number = _kept_number(kind=kind, city=city, ward=ward, period=period, programme=programme)
        report = Report.objects.create(
            kind=kind,
            city=city,
            ward=ward,
            period=period,
            programme=programme,
            requested_by=user,
            number=number,
            lease_until=_lease(settings.REPORT_QUEUE_TIMEOUT_SECONDS),
        )
        transaction.on_commit(partial(_send_build, report.pk))
        return report, True


def _send_build(report_id: int) -> None:
    """Hand the build to the workers; if the broker does not take it, fail the report at once."""
    from reports.tasks import build_report

    try:
        build_report.delay(report_id)
    except BROKER_UNREACHABLE as exc:
        if build_report.app.conf.task_always_eager:
            raise  # no broker was asked: the build itself failed, and says so on the report
        log.error("report %s: the broker did not take the build: %s", report_id, exc)
        Report.objects.filter(pk=report_id, state=Report.State.QUEUED).update(
            state=Report.State.FAILED, error=_reason(NO_QUEUE), finished_at=timezone.now(), lease_until=None
        )
        raise QueueUnavailable(report_id) from exc


def _claim(report_id: int) -> bool:
    """Take the build: only one worker moves a queued report to running, for the lease of a build."""
    return bool(
        Report.objects.filter(pk=report_id, state=Report.State.QUEUED).update(
            state=Report.State.RUNNING,
            started_at=timezone.now(),
            lease_until=_lease(settings.REPORT_BUILD_LEASE_SECONDS),
        )
    )


def _renew(report_id: int) -> bool:
    """Extend this worker's lease; False when it has run out and the build was given to another."""
    return bool(
        Report.objects.filter(pk=report_id, state=Report.State.RUNNING).update(
            lease_until=_lease(settings.REPORT_BUILD_LEASE_SECONDS)
        )
    )


def consistent_read(read: Callable[[], dict]) -> dict:
    """`read()` from one consistent view of the database: of the read replica when there is one."""
    with reading_from_replica():
        alias = router.db_for_read(Report)
        connection = connections[alias]
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=alias):
            # Only the first statement of a transaction may set its isolation; inside an enclosing
            # transaction (a test, a caller's atomic block) that transaction's own view is used.
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return read()


def _read_snapshot(report: Report, today: date) -> dict:
    """All figures from one consistent view of the database, of the report's programme."""
    builder = BUILDERS[report.kind]
    read = partial(
        builder, city=report.city, ward=report.ward, period=report.period, today=today, programme=report.programme
    )
    return consistent_read(read)


def report_build(
    *, report_id: int, today: date | None = None, read: Callable[[Report, date], dict] | None = None
) -> Report | None:
    """Build a queued report: snapshot, XLSX and PDF, then make it the current one in one transaction.

    If anything fails, the report is marked failed with the reason and the previous
    current report of the same scope and period stays in place. A worker whose lease ran out
    (the report was marked failed and built again meanwhile) leaves everything as it is.
    `read` finishes a build already claimed and read in parts (reports.fanout): it gives the snapshot.
    """
    from reports.exports import pdf_bytes, xlsx_bytes

    if read is None and not _claim(report_id):
        return None
    report = Report.objects.select_related("city", "ward", "period", "programme").get(pk=report_id)
    if read is not None and report.state != Report.State.RUNNING:
        return _abandoned(report_id)
    today = today or timezone.localdate()
    try:
        snapshot = (read or _read_snapshot)(report, today)
        digest = hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()
        if not _renew(report_id):  # the files take the longest: hold the build for another lease
            return _abandoned(report_id)
        stem = _file_stem(report)
        xlsx = ContentFile(xlsx_bytes(snapshot), name=f"{stem}.xlsx")
        document = document_settings_for(report.city, report.ward)
        pdf = ContentFile(
            pdf_bytes(snapshot, number=report.number, settings=document, issued_on=today), name=f"{stem}.pdf"
        )
        with transaction.atomic():
            # The office may have typed the number while this was building: keep it, and print it.
            typed, state = Report.objects.select_for_update().values_list("number", "state").get(pk=report.pk)
            if state != Report.State.RUNNING:
                return _abandoned(report_id)
            if typed != report.number:
                report.number = typed
                pdf = ContentFile(pdf_bytes(snapshot, number=typed, settings=document, issued_on=today), name=pdf.name)
            _same_document(report).filter(is_current=True).exclude(pk=report.pk).update(is_current=False)
            report.snapshot, report.snapshot_hash = snapshot, digest
            report.xlsx.save(xlsx.name, xlsx, save=False)
            report.pdf.save(pdf.name, pdf, save=False)
            report.state, report.is_current, report.error = Report.State.DONE, True, ""
            report.finished_at, report.lease_until = timezone.now(), None
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
        _fail(report, exc)
        if isinstance(exc, RETRYABLE):
            raise
        report.refresh_from_db()
        return report


def _file_stem(report: Report) -> str:
    """The files' name: "monthly-thon-tdp-van-hoa-38-2026-11" (kind, programme, scope, year, number)."""
    programme = f"{report.programme.code}-" if report.programme_id else ""
    return f"{report.kind}-{programme}{report.scope_code}-{report.period.year}-{report.period.number:02d}"


def _same_document(report: Report):
    """The builds of the same document as `report`: its kind, scope, programme and period."""
    return Report.objects.for_scope(
        kind=report.kind,
        city=report.city_id,
        ward=report.ward_id,
        period=report.period_id,
        programme=report.programme_id,
    )


def _fail(report: Report, exc: Exception) -> None:
    """Mark the build failed with the reason, unless its lease ran out and another build took over."""
    log.exception("report %s failed", report.pk)
    Report.objects.filter(pk=report.pk, state=Report.State.RUNNING).update(
        state=Report.State.FAILED,
        error=f"{type(exc).__name__}: {exc}"[:2000],
        finished_at=timezone.now(),
        attempts=report.attempts + 1,
        lease_until=None,
    )


def _abandoned(report_id: int) -> Report:
    log.warning("report %s: lease run out while building, left to the build that replaced it", report_id)
    return Report.objects.get(pk=report_id)


def report_sweep() -> list[Report]:
    """Fail every queued or running build whose lease has run out and queue it again (beat, every minute).

    The page that follows a build stops waiting once it is failed, and the new build takes over.
    Returns the builds queued.
    """
    queued, seen = [], set()
    expired = Report.objects.lease_expired(timezone.now()).select_related(
        "city", "ward", "period", "programme", "requested_by"
    )
    for dead in expired.order_by("-requested_at"):
        key = (dead.kind, dead.city_id, dead.ward_id, dead.period_id, dead.programme_id)
        if key in seen:
            continue
        seen.add(key)
        report, new = report_request(
            kind=dead.kind,
            city=dead.city,
            ward=dead.ward,
            period=dead.period,
            programme=dead.programme,
            user=dead.requested_by,
        )
        if new:
            queued.append(report)
    return queued


def report_number_set(*, report_id: int, number: str, user) -> Report:
    """The office gives the report its document number ("15/BC-UBND").

    A built report's PDF is then rendered again from its stored snapshot by a worker (render_report_pdf:
    the figures and the date of the build stay); a report still building prints it when it finishes, and
    rebuilds keep it.
    """
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
            transaction.on_commit(partial(_send_render, report.pk))
    return report


def _send_render(report_id: int) -> None:
    """Hand the PDF to the workers; the number is saved either way, and the next build prints it."""
    from reports.tasks import render_report_pdf

    try:
        render_report_pdf.delay(report_id)
    except BROKER_UNREACHABLE as exc:
        if render_report_pdf.app.conf.task_always_eager:
            raise
        log.error("report %s: the broker did not take the PDF: %s", report_id, exc)
        raise QueueUnavailable(report_id) from exc


def report_pdf_render(*, report_id: int) -> None:
    """Render a built report's PDF again from its snapshot, with its number and today's settings.

    A snapshot stored before the report's figures changed shape cannot be drawn again: that report is
    built anew instead (the rebuild keeps its number).
    """
    from reports.exports import pdf_bytes

    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("city", "ward", "period", "programme")
            .get(pk=report_id)
        )
        if report.state != Report.State.DONE or not report.snapshot:
            return
        issued_on = timezone.localdate(report.finished_at) if report.finished_at else timezone.localdate()
        document = document_settings_for(report.city, report.ward)
        try:
            content = pdf_bytes(report.snapshot, number=report.number, settings=document, issued_on=issued_on)
        except (KeyError, TypeError):
            log.warning("report %s: snapshot of an older shape, building it again", report_id)
            scope = {
                "kind": report.kind,
                "city": report.city,
                "ward": report.ward,
                "period": report.period,
                "programme": report.programme,
            }
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


def report_requeue(*, report_id: int) -> bool:
    """Put a report whose build lost its database or broker connection back in the queue.

    Not a built one, nor one whose scope and period has another build queued or running (its lease
    ran out and it was replaced). Returns whether it was queued again.
    """
    with transaction.atomic():
        report = Report.objects.select_for_update().exclude(state=Report.State.DONE).filter(pk=report_id).first()
        if report is None:
            return False
        if _same_document(report).pending().exclude(pk=report.pk).exists():
            return False
        report.state, report.started_at = Report.State.QUEUED, None
        report.lease_until = _lease(settings.REPORT_QUEUE_TIMEOUT_SECONDS)
        report.save(update_fields=["state", "started_at", "lease_until"])
    return True


def scheduled_reports(*, kind: str, today: date | None = None) -> list[Report]:
    """Queue last month's (or last year's) report for every city and every ward, one per programme each
    follows (scheduled_programmes)."""
    today = today or timezone.localdate()
    if kind == Report.Kind.MONTHLY:
        period = Period.objects.filter(kind=Period.Kind.MONTH, end__lt=today).order_by("-end").first()
    else:
        period = Period.objects.filter(kind=Period.Kind.YEAR, year=today.year - 1).first()
    if period is None:
        return []
    queued = []
    for city in City.objects.all():
        for ward, programme in schedules.scheduled_programmes(city):
            queued.append(report_request(kind=kind, city=city, ward=ward, period=period, programme=programme)[0])
    return queued


def _crontab(times: schedules.Times) -> CrontabSchedule:
    """A crontab row with these values in the portal's time zone, reused when one exists."""
    values = {
        "minute": str(times.minute),
        "hour": str(times.hour),
        "day_of_month": str(times.day) if times.day else "*",
        "month_of_year": str(times.month) if times.month else "*",
        "day_of_week": "*",
        "timezone": settings.TIME_ZONE,
    }
    return CrontabSchedule.objects.filter(**values).order_by("pk").first() or CrontabSchedule.objects.create(**values)


def _state_words(enabled: bool) -> str:
    return _reason(_("Switched on") if enabled else _("Switched off"))


def schedule_change(*, task_id: int, times: schedules.Times, enabled: bool, user) -> PeriodicTask:
    """Run a known schedule (reports.schedules.KNOWN) at another day and time, or switch it on or off.

    The task moves to a crontab of the new values instead of changing its own row, which other tasks may
    share. A changed time counts from now: beat starts from the moment of the change (last_run_at empty,
    date_changed now), so a time already passed this month is not caught up at once. Beat sees the change
    at its next tick (PeriodicTask.save marks the schedules changed). History keeps the words, not cron.
    """
    with transaction.atomic():
        task = schedules.editable().select_for_update(of=("self",)).get(pk=task_id)
        crontab = _crontab(times)
        moved, switched = crontab.pk != task.crontab_id, enabled != task.enabled
        if not (moved or switched):
            return task
        changes = {}
        if moved:
            with translation.override(settings.LANGUAGE_CODE):
                changes["schedule"] = [schedules.describe(task.crontab), schedules.describe(crontab)]
            task.last_run_at = None
        if switched:
            changes["state"] = [_state_words(task.enabled), _state_words(enabled)]
        task.crontab, task.enabled = crontab, enabled
        task.save()
        history_record(obj=task, user=user, action="update", changes=changes)
    return task
