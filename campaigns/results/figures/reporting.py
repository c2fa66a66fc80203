"""Units of a period and who reported: on time, late, not reported, returned, approved, complete."""

import json
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_noop

from campaigns.results.figures.base import deadline_end, defines, exists_on, months_of
from campaigns.results.models import COUNTED_STATUSES, Period, Submission, counted_q
from wards.models import Neighbourhood


@defines(
    "units",
    gettext_noop("Units"),
    gettext_noop(
        "Units in the period: the neighbourhoods that exist on its last day, and those that ended during it "
        "(merged, split or dissolved) if they reported for it. A unit counts from the day it was created to "
        "the day it ended."
    ),
)
def units_in_force(wards, period: Period, programme=None) -> QuerySet:
    """With a programme: only the units that follow it (its unit kinds, its province)."""
    reported = Submission.objects.filter(counted_q(), period=period)
    if programme is not None:
        reported = reported.filter(programme=programme)
    ended_within = Q(valid_to__gt=period.start, valid_to__lte=period.end, pk__in=reported.values("neighbourhood_id"))
    units = Neighbourhood.objects.filter(ward__in=wards).filter(exists_on(period.end) | ended_within)
    return _following(units, programme, "ward__city_id")


def _following(units: QuerySet, programme, city_path: str) -> QuerySet:
    """`units` narrowed to those following `programme` (Programme.applies_to and its province); all without."""
    if programme is None:
        return units
    if programme.unit_kinds:
        units = units.filter(kind__in=programme.unit_kinds)
    if programme.city_id:
        units = units.filter(**{city_path: programme.city_id})
    return units


def submissions_in_force(wards, period: Period, programme=None) -> QuerySet:
    """The submissions of the period's units (see units_in_force) for the period, in `programme` if given.

    The same rule as units_in_force, written on the submission's own row (one join, no subquery): its
    unit exists on the period's last day, or ended within the period and this submission counts."""
    unit_from = Q(neighbourhood__valid_from__isnull=True) | Q(neighbourhood__valid_from__lte=period.end)
    unit_to = (
        Q(neighbourhood__valid_to__isnull=True)
        | Q(neighbourhood__valid_to__gt=period.end)
        | (Q(neighbourhood__valid_to__gt=period.start) & counted_q())
    )
    submissions = Submission.objects.filter(unit_from, unit_to, period=period, neighbourhood__ward__in=wards)
    return submissions if programme is None else submissions.filter(programme=programme)


def year_end(year: int) -> date | None:
    months = months_of(year)
    return months[-1].end if months else None


@defines(
    "units_year",
    gettext_noop("Units in the year"),
    gettext_noop(
        "Units in the year: the neighbourhoods that exist on the year's last day. A unit merged or split "
        "during the year is counted once, as the unit that replaced it."
    ),
)
def units_at_year_end(wards, year: int) -> QuerySet:
    end = year_end(year)
    if end is None:
        return Neighbourhood.objects.none()
    return Neighbourhood.objects.filter(ward__in=wards).filter(exists_on(end))


# --- reporting ---------------------------------------------------------------------------------------------


def _on_time(period: Period) -> Q:
    return counted_q() & (Q(submitted_at__isnull=True) | Q(submitted_at__lt=deadline_end(period)))


def _late(period: Period) -> Q:
    return counted_q() & Q(submitted_at__gte=deadline_end(period))


@defines(
    "reported",
    gettext_noop("Reported"),
    gettext_noop(
        "Reported: units whose report for the period is submitted or approved. On time: submitted by the end "
        "of the entry deadline; late: submitted after it (a report returned and sent again is timed by its "
        "last sending). Not reported: the other units, as of the build day; among them, those whose report "
        "was returned and awaits correction. On time + late + not reported = units."
    ),
)
def reporting_by_ward(wards, period: Period, programme=None) -> dict[int, dict]:
    """Per ward id: units, reported, on time, late, not reported, returned, approved, complete; in `programme`
    when given (its units and their reports in it)."""
    units = dict(units_in_force(wards, period, programme).values_list("ward_id").annotate(n=Count("id")).order_by())
    counts = {
        row["neighbourhood__ward_id"]: row
        for row in submissions_in_force(wards, period, programme)
        .values("neighbourhood__ward_id")
        .annotate(
            on_time=Count("id", filter=_on_time(period)),
            late=Count("id", filter=_late(period)),
            returned=Count("id", filter=Q(status=Submission.Status.RETURNED)),
            approved=Count("id", filter=Q(status=Submission.Status.APPROVED)),
            complete=Count("id", filter=counted_q() & Q(is_complete=True)),
        )
        .order_by()
    }
    rows = {}
    for ward_id, n in units.items():
        c = counts.get(ward_id, {})
        on_time, late = c.get("on_time", 0), c.get("late", 0)
        rows[ward_id] = {
            "units": n,
            "reported": on_time + late,
            "on_time": on_time,
            "late": late,
            "not_reported": n - on_time - late,
            "returned": c.get("returned", 0),
            "approved": c.get("approved", 0),
            "complete": c.get("complete", 0),
        }
    return rows


