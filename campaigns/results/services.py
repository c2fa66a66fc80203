"""Entry and review of results. Each workflow is one transaction with its history."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import IndicatorKind, Rule, criterion_met, display
from campaigns.criteria.models import CriteriaSet, Indicator, Level, Programme
from campaigns.results.forms import check_evidence
from campaigns.results.models import CriterionResult, Evidence, Period, Result, Submission
from campaigns.results.rollups import rollups_refresh
from portal import scope
from portal.models import history_record
from portal.numbers import round_half_up
from portal.uploads import safe_name
from wards.models import Neighbourhood, Profile, Ward


@dataclass
class Conflict:
    indicator: Indicator
    yours: object
    theirs: Result


class ResultConflict(Exception):
    """Someone saved some of the same results since the form was opened. Nothing was saved."""

    def __init__(self, conflicts: list[Conflict]):
        super().__init__("stale results")
        self.conflicts = conflicts


def programmes_for(unit: Ward | Neighbourhood) -> list[Programme]:
    """The programmes with criteria the unit follows, the default one first (Programme.objects.followed_by)."""
    return Programme.objects.followed_by(unit)


def criteria_set_for(
    unit: Ward | Neighbourhood, period: Period, programme: Programme | None = None
) -> CriteriaSet | None:
    """The version of the programme's criteria set in force at the period's end that applies to the unit.

    Without a programme: the unit's default programme (the first it follows); a unit that follows none is
    assessed against the latest set in force for its level that applies to it."""
    level = Level.NEIGHBOURHOOD if isinstance(unit, Neighbourhood) else Level.WARD
    candidates = CriteriaSet.objects.in_force(period.end, level).order_by("-effective_from", "-version")
    if programme is None:
        followed = programmes_for(unit)
        programme = followed[0] if followed else None
    if programme is not None:
        candidates = candidates.filter(code__in=programme.set_codes())
    return next((s for s in candidates if s.applies_to(unit)), None)


def submission_for(
    unit: Ward | Neighbourhood, period: Period, *, programme: Programme | None = None, create: bool = True
) -> Submission | None:
    """The unit's submission for the period in `programme` (default: the unit's first programme); None when
    no criteria set of the programme applies to the unit then.

    A new submission starts as a draft holding the year's yearly indicators already
    entered for the unit (a cultural house built in March is still there in April).
    With `create=False` a new one is returned unsaved, for showing an empty form.
    """
    if programme is None:
        followed = programmes_for(unit)
        programme = followed[0] if followed else None
    if programme is None:  # no programme names a set for the unit yet: the set in force makes its programme
        legacy = criteria_set_for(unit, period)
        if legacy is None:
            return None
        programme = Programme.objects.for_set(legacy)
    is_hood = isinstance(unit, Neighbourhood)
    lookup = (
        {"period": period, "neighbourhood": unit, "programme": programme}
        if is_hood
        else {"period": period, "ward": unit, "neighbourhood": None, "programme": programme}
    )
    existing = Submission.objects.filter(**lookup).select_related("criteria_set", "period", "ward").first()
    if existing:
        return existing
    criteria_set = criteria_set_for(unit, period, programme)
    if criteria_set is None:
        return None
    ward = unit.ward if is_hood else unit
    if not create:
        return Submission(
            criteria_set=criteria_set,
            programme=programme,
            period=period,
            ward=ward,
            neighbourhood=unit if is_hood else None,
        )
    with transaction.atomic():
        submission, created = Submission.objects.get_or_create(
            **lookup, defaults={"criteria_set": criteria_set, "ward": ward}
        )
        if created:
            _carry_over_yearly(submission)
            rollups_refresh(period, wards=[ward.pk])  # which set the ward's units report on
    return submission


def carried_over(submission: Submission) -> dict[int, Result]:
    """The yearly results a new submission starts with (unsaved): the latest of each yearly indicator
    entered earlier in the same year for the same unit and set. A cultural house built in March is
    still there in April."""
    earlier = Result.objects.filter(
        submission__criteria_set=submission.criteria_set,
        submission__ward=submission.ward,
        submission__neighbourhood=submission.neighbourhood,
        submission__period__kind=submission.period.kind,
        submission__period__year=submission.period.year,
        submission__period__start__lt=submission.period.start,
        indicator__frequency=Indicator.Frequency.YEARLY,
    ).order_by("indicator_id", "-submission__period__start")
    latest = {}
    for result in earlier:
        latest.setdefault(result.indicator_id, result)
    version = Result._meta.get_field("version").default  # what the saved copies start with
    return {
        pk: Result(indicator_id=pk, value=r.value, text=r.text, is_met=r.is_met, note=r.note, version=version)
        for pk, r in latest.items()
    }


def _carry_over_yearly(submission: Submission) -> None:
    copies = carried_over(submission)
    for copy in copies.values():
        copy.submission = submission
    Result.objects.bulk_create(copies.values())
    if copies:
        submission_evaluate(submission)


# How many decimals a rate computed from the profile is stored and shown with.
RATE_PLACES = 2


def profile_rate(indicator: Indicator, profile: Profile | None) -> Fraction | None:
    """The indicator's rate from the unit's yearly profile, exactly: e.g. poor households ÷ households × 100.

    This is the value compared with the threshold (Indicator.is_met takes the Fraction as it is), so that
    2,004 % is over "≤ 2 %" though it is shown as 2,00. None without a profile or households.
    """
    if profile is None or not profile.households:
        return None
    numerator = {
        Indicator.Source.POOR_RATE: profile.poor_households,
        Indicator.Source.NEAR_POOR_RATE: profile.near_poor_households,
        Indicator.Source.POOR_AND_NEAR_POOR_RATE: profile.poor_households + profile.near_poor_households,
    }[indicator.source]
    return Fraction(100 * numerator, profile.households)


def profile_value(indicator: Indicator, profile: Profile | None) -> Decimal | None:
    """The rate as stored in Result.value and shown: profile_rate rounded half up to 0,01.

    For showing only: whether the indicator is met comes from profile_rate, never from this.
    """
    rate = profile_rate(indicator, profile)
    return None if rate is None else round_half_up(rate, RATE_PLACES)


def _zone(submission: Submission) -> str:
    return submission.ward.zone


def submission_evaluate(submission: Submission) -> None:
    """Recompute each criterion and the submission's facts from its results. Call inside a transaction."""
    criteria = list(submission.criteria_set.criteria.prefetch_related("indicators"))
    results = {r.indicator_id: r for r in submission.results.all()}
    outcomes, missing = [], []
    for criterion in criteria:
        mets, points = [], []
        for indicator in criterion.indicators.all():
            result = results.get(indicator.pk)
            met = result.is_met if result else None
            mets.append(met)
            if indicator.kind == IndicatorKind.POINTS:
                value = result.value if result else None
                cap = indicator.max_points
                points.append(min(value, cap) if value is not None and cap is not None else value)
            else:
                points.append(indicator.max_points if met and indicator.max_points is not None else None)
        is_met = criterion_met(criterion.rule, met=mets, points=points, k=criterion.k, min_points=criterion.min_points)
        total = sum((p for p in points if p is not None), Decimal(0)) if criterion.rule == Rule.POINTS else None
        outcomes.append(
            CriterionResult(
                submission=submission,
                criterion=criterion,
                is_met=is_met,
                indicators_met=sum(1 for m in mets if m),
                points=total,
            )
        )
        if not is_met:
            missing.append(criterion.number)
    CriterionResult.objects.filter(submission=submission).delete()
    CriterionResult.objects.bulk_create(outcomes)
    Submission.objects.filter(pk=submission.pk).update(
        criteria_total=len(criteria),
        criteria_met=len(criteria) - len(missing),
        is_complete=bool(criteria) and not missing,
        missing=missing,
    )
    submission.criteria_total, submission.criteria_met = len(criteria), len(criteria) - len(missing)
    submission.is_complete, submission.missing = bool(criteria) and not missing, missing
    rollups_refresh(submission.period, wards=[submission.ward_id])


