"""Issue 9, deliverable 7: every figure of both summaries against a naive recount.

Hypothesis builds small provinces: a few wards and neighbourhoods, some created, merged or retired during
the year, reports in every state sent around the deadline, a second version of the criteria set coming
into force in the middle of November, and tasks done, open, cancelled or recorded late. The oracle below
is deliberately naive and independent: it reads the rows of the models one by one and works each figure
out from its definition in words. It calls nothing of campaigns.results.figures, reports.summaries or
reports.selectors, so a mistake in a shared definition cannot hide in both.

Dates are read in Việt Nam time: "the local date" of a moment is its date in Asia/Ho_Chi_Minh.
"""

import hashlib
import json
import math
import os
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.criteria.models import CriteriaSet, Criterion, Indicator
from campaigns.criteria.services import criteria_set_new_version
from campaigns.movement.models import Campaign, Task
from campaigns.results import rollups
from campaigns.results.models import CriterionResult, Period, Submission
from reports.summaries import annual_snapshot, monthly_snapshot
from tests.campaigns.contributions.oracle import naive_section
from tests.factories import NeighbourhoodFactory, ProfileFactory, WardFactory
from tests.reports.conftest import enter
from wards.models import City, Neighbourhood, Profile, Ward
from wards.services import unit_retire

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
COUNTED = ("submitted", "approved")
LIST_LIMIT = 300  # unit names listed in a report; counts are exact
ANNUAL_BUILD_DAY = date(2027, 1, 15)

# --- the generator ------------------------------------------------------------------------------------------

# Ward names: two fold to the same search key ("phuong ba dinh"), so the code decides their order. Plain
# letters after the shared prefix, so that Python's order and any database collation agree.
WARD_NAMES = ("Phường Ba Đình", "Phường Ba Dinh", "Xã An Phú", "Phường Đông Sơn")
# Two in three reports count, so that most units can be compared with the month before.
STATUSES = ("approved", "submitted", "approved", "submitted", "returned", "draft")
# Indicators staff enter, one or two per criterion: failing one fails its criterion. IV.1 exists only
# when the second version of the set gets a fourth criterion.
FAILABLE = ("I.1", "I.3", "II.1", "II.4", "III.2", "IV.1")
CLOCKS = (time(0, 0), time(9, 0), time(23, 59))

# When a report was sent: None (never recorded), or (anchor, days after it, clock). Anchors of the month
# it is a report for: its first day, its entry deadline, or "same_day" (its first day plus as many days as
# the build day is after November's first: for October, the day an open November is compared with).
sent_at = st.tuples(
    st.sampled_from(("start", "deadline", "same_day", None)), st.sampled_from((-1, 0, 1, 10)), st.sampled_from(CLOCKS)
).map(lambda moment: None if moment[0] is None else moment)
# Days of a unit's life, as (anchor, days): anchors are November's first and last day and the year's last.
VALID_FROM = (None, None, None, None, ("start", -20), ("start", 14), ("end", 1), ("year_end", 0))
VALID_TO = (
    *(None,) * 5,
    ("start", -200),  # gone in the spring: a unit of 2025 only
    ("start", -20),  # ended in October
    ("start", 0),  # ended on November's first day: not a unit of November at all
    ("start", 1),
    ("start", 14),
    ("end", 0),  # ended on November's last day: a unit of November only if its report counts
    ("end", 1),  # ended the day after: a unit of November
    ("year_end", 0),  # ended on the year's last day: not a unit of the year
    ("year_end", 1),
)
# Build days, in days after November's entry deadline: inside the month, before the deadline, on it,
# the day after, and long after.
BUILD_DAYS = (-15, -10, -2, 0, 1, 46)

reports = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES),
        "met": st.booleans(),
        "fail": st.lists(st.sampled_from(FAILABLE), min_size=1, max_size=2, unique=True).map(tuple),
        "at": sent_at,
    }
)


