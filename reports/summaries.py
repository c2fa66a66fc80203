"""The figures of the monthly and annual summaries, read in one go.

Each builder returns a plain dict (the snapshot stored on the Report): only
strings and numbers, ordered deterministically, so building the same scope and
period twice gives the same snapshot. Every figure is aggregated in the
database; no loop runs over results.

A builder reads as the list of the report's sections; each section is one
function below, named after the figure it counts.
"""

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, F, Q

from campaigns.criteria.models import CriteriaSet, Criterion
from campaigns.movement.models import PartyCellRating, Recognition, Task, TaskQuerySet
from campaigns.results.models import CriterionResult, Period, Submission, counted_q
from reports.selectors import neighbourhood_set
from wards.models import City, Neighbourhood, PartyCell, Ward

LIST_LIMIT = 300  # unit lists in a city-wide report: counts are exact, names are capped


# --- the scope and its periods -----------------------------------------------------------------------------


def _scope_wards(city: City, ward: Ward | None):
    return Ward.objects.filter(pk=ward.pk) if ward else Ward.objects.filter(city=city)


def _scope(city: City, ward: Ward | None) -> dict:
    return {"city": city.name, "ward": ward.name if ward else None, "code": ward.code if ward else city.code}


def _previous_month(period: Period) -> Period | None:
    return Period.objects.filter(kind=Period.Kind.MONTH, start__lt=period.start).order_by("-start").first()


def _months_of(year: int) -> list[Period]:
    return list(Period.objects.filter(kind=Period.Kind.MONTH, year=year).order_by("start"))


def _set_for(period: Period, wards=None) -> CriteriaSet | None:
    """The neighbourhood set the scope's units reported against in `period` (else the one in force)."""
    return neighbourhood_set(period, None, wards)


def _criteria_set_info(criteria_set: CriteriaSet | None) -> dict | None:
    if criteria_set is None:
        return None
    return {
        "name": criteria_set.name,
        "document": criteria_set.document_number,
        "version": criteria_set.version,
    }


def _units_per_ward(wards, day: date) -> dict[int, int]:
    """The neighbourhoods that exist on `day`, counted per ward of the scope."""
    return dict(
        Neighbourhood.objects.current(day).filter(ward__in=wards).values_list("ward_id").annotate(n=Count("id"))
    )


def _wards_with_units(wards, units: dict[int, int]) -> Iterator[tuple[Ward, int]]:
    """The scope's wards in name order with their number of units; a ward without units is left out."""
    for w in wards.order_by("search_key"):
        n = units.get(w.pk, 0)
        if n:
            yield w, n


# --- sections shared by both reports -----------------------------------------------------------------------


def _criteria_rows(wards, period: Period | None, previous: Period | None, criteria_set) -> list[dict]:
    """Per criterion of the set: the reported units meeting it in `period` and in `previous`, and those assessed."""
    if criteria_set is None or period is None:
        return []

    def counts(p):
        if p is None:
            return {}
        return {
            row["criterion__number"]: row["met"]
            for row in CriterionResult.objects.counted()
            .filter(
                submission__period=p,
                submission__ward__in=wards,
                submission__neighbourhood__isnull=False,
                submission__criteria_set__code=criteria_set.code,
                is_met=True,
            )
            .values("criterion__number")
            .annotate(met=Count("id"))
        }

    now, before = counts(period), counts(previous)
    assessed = {
        row["criterion_id"]: row["n"]
        for row in CriterionResult.objects.counted()
        .filter(
            submission__period=period,
            submission__ward__in=wards,
            submission__neighbourhood__isnull=False,
            submission__criteria_set=criteria_set,
        )
        .values("criterion_id")
        .annotate(n=Count("id"))
    }
    return [
        {
            "number": c.number,
            "name": c.name,
            "met": now.get(c.number, 0),
            "assessed": assessed.get(c.pk, 0),
            "previous": before.get(c.number, 0),
            "change": now.get(c.number, 0) - before.get(c.number, 0),
        }
        for c in Criterion.objects.filter(criteria_set=criteria_set).order_by("order")
    ]


