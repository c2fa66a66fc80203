"""The title's life (issue 12, item 3): the decision that awards a programme's title to the units the city
verified, the term it is valid for, its state on any day, the reminder before it must be re-assessed, its
withdrawal (thu hồi) by a later decision with a reason, and each unit's title history.

A decided title is a Recognition row: status confirmed, the programme, the city's verification visit it rests
on, the year, `valid_until` (Programme.valid_until), the decision's number, date and signer. A withdrawal keeps
the first decision and adds the second (withdrawn_on, withdrawal_number, withdrawal_signer, the reason); the
status becomes withdrawn. Both decisions are in the history (portal.models.HistoryEntry) as well.

Candidates come from campaigns.movement.inspections.outcomes.verified_candidates: the city's verification, never
the self-reported figures nor a ward's own inspection.
"""

import logging
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.movement.inspections.models import Visit
from campaigns.movement.inspections.outcomes import verified_candidates
from campaigns.movement.models import Recognition
from campaigns.movement.services.ratings import check_year
from portal import scope
from portal.models import HistoryEntry, history_record
from portal.vietnamese import nfc
from wards.models import Ward

logger = logging.getLogger(__name__)

EXPIRING_DAYS = 60  # a title is "expiring" (and its ward reminded) this many days before its last valid day
TITLE_STATUSES = (Recognition.Status.CONFIRMED, Recognition.Status.WITHDRAWN)
SIGNER_LENGTH = 200  # Recognition.signer and .withdrawal_signer


class State:
    """A title's state on a day: valid, expiring (valid, its last day within EXPIRING_DAYS), expired (its last
    valid day has passed), withdrawn."""

    VALID, EXPIRING, EXPIRED, WITHDRAWN = "valid", "expiring", "expired", "withdrawn"
    ALL = (VALID, EXPIRING, EXPIRED, WITHDRAWN)
    LABELS = {
        VALID: gettext_lazy("Valid"),
        EXPIRING: gettext_lazy("Expiring within 60 days"),
        EXPIRED: gettext_lazy("Expired"),
        WITHDRAWN: gettext_lazy("Withdrawn"),
    }


def title_state(recognition: Recognition, today: date) -> str:
    """The state of one title (a confirmed or withdrawn Recognition) on `today`. No end date: valid."""
    if recognition.status == Recognition.Status.WITHDRAWN:
        return State.WITHDRAWN
    end = recognition.valid_until
    if end is None or end > today + timedelta(days=EXPIRING_DAYS):
        return State.VALID
    return State.EXPIRING if end >= today else State.EXPIRED


def state_q(state: str, today: date) -> Q:
    """The titles in `state` on `today`, as a filter (the same rule as title_state)."""
    confirmed = Q(status=Recognition.Status.CONFIRMED)
    soon = today + timedelta(days=EXPIRING_DAYS)
    return {
        State.WITHDRAWN: Q(status=Recognition.Status.WITHDRAWN),
        State.VALID: confirmed & (Q(valid_until__isnull=True) | Q(valid_until__gt=soon)),
        State.EXPIRING: confirmed & Q(valid_until__gte=today, valid_until__lte=soon),
        State.EXPIRED: confirmed & Q(valid_until__lt=today),
    }[state]


def titles(queryset: QuerySet | None = None) -> QuerySet[Recognition]:
    """Titles: recognitions confirmed by a decision, or confirmed and withdrawn later (not proposals)."""
    return (queryset if queryset is not None else Recognition.objects.all()).filter(status__in=TITLE_STATUSES)


def state_counts(queryset: QuerySet, today: date) -> dict[str, int]:
    """How many of these titles are in each state on `today`, and in all ("all"). One query."""
    counts = titles(queryset).aggregate(
        all=Count("pk"), **{state: Count("pk", filter=state_q(state, today)) for state in State.ALL}
    )
    return counts


def signed_by(name: str, position: str) -> str:
    """The signer as the decision names them: "Nguyễn Văn An, Chủ tịch UBND phường" (name, then position)."""
    name, position = " ".join(nfc(name or "").split()), " ".join(nfc(position or "").split())
    return f"{name}, {position}" if name and position else name or position


def _decision_text(number: str, day: date | None) -> str:
    return f"{number} ({day:%d/%m/%Y})" if day else number


# --- the decision ----------------------------------------------------------------------------------------------


def _unit_key(row) -> tuple[int, int | None]:
    return (row.ward_id, row.neighbourhood_id)


def _decided_q(programme, year: int) -> Q:
    """Recognitions that hold the programme's title for the year: of the programme, or with its title."""
    return Q(year=year) & (Q(programme=programme) | Q(title=programme.title))


def decision_rows(*, programme, year: int, wards) -> list[dict]:
    """The units the city verified for the programme and year (outcomes.verified_candidates), each with the
    title already decided for it, if any (confirmed or withdrawn since): {"visit", "decided"}. Two queries."""
    visits = verified_candidates(programme=programme, year=year, wards=wards)
    held = {}
    if visits:
        found = titles(Recognition.objects.filter(_decided_q(programme, year), ward_id__in={v.ward_id for v in visits}))
        held = {_unit_key(r): r for r in found.order_by("pk")}
    return [{"visit": v, "decided": held.get(_unit_key(v))} for v in visits]


