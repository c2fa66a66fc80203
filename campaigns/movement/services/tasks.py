"""Tasks of a campaign: assigning one, posting what was done on it (with photos), marking it done."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.movement.models import Campaign, Task, TaskAttachment, TaskUpdate
from campaigns.movement.permissions import can_add_task, task_wards
from campaigns.movement.services.history import history_value
from campaigns.results.forms import check_evidence
from portal import scope
from portal.models import history_record
from portal.numbers import round_half_up
from portal.uploads import safe_name
from wards.models import Membership

TASK_FIELDS = ("title", "target", "ward", "neighbourhood", "start", "due", "progress", "target_value", "assignee")


class TaskChanged(ValidationError):
    """Someone else changed the task after it was opened: the caller's figures may be stale."""


def _task_errors(campaign: Campaign, data: dict) -> dict:
    errors: dict[str, list] = {}
    start, due = data.get("start"), data.get("due")
    if due and not (campaign.start <= due <= campaign.end):
        errors.setdefault("due", []).append(
            _("The due date must lie within the campaign, from %(start)s to %(end)s.")
            % {"start": campaign.start.strftime("%d/%m/%Y"), "end": campaign.end.strftime("%d/%m/%Y")}
        )
    if start and due and due < start:
        errors.setdefault("due", []).append(_("The due date cannot come before the start."))
    progress = data.get("progress")
    if progress is not None and not (0 <= progress <= 100):
        errors.setdefault("progress", []).append(_("Progress is a percentage from 0 to 100."))
    target_value = data.get("target_value")
    if target_value is not None and target_value < 0:
        errors.setdefault("target_value", []).append(_("The target value cannot be negative."))
    ward, hood, target = data.get("ward"), data.get("neighbourhood"), data.get("target")
    if ward is not None and ward.pk not in task_wards(campaign):
        errors.setdefault("ward", []).append(_("This ward does not take part in the campaign."))
    if hood is not None and (ward is None or hood.ward_id != ward.pk):
        errors.setdefault("neighbourhood", []).append(_("This neighbourhood does not belong to the assigned ward."))
    if target is not None and target.campaign_id != campaign.pk:
        errors.setdefault("target", []).append(_("This target belongs to another campaign."))
    assignee = data.get("assignee")
    if assignee is not None and (ward is None or not works_in(assignee, ward)):
        errors.setdefault("assignee", []).append(_("This person does not work in the assigned ward."))
    return errors


def works_in(user, ward) -> bool:
    """Whether `user` is one of the ward's own people (its staff or a leader), who may be put in charge of
    its tasks."""
    return Membership.objects.filter(user=user, ward=ward, role__in=Membership.WARD_ROLES).exists()


def task_save(*, user, campaign: Campaign, data: dict, task: Task | None = None) -> Task:
    """Create (or change) a task of a campaign, assigned to a participating ward or one of its neighbourhoods."""
    ward = data.get("ward")
    if ward is None:
        raise ValidationError({"ward": _("Choose the ward the task is assigned to.")})
    if not can_add_task(user, campaign, ward):
        raise PermissionDenied
    errors = _task_errors(campaign, data)
    if errors:
        raise ValidationError(errors)
    created = task is None
    with transaction.atomic():
        if created:
            task = Task(campaign=campaign)
        else:
            task = Task.objects.select_for_update().get(pk=task.pk, campaign=campaign)
        changes = {}
        for name in TASK_FIELDS:
            if name not in data:
                continue
            old = getattr(task, name, None) if not created else None
            if created or old != data[name]:
                changes[name] = [history_value(old), history_value(data[name])]
            setattr(task, name, data[name])
        if not created:
            task.version = F("version") + 1
        task.save()
        task.refresh_from_db(fields=["version"])
        history_record(obj=task, user=user, action="create" if created else "update", changes=changes)
    return task


def _claim(task: Task, version: int | None) -> Task:
    """Lock the task's row; refuse if it changed since the caller read it (its version moved on)."""
    current = Task.objects.select_for_update().select_related("ward").get(pk=task.pk)
    expected = task.version if version is None else version
    if current.version != expected:
        raise TaskChanged(
            _(
                "Someone else updated this task while you were writing. Its current progress is shown; "
                "check it and post your update again."
            ),
            code="stale",
        )
    return current