def _complete_ids(wards, period: Period | None) -> set[int]:
    """The units of the scope whose report for `period` is in and meets every criterion."""
    if period is None:
        return set()
    return set(
        Submission.objects.counted()
        .filter(
            period=period,
            ward__in=wards,
            neighbourhood__isnull=False,
            is_complete=True,
        )
        .values_list("neighbourhood_id", flat=True)
    )


def _unit_list(ids: set[int]) -> dict:
    """The exact number of the given units, and their names with their ward (capped at LIST_LIMIT)."""
    rows = (
        Neighbourhood.objects.filter(pk__in=ids)
        .select_related("ward")
        .order_by("ward__search_key", "search_key")[:LIST_LIMIT]
    )
    return {"count": len(ids), "units": [{"name": n.name, "ward": n.ward.name} for n in rows]}


# --- sections of the monthly report ------------------------------------------------------------------------


def _monthly_period(period: Period) -> dict:
    return {
        "label": str(period.label),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "deadline": period.deadline.isoformat(),
        "year": period.year,
        "number": period.number,
    }


def _reporting(wards, period: Period, today: date) -> list[dict]:
    """Per ward with units: its units, those that reported, were approved, returned, meet the standard, are late."""
    units = _units_per_ward(wards, period.end)
    by_ward = {
        row["ward_id"]: row
        for row in Submission.objects.filter(period=period, ward__in=wards, neighbourhood__isnull=False)
        .values("ward_id")
        .annotate(
            reported=Count("id", filter=counted_q()),
            approved=Count("id", filter=Q(status=Submission.Status.APPROVED)),
            returned=Count("id", filter=Q(status=Submission.Status.RETURNED)),
            complete=Count("id", filter=counted_q() & Q(is_complete=True)),
        )
    }
    past_deadline = today > period.deadline
    reporting = []
    for w, n in _wards_with_units(wards, units):
        row = by_ward.get(w.pk, {})
        reported = row.get("reported", 0)
        reporting.append(
            {
                "code": w.code,
                "name": w.name,
                "units": n,
                "reported": reported,
                "approved": row.get("approved", 0),
                "returned": row.get("returned", 0),
                "complete": row.get("complete", 0),
                "late": n - reported if past_deadline else 0,
            }
        )
    return reporting


def _monthly_totals(reporting: list[dict]) -> dict:
    """The wards' units, reported, approved, complete and late units, added up."""
    return {key: sum(r[key] for r in reporting) for key in ("units", "reported", "approved", "complete", "late")}


def _late_units(ward: Ward | None, period: Period, today: date) -> list[str]:
    """Past the deadline, the names of one ward's units that have not reported (none in a city report)."""
    if ward is None or today <= period.deadline:
        return []
    reported_ids = (
        Submission.objects.counted()
        .filter(period=period, ward=ward, neighbourhood__isnull=False)
        .values("neighbourhood_id")
    )
    return list(
        Neighbourhood.objects.current(period.end)
        .filter(ward=ward)
        .exclude(pk__in=reported_ids)
        .order_by("search_key")
        .values_list("name", flat=True)
    )


def _completion_changes(wards, period: Period, previous: Period | None) -> dict:
    """The units meeting the standard this month but not the month before, and those that no longer do."""
    now, before = _complete_ids(wards, period), _complete_ids(wards, previous)
    return {"newly_complete": _unit_list(now - before), "slipped": _unit_list(before - now)}


def _gaps(wards, period: Period, criteria_set, reporting: list[dict]) -> list[dict]:
    """Per ward with units: for each criterion number, how many of its reported units do not meet it."""
    missing_by_ward = {}
    if criteria_set:
        for row in (
            CriterionResult.objects.counted()
            .filter(
                submission__period=period,
                submission__ward__in=wards,
                submission__neighbourhood__isnull=False,
                submission__criteria_set=criteria_set,
                is_met=False,
            )
            .values("submission__ward__code", "criterion__number")
            .annotate(n=Count("id"))
            .order_by("submission__ward__code", "criterion__number")
        ):
            missing_by_ward.setdefault(row["submission__ward__code"], {})[row["criterion__number"]] = row["n"]
    return [{"code": r["code"], "name": r["name"], "missing": missing_by_ward.get(r["code"], {})} for r in reporting]


