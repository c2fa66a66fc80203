"""A city-wide report of many wards, built as parts on several workers and joined at the end.

A province (166 wards) or the country (3,321) is read in chunks of REPORT_FANOUT_CHUNK wards: a Celery
chord of one part task per chunk, then a join task. Each part reads, for its wards only, the figures
that are sums or lists of per-ward rows and stores them (ReportPart):

- monthly: the reporting rows per ward, every unit's row (state, criteria met, what it lacks) and the
  criteria not met per ward (gaps);
- annual: every unit's latest counted report of the year and of the year before (figures.year_latest),
  from which the join counts the ward ranking, the totals, the units reaching the standard and the
  criteria rows.

The join reads the rest city-wide, as reports.summaries does: which criteria set the report lists and its
criteria rows (one aggregate), units newly meeting or slipping (a merged unit's predecessors may be in
another ward), tasks, ward sets, profiles, titles and the other sections. It then finishes the report
exactly as reports.services.report_build does (files, current report, history), so the snapshot and its
hash are those of a build in one task: tests/reports/test_fanout.py holds the two to equality.

Unlike a build in one task, the parts are read in separate transactions: a figure entered while the parts
run can be in one part and not in another. Scheduled reports are of closed, approved periods, where
nothing changes.

Each part renews the build's lease. A part that fails marks the report failed with its reason, as a
build in one task does (a lost connection is retried first), so the report never stays "building".
"""

import logging
from datetime import date
from functools import partial
from uuid import uuid4

from celery import chord
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaigns.criteria.models import CriteriaSet, Level
from campaigns.results import figures, rollups
from reports import services, summaries
from reports.models import Report, ReportPart
from wards.models import Ward

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # as many builds as build_report's retries


def fans_out(*, report_id: int) -> bool:
    """Whether this build is read in parts: a city-wide report of more than REPORT_FANOUT_MIN_WARDS wards, of a
    neighbourhood programme (a ward-level programme's report has a row per ward: one read)."""
    report = (
        Report.objects.filter(pk=report_id, ward__isnull=True)
        .exclude(programme__level=Level.WARD)
        .values("city_id")
        .first()
    )
    if report is None:
        return False
    return Ward.objects.filter(city_id=report["city_id"]).count() > settings.REPORT_FANOUT_MIN_WARDS


def ward_chunks(city_id: int) -> list[list[int]]:
    """The city's wards in the report's order (name, then code), REPORT_FANOUT_CHUNK a chunk.

    The order matters: the rows of consecutive chunks put one after the other are the report's rows.
    """
    ids = list(Ward.objects.filter(city_id=city_id).order_by("search_key", "code").values_list("pk", flat=True))
    size = max(1, settings.REPORT_FANOUT_CHUNK)
    return [ids[start : start + size] for start in range(0, len(ids), size)]


# --- the parts -------------------------------------------------------------------------------------------------


def _monthly_part(period, wards, criteria_set_id: int | None, programme=None) -> dict:
    """Per ward of the chunk: reporting, units and gaps, as reports.summaries reads them for the city."""
    reporting = summaries._reporting(wards, period, programme)
    criteria_set = CriteriaSet.objects.filter(pk=criteria_set_id).first() if criteria_set_id else None
    return {
        "criteria_set": criteria_set_id,
        "reporting": reporting,
        "units": figures.unit_rows(wards, period, programme),
        "gaps": summaries._gaps(wards, period, criteria_set, reporting, programme),
    }


def _latest_rows(wards, year: int, programme=None) -> list[list]:
    """summaries.year_latest as JSON: [unit id, ward id, submission id, complete] per unit."""
    latest = summaries.year_latest(wards, year, programme)
    return [[unit, row["ward_id"], row["submission_id"], row["complete"]] for unit, row in latest.items()]


def _annual_part(period, wards, criteria_set_id: int | None, programme=None) -> dict:
    return {
        "latest": _latest_rows(wards, period.year, programme),
        "latest_before": _latest_rows(wards, period.year - 1, programme),
    }


PARTS = {Report.Kind.MONTHLY: _monthly_part, Report.Kind.ANNUAL: _annual_part}


def _criteria_set_id(report: Report) -> int | None:
    """The criteria set a monthly report lists (set_used over the whole city), for the parts' gaps."""
    if report.kind != Report.Kind.MONTHLY:
        return None
    criteria_set = rollups.set_used(Ward.objects.filter(city=report.city), report.period, report.programme)
    return criteria_set.pk if criteria_set else None


