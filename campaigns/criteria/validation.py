"""The one validation of a criteria set file: every mistake at once, each with its place in words.

`parse_yaml` reads the text (a syntax error becomes a problem with its line and column);
`set_problems` checks the parsed set against the format that `campaigns/criteria/sets/schema.json`
documents. The loader, the upload page and the forms all call `set_problems` and save nothing while it
lists anything. It never raises, whatever the shape of the data, and reads the database only for
`replaces` and `extends`.

The mistakes it knows are listed, with the broken files that prove each one, in the docstring of
campaigns.criteria.validation_samples (BROKEN_VARIANTS, VALID_SAMPLE and BROKEN_YAML_SYNTAX are re-exported here).
"""

import re

import yaml
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaigns.criteria.evaluation import Comparator, IndicatorKind, Rule
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Level
from campaigns.criteria.problems import Problem
from campaigns.criteria.validation_checker import (
    POINTS_LIMIT,
    Checker,
    Place,
    as_date,
    as_number,
    as_version,
    check_threshold,
    found,
    hint,
    label,
    show,
)
from campaigns.criteria.validation_rules import check_rule
from portal.vietnamese import fold

# The keys of each level of a set file. schema.json names exactly these (a test holds them together).
SET_KEYS = (
    "code",
    "version",
    "name",
    "level",
    "unit_kinds",
    "document",
    "effective_from",
    "effective_to",
    "replaces",
    "extends",
    "province",
    "source",
    "criteria",
)
DOCUMENT_KEYS = ("number", "date", "issuer")
CRITERION_KEYS = ("number", "name", "short", "group", "rule", "k", "min_points", "decision", "indicators")
INDICATOR_KEYS = (
    "code",
    "name",
    "kind",
    "unit",
    "comparator",
    "threshold",
    "zones",
    "example",
    "max_points",
    "frequency",
    "source",
    "bounded_by",
    "decision",
)
SET_REQUIRED = ("code", "name", "level", "document", "effective_from", "criteria")
DOCUMENT_REQUIRED = ("number",)
CRITERION_REQUIRED = ("number", "name", "indicators")
INDICATOR_REQUIRED = ("code", "name", "kind")

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def _zones() -> list[str]:
    from wards.models import Ward

    return list(Ward.Zone.values)


def unit_kinds_for(level: str) -> list[str]:
    """The unit kinds a set of `level` may name: Neighbourhood.Kind or Ward.Kind."""
    from wards.models import Neighbourhood, Ward

    return list(Neighbourhood.Kind.values if level == Level.NEIGHBOURHOOD else Ward.Kind.values)


def earlier_set(code: str, loading_code, loading_version: int) -> CriteriaSet | None:
    """The latest version of `code`; of the set being loaded itself, only a version before it."""
    candidates = CriteriaSet.objects.filter(code=code)
    if code == loading_code:
        candidates = candidates.filter(version__lt=loading_version)
    return candidates.order_by("-version").first()


# --- the set --------------------------------------------------------------------------------------------------


def parse_yaml(text: str) -> tuple[dict | None, list[Problem]]:
    """The set a YAML text holds, or None and the problem: a syntax error (with its line and column) or a text
    that is not one mapping."""
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (
            _("Line %(line)s, column %(column)s") % {"line": mark.line + 1, "column": mark.column + 1} if mark else ""
        )
        detail = exc.problem or exc.context or ""
        message = _("the file is not valid YAML (%(detail)s); check the indentation, colons and quotes here") % {
            "detail": detail
        }
        return None, [Problem(where, message, ())]
    except (yaml.YAMLError, ValueError, RecursionError) as exc:  # ValueError: a date such as 2024-02-30
        return None, [Problem("", _("the file is not valid YAML (%(detail)s)") % {"detail": exc}, ())]
    if not isinstance(data, dict):
        message = _("the file should hold one criteria set (keys code, name, level, criteria…), not %(found)s")
        return None, [Problem("", message % {"found": found(data)}, ())]
    return data, []


