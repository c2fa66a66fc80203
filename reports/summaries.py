"""The figures of the monthly and annual summaries, read in one go.

Each builder returns a plain dict (the snapshot stored on the Report): only
strings and numbers, ordered deterministically, so building the same scope and
period twice gives the same snapshot. Every figure is aggregated in the
database; no loop runs over results.
"""

from datetime import date

from django.db.models import Count, F, Q

from campaigns.criteria.models import CriteriaSet, Criterion
from campaigns.movement.models import PartyCellRating, Recognition, Task, TaskQuerySet
from campaigns.results.models import CriterionResult, Period, Submission
from reports.selectors import REPORTED, neighbourhood_set
from wards.models import City, Neighbourhood, PartyCell, Ward

LIST_LIMIT = 300  # unit lists in a city-wide report: counts are exact, names are capped


def _scope_wards(city: City, ward: Ward | None):
    return Ward.objects.filter(pk=ward.pk) if ward else Ward.objects.filter(city=city)


def _previous_month(period: Period) -> Period | None:
    return Period.objects.filter(kind=Period.Kind.MONTH, start__lt=period.start).order_by("-start").first()


def _set_for(period: Period, wards=None) -> CriteriaSet | None:
    """The neighbourhood set the scope's units reported against in `period` (else the one in force)."""
    return neighbourhood_set(period, None, wards)


