"""Setting a plan's targets, entering achieved values and copying last year's plan: the rules, the
permission, the version check and the history, each in one transaction."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from campaigns.movement.plans.models import PlanTarget, Source
from campaigns.movement.plans.querysets import can_enter_achieved, can_set_plan
from campaigns.movement.services.versions import claim_version, field_changes
from portal.models import HistoryEntry, history_record
from portal.vietnamese import nfc
from wards.models import City, Ward

TARGET_FIELDS = ("order", "name", "unit", "target", "direction", "source", "is_example")
ACHIEVED_FIELDS = ("achieved", "note")
COPIED = ("order", "name", "unit", "target", "direction", "source", "is_example")


class TargetChanged(ValidationError):
    """Someone else changed (or deleted) the target after it was opened."""


def _same_name(*, city: City, ward: Ward | None, year: int, name: str, exclude: int | None) -> bool:
    """Does the plan have another target of this name, case aside (compared here: SQLite folds ASCII only)?"""
    names = (
        PlanTarget.objects.of_plan(city=city, ward=ward, year=year).exclude(pk=exclude).values_list("name", flat=True)
    )
    return name.casefold() in {n.casefold() for n in names}


def target_errors(*, city: City, ward: Ward | None, year: int, data: dict, pk: int | None = None) -> dict:
    """What is wrong with a target of this plan, by field; empty when nothing is."""
    errors: dict[str, list[str]] = {}
    name = nfc(data.get("name"))
    if "name" in data and not name:
        errors.setdefault("name", []).append(_("Name the target."))
    elif name and _same_name(city=city, ward=ward, year=year, name=name, exclude=pk):
        errors.setdefault("name", []).append(_("The plan already has a target of this name."))
    if data.get("target") is not None and data["target"] < 0:
        errors.setdefault("target", []).append(_("The target value cannot be negative."))
    return errors


def target_save(
    *,
    user,
    city: City,
    ward: Ward | None,
    year: int,
    data: dict,
    target: PlanTarget | None = None,
    version: int | None = None,
) -> PlanTarget:
    """Add a target to a plan (or change `target`, read at `version`). A target whose value becomes computed
    loses the value entered for it."""
    if not can_set_plan(user, city=city, ward=ward):
        raise PermissionDenied
    errors = target_errors(city=city, ward=ward, year=year, data=data, pk=target.pk if target else None)
    if errors:
        raise ValidationError(errors)
    values = {name: data[name] for name in TARGET_FIELDS if name in data}
    values["name"], values["unit"] = nfc(values.get("name")), nfc(values.get("unit"))
    with transaction.atomic():
        if target is None:
            target = PlanTarget(city=city, ward=ward, year=year, created_by=user, **values)
            _save_once(target)
            history_record(obj=target, user=user, action="create", changes=_changes(None, values))
            return target
        current = _claim(target, version)
        if values.get("source", current.source) != Source.ENTERED and current.achieved is not None:
            values.update(achieved=None, note="")
        changes = _changes(current, values)
        for name, value in values.items():
            setattr(current, name, value)
        current.version = F("version") + 1
        _save_once(current)
        current.refresh_from_db(fields=["version"])
        history_record(obj=current, user=user, action="update", changes=changes)
    return current


def _save_once(target: PlanTarget) -> None:
    """Save; two people adding the same name at once: the second is told, as the form would tell them."""
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise ValidationError({"name": [_("The plan already has a target of this name.")]}) from None


def achieved_enter(*, user, target: PlanTarget, data: dict, version: int | None = None) -> PlanTarget:
    """Enter (or clear) the achieved value of an entered target, with its note."""
    if not can_enter_achieved(user, city=target.city, ward=target.ward):
        raise PermissionDenied
    if target.is_computed:
        raise ValidationError(_("This target's achieved value is computed from the portal's data."))
    if data.get("achieved") is not None and data["achieved"] < 0:
        raise ValidationError({"achieved": [_("The achieved value cannot be negative.")]})
    values = {"achieved": data.get("achieved"), "note": (data.get("note") or "").strip()}
    with transaction.atomic():
        current = _claim(target, version)
        changes = _changes(current, values)
        current.achieved, current.note = values["achieved"], values["note"]
        current.version = F("version") + 1
        current.save(update_fields=["achieved", "note", "version", "updated_at"])
        current.refresh_from_db(fields=["version"])
        history_record(obj=current, user=user, action="update", changes=changes)
    return current


def target_delete(*, user, target: PlanTarget, version: int | None = None) -> None:
    if not can_set_plan(user, city=target.city, ward=target.ward):
        raise PermissionDenied
    with transaction.atomic():
        current = _claim(target, version)
        history_record(obj=current, user=user, action="delete", changes=_changes(current, {}))
        current.delete()


def plan_copy(*, user, city: City, ward: Ward | None, year: int) -> int:
    """Copy last year's targets of the plan into `year`: names, units, values, directions and sources, after
    the targets already there; not their achieved values. A name already in the plan is skipped. Returns
    how many were copied."""
    if not can_set_plan(user, city=city, ward=ward):
        raise PermissionDenied
    with transaction.atomic():
        present = PlanTarget.objects.select_for_update().of_plan(city=city, ward=ward, year=year)
        names = {name.casefold() for name in present.values_list("name", flat=True)}
        last = present.aggregate(n=Max("order"))["n"] or 0
        copies = []
        for old in PlanTarget.objects.of_plan(city=city, ward=ward, year=year - 1):
            if old.name.casefold() in names:
                continue
            copies.append(
                PlanTarget(city=city, ward=ward, year=year, created_by=user, **{n: getattr(old, n) for n in COPIED})
            )
        for i, copy in enumerate(copies, start=1):
            copy.order = last + i if last else copy.order
        PlanTarget.objects.bulk_create(copies)
        copied = PlanTarget.objects.of_plan(city=city, ward=ward, year=year).filter(name__in=[c.name for c in copies])
        kind = ContentType.objects.get_for_model(PlanTarget)
        reason = _("Copied from the plan of %(year)s.") % {"year": year - 1}
        HistoryEntry.objects.bulk_create(
            HistoryEntry(content_type=kind, object_id=pk, user=user, action="create", changes={}, reason=reason)
            for pk in copied.values_list("pk", flat=True)
        )
    return len(copies)


def _claim(target: PlanTarget, version: int | None) -> PlanTarget:
    """Lock the row; refuse when it is gone or its version moved on since the caller read it."""
    return claim_version(
        target,
        version,
        TargetChanged,
        gone=_("Someone else deleted this target meanwhile."),
        stale=_(
            "Someone else changed this target while you were editing it. What is saved now is shown above; "
            "your changes are kept below: check them and save again."
        ),
    )


def _changes(old: PlanTarget | None, values: dict) -> dict:
    return field_changes(old, values, TARGET_FIELDS + ACHIEVED_FIELDS)
