"""The history every change writes: who, when, old → new and why."""

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.numbers import number_shown

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
    "period": _("Time frame"),
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
        """(field as people call it, old, new) for each change, the values as people read them.

        The label is the field's verbose name (FIELD_LABELS for what is not a field of the object); stored
        codes, ISO dates and plain numbers of the object's fields are shown as the interface writes them
        (see change_shown), so entries written before the values were formatted read the same way.
        """
        content_type = ContentType.objects.get_for_id(self.content_type_id)
        model = content_type.model_class()
        rows = []
        for name, change in self.changes.items():
            old, new = change if isinstance(change, (list, tuple)) and len(change) == 2 else (None, change)
            field = _model_field(model, name)
            rows.append((change_label(field, name), change_shown(field, old), change_shown(field, new)))
        return rows


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def change_label(field, name: str) -> str:
    """What people call a changed field: its translated verbose name ("Hạn"), the name of the related rows
    for a reverse relation ("Chỉ tiêu phấn đấu"), else FIELD_LABELS, else the key itself."""
    verbose = getattr(field, "verbose_name", None)
    if isinstance(verbose, Promise):  # Django makes up an untranslated one ("version") when none is given
        return str(capfirst(verbose))
    if field is not None and field.is_relation and field.auto_created and not field.concrete:
        return str(capfirst(field.related_model._meta.verbose_name_plural))
    return str(FIELD_LABELS.get(name, name))


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.(?P<fraction>[0-9]+))?")
_NUMERIC = (models.DecimalField, models.FloatField, models.IntegerField)


def change_shown(field, value):
    """A stored old or new value as people read it, by the kind of `field` it belongs to: a choice's label
    ("done" → "Đã hoàn thành"), a day as dd/mm/yyyy ("2026-12-01" → "01/12/2026"), a number the Vietnamese
    way with no trailing zeros ("1.00" → "1", 1234.5 → "1.234,5"), Có/Không. Anything else (text, values
    already written as people read them) is returned as it is.

    A stored text "1.234" is left alone: it is a number already written with a group of thousands, not
    the decimal 1.234 (the portal stores at most 2 decimals where history keeps plain decimals).
    """
    if value is None or field is None or isinstance(value, (list, dict)):
        return value
    choices = getattr(field, "flatchoices", None)
    if choices and not isinstance(value, bool):
        labels = {str(key): label for key, label in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(field, models.BooleanField) and isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        if isinstance(value, str) and _ISO_DAY.fullmatch(value):
            try:
                return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
            except ValueError:
                return value
        return value
    if isinstance(field, _NUMERIC) and field.name != "year":
        return _number_shown(value)
    return value


def _number_shown(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return number_shown(value)
    if isinstance(value, str) and (plain := _PLAIN_NUMBER.fullmatch(value)):
        fraction = plain["fraction"]
        if fraction is None or len(fraction) != 3:
            return number_shown(Decimal(value))
    return value


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