def set_problems(data) -> list[Problem]:
    """Every mistake in a parsed set, each with its place; [] when it can be loaded as it is."""
    check = Checker()
    top = Place()
    if not isinstance(data, dict):
        message = _("the file should hold one criteria set (keys code, name, level, criteria…), not %(found)s")
        return [Problem("", message % {"found": found(data)}, ())]
    check.keys(data, SET_KEYS, SET_REQUIRED, top)
    code = check.text(data, "code", top, ("set", "code"), required=True)
    if code is not None and code.strip() and not _SLUG.match(code):
        example = slugify(fold(code)) or "thon-kieu-mau"
        check.add(
            top.key("code"),
            _(
                "“%(value)s” is not a valid code; use only lowercase letters without accents, digits and hyphens, "
                "e.g. %(example)s"
            )
            % {"value": show(code), "example": example},
        )
    version = 1
    if "version" in data:
        version = as_version(data["version"])
        if version is None:
            check.add(
                top.key("version"),
                _("“%(value)s” is not a version number; write a whole number from 1, e.g. 2")
                % {"value": show(data["version"])},
            )
    check.text(data, "name", top, ("set", "name"), required=True)
    check.text(data, "source", top)
    check.text(data, "province", top)
    level = check.choice(data, "level", Level, CriteriaSet._meta.get_field("level").verbose_name, top)
    _check_unit_kinds(check, data, level, top)
    document = data.get("document")
    if document is not None and check.mapping(document, top.key("document")) is not None:
        place = top.key("document")
        check.keys(document, DOCUMENT_KEYS, DOCUMENT_REQUIRED, place)
        check.text(document, "number", place, ("document", "number"), required=True)
        check.text(document, "issuer", place, ("document", "issuer"))
        check.date(document, "date", place)
    start = check.date(data, "effective_from", top)
    end = check.date(data, "effective_to", top)
    if start and end and end <= start:
        check.add(
            top.key("effective_to"),
            _("the end %(end)s is not after the start %(start)s; write a day after %(start)s")
            % {"end": date_format(end, "d/m/Y"), "start": date_format(start, "d/m/Y")},
        )
    loading_code = code if isinstance(code, str) else None
    _check_replaces(check, data, loading_code, version or 1, top)
    parent = _check_extends(check, data, loading_code, version or 1, level, top)
    _check_criteria(check, data, parent, top)
    return check.problems


def _check_unit_kinds(check: Checker, data: dict, level: str | None, top: Place) -> None:
    if "unit_kinds" not in data or data["unit_kinds"] is None:
        return
    kinds = check.listing(data["unit_kinds"], top.key("unit_kinds"))
    if kinds is None or level is None:
        return
    valid = unit_kinds_for(level)
    for index, kind in enumerate(kinds):
        if kind not in valid:
            message = _("there is no unit kind “%(value)s” at the level “%(level)s”; use: %(choices)s") % {
                "value": show(kind),
                "level": Level(level).label,
                "choices": ", ".join(valid),
            }
            check.add(top.key("unit_kinds").key(index), message + hint(kind, valid))


def _named_set(check: Checker, data: dict, key: str, loading_code, version: int, top: Place):
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        check.add(top.key(key), _("“%(value)s” should be the code of a criteria set") % {"value": show(value)})
        return None
    found = earlier_set(value.strip(), loading_code, version)
    if found is not None:
        return found
    if value.strip() == loading_code:
        message = _("set “%(value)s” has no version before %(version)s; name an earlier version's set") % {
            "value": value,
            "version": version,
        }
    else:
        message = _("no criteria set has the code “%(value)s”; name the code of a set already loaded") % {
            "value": value
        }
    codes = CriteriaSet.objects.values_list("code", flat=True).distinct()
    check.add(top.key(key), message + hint(value, list(codes[:500])))
    return None


def _check_replaces(check: Checker, data: dict, loading_code, version: int, top: Place) -> None:
    _named_set(check, data, "replaces", loading_code, version, top)


