"""The ward's units in a period as the workbook sees them: their criteria set, indicators and saved results."""

from collections import defaultdict
from dataclasses import dataclass

from campaigns.criteria.models import Indicator, Programme
from campaigns.results import services
from campaigns.results.models import Period, Result, Submission
from campaigns.results.programmes import programmes_of_ward
from wards.models import Neighbourhood, Ward


@dataclass
class Unit:
    neighbourhood: Neighbourhood
    submission: Submission  # unsaved when none exists yet
    indicators: list[Indicator]
    results: dict[int, Result]  # by indicator id; carried-over yearly values for an unsaved submission


def units_of(ward: Ward, period: Period, programme: Programme | None = None) -> list[Unit]:
    """The ward's current neighbourhoods that have a criteria set in the period, with what is saved, in
    `programme` (default: the first the ward's units follow).

    The set is the submission's when one exists (results belong to it), otherwise
    `services.criteria_set_for`. A few queries whatever the number of units.
    """
    hoods = list(ward.neighbourhoods.current(period.end).order_by("search_key"))
    if programme is None:
        programme = next(iter(programmes_of_ward(ward)), None)
    if programme is not None:
        hoods = [hood for hood in hoods if programme.applies_to(hood)]
    own = Submission.objects.filter(period=period, neighbourhood__in=hoods)
    existing = {
        s.neighbourhood_id: s
        for s in (own if programme is None else own.filter(programme=programme)).select_related(
            "criteria_set", "period", "ward"
        )
    }
    sets_by_kind = {}
    pairs = []
    for hood in hoods:
        submission = existing.get(hood.pk)
        if submission is None:
            if hood.kind not in sets_by_kind:
                sets_by_kind[hood.kind] = services.criteria_set_for(hood, period, programme)
            criteria_set = sets_by_kind[hood.kind]
            if criteria_set is None:
                continue
            submission = Submission(
                criteria_set=criteria_set, programme=programme, period=period, ward=ward, neighbourhood=hood
            )
        pairs.append((hood, submission))
    set_ids = {s.criteria_set_id for _h, s in pairs}
    indicators = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(criterion__criteria_set_id__in=set_ids)
        .select_related("criterion")
        .order_by("criterion__order", "order", "id")
    ):
        indicators[indicator.criterion.criteria_set_id].append(indicator)
    results = defaultdict(dict)
    for result in Result.objects.filter(submission__in=[s for _h, s in pairs if s.pk]):
        results[result.submission_id][result.indicator_id] = result
    carried = _carried_over(ward, period, [(h, s) for h, s in pairs if s.pk is None])
    units = []
    for hood, submission in pairs:
        saved = results[submission.pk] if submission.pk else carried.get(hood.pk, {})
        units.append(Unit(hood, submission, indicators[submission.criteria_set_id], saved))
    return units


def _carried_over(ward: Ward, period: Period, pairs: list[tuple]) -> dict[int, dict[int, Result]]:
    """What a new submission will start with: the year's latest yearly values (services._carry_over_yearly).

    Read only, so the template and the preview show what the unit will hold once its submission exists.
    """
    if not pairs:
        return {}
    set_of = {hood.pk: submission.criteria_set_id for hood, submission in pairs}
    earlier = (
        Result.objects.filter(
            submission__ward=ward,
            submission__neighbourhood__in=list(set_of),
            submission__period__kind=period.kind,
            submission__period__year=period.year,
            submission__period__start__lt=period.start,
            indicator__frequency=Indicator.Frequency.YEARLY,
        )
        .select_related("submission")
        .order_by("indicator_id", "-submission__period__start")
    )
    latest = defaultdict(dict)
    for result in earlier:
        hood_id = result.submission.neighbourhood_id
        if result.submission.criteria_set_id == set_of[hood_id]:
            latest[hood_id].setdefault(result.indicator_id, result)
    return latest
