"""Campaigns (phong trào thi đua), their targets and tasks, task updates with photos, and the weekly "giao ban"."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, F, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.movement import permissions
from campaigns.movement.contributions.totals import campaign_totals
from campaigns.movement.forms.tasks import (
    CampaignForm,
    TargetFormSet,
    TaskFilter,
    TaskForm,
    TaskUpdateForm,
    managed_wards,
    target_initial,
    target_rows,
)
from campaigns.movement.models import Campaign, Task, TaskAttachment, TaskUpdate
from campaigns.movement.services import campaigns as campaign_services
from campaigns.movement.services import tasks as task_services
from campaigns.results.models import CriterionResult, Period
from portal import scope
from portal.models import HistoryEntry
from wards.models import Ward
from wards.selectors import get_ward_for_user

PAGE_SIZE = 50
OPEN = Task.Status.OPEN, Task.Status.IN_PROGRESS


def _tasks_for_list(user):
    """Visible tasks with everything a row shows, in a fixed number of queries."""
    return Task.objects.visible_to(user).select_related("campaign", "ward", "neighbourhood", "target", "assignee")


def _campaign_for_user(user, pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(user).select_related("city", "ward"), pk=pk)


def _task_for_user(user, pk: int) -> Task:
    return get_object_or_404(_tasks_for_list(user).select_related("campaign__city", "campaign__ward"), pk=pk)


def _apply_errors(form, exc: ValidationError, fallback=None) -> None:
    """Put a service's ValidationError on the form fields it names, the rest on the form itself."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        elif fallback is not None:
            fallback.extend(errors)
        else:
            form.add_error(None, errors)


# --- campaigns -------------------------------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    today = timezone.localdate()
    s = scope.scope_of(request.user)
    visible_tasks = s.ward_q("tasks__ward__")
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .select_related("city", "ward")
        .annotate(
            ward_count=Count("wards", distinct=True),
            task_count=Count("tasks", filter=visible_tasks, distinct=True),
            open_count=Count("tasks", filter=visible_tasks & Q(tasks__status__in=OPEN), distinct=True),
            overdue_count=Count(
                "tasks", filter=visible_tasks & Q(tasks__status__in=OPEN, tasks__due__lt=today), distinct=True
            ),
        )
        .order_by("-start", "name")
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/movement/campaign_list.html",
        {"page": page, "today": today, "can_create": managed_wards(request.user).exists()},
    )


def _targets_with_progress(campaign: Campaign) -> list:
    """The campaign's targets, each with the sum of what its tasks reached (summed in the database)."""
    targets = list(
        campaign.targets.annotate(
            reached=Coalesce(Sum("tasks__reached_value"), Value(Decimal(0)), output_field=DecimalField())
        )
    )
    for target in targets:
        target.percent = min(100, int(target.reached * 100 / target.value)) if target.value else 100
    return targets


def _criteria_movement(user, campaign: Campaign, wards: list[Ward], today: date) -> list[dict]:
    """For each linked criterion: how many participating units met it in the campaign's first month and in the
    latest month that has reported results (submitted or approved), within the campaign."""
    criteria = list(campaign.criteria.select_related("criteria_set").order_by("criteria_set__name", "order", "id"))
    if not criteria:
        return []
    first = (
        Period.objects.filter(kind=Period.Kind.MONTH, start__lte=campaign.start, end__gte=campaign.start)
        .order_by("start")
        .first()
    )
    if first is None:
        return [{"criterion": c, "first": None, "latest": None} for c in criteria]
    ward_ids = [w.pk for w in wards]
    counts = (
        CriterionResult.objects.visible_to(user)
        .counted()
        .filter(
            criterion__in=criteria,
            submission__ward_id__in=ward_ids,
            submission__period__kind=Period.Kind.MONTH,
            submission__period__start__gte=first.start,
            submission__period__start__lte=min(today, campaign.end),
        )
        .values("criterion_id", "submission__period_id", "submission__period__start")
        .annotate(met=Count("id", filter=Q(is_met=True)), assessed=Count("id"))
    )
    by_criterion: dict[int, dict] = {}
    latest_start, latest_id = None, None
    for row in counts:
        by_criterion.setdefault(row["criterion_id"], {})[row["submission__period_id"]] = row
        if latest_start is None or row["submission__period__start"] > latest_start:
            latest_start, latest_id = row["submission__period__start"], row["submission__period_id"]
    latest = Period.objects.filter(pk=latest_id).first() if latest_id and latest_id != first.pk else None
    rows = []
    for criterion in criteria:
        found = by_criterion.get(criterion.pk, {})
        start_row = found.get(first.pk)
        latest_row = found.get(latest.pk) if latest else None
        rows.append(
            {
                "criterion": criterion,
                "first": start_row,
                "latest": latest_row,
                "change": (latest_row["met"] if latest_row else 0) - (start_row["met"] if start_row else 0)
                if latest
                else None,
            }
        )
    return [{"first_period": first, "latest_period": latest, **row} for row in rows]


