"""Households, poor and near-poor households, as the yearly profiles (wards.models.Profile) record them.

The sources count them two ways: neighbourhoods that have no poor household left ("154/311 phố, thôn
không còn hộ nghèo"), and the ward's households with its poor and near-poor ("hộ nghèo toàn phường").
Both are read for a report's units (the units of the month, or of the year) and the profiles of the
report's year. Two queries for the neighbourhoods and the wards, however many there are.
"""

from fractions import Fraction

from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.utils.translation import gettext_noop

from campaigns.results.figures.base import defines, exists_on, share
from campaigns.results.figures.reporting import units_at_year_end, units_in_force
from campaigns.results.models import Period
from wards.models import Profile

HOUSEHOLD_KEYS = ("households", "people", "poor_households", "near_poor_households")
# Where a ward's households come from: its own profile, or the sum of its units' profiles.
WARD, NEIGHBOURHOODS = "ward", "neighbourhoods"


def report_units(wards, period: Period) -> QuerySet:
    """The units a report counts: those of the year (units_at_year_end) for a year, else those of the period
    (units_in_force)."""
    if period.kind == Period.Kind.YEAR:
        return units_at_year_end(wards, period.year)
    return units_in_force(wards, period)


@defines(
    "no_poor",
    gettext_noop("Neighbourhoods with no poor household"),
    gettext_noop(
        "Neighbourhoods with no poor household: of the report's units (see Units, or Units in the year) that "
        "have a profile for the report's year, those whose profile records no poor household, written as "
        "that number out of the units with a profile. Units with no profile for the year are counted apart, "
        "as having no profile yet, never as having no poor household."
    ),
)
def neighbourhood_profiles(wards, period: Period) -> dict[int, dict]:
    """Per ward id with units: units, profiled (with a profile for the year), unprofiled, no_poor, and the
    sums of the profiles (HOUSEHOLD_KEYS; 0 when no unit has one). One query."""
    rows = (
        report_units(wards, period)
        .annotate(profile=FilteredRelation("profiles", condition=Q(profiles__year=period.year)))
        .values("ward_id")
        .annotate(
            units=Count("id"),
            profiled=Count("profile"),
            no_poor=Count("profile", filter=Q(profile__poor_households=0)),
            **{key: Sum(f"profile__{key}") for key in HOUSEHOLD_KEYS},
        )
        .order_by()
    )
    out = {}
    for row in rows:
        ward_id = row.pop("ward_id")
        out[ward_id] = {
            **row,
            "unprofiled": row["units"] - row["profiled"],
            **{key: row[key] or 0 for key in HOUSEHOLD_KEYS},
        }
    return out


@defines(
    "poor_households",
    gettext_noop("Poor and near-poor households"),
    gettext_noop(
        "Households, people, poor and near-poor households, as the profiles of the report's year record them. "
        "A ward's figures are those of its own profile when it has one (and exists on the report's last day); "
        "otherwise the sum of the profiles of its units that have one (see Neighbourhoods with no poor "
        "household); the report says which. A ward with neither has no figures and is left out of the "
        "totals, which add up the wards. Poor rate: poor households out of households, in percent; near-poor "
        "rate likewise; none when there are no households."
    ),
)
def households_by_ward(wards, period: Period, by_ward: dict[int, dict] | None = None) -> dict[int, dict]:
    """Per ward id with units or a profile of its own: the neighbourhood counts of neighbourhood_profiles
    (given as `by_ward`, or read here), `source` (WARD, NEIGHBOURHOODS or None) and the ward's figures
    (HOUSEHOLD_KEYS; None without a source). One query, besides neighbourhood_profiles."""
    if by_ward is None:
        by_ward = neighbourhood_profiles(wards, period)
    own = {
        row.pop("ward_id"): row
        for row in Profile.objects.filter(year=period.year, ward__in=wards.filter(exists_on(period.end)))
        .values("ward_id", *HOUSEHOLD_KEYS)
        .order_by()
    }
    empty = {"units": 0, "profiled": 0, "unprofiled": 0, "no_poor": 0}
    out = {}
    for ward_id in by_ward.keys() | own.keys():
        units = by_ward.get(ward_id, empty)
        if ward_id in own:
            source, figures = WARD, own[ward_id]
        elif units["profiled"]:
            source, figures = NEIGHBOURHOODS, {key: units[key] for key in HOUSEHOLD_KEYS}
        else:
            source, figures = None, dict.fromkeys(HOUSEHOLD_KEYS)
        out[ward_id] = {**{key: units[key] for key in empty}, "source": source, **figures}
    return out


def poverty_rates(row: dict) -> tuple[Fraction | None, Fraction | None]:
    """(poor rate, near-poor rate) of a row of households_by_ward or of their totals, exact, in percent."""
    households = row.get("households")
    return share(row.get("poor_households"), households), share(row.get("near_poor_households"), households)


def add_up_households(rows) -> dict:
    """The totals of households_by_ward's rows: the neighbourhood counts of all, the figures of the wards
    that have some (None when none has), and `unsourced`, the wards with units and no figures."""
    rows = list(rows)
    sourced = [r for r in rows if r["source"] is not None]
    totals = {key: sum(r[key] for r in rows) for key in ("units", "profiled", "unprofiled", "no_poor")}
    for key in HOUSEHOLD_KEYS:
        totals[key] = sum(r[key] for r in sourced) if sourced else None
    totals["unsourced"] = len(rows) - len(sourced)
    return totals