def _require_editable(submission: Submission, user) -> None:
    if not scope.can_edit_ward(user, submission.ward):
        raise PermissionDenied
    if submission.period.is_locked:
        raise ValidationError(_("This period is locked."))
    if submission.status not in (Submission.Status.DRAFT, Submission.Status.RETURNED):
        raise ValidationError(_("Submitted and approved results cannot be changed."))


def results_save(
    *, submission: Submission, user, values: dict[int, dict], versions: dict[int, int | None], reason: str = ""
) -> list[Result]:
    """Save the entered values of a submission and re-evaluate it.

    `values` maps indicator id → {"value": Decimal|None, "text": str, "note": str};
    `versions` the version of each result when the form was opened (None: new).
    Raises ResultConflict, saving nothing, if any of them moved on meanwhile.
    """
    with transaction.atomic():
        # The submission's row only (`of`): an Excel confirmation holds its ward's row while it saves.
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("period", "ward", "criteria_set")
            .get(pk=submission.pk)
        )
        _require_editable(submission, user)
        indicators = {i.pk: i for i in Indicator.objects.filter(criterion__criteria_set=submission.criteria_set)}
        existing = {r.indicator_id: r for r in submission.results.select_for_update()}
        profile = unit_profile(submission)
        conflicts, changed = [], []
        for indicator_id, indicator in indicators.items():
            rate = None
            if indicator.source:
                rate = profile_rate(indicator, profile)
                incoming = {"value": profile_value(indicator, profile), "text": "", "note": ""}
            elif indicator_id in values:
                incoming = values[indicator_id]
            else:
                continue
            result = existing.get(indicator_id)
            old = (result.value, result.text, result.note) if result else (None, "", "")
            new = (incoming.get("value"), incoming.get("text", ""), incoming.get("note", ""))
            # A computed rate may cross its threshold while its rounded value stays the same (2,00 → 2,004).
            same_outcome = rate is None or result is None or result.is_met == indicator.is_met(rate, _zone(submission))
            if (result is not None and old == new and same_outcome) or (result is None and new == (None, "", "")):
                continue
            if not indicator.source and result is not None and versions.get(indicator_id) != result.version:
                conflicts.append(Conflict(indicator=indicator, yours=new[0] if new[1] == "" else new[1], theirs=result))
                continue
            changed.append(_result_write(submission, indicator, result, old, new, user=user, reason=reason, exact=rate))
        if conflicts:
            transaction.set_rollback(True)
            raise ResultConflict(conflicts)
        submission_evaluate(submission)
        return changed


