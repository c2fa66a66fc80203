"""Daily reminders of the emulation movement's tasks.

Once a day (Celery beat, 07:00 Asia/Ho_Chi_Minh: campaigns.movement.tasks.send_task_reminders) every person
with work waiting gets one digest in their notification list, and by e-mail when they have an
address: the tasks due within the next 3 days and the overdue ones. Who is reminded of a task is its
assignee, or, when it has none, every ward_staff member of its ward. Each ward leader also gets one
escalation listing their ward's tasks overdue for more than 7 days.

Notification has a unique (user, day, kind): that constraint, not a prior read, is what makes a
second run of the same day (or two workers at once) send nothing twice. An e-mail goes out only
for a notification this run created.
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.movement.models import Notification, Task
from portal.people import person
from wards.models import Membership

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 3  # today .. today + 3
ESCALATE_AFTER_DAYS = 7  # overdue for MORE than this many days

Role = Membership.Role
Kind = Notification.Kind


@dataclass
class _Message:
    user: object
    kind: str
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    task_ids: set = field(default_factory=set)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _line(task: Task, today: date) -> str:
    """“• Dọn vệ sinh ngõ 12 — Tổ dân phố 3 — hạn 21/11/2026, quá hạn 2 ngày”."""
    late = (today - task.due).days
    if late > 0:
        when = ngettext("overdue by %(days)d day", "overdue by %(days)d days", late) % {"days": late}
    elif late == 0:
        when = _("due today")
    elif late == -1:
        when = _("due tomorrow")
    else:
        when = ngettext("due in %(days)d day", "due in %(days)d days", -late) % {"days": -late}
    return _("• %(task)s — %(unit)s — due %(due)s, %(when)s") % {
        "task": task.title,
        "unit": task.unit,
        "due": _day(task.due),
        "when": when,
    }


def _digest_text(message: _Message, today: date) -> tuple[str, str]:
    count = len(message.overdue) + len(message.due_soon)
    title = ngettext("%(count)d task needs you today", "%(count)d tasks need you today", count) % {"count": count}
    lines = [_("Tasks as of %(day)s.") % {"day": _day(today)}]
    if message.overdue:
        lines += ["", _("Overdue:")] + [_line(t, today) for t in message.overdue]
    if message.due_soon:
        lines += ["", _("Due within %(days)d days:") % {"days": DUE_SOON_DAYS}]
        lines += [_line(t, today) for t in message.due_soon]
    return title, "\n".join(lines)


def _escalation_text(message: _Message, today: date) -> tuple[str, str]:
    count = len(message.overdue)
    title = ngettext(
        "%(count)d task of your ward is overdue by more than %(days)d days",
        "%(count)d tasks of your ward are overdue by more than %(days)d days",
        count,
    ) % {"count": count, "days": ESCALATE_AFTER_DAYS}
    lines = [_("Tasks as of %(day)s.") % {"day": _day(today)}, ""]
    for task in message.overdue:
        who = person(task.assignee) if task.assignee else _("the ward staff")
        lines.append(_("%(line)s (in charge: %(who)s)") % {"line": _line(task, today), "who": who})
    return title, "\n".join(lines)


def _collect(today: date) -> list[_Message]:
    """Who gets what: two queries, whatever the number of tasks and people."""
    soon_end = today + timedelta(days=DUE_SOON_DAYS)
    escalate_before = today - timedelta(days=ESCALATE_AFTER_DAYS)  # due < this: late by more than 7 days
    tasks = list(
        Task.objects.open()
        .filter(due__lte=soon_end)
        .select_related("ward", "neighbourhood", "assignee")
        .order_by("due", "id")
    )
    ward_ids = {t.ward_id for t in tasks}
    staff_of: dict[int, list] = defaultdict(list)
    leaders_of: dict[int, list] = defaultdict(list)
    for membership in (
        Membership.objects.filter(ward_id__in=ward_ids, role__in=Membership.WARD_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ):
        (staff_of if membership.role == Role.WARD_STAFF else leaders_of)[membership.ward_id].append(membership.user)

    digests: dict[int, _Message] = {}
    escalations: dict[int, _Message] = {}
    for task in tasks:
        if task.assignee_id:
            people = [task.assignee] if task.assignee.is_active else []
        else:
            people = staff_of[task.ward_id]
        for someone in people:
            message = digests.setdefault(someone.pk, _Message(someone, Kind.DIGEST))
            if task.pk not in message.task_ids:  # listed once, however many memberships lead to it
                message.task_ids.add(task.pk)
                (message.overdue if task.due < today else message.due_soon).append(task)
        if task.due < escalate_before:
            for leader in leaders_of[task.ward_id]:
                message = escalations.setdefault(leader.pk, _Message(leader, Kind.ESCALATION))
                if task.pk not in message.task_ids:
                    message.task_ids.add(task.pk)
                    message.overdue.append(task)
    return [*digests.values(), *escalations.values()]


def _create(message: _Message, today: date, title: str, body: str) -> Notification | None:
    """The notification, or None when this day's one exists already (an earlier run, another worker)."""
    try:
        with transaction.atomic():
            return Notification.objects.create(user=message.user, day=today, kind=message.kind, title=title, body=body)
    except IntegrityError:
        return None


def reminders_send(*, today: date | None = None) -> dict:
    """Create today's digests and escalations and e-mail the new ones. Safe to run any number of times a day.

    Returns counts: digests and escalations created, already_sent (skipped), emailed, email_failed.
    """
    today = today or timezone.localdate()
    counts = {"digests": 0, "escalations": 0, "already_sent": 0, "emailed": 0, "email_failed": 0}
    messages = _collect(today)
    if not messages:
        return counts
    # Only to spare the database a doomed insert on a second run; the unique constraint is the guard.
    user_ids = {m.user.pk for m in messages}
    existing = set(Notification.objects.filter(day=today, user_id__in=user_ids).values_list("user_id", "kind"))
    emailed_ids = []
    with translation.override(settings.LANGUAGE_CODE):
        for message in messages:
            if (message.user.pk, message.kind) in existing:
                counts["already_sent"] += 1
                continue
            text = _digest_text if message.kind == Kind.DIGEST else _escalation_text
            title, body = text(message, today)
            notification = _create(message, today, title, body)
            if notification is None:
                counts["already_sent"] += 1
                continue
            counts["digests" if message.kind == Kind.DIGEST else "escalations"] += 1
            if not message.user.email:
                continue
            try:
                send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [message.user.email])
            except (smtplib.SMTPException, OSError):
                # The notification stays in the list; the e-mail is not retried (it would be sent twice).
                logger.exception("Reminder e-mail to user %s failed", message.user.pk)
                counts["email_failed"] += 1
            else:
                emailed_ids.append(notification.pk)
    if emailed_ids:
        Notification.objects.filter(pk__in=emailed_ids).update(emailed=True)
    counts["emailed"] = len(emailed_ids)
    return counts
