"""A set that extends another (`extends:`): the criteria it is made of, and what it may not loosen.

A province's kiểu mẫu set is laid over the national văn hóa frame: a unit is assessed against every criterion of
the frame, with the thresholds the province tightened, plus the province's own criteria. Merging, as
`merged_criteria` does it:

- the parent's criteria come first, in the parent's order, each with the parent's name, group, rule and
  indicators; its `decision` is the decision it comes from (the parent's number, or, when the parent itself
  extends a set, the decision the parent took it from);
- a criterion of the extending set with the number of a parent criterion merges into it: it does not rename it
  or change its rule (a changed rule is a problem); a higher `k` or `min_points` applies, a lower one is a
  problem. The criterion keeps the parent's decision, whatever changed inside it;
- an indicator of that criterion with a parent indicator's code overrides the parent's `threshold`, `zones`
  (merged: the parent's zones stay unless the extending set names them) and `example`; its name, kind, unit,
  comparator, frequency and source stay the parent's. When it changes anything, its `decision` is "" (the
  extending set's own decision states the number), else the parent's. Loosening a threshold, default or zone,
  and changing the kind or the comparator are problems, and the parent's value is kept;
- indicators with new codes are added after the parent's, `decision` "";
- criteria with new numbers come after the parent's, in the extending set's order, `decision` "" (as are
  their indicators).

The function never raises: the validation calls it on raw YAML, so anything it cannot read is passed through or
left to the loader's own checks.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import NUMERIC_KINDS, Comparator, IndicatorKind, Rule, display
from campaigns.criteria.models import CriteriaSet, Indicator
from campaigns.criteria.problems import Problem

# The keys an extending set may override on an inherited indicator.
OVERRIDDEN = ("threshold", "zones", "example")
_UP = {Comparator.GTE, Comparator.GT}  # a higher number is harder to meet
_DOWN = {Comparator.LTE, Comparator.LT}  # a lower number is harder to meet


def decision_label(criteria_set: CriteriaSet) -> str:
    """How a set's decision is named where a criterion or indicator comes from it: “86/2023/NĐ-CP”."""
    return criteria_set.document_number or criteria_set.name


def _plain(value):
    """A stored Decimal as YAML would give it (int or float), so the dicts look like the parsed files."""
    if value is None or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError, TypeError):
        return value
    return int(number) if number == number.to_integral_value() else float(number)


