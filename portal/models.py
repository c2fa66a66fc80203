"""The history every change writes: who, when, old → new and why."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# What people read in a history table instead of the raw keys stored in `changes` and `action`.
FIELD_LABELS = {
    "households": _("Households"),
    "people": _("People"),
    "poor_households": _("Poor households"),
    "near_poor_households": _("Near-poor households"),
    "party_members": _("Party members"),
    "value": _("Value"),
    "note": _("Note"),
    "status": _("Status"),
    "evidence": _("Evidence"),
    "name": _("Name"),
    "kind": _("Kind"),
    "valid_to": _("Exists until"),
    "successors": _("Replaced by"),
    "version": _("Version"),
    "threshold": _("Threshold"),
    "zone_thresholds": _("Thresholds by zone"),
    "threshold_is_example": _("Example threshold"),
    "state": _("State"),
    "reached_value": _("Value reached"),
    "progress": _("Progress (%)"),
    "topic": _("Topic"),
    "signer": _("Signed by"),
    "period": _("Period"),
    "outcome": _("Outcome"),
    "level": _("Rating"),
    "score": _("Score"),
    "decision": _("Decision"),
    "title": _("Title"),
    "due": _("Due"),
}
ACTION_LABELS = {
    "create": _("Created"),
    "update": _("Changed"),
    "import": _("Imported"),
    "retire": _("Ended"),
    "submit": _("Submitted"),
    "approve": _("Approved"),
    "return": _("Returned"),
    "reopen": _("Reopened"),
    "evidence": _("Evidence added"),
    "build": _("Built"),
    "new_version": _("New version"),
    "propose": _("Proposed"),
    "confirm": _("Confirmed"),
    "reject": _("Rejected"),
}


class HistoryQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).select_related("user")


class HistoryEntry(models.Model):
    """One change of one object, written in the same transaction as the change."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=40)
    # {"field": [old, new], ...} with values as shown to people.
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.TextField(_("reason"), blank=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.action}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def labelled_changes(self) -> list[tuple[str, object, object]]:
        """(field as people call it, old, new) for each change."""
        return [(str(FIELD_LABELS.get(field, field)), old, new) for field, (old, new) in self.changes.items()]


def history_record(
    *, obj: models.Model, user, action: str, changes: dict | None = None, reason: str = ""
) -> HistoryEntry:
    """Write one history entry for `obj`. Call inside the transaction of the change."""
    return HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        changes=changes or {},
        reason=reason,
    )


class Heartbeat(models.Model):
    """The last sign of life of a process that serves no pages: the Celery worker, beat. Read by /healthz."""

    name = models.CharField(max_length=20, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%d/%m/%Y %H:%M:%S}"
