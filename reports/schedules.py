"""The schedules people rely on, in words: the monthly and annual summary reports and the daily task
reminders; when each runs next; and whether a Celery worker and beat are there to run anything at all.

The schedules are django-celery-beat rows (PeriodicTask with a CrontabSchedule) created by data
migrations (reports 0002, campaigns 0004). The housekeeping rows beside them (stuck builds swept every
minute, expired Excel previews every hour) are not shown here: nobody plans around them, and the Django
admin still lists them. Times are those of settings.TIME_ZONE (Asia/Ho_Chi_Minh).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app  # the portal's app: portal/__init__.py loads portal.celery first
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from campaigns.criteria.models import Level, Programme
from campaigns.results.programmes import programmes_in
from portal.models import Heartbeat
from wards.models import City, Neighbourhood, Ward

MONTHLY, ANNUAL, DAILY = "monthly", "annual", "daily"


@dataclass(frozen=True)
class Known:
    """A schedule users plan around: how often it runs (the fields its form offers) and what it does."""

    cadence: str
    label: str
    purpose: str


# Task name → what it is. Only these rows are shown on the Báo cáo page and may be changed there.
KNOWN = {
    "reports.tasks.build_monthly_reports": Known(
        MONTHLY,
        _("Monthly summary reports"),
        _("Builds last month's report of each programme for the city and every ward."),
    ),
    "reports.tasks.build_annual_reports": Known(
        ANNUAL,
        _("Annual summary reports"),
        _("Builds last year's report of each programme for the city and every ward."),
    ),
    "campaigns.movement.tasks.send_task_reminders": Known(
        DAILY, _("Task reminders"), _("Sends each person their tasks due within 3 days and the overdue ones.")
    ),
}


@dataclass(frozen=True)
class Times:
    """A schedule the form can show: a minute and an hour, on a day of the month (monthly, annual) and in a
    month (annual); None where the schedule runs every day or every month."""

    hour: int
    minute: int
    day: int | None = None
    month: int | None = None


@dataclass(frozen=True)
class Row:
    task: PeriodicTask
    known: Known
    description: str
    next_run: datetime | None


@dataclass(frozen=True)
class Silence:
    """A worker or beat not seen lately: when it was last seen, None if never."""

    since: datetime | None


def editable() -> QuerySet:
    """The rows shown on the Báo cáo page and changed there; any other PeriodicTask is not found."""
    return PeriodicTask.objects.filter(task__in=KNOWN, crontab__isnull=False).select_related("crontab")


def _number(field: str) -> int | None:
    return int(field) if field.isdigit() else None


def times_of(crontab: CrontabSchedule) -> Times | None:
    """The crontab as a day, month, hour and minute; None when it is anything else (several times, a day of
    the week, another time zone), which only the Django admin can write."""
    hour, minute = _number(crontab.hour), _number(crontab.minute)
    day, month = _number(crontab.day_of_month), _number(crontab.month_of_year)
    if hour is None or minute is None or crontab.day_of_week != "*" or str(crontab.timezone) != settings.TIME_ZONE:
        return None
    if crontab.day_of_month == "*" and crontab.month_of_year == "*":
        return Times(hour=hour, minute=minute)
    if day is not None and crontab.month_of_year == "*":
        return Times(hour=hour, minute=minute, day=day)
    if day is not None and month is not None:
        return Times(hour=hour, minute=minute, day=day, month=month)
    return None


def describe(crontab: CrontabSchedule) -> str:
    """The schedule in plain words: "Ngày 6 hằng tháng, lúc 02:00", "Hằng ngày lúc 07:00"."""
    times = times_of(crontab)
    if times is None:
        return gettext("A schedule of its own, set in the administration site")
    at = f"{times.hour:02d}:{times.minute:02d}"
    if times.day is None:
        return gettext("Every day at %(time)s") % {"time": at}
    if times.month is None:
        return gettext("Day %(day)s of every month, at %(time)s") % {"day": times.day, "time": at}
    return gettext("Day %(day)s of month %(month)s every year, at %(time)s") % {
        "day": times.day,
        "month": times.month,
        "time": at,
    }


def next_run(task: PeriodicTask, now: datetime) -> datetime | None:
    """When beat next starts the task after `now`, in local time; None when it is switched off or has expired.

    Celery's own crontab arithmetic (django-celery-beat's CrontabSchedule.due_start_time, which is
    celery's remaining_delta), so the page says what beat will do.
    """
    if not task.enabled or task.crontab is None or (task.expires and task.expires <= now):
        return None
    start = max(now, task.start_time) if task.start_time else now
    return timezone.localtime(task.crontab.due_start_time(start, task.crontab.timezone))


def rows(now: datetime) -> list[Row]:
    """Every known schedule, in the order of KNOWN, with its words and its next run."""
    order = list(KNOWN)
    tasks = sorted(editable(), key=lambda t: (order.index(t.task), t.name))
    return [Row(task=t, known=KNOWN[t.task], description=describe(t.crontab), next_run=next_run(t, now)) for t in tasks]


# --- what the report schedules build -------------------------------------------------------------------


def scheduled_programmes(city: City) -> list[tuple[Ward | None, Programme | None]]:
    """The reports a schedule builds for a city: (ward None, programme) for every programme run in the city,
    of either level; and for each ward, every neighbourhood programme some of its neighbourhoods follow
    (their kinds) and every ward-level programme the ward itself follows. A city with no programme yet gets
    one report of each scope without one, as before programmes side by side."""
    programmes = programmes_in([city], level=None)
    if not programmes:
        wards = Ward.objects.filter(city=city, neighbourhoods__isnull=False).distinct().order_by("search_key", "code")
        return [(None, None)] + [(ward, None) for ward in wards]
    kinds: dict[int, set[str]] = {}
    for ward_id, unit_kind in Neighbourhood.objects.filter(ward__city=city).values_list("ward_id", "kind").distinct():
        kinds.setdefault(ward_id, set()).add(unit_kind)
    out: list[tuple[Ward | None, Programme | None]] = [(None, p) for p in programmes]
    for ward in Ward.objects.filter(city=city).order_by("search_key", "code"):
        for p in programmes:
            if p.level == Level.WARD:
                follows = p.applies_to(ward)
            else:
                follows = bool(kinds.get(ward.pk)) and (not p.unit_kinds or bool(kinds[ward.pk] & set(p.unit_kinds)))
            if follows:
                out.append((ward, p))
    return out


# --- is anything there to run them ---------------------------------------------------------------------


def runs_in_process() -> bool:
    """Tasks run inside the web request (`make run`: DEBUG without a broker), so nothing runs on a schedule
    and a report is built only when someone presses "Lập ngay"."""
    return bool(current_app.conf.task_always_eager) or not settings.CELERY_BROKER_URL


def silence(name: str, now: datetime) -> Silence | None:
    """`name` ("worker" or "beat") has not been seen for longer than HEALTH_HEARTBEAT_MAX_AGE; None while it
    has, or when tasks run in-process and no worker is needed.

    The threshold is /healthz's own (120 s by default): a live process stores its heartbeat every 30 s
    (portal.health.HEARTBEAT_EVERY), so a live worker is never taken for gone, and the page and the
    monitor call the same worker dead at the same moment.
    """
    if runs_in_process():
        return None
    last = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    if last is not None and now - last <= timedelta(seconds=settings.HEALTH_HEARTBEAT_MAX_AGE):
        return None
    return Silence(since=last)