@st.composite
def unit_plans(draw, index: int, count: int, wards: int) -> dict:
    later = st.lists(st.integers(index + 1, count - 1), max_size=2, unique=True) if index < count - 1 else st.just([])
    months = {}
    side_2025 = draw(st.sampled_from((None, None, 11, 12)))
    side_2026 = draw(st.sampled_from((None, None, 3, 12)))
    for year, number, present in (
        (2025, side_2025, side_2025 is not None),
        (2026, side_2026, side_2026 is not None),
        (2026, 10, draw(st.sampled_from((True, True, True, False)))),
        (2026, 11, draw(st.sampled_from((True, True, True, False)))),
    ):
        if present:
            months[f"{year}-{number:02d}"] = draw(reports)
    return {
        "ward": draw(st.integers(0, wards - 1)),
        "valid_from": draw(st.sampled_from(VALID_FROM)),
        "valid_to": draw(st.sampled_from(VALID_TO)),
        "replaced_by": draw(later),
        "by_service": draw(st.booleans()),
        "profile_2025": draw(st.sampled_from((True, True, True, False))),
        "profile_2026": draw(st.sampled_from((True, True, True, False))),
        "reports": months,
    }


task_plans = st.fixed_dictionaries(
    {
        "ward": st.integers(0, 2),
        "own_city": st.sampled_from((True, True, True, False)),
        "status": st.sampled_from(("open", "in_progress", "done", "done", "cancelled")),
        # Anchors: November's first and last day, and the day overdue tasks are counted at.
        "due": st.tuples(st.sampled_from(("start", "end", "xday")), st.sampled_from((-1, 0, 1))),
        "completed": st.one_of(
            st.none(),
            st.tuples(
                st.sampled_from(("start", "end", "xday")),
                st.sampled_from((-1, 0, 1)),
                st.sampled_from((time(0, 0), time(23, 59))),
            ),
        ),
        "created": st.one_of(
            st.just("now"),
            st.none(),
            st.tuples(st.sampled_from(("start", "end", "xday")), st.sampled_from((-1, 0, 1)), st.just(time(23, 59))),
        ),
    }
)


@st.composite
def provinces(draw) -> dict:
    wards = draw(st.integers(1, 3))
    count = sum(draw(st.integers(1, 4)) for _ in range(wards))
    return {
        "wards": [draw(st.sampled_from(WARD_NAMES)) for _ in range(wards)],
        "units": [draw(unit_plans(i, count, wards)) for i in range(count)],
        # A second version of the set from this day of November, made after the November reports of the
        # first `split` units (so both versions appear in the month), sometimes with a criterion the first
        # version does not have: (day, split, adds criterion IV).
        "version_2": draw(
            st.one_of(st.none(), st.tuples(st.sampled_from((1, 14, 20)), st.integers(0, count), st.booleans()))
        ),
        "foreign_ward": draw(st.sampled_from((False, False, False, True))),
        "tasks": draw(st.lists(task_plans, min_size=1, max_size=4)),
        "today": draw(st.sampled_from(BUILD_DAYS)),
        "locked": draw(st.sampled_from((False, False, False, True))),
        "scope": draw(st.one_of(st.none(), st.integers(0, wards - 1))),
    }


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=HCM)