def report_fanout_start(*, report_id: int) -> str:
    """Claim a queued city-wide build and send its parts, joined by join_report_parts, to the workers.

    Returns the state the build is in once sent (eagerly, without a broker, once built).
    """
    from reports.tasks import build_report_part, join_report_parts

    if not services._claim(report_id):
        return "skipped"
    report = Report.objects.select_related("city", "period", "programme").get(pk=report_id)
    ReportPart.objects.filter(report=report).delete()  # of a build before this one
    build, today = uuid4().hex, timezone.localdate().isoformat()
    chunks = ward_chunks(report.city_id)
    criteria_set_id = services.consistent_read(partial(_criteria_set_id, report))
    header = [build_report_part.si(report_id, build, number, ids, criteria_set_id) for number, ids in enumerate(chunks)]
    log.info("report %s: %s parts of up to %s wards", report_id, len(chunks), settings.REPORT_FANOUT_CHUNK)
    try:
        chord(header)(join_report_parts.si(report_id, build, len(chunks), today))
    except Exception:
        # Eagerly (tests, development without a broker) a part's failure comes back here once the part has
        # marked the report failed; from a broker, only a failure to send does, and the task retries it.
        if not build_report_part.app.conf.task_always_eager:
            raise
        report.refresh_from_db()
        if report.state == Report.State.RUNNING:
            raise
    report.refresh_from_db()
    return report.state


def report_part_build(*, report_id: int, build: str, chunk: int, ward_ids: list[int], criteria_set_id=None) -> int:
    """Read one chunk's per-ward figures and store them; renew the build's lease. Returns the chunk."""
    report = Report.objects.select_related("period", "programme").get(pk=report_id)
    if report.state != Report.State.RUNNING:
        return chunk  # failed or replaced meanwhile: its join will not build it
    wards = Ward.objects.filter(pk__in=ward_ids)
    part = partial(PARTS[report.kind], report.period, wards, criteria_set_id, report.programme)
    data = services.consistent_read(part)
    ReportPart.objects.update_or_create(report=report, build=build, chunk=chunk, defaults={"data": data})
    services._renew(report_id)
    return chunk


def report_part_failed(*, report_id: int, exc: Exception) -> None:
    """A part could not be read: the report fails with the reason, as a build in one task would."""
    report = Report.objects.get(pk=report_id)
    services._fail(report, exc)
    ReportPart.objects.filter(report=report).delete()


# --- the join --------------------------------------------------------------------------------------------------


def _monthly_join(report: Report, today: date, parts: list[dict]) -> dict:
    """summaries.monthly_snapshot of the city, its per-ward rows taken from the parts."""
    criteria_set = rollups.set_used(Ward.objects.filter(city=report.city), report.period, report.programme)
    same_set = all(part["criteria_set"] == (criteria_set.pk if criteria_set else None) for part in parts)
    per_ward = {
        "reporting": [row for part in parts for row in part["reporting"]],
        "units": [row for part in parts for row in part["units"]],
        # the set most reported on changed while the parts ran: the gaps are counted again against the new one
        "gaps": [row for part in parts for row in part["gaps"]] if same_set else None,
    }
    return summaries.monthly_snapshot(
        city=report.city, ward=None, period=report.period, today=today, per_ward=per_ward, programme=report.programme
    )


def _latest(parts: list[dict], key: str) -> dict[int, dict]:
    """figures.year_latest of the city, from the parts' rows."""
    return {
        unit: {"ward_id": ward_id, "submission_id": submission_id, "complete": complete}
        for part in parts
        for unit, ward_id, submission_id, complete in part[key]
    }


def _annual_join(report: Report, today: date, parts: list[dict]) -> dict:
    """summaries.annual_snapshot of the city, its units' latest reports taken from the parts."""
    per_ward = {"latest": _latest(parts, "latest"), "latest_before": _latest(parts, "latest_before")}
    return summaries.annual_snapshot(
        city=report.city, ward=None, period=report.period, today=today, per_ward=per_ward, programme=report.programme
    )


JOINS = {Report.Kind.MONTHLY: _monthly_join, Report.Kind.ANNUAL: _annual_join}


def _joined_snapshot(report: Report, today: date, *, build: str, chunks: int) -> dict:
    """The snapshot from the build's stored parts (read from "default": they were just written) and the
    city-wide sections (read like a build in one task, from the replica when there is one)."""
    parts = list(
        ReportPart.objects.using("default").filter(report=report, build=build).order_by("chunk").values_list("data")
    )
    if len(parts) != chunks:
        raise RuntimeError(f"{chunks - len(parts)} of the report's {chunks} parts are missing")
    data = [row[0] for row in parts]
    return services.consistent_read(partial(JOINS[report.kind], report, today, data))


def report_parts_join(*, report_id: int, build: str, chunks: int, today: str) -> str:
    """Finish a build read in parts as reports.services.report_build finishes one: files, current report,
    history; a failure fails it with the reason. A lost connection queues the whole build again."""
    read = partial(_joined_snapshot, build=build, chunks=chunks)
    try:
        report = services.report_build(report_id=report_id, today=date.fromisoformat(today), read=read)
    except services.RETRYABLE:
        _build_again(report_id)
        return "retried"
    finally:
        ReportPart.objects.filter(report_id=report_id).delete()
    return report.state if report else "skipped"


def _build_again(report_id: int) -> None:
    from reports.tasks import build_report

    attempts = Report.objects.filter(pk=report_id).values_list("attempts", flat=True).first() or 0
    if attempts < MAX_ATTEMPTS and services.report_requeue(report_id=report_id):
        transaction.on_commit(partial(build_report.apply_async, (report_id,), countdown=30))
