"""Cross-app reads: gap lists ("still missing criteria 2, 4 and 6") and how close each unit is."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery

from campaigns.criteria.evaluation import display, shortfall
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator
from campaigns.results import figures
from campaigns.results.models import CriterionResult, Period, Result, Submission
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


def neighbourhoods_by_closeness(ward: Ward, period: Period):
    """The ward's neighbourhoods of the period (figures.units_in_force) with their results, closest to the
    whole set first. One query whatever the number of neighbourhoods; units with nothing entered come last.
    """
    sub = Submission.objects.filter(neighbourhood=OuterRef("pk"), period=period)
    return (
        figures.units_in_force(Ward.objects.filter(pk=ward.pk), period)
        .annotate(
            criteria_met=Subquery(sub.values("criteria_met")[:1]),
            criteria_total=Subquery(sub.values("criteria_total")[:1]),
            missing=Subquery(sub.values("missing")[:1]),
            status=Subquery(sub.values("status")[:1]),
            is_complete=Subquery(sub.values("is_complete")[:1]),
        )
        .order_by(F("criteria_met").desc(nulls_last=True), "search_key")
    )


# --- dashboards: the figures of campaigns.results.figures, a fixed number of queries whatever the size ---


def neighbourhood_set(period: Period, criteria_set_id: int | None = None, wards=None):
    """The neighbourhood-level criteria set a dashboard shows: the one asked for, else the one most of the
    wards' units reported against that month, else the one in force."""
    if criteria_set_id:
        return CriteriaSet.objects.filter(pk=criteria_set_id).first()
    if wards is None:
        wards = Ward.objects.all()
    return figures.set_used(figures.submissions_in_force(wards, period), period.end)


def ward_rows(wards, period: Period, criteria_set, numbers: list[str] | None = None) -> list[dict]:
    """Per ward: the reporting figures (figures.reporting_by_ward) and, per criterion (`numbers`, else those
    of the set), the units meeting it and assessed on it (the heat row)."""
    ward_list = list(wards.order_by("search_key", "code"))
    reporting = figures.reporting_by_ward(wards, period)
    by_ward = figures.criteria_by_ward(figures.submissions_in_force(wards, period), criteria_set)
    if numbers is None:
        numbers = [str(c.number) for c in criteria_set.criteria.all()] if criteria_set else []
    empty = dict.fromkeys(figures.REPORTING_KEYS, 0)
    rows = []
    for ward in ward_list:
        counts = by_ward.get(ward.pk, {})
        rows.append(
            {
                "ward": ward,
                **reporting.get(ward.pk, empty),
                "heat": [counts.get(n, {}).get("met", 0) for n in numbers],
                "assessed": [counts.get(n, {}).get("assessed", 0) for n in numbers],
            }
        )
    return rows


def criterion_shares(wards, period: Period, criteria_set) -> list[dict]:
    """For each criterion of the set: units meeting it and units assessed in the period (figures.criteria_rows)."""
    if criteria_set is None:
        return []
    table = figures.criteria_table(figures.submissions_in_force(wards, period), None, criteria_set)
    return [{"criterion": criterion, **row} for criterion, row in table]


def monthly_trend(wards, period: Period, criteria_set=None, months: int = 12) -> list[dict]:
    """Reported and complete units for each of the last `months` months up to `period` (figures.trend)."""
    recent = list(Period.objects.filter(kind=Period.Kind.MONTH, start__lte=period.start).order_by("-start")[:months])
    counts = figures.trend(wards, recent)
    return [
        {
            "period": p,
            "reported": counts.get(p.pk, {}).get("reported", 0),
            "complete": counts.get(p.pk, {}).get("complete", 0),
        }
        for p in reversed(recent)
    ]