def _check_decision(*, number: str, day: date | None, signer: str, year: int, today: date) -> dict:
    errors = {}
    if not number:
        errors["decision_number"] = _("Enter the decision's number.")
    if day is None:
        errors["decision_date"] = _("Enter the decision's date.")
    elif day < date(year, 1, 1):
        errors["decision_date"] = _("The decision cannot come before the year it recognises.")
    elif day > today:
        errors["decision_date"] = _("The decision's date cannot be in the future.")
    if not signer:
        errors["signer"] = _("Enter who signed the decision.")
    elif len(signer) > SIGNER_LENGTH:
        errors["signer"] = _("The signer's name and position are too long (at most 200 characters together).")
    return errors


def _chosen(*, programme, year: int, city, visit_ids: list[int], day: date | None) -> tuple[list[Visit], dict, list]:
    """The chosen visits that are still verified candidates, the titles already held, and what is wrong."""
    rows = decision_rows(programme=programme, year=year, wards=Ward.objects.filter(city=city))
    by_visit = {row["visit"].pk: row for row in rows}
    chosen, problems = [], []
    for pk in dict.fromkeys(visit_ids):
        row = by_visit.get(pk)
        if row is None:
            problems.append(_("A ticked unit is no longer among the units the city verified; reload the page."))
            continue
        unit = row["visit"].unit
        if row["decided"] is not None:
            problems.append(
                _("%(unit)s already holds the title for %(year)s (decision %(number)s).")
                % {"unit": unit.name, "year": year, "number": row["decided"].decision_number}
            )
        elif day is not None and day < row["visit"].visited_on:
            problems.append(
                _("%(unit)s: the decision cannot come before the city's verification visit of %(day)s.")
                % {"unit": unit.name, "day": f"{row['visit'].visited_on:%d/%m/%Y}"}
            )
        else:
            chosen.append(row["visit"])
    return chosen, by_visit, problems


def titles_decide(
    *,
    user,
    programme,
    year: int,
    city,
    visit_ids: list[int],
    decision_number: str,
    decision_date: date | None,
    signer: str,
    today: date | None = None,
) -> list[Recognition]:
    """Award the programme's title for `year` to the ticked units of `city` by one decision, all or nothing.

    Each ticked unit must still be a verified candidate (the latest city round concluded "meets" or "meets
    with conditions") and hold no title of the programme for the year yet. Each gets a Recognition: confirmed,
    title = programme.title, the visit, valid_until = programme.valid_until(year), the decision's number, date
    and signer, decided_by; a proposal of the same title and year (the self-reported path) becomes it. One
    history entry per title. City leaders of the city and administrators only (PermissionDenied otherwise).
    """
    s = scope.scope_of(user)
    if not (s.is_admin or city.pk in s.city_ids):
        raise PermissionDenied
    check_year(year)
    today = today or timezone.localdate()
    decision_number = " ".join(nfc(decision_number or "").split())
    signer = " ".join(nfc(signer or "").split())
    errors = _check_decision(number=decision_number, day=decision_date, signer=signer, year=year, today=today)
    if not visit_ids:
        errors["units"] = _("Tick at least one unit to decide.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return _decide(user, programme, year, city, visit_ids, decision_number, decision_date, signer)
    except IntegrityError:
        # Two leaders deciding the same unit at once: the unique constraint keeps one; nothing of this is saved.
        raise ValidationError(
            {"units": _("Someone decided some of these units at the same time; reload the page and check.")},
            code="stale",
        ) from None


def _decide(user, programme, year, city, visit_ids, number, day, signer) -> list[Recognition]:
    chosen, _rows, problems = _chosen(programme=programme, year=year, city=city, visit_ids=visit_ids, day=day)
    if problems:
        raise ValidationError({"units": problems}, code="stale")
    # A proposal of the same title (the self-reported path) or an earlier rejection becomes the decided title.
    pending = {
        _unit_key(r): r
        for r in Recognition.objects.select_for_update()
        .filter(_decided_q(programme, year), ward_id__in={v.ward_id for v in chosen})
        .exclude(status__in=TITLE_STATUSES)
    }
    fields = {
        "status": Recognition.Status.CONFIRMED,
        "title": programme.title,
        "programme": programme,
        "year": year,
        "valid_until": programme.valid_until(year),
        "decision_number": number,
        "decision_date": day,
        "signer": signer,
        "decided_by": user,
    }
    decided = []
    for visit in chosen:
        row = pending.get(_unit_key(visit))
        if row is None:
            row = Recognition(ward_id=visit.ward_id, neighbourhood_id=visit.neighbourhood_id)
        for field, value in fields.items():
            setattr(row, field, value)
        row.visit = visit
        row.save()
        decided.append(row)
    content_type = ContentType.objects.get_for_model(Recognition)
    changes = {
        "status": [None, Recognition.Status.CONFIRMED],
        "title": [None, programme.title],
        "year": [None, year],
        "decision_number": [None, number],
        "decision_date": [None, day.isoformat()],
        "signer": [None, signer],
        "valid_until": [None, fields["valid_until"].isoformat()],
    }
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(content_type=content_type, object_id=r.pk, user=user, action="confirm", changes=changes)
            for r in decided
        ]
    )
    return decided


