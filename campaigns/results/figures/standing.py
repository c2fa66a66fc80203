"""Units meeting the standard over time: month to month, and in the year."""

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_noop

from campaigns.results.figures.base import defines
from campaigns.results.figures.reporting import units_at_year_end
from campaigns.results.models import Period, Submission, counted_q
from wards.models import Neighbourhood


def _complete_by_unit(submissions: QuerySet) -> dict[int, bool]:
    return dict(submissions.filter(counted_q()).values_list("neighbourhood_id", "is_complete"))


def _predecessors(unit_ids) -> dict[int, set[int]]:
    through = Neighbourhood.successors.through
    links = through.objects.filter(to_neighbourhood_id__in=unit_ids).values_list(
        "to_neighbourhood_id", "from_neighbourhood_id"
    )
    preds: dict[int, set[int]] = {}
    for new, old in links:
        preds.setdefault(new, set()).add(old)
    return preds


@defines(
    "changes",
    gettext_noop("Newly meeting, no longer meeting"),
    gettext_noop(
        "Newly meeting the standard: units whose report counts in both periods and meets every criterion now "
        "but did not before. No longer meeting: the reverse. A unit created by a merge or split is compared "
        "with the units it replaced (it met the standard before only if all of them that reported did)."
    ),
)
def completion_changes(now: QuerySet, before: QuerySet | None) -> tuple[set[int], set[int]]:
    """(newly complete ids, slipped ids) between the submissions `before` and `now`."""
    if before is None:
        return set(), set()
    now_complete, before_complete = _complete_by_unit(now), _complete_by_unit(before)
    preds = _predecessors(now_complete)
    newly, slipped = set(), set()
    for unit, complete in now_complete.items():
        selves = ({unit} | preds.get(unit, set())) & before_complete.keys()
        if not selves:
            continue
        was = all(before_complete[p] for p in selves)
        if complete and not was:
            newly.add(unit)
        elif was and not complete:
            slipped.add(unit)
    return newly, slipped


@defines(
    "reached",
    gettext_noop("Reached the standard in the year"),
    gettext_noop(
        "Reached the standard in the year: units of the year (existing on its last day) whose latest monthly "
        "report of the year that counts meets every criterion of its criteria set. The same rule chooses the "
        "candidates for the year's title."
    ),
)
def year_standing(wards, year: int, programme=None) -> QuerySet:
    """The year's units, each annotated with its latest counted monthly submission of the year (in `programme`
    when given): `last_submission_id`, `last_month`, `last_complete` (None when it never reported)."""
    latest = (
        Submission.objects.filter(counted_q(), neighbourhood=OuterRef("pk"))
        .filter(period__kind=Period.Kind.MONTH, period__year=year)
        .order_by("-period__start", "-pk")
    )
    if programme is not None:
        latest = latest.filter(programme=programme)
    return units_at_year_end(wards, year).annotate(
        last_submission_id=Subquery(latest.values("pk")[:1]),
        last_month=Subquery(latest.values("period__number")[:1]),
        last_complete=Subquery(latest.values("is_complete")[:1]),
    )


def year_latest(wards, year: int, programme=None) -> dict[int, dict]:
    """year_standing read at once, for a whole report: per unit of the year, its ward and its latest
    counted monthly submission of the year ({"ward_id", "submission_id", "complete"}; None, None when it
    never reported), in `programme` when given. Three queries, however many units; the same rule as
    year_standing (the oracle test and the candidates test hold both to it)."""
    units = dict(units_at_year_end(wards, year).values_list("pk", "ward_id"))
    starts = dict(Period.objects.filter(kind=Period.Kind.MONTH, year=year).values_list("pk", "start"))
    submissions = Submission.objects.filter(counted_q(), period_id__in=list(starts))
    if programme is not None:
        submissions = submissions.filter(programme=programme)
    latest: dict[int, tuple] = {}
    for unit, period_id, pk, complete in submissions.filter(
        neighbourhood__in=units_at_year_end(wards, year)
    ).values_list("neighbourhood_id", "period_id", "pk", "is_complete"):
        key = (starts[period_id], pk)  # the latest month, then the latest row, as year_standing orders them
        if unit not in latest or key > latest[unit][0]:
            latest[unit] = (key, pk, complete)
    out = {}
    for unit, ward_id in units.items():
        _key, pk, complete = latest.get(unit, (None, None, None))
        out[unit] = {"ward_id": ward_id, "submission_id": pk, "complete": complete}
    return out


def reached_standard(wards, year: int, programme=None) -> QuerySet:
    return year_standing(wards, year, programme).filter(last_complete=True)


def year_submissions(wards, year: int, programme=None) -> QuerySet:
    """The latest counted monthly submission of the year of each of the year's units (in `programme` if given)."""
    return Submission.objects.filter(
        pk__in=year_standing(wards, year, programme)
        .filter(last_submission_id__isnull=False)
        .values("last_submission_id")
    )


@defines(
    "trend",
    gettext_noop("Month by month"),
    gettext_noop(
        "Month by month: the units of each month (see Units) whose report counts, and those of them meeting "
        "the standard."
    ),
)
def trend(wards, months: list[Period], programme=None) -> dict[int, dict]:
    """Per period id: reported and complete, over each month's own units (in `programme` if given). One query."""
    in_force = (Q(neighbourhood__valid_from__isnull=True) | Q(neighbourhood__valid_from__lte=F("period__end"))) & (
        Q(neighbourhood__valid_to__isnull=True) | Q(neighbourhood__valid_to__gt=F("period__start"))
    )
    if programme is not None:
        in_force &= Q(programme=programme)
    return {
        row["period_id"]: row
        for row in Submission.objects.filter(counted_q(), in_force, period__in=months, neighbourhood__ward__in=wards)
        .values("period_id")
        .annotate(reported=Count("id"), complete=Count("id", filter=Q(is_complete=True)))
        .order_by()
    }