def _criteria_rows(wards, period: Period, previous: Period | None, criteria_set) -> list[dict]:
    def counts(p):
        if p is None:
            return {}
        return {
            row["criterion__number"]: row["met"]
            for row in CriterionResult.objects.filter(
                submission__period=p,
                submission__ward__in=wards,
                submission__neighbourhood__isnull=False,
                submission__status__in=REPORTED,
                submission__criteria_set__code=criteria_set.code,
                is_met=True,
            )
            .values("criterion__number")
            .annotate(met=Count("id"))
        }

    now, before = counts(period), counts(previous)
    assessed = {
        row["criterion_id"]: row["n"]
        for row in CriterionResult.objects.filter(
            submission__period=period,
            submission__ward__in=wards,
            submission__neighbourhood__isnull=False,
            submission__status__in=REPORTED,
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
    if period is None:
        return set()
    return set(
        Submission.objects.filter(
            period=period,
            ward__in=wards,
            neighbourhood__isnull=False,
            status__in=REPORTED,
            is_complete=True,
        ).values_list("neighbourhood_id", flat=True)
    )


def _unit_list(ids: set[int]) -> dict:
    rows = (
        Neighbourhood.objects.filter(pk__in=ids)
        .select_related("ward")
        .order_by("ward__search_key", "search_key")[:LIST_LIMIT]
    )
    return {"count": len(ids), "units": [{"name": n.name, "ward": n.ward.name} for n in rows]}


def _tasks(city: City, wards, period: Period) -> dict:
    """Tasks of the city's campaigns assigned in the scope's wards: done within the period's dates, and still
    open (as the report is built) with a due date on or before the period's last day."""
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


def monthly_snapshot(*, city: City, ward: Ward | None, period: Period, today: date | None = None) -> dict:
    """Who reported and who is late, criteria met and their change, units newly meeting or slipping, gaps."""
    today = today or date.today()
    wards = _scope_wards(city, ward)
    criteria_set = _set_for(period, wards)
    previous = _previous_month(period)
    units = dict(
        Neighbourhood.objects.current(period.end).filter(ward__in=wards).values_list("ward_id").annotate(n=Count("id"))
    )
    by_ward = {
        row["ward_id"]: row
        for row in Submission.objects.filter(period=period, ward__in=wards, neighbourhood__isnull=False)
        .values("ward_id")
        .annotate(
            reported=Count("id", filter=Q(status__in=REPORTED)),
            approved=Count("id", filter=Q(status=Submission.Status.APPROVED)),
            returned=Count("id", filter=Q(status=Submission.Status.RETURNED)),
            complete=Count("id", filter=Q(status__in=REPORTED, is_complete=True)),
        )
    }
    past_deadline = today > period.deadline
    reporting = []
    for w in wards.order_by("search_key"):
        row = by_ward.get(w.pk, {})
        n = units.get(w.pk, 0)
        if not n:
            continue
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
    now_complete, before_complete = _complete_ids(wards, period), _complete_ids(wards, previous)
    missing_by_ward = {}
    if criteria_set:
        for row in (
            CriterionResult.objects.filter(
                submission__period=period,
                submission__ward__in=wards,
                submission__neighbourhood__isnull=False,
                submission__status__in=REPORTED,
                submission__criteria_set=criteria_set,
                is_met=False,
            )
            .values("submission__ward__code", "criterion__number")
            .annotate(n=Count("id"))
            .order_by("submission__ward__code", "criterion__number")
        ):
            missing_by_ward.setdefault(row["submission__ward__code"], {})[row["criterion__number"]] = row["n"]
    gaps = [{"code": r["code"], "name": r["name"], "missing": missing_by_ward.get(r["code"], {})} for r in reporting]
    late_units = []
    if ward is not None and past_deadline:
        reported_ids = Submission.objects.filter(
            period=period, ward=ward, neighbourhood__isnull=False, status__in=REPORTED
        ).values("neighbourhood_id")
        late_units = list(
            Neighbourhood.objects.current(period.end)
            .filter(ward=ward)
            .exclude(pk__in=reported_ids)
            .order_by("search_key")
            .values_list("name", flat=True)
        )
    totals = {key: sum(r[key] for r in reporting) for key in ("units", "reported", "approved", "complete", "late")}
    return {
        "kind": "monthly",
        "scope": {"city": city.name, "ward": ward.name if ward else None, "code": ward.code if ward else city.code},
        "period": {
            "label": str(period.label),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "deadline": period.deadline.isoformat(),
            "year": period.year,
            "number": period.number,
        },
        "previous_period": str(previous.label) if previous else None,
        "criteria_set": {
            "name": criteria_set.name,
            "document": criteria_set.document_number,
            "version": criteria_set.version,
        }
        if criteria_set
        else None,
        "totals": totals,
        "reporting": reporting,
        "late_units": late_units,
        "criteria": _criteria_rows(wards, period, previous, criteria_set) if criteria_set else [],
        "newly_complete": _unit_list(now_complete - before_complete),
        "slipped": _unit_list(before_complete - now_complete),
        "gaps": gaps,
        "tasks": _tasks(city, wards, period),
    }


def annual_snapshot(*, city: City, ward: Ward | None, period: Period, today: date | None = None) -> dict:
    """The year's totals, month by month, units reaching the standard, the ward ranking, the year before."""
    year = period.year
    wards = _scope_wards(city, ward)
    months = list(Period.objects.filter(kind=Period.Kind.MONTH, year=year).order_by("start"))
    last_year_months = list(Period.objects.filter(kind=Period.Kind.MONTH, year=year - 1).order_by("start"))
    criteria_set = _set_for(months[-1] if months else period, wards)
    per_month = {
        row["period_id"]: row
        for row in Submission.objects.filter(
            period__in=months + last_year_months, ward__in=wards, neighbourhood__isnull=False
        )
        .values("period_id")
        .annotate(
            reported=Count("id", filter=Q(status__in=REPORTED)),
            complete=Count("id", filter=Q(status__in=REPORTED, is_complete=True)),
        )
    }
    trend = [
        {
            "month": str(p.label),
            "reported": per_month.get(p.pk, {}).get("reported", 0),
            "complete": per_month.get(p.pk, {}).get("complete", 0),
        }
        for p in months
    ]
    last_with_data = next((p for p in reversed(months) if per_month.get(p.pk, {}).get("reported")), None)
    last_year_end = next((p for p in reversed(last_year_months) if per_month.get(p.pk, {}).get("reported")), None)
    reaching = _complete_ids(wards, last_with_data)
    ranking_rows = (
        {
            row["ward_id"]: row
            for row in Submission.objects.filter(
                period=last_with_data, ward__in=wards, neighbourhood__isnull=False, status__in=REPORTED
            )
            .values("ward_id")
            .annotate(reported=Count("id"), complete=Count("id", filter=Q(is_complete=True)))
        }
        if last_with_data
        else {}
    )
    units = dict(
        Neighbourhood.objects.current(period.end).filter(ward__in=wards).values_list("ward_id").annotate(n=Count("id"))
    )
    ranking = []
    for w in wards.order_by("search_key"):
        n = units.get(w.pk, 0)
        if not n:
            continue
        complete = ranking_rows.get(w.pk, {}).get("complete", 0)
        ranking.append(
            {"code": w.code, "name": w.name, "units": n, "complete": complete, "share": round(100 * complete / n, 1)}
        )
    ranking.sort(key=lambda r: (-r["share"], -r["complete"], r["code"]))
    for rank, row in enumerate(ranking, start=1):
        row["rank"] = rank

    def year_totals(p):
        row = per_month.get(p.pk, {}) if p else {}
        return {
            "month": str(p.label) if p else None,
            "reported": row.get("reported", 0),
            "complete": row.get("complete", 0),
        }

    return {
        "kind": "annual",
        "scope": {"city": city.name, "ward": ward.name if ward else None, "code": ward.code if ward else city.code},
        "period": {
            "label": str(period.label),
            "year": year,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "criteria_set": {
            "name": criteria_set.name,
            "document": criteria_set.document_number,
            "version": criteria_set.version,
        }
        if criteria_set
        else None,
        "totals": {"units": sum(units.values()), **year_totals(last_with_data)},
        "trend": trend,
        "criteria": _criteria_rows(wards, last_with_data, last_year_end, criteria_set)
        if criteria_set and last_with_data
        else [],
        "reaching_standard": _unit_list(reaching),
        "ranking": ranking,
        "previous_year": {"year": year - 1, **year_totals(last_year_end)},
        "recognitions": _recognitions(wards, year),
        "party_cells": _party_cells(wards, period),
    }
