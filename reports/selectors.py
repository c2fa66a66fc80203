"""Cross-app reads: gap lists ("still missing criteria 2, 4 and 6") and how close each unit is."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery

from campaigns.evaluation import display, shortfall
from campaigns.models import Criterion, CriterionResult, Indicator, Period, Result, Submission
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
    qs = qs.filter(neighbourhood=unit) if isinstance(unit, Neighbourhood) else qs.filter(
        ward=unit, neighbourhood__isnull=True)
    return qs.select_related("period", "criteria_set", "ward").order_by("-period__start").first()


def unit_gaps(submission: Submission) -> list[CriterionGap]:
    """The criteria a submission does not meet, each with its unmet indicators and their distance."""
    unmet = {cr.criterion_id: CriterionGap(cr.criterion) for cr in CriterionResult.objects.filter(
        submission=submission, is_met=False).select_related("criterion").order_by("criterion__order")}
    if not unmet:
        return []
    results = {r.indicator_id: r for r in Result.objects.filter(submission=submission, indicator__criterion__in=unmet)}
    zone = submission.ward.zone
    for indicator in Indicator.objects.filter(criterion__in=unmet).order_by("criterion__order", "order"):
        result = results.get(indicator.pk)
        if result is not None and result.is_met:
            continue
        threshold = indicator.threshold_for(zone)
        unmet[indicator.criterion_id].indicators.append(IndicatorGap(
            indicator=indicator,
            value=display(indicator.kind, result.raw) if result else "—",
            threshold=threshold,
            distance=shortfall(indicator.kind, indicator.comparator, result.value, threshold) if result else None,
        ))
    return list(unmet.values())


def neighbourhoods_by_closeness(ward: Ward, period: Period):
    """The ward's current neighbourhoods with their results for `period`, closest to the whole set first.

    One query whatever the number of neighbourhoods; units with nothing entered come last.
    """
    sub = Submission.objects.filter(neighbourhood=OuterRef("pk"), period=period)
    return (
        ward.neighbourhoods.current(period.end)
        .annotate(
            criteria_met=Subquery(sub.values("criteria_met")[:1]),
            criteria_total=Subquery(sub.values("criteria_total")[:1]),
            missing=Subquery(sub.values("missing")[:1]),
            status=Subquery(sub.values("status")[:1]),
            is_complete=Subquery(sub.values("is_complete")[:1]),
        )
        .order_by(F("criteria_met").desc(nulls_last=True), "search_key")
    )
