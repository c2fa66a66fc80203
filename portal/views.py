"""The home page: each role's to-do list.

- ward staff: per ward, the neighbourhoods that still owe this month's results (and last month's, while it is
  open and not complete) with the days left, results returned to them with the reason, overdue tasks and tasks
  due within a week;
- ward leaders: what awaits their review and, per ward, the neighbourhoods behind;
- city leaders and administrators: the wards furthest behind and the reports ready to read.

"Still owing" is campaigns.results.figures' "not reported" (a unit in force in the period without a report
that counts), the rule of the owed grid and of the dashboards, in one programme at a time: a unit following two
programmes owes a report in each, so the page shows the programme chosen by ?programme= among those run in the
user's cities (the first by default; campaigns.results.programmes.chosen). Every figure is counted in the
database: the page makes a fixed number of queries whatever the number of wards and neighbourhoods.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.shortcuts import render
from django.utils import timezone

from campaigns.criteria.models import Level, Programme
from campaigns.movement.models import Task
from campaigns.results import figures, periods, programmes
from campaigns.results.models import Period, Submission
from portal import scope
from reports import selectors
from reports.models import Report
from wards.models import City, Profile, Ward

HOODS_SHOWN = 5  # owing neighbourhoods named per ward and period; the grid has them all
TASKS_SHOWN = 10
DUE_SOON_DAYS = 7
LATE_WARDS_SHOWN = 10
REPORTS_SHOWN = 5


@dataclass(frozen=True)
class Due:
    """A monthly period whose results are still owed, and its entry deadline counted from today."""

    period: Period
    days_left: int  # negative once the deadline has passed

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def _dues(today: date) -> list[Due]:
    """This month and, unless it is locked, last month: on the first days of a month staff still enter the
    month before, and a month past its deadline is still owed until it is complete or locked."""
    current = periods.current_month(today)
    owed = [current]
    previous = figures.previous_month(current)
    if previous is not None and not previous.is_locked:
        owed.insert(0, previous)
    return [Due(p, (p.deadline - today).days) for p in owed]


def _first_owing(user, wards, period: Period, programme: Programme | None) -> QuerySet:
    """The first HOODS_SHOWN neighbourhoods of each ward still owing the period in the programme
    (figures.units_in_force without a report that counts), with the state of their report if they have one:
    one query."""
    reports = Submission.objects.visible_to(user).filter(period=period, neighbourhood=OuterRef("pk"))
    if programme is not None:
        reports = reports.filter(programme=programme)
    return (
        figures.units_in_force(wards, period, programme)
        .filter(~Exists(reports.counted()))
        .annotate(
            report_status=Subquery(reports.values("status")[:1]),
            rank=Window(RowNumber(), partition_by=[F("ward_id")], order_by=[F("search_key").asc(), F("pk").asc()]),
        )
        .filter(rank__lte=HOODS_SHOWN)
        .order_by("ward_id", "rank")
    )


def _owing_by_ward(user, wards, dues: list[Due], programme: Programme | None) -> dict[int, list[dict]]:
    """Per ward id, per owed period: its units, how many still owe, how many were returned, the first owing
    neighbourhoods. Last month appears only while something is still owed for it."""
    rows: dict[int, list[dict]] = defaultdict(list)
    for index, due in enumerate(dues):
        named = defaultdict(list)
        for hood in _first_owing(user, wards, due.period, programme):
            named[hood.ward_id].append(hood)
        for ward_id, counts in figures.reporting_by_ward(wards, due.period, programme).items():
            if counts["not_reported"] or index == len(dues) - 1:
                rows[ward_id].append(
                    {
                        "due": due,
                        "units": counts["units"],
                        "owing": counts["not_reported"],
                        "returned": counts["returned"],
                        "hoods": named[ward_id],
                        "more": counts["not_reported"] - len(named[ward_id]),
                    }
                )
    return rows


def _own_wards(
    user, user_scope: scope.Scope, year: int, dues: list[Due], programme: Programme | None = None
) -> list[Ward]:
    """The wards the user belongs to: their neighbourhoods, how many still lack this year's profile and, as
    `owed`, what each still owes (see _owing_by_ward)."""
    if not user_scope.read_ward_ids:
        return []
    profiles = Profile.objects.visible_to(user).filter(year=year)
    missing_profile = ~Exists(profiles.filter(neighbourhood=OuterRef("neighbourhoods")))
    wards = (
        Ward.objects.visible_to(user)
        .filter(id__in=user_scope.read_ward_ids)
        .select_related("city")
        .annotate(
            neighbourhood_count=Count("neighbourhoods", filter=Q(neighbourhoods__valid_to__isnull=True), distinct=True),
            missing_profiles=Count(
                "neighbourhoods",
                filter=Q(neighbourhoods__valid_to__isnull=True) & missing_profile,
                distinct=True,
            ),
            has_ward_profile=Exists(profiles.filter(ward=OuterRef("pk"))),
        )
        .order_by("search_key")
    )
    owed = _owing_by_ward(user, Ward.objects.visible_to(user).filter(id__in=user_scope.read_ward_ids), dues, programme)
    wards = list(wards)
    for ward in wards:
        ward.owed = owed.get(ward.pk, [])
    return wards


def _led_wards(user, user_scope: scope.Scope) -> QuerySet[Ward] | None:
    """Every ward of the cities the user leads; every ward for an administrator. None for anyone else."""
    if user_scope.is_admin:
        return Ward.objects.visible_to(user)
    if user_scope.city_ids:
        return Ward.objects.visible_to(user).filter(city_id__in=user_scope.city_ids)
    return None


def _late_wards(user, user_scope: scope.Scope, dues: list[Due], programme: Programme | None = None) -> list[dict]:
    """For city leaders, per owed period with anything still owed: the LATE_WARDS_SHOWN wards with the most
    neighbourhoods still owing (late once the deadline has passed), and the totals over every ward."""
    wards = _led_wards(user, user_scope)
    if wards is None:
        return []
    blocks = []
    for due in dues:
        counts = figures.reporting_by_ward(wards, due.period, programme)
        behind = sorted(
            ((ward_id, row) for ward_id, row in counts.items() if row["not_reported"]),
            key=lambda item: (-item[1]["not_reported"], item[0]),
        )
        if behind:
            blocks.append(
                {
                    "due": due,
                    "rows": behind[:LATE_WARDS_SHOWN],
                    "wards_behind": len(behind),
                    "owing": sum(row["not_reported"] for _ward_id, row in behind),
                    "units": sum(row["units"] for row in counts.values()),
                }
            )
    shown = Ward.objects.visible_to(user).in_bulk([ward_id for b in blocks for ward_id, _row in b["rows"]])
    for block in blocks:
        block["rows"] = [{"ward": shown[ward_id], **row} for ward_id, row in block["rows"] if ward_id in shown]
    return blocks


def _ready_reports(user, user_scope: scope.Scope) -> QuerySet[Report] | list:
    """The newest built reports a city leader or administrator reads."""
    if not (user_scope.is_admin or user_scope.city_ids):
        return []
    return (
        Report.objects.visible_to(user)
        .current()
        .filter(state=Report.State.DONE)
        .select_related("period", "city", "ward")
        .order_by("-finished_at", "-pk")[:REPORTS_SHOWN]
    )


def _tasks(user, user_scope: scope.Scope, today: date) -> dict | None:
    """Ward staff's open tasks that are overdue or due within DUE_SOON_DAYS, soonest first, and how many."""
    if not user_scope.edit_ward_ids:
        return None
    tasks = Task.objects.visible_to(user).filter(ward_id__in=user_scope.edit_ward_ids)
    todo = tasks.overdue(today) | tasks.due_within(DUE_SOON_DAYS, today)
    counts = todo.aggregate(overdue=Count("id", filter=Q(due__lt=today)), soon=Count("id", filter=Q(due__gte=today)))
    rows = list(todo.select_related("ward", "neighbourhood").order_by("due", "id")[:TASKS_SHOWN])
    for task in rows:
        task.days_left = (task.due - today).days
        task.days_overdue = -task.days_left
    return {**counts, "rows": rows, "soon_days": DUE_SOON_DAYS, "several_wards": len(user_scope.edit_ward_ids) > 1}


