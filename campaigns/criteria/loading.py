"""Criteria sets from YAML files (campaigns/criteria/sets/*.yaml). New versions: campaigns.criteria.services."""

import hashlib
import json
from decimal import Decimal

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import Comparator, IndicatorKind, Rule
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Level
from portal.vietnamese import nfc


def _hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _choice(value, choices, what, where: str):
    if value not in choices.values:
        raise ValidationError(
            _("%(where)s: “%(value)s” is not a valid %(what)s.") % {"where": where, "value": value, "what": what}
        )
    return value


def _check_rule(rule: str, criterion: dict, where: str) -> None:
    """k of n needs a k the criterion can reach; a points total needs the points to reach.

    Without them the criterion would be met by anything (points) or need every indicator (k of n).
    """
    count = len(criterion.get("indicators") or [])
    k = criterion.get("k")
    if rule == Rule.K_OF_N and not (isinstance(k, int) and not isinstance(k, bool) and 1 <= k <= count):
        raise ValidationError(
            _("%(where)s: the rule “k_of_n” needs k, a whole number from 1 to %(count)s.")
            % {"where": where, "count": count}
        )
    if rule == Rule.POINTS and criterion.get("min_points") is None:
        raise ValidationError(_("%(where)s: the rule “points” needs min_points.") % {"where": where})


def _earlier_set(code: str, loading_code: str, loading_version: int) -> CriteriaSet | None:
    """The latest version of `code`; of the set being loaded itself, only a version before it."""
    candidates = CriteriaSet.objects.filter(code=code)
    if code == loading_code:
        candidates = candidates.filter(version__lt=loading_version)
    return candidates.order_by("-version").first()


def criteria_set_load(data: dict) -> tuple[CriteriaSet, str]:
    """Create or update a set from parsed YAML. Returns the set and "created", "updated" or "unchanged".

    A set that already has results is never rewritten: a changed file must carry a new version.
    """
    digest = _hash(data)
    code, version = data["code"], int(data.get("version", 1))
    with transaction.atomic():
        existing = CriteriaSet.objects.filter(code=code, version=version).first()
        if existing and existing.content_hash == digest:
            return existing, "unchanged"
        if existing and existing.has_results:
            raise ValidationError(
                _("Set %(code)s version %(version)s already has results; give the changed file a new version.")
                % {"code": code, "version": version}
            )
        fields = _set_fields(data, code, version, digest)
        if existing and fields["effective_to"] is None and existing.replaced_by.exists():
            fields["effective_to"] = existing.effective_to  # ended by the version that replaced it
        if existing:
            for key, value in fields.items():
                setattr(existing, key, value)
            existing.save()
            existing.criteria.all().delete()
            criteria_set, outcome = existing, "updated"
        else:
            criteria_set, outcome = CriteriaSet.objects.create(code=code, version=version, **fields), "created"
        if fields.get("replaces") is not None:  # the replaced set ends where this one begins
            CriteriaSet.objects.filter(pk=fields["replaces"].pk).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gt=fields["effective_from"])
            ).update(effective_to=fields["effective_from"])
        for c_order, c in enumerate(data.get("criteria", []), start=1):
            _criterion_create(criteria_set, c, c_order, code)
        return criteria_set, outcome


def _set_fields(data: dict, code: str, version: int, digest: str) -> dict:
    """The set's own fields as the file gives them (the sets it replaces and extends looked up)."""
    document = data.get("document", {})
    fields = {
        "name": nfc(data["name"]),
        "level": _choice(data["level"], Level, CriteriaSet._meta.get_field("level").verbose_name, code),
        "unit_kinds": list(data.get("unit_kinds", [])),
        "document_number": document.get("number", ""),
        "document_date": document.get("date"),
        "issuer": nfc(document.get("issuer", "")),
        "effective_from": data["effective_from"],
        "effective_to": data.get("effective_to"),
        "source": (data.get("source") or "").strip(),
        "content_hash": digest,
    }
    if data.get("replaces"):
        fields["replaces"] = _earlier_set(data["replaces"], code, version)
    if data.get("extends"):
        fields["extends"] = _earlier_set(data["extends"], code, version)
    return fields


def _criterion_create(criteria_set: CriteriaSet, c: dict, order: int, code: str) -> Criterion:
    """One criterion of the file with its indicators, in the file's order."""
    where = f"{code} {_('criterion')} {c['number']}"
    rule = _choice(c.get("rule", Rule.ALL), Rule, Criterion._meta.get_field("rule").verbose_name, where)
    _check_rule(rule, c, where)
    criterion = Criterion.objects.create(
        criteria_set=criteria_set,
        number=str(c["number"]),
        name=nfc(c["name"]),
        short_name=nfc(c.get("short", "")),
        group=nfc(c.get("group", "")),
        order=order,
        rule=rule,
        k=c.get("k"),
        min_points=c.get("min_points"),
    )
    for i_order, i in enumerate(c.get("indicators", []), start=1):
        _indicator_create(criterion, i, i_order, code)
    return criterion


def _indicator_create(criterion: Criterion, i: dict, order: int, code: str) -> Indicator:
    where = f"{code} {i['code']}"

    def choice(key: str, choices, default):
        return _choice(i.get(key, default), choices, Indicator._meta.get_field(key).verbose_name, where)

    return Indicator.objects.create(
        criterion=criterion,
        code=str(i["code"]),
        name=nfc(i["name"]),
        kind=_choice(i["kind"], IndicatorKind, Indicator._meta.get_field("kind").verbose_name, where),
        unit=i.get("unit", ""),
        comparator=choice("comparator", Comparator, Comparator.GTE),
        threshold=None if i.get("threshold") is None else Decimal(str(i["threshold"])),
        zone_thresholds={k: str(v) for k, v in (i.get("zones") or {}).items()},
        threshold_is_example=bool(i.get("example", False)),
        max_points=i.get("max_points"),
        frequency=choice("frequency", Indicator.Frequency, Indicator.Frequency.MONTHLY),
        source=choice("source", Indicator.Source, ""),
        bounded_by=choice("bounded_by", Indicator.Bound, ""),
        order=order,
    )


def criteria_set_load_file(path) -> tuple[CriteriaSet, str]:
    with open(path, encoding="utf-8") as f:
        return criteria_set_load(yaml.safe_load(f))
