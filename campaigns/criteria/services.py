"""Changes administrators make to criteria sets: a new version of a set, an indicator's thresholds.

Each workflow is one transaction with its history entry. Loading sets from their YAML files
lives in campaigns.criteria.loading.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import display
from campaigns.criteria.models import CriteriaSet, Indicator
from portal.models import history_record


def criteria_set_new_version(*, criteria_set: CriteriaSet, user, effective_from: date | None = None) -> CriteriaSet:
    """Copy a set into its next version, in force from `effective_from`; the old one ends the day before.

    Results already entered keep pointing at the old version.
    """
    effective_from = effective_from or timezone.localdate()
    with transaction.atomic():
        latest = CriteriaSet.objects.select_for_update().filter(code=criteria_set.code).order_by("-version").first()
        if latest.pk != criteria_set.pk:  # copying v1 while v2 exists would leave v2 in force forever
            raise ValidationError(
                _("Version %(version)s of this set already exists: copy the latest version instead.")
                % {"version": latest.version}
            )
        if effective_from <= criteria_set.effective_from:
            raise ValidationError(_("The new version must come into force after this one."))
        copy = CriteriaSet.objects.create(
            code=criteria_set.code,
            version=latest.version + 1,
            name=criteria_set.name,
            level=criteria_set.level,
            unit_kinds=list(criteria_set.unit_kinds),
            document_number=criteria_set.document_number,
            document_date=criteria_set.document_date,
            issuer=criteria_set.issuer,
            effective_from=effective_from,
            replaces=criteria_set,
            extends=criteria_set.extends,
            source=criteria_set.source,
        )
        _copy_criteria(criteria_set, copy)
        if criteria_set.effective_to is None or criteria_set.effective_to > effective_from:
            CriteriaSet.objects.filter(pk=criteria_set.pk).update(effective_to=effective_from)
        history_record(
            obj=copy, user=user, action="new_version", changes={"version": [criteria_set.version, copy.version]}
        )
        return copy


def _copy_criteria(source: CriteriaSet, copy: CriteriaSet) -> None:
    for criterion in source.criteria.prefetch_related("indicators"):
        indicators = list(criterion.indicators.all())
        criterion.pk, criterion.criteria_set = None, copy
        criterion.save()
        for indicator in indicators:
            indicator.pk, indicator.criterion = None, criterion
            indicator.save()


def indicator_threshold_change(
    *,
    user,
    indicator: Indicator,
    threshold: Decimal | None,
    zone_thresholds: dict[str, str],
    threshold_is_example: bool,
    reason: str = "",
) -> bool:
    """Set an indicator's default threshold, its zone thresholds and its example flag; False if nothing changed.

    `zone_thresholds` is the whole new mapping, as the indicator stores it (zone → "1.5").
    The history entry holds each change as people read it. Only for a set no result points at
    yet: the caller refuses the others, since a set with results changes by a new version.
    """
    with transaction.atomic():
        current = Indicator.objects.select_for_update().get(pk=indicator.pk)
        changes = _threshold_changes(current, threshold, zone_thresholds, threshold_is_example)
        if not changes:
            return False
        current.threshold = threshold
        current.zone_thresholds = zone_thresholds
        current.threshold_is_example = threshold_is_example
        current.save(update_fields=["threshold", "zone_thresholds", "threshold_is_example"])
        history_record(obj=current, user=user, action="update", changes=changes, reason=reason)
        return True


def _value_text(indicator: Indicator, value) -> str | None:
    return None if value is None else display(indicator.kind, value)


def _threshold_changes(
    indicator: Indicator, threshold: Decimal | None, zone_thresholds: dict[str, str], threshold_is_example: bool
) -> dict:
    """{field: [old, new]} as people read them, for the history."""
    changes = {}
    if indicator.threshold != threshold:
        changes["threshold"] = [_value_text(indicator, indicator.threshold), _value_text(indicator, threshold)]
    old_zones = indicator.zone_thresholds or {}
    for zone in sorted(set(old_zones) | set(zone_thresholds)):
        before = None if zone not in old_zones else Decimal(str(old_zones[zone]))
        after = None if zone not in zone_thresholds else Decimal(zone_thresholds[zone])
        if before != after:
            changes[f"zone_thresholds.{zone}"] = [_value_text(indicator, before), _value_text(indicator, after)]
    if indicator.threshold_is_example != threshold_is_example:
        changes["threshold_is_example"] = [
            _("Yes") if indicator.threshold_is_example else _("No"),
            _("Yes") if threshold_is_example else _("No"),
        ]
    return changes