def _result_write(
    submission: Submission,
    indicator: Indicator,
    result: Result | None,
    old: tuple,
    new: tuple,
    *,
    user,
    reason: str,
    exact: Fraction | None = None,
) -> Result:
    """Store (value, text, note) `new` in the indicator's result, created if need be, with its history entry.

    `exact` is the unrounded rate of an indicator computed from the profile: it decides whether the
    indicator is met, while `new` holds the value as shown.
    """
    raw = new[1] if indicator.kind == IndicatorKind.TEXT else new[0]
    is_met = indicator.is_met(exact if exact is not None else (raw if raw != "" else None), _zone(submission))
    if result is None:
        result = Result(submission=submission, indicator=indicator, version=0)
    result.value, result.text, result.note = new
    result.is_met = is_met
    result.version += 1
    result.updated_by = user
    result.save()
    changes = {}
    if old[0] != new[0] or old[1] != new[1]:
        old_raw = old[1] if indicator.kind == IndicatorKind.TEXT else old[0]
        changes["value"] = [
            display(indicator.kind, old_raw) if result.version > 1 else None,
            display(indicator.kind, raw),
        ]
    if old[2] != new[2]:
        changes["note"] = [old[2] or None, new[2] or None]
    history_record(
        obj=result,
        user=user,
        action="create" if result.version == 1 else "update",
        changes=changes,
        reason=reason,
    )
    return result


def submission_save(
    *,
    unit: Ward | Neighbourhood,
    period: Period,
    user,
    values: dict[int, dict],
    versions: dict[int, int | None],
    reason: str = "",
    uploads: dict[Indicator, list[UploadedFile]] | None = None,
    programme: Programme | None = None,
) -> Submission:
    """Save one unit's entry form for a period in a programme (default: its first): its values and its new
    evidence files, all or nothing.

    The submission is created on the first save (see submission_for). `values`, `versions` and
    `reason` are those of results_save; `uploads` the files attached to each indicator, already
    checked by check_evidence. Raises ResultConflict, saving nothing, as results_save does.
    """
    with transaction.atomic():
        submission = submission_for(unit, period, programme=programme)
        results_save(submission=submission, user=user, values=values, versions=versions, reason=reason)
        for indicator, files in (uploads or {}).items():
            evidence_add(user=user, submission=submission, indicator=indicator, uploads=files)
    return submission


