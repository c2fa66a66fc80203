"""The reminder before a title must be re-assessed: once per title, the staff and leaders of its ward are told,
in their daily digest, that it expires within EXPIRING_DAYS (campaigns.movement.services.titles)."""

import logging
import smtplib
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.movement.models import Notification, Recognition
from campaigns.movement.services.titles import EXPIRING_DAYS
from portal.models import HistoryEntry
from wards.models import Membership

logger = logging.getLogger(__name__)

REMIND_ACTION = "remind-expiry"  # the history entry that records a title's reminder: at most one per title


def _unreminded(today: date) -> QuerySet[Recognition]:
    """Confirmed titles whose last valid day is within EXPIRING_DAYS from `today`, not reminded of yet."""
    soon = today + timedelta(days=EXPIRING_DAYS)
    reminded = HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Recognition), object_id=OuterRef("pk"), action=REMIND_ACTION
    )
    return Recognition.objects.filter(
        status=Recognition.Status.CONFIRMED, valid_until__gte=today, valid_until__lte=soon
    ).exclude(Exists(reminded))


def _reminder_line(title: Recognition, today: date) -> str:
    unit = title.neighbourhood or title.ward
    left = (title.valid_until - today).days
    return _("• %(title)s %(year)s — %(unit)s — valid until %(day)s, %(left)s") % {
        "title": title.title,
        "year": title.year,
        "unit": unit.name if title.neighbourhood_id is None else f"{unit.name} ({title.ward.name})",
        "day": f"{title.valid_until:%d/%m/%Y}",
        "left": ngettext("%(days)d day left", "%(days)d days left", left) % {"days": left},
    }


def _reminder_text(chosen: list[Recognition], today: date) -> tuple[str, str]:
    count = len(chosen)
    title = ngettext("%(count)d title to re-assess soon", "%(count)d titles to re-assess soon", count) % {
        "count": count
    }
    lines = [
        _(
            "Titles expiring within %(days)d days (as of %(day)s): the units register and are inspected again "
            "to keep them."
        )
        % {"days": EXPIRING_DAYS, "day": f"{today:%d/%m/%Y}"}
    ]
    lines += [_reminder_line(t, today) for t in chosen]
    return title, "\n".join(lines)


def _deliver(user, today: date, title: str, body: str) -> bool:
    """Into the person's digest of the day: appended to it when the task reminders made one, else a new one.
    True when a digest was created (rather than added to)."""
    current = Notification.objects.select_for_update().filter(user=user, day=today, kind=Notification.Kind.DIGEST)
    existing = current.first()
    if existing is None:
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, day=today, kind=Notification.Kind.DIGEST, title=title, body=body)
            return True
        except IntegrityError:  # another worker made today's digest in between: add to it
            existing = current.get()
    existing.title = f"{existing.title} · {title}"[:300]
    existing.body = f"{existing.body}\n\n{body}"
    existing.read_at = None
    existing.save(update_fields=["title", "body", "read_at"])
    return False


def _lock_due(today: date) -> list[Recognition]:
    """The titles to remind of, locked; read again once locked, as a concurrent run may have reminded them."""
    content_type = ContentType.objects.get_for_model(Recognition)
    locked = list(_unreminded(today).select_for_update(of=("self",)).values_list("pk", flat=True))
    done = set(
        HistoryEntry.objects.filter(content_type=content_type, object_id__in=locked, action=REMIND_ACTION).values_list(
            "object_id", flat=True
        )
    )
    return list(
        Recognition.objects.filter(pk__in=[pk for pk in locked if pk not in done])
        .select_related("ward", "neighbourhood")
        .order_by("valid_until", "ward__search_key", F("neighbourhood__search_key").asc(nulls_first=True), "pk")
    )


def _people_of(due: list[Recognition]) -> dict[int, tuple]:
    """{user id: (user, ids of their wards with titles due)}: the wards' active staff and leaders. One query."""
    people: dict[int, tuple] = {}
    for m in Membership.objects.filter(
        ward_id__in={t.ward_id for t in due}, role__in=Membership.WARD_ROLES, user__is_active=True
    ).select_related("user"):
        people.setdefault(m.user_id, (m.user, set()))[1].add(m.ward_id)
    return people


def _mail(mails: list[tuple], counts: dict) -> None:
    for user, title, body in mails:
        try:
            send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except (smtplib.SMTPException, OSError):
            # The digest keeps the lines; the e-mail is not retried (it would be sent twice).
            logger.exception("Title reminder e-mail to user %s failed", user.pk)
            counts["email_failed"] += 1
        else:
            counts["emailed"] += 1


def title_reminders_send(*, today: date | None = None) -> dict:
    """Tell the ward staff and leaders of each ward whose titles expire within EXPIRING_DAYS, once per title.

    Run daily after the task reminders (campaigns.movement.tasks.send_task_reminders), it adds its lines to
    each person's digest of the day (Notification kind "digest"; a new digest when there is none) and
    e-mails them to people with an address. A history entry "remind-expiry" on each title, written in the
    same transaction, is what makes a title reminded once only, whatever the number of runs or workers.
    Returns counts: titles reminded, digests created and added to, e-mails sent and failed.
    """
    today = today or timezone.localdate()
    counts = {"titles": 0, "created": 0, "added_to": 0, "emailed": 0, "email_failed": 0}
    mails = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        due = _lock_due(today)
        people = _people_of(due)
        reached = set()
        for user_id in sorted(people):
            user, ward_ids = people[user_id]
            chosen = [t for t in due if t.ward_id in ward_ids]
            title, body = _reminder_text(chosen, today)
            counts["created" if _deliver(user, today, title, body) else "added_to"] += 1
            reached |= {t.pk for t in chosen}
            if user.email:
                mails.append((user, title, body))
        content_type = ContentType.objects.get_for_model(Recognition)
        HistoryEntry.objects.bulk_create(
            [
                HistoryEntry(content_type=content_type, object_id=pk, action=REMIND_ACTION, changes={})
                for pk in sorted(reached)
            ]
        )
        counts["titles"] = len(reached)
    _mail(mails, counts)
    return counts
