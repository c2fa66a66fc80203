"""The page where administrators change when the monthly and annual reports and the task reminders run:
a day and a time, never cron text. Everyone else reads the schedules under the report list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_celery_beat.models import PeriodicTask

from portal import scope
from portal.models import HistoryEntry
from reports import schedules
from reports.forms import ScheduleForm
from reports.services import schedule_change

# The keys reports.services.schedule_change writes into a history entry.
CHANGE_LABELS = {"schedule": gettext_lazy("Schedule"), "state": gettext_lazy("State")}


def _history(task: PeriodicTask) -> list[dict]:
    return [
        {"entry": entry, "changes": [(CHANGE_LABELS.get(k, k), old, new) for k, (old, new) in entry.changes.items()]}
        for entry in HistoryEntry.objects.for_object(task)[:20]
    ]


def _saved(task: PeriodicTask) -> str:
    when = schedules.next_run(task, timezone.now())
    if when is None:
        return _("Saved: %(schedule)s is switched off.") % {"schedule": schedules.KNOWN[task.task].label}
    return _("Saved: %(schedule)s next runs on %(when)s.") % {
        "schedule": schedules.KNOWN[task.task].label,
        "when": dateformat.format(when, "d/m/Y H:i"),
    }


@login_required
def schedule_edit(request, pk: int):
    """Change the day and time of a known schedule (reports.schedules.KNOWN), or switch it off.

    Administrators only (403 for everyone else); any other periodic task, housekeeping included, is 404.
    """
    if not scope.scope_of(request.user).is_admin:
        raise PermissionDenied
    task = get_object_or_404(schedules.editable(), pk=pk)
    known = schedules.KNOWN[task.task]
    if request.method == "POST":
        form = ScheduleForm(request.POST, cadence=known.cadence)
        if form.is_valid():
            task = schedule_change(
                task_id=task.pk, times=form.times(), enabled=form.cleaned_data["enabled"], user=request.user
            )
            messages.success(request, _saved(task))
            return redirect(reverse("reports:report-list") + "#schedules")
    else:
        times = schedules.times_of(task.crontab)
        form = ScheduleForm(initial=ScheduleForm.initial_for(times, task.enabled), cadence=known.cadence)
    return render(
        request,
        "reports/schedule_form.html",
        {
            "task": task,
            "known": known,
            "form": form,
            "description": schedules.describe(task.crontab),
            "next_run": schedules.next_run(task, timezone.now()),
            "in_process": schedules.runs_in_process(),
            "history": _history(task),
        },
    )