@login_required
def campaign_detail(request, pk: int):
    campaign = _campaign_for_user(request.user, pk)
    today = timezone.localdate()
    wards = list(campaign.wards.order_by("search_key"))
    tasks = _tasks_for_list(request.user).filter(campaign=campaign)
    criteria = _criteria_movement(request.user, campaign, [*wards, *([campaign.ward] if campaign.ward else [])], today)
    return render(
        request,
        "campaigns/movement/campaign_detail.html",
        {
            "campaign": campaign,
            "wards": wards,
            "targets": _targets_with_progress(campaign),
            "tasks": tasks,
            "today": today,
            "criteria_rows": criteria,
            "first_period": criteria[0]["first_period"] if criteria and "first_period" in criteria[0] else None,
            "latest_period": criteria[0]["latest_period"] if criteria and "latest_period" in criteria[0] else None,
            "can_manage": scope.can_manage_campaign(request.user, city=campaign.city, ward=campaign.ward),
            "can_add_task": permissions.can_add_task(request.user, campaign),
            "history": HistoryEntry.objects.for_object(campaign)[:20],
            "contribution_totals": campaign_totals(request.user, campaign),
        },
    )


@login_required
def campaign_edit(request, pk: int | None = None):
    """Launch a campaign (pk None) or change one, with its targets."""
    campaign = _campaign_for_user(request.user, pk) if pk is not None else None
    if campaign is not None:
        if not scope.can_manage_campaign(request.user, city=campaign.city, ward=campaign.ward):
            raise PermissionDenied
    elif not managed_wards(request.user).exists():
        raise PermissionDenied
    if request.method == "POST":
        form = CampaignForm(request.POST, user=request.user, campaign=campaign)
        formset = TargetFormSet(request.POST, prefix="targets")
        if form.is_valid() and formset.is_valid():
            problems: list[str] = []
            try:
                campaign = campaign_services.campaign_save(
                    user=request.user, campaign=campaign, data=form.cleaned_data, targets=target_rows(formset)
                )
            except ValidationError as exc:
                _apply_errors(form, exc, fallback=problems)
                for problem in problems:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("Campaign “%(name)s” saved.") % {"name": campaign.name})
                return redirect("campaigns:campaign-detail", pk=campaign.pk)
    else:
        form = CampaignForm(user=request.user, campaign=campaign)
        formset = TargetFormSet(prefix="targets", initial=target_initial(campaign))
    return render(
        request, "campaigns/movement/campaign_form.html", {"form": form, "formset": formset, "campaign": campaign}
    )


# --- tasks -----------------------------------------------------------------------------------------------------------


@login_required
def task_create(request, pk: int):
    campaign = _campaign_for_user(request.user, pk)
    if not permissions.can_add_task(request.user, campaign):
        raise PermissionDenied
    wards = permissions.task_ward_choices(request.user, campaign)
    if request.method == "POST":
        form = TaskForm(request.POST, campaign=campaign, wards=wards)
        if form.is_valid():
            try:
                task = task_services.task_save(user=request.user, campaign=campaign, data=form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Task “%(title)s” added.") % {"title": task.title})
                return redirect("campaigns:campaign-detail", pk=campaign.pk)
    else:
        today = timezone.localdate()
        form = TaskForm(
            campaign=campaign,
            wards=wards,
            initial={"start": min(max(today, campaign.start), campaign.end), "due": campaign.end, "progress": 0},
        )
    return render(request, "campaigns/movement/task_form.html", {"form": form, "campaign": campaign})


@login_required
def task_list(request):
    today = timezone.localdate()
    filterset = TaskFilter(request.GET, queryset=_tasks_for_list(request.user), user=request.user, today=today)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/movement/task_list.html",
        {"filter": filterset, "page": page, "today": today, "active_filters": filterset.active_count()},
    )


def _render_task(request, task: Task, form: TaskUpdateForm, status: int = 200):
    updates = task.updates.select_related("author").prefetch_related("attachments")
    return render(
        request,
        "campaigns/movement/task_detail.html",
        {
            "task": task,
            "updates": updates,
            "form": form,
            "today": timezone.localdate(),
            "can_work": scope.can_work_on_task(request.user, task),
            "progress_when_done": task_services.progress_when_done(task),
            "history": HistoryEntry.objects.for_object(task)[:20],
        },
        status=status,
    )


@login_required
def task_detail(request, pk: int):
    task = _task_for_user(request.user, pk)
    form = TaskUpdateForm(initial={"version": task.version, "progress": task.progress})
    return _render_task(request, task, form)