def build(plan: dict, *, city, months: dict, criteria_set, admin) -> dict:
    """The province of `plan` in the database; returns what the snapshots are built for."""
    nov = months[11]
    today = nov.deadline + timedelta(days=plan["today"])
    xday = nov.end if today > nov.end else today - timedelta(days=1)
    periods = {f"{p.year}-{p.number:02d}": p for p in Period.objects.filter(kind=Period.Kind.MONTH)}
    anchors = {"start": nov.start, "end": nov.end, "year_end": months[12].end, "xday": xday}

    def day(spec):
        return None if spec is None else anchors[spec[0]] + timedelta(days=spec[1])

    def moment(spec, period):
        anchor, days, clock = spec
        base = {
            "start": period.start,
            "deadline": period.deadline,
            "same_day": period.start + (today - nov.start),
        }[anchor]
        return _at(base + timedelta(days=days), clock)

    wards = [WardFactory(city=city, name=name, kind=Ward.Kind.WARD) for name in plan["wards"]]
    units, ends = [], []
    for u in plan["units"]:
        valid_from, valid_to = day(u["valid_from"]), day(u["valid_to"])
        if valid_from and valid_to and valid_to <= valid_from:
            valid_to = None
        ends.append(valid_to)
        retired_by_service = u["by_service"] and valid_to and u["replaced_by"]
        unit = NeighbourhoodFactory(
            ward=wards[u["ward"]], valid_from=valid_from, valid_to=None if retired_by_service else valid_to
        )
        for year, wanted in ((2025, u["profile_2025"]), (2026, u["profile_2026"])):
            if wanted:
                ProfileFactory(neighbourhood=unit, year=year)
        units.append(unit)
    for i, u in enumerate(plan["units"]):
        on = ends[i]
        if on is None:
            continue
        # Only units still there after the merge can replace it.
        successors = [units[j] for j in u["replaced_by"] if ends[j] is None or ends[j] > on]
        if u["by_service"] and u["replaced_by"]:
            if successors:
                unit_retire(user=admin, unit=units[i], on=on, replaced_by=successors)
            else:
                Neighbourhood.objects.filter(pk=units[i].pk).update(valid_to=on)
                rollups.rollups_refresh(wards=[units[i].ward_id])  # the update goes around the rollups
        elif successors:
            units[i].successors.add(*successors)

    def report(unit, key, spec):
        period = periods[key]
        submission = enter(unit, period, met=spec["met"], status=spec["status"], fail=spec["fail"])
        if spec["at"] is not None:
            Submission.objects.filter(pk=submission.pk).update(submitted_at=moment(spec["at"], period))
            rollups.rollups_refresh(period, wards=[submission.ward_id])  # the update goes around the rollups

    version_2 = plan["version_2"]
    split = version_2[1] if version_2 else len(units)
    for i, (unit, u) in enumerate(zip(units, plan["units"], strict=True)):
        for key, spec in u["reports"].items():
            if key != "2026-12" and (key != "2026-11" or i < split):
                report(unit, key, spec)
    if version_2:
        effective = nov.start + timedelta(days=version_2[0])
        newer = criteria_set_new_version(criteria_set=criteria_set, user=admin, effective_from=effective)
        if version_2[2]:
            fourth = Criterion.objects.create(
                criteria_set=newer, number="IV", name="Chấp hành chủ trương, pháp luật", order=99, rule="all"
            )
            Indicator.objects.create(
                criterion=fourth, code="IV.1", name="Không có vụ vi phạm pháp luật nghiêm trọng", kind="boolean"
            )
    for i, (unit, u) in enumerate(zip(units, plan["units"], strict=True)):
        for key, spec in u["reports"].items():
            if key == "2026-12" or (key == "2026-11" and i >= split):
                report(unit, key, spec)

    # A ward of another city, with a report and a task of that city's campaign assigned to one of ours.
    other_city = City.objects.create(code="40", name="Nghệ An", kind=City.Kind.PROVINCE)
    if plan["foreign_ward"]:
        foreign = NeighbourhoodFactory(ward=WardFactory(city=other_city, name="Phường Vinh Tân"))
        ProfileFactory(neighbourhood=foreign, year=2026)
        enter(foreign, nov, met=True, status="submitted")
        enter(foreign, months[10], met=False, status="approved")
    campaigns = {
        own: Campaign.objects.create(
            name="Ra quân", city=city if own else other_city, start=date(2025, 1, 1), end=date(2027, 12, 31)
        )
        for own in (True, False)
    }
    for t in plan["tasks"]:
        due = day(t["due"])
        task = Task.objects.create(
            campaign=campaigns[t["own_city"]],
            ward=wards[t["ward"] % len(wards)],
            title="Dọn vệ sinh ngõ xóm",
            start=due - timedelta(days=5),
            due=due,
            status=t["status"],
        )
        changes = {}
        if t["completed"] is not None:
            changes["completed_at"] = _at(day(t["completed"][:2]), t["completed"][2])
        if t["created"] != "now":  # "now": created at the frozen instant, as recorded
            changes["created_at"] = None if t["created"] is None else _at(day(t["created"][:2]), t["created"][2])
        if changes:
            Task.objects.filter(pk=task.pk).update(**changes)

    if plan["locked"]:
        Period.objects.filter(pk=nov.pk).update(is_locked=True)
    return {
        "period": Period.objects.get(pk=nov.pk),
        "year": Period.objects.get(kind=Period.Kind.YEAR, year=2026),
        "ward": None if plan["scope"] is None else wards[plan["scope"]],
        "today": today,
    }


