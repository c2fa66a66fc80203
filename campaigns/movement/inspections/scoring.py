"""A visit's score table and conclusion.

The indicators are those of the criteria set that applies to the unit on the visit day: the set whose code is
the programme's criteria_code, or, when the programme names none, the set in force for the unit's level (the
way campaigns.results picks a set for a unit). Beside each, what the unit reported: the value and outcome of
its latest monthly report of the year that counts (the rule of campaigns.results.figures.year_standing),
copied when the table is first opened or saved, so that a later change of the results does not rewrite the
inspection. The team's verified value is judged by the indicator's own rule (Indicator.is_met) and each
criterion by its own (campaigns.criteria.evaluation.criterion_met), as the results are.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import IndicatorKind, criterion_met, display
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Level
from campaigns.movement.inspections.models import InspectionRound, Score, Visit
from campaigns.movement.inspections.permissions import can_manage_round
from campaigns.results.models import Period, Result, Submission, counted_q
from portal.models import history_record

Conclusion = Visit.Conclusion


class VisitChanged(ValidationError):
    """Someone else saved the visit after it was opened: the caller's scores may be stale."""


def criteria_set_for_visit(visit: Visit) -> CriteriaSet | None:
    """The set that applies to the visited unit on the visit day (see the module's docstring)."""
    unit = visit.neighbourhood or visit.ward
    level = Level.WARD if visit.neighbourhood is None else Level.NEIGHBOURHOOD
    sets = CriteriaSet.objects.in_force(visit.visited_on, level).order_by("-effective_from", "-version")
    code = visit.round.programme.criteria_code
    if code:
        sets = sets.filter(code=code)
    return next((s for s in sets if s.applies_to(unit)), None)


def reported_submission(visit: Visit) -> Submission | None:
    """The unit's latest monthly submission of the round's year that counts. One query."""
    return (
        Submission.objects.filter(counted_q(), period__kind=Period.Kind.MONTH, period__year=visit.round.year)
        .filter(ward_id=visit.ward_id, neighbourhood_id=visit.neighbourhood_id)
        .order_by("-period__start", "-pk")
        .first()
    )


def _indicators(criteria_set: CriteriaSet) -> list[Indicator]:
    return list(
        Indicator.objects.filter(criterion__criteria_set=criteria_set)
        .select_related("criterion")
        .order_by("criterion__order", "criterion_id", "order", "id")
    )


def _reported(visit: Visit, indicators: list[Indicator]) -> dict[int, Result]:
    """What the unit reported, per indicator of the table: by indicator, or by code from another version."""
    submission = reported_submission(visit)
    if submission is None:
        return {}
    results = list(submission.results.select_related("indicator"))
    by_id = {r.indicator_id: r for r in results}
    by_code = {r.indicator.code: r for r in results}
    out = {}
    for indicator in indicators:
        found = by_id.get(indicator.pk) or by_code.get(indicator.code)
        if found is not None:
            out[indicator.pk] = found
    return out


def scores_ensure(visit: Visit) -> list[Score]:
    """Copy what the unit reported into the visit's scores, once (indicators already scored are kept)."""
    criteria_set = criteria_set_for_visit(visit)
    if criteria_set is None:
        return []
    indicators = _indicators(criteria_set)
    have = set(visit.scores.values_list("indicator_id", flat=True))
    missing = [i for i in indicators if i.pk not in have]
    if missing:
        reported = _reported(visit, missing)
        Score.objects.bulk_create(
            [
                Score(
                    visit=visit,
                    indicator=i,
                    reported_value=reported[i.pk].value if i.pk in reported else None,
                    reported_met=reported[i.pk].is_met if i.pk in reported else None,
                )
                for i in missing
            ],
            ignore_conflicts=True,
        )
    return list(visit.scores.select_related("indicator__criterion"))


@dataclass
class CriterionRow:
    criterion: Criterion
    rows: list[dict] = field(default_factory=list)
    met: bool | None = None
    reported_met: bool | None = None


def _criterion_outcome(criterion: Criterion, indicators: list[Indicator], mets: list[bool | None], values) -> bool:
    """Whether the criterion is met, by its own rule, from its indicators' outcomes (as submission_evaluate)."""
    points = []
    for indicator, met, value in zip(indicators, mets, values, strict=True):
        if indicator.kind == IndicatorKind.POINTS:
            cap = indicator.max_points
            points.append(min(value, cap) if value is not None and cap is not None else value)
        else:
            points.append(indicator.max_points if met and indicator.max_points is not None else None)
    return criterion_met(criterion.rule, met=mets, points=points, k=criterion.k, min_points=criterion.min_points)


def score_table(scores: list[Score], ward_scores: dict[int, Score] | None = None) -> list[CriterionRow]:
    """Scores grouped by criterion, each criterion judged on the verified and on the reported outcomes."""
    table: dict[int, CriterionRow] = {}
    for score in sorted(
        scores, key=lambda s: (s.indicator.criterion.order, s.indicator.criterion_id, s.indicator.order, s.indicator_id)
    ):
        criterion = score.indicator.criterion
        row = table.setdefault(criterion.pk, CriterionRow(criterion))
        ward = (ward_scores or {}).get(score.indicator_id)
        row.rows.append(_row(score, ward))
    for row in table.values():
        indicators = [r["indicator"] for r in row.rows]
        scored = [r["score"] for r in row.rows]
        row.met = _criterion_outcome(
            row.criterion, indicators, [s.verified_met for s in scored], [s.verified_value for s in scored]
        )
        row.reported_met = _criterion_outcome(
            row.criterion, indicators, [s.reported_met for s in scored], [s.reported_value for s in scored]
        )
    return list(table.values())