@login_required
@require_POST
def task_update(request, pk: int):
    task = _task_for_user(request.user, pk)
    if not scope.can_work_on_task(request.user, task):
        raise PermissionDenied
    form = TaskUpdateForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task_services.task_update_post(
                user=request.user,
                task=task,
                text=data["text"],
                figure=data["figure"],
                progress=data["progress"],
                files=data["files"],
                version=data["version"],
            )
        except task_services.TaskChanged as exc:
            messages.error(request, " ".join(exc.messages))
            task = _task_for_user(request.user, pk)
            fresh = request.POST.copy()
            fresh["version"] = task.version
            form = TaskUpdateForm(fresh)
            form.is_valid()
            return _render_task(request, task, form, status=409)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Update posted."))
            return redirect("campaigns:task-detail", pk=task.pk)
    return _render_task(request, task, form)


@login_required
@require_POST
def task_done(request, pk: int):
    task = _task_for_user(request.user, pk)
    if not scope.can_work_on_task(request.user, task):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        # The box of the done form (task_detail.html) must be ticked: one click closes a task for good.
        messages.error(request, _("Tick the box to confirm that the task is finished; it was not marked done."))
        return redirect("campaigns:task-detail", pk=task.pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        task_services.task_complete(user=request.user, task=task, version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Task marked done."))
    return redirect("campaigns:task-detail", pk=task.pk)


@login_required
def task_attachment(request, pk: int):
    """A photo or file of a task update, only for users who may see the task."""
    item = get_object_or_404(TaskAttachment.objects.visible_to(request.user), pk=pk)
    return FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        filename=item.original_name,
        as_attachment=item.content_type == "application/pdf",
    )


# --- the weekly briefing (giao ban) ---------------------------------------------------------------------------------


# The days a briefing's ?week= may name; another is taken as the nearest of these. Far from date.min and
# date.max, where working out the week's Monday, its Sunday and the week after would overflow.
BRIEFING_DAYS = date(2000, 1, 1), date(2100, 12, 31)


def _week(request) -> date:
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    first, last = BRIEFING_DAYS
    return task_services.week_of(min(max(day, first), last))


def _briefing_units(ward: Ward, *, done, fell_overdue, still_overdue, due_next) -> list[dict]:
    """The week's updates and tasks grouped by unit: the ward's own first, then its neighbourhoods by name.

    Only units with something to show get a row.
    """
    units: dict = {}

    def unit_of(hood):
        key = hood.pk if hood else 0
        if key not in units:
            units[key] = {
                "unit": hood or ward,
                "is_ward": hood is None,
                "done": [],
                "overdue": [],
                "still": [],
                "next": [],
            }
        return units[key]

    for update in done:
        unit_of(update.task.neighbourhood)["done"].append(update)
    for task in fell_overdue:
        unit_of(task.neighbourhood)["overdue"].append(task)
    for task in still_overdue:
        unit_of(task.neighbourhood)["still"].append(task)
    for task in due_next:
        unit_of(task.neighbourhood)["next"].append(task)
    return sorted(units.values(), key=lambda u: (not u["is_ward"], u["unit"].search_key))


@login_required
def briefing(request, code: str):
    """One ward's week, unit by unit: what was done, what fell overdue, what is due next week."""
    ward = get_ward_for_user(request.user, code)
    monday = _week(request)
    sunday = monday + timedelta(days=6)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    week_start = timezone.make_aware(datetime.combine(monday, time.min), tz)
    week_end = week_start + timedelta(days=7)
    tasks = _tasks_for_list(request.user).filter(ward=ward)
    done = (
        TaskUpdate.objects.visible_to(request.user)
        .filter(task__ward=ward, at__gte=week_start, at__lt=week_end)
        .select_related("task__neighbourhood", "task__campaign", "author")
        .prefetch_related(Prefetch("attachments"))
        .order_by("at", "id")
    )
    # Fell overdue this week: due during the week (before today) and not done by the due date.
    fell_overdue = tasks.filter(
        Q(status__in=OPEN) | Q(status=Task.Status.DONE, completed_at__gte=week_start, completed_at__date__gt=F("due")),
        due__gte=monday,
        due__lte=sunday,
        due__lt=today,
    )
    still_overdue = tasks.filter(status__in=OPEN, due__lt=monday)
    # Due next: from today (or the week's start, for a week still to come) to the end of the following week.
    next_from = max(today, monday)
    due_next = tasks.filter(status__in=OPEN, due__gte=next_from, due__lte=sunday + timedelta(days=7))
    rows = _briefing_units(ward, done=done, fell_overdue=fell_overdue, still_overdue=still_overdue, due_next=due_next)
    return render(
        request,
        "campaigns/movement/briefing.html",
        {
            "ward": ward,
            "monday": monday,
            "sunday": sunday,
            "next_monday": next_from,
            "next_sunday": sunday + timedelta(days=7),
            "previous_week": monday - timedelta(days=7),
            "following_week": monday + timedelta(days=7),
            "units": rows,
            "today": today,
        },
    )