# --- the oracle ---------------------------------------------------------------------------------------------


def counts(submission) -> bool:
    return submission is not None and submission.status in COUNTED


def local_date(moment: datetime) -> date:
    return moment.astimezone(HCM).date()


def exists_on(unit, day: date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to > day)


def percent(part: int, whole: int) -> Fraction | None:
    return Fraction(100 * part, whole) if whole else None


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def minus(now: Fraction | None, before: Fraction | None) -> Fraction | None:
    return None if now is None or before is None else now - before


class Ledger:
    """Every row the figures are made of, read plainly, and each figure worked out from its words."""

    def __init__(self):
        self.wards = {w.pk: w for w in Ward.objects.all()}
        self.units = {n.pk: n for n in Neighbourhood.objects.all()}
        self.predecessors = defaultdict(set)
        for unit in self.units.values():
            for successor in unit.successors.all():
                self.predecessors[successor.pk].add(unit.pk)
        self.periods = {p.pk: p for p in Period.objects.all()}
        self.submissions = {}  # (unit id, period id) → its submission; the generator enters no ward-level ones
        for s in Submission.objects.all():
            if s.neighbourhood_id is not None:
                self.submissions[(s.neighbourhood_id, s.period_id)] = s
        self.sets = {c.pk: c for c in CriteriaSet.objects.all()}
        self.criteria = {c.pk: c for c in Criterion.objects.all()}
        self.example = {pk: False for pk in self.criteria}
        for indicator in Indicator.objects.all():
            if indicator.threshold_is_example:
                self.example[indicator.criterion_id] = True
        self.outcomes = defaultdict(list)  # submission id → its CriterionResults
        for outcome in CriterionResult.objects.all():
            self.outcomes[outcome.submission_id].append(outcome)
        self.profiles = {(p.neighbourhood_id, p.year): p for p in Profile.objects.filter(neighbourhood__isnull=False)}
        self.tasks = list(Task.objects.all())
        self.campaign_city = {c.pk: c.city_id for c in Campaign.objects.all()}

    # --- common words

    def scope_wards(self, city, ward) -> list:
        chosen = [ward] if ward else [w for w in self.wards.values() if w.city_id == city.pk]
        return sorted((self.wards[w.pk] for w in chosen), key=lambda w: (w.search_key, w.code))

    def unit_order(self, unit):
        ward = self.wards[unit.ward_id]
        return (ward.search_key, ward.code, unit.search_key, unit.pk)

    def unit_list(self, ids) -> dict:
        chosen = sorted((self.units[pk] for pk in ids), key=self.unit_order)
        return {
            "count": len(chosen),
            "units": [{"name": u.name, "ward": self.wards[u.ward_id].name} for u in chosen[:LIST_LIMIT]],
        }

    def months(self, year: int) -> list:
        return sorted((p for p in self.periods.values() if p.kind == "month" and p.year == year), key=lambda p: p.start)

    def previous_month(self, period):
        earlier = [p for p in self.periods.values() if p.kind == "month" and p.start < period.start]
        return max(earlier, key=lambda p: p.start, default=None)

    def month_units(self, wards, period) -> list:
        """Units existing on the last day, and those that ended during the month if their report counts."""
        ward_ids = {w.pk for w in wards}
        chosen = []
        for unit in self.units.values():
            if unit.ward_id not in ward_ids:
                continue
            ended_within = unit.valid_to is not None and period.start < unit.valid_to <= period.end
            if exists_on(unit, period.end) or (ended_within and counts(self.submissions.get((unit.pk, period.pk)))):
                chosen.append(unit)
        return sorted(chosen, key=self.unit_order)

    def set_shown(self, submissions, day: date):
        """The set most submissions were entered against, newer version on a tie; else the one in force."""
        tally = Counter(s.criteria_set_id for s in submissions)
        if tally:
            return self.sets[max(tally, key=lambda pk: (tally[pk], self.sets[pk].version, -pk))]
        in_force = [
            c
            for c in self.sets.values()
            if c.level == "neighbourhood"
            and c.effective_from <= day
            and (c.effective_to is None or c.effective_to > day)
        ]
        return max(in_force, key=lambda c: c.version, default=None)

    def tally(self, submissions, code: str) -> dict[str, list[int]]:
        """Per criterion number: [met, assessed] over the submissions' results on sets of `code`."""
        by_number = {}
        for s in submissions:
            if self.sets[s.criteria_set_id].code != code:
                continue
            for outcome in self.outcomes[s.pk]:
                row = by_number.setdefault(self.criteria[outcome.criterion_id].number, [0, 0])
                row[0] += outcome.is_met
                row[1] += 1
        return by_number

    def criteria_rows(self, now, before, shown) -> list[dict]:
        """`now` and `before` are the counted submissions compared; `before` None: nothing to compare with."""
        if shown is None:
            return []
        counted_now = self.tally(now, shown.code)
        counted_before = self.tally(before or [], shown.code)
        own = [c for c in self.criteria.values() if c.criteria_set_id == shown.pk]
        own.sort(key=lambda c: (c.order, c.pk))
        # Then the numbers only other versions have, where a report compared was assessed on them, each
        # named as in the newest version having it.
        newest = {}
        for c in sorted(self.criteria.values(), key=lambda c: -self.sets[c.criteria_set_id].version):
            if self.sets[c.criteria_set_id].code == shown.code:
                newest.setdefault(c.number, c)
        others = sorted((counted_now.keys() | counted_before.keys()) - {c.number for c in own})
        rows = []
        for c in own + [newest[n] for n in others]:
            met, assessed = counted_now.get(c.number, [0, 0])
            previous_met, previous_assessed = counted_before.get(c.number, [0, 0])
            share = percent(met, assessed)
            previous_share = percent(previous_met, previous_assessed) if before is not None else None
            rows.append(
                {
                    "number": c.number,
                    "name": c.name,
                    "met": met,
                    "assessed": assessed,
                    "share": as_float(share),
                    "previous_met": previous_met,
                    "previous_assessed": previous_assessed,
                    "previous_share": as_float(previous_share),
                    "change_pp": as_float(minus(share, previous_share)),
                    "example": self.example[c.pk],
                }
            )
        return rows

    def set_info(self, shown, rows) -> dict | None:
        if shown is None:
            return None
        return {
            "name": shown.name,
            "document": shown.document_number,
            "version": shown.version,
            "has_examples": any(r["example"] for r in rows),
        }

    @staticmethod
    def scope(city, ward) -> dict:
        return {"city": city.name, "ward": ward.name if ward else None, "code": ward.code if ward else city.code}

    # --- the monthly summary

    def monthly(self, *, city, ward, period, today: date) -> dict:
        wards = self.scope_wards(city, ward)
        closed = today > period.deadline or (period.is_locked and today > period.end)
        units = self.month_units(wards, period)
        own = {u.pk: self.submissions.get((u.pk, period.pk)) for u in units}
        counted = [s for s in own.values() if counts(s)]

        previous = self.previous_month(period)
        same_day = previous.start + (today - period.start) if previous and not closed else None
        before = None
        if previous:
            before = [
                s
                for u in self.month_units(wards, previous)
                if counts(s := self.submissions.get((u.pk, previous.pk)))
                and (same_day is None or (s.submitted_at is not None and local_date(s.submitted_at) <= same_day))
            ]

        shown = self.set_shown([s for s in own.values() if s is not None], period.end)
        criteria = self.criteria_rows(counted, before, shown)

        def on_time(s) -> bool:
            return s.submitted_at is None or local_date(s.submitted_at) <= period.deadline

        reporting, gaps = [], []
        for w in wards:
            mine = [own[u.pk] for u in units if u.ward_id == w.pk]
            if not mine:
                continue
            reported = [s for s in mine if counts(s)]
            punctual = [s for s in reported if on_time(s)]
            tally = self.tally(reported, shown.code) if shown else {}
            gaps.append(
                {
                    "code": w.code,
                    "name": w.name,
                    "missing": {n: a - m for n, (m, a) in sorted(tally.items()) if a > m},
                }
            )
            reporting.append(
                {
                    "code": w.code,
                    "name": w.name,
                    "units": len(mine),
                    "reported": len(reported),
                    "on_time": len(punctual),
                    "late": len(reported) - len(punctual),
                    "not_reported": len(mine) - len(reported),
                    "returned": sum(1 for s in mine if s is not None and s.status == "returned"),
                    "approved": sum(1 for s in mine if s is not None and s.status == "approved"),
                    "complete": sum(1 for s in reported if s.is_complete),
                }
            )
        keys = ("units", "reported", "on_time", "late", "not_reported", "returned", "approved", "complete")

        unit_rows = []
        for u in units:
            s, w = own[u.pk], self.wards[u.ward_id]
            if s is None:
                status = "none"
            elif counts(s):
                status = "on_time" if on_time(s) else "late"
            else:
                status = s.status
            c = counts(s)
            unit_rows.append(
                {
                    "ward": w.name,
                    "ward_code": w.code,
                    "name": u.name,
                    "status": status,
                    "approved": s is not None and s.status == "approved",
                    "submitted_at": (
                        s.submitted_at.astimezone(HCM).isoformat(timespec="minutes")
                        if s is not None and s.submitted_at
                        else None
                    ),
                    "met": s.criteria_met if c else None,
                    "total": s.criteria_total if c else None,
                    "missing": [str(m) for m in s.missing] if c else [],
                    "complete": bool(s.is_complete) if c else False,
                }
            )
        missing = [r for r in unit_rows if r["status"] in ("returned", "draft", "none")]

        newly, slipped = set(), set()
        if previous:
            complete_now = {s.neighbourhood_id: s.is_complete for s in counted}
            complete_before = {s.neighbourhood_id: s.is_complete for s in before}
            for unit, complete in complete_now.items():
                selves = ({unit} | self.predecessors[unit]) & complete_before.keys()
                if not selves:
                    continue
                was = all(complete_before[p] for p in selves)
                if complete and not was:
                    newly.add(unit)
                if was and not complete:
                    slipped.add(unit)

        return {
            "kind": "monthly",
            "scope": self.scope(city, ward),
            "period": {
                "label": str(period.label),
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "deadline": period.deadline.isoformat(),
                "year": period.year,
                "number": period.number,
                "closed": closed,
                "as_of": None if closed else today.isoformat(),
            },
            "previous_period": str(previous.label) if previous else None,
            "compared_as_of": same_day.isoformat() if same_day else None,
            "criteria_set": self.set_info(shown, criteria),
            "totals": {k: sum(r[k] for r in reporting) for k in keys},
            "reporting": reporting,
            "units": unit_rows,
            "not_reported": {
                "count": len(missing),
                "units": [{"name": r["name"], "ward": r["ward"]} for r in missing[:LIST_LIMIT]],
            },
            "criteria": criteria,
            "newly_complete": self.unit_list(newly),
            "slipped": self.unit_list(slipped),
            "gaps": gaps,
            "ward_sets": [],  # the generator enters no ward-level results
            "tasks": self.tasks_of(city, wards, period, today),
            "no_poor": self.no_poor(units, period.year),
            "contributions": naive_section(wards, period.start, period.end),
        }

    def no_poor(self, units, year: int) -> dict:
        """The month's units with a profile for its year, those recording no poor household, those without."""
        profiled = [self.profiles[(u.pk, year)] for u in units if (u.pk, year) in self.profiles]
        return {
            "year": year,
            "units": len(units),
            "profiled": len(profiled),
            "unprofiled": len(units) - len(profiled),
            "no_poor": sum(1 for p in profiled if p.poor_households == 0),
        }

    def tasks_of(self, city, wards, period, today: date) -> dict:
        """Done within the month, and overdue at its last day (while it runs: at the day before the build)."""
        day = period.end if today > period.end else today - timedelta(days=1)
        rows = []
        for w in wards:
            theirs = [t for t in self.tasks if t.ward_id == w.pk and self.campaign_city[t.campaign_id] == city.pk]
            done = sum(
                1
                for t in theirs
                if t.status == "done"
                and t.completed_at is not None
                and period.start <= local_date(t.completed_at) <= period.end
            )
            overdue = sum(
                1
                for t in theirs
                if t.status != "cancelled"
                and t.due <= day
                and (t.created_at is None or local_date(t.created_at) <= day)
                and (t.completed_at is None or local_date(t.completed_at) > day)
            )
            if done or overdue:
                rows.append({"code": w.code, "name": w.name, "done": done, "overdue": overdue})
        return {"done": sum(r["done"] for r in rows), "overdue": sum(r["overdue"] for r in rows), "by_ward": rows}

    # --- the annual summary

    def standing(self, wards, year: int) -> tuple[list, dict]:
        """The year's units (existing on the last day of its last month) and each one's latest counted
        monthly submission of the year (None when it never reported)."""
        months = self.months(year)
        if not months:
            return [], {}
        end = months[-1].end
        ward_ids = {w.pk for w in wards}
        units = [u for u in self.units.values() if u.ward_id in ward_ids and exists_on(u, end)]
        latest = {}
        for u in units:
            theirs = [
                s
                for (unit_id, period_id), s in self.submissions.items()
                if unit_id == u.pk
                and counts(s)
                and self.periods[period_id].kind == "month"
                and self.periods[period_id].year == year
            ]
            latest[u.pk] = max(theirs, key=lambda s: (self.periods[s.period_id].start, s.pk), default=None)
        return units, latest

    @staticmethod
    def year_totals(year: int, units, latest) -> tuple[dict, Fraction | None]:
        reached = sum(1 for u in units if latest[u.pk] is not None and latest[u.pk].is_complete)
        share = percent(reached, len(units))
        return {
            "year": year,
            "units": len(units),
            "reported": sum(1 for u in units if latest[u.pk] is not None),
            "reached": reached,
            "share": as_float(share),
        }, share

    def annual(self, *, city, ward, period) -> dict:
        year = period.year
        wards = self.scope_wards(city, ward)
        units, latest = self.standing(wards, year)
        units_before, latest_before = self.standing(wards, year - 1)
        totals, share = self.year_totals(year, units, latest)
        previous, previous_share = self.year_totals(year - 1, units_before, latest_before)

        now = [s for s in latest.values() if s is not None]
        before = [s for s in latest_before.values() if s is not None]
        shown = self.set_shown(now, period.end)
        criteria = self.criteria_rows(now, before, shown)

        trend = []
        ward_ids = {w.pk for w in wards}
        for month in self.months(year):
            theirs = []
            for (unit_id, period_id), s in self.submissions.items():
                unit = self.units[unit_id]
                overlaps = (unit.valid_from is None or unit.valid_from <= month.end) and (
                    unit.valid_to is None or unit.valid_to > month.start
                )
                if period_id == month.pk and unit.ward_id in ward_ids and overlaps and counts(s):
                    theirs.append(s)
            trend.append(
                {
                    "month": str(month.label),
                    "reported": len(theirs),
                    "complete": sum(1 for s in theirs if s.is_complete),
                }
            )

        ranking = []
        for w in wards:
            mine = [u for u in units if u.ward_id == w.pk]
            if not mine:
                continue
            reached = sum(1 for u in mine if latest[u.pk] is not None and latest[u.pk].is_complete)
            ranking.append((Fraction(reached, len(mine)), w, len(mine), reached))
        ranking.sort(key=lambda r: (-r[0], -r[3], r[1].code))

        return {
            "kind": "annual",
            "scope": self.scope(city, ward),
            "period": {
                "label": str(period.label),
                "year": year,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
            "criteria_set": self.set_info(shown, criteria),
            "totals": totals,
            "trend": trend,
            "criteria": criteria,
            "reaching_standard": self.unit_list(
                u.pk for u in units if latest[u.pk] is not None and latest[u.pk].is_complete
            ),
            "ranking": [
                {
                    "code": w.code,
                    "name": w.name,
                    "units": n,
                    "reached": reached,
                    "share": float(100 * exact),
                    "rank": rank,
                }
                for rank, (exact, w, n, reached) in enumerate(ranking, start=1)
            ],
            "previous_year": {**previous, "change_pp": as_float(minus(share, previous_share))},
            "contributions": naive_section(wards, date(year, 1, 1), date(year, 12, 31)),
        }


# --- comparing ----------------------------------------------------------------------------------------------


def assert_matches(actual, expected, path: str = "snapshot") -> None:
    """Equal, exactly, except floats (shares, changes in points), which may differ by 1e-9."""
    if isinstance(expected, float):
        assert isinstance(actual, float | int) and not isinstance(actual, bool), f"{path}: {actual!r} ≠ {expected!r}"
        assert math.isclose(actual, expected, rel_tol=0, abs_tol=1e-9), f"{path}: {actual!r} ≠ {expected!r}"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r} ≠ {expected!r}"
        assert sorted(actual) == sorted(expected), f"{path}: keys {sorted(actual)} ≠ {sorted(expected)}"
        for key in expected:
            assert_matches(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: {actual!r} ≠ {expected!r}"
        assert len(actual) == len(expected), f"{path}: {len(actual)} rows ≠ {len(expected)}: {actual!r} ≠ {expected!r}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(a, e, f"{path}[{i}]")
    else:
        assert type(actual) is type(expected) and actual == expected, f"{path}: {actual!r} ≠ {expected!r}"


def digest(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()


def assert_invariants(monthly: dict, annual: dict) -> None:
    for row in [*monthly["reporting"], monthly["totals"]]:
        assert row["on_time"] + row["late"] + row["not_reported"] == row["units"], row
        assert row["returned"] <= row["not_reported"], row
        assert row["approved"] <= row["reported"] and row["complete"] <= row["reported"], row
    for row in [*monthly["criteria"], *annual["criteria"]]:
        assert row["met"] <= row["assessed"] and row["previous_met"] <= row["previous_assessed"], row
    assert monthly["not_reported"]["count"] == monthly["totals"]["not_reported"]
    assert monthly["no_poor"]["units"] == monthly["totals"]["units"]
    assert annual["profiles"]["totals"]["units"] == annual["totals"]["units"]
    assert annual["totals"]["reached"] <= annual["totals"]["reported"] <= annual["totals"]["units"]


@settings(
    max_examples=int(os.environ.get("ORACLE_EXAMPLES", 300)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(plan=provinces())
def test_every_figure_of_both_summaries_matches_a_naive_recount(city, months, criteria_set, admin_user, plan):
    # pytest-django's database is the test's, not the example's: each example rolls its rows back.
    with transaction.atomic():
        world = build(plan, city=city, months=months, criteria_set=criteria_set, admin=admin_user)
        period, ward, today = world["period"], world["ward"], world["today"]
        monthly = monthly_snapshot(city=city, ward=ward, period=period, today=today)
        annual = annual_snapshot(city=city, ward=ward, period=world["year"], today=ANNUAL_BUILD_DAY)

        ledger = Ledger()
        assert_matches(monthly, ledger.monthly(city=city, ward=ward, period=period, today=today), "monthly")
        expected = ledger.annual(city=city, ward=ward, period=world["year"])
        assert_matches({key: annual[key] for key in expected}, expected, "annual")
        assert_invariants(monthly, annual)
        # A closed month must not depend on the build day.
        if monthly["period"]["closed"]:
            later = monthly_snapshot(city=city, ward=ward, period=period, today=today + timedelta(days=60))
            assert digest(later) == digest(monthly), "a closed month's snapshot changed with the build day"
        transaction.set_rollback(True)


def test_a_month_locked_before_its_end_is_still_running_and_once_ended_is_frozen(city, ward_a, months):
    """Locking a month before its last day does not close it: its tasks can still fall overdue, so its
    snapshot says which day it was read. Once it has ended, a locked month is closed and rebuilds the same."""
    nov = months[11]
    campaign = Campaign.objects.create(name="Ra quân", city=city, start=date(2026, 1, 1), end=date(2026, 12, 31))
    due = nov.end - timedelta(days=2)  # after the day before the first build, before the month's end
    Task.objects.create(campaign=campaign, ward=ward_a, title="Dọn ngõ", start=nov.start, due=due)
    Period.objects.filter(pk=nov.pk).update(is_locked=True)
    nov.refresh_from_db()
    running = monthly_snapshot(city=city, ward=None, period=nov, today=nov.end - timedelta(days=5))
    assert not running["period"]["closed"] and running["period"]["as_of"]
    assert running["tasks"]["overdue"] == 0
    ended = monthly_snapshot(city=city, ward=None, period=nov, today=nov.end + timedelta(days=1))
    again = monthly_snapshot(city=city, ward=None, period=nov, today=nov.deadline + timedelta(days=15))
    assert ended["period"]["closed"] and ended["tasks"]["overdue"] == 1
    assert digest(ended) == digest(again)
