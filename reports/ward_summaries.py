"""A ward-level programme's monthly and annual report ("Phường đạt chuẩn đô thị văn minh"): its units are the
wards, each assessed on its own report; reports.summaries builds the report of a neighbourhood programme and
hands a ward-level one to these. The snapshot has the same frame (scope, programme, period, criteria set,
totals, criteria) and, instead of per-unit rows, "wards": each ward following the programme with its report's
state, the criteria it meets and those it lacks (the shape of figures.ward_set_rows).
"""

import json
from datetime import date, timedelta

from campaigns.criteria.models import CriteriaSet, Level, Programme
from campaigns.results import figures
from campaigns.results.models import COUNTED_STATUSES, Period, Submission, counted_q
from reports.summaries import (
    _annual_period,
    _criteria_set_info,
    _exact,
    _following,
    _monthly_period,
    _programme_info,
    _scope,
    _scope_wards,
    _share,
    _year_totals,
)
from wards.models import City, Ward


def _ward_programme_set(submissions, day: date, programme: Programme) -> CriteriaSet | None:
    """The set most of the wards' reports were made on (figures.set_used), else the version of the
    programme's ward-level set in force on `day`."""
    used = figures.set_used(submissions, day, programme)
    if used is not None and used.level == Level.WARD:
        return used
    in_force = CriteriaSet.objects.in_force(day, Level.WARD).filter(code__in=programme.set_codes())
    return in_force.order_by("-version").first()


def _ward_row(w: Ward, submission: Submission | None, status: str) -> dict:
    """A ward against its own criteria, as figures.ward_set_rows writes it: only a report that counts is
    assessed."""
    counts = submission is not None and submission.status in COUNTED_STATUSES
    missing = submission.missing if submission is not None else None
    if isinstance(missing, str):  # some backends hand JSON back as text
        missing = json.loads(missing)
    return {
        "code": w.code,
        "name": w.name,
        "set": submission.criteria_set.name if submission else "",
        "document": submission.criteria_set.document_number if submission else "",
        "status": status,
        "approved": submission is not None and submission.status == Submission.Status.APPROVED,
        "met": submission.criteria_met if counts else None,
        "total": submission.criteria_total if counts else None,
        "missing": [str(m) for m in missing or []] if counts else [],
        "complete": bool(submission.is_complete) if counts else False,
    }


def _ward_submissions(wards, programme: Programme):
    return Submission.objects.filter(ward__in=wards, neighbourhood__isnull=True, programme=programme)


def wards_monthly(city: City, ward: Ward | None, period: Period, today: date, programme: Programme) -> dict:
    """A ward-level programme's month: every ward of the scope following it with its own report's state
    (figures.unit_status), the criteria it meets and lacks; the totals count wards as the neighbourhood
    report counts units (figures.reporting_by_ward); the criteria rows are figures.criteria_rows over the
    wards' reports."""
    wards = _following(_scope_wards(city, ward), programme).order_by("search_key", "code")
    now = _ward_submissions(wards, programme).filter(period=period)
    by_ward = {s.ward_id: s for s in now.select_related("criteria_set")}
    rows = []
    for w in wards:
        s = by_ward.get(w.pk)
        rows.append(_ward_row(w, s, figures.unit_status(s and s.status, s and s.submitted_at, period)))
    previous = figures.previous_month(period)
    cutoff = figures.comparison_cutoff(period, previous, today)
    before = _ward_submissions(wards, programme).filter(period=previous) if previous else None
    if before is not None and cutoff is not None:
        before = before.filter(submitted_at__lt=cutoff)
    criteria_set = _ward_programme_set(now, period.end, programme)
    criteria = figures.criteria_rows(now, before, criteria_set)
    on_time = sum(r["status"] == "on_time" for r in rows)
    late = sum(r["status"] == "late" for r in rows)
    totals = {
        "units": len(rows),
        "reported": on_time + late,
        "on_time": on_time,
        "late": late,
        "not_reported": len(rows) - on_time - late,
        "returned": sum(r["status"] == "returned" for r in rows),
        "approved": sum(r["approved"] for r in rows),
        "complete": sum(r["complete"] for r in rows),
    }
    return {
        "kind": "monthly",
        "scope": _scope(city, ward),
        "programme": _programme_info(programme),
        "period": _monthly_period(period, today),
        "previous_period": str(previous.label) if previous else None,
        "compared_as_of": (cutoff.date() - timedelta(days=1)).isoformat() if cutoff else None,
        "criteria_set": _criteria_set_info(criteria_set, criteria),
        "totals": totals,
        "wards": rows,
        "criteria": criteria,
    }


def _wards_latest(wards, programme: Programme, year: int) -> dict[int, Submission]:
    """Per ward id: its latest report of the year in the programme that counts (of the latest period, then the
    latest row), as figures.year_latest chooses a unit's. One query."""
    latest: dict[int, Submission] = {}
    for s in (
        _ward_submissions(wards, programme)
        .filter(counted_q(), period__year=year)
        .select_related("criteria_set", "period")
        .order_by("ward_id", "-period__end", "-period__start", "-pk")
    ):
        latest.setdefault(s.ward_id, s)
    return latest


def wards_annual(city: City, ward: Ward | None, period: Period, programme: Programme) -> dict:
    """A ward-level programme's year: every ward of the scope following it with its latest report of the year
    that counts, the wards meeting every criterion by it, the year before, and the criteria rows over those
    reports."""
    year = period.year
    wards = list(_following(_scope_wards(city, ward), programme).order_by("search_key", "code"))
    latest, latest_before = _wards_latest(wards, programme, year), _wards_latest(wards, programme, year - 1)
    rows = []
    for w in wards:
        s = latest.get(w.pk)
        status = figures.unit_status(s.status, s.submitted_at, s.period) if s else "none"
        rows.append({**_ward_row(w, s, status), "period": str(s.period.label) if s else None})

    def standing(chosen: dict[int, Submission]) -> dict[int, dict]:
        return {
            w.pk: {"units": 1, "reported": w.pk in chosen, "reached": bool(w.pk in chosen and chosen[w.pk].is_complete)}
            for w in wards
        }

    now = Submission.objects.filter(pk__in=[s.pk for s in latest.values()])
    before = Submission.objects.filter(pk__in=[s.pk for s in latest_before.values()])
    criteria_set = _ward_programme_set(now, period.end, programme)
    criteria = figures.criteria_rows(now, before, criteria_set)
    totals, previous = _year_totals(year, standing(latest)), _year_totals(year - 1, standing(latest_before))
    return {
        "kind": "annual",
        "scope": _scope(city, ward),
        "programme": _programme_info(programme),
        "period": _annual_period(period),
        "criteria_set": _criteria_set_info(criteria_set, criteria),
        "totals": totals,
        "wards": rows,
        "criteria": criteria,
        "previous_year": {**previous, "change_pp": _share(figures.change_pp(_exact(totals), _exact(previous)))},
    }