def _own_cities(user, user_scope: scope.Scope) -> QuerySet[City] | list:
    """The cities the user leads (every city for an administrator), with their wards and neighbourhoods counted."""
    if not (user_scope.is_admin or user_scope.city_ids):
        return []
    return (
        City.objects.visible_to(user)
        .filter(Q(id__in=user_scope.city_ids) if not user_scope.is_admin else Q())
        .annotate(
            ward_count=Count("wards", distinct=True),
            neighbourhood_count=Count(
                "wards__neighbourhoods", filter=Q(wards__neighbourhoods__valid_to__isnull=True), distinct=True
            ),
        )
        .order_by("search_key")
    )


def _returned(user, user_scope: scope.Scope) -> QuerySet[Submission] | list:
    """Returned results reach the person who entered them, with the reason."""
    if not user_scope.edit_ward_ids:
        return []
    return (
        Submission.objects.visible_to(user)
        .filter(status=Submission.Status.RETURNED, ward_id__in=user_scope.edit_ward_ids)
        .select_related("neighbourhood", "ward", "period", "reviewed_by")
        .order_by("-reviewed_at")[:50]
    )


def _to_review(user, user_scope: scope.Scope) -> QuerySet[Submission] | list:
    """Submissions waiting for the user's review, oldest first."""
    if not user_scope.review_ward_ids:
        return []
    return (
        Submission.objects.visible_to(user)
        .filter(status=Submission.Status.SUBMITTED, ward_id__in=user_scope.review_ward_ids)
        .select_related("neighbourhood", "ward", "period", "submitted_by")
        .order_by("submitted_at")[:50]
    )


def _programmes(user, user_scope: scope.Scope) -> list[Programme]:
    """The neighbourhood-level programmes run in the cities the user reads (one query; none without a role)."""
    if user_scope.is_empty:
        return []
    return selectors.programmes_run_in(City.objects.visible_to(user), Level.NEIGHBOURHOOD)


@login_required
def home(request):
    """The user's to-do list: what their wards still owe, what waits for them, what their city lacks."""
    user, user_scope = request.user, scope.scope_of(request.user)
    today = timezone.localdate()
    dues = _dues(today)
    offered = _programmes(user, user_scope)
    programme = programmes.chosen(request, offered)
    return render(
        request,
        "portal/home.html",
        {
            "today": today,
            "period": dues[-1].period,
            "returned": _returned(user, user_scope),
            "to_review": _to_review(user, user_scope),
            "tasks": _tasks(user, user_scope, today),
            "programme": programme,
            "programmes": offered,
            "wards": _own_wards(user, user_scope, today.year, dues, programme),
            "late_wards": _late_wards(user, user_scope, dues, programme),
            "reports": _ready_reports(user, user_scope),
            "cities": _own_cities(user, user_scope),
            "year": today.year,
            "user_scope": user_scope,
            "memberships": user.memberships.select_related("ward", "city"),
        },
    )