def _check_extends(check: Checker, data: dict, loading_code, version: int, level, top: Place):
    """The set this one extends, when it names one of its own level; its merge problems are added."""
    parent = _named_set(check, data, "extends", loading_code, version, top)
    if parent is None:
        return None
    if level is not None and parent.level != level:
        check.add(
            top.key("extends"),
            _(
                "set “%(value)s” is for the level “%(other)s”, this one for “%(level)s”; "
                "a set extends only a set of its own level"
            )
            % {"value": parent.code, "other": parent.get_level_display(), "level": Level(level).label},
        )
        return None
    return parent


# --- criteria and indicators ------------------------------------------------------------------------------------


def _check_criteria(check: Checker, data: dict, parent, top: Place) -> None:
    place = top.key("criteria")
    criteria = data.get("criteria")
    if criteria is None:
        return  # reported as missing
    criteria = check.listing(criteria, place)
    if criteria is None:
        return
    parent_numbers, parent_codes = _parent_keys(parent)
    if not criteria and parent is None:
        check.add(place, _("the set has no criteria; list them under “criteria”"))
    numbers: dict[str, int] = {}
    codes: dict[str, str] = {}
    for index, criterion in enumerate(criteria):
        number = label(criterion.get("number")) if isinstance(criterion, dict) else None
        word = (
            _("Criterion %(number)s") % {"number": number}
            if number
            else _("Criterion no. %(position)s") % {"position": index + 1}
        )
        here = Place((word,), (*place.path, index))  # "Tiêu chí 3", without "criteria"
        if check.mapping(criterion, here) is None:
            continue
        if number is not None:
            if number in numbers:
                check.add(
                    here.key("number"),
                    _(
                        "criterion number “%(value)s” is used twice (also criterion no. %(first)s); "
                        "give each criterion its own number"
                    )
                    % {"value": number, "first": numbers[number]},
                )
            else:
                numbers[number] = index + 1
        inherited = number is not None and number in parent_numbers
        _check_criterion(check, criterion, here, inherited, parent_codes, codes, number or str(index + 1))
        if parent is None or not inherited:
            check_rule(check, criterion, here)
    if parent is not None:
        _check_merge(check, data, parent, place, criteria)


def _check_criterion(check, criterion: dict, here: Place, inherited: bool, parent_codes, codes: dict, number: str):
    check.keys(criterion, CRITERION_KEYS, CRITERION_REQUIRED, here, lenient=inherited)
    for key in ("number", "name", "short", "group", "decision"):
        check.text(criterion, key, here, ("criterion", key), required=key in ("number", "name"))
    check.choice(criterion, "rule", Rule, Criterion._meta.get_field("rule").verbose_name, here)
    indicators = criterion.get("indicators")
    if indicators is None:
        return
    indicators = check.listing(indicators, here.key("indicators"))
    if indicators is None:
        return
    if not indicators and not inherited:
        check.add(
            here.key("indicators"),
            _("the criterion has no indicators, so no unit could ever meet it; add at least one under “indicators”"),
        )
    for i_index, indicator in enumerate(indicators):
        code = label(indicator.get("code")) if isinstance(indicator, dict) else None
        word = (
            _("Indicator %(code)s") % {"code": code}
            if code
            else _("Indicator no. %(position)s") % {"position": i_index + 1}
        )
        spot = here.key("indicators").step(word, i_index)
        spot = Place((*here.words, word), spot.path)  # "Tiêu chí 3 › Chỉ tiêu 3.1", without "indicators"
        if check.mapping(indicator, spot) is None:
            continue
        if code is not None:
            if code in codes:
                check.add(
                    spot.key("code"),
                    _(
                        "indicator code “%(value)s” is used twice (also in criterion %(first)s); "
                        "give each indicator its own code"
                    )
                    % {"value": code, "first": codes[code]},
                )
            else:
                codes[code] = number
        _check_indicator(check, indicator, spot, inherited and code in parent_codes, parent_codes.get(code))


