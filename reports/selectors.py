"""Cross-app reads: gap lists ("still missing criteria 2, 4 and 6") and how close each unit is."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery

from campaigns.criteria.evaluation import display, shortfall
from campaigns.criteria.models import Criterion, Indicator
from campaigns.results.models import CriterionResult, Period, Result, Submission, counted_q
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


# --- dashboards and summaries: set-based, a fixed number of queries whatever the size ---
# They count the results that count (campaigns.results.models.counted_q): submitted and approved.


def neighbourhood_set(period: Period, criteria_set_id: int | None = None, wards=None):
    """The neighbourhood-level criteria set a dashboard shows: the one asked for, else the one the
    wards reported against that month, else the one in force."""
    from django.db.models import Count

    from campaigns.criteria.models import CriteriaSet, Level

    if criteria_set_id:
        return CriteriaSet.objects.filter(pk=criteria_set_id).first()
    if wards is not None:
        used = (
            Submission.objects.filter(period=period, ward__in=wards, neighbourhood__isnull=False)
            .values("criteria_set")
            .annotate(n=Count("id"))
            .order_by("-n", "criteria_set")
            .first()
        )
        if used:
            return CriteriaSet.objects.get(pk=used["criteria_set"])
    return CriteriaSet.objects.in_force(period.end, Level.NEIGHBOURHOOD).order_by("-version").first()


def ward_rows(wards, period: Period, criteria_set) -> list[dict]:
    """Per ward: units, reported, approved, complete, late, and criteria met counts (the heat row)."""
    from django.db.models import Count, Q

    ward_list = list(wards.order_by("search_key"))
    ids = [w.pk for w in ward_list]
    units = dict(
        Neighbourhood.objects.current(period.end).filter(ward_id__in=ids).values_list("ward_id").annotate(n=Count("id"))
    )
    subs = {
        row["ward_id"]: row
        for row in Submission.objects.filter(
            period=period, ward_id__in=ids, neighbourhood__isnull=False, criteria_set=criteria_set
        )
        .values("ward_id")
        .annotate(
            entered=Count("id"),
            reported=Count("id", filter=counted_q()),
            approved=Count("id", filter=Q(status=Submission.Status.APPROVED)),
            complete=Count("id", filter=counted_q() & Q(is_complete=True)),
        )
    }
    heat: dict[int, dict[int, int]] = {}
    for row in (
        CriterionResult.objects.counted()
        .filter(
            submission__period=period,
            submission__ward_id__in=ids,
            submission__neighbourhood__isnull=False,
            submission__criteria_set=criteria_set,
            is_met=True,
        )
        .values("submission__ward_id", "criterion_id")
        .annotate(n=Count("id"))
    ):
        heat.setdefault(row["submission__ward_id"], {})[row["criterion_id"]] = row["n"]
    criteria = list(criteria_set.criteria.all()) if criteria_set else []
    rows = []
    for ward in ward_list:
        s = subs.get(ward.pk, {})
        n_units = units.get(ward.pk, 0)
        reported = s.get("reported", 0)
        rows.append(
            {
                "ward": ward,
                "units": n_units,
                "entered": s.get("entered", 0),
                "reported": reported,
                "approved": s.get("approved", 0),
                "complete": s.get("complete", 0),
                "late": max(0, n_units - reported),
                "heat": [heat.get(ward.pk, {}).get(c.pk, 0) for c in criteria],
            }
        )
    return rows


def criterion_shares(wards, period: Period, criteria_set) -> list[dict]:
    """For each criterion of the set: units meeting it and units assessed in the period."""
    from django.db.models import Count, Q

    counts = {
        row["criterion_id"]: row
        for row in CriterionResult.objects.counted()
        .filter(
            submission__period=period,
            submission__ward__in=wards,
            submission__neighbourhood__isnull=False,
            submission__criteria_set=criteria_set,
        )
        .values("criterion_id")
        .annotate(met=Count("id", filter=Q(is_met=True)), assessed=Count("id"))
    }
    return [
        {"criterion": c, "met": counts.get(c.pk, {}).get("met", 0), "assessed": counts.get(c.pk, {}).get("assessed", 0)}
        for c in (criteria_set.criteria.all() if criteria_set else [])
    ]


def monthly_trend(wards, period: Period, criteria_set, months: int = 12) -> list[dict]:
    """Reported and complete units for each of the last `months` months up to `period`."""
    from django.db.models import Count, Q

    recent = list(Period.objects.filter(kind=Period.Kind.MONTH, start__lte=period.start).order_by("-start")[:months])
    counts = {
        row["period_id"]: row
        for row in Submission.objects.filter(
            period__in=recent,
            ward__in=wards,
            neighbourhood__isnull=False,
            criteria_set__code=criteria_set.code if criteria_set else None,
        )
        .values("period_id")
        .annotate(
            reported=Count("id", filter=counted_q()),
            complete=Count("id", filter=counted_q() & Q(is_complete=True)),
        )
    }
    return [
        {
            "period": p,
            "reported": counts.get(p.pk, {}).get("reported", 0),
            "complete": counts.get(p.pk, {}).get("complete", 0),
        }
        for p in reversed(recent)
    ]
