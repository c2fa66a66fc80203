"""Criteria met and assessed, per criterion and per ward, across versions of a set."""

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_noop

from campaigns.criteria.models import CriteriaSet, Criterion
from campaigns.results.figures.base import as_float, change_pp, defines, share
from campaigns.results.models import CriterionResult, counted_q


def _criteria_counts(submissions: QuerySet, code: str) -> dict[str, dict]:
    counts = (
        CriterionResult.objects.filter(submission__in=submissions.filter(counted_q()))
        .filter(submission__criteria_set__in=CriteriaSet.objects.filter(code=code))
        .values("criterion__number")
        .annotate(met=Count("id", filter=Q(is_met=True)), assessed=Count("id"))
        .order_by()
    )
    return {str(row["criterion__number"]): row for row in counts}


def criteria_of(criteria_set: CriteriaSet, extra_numbers=()) -> list[Criterion]:
    """The set's criteria in order, then criteria of its other versions with numbers it does not have."""
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set).prefetch_related("indicators"))
    known = {str(c.number) for c in criteria}
    missing = [n for n in extra_numbers if n not in known]
    if missing:
        others = (
            Criterion.objects.filter(criteria_set__code=criteria_set.code, number__in=missing)
            .prefetch_related("indicators")
            .order_by("number", "-criteria_set__version")
        )
        seen = set()
        for c in others:
            if c.number not in seen:
                seen.add(c.number)
                criteria.append(c)
    return criteria


@defines(
    "criteria",
    gettext_noop("Criteria met"),
    gettext_noop(
        "Met and assessed, per criterion: among the units whose report counts, those assessed on the criterion "
        "and those meeting it, each unit against the version of the criteria set it reported on (criteria "
        "of different versions are matched by their number). Share: met ÷ assessed. Change: the share now "
        "minus the share of the period compared, in percentage points; “—” where either has "
        "nothing assessed. While a period is still open, it is compared with the previous one as it stood "
        "on the same day."
    ),
)
def criteria_rows(
    submissions: QuerySet, previous: QuerySet | None, criteria_set: CriteriaSet | None, counts: dict | None = None
) -> list[dict]:
    """`submissions` and `previous` are the submissions compared (previous may be None). `counts`, when given,
    are the met and assessed of `submissions` already counted ({number: {"met", "assessed"}}: the rollups)."""
    return [row for _criterion, row in criteria_table(submissions, previous, criteria_set, counts)]


def criteria_table(submissions, previous, criteria_set, counts: dict | None = None) -> list[tuple[Criterion, dict]]:
    """criteria_rows with each row's Criterion (of the set shown, or of another version for its number)."""
    if criteria_set is None:
        return []
    now = counts if counts is not None else _criteria_counts(submissions, criteria_set.code)
    before = _criteria_counts(previous, criteria_set.code) if previous is not None else {}
    rows = []
    for c in criteria_of(criteria_set, extra_numbers=sorted(set(now) | set(before))):
        n, b = now.get(str(c.number), {}), before.get(str(c.number), {})
        met, assessed = n.get("met", 0), n.get("assessed", 0)
        s_now = share(met, assessed)
        s_before = share(b.get("met", 0), b.get("assessed", 0)) if previous is not None else None
        change = change_pp(s_now, s_before)
        rows.append(
            (
                c,
                {
                    "number": str(c.number),
                    "name": c.name,
                    "met": met,
                    "assessed": assessed,
                    "share": as_float(s_now),
                    "previous_met": b.get("met", 0),
                    "previous_assessed": b.get("assessed", 0),
                    "previous_share": as_float(s_before),
                    "change_pp": as_float(change),
                    "example": any(i.threshold_is_example for i in c.indicators.all()),
                },
            )
        )
    return rows


def criteria_by_ward(submissions: QuerySet, criteria_set: CriteriaSet | None) -> dict[int, dict[str, dict]]:
    """Per ward id and criterion number: {"met", "assessed"}, as in criteria_rows."""
    if criteria_set is None:
        return {}
    by_ward: dict[int, dict[str, dict]] = {}
    for row in (
        CriterionResult.objects.filter(submission__in=submissions.filter(counted_q()))
        .filter(submission__criteria_set__in=CriteriaSet.objects.filter(code=criteria_set.code))
        .values("submission__ward_id", "criterion__number")
        .annotate(met=Count("id", filter=Q(is_met=True)), assessed=Count("id"))
        .order_by()
    ):
        by_ward.setdefault(row["submission__ward_id"], {})[str(row["criterion__number"])] = {
            "met": row["met"],
            "assessed": row["assessed"],
        }
    return by_ward


@defines(
    "gaps",
    gettext_noop("Criteria not met"),
    gettext_noop(
        "Criteria not met, per ward: for each criterion, the units assessed on it that do not meet it "
        "(assessed minus met)."
    ),
)
def gaps_by_ward(submissions: QuerySet, criteria_set: CriteriaSet | None) -> dict[int, dict[str, int]]:
    """Per ward id: {criterion number: units not meeting it}, criteria everyone meets left out."""
    return gaps_from(criteria_by_ward(submissions, criteria_set))


def gaps_from(by_ward: dict[int, dict[str, dict]]) -> dict[int, dict[str, int]]:
    """gaps_by_ward from counts already made per ward and criterion (criteria_by_ward, or the rollups)."""
    return {
        ward_id: {n: c["assessed"] - c["met"] for n, c in sorted(numbers.items()) if c["assessed"] > c["met"]}
        for ward_id, numbers in by_ward.items()
    }


# --- units meeting the standard over time --------------------------------------------------------------------


def set_used(submissions: QuerySet, period_end: date, programme=None) -> CriteriaSet | None:
    """The neighbourhood criteria set most of `submissions` were reported against (the newer version on a
    tie), else the one in force at `period_end`. Its code decides which criteria a report lists."""
    from campaigns.criteria.models import Level

    most_used = (
        submissions.values("criteria_set")
        .annotate(n=Count("id"))
        .order_by("-n", "-criteria_set__version", "criteria_set")
        .values("criteria_set")[:1]
    )
    used = CriteriaSet.objects.filter(pk__in=most_used).first()  # one query
    if used:
        return used
    in_force = CriteriaSet.objects.in_force(period_end, Level.NEIGHBOURHOOD)
    if programme is not None:
        in_force = in_force.filter(code__in=programme.set_codes())
    return in_force.order_by("-version").first()


def set_from_counts(counts: dict[int, int], period_end: date, programme=None) -> CriteriaSet | None:
    """set_used from submissions already counted per set id (the rollups): the same choice, the same ties.
    With nothing counted: the set in force (of `programme`'s track when given)."""
    from campaigns.criteria.models import Level

    counts = {set_id: n for set_id, n in counts.items() if n}
    if counts:
        sets = CriteriaSet.objects.filter(pk__in=counts)
        return max(sets, key=lambda s: (counts[s.pk], s.version, -s.pk))
    in_force = CriteriaSet.objects.in_force(period_end, Level.NEIGHBOURHOOD)
    if programme is not None:
        in_force = in_force.filter(code__in=programme.set_codes())
    return in_force.order_by("-version").first()