def _check_update(task: Task, text: str, figure: Decimal | None, progress: int | None, files: list) -> list[str]:
    """Refuse an update that says nothing, has impossible figures or unacceptable files; the files' types."""
    errors: dict[str, list] = {}
    if not (text or "").strip():
        errors.setdefault("text", []).append(_("Say what was done."))
    if figure is not None and figure < 0:
        errors.setdefault("figure", []).append(_("The figure reached cannot be negative."))
    if progress is not None and not (0 <= progress <= 100):
        errors.setdefault("progress", []).append(_("Progress is a percentage from 0 to 100."))
    kinds = []
    for upload in files:
        try:
            kinds.append(check_evidence(upload))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if task.status == Task.Status.CANCELLED:
        errors.setdefault("__all__", []).append(_("This task was cancelled; it takes no more updates."))
    if errors:
        raise ValidationError(errors)
    return kinds


def _move_on(current: Task, figure: Decimal | None, progress: int | None) -> dict:
    """Carry the update's figure and progress onto the locked task, start it if open; the changes for history."""
    changes = {}
    if figure is not None and figure != current.reached_value:
        changes["reached_value"] = [str(current.reached_value), str(figure)]
        current.reached_value = figure
    if progress is not None and progress != current.progress:
        changes["progress"] = [current.progress, progress]
        current.progress = progress
    if current.status == Task.Status.OPEN:
        changes["status"] = [current.status, Task.Status.IN_PROGRESS.value]
        current.status = Task.Status.IN_PROGRESS
    current.version = F("version") + 1
    current.save(update_fields=["reached_value", "progress", "status", "version", "updated_at"])
    current.refresh_from_db(fields=["version"])
    return changes


def task_update_post(
    *,
    user,
    task: Task,
    text: str,
    figure: Decimal | None = None,
    progress: int | None = None,
    files: Iterable = (),
    version: int | None = None,
) -> TaskUpdate:
    """Post what was done on a task (text, the figure reached so far, progress, photos) and move the task on.

    The figure becomes the task's value reached (it counts towards the campaign target); an open task
    becomes "in progress". `version` is the task's version when the user opened it: a stale one is refused.
    """
    if not scope.can_work_on_task(user, task):
        raise PermissionDenied
    files = list(files)
    kinds = _check_update(task, text, figure, progress, files)
    with transaction.atomic():
        current = _claim(task, version)
        update = TaskUpdate.objects.create(
            task=current, author=user, text=text.strip(), figure=figure, progress=progress
        )
        for upload, mime in zip(files, kinds, strict=True):
            TaskAttachment.objects.create(
                update=update, file=upload, original_name=safe_name(upload.name), content_type=mime, size=upload.size
            )
        changes = _move_on(current, figure, progress)
        if files:
            changes["evidence"] = [None, ", ".join(u.name for u in files)]
        history_record(obj=current, user=user, action="update", changes=changes, reason=text.strip()[:500])
    task.reached_value, task.progress, task.status, task.version = (
        current.reached_value,
        current.progress,
        current.status,
        current.version,
    )
    return update


def progress_when_done(task: Task) -> int:
    """A closed task's progress: the share of its target value it reached (2 of 3 is 67), 100 when it has
    no target value or reached it. Closing a task short of its target does not make it 100 %."""
    if not task.target_value or task.reached_value >= task.target_value:
        return 100
    return int(round_half_up(task.reached_value * 100 / task.target_value))


def task_complete(*, user, task: Task, version: int | None = None) -> Task:
    """Mark a task done, completed now. Its progress becomes what it reached (progress_when_done)."""
    if not scope.can_work_on_task(user, task):
        raise PermissionDenied
    if task.status == Task.Status.CANCELLED:
        raise ValidationError(_("This task was cancelled; it cannot be marked done."))
    with transaction.atomic():
        current = _claim(task, version)
        if current.status == Task.Status.DONE:
            return current
        progress = progress_when_done(current)
        changes = {"status": [current.status, Task.Status.DONE.value]}
        if progress != current.progress:
            changes["progress"] = [current.progress, progress]
        current.status = Task.Status.DONE
        current.progress = progress
        current.completed_at = timezone.now()
        current.version = F("version") + 1
        current.save(update_fields=["status", "progress", "completed_at", "version", "updated_at"])
        current.refresh_from_db(fields=["version"])
        history_record(obj=current, user=user, action="update", changes=changes)
    task.status, task.progress, task.completed_at, task.version = (
        current.status,
        current.progress,
        current.completed_at,
        current.version,
    )
    return current


def week_of(day: date) -> date:
    """The Monday of the week `day` falls in (the weekly briefing's week)."""
    return day - timedelta(days=day.weekday())
