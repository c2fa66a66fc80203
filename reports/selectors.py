"""Cross-app reads: gap lists ("still missing criteria 2, 4 and 6") and how close each unit is."""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery

from campaigns.criteria.evaluation import display, shortfall
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Level, Programme
from campaigns.results import figures, rollups
from campaigns.results.figures.base import exists_on
from campaigns.results.models import (
    COUNTED_STATUSES,
    CriterionResult,
    Period,
    Result,
    Submission,
    WardRollup,
    counted_q,
)
from wards.models import Neighbourhood, Ward


@dataclass
class IndicatorGap:
    indicator: Indicator
    value: str
    threshold: Decimal | None
    distance: Decimal | None


@dataclass
class CriterionGap:
    criterion: Criterion
    indicators: list[IndicatorGap] = field(default_factory=list)


def latest_submission(unit: Ward | Neighbourhood) -> Submission | None:
    """The unit's most recent monthly submission that has anything entered."""
    qs = Submission.objects.filter(period__kind=Period.Kind.MONTH, criteria_total__gt=0)
    qs = (
        qs.filter(neighbourhood=unit)
        if isinstance(unit, Neighbourhood)
        else qs.filter(ward=unit, neighbourhood__isnull=True)
    )
    return qs.select_related("period", "criteria_set", "ward").order_by("-period__start").first()


def unit_gaps(submission: Submission) -> list[CriterionGap]:
    """The criteria a submission does not meet, each with its unmet indicators and their distance."""
    unmet = {
        cr.criterion_id: CriterionGap(cr.criterion)
        for cr in CriterionResult.objects.filter(submission=submission, is_met=False)
        .select_related("criterion")
        .order_by("criterion__order")
    }
    if not unmet:
        return []
    results = {r.indicator_id: r for r in Result.objects.filter(submission=submission, indicator__criterion__in=unmet)}
    zone = submission.ward.zone
    for indicator in Indicator.objects.filter(criterion__in=unmet).order_by("criterion__order", "order"):
        result = results.get(indicator.pk)
        if result is not None and result.is_met:
            continue
        threshold = indicator.threshold_for(zone)
        unmet[indicator.criterion_id].indicators.append(
            IndicatorGap(
                indicator=indicator,
                value=display(indicator.kind, result.raw) if result else "—",
                threshold=threshold,
                distance=shortfall(indicator.kind, indicator.comparator, result.value, threshold) if result else None,
            )
        )
    return list(unmet.values())


def neighbourhoods_by_closeness(ward: Ward, period: Period, programme: Programme | None = None):
    """The ward's neighbourhoods of the period (figures.units_in_force) with their results, closest to the
    whole set first. One query whatever the number of neighbourhoods; units with nothing entered come last.
    `programme`: its units and their reports in it (without one, a unit following two shows either report).
    """
    sub = Submission.objects.filter(neighbourhood=OuterRef("pk"), period=period)
    if programme is not None:
        sub = sub.filter(programme=programme)
    return (
        figures.units_in_force(Ward.objects.filter(pk=ward.pk), period, programme)
        .annotate(
            criteria_met=Subquery(sub.values("criteria_met")[:1]),
            criteria_total=Subquery(sub.values("criteria_total")[:1]),
            missing=Subquery(sub.values("missing")[:1]),
            status=Subquery(sub.values("status")[:1]),
            is_complete=Subquery(sub.values("is_complete")[:1]),
        )
        .order_by(F("criteria_met").desc(nulls_last=True), "search_key")
    )


# --- dashboards: read from the rollups (campaigns.results.rollups), a fixed number of queries whatever the size ---
#
# Each answers what the figure of campaigns.results.figures it names answers; the rollups hold those figures,
# refreshed in the same transaction as every change of a submission.

HEAT_LEVELS = 4  # heat cells: 0 = every unit assessed meets the criterion … 4 = more than three in four do not


def programmes_run_in(cities, level: str | None = None) -> list[Programme]:
    """campaigns.results.programmes.programmes_in for cities given as a queryset (read as a subquery within the
    one query of the programmes: a page that learns its city with its wards pays nothing more), of `level`
    (None: both levels), the neighbourhood-level ones first, each level in its order."""
    rows = Programme.objects.with_criteria().filter(Q(city__isnull=True) | Q(city_id__in=cities.values("pk")))
    if level is not None:
        rows = rows.filter(level=level)
    return list(rows.order_by("level", "order", "pk"))