REPORTING_KEYS = ("units", "reported", "on_time", "late", "not_reported", "returned", "approved", "complete")


def add_up(rows) -> dict:
    rows = list(rows)
    return {key: sum(r[key] for r in rows) for key in REPORTING_KEYS}


def unit_status(sub_status: str | None, submitted_at, period: Period) -> str:
    """One unit's reporting state: on_time, late, returned, draft or none (nothing entered)."""
    if sub_status in COUNTED_STATUSES:
        return "late" if submitted_at and submitted_at >= deadline_end(period) else "on_time"
    return sub_status or "none"


@defines(
    "complete",
    gettext_noop("Meets the standard"),
    gettext_noop(
        "Meets the standard: units whose report counts and meets every criterion of its criteria set. "
        "Approved: units whose report the ward leader approved."
    ),
)
def unit_rows(wards, period: Period, programme=None) -> list[dict]:
    """Every unit of the period with its report: state, when it was sent, criteria met, what it lacks; in
    `programme` when given."""
    sub = Submission.objects.filter(period=period, neighbourhood=OuterRef("pk"))
    if programme is not None:
        sub = sub.filter(programme=programme)
    rows = (
        units_in_force(wards, period, programme)
        .annotate(
            sub_status=Subquery(sub.values("status")[:1]),
            sub_at=Subquery(sub.values("submitted_at")[:1]),
            sub_met=Subquery(sub.values("criteria_met")[:1]),
            sub_total=Subquery(sub.values("criteria_total")[:1]),
            sub_missing=Subquery(sub.values("missing")[:1]),
            sub_complete=Subquery(sub.values("is_complete")[:1]),
        )
        .select_related("ward")
        .order_by("ward__search_key", "ward__code", "search_key", "pk")
    )
    out = []
    for u in rows:
        status = unit_status(u.sub_status, u.sub_at, period)
        counts = status in ("on_time", "late")
        missing = u.sub_missing
        if isinstance(missing, str):  # some backends hand a JSON subquery back as text
            missing = json.loads(missing)
        out.append(
            {
                "ward": u.ward.name,
                "ward_code": u.ward.code,
                "name": u.name,
                "status": status,
                "approved": u.sub_status == Submission.Status.APPROVED,
                "submitted_at": timezone.localtime(u.sub_at).isoformat(timespec="minutes") if u.sub_at else None,
                "met": u.sub_met if counts else None,
                "total": u.sub_total if counts else None,
                "missing": [str(m) for m in missing or []] if counts else [],
                "complete": bool(u.sub_complete) if counts else False,
            }
        )
    return out


# --- criteria ----------------------------------------------------------------------------------------------


@defines(
    "ward_sets",
    gettext_noop("Wards against their own criteria"),
    gettext_noop(
        "Wards against their own criteria: each ward that entered results on a ward-level criteria set for "
        "the period, with the criteria it meets and those it does not; only reports that count are "
        "assessed."
    ),
)
def ward_set_rows(wards, period: Period) -> list[dict]:
    subs = (
        Submission.objects.filter(period=period, ward__in=wards, neighbourhood__isnull=True)
        .select_related("ward", "criteria_set")
        .order_by("ward__search_key", "ward__code")
    )
    rows = []
    for s in subs:
        counts = s.status in COUNTED_STATUSES
        missing = json.loads(s.missing) if isinstance(s.missing, str) else s.missing
        rows.append(
            {
                "code": s.ward.code,
                "name": s.ward.name,
                "set": s.criteria_set.name,
                "document": s.criteria_set.document_number,
                "status": unit_status(s.status, s.submitted_at, period),
                "met": s.criteria_met if counts else None,
                "total": s.criteria_total if counts else None,
                "missing": [str(m) for m in missing or []] if counts else [],
                "complete": bool(s.is_complete) if counts else False,
            }
        )
    return rows
