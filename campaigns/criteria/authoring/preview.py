"""The preview of a set before it is saved: the set as it would be stored, and a sample unit evaluated against it.

Nothing here writes. The set is built as unsaved model instances, so that it is shown and evaluated by the same
code as a stored one (Indicator.is_met with the unit's zone, evaluation.criterion_met). The sample unit's values
are its latest counted results (a submitted or approved submission, the latest period), matched to the new set's
indicators by code, or values the administrator types.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import IndicatorKind, Rule, criterion_met, display
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Level
from portal.numbers import NumberError, parse_number
from wards.models import Neighbourhood, Ward

UNITS_SHOWN = 200  # the sample unit's select lists at most this many units; a search narrows it


@dataclass
class Draft:
    """A set as it would be saved, unsaved: the set, and each criterion with its indicators."""

    criteria_set: CriteriaSet
    criteria: list[tuple[Criterion, list[Indicator]]]

    @property
    def indicators(self) -> list[Indicator]:
        return [i for _c, indicators in self.criteria for i in indicators]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def draft(data: dict) -> Draft:
    """The unsaved set a valid dict describes (validated by set_problems first)."""
    document = data.get("document") or {}
    criteria_set = CriteriaSet(
        code=data["code"],
        version=int(data.get("version", 1)),
        name=data["name"],
        level=data["level"],
        unit_kinds=list(data.get("unit_kinds") or []),
        document_number=document.get("number", ""),
        document_date=document.get("date"),
        issuer=document.get("issuer", ""),
        effective_from=data["effective_from"],
        effective_to=data.get("effective_to"),
        source=(data.get("source") or "").strip(),
    )
    criteria = []
    for c_order, c in enumerate(data.get("criteria") or [], start=1):
        criterion = Criterion(
            number=str(c.get("number", "")),
            name=c.get("name", ""),
            short_name=c.get("short", ""),
            group=c.get("group", ""),
            order=c_order,
            rule=c.get("rule", Rule.ALL),
            k=c.get("k"),
            min_points=_decimal(c.get("min_points")),
        )
        indicators = [
            Indicator(
                code=str(i.get("code", "")),
                name=i.get("name", ""),
                kind=i.get("kind", ""),
                unit=i.get("unit", ""),
                comparator=i.get("comparator", Indicator._meta.get_field("comparator").default),
                threshold=_decimal(i.get("threshold")),
                zone_thresholds={k: str(v) for k, v in (i.get("zones") or {}).items()},
                threshold_is_example=bool(i.get("example", False)),
                max_points=_decimal(i.get("max_points")),
                frequency=i.get("frequency", Indicator.Frequency.MONTHLY),
                source=i.get("source", ""),
                bounded_by=i.get("bounded_by", ""),
                order=i_order,
            )
            for i_order, i in enumerate(c.get("indicators") or [], start=1)
        ]
        criteria.append((criterion, indicators))
    return Draft(criteria_set, criteria)


# --- the sample unit ---------------------------------------------------------------------------------------------


def unit_model(level: str):
    return Ward if level == Level.WARD else Neighbourhood


def unit_choices(user, criteria_set: CriteriaSet, search: str = "", chosen=None) -> list:
    """The units the sample may be: of the set's level and kinds, visible to the user, current; at most
    UNITS_SHOWN, by name, narrowed by `search`; the chosen one always among them."""
    model = unit_model(criteria_set.level)
    units = model.objects.visible_to(user).current().search(search)
    if criteria_set.unit_kinds:
        units = units.filter(kind__in=criteria_set.unit_kinds)
    if model is Neighbourhood:
        units = units.select_related("ward").order_by("ward__search_key", "search_key", "pk")
    else:
        units = units.select_related("city").order_by("search_key", "pk")
    shown = list(units[:UNITS_SHOWN])
    if chosen is not None and all(u.pk != chosen.pk for u in shown):
        shown.insert(0, chosen)
    return shown


def unit_label(unit) -> str:
    return f"{unit.name} — {unit.ward.name}" if isinstance(unit, Neighbourhood) else unit.name


def unit_zone(unit) -> str:
    return unit.ward.zone if isinstance(unit, Neighbourhood) else unit.zone


@dataclass
class Source:
    """Where the sample's values come from: a submission (its period, its set), or none found."""

    submission: object | None = None
    values: dict[str, object] = field(default_factory=dict)  # indicator code → value as evaluation takes it
    shown: dict[str, str] = field(default_factory=dict)  # indicator code → value as people read it