def programmes_following(criteria_set: CriteriaSet, cities) -> list[Programme]:
    """The programmes run in `cities` (a queryset) whose track holds `criteria_set` (programme_sets): those a
    criterion of the set is reported in. Two queries."""
    sets = list(CriteriaSet.objects.filter(level=criteria_set.level))
    return [
        p
        for p in programmes_run_in(cities, criteria_set.level)
        if any(s.pk == criteria_set.pk for s in programme_sets(p, sets))
    ]


def programme_sets(programme: Programme | None, sets: list[CriteriaSet]) -> list[CriteriaSet]:
    """The sets of `sets` on `programme`'s track (Programme.set_codes: its code and those of the sets that
    replaced it under a new code), followed among the sets already read: no query. All of them without one."""
    if programme is None:
        return sets
    code_of = {s.pk: s.code for s in sets}
    codes = {programme.criteria_code}
    while True:
        more = {s.code for s in sets if s.replaces_id and code_of.get(s.replaces_id) in codes} - codes
        if not more:
            break
        codes |= more
    return [s for s in sets if s.code in codes]


def neighbourhood_set(period: Period, criteria_set_id: int | None = None, wards=None, sets=None, programme=None):
    """The neighbourhood-level criteria set a dashboard shows: the one asked for, else the one most of the
    wards' units reported against that month (the newer version on a tie: figures.set_used's rule), else the
    one in force. `sets`: the neighbourhood-level sets already fetched, to choose among without a query.
    `programme`: the programme shown: its reports only, and a set of its track (rollups.set_used(wards, period,
    programme)); `sets` are then those of its track (programme_sets)."""
    if criteria_set_id:
        asked = next((s for s in sets or [] if s.pk == criteria_set_id), None)
        if asked is None and (sets is None or programme is None):
            found = CriteriaSet.objects.filter(pk=criteria_set_id)
            if programme is not None:
                found = found.filter(code__in=programme.set_codes())
            asked = found.first()
        if asked:
            return asked
    if wards is None:
        wards = Ward.objects.all()
    if sets is not None and len(sets) == 1 and _in_force(sets[0], period.end):
        return sets[0]  # the only one, and in force: used or not, it is the answer (no need to count)
    if sets is None and programme is not None:
        return rollups.set_used(wards, period, programme)
    counts = rollups.set_counts(wards, period, programme)
    if counts:
        used = [s for s in (sets if sets is not None else CriteriaSet.objects.filter(pk__in=counts)) if s.pk in counts]
        if used:
            return max(used, key=lambda s: (counts[s.pk], s.version, -s.pk))
    if sets is not None:
        return max((s for s in sets if _in_force(s, period.end)), key=lambda s: s.version, default=None)
    return CriteriaSet.objects.in_force(period.end, Level.NEIGHBOURHOOD).order_by("-version").first()


def _in_force(criteria_set: CriteriaSet, day) -> bool:
    """CriteriaSet.objects.in_force, for a set already read."""
    return criteria_set.effective_from <= day and (criteria_set.effective_to is None or criteria_set.effective_to > day)


def criteria_by_ward(wards, period: Period, criteria_set) -> dict[int, dict[str, dict]]:
    """Per ward id and criterion number: units meeting it and assessed on it (figures.criteria_by_ward)."""
    return rollups.criteria_by_ward(wards, period, criteria_set)


_ROLLUP_COLUMNS = ("units", "on_time", "late", "returned", "approved", "complete")


def wards_with_reporting(
    wards, period: Period, programme: Programme | None = None
) -> tuple[list[Ward], dict[int, dict]]:
    """The wards in name order (with their city) and their reporting figures of the period in `programme` as
    rollups.reporting_by_ward gives them (only wards with units in the period), read together in one query:
    each ward carries its rollup row's columns (one row per ward, period and programme). Without a programme,
    one programme's row, whichever: right only where the units follow a single programme."""
    row = WardRollup.objects.filter(period=period, ward=OuterRef("pk"))
    if programme is not None:
        row = row.filter(programme=programme)
    ward_list = list(
        wards.select_related("city")
        .annotate(**{f"rollup_{c}": Subquery(row.values(c)[:1]) for c in _ROLLUP_COLUMNS})
        .order_by("search_key", "code")
    )
    reporting = {
        w.pk: rollups.reporting_row({c: getattr(w, f"rollup_{c}") for c in _ROLLUP_COLUMNS})
        for w in ward_list
        if w.rollup_units is not None
    }
    return ward_list, reporting


