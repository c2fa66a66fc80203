"""The monthly and annual summaries: the report's sections, each read from one figure definition.

Each builder returns a plain dict (the snapshot stored on the Report): only strings, numbers, lists
and dicts, ordered deterministically, so building the same scope and period twice gives the same
snapshot. A closed period's snapshot does not depend on the build day. What each figure means is
defined once, in campaigns.results.figures (and, for tasks, below); this module only arranges them.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from campaigns.criteria.models import CriteriaSet, Level, Programme
from campaigns.movement.models import PartyCellRating, Recognition, Task
from campaigns.results import figures, rollups
from campaigns.results.models import Period, Submission
from reports.commendation_summaries import commendations_section
from reports.contribution_summaries import contributions_section
from reports.plan_summaries import plans_section
from reports.profile_summaries import no_poor_headline, profiles_section
from reports.title_summaries import FIGURE_KEYS as TITLE_FIGURES
from reports.title_summaries import titles_section
from wards.models import City, Neighbourhood, PartyCell, Ward

LIST_LIMIT = 300  # unit lists in a city-wide report: counts are exact, names are capped


# --- the scope and its periods -----------------------------------------------------------------------------


def _scope_wards(city: City, ward: Ward | None):
    return Ward.objects.filter(pk=ward.pk) if ward else Ward.objects.filter(city=city)


def _scope(city: City, ward: Ward | None) -> dict:
    return {"city": city.name, "ward": ward.name if ward else None, "code": ward.code if ward else city.code}


def _programme_info(programme: Programme) -> dict:
    """What the snapshot records of the programme it counts: the document's title names it."""
    return {"code": programme.code, "name": programme.name, "level": programme.level, "basis": programme.basis}


def _programme_part(programme: Programme | None) -> dict:
    """The snapshot's "programme", when it counts one (a snapshot of every programme together has none)."""
    return {"programme": _programme_info(programme)} if programme is not None else {}


def _following(units, programme: Programme | None):
    """`units` (Neighbourhoods, or Wards) narrowed to those following `programme`: its unit kinds and its
    province (Programme.applies_to); all of them without one."""
    if programme is None:
        return units
    if programme.unit_kinds:
        units = units.filter(kind__in=programme.unit_kinds)
    if programme.city_id:
        city_path = "city_id" if units.model is Ward else "ward__city_id"
        units = units.filter(**{city_path: programme.city_id})
    return units


def _set_shared(programme: Programme | None) -> bool:
    """Whether another programme counts results on the same criteria set: then the rollups' criteria counts
    (per set, every programme together) would mix both, and the report counts from its own submissions."""
    if programme is None:
        return False
    others = Programme.objects.with_criteria().exclude(pk=programme.pk)
    return others.filter(criteria_code__in=programme.set_codes()).exists()


def _criteria_set_info(criteria_set: CriteriaSet | None, rows: list[dict]) -> dict | None:
    if criteria_set is None:
        return None
    return {
        "name": criteria_set.name,
        "document": criteria_set.document_number,
        "version": criteria_set.version,
        "has_examples": any(r["example"] for r in rows),
    }


def _unit_list(ids) -> dict:
    """The exact number of the given units, and their names with their ward (capped at LIST_LIMIT)."""
    rows = (
        Neighbourhood.objects.filter(pk__in=ids)
        .select_related("ward")
        .order_by("ward__search_key", "ward__code", "search_key", "pk")[:LIST_LIMIT]
    )
    return {"count": len(ids), "units": [{"name": n.name, "ward": n.ward.name} for n in rows]}


def _names(units: list[dict], status: set[str]) -> dict:
    """Units of the per-unit rows in one of the given states: the exact count, names capped."""
    chosen = [u for u in units if u["status"] in status]
    return {"count": len(chosen), "units": [{"name": u["name"], "ward": u["ward"]} for u in chosen[:LIST_LIMIT]]}