def _check_indicator(check: Checker, indicator: dict, spot: Place, inherited: bool, parent_kind) -> None:
    check.keys(indicator, INDICATOR_KEYS, INDICATOR_REQUIRED, spot, lenient=inherited)
    for key in ("code", "name", "unit", "decision"):
        check.text(indicator, key, spot, ("indicator", key), required=key in ("code", "name"))

    def field(key):
        return Indicator._meta.get_field(key).verbose_name

    kind = check.choice(indicator, "kind", IndicatorKind, field("kind"), spot)
    if kind is None and "kind" not in indicator:
        kind = parent_kind
    check.choice(indicator, "comparator", Comparator, field("comparator"), spot)
    check.choice(indicator, "frequency", Indicator.Frequency, field("frequency"), spot)
    source = check.choice(indicator, "source", Indicator.Source, field("source"), spot)
    check.choice(indicator, "bounded_by", Indicator.Bound, field("bounded_by"), spot)
    if source and kind is not None and kind != IndicatorKind.PERCENT:
        check.add(spot.key("kind"), _("a rate computed from the profile is a percentage; write kind: percent"))
    if "example" in indicator and not isinstance(indicator["example"], bool):
        check.add(
            spot.key("example"),
            _("write true or false, not “%(value)s”") % {"value": show(indicator["example"])},
        )
    if indicator.get("threshold") is not None:
        check_threshold(check, indicator["threshold"], kind, spot.key("threshold"))
    if indicator.get("zones") is not None:
        zones = check.mapping(indicator["zones"], spot.key("zones"))
        valid = _zones()
        for zone, value in (zones or {}).items():
            if zone not in valid:
                message = _("there is no zone “%(value)s”; the zones are: %(choices)s") % {
                    "value": show(zone),
                    "choices": ", ".join(valid),
                }
                check.add(spot.key("zones").key(zone), message + hint(zone, valid))
            check_threshold(check, value, kind, spot.key("zones").key(zone))
    if indicator.get("max_points") is not None:
        place = spot.key("max_points")
        number = check.number(
            indicator["max_points"], place, pgettext("set file", "maximum points"), "10", POINTS_LIMIT
        )
        if number is not None:
            check.not_negative(number, indicator["max_points"], place, pgettext("set file", "maximum points"))


# --- a set that extends another ----------------------------------------------------------------------------


def _parent_keys(parent) -> tuple[set, dict]:
    """The criterion numbers of the set extended, and its indicator codes with their kinds."""
    if parent is None:
        return set(), {}
    from campaigns.criteria.models import Indicator

    numbers = set(parent.criteria.values_list("number", flat=True))
    codes = dict(Indicator.objects.filter(criterion__criteria_set=parent).values_list("code", "kind"))
    return numbers, codes


def _check_merge(check: Checker, data: dict, parent, place: Place, criteria: list) -> None:
    """The criteria the set is made of once merged with its parent: their rules, and the merge's own problems
    (a loosened threshold…), from campaigns.criteria.extension when it is there."""
    try:
        from campaigns.criteria.extension import merged_criteria
    except ImportError:
        merged_criteria = None
    if merged_criteria is None:
        return
    try:
        merged, problems = merged_criteria(data, parent)
    except Exception as exc:  # noqa: BLE001 - a merge that fails is one more problem, never a crash
        check.add(
            place,
            _("this set cannot be combined with the set it extends (%(error)s)") % {"error": exc},
        )
        return
    for problem in problems or []:
        if problem not in check.problems:
            check.problems.append(problem)
    own = {label(c.get("number")): i for i, c in enumerate(criteria) if isinstance(c, dict)}
    for criterion in merged or []:
        if not isinstance(criterion, dict):
            continue
        number = label(criterion.get("number"))
        if number is None or number not in own:
            here = Place((_("Criterion %(number)s") % {"number": number},), ("extends",))
        else:
            here = Place((_("Criterion %(number)s") % {"number": number},), (*place.path, own[number]))
        check_rule(check, criterion, here)


from campaigns.criteria.validation_samples import BROKEN_VARIANTS, BROKEN_YAML_SYNTAX, VALID_SAMPLE  # noqa: E402

__all__ = [
    "BROKEN_VARIANTS",
    "BROKEN_YAML_SYNTAX",
    "CRITERION_KEYS",
    "DOCUMENT_KEYS",
    "INDICATOR_KEYS",
    "SET_KEYS",
    "VALID_SAMPLE",
    "as_date",
    "as_number",
    "earlier_set",
    "parse_yaml",
    "set_problems",
]