def _number(value) -> Decimal | None:
    """A threshold as a Decimal; None when absent or unreadable (the loader reports unreadable ones)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return Decimal(int(value))
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _readable(value) -> bool:
    """Whether a threshold given by the extending set can be compared: a number, or null (no threshold)."""
    return value is None or _number(value) is not None


def _text(kind: str, comparator: str, value) -> str:
    """A threshold as the set page shows it: “≥ 90”, “Có”, “any value”."""
    if kind == IndicatorKind.BOOLEAN:
        return display(IndicatorKind.BOOLEAN, 1 if value is None else value)
    if value is None:
        return _("any value")
    label = dict(Comparator.choices).get(comparator, comparator)
    return f"{label} {display(kind, value)}"


def loosens(kind: str, comparator: str, parent, child) -> bool:
    """Whether `child` is easier to meet than `parent` for an indicator of this kind and comparator.

    Numbers: lower under ≥/>, higher under ≤/<, any change under =, none where the parent has one. Yes/no: any
    other expected answer (it cannot be tightened). Text: never (the threshold does not apply).
    """
    if kind == IndicatorKind.TEXT:
        return False
    old, new = _number(parent), _number(child)
    if kind == IndicatorKind.BOOLEAN:
        return (old is None or old != 0) != (new is None or new != 0)
    if old is None:
        return False  # the parent accepts any value: any number tightens it
    if new is None:
        return True
    if comparator in _UP:
        return new < old
    if comparator in _DOWN:
        return new > old
    return new != old


def _criterion_where(number) -> str:
    return _("Criterion %(number)s") % {"number": number}


def _indicator_where(number, code) -> str:
    indicator = _("Indicator %(code)s") % {"code": code}
    return f"{_criterion_where(number)} › {indicator}"


def indicator_data(indicator, decision: str = "") -> dict:
    """A stored indicator as a YAML file gives it; `decision` stands where it names none of its own."""
    return {
        "code": indicator.code,
        "name": indicator.name,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "comparator": indicator.comparator,
        "threshold": _plain(indicator.threshold),
        "zones": {zone: _plain(value) for zone, value in (indicator.zone_thresholds or {}).items()},
        "example": indicator.threshold_is_example,
        "max_points": _plain(indicator.max_points),
        "frequency": indicator.frequency,
        "source": indicator.source,
        "bounded_by": indicator.bounded_by,
        "decision": indicator.decision or decision,  # blank: the parent's own decision, even in a criterion it took
    }


def criterion_data(criterion, decision: str = "") -> dict:
    """A stored criterion and its indicators as a YAML file gives them (the loader's dict format); `decision`
    stands where they name none of their own."""
    own = criterion.decision or decision
    return {
        "number": criterion.number,
        "name": criterion.name,
        "short": criterion.short_name,
        "group": criterion.group,
        "rule": criterion.rule,
        "k": criterion.k,
        "min_points": _plain(criterion.min_points),
        "decision": own,
        "indicators": [indicator_data(i, decision) for i in criterion.indicators.all()],
    }


def _own(entry: dict) -> dict:
    """A criterion or indicator of the extending set itself, as the file gives it, with decision ""."""
    copy = dict(entry)
    copy["decision"] = ""
    if isinstance(entry.get("indicators"), list):
        copy["indicators"] = [_own(i) if isinstance(i, dict) else i for i in entry["indicators"]]
    return copy


class _Merge:
    def __init__(self, parent: CriteriaSet):
        self.parent = parent
        self.decision = decision_label(parent)
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str, path: tuple) -> None:
        self.problems.append(Problem(where=where, message=message, path=path))

    def criterion(self, merged: dict, child: dict, c_index: int) -> None:
        """Merge the extending set's criterion `child` into the parent's `merged` (changed in place)."""
        number = merged["number"]
        where = _criterion_where(number)
        rule = child.get("rule")
        if rule is not None and rule != merged["rule"]:
            self.problem(
                f"{where} › rule",
                _("The rule of a criterion of %(decision)s cannot change (there: %(parent)s).")
                % {"decision": merged["decision"], "parent": dict(Rule.choices).get(merged["rule"], merged["rule"])},
                ("criteria", c_index, "rule"),
            )
        for key in ("k", "min_points"):
            if key not in child or child[key] is None:
                continue
            old, new = _number(merged[key]), _number(child[key])
            if new is None:
                continue
            if old is not None and new < old:
                self.problem(
                    f"{where} › {key}",
                    _(
                        "%(value)s is lower than %(parent)s, set by %(decision)s: an extending set may only keep or "
                        "raise it."
                    )
                    % {"value": _plain(new), "parent": _plain(old), "decision": merged["decision"]},
                    ("criteria", c_index, key),
                )
            elif key == "min_points" or merged["rule"] == Rule.K_OF_N:
                merged[key] = child[key]
        inherited = {i["code"]: i for i in merged["indicators"]}
        indicators = child.get("indicators")
        for i_index, entry in enumerate(indicators if isinstance(indicators, list) else []):
            if not isinstance(entry, dict):
                merged["indicators"].append(entry)
                continue
            code = entry.get("code")
            code = str(code) if code is not None else None
            if code in inherited:
                self.indicator(inherited[code], entry, number, ("criteria", c_index, "indicators", i_index))
            else:
                merged["indicators"].append(_own(entry))

    def indicator(self, merged: dict, child: dict, number, path: tuple) -> None:
        """Override the inherited indicator `merged` with the extending set's `child` (changed in place)."""
        where = _indicator_where(number, merged["code"])
        kind, comparator = merged["kind"], merged["comparator"]
        for key, label in (("kind", dict(IndicatorKind.choices)), ("comparator", dict(Comparator.choices))):
            given = child.get(key)
            if given is not None and given != merged[key]:
                self.problem(
                    f"{where} › {key}",
                    _("The %(key)s of an indicator of %(decision)s cannot change (there: %(parent)s).")
                    % {
                        "key": Indicator._meta.get_field(key).verbose_name,
                        "decision": merged["decision"],
                        "parent": label.get(merged[key], merged[key]),
                    },
                    (*path, key),
                )
        changed = False
        default, parent_zones = merged["threshold"], merged["zones"]  # the parent's, before any override
        if "threshold" in child and _readable(child["threshold"]):
            if loosens(kind, comparator, default, child["threshold"]):
                self.loosened(where, merged, default, child["threshold"], (*path, "threshold"))
            elif kind in NUMERIC_KINDS and _number(child["threshold"]) != _number(default):
                merged["threshold"], changed = child["threshold"], True
        zones = child.get("zones")
        for zone, value in zones.items() if isinstance(zones, dict) else ():
            if not _readable(value):
                continue
            before = parent_zones.get(zone, default)
            if loosens(kind, comparator, before, value):
                self.loosened(f"{where} › zones › {zone}", merged, before, value, (*path, "zones", zone))
            elif kind in NUMERIC_KINDS and (zone not in parent_zones or _number(value) != _number(before)):
                merged["zones"] = {**merged["zones"], zone: value}
                changed = True
        if "example" in child and bool(child["example"]) != bool(merged["example"]):
            merged["example"], changed = bool(child["example"]), True
        if changed:
            merged["decision"] = ""

    def loosened(self, where: str, merged: dict, before, after, path: tuple) -> None:
        kind, comparator = merged["kind"], merged["comparator"]
        if kind == IndicatorKind.BOOLEAN:
            message = _("A yes/no indicator of %(decision)s expects “%(parent)s”; an extending set cannot change it.")
        else:
            message = _(
                "“%(value)s” is looser than “%(parent)s”, the threshold of %(decision)s: an extending set may only "
                "keep or tighten it."
            )
        self.problem(
            where,
            message
            % {
                "value": _text(kind, comparator, _number(after)),
                "parent": _text(kind, comparator, _number(before)),
                "decision": merged["decision"],
            },
            path,
        )


def merged_criteria(data: dict, parent: CriteriaSet) -> tuple[list[dict], list[Problem]]:
    """The criteria a set extending `parent` is made of (the loader's dict format, with `decision` on each
    criterion and indicator), and the problems of the extension. See the module's docstring for the rules."""
    data = data if isinstance(data, dict) else {}
    children = data.get("criteria")
    children = children if isinstance(children, list) else []
    if not isinstance(parent, CriteriaSet):
        return [_own(c) if isinstance(c, dict) else c for c in children], []
    merge = _Merge(parent)
    level = data.get("level")
    if level is not None and level != parent.level:
        merge.problem(
            "extends",
            _("“%(parent)s” is a set for another level (%(level)s): a set can only extend a set of its own level.")
            % {"parent": parent.name, "level": parent.get_level_display()},
            ("extends",),
        )
    criteria = [criterion_data(c, merge.decision) for c in parent.criteria.prefetch_related("indicators")]
    by_number = {c["number"]: c for c in criteria}
    added, merged_numbers = [], set()
    for c_index, child in enumerate(children):
        if not isinstance(child, dict):
            added.append(child)  # left for the loader to refuse
            continue
        number = child.get("number")
        number = str(number) if number is not None else None
        if number in by_number and number not in merged_numbers:
            merged_numbers.add(number)
            merge.criterion(by_number[number], child, c_index)
        else:  # a criterion of its own, or a second entry for one number, which the loader refuses as a duplicate
            added.append(_own(child))
    return criteria + added, merge.problems
