"""The profiles' sections of the summaries: poor and near-poor households, neighbourhoods with none left.

The annual report has the section whole ("profiles": the scope's totals and a row per ward); the monthly
report only its headline ("no_poor": X/Y thôn, tổ dân phố không còn hộ nghèo in the month's year). What
each figure means is defined in campaigns.results.figures.profiles; this module only arranges them.
"""

from campaigns.results import figures
from campaigns.results.models import Period

UNIT_KEYS = ("units", "profiled", "unprofiled", "no_poor")


def _with_shares(row: dict) -> dict:
    poor, near_poor = figures.poverty_rates(row)
    return {**row, "poor_share": figures.as_float(poor), "near_poor_share": figures.as_float(near_poor)}


def profiles_section(wards, period: Period) -> dict:
    """The year's profiles: per ward (in name order) its units with and without a profile, those with no
    poor household, where its households come from and its households, people, poor and near-poor with
    their rates; then the scope's totals."""
    by_ward = figures.households_by_ward(wards, period)
    rows = [
        _with_shares({"code": w.code, "name": w.name, **by_ward[w.pk]})
        for w in wards.filter(pk__in=list(by_ward)).order_by("search_key", "code")
    ]
    return {
        "year": period.year,
        "totals": _with_shares(figures.add_up_households(rows)),
        "by_ward": rows,
    }


def no_poor_headline(wards, period: Period) -> dict:
    """The headline of the month's year: its units with a profile for the year, those with no poor
    household, and those with no profile yet."""
    rows = figures.neighbourhood_profiles(wards, period).values()
    return {"year": period.year, **{key: sum(r[key] for r in rows) for key in UNIT_KEYS}}