def _ward_rows(wards, by_ward: dict[int, dict]) -> Iterator[tuple[Ward, dict]]:
    """The scope's wards with units, in name order, with their row."""
    for w in wards.order_by("search_key", "code"):
        if by_ward.get(w.pk, {}).get("units"):
            yield w, by_ward[w.pk]


def _share(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


# --- sections of the monthly report ------------------------------------------------------------------------


def _monthly_period(period: Period, today: date) -> dict:
    closed = figures.is_closed(period, today)
    return {
        "label": str(period.label),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "deadline": period.deadline.isoformat(),
        "year": period.year,
        "number": period.number,
        "closed": closed,
        "as_of": None if closed else today.isoformat(),
    }


def _reporting(wards, period: Period, programme: Programme | None = None) -> list[dict]:
    """Per ward with units: units, reported on time and late, not reported, returned, approved, complete."""
    by_ward = rollups.reporting_by_ward(wards, period, programme)
    return [{"code": w.code, "name": w.name, **row} for w, row in _ward_rows(wards, by_ward)]


def _criteria_counts(wards, period: Period, criteria_set, programme: Programme | None) -> dict | None:
    """The rollups' met and assessed per criterion of the set; None (count from the submissions) when another
    programme shares the set."""
    if _set_shared(programme):
        return None
    return rollups.criteria_counts(wards, period, criteria_set)


def _gaps(wards, period: Period, criteria_set, reporting: list[dict], programme: Programme | None = None) -> list[dict]:
    """Per ward with units: for each criterion number, how many of its reported units do not meet it."""
    codes = dict(wards.values_list("pk", "code"))
    if _set_shared(programme):
        counted = figures.gaps_by_ward(figures.submissions_in_force(wards, period, programme), criteria_set)
    else:
        counted = rollups.gaps_by_ward(wards, period, criteria_set)
    by_code = {codes[w]: gaps for w, gaps in counted.items()}
    return [{"code": r["code"], "name": r["name"], "missing": by_code.get(r["code"], {})} for r in reporting]


def _compared(wards, previous: Period | None, cutoff, programme: Programme | None):
    """The previous month's submissions the month is compared with: while it runs, as they stood at `cutoff`."""
    if previous is None:
        return None
    before = figures.submissions_in_force(wards, previous, programme)
    return before.filter(submitted_at__lt=cutoff) if cutoff is not None else before


@figures.defines(
    "tasks",
    gettext_noop("Tasks"),
    gettext_noop(
        "Tasks, of the city's campaigns assigned in the scope: done within the period (marked done between its "
        "first and last day), and overdue at its end (due by its last day and not done by then, whatever "
        "happened later; cancelled tasks left out). While the period runs, overdue as of the day before the "
        "build."
    ),
)
def _tasks(city: City, wards, period: Period, today: date) -> dict:
    day = period.end if today > period.end else today - timedelta(days=1)
    tasks = Task.objects.filter(campaign__city=city, ward__in=wards)
    done = dict(tasks.done_within(period.start, period.end).values_list("ward_id").annotate(n=Count("id")).order_by())
    overdue = dict(tasks.overdue_on(day).values_list("ward_id").annotate(n=Count("id")).order_by())
    by_ward = [
        {"code": w.code, "name": w.name, "done": done.get(w.pk, 0), "overdue": overdue.get(w.pk, 0)}
        for w in wards.filter(pk__in=set(done) | set(overdue)).order_by("search_key", "code")
    ]
    return {
        "done": sum(r["done"] for r in by_ward),
        "overdue": sum(r["overdue"] for r in by_ward),
        "by_ward": by_ward,
    }


def monthly_snapshot(
    *,
    city: City,
    ward: Ward | None,
    period: Period,
    today: date | None = None,
    per_ward: dict | None = None,
    programme: Programme | None = None,
) -> dict:
    """Who reported, on time or late, criteria met and their change, units newly meeting or slipping, gaps,
    and the headline of the year's profiles (units with no poor household).

    Every figure is of `programme` (its units, their reports in it), recorded in the snapshot: a unit following
    two programmes is counted in each one's report, never twice in one. Without one (reports made before
    programmes side by side) every programme counts together. A ward-level programme: reports.ward_summaries.

    `per_ward`, from a build in parts (reports.fanout): the per-ward rows already read, chunk by chunk
    ("reporting", "units", and "gaps" unless None), in the report's ward order."""
    per_ward = per_ward or {}
    today = today or timezone.localdate()
    wards = _scope_wards(city, ward)
    if programme is not None and programme.level == Level.WARD:
        from reports.ward_summaries import wards_monthly  # it arranges this module's parts

        return wards_monthly(city, ward, period, today, programme)
    previous = figures.previous_month(period)
    now = figures.submissions_in_force(wards, period, programme)
    cutoff = figures.comparison_cutoff(period, previous, today)
    before = _compared(wards, previous, cutoff, programme)
    criteria_set = rollups.set_used(wards, period, programme)
    criteria = figures.criteria_rows(
        now, before, criteria_set, _criteria_counts(wards, period, criteria_set, programme)
    )
    reporting = per_ward["reporting"] if "reporting" in per_ward else _reporting(wards, period, programme)
    units = per_ward["units"] if "units" in per_ward else figures.unit_rows(wards, period, programme)
    gaps = per_ward.get("gaps")
    newly, slipped = figures.completion_changes(now, before)
    return {
        "kind": "monthly",
        "scope": _scope(city, ward),
        **_programme_part(programme),
        "period": _monthly_period(period, today),
        "previous_period": str(previous.label) if previous else None,
        "compared_as_of": (cutoff.date() - timedelta(days=1)).isoformat() if cutoff else None,
        "criteria_set": _criteria_set_info(criteria_set, criteria),
        "totals": figures.add_up(reporting),
        "reporting": reporting,
        "units": units,
        "not_reported": _names(units, {"returned", "draft", "none"}),
        "criteria": criteria,
        "newly_complete": _unit_list(newly),
        "slipped": _unit_list(slipped),
        "gaps": gaps if gaps is not None else _gaps(wards, period, criteria_set, reporting, programme),
        # The wards' own criteria are the ward-level programmes' reports, not a neighbourhood programme's.
        "ward_sets": figures.ward_set_rows(wards, period) if programme is None else [],
        "tasks": _tasks(city, wards, period, today),
        "no_poor": no_poor_headline(wards, period),
        "contributions": contributions_section(wards, period.start, period.end),
    }


# --- sections of the annual report -------------------------------------------------------------------------


def _annual_period(period: Period) -> dict:
    return {
        "label": str(period.label),
        "year": period.year,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def _trend(wards, months: list[Period], programme: Programme | None = None) -> list[dict]:
    """Month by month: the units that reported, and those of them meeting the standard."""
    counts = rollups.trend(wards, months, programme)
    return [
        {
            "month": str(p.label),
            "reported": counts.get(p.pk, {}).get("reported", 0),
            "complete": counts.get(p.pk, {}).get("complete", 0),
        }
        for p in months
    ]


def _standing_by_ward(latest: dict[int, dict]) -> dict[int, dict]:
    """Per ward id: the year's units, those that reported in the year, and those reaching the standard
    (figures.year_latest)."""
    by_ward: dict[int, dict] = {}
    for unit in latest.values():
        row = by_ward.setdefault(unit["ward_id"], {"units": 0, "reported": 0, "reached": 0})
        row["units"] += 1
        row["reported"] += unit["submission_id"] is not None
        row["reached"] += unit["complete"] is True
    return by_ward


def _year_totals(year: int, by_ward: dict[int, dict]) -> dict:
    units = sum(r["units"] for r in by_ward.values())
    reached = sum(r["reached"] for r in by_ward.values())
    return {
        "year": year,
        "units": units,
        "reported": sum(r["reported"] for r in by_ward.values()),
        "reached": reached,
        "share": _share(figures.share(reached, units)),
    }


def _ranking(wards, by_ward: dict[int, dict]) -> list[dict]:
    """Wards with units ranked by the share of their units reaching the standard (exact, unrounded).

    Ties go to the ward with more such units, then to the lower code.
    """
    ranking = []
    for w, row in _ward_rows(wards, by_ward):
        exact = figures.share(row["reached"], row["units"])
        ranking.append((exact, {"code": w.code, "name": w.name, "units": row["units"], "reached": row["reached"]}))
    ranking.sort(key=lambda pair: (-pair[0], -pair[1]["reached"], pair[1]["code"]))
    rows = []
    for rank, (exact, row) in enumerate(ranking, start=1):
        rows.append({**row, "share": float(exact), "rank": rank})
    return rows


@figures.defines(
    "recognitions",
    gettext_noop("Titles of the year"),
    gettext_noop(
        "Titles of the year: the titles (recognitions) for the report's year of the units in scope that a decision "
        "confirmed, including those withdrawn after the year's last day (the unit held them through the year, "
        "and the list says when they were withdrawn); a title withdrawn on or before that day is left out. So a "
        "later withdrawal does not change a closed year's report."
    ),
)
def _recognitions(wards, year: int) -> dict:
    end = date(year, 12, 31)
    held = Q(status=Recognition.Status.CONFIRMED) | Q(status=Recognition.Status.WITHDRAWN, withdrawn_on__gt=end)
    confirmed = Recognition.objects.filter(held, ward__in=wards, year=year)
    rows = confirmed.select_related("ward", "neighbourhood").order_by(
        "ward__search_key", F("neighbourhood__search_key").asc(nulls_first=True), "title", "pk"
    )[:LIST_LIMIT]
    return {
        "count": confirmed.count(),
        "units": [
            {
                "name": (r.neighbourhood or r.ward).name,
                "ward": r.ward.name,
                "title": r.title,
                "decision": f"{r.decision_number} ngày {r.decision_date:%d/%m/%Y}"
                + (f" (thu hồi ngày {r.withdrawn_on:%d/%m/%Y})" if r.status == Recognition.Status.WITHDRAWN else ""),
            }
            for r in rows
        ],
    }


def _party_cells(wards, period: Period) -> dict:
    """The year's ratings of the scope's party cells by level, on the scale of that year: the yearly ratings
    only (quarterly ones are not counted), each at its final level; `capped` is how many of them a condition of
    QĐ 366-QĐ/TW (Điều 11) lowered below the level their score gives."""
    year = period.year
    cells = PartyCell.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=period.end),
        Q(valid_to__isnull=True) | Q(valid_to__gt=period.start),
        ward__in=wards,
    ).count()
    yearly = PartyCellRating.objects.filter(party_cell__ward__in=wards, year=year).yearly()
    counted = dict(yearly.values_list("level").annotate(n=Count("id")).order_by())
    by_level = {level: counted.get(level, 0) for level in PartyCellRating.Level.values}
    capped = yearly.exclude(score_level="").exclude(level=F("score_level")).count()
    return {
        "scale": PartyCellRating.Scale(PartyCellRating.scale_for(year)).value,
        "by_level": by_level,
        "rated": sum(by_level.values()),
        "cells": cells,
        "capped": capped,
    }


