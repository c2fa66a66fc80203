"""Criteria sets from YAML files (campaigns/criteria/sets/*.yaml). New versions: campaigns.criteria.services.

The format is documented by campaigns/criteria/sets/schema.json and checked by
campaigns.criteria.validation.set_problems, the one validation: nothing is written while it lists a mistake.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import Comparator, Rule
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Programme
from campaigns.criteria.validation import as_date, as_number, as_version, earlier_set, parse_yaml, set_problems
from portal.vietnamese import nfc
from wards.models import City


def _hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def criteria_set_load(data: dict) -> tuple[CriteriaSet, str]:
    """Create or update a set from parsed YAML. Returns the set and "created", "updated" or "unchanged".

    Every mistake in the data is listed first (set_problems): with any, it raises ValidationError holding
    them all and writes nothing. A set that already has results is never rewritten: a changed file must
    carry a new version.
    """
    problems = set_problems(data)
    if problems:
        raise ValidationError([str(problem) for problem in problems])
    digest = _hash(data)
    code, version = data["code"].strip(), as_version(data.get("version", 1))
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
            criteria_set, outcome = CriteriaSet(code=code, version=version, **fields), "created"
            criteria_set._province_set = bool(data.get("province"))  # its programme: _programme_for
            criteria_set.save()
        if fields.get("replaces") is not None:  # the replaced set ends where this one begins
            CriteriaSet.objects.filter(pk=fields["replaces"].pk).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gt=fields["effective_from"])
            ).update(effective_to=fields["effective_from"])
        for c_order, c in enumerate(_criteria(data, fields.get("extends")), start=1):
            _criterion_create(criteria_set, c, c_order)
        if outcome == "created":
            _programme_for(criteria_set, data.get("province"))
        return criteria_set, outcome


def _programme_for(criteria_set: CriteriaSet, province) -> None:
    """A province's set (`province`: its official code) is followed by that province's units only: its
    programme is made for the province, or not at all while the province is not in the portal (an
    administrator then says who follows it). Other sets have theirs made when saved (models._set_programme)."""
    if not province or Programme.objects.filter(criteria_code=criteria_set.code).exists():
        return
    city = City.objects.filter(code=str(province).strip()).first()
    if city is not None:
        Programme.objects.for_set(criteria_set, city=city)


def _criteria(data: dict, parent: CriteriaSet | None) -> list[dict]:
    """The criteria a set is made of: its own; for a set that extends another, the parent's as the set tightens
    and adds to them (campaigns.criteria.extension, each carrying the decision it comes from)."""
    if parent is not None:
        try:
            from campaigns.criteria.extension import merged_criteria
        except ImportError:
            merged_criteria = None
        if merged_criteria is not None:
            return merged_criteria(data, parent)[0]
    return data.get("criteria") or []


def _set_fields(data: dict, code: str, version: int, digest: str) -> dict:
    """The set's own fields as the file gives them (the sets it replaces and extends looked up)."""
    document = data["document"]
    fields = {
        "name": nfc(data["name"]),
        "level": data["level"],
        "unit_kinds": list(data.get("unit_kinds") or []),
        "document_number": nfc(str(document["number"])),
        "document_date": as_date(document.get("date")),
        "issuer": nfc(document.get("issuer") or ""),
        "effective_from": as_date(data["effective_from"]),
        "effective_to": as_date(data.get("effective_to")),
        "source": (data.get("source") or "").strip(),
        "content_hash": digest,
    }
    if data.get("replaces"):
        fields["replaces"] = earlier_set(data["replaces"].strip(), code, version)
    if data.get("extends"):
        fields["extends"] = earlier_set(data["extends"].strip(), code, version)
    return fields


def _criterion_create(criteria_set: CriteriaSet, c: dict, order: int) -> Criterion:
    """One criterion of a checked set with its indicators, in the file's order."""
    criterion = Criterion.objects.create(
        criteria_set=criteria_set,
        number=str(c["number"]).strip(),
        name=nfc(c["name"]),
        short_name=nfc(c.get("short") or ""),
        group=nfc(c.get("group") or ""),
        order=order,
        rule=c.get("rule") or Rule.ALL,
        k=c.get("k"),
        min_points=as_number(c.get("min_points")),
        decision=nfc(c.get("decision") or ""),
    )
    for i_order, i in enumerate(c.get("indicators") or [], start=1):
        _indicator_create(criterion, i, i_order)
    return criterion


def _indicator_create(criterion: Criterion, i: dict, order: int) -> Indicator:
    zones = i.get("zones") or {}
    return Indicator.objects.create(
        criterion=criterion,
        code=str(i["code"]).strip(),
        name=nfc(i["name"]),
        kind=i["kind"],
        unit=i.get("unit") or "",
        comparator=i.get("comparator") or Comparator.GTE,
        threshold=as_number(i.get("threshold")),
        zone_thresholds={zone: str(as_number(value)) for zone, value in zones.items()},
        threshold_is_example=bool(i.get("example", False)),
        max_points=as_number(i.get("max_points")),
        frequency=i.get("frequency") or Indicator.Frequency.MONTHLY,
        source=i.get("source") or "",
        bounded_by=i.get("bounded_by") or "",
        order=order,
        decision=nfc(i.get("decision") or ""),
    )


def criteria_set_load_file(path) -> tuple[CriteriaSet, str]:
    """Load a set from its YAML file; a syntax error is reported with its line and column."""
    with open(path, encoding="utf-8") as f:
        data, problems = parse_yaml(f.read())
    if problems:
        raise ValidationError([str(problem) for problem in problems])
    return criteria_set_load(data)
