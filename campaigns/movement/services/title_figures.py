"""The figures of the title path, defined once (issue 12, items 1–3): per programme and year, the units registered,
passed the ward's inspection, verified by the city, awarded the title, and the titles withdrawn during the year.

Each definition's words are its docstring and the reports' "Cách tính" line (campaigns.results.figures
registers them); "latest round" and "passing" are those of campaigns.movement.inspections.outcomes. The annual
report's section (reports.title_summaries) and the dashboards' panel (views.titles.title_panel) read them here.
"""

from collections.abc import Callable
from datetime import date

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_noop

from campaigns.criteria.models import Programme
from campaigns.movement.inspections.models import Registration, Visit
from campaigns.movement.inspections.outcomes import PASSING, unit_outcomes
from campaigns.movement.models import Recognition
from campaigns.results.figures import defines

TITLED = (Recognition.Status.CONFIRMED, Recognition.Status.WITHDRAWN)
KEYS = ("registered", "ward_passed", "verified", "decided", "withdrawn")
FIGURE_KEYS = tuple(f"title_{key}" for key in KEYS)  # reports.summaries.FIGURES_OF


@defines(
    "title_registered",
    gettext_noop("Units registered"),
    gettext_noop(
        "Units registered: for each programme, the units of its level (neighbourhoods, or the wards themselves) "
        "with a registration for the programme whose years cover the report's year and which was not "
        "withdrawn; a unit registered twice counts once."
    ),
)
def _registered(outcome: dict) -> bool:
    return outcome["registered"]


@defines(
    "title_ward_passed",
    gettext_noop("Passed the ward's inspection"),
    gettext_noop(
        "Passed the ward's inspection: units whose visit in the latest ward inspection round of the programme "
        "and year (the round ending last among those that concluded on the unit) concluded “meets” or “meets "
        "with conditions”."
    ),
)
def _ward_passed(outcome: dict) -> bool:
    return outcome["ward_conclusion"] in PASSING


@defines(
    "title_verified",
    gettext_noop("Verified by the city"),
    gettext_noop(
        "Verified by the city: units whose visit in the latest city verification round (phúc tra) of the "
        "programme and year concluded “meets” or “meets with conditions”. Only these can be awarded the title."
    ),
)
def _verified(outcome: dict) -> bool:
    return outcome["city_conclusion"] in PASSING


@defines(
    "title_decided",
    gettext_noop("Awarded the title"),
    gettext_noop(
        "Awarded the title: units awarded the programme's title for the report's year by a decision (number and "
        "date), counted even if the title was withdrawn later."
    ),
)
def decided_by_ward(wards, year: int) -> dict[tuple[int, int], int]:
    """{(ward_id, programme_id): units awarded the title for `year`}. One query."""
    rows = (
        Recognition.objects.filter(ward__in=wards, year=year, status__in=TITLED, programme__isnull=False)
        .order_by()
        .values_list("ward_id", "programme_id")
        .annotate(n=Count("pk"))
    )
    return {(ward_id, programme_id): n for ward_id, programme_id, n in rows}


@defines(
    "title_withdrawn",
    gettext_noop("Titles withdrawn during the year"),
    gettext_noop(
        "Titles withdrawn during the year: titles of the programme withdrawn by a decision dated within the "
        "report's year, whatever year they had been awarded for."
    ),
)
def withdrawn_by_ward(wards, year: int) -> dict[tuple[int, int], int]:
    """{(ward_id, programme_id): titles withdrawn by a decision dated in `year`}. One query."""
    rows = withdrawn_titles(wards, year).order_by().values_list("ward_id", "programme_id").annotate(n=Count("pk"))
    return {(ward_id, programme_id): n for ward_id, programme_id, n in rows}


def withdrawn_titles(wards, year: int):
    return Recognition.objects.filter(
        ward__in=wards,
        status=Recognition.Status.WITHDRAWN,
        programme__isnull=False,
        withdrawn_on__gte=date(year, 1, 1),
        withdrawn_on__lte=date(year, 12, 31),
    )


def decided_titles(wards, year: int):
    return Recognition.objects.filter(ward__in=wards, year=year, status__in=TITLED, programme__isnull=False)


UNIT_FIGURES: dict[str, Callable[[dict], bool]] = {
    "registered": _registered,
    "ward_passed": _ward_passed,
    "verified": _verified,
}


def programmes_in_year(wards, year: int) -> list[Programme]:
    """The programmes with anything in the year for these wards: a registration, a visit, a title awarded for
    the year or withdrawn during it. One query."""
    registered = Registration.objects.in_year(year).filter(programme=OuterRef("pk"), ward__in=wards)
    visited = Visit.objects.filter(round__programme=OuterRef("pk"), round__year=year, ward__in=wards)
    decided = decided_titles(wards, year).filter(programme=OuterRef("pk"))
    withdrawn = withdrawn_titles(wards, year).filter(programme=OuterRef("pk"))
    return list(
        Programme.objects.filter(Exists(registered) | Exists(visited) | Exists(decided) | Exists(withdrawn)).order_by(
            "level", "name", "pk"
        )
    )


def _empty() -> dict:
    return dict.fromkeys(KEYS, 0)


def programme_rows(wards, year: int) -> list[dict]:
    """Per programme with anything in the year: its figures per ward id ("by_ward_id") and in total. Queries:
    3, and 4 per such programme (unit_outcomes), whatever the number of units."""
    programmes = programmes_in_year(wards, year)
    if not programmes:
        return []
    decided, withdrawn = decided_by_ward(wards, year), withdrawn_by_ward(wards, year)
    out = []
    for programme in programmes:
        by_ward: dict[int, dict] = {}
        for (ward_id, _hood), outcome in unit_outcomes(programme=programme, year=year, wards=wards).items():
            row = by_ward.setdefault(ward_id, _empty())
            for key, counts in UNIT_FIGURES.items():
                row[key] += counts(outcome)
        for source, key in ((decided, "decided"), (withdrawn, "withdrawn")):
            for (ward_id, programme_id), n in source.items():
                if programme_id == programme.pk:
                    by_ward.setdefault(ward_id, _empty())[key] += n
        by_ward = {w: row for w, row in by_ward.items() if any(row.values())}
        totals = {key: sum(row[key] for row in by_ward.values()) for key in KEYS}
        out.append({"programme": programme, "by_ward_id": by_ward, "totals": totals})
    return out


def title_panel(wards, year: int) -> dict:
    """Registered against reached for the dashboards: per programme with anything in the year, the same five
    figures as the annual report, in total for these wards. Constant queries (see programme_rows)."""
    return {
        "year": year,
        "rows": [{"programme": row["programme"], **row["totals"]} for row in programme_rows(wards, year)],
    }