def _tasks(city: City, wards, period: Period) -> dict:
    """Per ward and in all, the tasks done within the period and those still open past their due date.

    The tasks are those of the city's campaigns assigned in the scope's wards: done within the period's dates,
    and still open (as the report is built) with a due date on or before the period's last day.
    """
    done = Q(
        status=Task.Status.DONE,
        completed_at__date__gte=period.start,
        completed_at__date__lte=period.end,
    )
    overdue = Q(status__in=TaskQuerySet.OPEN, due__lte=period.end)
    rows = list(
        Task.objects.filter(campaign__city=city, ward__in=wards)
        .values("ward__code", "ward__name", "ward__search_key")
        .annotate(done=Count("id", filter=done), overdue=Count("id", filter=overdue))
        .filter(Q(done__gt=0) | Q(overdue__gt=0))
        .order_by("ward__search_key", "ward__code")
    )
    by_ward = [
        {"code": r["ward__code"], "name": r["ward__name"], "done": r["done"], "overdue": r["overdue"]} for r in rows
    ]
    return {
        "done": sum(r["done"] for r in by_ward),
        "overdue": sum(r["overdue"] for r in by_ward),
        "by_ward": by_ward,
    }


def monthly_snapshot(*, city: City, ward: Ward | None, period: Period, today: date | None = None) -> dict:
    """Who reported and who is late, criteria met and their change, units newly meeting or slipping, gaps."""
    today = today or date.today()
    wards = _scope_wards(city, ward)
    criteria_set = _set_for(period, wards)
    previous = _previous_month(period)
    reporting = _reporting(wards, period, today)
    return {
        "kind": "monthly",
        "scope": _scope(city, ward),
        "period": _monthly_period(period),
        "previous_period": str(previous.label) if previous else None,
        "criteria_set": _criteria_set_info(criteria_set),
        "totals": _monthly_totals(reporting),
        "reporting": reporting,
        "late_units": _late_units(ward, period, today),
        "criteria": _criteria_rows(wards, period, previous, criteria_set),
        **_completion_changes(wards, period, previous),
        "gaps": _gaps(wards, period, criteria_set, reporting),
        "tasks": _tasks(city, wards, period),
    }


# --- sections of the annual report -------------------------------------------------------------------------