# --- withdrawal ------------------------------------------------------------------------------------------------


def may_decide(user, recognition: Recognition) -> bool:
    """Decide and withdraw titles: the city's leaders and administrators."""
    return scope.can_decide_recognition(user, recognition.ward)


def _check_withdrawal(
    recognition, number: str, withdrawn_on: date | None, signer: str, reason: str, today: date
) -> dict:
    errors = {}
    if not number:
        errors["withdrawal_number"] = _("Enter the withdrawal decision's number.")
    if withdrawn_on is None:
        errors["withdrawn_on"] = _("Enter the withdrawal decision's date.")
    elif withdrawn_on > today:
        errors["withdrawn_on"] = _("The withdrawal decision's date cannot be in the future.")
    elif recognition.decision_date and withdrawn_on < recognition.decision_date:
        errors["withdrawn_on"] = _(
            "The withdrawal cannot come before the decision that awarded the title (%(day)s)."
        ) % {"day": f"{recognition.decision_date:%d/%m/%Y}"}
    if not signer:
        errors["signer"] = _("Enter who signed the withdrawal decision.")
    elif len(signer) > SIGNER_LENGTH:
        errors["signer"] = _("The signer's name and position are too long (at most 200 characters together).")
    if not reason:
        errors["reason"] = _("Give the reason for the withdrawal.")
    return errors


def title_withdraw(
    *,
    user,
    recognition: Recognition,
    withdrawal_number: str,
    withdrawn_on: date | None,
    signer: str,
    reason: str,
    seen_status: str | None = None,
    today: date | None = None,
) -> Recognition:
    """Withdraw (thu hồi) a confirmed title by a decision: its number, date, signer and the reason, all required.

    The first decision stays; the status becomes withdrawn. A title withdrawn meanwhile (or otherwise changed
    from the state the user saw, `seen_status`) is refused with code "stale": never withdrawn twice.
    """
    if not may_decide(user, recognition):
        raise PermissionDenied
    today = today or timezone.localdate()
    number = " ".join(nfc(withdrawal_number or "").split())
    signer = " ".join(nfc(signer or "").split())
    reason = nfc(reason or "").strip()
    errors = _check_withdrawal(recognition, number, withdrawn_on, signer, reason, today)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Recognition.objects.select_for_update().get(pk=recognition.pk)
        _check_still_confirmed(current, seen_status)
        current.status = Recognition.Status.WITHDRAWN
        current.withdrawal_number, current.withdrawn_on = number, withdrawn_on
        current.withdrawal_signer, current.withdrawal_reason = signer, reason
        current.save(
            update_fields=["status", "withdrawal_number", "withdrawn_on", "withdrawal_signer", "withdrawal_reason"]
        )
        history_record(
            obj=current,
            user=user,
            action="withdraw",
            changes={
                "status": [Recognition.Status.CONFIRMED, Recognition.Status.WITHDRAWN],
                "withdrawal_number": [None, number],
                "withdrawn_on": [None, withdrawn_on.isoformat()],
                "withdrawal_signer": [None, signer],
            },
            reason=reason,
        )
    return current


def _check_still_confirmed(current: Recognition, seen_status: str | None) -> None:
    if current.status == Recognition.Status.WITHDRAWN:
        raise ValidationError(
            _("This title was already withdrawn by decision %(number)s of %(day)s; nothing was changed.")
            % {"number": current.withdrawal_number, "day": f"{current.withdrawn_on:%d/%m/%Y}"},
            code="stale",
        )
    if current.status != Recognition.Status.CONFIRMED or (seen_status and seen_status != current.status):
        raise ValidationError(
            _("This title changed while you were writing; its current state is shown. Nothing was changed."),
            code="stale",
        )


# --- history of a unit ------------------------------------------------------------------------------------------


def title_history_for(unit, today: date | None = None) -> list[Recognition]:
    """Every title of a ward (its own and its neighbourhoods') or of one neighbourhood, newest year first, each
    with `state` (title_state on `today`). Programme, neighbourhood and visit's round selected. One query."""
    today = today or timezone.localdate()
    qs = titles().filter(ward=unit) if isinstance(unit, Ward) else titles().filter(neighbourhood=unit)
    rows = list(
        qs.select_related("programme", "neighbourhood").order_by(
            "-year", F("neighbourhood__search_key").asc(nulls_first=True), "title", "pk"
        )
    )
    for row in rows:
        row.state = title_state(row, today)
    return rows