def evidence_add(*, user, submission: Submission, indicator: Indicator, uploads: list[UploadedFile]) -> list[Evidence]:
    """Attach photos or PDFs to the result of `indicator` in `submission`, each with its history entry.

    The result is created empty when nothing was entered for the indicator yet. Each file is checked
    by its content (check_evidence); a refused file raises ValidationError and nothing is kept.
    """
    if not uploads:
        return []
    added = []
    with transaction.atomic():
        result, _created = Result.objects.get_or_create(submission=submission, indicator=indicator)
        for upload in uploads:
            mime = check_evidence(upload)
            item = Evidence.objects.create(
                result=result,
                file=upload,
                original_name=safe_name(upload.name),
                content_type=mime,
                size=upload.size,
                uploaded_by=user,
            )
            history_record(obj=result, user=user, action="evidence", changes={"evidence": [None, item.original_name]})
            added.append(item)
    return added


def unit_profile(submission: Submission) -> Profile | None:
    unit_filter = (
        {"neighbourhood_id": submission.neighbourhood_id}
        if submission.neighbourhood_id
        else {"ward_id": submission.ward_id}
    )
    return Profile.objects.filter(year=submission.period.year, **unit_filter).first()


def _transition(
    submission: Submission,
    *,
    user,
    to: str,
    allowed_from: tuple,
    action: str,
    reason: str = "",
    check_lock: bool = False,
    **fields,
) -> Submission:
    with transaction.atomic():
        locked = Submission.objects.select_for_update(of=("self",)).select_related("period").get(pk=submission.pk)
        if check_lock and locked.period.is_locked:
            raise ValidationError(_("This period is locked."))
        if locked.status not in allowed_from:
            raise ValidationError(
                _("This cannot be done while the results are “%(status)s”.") % {"status": locked.get_status_display()}
            )
        old = locked.get_status_display()
        locked.status = to
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.save()
        history_record(
            obj=locked, user=user, action=action, changes={"status": [old, locked.get_status_display()]}, reason=reason
        )
        rollups_refresh(locked.period, wards=[locked.ward_id])
        return locked


def submission_submit(*, submission: Submission, user) -> Submission:
    """Staff send a unit's period to the ward leader."""
    if not scope.can_edit_ward(user, submission.ward):
        raise PermissionDenied
    if submission.period.is_locked:
        raise ValidationError(_("This period is locked."))
    return _transition(
        submission,
        user=user,
        to=Submission.Status.SUBMITTED,
        allowed_from=(Submission.Status.DRAFT, Submission.Status.RETURNED),
        action="submit",
        check_lock=True,
        submitted_by=user,
        submitted_at=timezone.now(),
    )


def submission_approve(*, submission: Submission, user) -> Submission:
    """The ward leader approves: the results are locked from then on."""
    if not scope.can_review_ward(user, submission.ward):
        raise PermissionDenied
    return _transition(
        submission,
        user=user,
        to=Submission.Status.APPROVED,
        allowed_from=(Submission.Status.SUBMITTED,),
        action="approve",
        reviewed_by=user,
        reviewed_at=timezone.now(),
        return_reason="",
    )


def submission_return(*, submission: Submission, user, reason: str) -> Submission:
    """The ward leader returns the results with a reason; only this unit's period reopens."""
    if not scope.can_review_ward(user, submission.ward):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Say why the results are returned."))
    return _transition(
        submission,
        user=user,
        to=Submission.Status.RETURNED,
        allowed_from=(Submission.Status.SUBMITTED,),
        action="return",
        reason=reason,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        return_reason=reason.strip(),
    )


def submission_reopen(*, submission: Submission, user, reason: str) -> Submission:
    """An administrator reopens approved results, giving a reason."""
    if not scope.scope_of(user).is_admin:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Say why the results are reopened."))
    return _transition(
        submission,
        user=user,
        to=Submission.Status.RETURNED,
        allowed_from=(Submission.Status.APPROVED, Submission.Status.SUBMITTED),
        action="reopen",
        reason=reason,
        return_reason=reason.strip(),
    )