def _annual_period(period: Period) -> dict:
    return {
        "label": str(period.label),
        "year": period.year,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def _per_month(wards, months: list[Period]) -> dict[int, dict]:
    """Per month (by period id): the scope's units that reported, and those of them meeting the standard."""
    return {
        row["period_id"]: row
        for row in Submission.objects.filter(period__in=months, ward__in=wards, neighbourhood__isnull=False)
        .values("period_id")
        .annotate(
            reported=Count("id", filter=counted_q()),
            complete=Count("id", filter=counted_q() & Q(is_complete=True)),
        )
    }


def _last_reported(months: list[Period], per_month: dict[int, dict]) -> Period | None:
    """The latest of `months` in which at least one unit reported."""
    return next((p for p in reversed(months) if per_month.get(p.pk, {}).get("reported")), None)


def _trend(months: list[Period], per_month: dict[int, dict]) -> list[dict]:
    """Month by month: the units that reported, and those of them meeting the standard."""
    return [
        {
            "month": str(p.label),
            "reported": per_month.get(p.pk, {}).get("reported", 0),
            "complete": per_month.get(p.pk, {}).get("complete", 0),
        }
        for p in months
    ]


def _year_totals(month: Period | None, per_month: dict[int, dict]) -> dict:
    """The units that reported, and those meeting the standard, in the year's last month with reports."""
    row = per_month.get(month.pk, {}) if month else {}
    return {
        "month": str(month.label) if month else None,
        "reported": row.get("reported", 0),
        "complete": row.get("complete", 0),
    }


def _ranking(wards, units: dict[int, int], month: Period | None) -> list[dict]:
    """Wards with units ranked by the share of their units meeting the standard in `month`.

    Ties go to the ward with more such units, then to the lower code.
    """
    complete_by_ward = (
        {
            row["ward_id"]: row
            for row in Submission.objects.counted()
            .filter(period=month, ward__in=wards, neighbourhood__isnull=False)
            .values("ward_id")
            .annotate(reported=Count("id"), complete=Count("id", filter=Q(is_complete=True)))
        }
        if month
        else {}
    )
    ranking = []
    for w, n in _wards_with_units(wards, units):
        complete = complete_by_ward.get(w.pk, {}).get("complete", 0)
        ranking.append(
            {"code": w.code, "name": w.name, "units": n, "complete": complete, "share": round(100 * complete / n, 1)}
        )
    ranking.sort(key=lambda r: (-r["share"], -r["complete"], r["code"]))
    for rank, row in enumerate(ranking, start=1):
        row["rank"] = rank
    return ranking


def _recognitions(wards, year: int) -> dict:
    """Titles confirmed for `year` in the scope: the exact count, the units (capped) with their decision."""
    confirmed = Recognition.objects.filter(ward__in=wards, year=year, status=Recognition.Status.CONFIRMED)
    rows = confirmed.select_related("ward", "neighbourhood").order_by(
        "ward__search_key", F("neighbourhood__search_key").asc(nulls_first=True), "title", "pk"
    )[:LIST_LIMIT]
    return {
        "count": confirmed.count(),
        "units": [
            {
                "name": (r.neighbourhood or r.ward).name,
                "ward": r.ward.name,
                "title": r.title,
                "decision": f"{r.decision_number} ngày {r.decision_date:%d/%m/%Y}",
            }
            for r in rows
        ],
    }


def _party_cells(wards, period: Period) -> dict:
    """The year's ratings of the scope's party cells by level, on the scale of that year."""
    year = period.year
    cells = PartyCell.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=period.end),
        Q(valid_to__isnull=True) | Q(valid_to__gt=period.start),
        ward__in=wards,
    ).count()
    counted = dict(
        PartyCellRating.objects.filter(party_cell__ward__in=wards, year=year)
        .values_list("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_level = {level: counted.get(level, 0) for level in PartyCellRating.Level.values}
    return {
        "scale": PartyCellRating.Scale(PartyCellRating.scale_for(year)).value,
        "by_level": by_level,
        "rated": sum(by_level.values()),
        "cells": cells,
    }


def annual_snapshot(*, city: City, ward: Ward | None, period: Period, today: date | None = None) -> dict:
    """The year's totals, month by month, units reaching the standard, the ward ranking, the year before."""
    year = period.year
    wards = _scope_wards(city, ward)
    months, last_year_months = _months_of(year), _months_of(year - 1)
    criteria_set = _set_for(months[-1] if months else period, wards)
    per_month = _per_month(wards, months + last_year_months)
    last_with_data, last_year_end = _last_reported(months, per_month), _last_reported(last_year_months, per_month)
    units = _units_per_ward(wards, period.end)
    return {
        "kind": "annual",
        "scope": _scope(city, ward),
        "period": _annual_period(period),
        "criteria_set": _criteria_set_info(criteria_set),
        "totals": {"units": sum(units.values()), **_year_totals(last_with_data, per_month)},
        "trend": _trend(months, per_month),
        "criteria": _criteria_rows(wards, last_with_data, last_year_end, criteria_set),
        "reaching_standard": _unit_list(_complete_ids(wards, last_with_data)),
        "ranking": _ranking(wards, units, last_with_data),
        "previous_year": {"year": year - 1, **_year_totals(last_year_end, per_month)},
        "recognitions": _recognitions(wards, year),
        "party_cells": _party_cells(wards, period),
    }
