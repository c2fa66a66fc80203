"""Many units at once: ward staff send a period's drafts, the ward leader approves what was sent.

Each unit goes through the one-unit workflow (services.submission_submit, services.submission_approve:
permission, lock, status and one history entry per unit) in a savepoint of its own, so a unit that
is refused undoes nothing of the others; the whole batch is one transaction, at whose end the ward's
rollups are counted once (campaigns.results.rollups.refresh_once). The outcome says which units were
done and, for each of the others, why not, in the interface language.

The ids come from a form and are taken only within the ward and period of the page and what the user
may see (`Submission.objects.visible_to`): an id of another ward, period or unit kind is "not found",
never processed and never named.

Ready to send (bulk submit only). A draft or returned unit is sent only when every indicator that
staff enter has a value (a number, yes/no or a text answer); indicators computed from the unit's
profile are not counted, staff cannot type them. Ticking twenty units in a list is not looking at
twenty forms: a unit with empty indicators is refused with how many are empty, to be opened and
checked first. Sending one unit from its own form (services.submission_submit) is unchanged: whoever
presses that button has the form in front of them, and a draft may be sent with values missing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.criteria.models import Indicator
from campaigns.results import rollups, services
from campaigns.results.models import Period, Submission
from portal import scope
from portal.numbers import parse_id
from wards.models import Ward

# Ids read from one form: far more than a ward has units (Thanh Hóa's largest has under 40), and few
# enough for one `IN (...)` on any database. Those past it are not read.
MAX_BATCH = 500


@dataclass(frozen=True)
class Refusal:
    """A unit that was not done, and why, said to the person who asked."""

    unit: str
    reason: str


@dataclass
class BulkOutcome:
    """What a bulk action did: the units done, those refused with their reason, and ids not found."""

    done: list[Submission] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    not_found: int = 0


@dataclass
class Plan:
    """The selected units before acting: those that can be done now, the others with their reason."""

    ready: list[Submission] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    not_found: int = 0


def selected_ids(values: Iterable[str]) -> list[int]:
    """The ids a form posted, as numbers, each once and in order; anything that is not an id is dropped,
    and so is everything past the first MAX_BATCH values."""
    ids = (parse_id(value) for value in list(values)[:MAX_BATCH])
    return list(dict.fromkeys(pk for pk in ids if pk))


class Fill(NamedTuple):
    """How many indicators staff enter in a submission's set, and how many of them have no value yet."""

    total: int
    empty: int


def with_fill(queryset):
    """Submissions annotated with what `fill` reads, in the same query: `entered_total`, the indicators
    staff enter in the submission's set, and `entered_filled`, those of them that have a value.

    A value is a number (yes/no included) or a text answer; a note or evidence alone is not.
    Indicators computed from the profile do not count.
    """
    total = (
        Indicator.objects.filter(criterion__criteria_set=OuterRef("criteria_set"), source=Indicator.Source.ENTERED)
        .order_by()
        .values("criterion__criteria_set")
        .annotate(n=Count("pk"))
        .values("n")
    )
    has_value = Q(results__indicator__source=Indicator.Source.ENTERED) & (
        Q(results__value__isnull=False) | ~Q(results__text="")
    )
    return queryset.annotate(
        entered_total=Coalesce(Subquery(total, output_field=IntegerField()), 0),
        entered_filled=Count("results", filter=has_value),
    )


def fill(submission: Submission) -> Fill:
    """How full a submission fetched through `with_fill` is."""
    total = submission.entered_total
    return Fill(total, max(total - submission.entered_filled, 0))


def _selected(*, ward: Ward, period: Period, user, ids: list[int], neighbourhoods_only: bool):
    """The submissions among `ids` of this ward and period that the user sees, by unit name; and how
    many ids were not among them."""
    found = with_fill(
        Submission.objects.visible_to(user)
        .filter(ward=ward, period=period, pk__in=ids)
        .select_related("ward", "period", "neighbourhood", "submitted_by")
        .order_by("neighbourhood__search_key", "pk")
    )
    if neighbourhoods_only:
        found = found.filter(neighbourhood__isnull=False)
    found = list(found)
    return found, len(ids) - len(found)


