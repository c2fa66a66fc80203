"""What the set's form posts for a set given as a dict (an upload taken back to the form) or stored (copied into a
new version): the reverse of SetAuthoring.set_data, so that the form opens filled in."""

from datetime import date
from decimal import Decimal

from django.http import QueryDict

from campaigns.criteria.authoring.forms import (
    CRITERIA_PREFIX,
    DATE,
    FLAG,
    KINDS,
    NUMBER,
    SET_PREFIX,
    ZONES,
    AuthoringForm,
    CriterionForm,
    IndicatorForm,
    SetForm,
    indicators_prefix,
)
from campaigns.criteria.evaluation import Rule
from campaigns.criteria.extension import criterion_data
from campaigns.criteria.models import CriteriaSet
from portal.dates import DATE_INPUT
from portal.numbers import number_input


def _box(kind: str, value) -> str | list | None:
    if value is None:
        return None
    if kind == KINDS:
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if kind == FLAG:
        return "on" if value else None
    if kind == DATE and isinstance(value, date):
        return value.strftime(DATE_INPUT)
    if kind == NUMBER and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return number_input(Decimal(str(value)))
    if kind == ZONES and isinstance(value, dict):
        return "; ".join(f"{zone}={_box(NUMBER, v)}" for zone, v in value.items())
    return str(value)


def _fill(out: QueryDict, form_class: type[AuthoringForm], prefix: str, part) -> None:
    part = part if isinstance(part, dict) else {}
    for name, (key, kind) in form_class.keys.items():
        value = part
        for step in key:
            value = value.get(step) if isinstance(value, dict) else None
        box = _box(kind, value)
        if isinstance(box, list):
            out.setlist(f"{prefix}-{name}", box)
        elif box is not None:
            out[f"{prefix}-{name}"] = box


def form_data(data: dict) -> QueryDict:
    """What the set's form posts for `data` (a dict as a YAML file gives it)."""
    out = QueryDict(mutable=True)
    _fill(out, SetForm, SET_PREFIX, data)
    criteria = data.get("criteria") if isinstance(data.get("criteria"), list) else []
    out[f"{CRITERIA_PREFIX}-TOTAL_FORMS"] = str(len(criteria))
    out[f"{CRITERIA_PREFIX}-INITIAL_FORMS"] = "0"
    for n, criterion in enumerate(criteria):
        _fill(out, CriterionForm, f"{CRITERIA_PREFIX}-{n}", criterion)
        indicators = criterion.get("indicators") if isinstance(criterion, dict) else None
        indicators = indicators if isinstance(indicators, list) else []
        out[f"{indicators_prefix(n)}-TOTAL_FORMS"] = str(len(indicators))
        out[f"{indicators_prefix(n)}-INITIAL_FORMS"] = "0"
        for m, indicator in enumerate(indicators):
            _fill(out, IndicatorForm, f"{indicators_prefix(n)}-{m}", indicator)
    return out


def blank_set() -> dict:
    """A new set's form: version 1, one criterion with one indicator to fill in."""
    return {"version": 1, "criteria": [{"rule": Rule.ALL, "indicators": [{}]}]}


def set_as_data(criteria_set: CriteriaSet) -> dict:
    """A stored set as the dict its YAML file would give."""
    document = {"number": criteria_set.document_number, "date": criteria_set.document_date}
    document["issuer"] = criteria_set.issuer
    data = {
        "code": criteria_set.code,
        "version": criteria_set.version,
        "name": criteria_set.name,
        "level": criteria_set.level,
        "unit_kinds": list(criteria_set.unit_kinds or []),
        "document": {k: v for k, v in document.items() if v not in (None, "")},
        "effective_from": criteria_set.effective_from,
        "effective_to": criteria_set.effective_to,
        "replaces": criteria_set.replaces.code if criteria_set.replaces_id else None,
        "extends": criteria_set.extends.code if criteria_set.extends_id else None,
        "source": criteria_set.source,
    }
    data["criteria"] = [criterion_data(c) for c in criteria_set.criteria.prefetch_related("indicators")]
    return data


def next_version_data(criteria_set: CriteriaSet, latest_version: int) -> dict:
    """The form of a new version of `criteria_set`: its content, the next version, replacing its code; the day it
    comes into force is left for the administrator to give."""
    data = set_as_data(criteria_set)
    data.update(version=latest_version + 1, replaces=criteria_set.code, effective_from=None, effective_to=None)
    return data