def year_latest(wards, year: int, programme: Programme | None = None) -> dict[int, dict]:
    """figures.year_latest in `programme`: only the units of the year following it, each with its latest
    counted report of the year in it."""
    latest = figures.year_latest(wards, year, programme)
    if programme is None or not (programme.unit_kinds or programme.city_id):
        return latest
    units = _following(figures.units_at_year_end(wards, year), programme)
    following = set(units.values_list("pk", flat=True))
    return {unit: row for unit, row in latest.items() if unit in following}


def annual_snapshot(
    *,
    city: City,
    ward: Ward | None,
    period: Period,
    today: date | None = None,
    per_ward: dict | None = None,
    programme: Programme | None = None,
) -> dict:
    """The year's units and those reaching the standard, month by month, the ward ranking, the year before,
    and the year's poor and near-poor households (reports.profile_summaries).

    The units, their reports and the criteria are those of `programme`, as in monthly_snapshot; the
    sections that do not depend on a programme (titles, party cells, profiles, contributions, plans,
    commendations) are the scope's.

    `per_ward`, from a build in parts (reports.fanout): each unit's latest report of the year ("latest") and
    of the year before ("latest_before"), as figures.year_latest gives them, already read chunk by chunk."""
    year = period.year
    wards = _scope_wards(city, ward)
    if programme is not None and programme.level == Level.WARD:
        from reports.ward_summaries import wards_annual  # it arranges this module's parts

        return wards_annual(city, ward, period, programme)
    per_ward = per_ward or {}
    latest = per_ward["latest"] if "latest" in per_ward else year_latest(wards, year, programme)
    latest_before = (
        per_ward["latest_before"] if "latest_before" in per_ward else year_latest(wards, year - 1, programme)
    )
    now, before = _submissions(latest), _submissions(latest_before)
    criteria_set = figures.set_used(now, period.end, programme)
    criteria = figures.criteria_rows(now, before, criteria_set)
    by_ward = _standing_by_ward(latest)
    totals, previous = _year_totals(year, by_ward), _year_totals(year - 1, _standing_by_ward(latest_before))
    return {
        "kind": "annual",
        "scope": _scope(city, ward),
        **_programme_part(programme),
        "period": _annual_period(period),
        "criteria_set": _criteria_set_info(criteria_set, criteria),
        "totals": totals,
        "trend": _trend(wards, figures.months_of(year), programme),
        "criteria": criteria,
        "reaching_standard": _unit_list({unit for unit, row in latest.items() if row["complete"]}),
        "ranking": _ranking(wards, by_ward),
        "previous_year": {**previous, "change_pp": _share(figures.change_pp(_exact(totals), _exact(previous)))},
        "recognitions": _recognitions(wards, year),
        "party_cells": _party_cells(wards, period),
        "profiles": profiles_section(wards, period),
        "contributions": contributions_section(wards, date(year, 1, 1), date(year, 12, 31)),
        "plans": plans_section(city=city, ward=ward, year=year),
        "commendations": commendations_section(wards, year),
        "titles": titles_section(wards, year),
    }


