"""The achieved values a plan target can take from the portal's data, each defined once in words and in code
(campaigns.results.figures registers the words; the annual report prints them under "Cách tính").

Each metric counts, for the wards of the plan's owner (the ward, or every ward of the city) and the plan's
year, in one database query however many units there are. `achieved_values` reads each metric a plan uses
once, and `evaluate` gives every target its achieved value, its share of the plan and whether it is reached.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q
from django.utils.translation import gettext_noop

from campaigns.movement.inspections.models import Registration
from campaigns.movement.models import PartyCellRating, Recognition
from campaigns.movement.plans.models import Direction, PlanTarget, Source
from campaigns.results import figures
from campaigns.results.models import Period
from portal.numbers import percent_of, share
from wards.models import City, Ward


def owner_wards(*, city: City, ward: Ward | None):
    """The wards a plan counts: the ward's own plan counts the ward, the city's plan every ward of the city."""
    return Ward.objects.filter(pk=ward.pk) if ward is not None else Ward.objects.filter(city=city)


@figures.defines(
    "plan_titled",
    gettext_noop("Plan: neighbourhoods with a title of the year"),
    gettext_noop(
        "Neighbourhoods with a title of the year: the neighbourhoods of the plan's wards holding at least one "
        "title (recognition) for the plan's year, whatever its name, confirmed by a decision. A title withdrawn "
        "later still counts for its year when it was withdrawn after the year's last day (the unit held it "
        "through the year); one withdrawn on or before that day does not. Each neighbourhood counts once."
    ),
)
def titled_units(wards, year: int) -> int:
    end = date(year, 12, 31)
    held = Q(status=Recognition.Status.CONFIRMED) | Q(status=Recognition.Status.WITHDRAWN, withdrawn_on__gt=end)
    return (
        Recognition.objects.filter(held, ward__in=wards, year=year, neighbourhood__isnull=False)
        .values("neighbourhood_id")
        .distinct()
        .count()
    )


@figures.defines(
    "plan_registered",
    gettext_noop("Plan: neighbourhoods registered for the year"),
    gettext_noop(
        "Neighbourhoods registered for the year: the neighbourhoods of the plan's wards with a registration, "
        "for any programme, whose term covers the plan's year and which was not withdrawn. Each neighbourhood "
        "counts once."
    ),
)
def registered_units(wards, year: int) -> int:
    return (
        Registration.objects.in_year(year)
        .filter(ward__in=wards, neighbourhood__isnull=False)
        .values("neighbourhood_id")
        .distinct()
        .count()
    )


@figures.defines(
    "plan_reached",
    gettext_noop("Plan: neighbourhoods reaching the standard in the year"),
    gettext_noop(
        "Neighbourhoods reaching the standard in the year: as the annual report counts them (see Reached the "
        "standard in the year), for the plan's wards and year."
    ),
)
def reached_units(wards, year: int) -> int:
    return figures.reached_standard(wards, year).count()


@figures.defines(
    "plan_excellent_cells",
    gettext_noop("Plan: party cells rated excellently fulfilled"),
    gettext_noop(
        "Party cells rated excellently fulfilled: the party cells of the plan's wards whose rating for the "
        "plan's year is \"excellently fulfilled\", on that year's scale."
    ),
)
def excellent_cells(wards, year: int) -> int:
    return PartyCellRating.objects.filter(
        party_cell__ward__in=wards, year=year, level=PartyCellRating.Level.EXCELLENT
    ).count()


@figures.defines(
    "plan_no_poor",
    gettext_noop("Plan: neighbourhoods with no poor household"),
    gettext_noop(
        "Neighbourhoods with no poor household: as the annual report counts them (see Neighbourhoods with no "
        "poor household), for the plan's wards and year; units with no profile for the year do not count."
    ),
)
def no_poor_units(wards, year: int) -> int:
    the_year = Period(kind=Period.Kind.YEAR, year=year, number=1, start=date(year, 1, 1), end=date(year, 12, 31))
    return sum(row["no_poor"] for row in figures.neighbourhood_profiles(wards, the_year).values())


METRICS: dict[str, Callable[..., int]] = {
    Source.TITLED: titled_units,
    Source.REGISTERED: registered_units,
    Source.REACHED: reached_units,
    Source.EXCELLENT_CELLS: excellent_cells,
    Source.NO_POOR: no_poor_units,
}
METRIC_KEYS = {
    Source.TITLED: "plan_titled",
    Source.REGISTERED: "plan_registered",
    Source.REACHED: "plan_reached",
    Source.EXCELLENT_CELLS: "plan_excellent_cells",
    Source.NO_POOR: "plan_no_poor",
}


def achieved_values(sources: Iterable[str], *, city: City, ward: Ward | None, year: int) -> dict[str, int]:
    """Each computed metric among `sources`, read once for the plan's wards and year (a query each)."""
    wards = owner_wards(city=city, ward=ward)
    return {source: METRICS[source](wards, year) for source in sorted(set(sources)) if source in METRICS}


@dataclass(frozen=True)
class Row:
    """A target with its achieved value (None: entered and not yet entered), its exact share of the plan in
    percent (None: no achieved value, or a target of 0) and whether it is reached."""

    target: PlanTarget
    achieved: Decimal | None
    share: Fraction | None
    reached: bool

    @property
    def percent(self) -> str:
        return percent_of(self.share)


def is_reached(target: Decimal, achieved: Decimal | None, direction: str) -> bool:
    """Reached: achieved ≥ target ("at least"), or achieved ≤ target ("at most"); never without a value."""
    if achieved is None:
        return False
    return achieved <= target if direction == Direction.AT_MOST else achieved >= target


@figures.defines(
    "plan_targets",
    gettext_noop("Plan targets"),
    gettext_noop(
        "Plan targets: the targets of the report's plan for its year (a ward's report: the ward's plan; the "
        "city's report: the city's plan). Each target's achieved value is computed from the portal's data "
        "(the metrics below) or entered by hand with a note, as the plan says. A target is reached when the "
        "achieved value is at least the target (or at most, for a target to stay under); one with no value "
        "yet is not reached. Percent of plan: the achieved value divided by the target, exactly, shown with "
        "one decimal; none when the target is 0. The headline is the number of targets reached out of all."
    ),
)
def evaluate(targets: list[PlanTarget], *, city: City, ward: Ward | None, year: int) -> list[Row]:
    """Every target of a plan with its achieved value, share and whether reached; a query per metric used."""
    computed = achieved_values((t.source for t in targets), city=city, ward=ward, year=year)
    rows = []
    for t in targets:
        achieved = Decimal(computed[t.source]) if t.is_computed else t.achieved
        rows.append(Row(t, achieved, share(achieved, t.target), is_reached(t.target, achieved, t.direction)))
    return rows