def _row(score: Score, ward: Score | None) -> dict:
    """One line of the table, with its values as people read them (1.234,5; Có / Không)."""
    indicator = score.indicator
    threshold = ""
    if indicator.threshold is not None and indicator.kind != IndicatorKind.TEXT:
        threshold = f"{indicator.get_comparator_display()} {display(indicator.kind, indicator.threshold)}"
    return {
        "score": score,
        "indicator": indicator,
        "threshold": threshold,
        "reported": display(indicator.kind, score.reported_value),
        "verified": display(indicator.kind, score.verified_value),
        "ward": ward,
        "ward_value": display(indicator.kind, ward.verified_value) if ward else "",
        "differs": score.differs,
        "differs_from_ward": _differs(score, ward),
    }


def _differs(score: Score, ward: Score | None) -> bool:
    if ward is None:
        return False
    if score.verified_met is not None and ward.verified_met is not None and score.verified_met != ward.verified_met:
        return True
    return (
        score.verified_value is not None
        and ward.verified_value is not None
        and score.verified_value != ward.verified_value
    )


def ward_scores_for(visit: Visit) -> dict[int, Score]:
    """For a city verification visit: the verified scores of the unit's latest ward inspection of the same
    programme and year (per indicator id), to show beside the city's. Two queries."""
    if visit.round.level != InspectionRound.Level.CITY:
        return {}
    ward_visit = (
        Visit.objects.filter(
            round__programme_id=visit.round.programme_id,
            round__year=visit.round.year,
            round__level=InspectionRound.Level.WARD,
            ward_id=visit.ward_id,
            neighbourhood_id=visit.neighbourhood_id,
        )
        .exclude(conclusion=Conclusion.PENDING)
        .order_by("-round__ends_on", "-round_id")
        .first()
    )
    if ward_visit is None:
        return {}
    return {s.indicator_id: s for s in ward_visit.scores.all()}


# --- saving ------------------------------------------------------------------------------------------------


def _claim(visit: Visit, version: int | None) -> Visit:
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    if version is not None and current.version != version:
        raise VisitChanged(
            _(
                "Someone else saved this visit while you were writing; nothing of yours was saved. Their scores "
                "are shown beside what you typed: check them and save again."
            ),
            code="stale",
        )
    return current


def _check_conclusion(conclusion: str, conditions: str) -> None:
    if conclusion not in Conclusion.values:
        raise ValidationError({"conclusion": _("Choose a conclusion.")})
    if conclusion == Conclusion.CONDITIONS and not conditions:
        raise ValidationError({"conditions": _("Say on which conditions the unit meets the criteria.")})


@transaction.atomic
def visit_save(*, user, visit: Visit, data: dict, verified: dict[int, tuple], version: int | None) -> Visit:
    """Save a visit's details, the team's verified values and notes (`verified`: indicator id → (value,
    note)), and its conclusion. Refused when the visit changed since it was opened (`version`)."""
    if not can_manage_round(user, visit.round):
        raise PermissionDenied
    conditions = (data.get("conditions") or "").strip()
    conclusion = data.get("conclusion") or Conclusion.PENDING
    _check_conclusion(conclusion, conditions)
    current = _claim(visit, version)
    current.round = visit.round
    scores = {s.indicator_id: s for s in scores_ensure(current)}
    zone = visit.ward.zone
    changed = []
    for indicator_id, (value, note) in verified.items():
        score = scores.get(indicator_id)
        if score is None:
            continue
        met = score.indicator.is_met(note if score.indicator.kind == IndicatorKind.TEXT else value, zone)
        if (score.verified_value, score.verified_met, score.note) != (value, met, note):
            score.verified_value, score.verified_met, score.note = value, met, note
            changed.append(score)
    Score.objects.bulk_update(changed, ["verified_value", "verified_met", "note"])
    changes = _apply_details(current, data, conclusion, conditions, user)
    if changed:
        changes["scores"] = [None, ", ".join(s.indicator.code for s in changed)]
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    history_record(obj=current, user=user, action="update", changes=changes)
    return current


def _apply_details(current: Visit, data: dict, conclusion: str, conditions: str, user) -> dict:
    changes = {}
    for name in ("visited_on", "participants", "notes"):
        if name in data and getattr(current, name) != data[name]:
            changes[name] = [str(getattr(current, name)), str(data[name])]
            setattr(current, name, data[name])
    if conclusion != current.conclusion or conditions != current.conditions:
        changes["conclusion"] = [current.conclusion, conclusion]
        current.conclusion, current.conditions = conclusion, conditions if conclusion == Conclusion.CONDITIONS else ""
        concluded = conclusion != Conclusion.PENDING
        current.concluded_by = user if concluded else None
        current.concluded_at = timezone.now() if concluded else None
    return changes


def verified_from_form(cleaned: dict, indicators: list[Indicator]) -> dict[int, tuple]:
    """The score form's values as visit_save takes them: indicator id → (Decimal or None, note)."""
    out = {}
    for indicator in indicators:
        value = cleaned.get(f"v_{indicator.pk}")
        if value is not None and not isinstance(value, Decimal):
            value = Decimal(value)
        out[indicator.pk] = (value, (cleaned.get(f"n_{indicator.pk}") or "").strip())
    return out