def _submissions(latest: dict[int, dict]):
    return Submission.objects.filter(pk__in=[row["submission_id"] for row in latest.values() if row["submission_id"]])


def _exact(totals: dict) -> Fraction | None:
    return figures.share(totals["reached"], totals["units"])


# --- how each figure is counted ------------------------------------------------------------------------------

FIGURES_OF = {
    "monthly": (
        "units",
        "reported",
        "complete",
        "criteria",
        "gaps",
        "changes",
        "ward_sets",
        "tasks",
        "no_poor",
        "contributions",
    ),
    "annual": (
        "units_year",
        "reached",
        "trend",
        "criteria",
        "recognitions",
        *TITLE_FIGURES,
        "contributions",
        "plan_targets",
        "plan_titled",
        "plan_registered",
        "plan_reached",
        "plan_excellent_cells",
        "plan_no_poor",
        "commendations",
        "no_poor",
        "poor_households",
    ),
}


# A ward-level programme's report: its wards against their own criteria, reported as units are.
FIGURES_OF_WARDS = {"monthly": ("reported", "ward_sets", "criteria"), "annual": ("ward_sets", "criteria")}


def figure_definitions(kind: str, level: str | None = None) -> list[dict]:
    """The definitions of a report's figures, in the active language: "Cách tính" under the report
    and at the end of its workbook. The words are the docstrings of the functions that count. `level` is
    the report's programme's ("ward": its units are wards)."""
    from django.utils.translation import gettext

    keys = FIGURES_OF_WARDS if level == Level.WARD else FIGURES_OF
    return [
        {"label": gettext(figures.DEFINITIONS[key].label), "words": gettext(figures.DEFINITIONS[key].words)}
        for key in keys.get(kind, ())
    ]