def _heat_level(missing: int, assessed: int) -> int | None:
    """How dark a heat cell is: the share of the units assessed that do not meet the criterion, in quarters
    (0 when none is missing, 1 up to a quarter … 4 above three quarters); None when nothing is assessed."""
    if not assessed:
        return None
    if not missing:
        return 0
    return min(HEAT_LEVELS, -(-HEAT_LEVELS * missing // assessed))


def ward_rows(
    wards, period: Period, criteria_set, numbers: list[str] | None = None, by_ward=None, read=None, programme=None
) -> list[dict]:
    """Per ward: the reporting figures (figures.reporting_by_ward); `behind`, its units not yet meeting the
    whole set (units − complete) and `share`, complete ÷ units (exact); and per criterion (`numbers`, else
    those of the set) the units meeting it (`heat`), assessed on it, and not meeting it (`cells`).
    `by_ward`: criteria_by_ward already read for these wards; `read`: wards_with_reporting already read (in
    `programme`, the programme whose units are counted)."""
    ward_list, reporting = read or (
        list(wards.order_by("search_key", "code")),
        rollups.reporting_by_ward(wards, period, programme),
    )
    if by_ward is None:
        by_ward = criteria_by_ward(wards, period, criteria_set)
    if numbers is None:
        numbers = [str(c.number) for c in figures.criteria_of(criteria_set)] if criteria_set else []
    empty = dict.fromkeys(figures.REPORTING_KEYS, 0)
    rows = []
    for ward in ward_list:
        counts = by_ward.get(ward.pk, {})
        figures_of = reporting.get(ward.pk, empty)
        cells = []
        for n in numbers:
            met, assessed = counts.get(n, {}).get("met", 0), counts.get(n, {}).get("assessed", 0)
            missing = assessed - met
            cells.append(
                {
                    "number": n,
                    "met": met,
                    "assessed": assessed,
                    "missing": missing,
                    "level": _heat_level(missing, assessed),
                }
            )
        rows.append(
            {
                "ward": ward,
                **figures_of,
                "behind": figures_of["units"] - figures_of["complete"],
                "share": figures.share(figures_of["complete"], figures_of["units"]),
                "heat": [c["met"] for c in cells],
                "assessed": [c["assessed"] for c in cells],
                "cells": cells,
            }
        )
    return rows


def criterion_shares(wards, period: Period, criteria_set, by_ward=None) -> list[dict]:
    """For each criterion of the set (figures.criteria_of): units meeting it, assessed on it and not meeting
    it in the period, and the share met ÷ assessed (exact), as figures.criteria_rows counts them.
    `by_ward`: criteria_by_ward already read for these wards (added up here instead of read again)."""
    if criteria_set is None:
        return []
    if by_ward is None:
        counts = rollups.criteria_counts(wards, period, criteria_set)
    else:
        counts = {}
        for numbers in by_ward.values():
            for number, row in numbers.items():
                total = counts.setdefault(number, {"met": 0, "assessed": 0})
                total["met"] += row["met"]
                total["assessed"] += row["assessed"]
    rows = []
    for criterion in figures.criteria_of(criteria_set, extra_numbers=sorted(counts)):
        row = counts.get(str(criterion.number), {})
        met, assessed = row.get("met", 0), row.get("assessed", 0)
        rows.append(
            {
                "criterion": criterion,
                "number": str(criterion.number),
                "name": criterion.name,
                "met": met,
                "assessed": assessed,
                "missing": assessed - met,
                "share": figures.share(met, assessed),
            }
        )
    return rows


def where_to_act(rows: list[dict], shares: list[dict], criteria: int = 5, wards: int = 3) -> list[dict]:
    """Where to act: the `criteria` criteria most often missing across the wards of `rows` (units assessed on
    it that do not meet it, figures.gaps_by_ward summed; most first, then in the set's order), each with the
    `wards` wards where most units do not meet it (then by name). Criteria nobody misses are left out."""
    ranked = sorted((i for i, s in enumerate(shares) if s["missing"] > 0), key=lambda i: (-shares[i]["missing"], i))[
        :criteria
    ]
    out = []
    for i in ranked:
        worst = sorted(
            (r for r in rows if i < len(r["cells"]) and r["cells"][i]["missing"] > 0),
            key=lambda r: (-r["cells"][i]["missing"], r["ward"].search_key, r["ward"].code),
        )[:wards]
        out.append(
            {
                **shares[i],
                "wards": [{"ward": r["ward"], **r["cells"][i]} for r in worst],
            }
        )
    return out


def recent_months(period: Period, months: int = 12) -> list[Period]:
    """The last `months` monthly periods up to `period`, oldest first."""
    return list(
        reversed(Period.objects.filter(kind=Period.Kind.MONTH, start__lte=period.start).order_by("-start")[:months])
    )


def monthly_trend(
    wards, period: Period, criteria_set=None, months: int | list[Period] = 12, programme: Programme | None = None
) -> list[dict]:
    """Reported and complete units for each of the last `months` months up to `period` (figures.trend, from
    the rollups), in `programme`. `months`: a number, or the months already fetched (recent_months)."""
    recent = recent_months(period, months) if isinstance(months, int) else months
    counts = rollups.trend(wards, recent, programme)
    return [
        {
            "period": p,
            "reported": counts.get(p.pk, {}).get("reported", 0),
            "complete": counts.get(p.pk, {}).get("complete", 0),
        }
        for p in recent
    ]


def standing_as_of(wards, period: Period | None, cutoff, programme: Programme | None = None) -> dict:
    """The units of `period` (the month compared) that had reported and met the whole set in `programme`, as
    they stood at `cutoff` (reports sent before it: figures.comparison_cutoff), or at the end when `cutoff` is
    None; the rule the monthly report compares by (reports.summaries.monthly_snapshot). One aggregate query."""
    if period is None:
        return {"reported": 0, "complete": 0}
    before = figures.submissions_in_force(wards, period, programme).filter(counted_q())
    if cutoff is not None:
        before = before.filter(submitted_at__lt=cutoff)
    return before.aggregate(reported=Count("id"), complete=Count("id", filter=Q(is_complete=True)))


# --- ward-level programmes: each ward reports for itself (Submission with no neighbourhood) ------------------


def ward_level_set(period: Period, programme: Programme) -> CriteriaSet | None:
    """The version of a ward-level programme's set in force at the period's end (the newest). One query."""
    sets = programme_sets(programme, list(CriteriaSet.objects.filter(level=Level.WARD)))
    return max((s for s in sets if _in_force(s, period.end)), key=lambda s: s.version, default=None)


def ward_programme_rows(wards, period: Period, programme: Programme, criteria_set=None) -> list[dict]:
    """The wards of `wards` following a ward-level programme (its unit kinds, else those of its set
    `criteria_set`; its province; in existence on the period's last day), in name order, each with its own
    report of the period in the programme: `status` (figures.unit_status: on_time, late, returned, draft,
    none), and while the report counts, criteria `met` of `total`, the criteria `missing`, `complete` (meets
    the whole set) and `approved`. One query whatever the number of wards."""
    kinds = programme.unit_kinds or (criteria_set.unit_kinds if criteria_set else [])
    followed = wards.filter(exists_on(period.end))
    if kinds:
        followed = followed.filter(kind__in=kinds)
    if programme.city_id:
        followed = followed.filter(city_id=programme.city_id)
    own = Submission.objects.filter(
        period=period, ward=OuterRef("pk"), neighbourhood__isnull=True, programme=programme
    ).order_by("pk")
    columns = {
        "report_status": "status",
        "report_at": "submitted_at",
        "report_met": "criteria_met",
        "report_total": "criteria_total",
        "report_missing": "missing",
        "report_complete": "is_complete",
    }
    rows = []
    for ward in followed.annotate(**{k: Subquery(own.values(v)[:1]) for k, v in columns.items()}).order_by(
        "search_key", "code"
    ):
        counts = ward.report_status in COUNTED_STATUSES
        missing = ward.report_missing
        if isinstance(missing, str):
            missing = json.loads(missing)
        rows.append(
            {
                "ward": ward,
                "status": figures.unit_status(ward.report_status, ward.report_at, period),
                "reported": counts,
                "met": ward.report_met if counts else None,
                "total": ward.report_total if counts else None,
                "missing": [str(m) for m in missing or []] if counts else [],
                "complete": bool(ward.report_complete) if counts else False,
                "approved": ward.report_status == Submission.Status.APPROVED,
            }
        )
    return rows


def ward_programme_totals(rows: list[dict]) -> dict:
    """The headline of a ward-level programme: wards following it, reported (on time, late), not reported
    (returned among them), approved, meeting the whole set; added up over ward_programme_rows."""
    statuses = [r["status"] for r in rows]
    return {
        "wards": len(rows),
        "reported": sum(r["reported"] for r in rows),
        "on_time": statuses.count("on_time"),
        "late": statuses.count("late"),
        "not_reported": sum(not r["reported"] for r in rows),
        "returned": statuses.count("returned"),
        "approved": sum(r["approved"] for r in rows),
        "complete": sum(r["complete"] for r in rows),
    }