def _submit_refusal(submission: Submission, fill: Fill) -> str | None:
    """Why a unit cannot be sent in a bulk action, or None when it is ready (see the module docstring)."""
    if submission.status == Submission.Status.SUBMITTED:
        return _("already sent to the ward leader")
    if submission.status == Submission.Status.APPROVED:
        return _("already approved")
    if submission.period.is_locked:
        return _("the period is locked")
    if fill.empty and fill.empty == fill.total:
        return _("nothing entered yet")
    if fill.empty:
        return ngettext(
            "%(count)s indicator has no value yet; open its form and check it",
            "%(count)s indicators have no value yet; open its form and check them",
            fill.empty,
        ) % {"count": fill.empty}
    return None


def _approve_refusal(submission: Submission) -> str | None:
    if submission.status == Submission.Status.APPROVED:
        return _("already approved")
    if submission.status == Submission.Status.RETURNED:
        return _("returned to ward staff for correction")
    if submission.status == Submission.Status.DRAFT:
        return _("not sent for review yet")
    return None


def submit_plan(*, ward: Ward, period: Period, user, submission_ids: Iterable[int]) -> Plan:
    """Which of the selected neighbourhoods can be sent now, and why the others cannot. Writes nothing."""
    if not scope.can_edit_ward(user, ward):
        raise PermissionDenied
    ids = list(submission_ids)
    found, not_found = _selected(ward=ward, period=period, user=user, ids=ids, neighbourhoods_only=True)
    plan = Plan(not_found=not_found)
    for submission in found:
        reason = _submit_refusal(submission, fill(submission))
        if reason is None:
            plan.ready.append(submission)
        else:
            plan.refused.append(Refusal(submission.unit.name, reason))
    return plan


def approval_plan(*, ward: Ward, period: Period, user, submission_ids: Iterable[int]) -> Plan:
    """Which of the selected units can be approved now, and why the others cannot. Writes nothing.

    The confirmation page lists the plan; approving plans again, so a unit returned meanwhile is refused.
    """
    if not scope.can_review_ward(user, ward):
        raise PermissionDenied
    ids = list(submission_ids)
    found, not_found = _selected(ward=ward, period=period, user=user, ids=ids, neighbourhoods_only=False)
    plan = Plan(not_found=not_found)
    for submission in found:
        reason = _approve_refusal(submission)
        if reason is None:
            plan.ready.append(submission)
        else:
            plan.refused.append(Refusal(submission.unit.name, reason))
    return plan


def _run(plan: Plan, action) -> BulkOutcome:
    """Do `action` on each ready unit in a savepoint of its own; a refusal is noted and the rest go on."""
    outcome = BulkOutcome(refused=list(plan.refused), not_found=plan.not_found)
    with rollups.refresh_once():  # one transaction; the ward's rollups are counted once, at its end
        for submission in plan.ready:
            try:
                with transaction.atomic():
                    outcome.done.append(action(submission))
            except ValidationError as exc:  # changed since the plan was made: another person acted meanwhile
                outcome.refused.append(Refusal(submission.unit.name, " ".join(exc.messages)))
    return outcome


def submissions_submit(*, ward: Ward, period: Period, user, submission_ids: Iterable[int]) -> BulkOutcome:
    """Ward staff send the selected neighbourhoods of a period to the ward leader, those ready to send.

    Raises PermissionDenied unless the user may change the ward's results (scope.can_edit_ward).
    """
    plan = submit_plan(ward=ward, period=period, user=user, submission_ids=submission_ids)
    return _run(plan, lambda s: services.submission_submit(submission=s, user=user))


def submissions_approve(*, ward: Ward, period: Period, user, submission_ids: Iterable[int]) -> BulkOutcome:
    """The ward leader approves the selected units of a period that were sent; each is locked from then on.

    Raises PermissionDenied unless the user reviews the ward (scope.can_review_ward).
    """
    plan = approval_plan(ward=ward, period=period, user=user, submission_ids=submission_ids)
    return _run(plan, lambda s: services.submission_approve(submission=s, user=user))
