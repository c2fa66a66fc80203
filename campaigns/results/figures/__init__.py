"""The figures a chairman signs: each defined once, in words and in code.

Dashboards, the monthly and annual summaries, their exports and the title candidates call
these functions; nothing else counts units, reports or criteria on its own. Each function's
docstring is its definition in plain words; the same words (translated) are printed as
"Cách tính" under the report and at the end of its workbook (`DEFINITIONS`).

Everything is aggregated in the database: the number of queries does not grow with the
number of units. Unit-level answers (which units slipped, which reached the standard) are
sets of ids, never loops over results.

Words used throughout:
- a report *counts* when it is submitted or approved (results.models.counted_q);
- the *build day* (`as_of`) is the day the figures are read; a period is *closed* once its
  entry deadline has passed (or it has ended and is locked), and a closed period's figures no
  longer depend on the build day.
"""

from campaigns.results.figures.base import (
    DEFINITIONS,
    Definition,
    as_float,
    change_pp,
    comparison_cutoff,
    deadline_end,
    defines,
    is_closed,
    months_of,
    previous_month,
    share,
)
from campaigns.results.figures.criteria import (
    criteria_by_ward,
    criteria_of,
    criteria_rows,
    criteria_table,
    gaps_by_ward,
    gaps_from,
    set_from_counts,
    set_used,
)
from campaigns.results.figures.profiles import (
    add_up_households,
    households_by_ward,
    neighbourhood_profiles,
    poverty_rates,
    report_units,
)
from campaigns.results.figures.reporting import (
    REPORTING_KEYS,
    add_up,
    reporting_by_ward,
    submissions_in_force,
    unit_rows,
    unit_status,
    units_at_year_end,
    units_in_force,
    ward_set_rows,
    year_end,
)
from campaigns.results.figures.standing import (
    completion_changes,
    reached_standard,
    trend,
    year_latest,
    year_standing,
    year_submissions,
)

DEFINITION_ORDER = (
    "units",
    "units_year",
    "reported",
    "complete",
    "criteria",
    "gaps",
    "changes",
    "reached",
    "trend",
    "ward_sets",
    "no_poor",
    "poor_households",
)


__all__ = [
    "DEFINITIONS",
    "DEFINITION_ORDER",
    "Definition",
    "REPORTING_KEYS",
    "add_up",
    "add_up_households",
    "as_float",
    "change_pp",
    "comparison_cutoff",
    "completion_changes",
    "criteria_by_ward",
    "criteria_of",
    "criteria_rows",
    "criteria_table",
    "deadline_end",
    "defines",
    "gaps_by_ward",
    "gaps_from",
    "households_by_ward",
    "is_closed",
    "months_of",
    "neighbourhood_profiles",
    "poverty_rates",
    "previous_month",
    "reached_standard",
    "report_units",
    "reporting_by_ward",
    "set_from_counts",
    "set_used",
    "share",
    "submissions_in_force",
    "trend",
    "unit_rows",
    "unit_status",
    "units_at_year_end",
    "units_in_force",
    "ward_set_rows",
    "year_end",
    "year_latest",
    "year_standing",
    "year_submissions",
]