def unit_results(unit, criteria_set: CriteriaSet) -> Source:
    """The unit's latest counted results (submitted or approved; the latest period, a submission of the same set
    code first), by indicator code. Two queries, whatever the unit."""
    # Through the unit's reverse relation: the criteria layer never imports the results it is used by.
    submissions = unit.submissions.counted()
    if isinstance(unit, Ward):
        submissions = submissions.filter(neighbourhood__isnull=True)
    submission = (
        submissions.select_related("period", "criteria_set")
        .annotate(
            same_set=Case(
                When(criteria_set__code=criteria_set.code, then=Value(0)), default=1, output_field=IntegerField()
            )
        )
        .order_by("-period__start", "same_set", "-pk")
        .first()
    )
    if submission is None:
        return Source()
    source = Source(submission=submission)
    for code, kind, value, text in submission.results.values_list(
        "indicator__code", "indicator__kind", "value", "text"
    ):
        raw = text if kind == IndicatorKind.TEXT else value
        if raw is None or raw == "":
            continue
        source.values[code] = raw
        source.shown[code] = display(kind, raw)
    return source


def typed_values(draft_set: Draft, posted) -> tuple[dict[str, object], dict[str, str], dict[str, str]]:
    """Values typed for the sample, by indicator code: (values, what was typed, problems by code)."""
    values, typed, problems = {}, {}, {}
    for n, indicator in enumerate(draft_set.indicators):
        text = (posted.get(f"value-{n}") or "").strip()
        if not text:
            continue
        typed[indicator.code] = text
        if indicator.kind == IndicatorKind.TEXT:
            values[indicator.code] = text
            continue
        if indicator.kind == IndicatorKind.BOOLEAN:
            answer = text.lower()
            if answer in ("1", "có", "co", "yes", "x"):
                values[indicator.code] = 1
                continue
            if answer in ("0", "không", "khong", "no"):
                values[indicator.code] = 0
                continue
        try:
            values[indicator.code] = parse_number(text)
        except NumberError:
            problems[indicator.code] = _("“%(value)s” is not a number. Write it like 1.234,5.") % {"value": text}
    return values, typed, problems


# --- the evaluation -------------------------------------------------------------------------------------------

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"


@dataclass
class IndicatorOutcome:
    indicator: Indicator
    value: str  # as people read it; "" when there is none
    is_met: bool | None


@dataclass
class CriterionOutcome:
    criterion: Criterion
    status: str  # MET, NOT_MET or NO_DATA
    indicators: list[IndicatorOutcome]
    lacking: list[str]  # codes of the indicators with no value
    points: Decimal | None = None


def evaluate(draft_set: Draft, values: dict[str, object], zone: str | None) -> list[CriterionOutcome]:
    """Each criterion of the draft for a unit in `zone` with these values (by indicator code), as
    campaigns.results.services.submission_evaluate decides it: met, not met, or no data at all."""
    outcomes = []
    for criterion, indicators in draft_set.criteria:
        mets, points, rows, lacking = [], [], [], []
        for indicator in indicators:
            value = values.get(indicator.code)
            try:
                met = indicator.is_met(value, zone) if value is not None else None
                shown = "" if value is None else display(indicator.kind, value)
            except (ArithmeticError, ValueError, TypeError):  # a text kept for an indicator now numeric
                value, met, shown = None, None, ""
            if met is None:
                lacking.append(indicator.code)
            mets.append(met)
            if indicator.kind == IndicatorKind.POINTS:
                number = _decimal(value) if value is not None and met is not None else None
                cap = indicator.max_points
                points.append(min(number, cap) if number is not None and cap is not None else number)
            else:
                points.append(indicator.max_points if met and indicator.max_points is not None else None)
            rows.append(IndicatorOutcome(indicator, shown, met))
        if indicators and len(lacking) == len(indicators):
            status = NO_DATA
        else:
            is_met = criterion_met(
                criterion.rule, met=mets, points=points, k=criterion.k, min_points=criterion.min_points
            )
            status = MET if is_met else NOT_MET
        total = sum((p for p in points if p is not None), Decimal(0)) if criterion.rule == Rule.POINTS else None
        outcomes.append(CriterionOutcome(criterion, status, rows, lacking, total))
    return outcomes
