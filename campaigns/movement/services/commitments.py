"""Commitments (cam kết): a unit head's signed pledge for a period and a topic, with the scanned document.

At the period's end a commitment is marked kept or breached. The city (or a campaign of the city) may ask
every ward to sign one; request_status shows who has.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.movement.models import Commitment, CommitmentRequest
from campaigns.movement.permissions import can_ask_commitments, can_close_commitment
from campaigns.results.forms import EVIDENCE_TYPES, check_evidence
from portal import scope
from portal.models import history_record
from wards.models import Ward

COMMITMENT_CONTENT_TYPES = {extension: mime for mime, extension in EVIDENCE_TYPES.items()}


def commitment_document_content_type(commitment: Commitment) -> str:
    """The content type the scan is served with, from the extension it was stored under."""
    extension = commitment.document.name.rsplit(".", 1)[-1].lower()
    return COMMITMENT_CONTENT_TYPES.get(extension, "application/octet-stream")


def _check_period(start, end) -> None:
    if start and end and end < start:
        raise ValidationError(_("The end of the period cannot come before its start."))


@transaction.atomic
def commitment_record(*, user, data: dict, document=None) -> Commitment:
    """Record a signed commitment of a ward (or of one of its neighbourhoods).

    `data`: ward, topic, signer, signer_title, signed_on, period_start, period_end; optional neighbourhood and
    request (the request it answers; the ward must be among those asked, once). Ward staff of that ward or
    administrators only. The scan must be a JPG, PNG or PDF of at most 10 MB, judged by its content.
    """
    ward = data["ward"]
    if not scope.can_edit_ward(user, ward):
        raise PermissionDenied
    neighbourhood = data.get("neighbourhood")
    if neighbourhood is not None and neighbourhood.ward_id != ward.pk:
        raise ValidationError(_("The neighbourhood does not belong to this ward."))
    _check_period(data["period_start"], data["period_end"])
    if data["signed_on"] > timezone.localdate():
        raise ValidationError(_("The signing date cannot be in the future."))
    answered = data.get("request")
    if answered is not None:
        if not answered.wards.filter(pk=ward.pk).exists():
            raise ValidationError(_("This ward was not asked to sign “%(request)s”.") % {"request": answered})
        if answered.commitments.filter(ward=ward).exists():
            raise ValidationError(_("%(ward)s has already signed “%(request)s”.") % {"ward": ward, "request": answered})
    commitment = Commitment(
        request=answered,
        ward=ward,
        neighbourhood=neighbourhood,
        topic=answered.topic if answered is not None else data["topic"],
        signer=data["signer"].strip(),
        signer_title=data["signer_title"].strip(),
        signed_on=data["signed_on"],
        period_start=data["period_start"],
        period_end=data["period_end"],
    )
    if not commitment.signer or not commitment.signer_title:
        raise ValidationError(_("Say who signed and in which position."))
    if document is not None:
        mime = check_evidence(document)
        # Stored under the extension of what it really is, whatever the name it came with.
        document.name = f"cam-ket-{commitment.topic}-{commitment.signed_on:%Y%m%d}.{EVIDENCE_TYPES[mime]}"
        commitment.document = document
    commitment.save()
    history_record(
        obj=commitment,
        user=user,
        action="create",
        changes={
            "topic": [None, commitment.get_topic_display()],
            "signer": [None, commitment.signer],
            "period": [None, f"{commitment.period_start:%d/%m/%Y} – {commitment.period_end:%d/%m/%Y}"],
        },
    )
    return commitment


@transaction.atomic
def commitment_close(*, user, commitment: Commitment, outcome: str, note: str) -> Commitment:
    """Mark a commitment kept or breached once its period is over; a breach needs a note saying what happened."""
    if not can_close_commitment(user, commitment):
        raise PermissionDenied
    commitment = Commitment.objects.select_for_update().select_related("ward").get(pk=commitment.pk)
    note = (note or "").strip()
    if outcome not in (Commitment.Outcome.KEPT, Commitment.Outcome.BREACHED):
        raise ValidationError(_("Choose whether the commitment was kept or breached."))
    if commitment.outcome != Commitment.Outcome.PENDING:
        raise ValidationError(
            _("This commitment is already marked “%(outcome)s”.") % {"outcome": commitment.get_outcome_display()}
        )
    if timezone.localdate() <= commitment.period_end:
        raise ValidationError(
            _("The commitment runs until %(date)s; it can be marked kept or breached only after that.")
            % {"date": f"{commitment.period_end:%d/%m/%Y}"}
        )
    if outcome == Commitment.Outcome.BREACHED and not note:
        raise ValidationError(_("Say how the commitment was breached."))
    old = commitment.get_outcome_display()
    commitment.outcome = outcome
    commitment.outcome_note = note
    commitment.save(update_fields=["outcome", "outcome_note"])
    history_record(
        obj=commitment,
        user=user,
        action="update",
        changes={"outcome": [str(old), str(commitment.get_outcome_display())]},
        reason=note,
    )
    return commitment


@transaction.atomic
def commitment_request_create(*, user, city, data: dict, wards) -> CommitmentRequest:
    """Ask wards of the city to sign a commitment. Administrators and the city's leaders only.

    `data`: topic, title, period_start, period_end, deadline; optional campaign (of the same city).
    """
    if not can_ask_commitments(user, city):
        raise PermissionDenied
    wards = list(wards)
    if not wards:
        raise ValidationError(_("Choose at least one ward to ask."))
    if any(ward.city_id != city.pk for ward in wards):
        raise ValidationError(_("Only wards of %(city)s can be asked.") % {"city": city})
    _check_period(data["period_start"], data["period_end"])
    if data["deadline"] > data["period_end"]:
        raise ValidationError(_("The signing deadline cannot come after the end of the period."))
    campaign = data.get("campaign")
    if campaign is not None and campaign.city_id != city.pk:
        raise ValidationError(_("The campaign belongs to another city."))
    title = (data.get("title") or "").strip()
    if not title:
        raise ValidationError(_("Give the request a title."))
    commitment_request = CommitmentRequest.objects.create(
        city=city,
        campaign=campaign,
        topic=data["topic"],
        title=title,
        period_start=data["period_start"],
        period_end=data["period_end"],
        deadline=data["deadline"],
    )
    commitment_request.wards.set(wards)
    history_record(
        obj=commitment_request,
        user=user,
        action="create",
        changes={"title": [None, title], "wards": [None, len(wards)]},
    )
    return commitment_request


def request_status(commitment_request: CommitmentRequest, *, ward_ids=None) -> list[Ward]:
    """Every ward asked, by name, each with `signed` (bool), `commitment_id` and `signed_on` — one query.

    `ward_ids` narrows the answer to those wards (a ward user sees only their own line).
    """
    answers = Commitment.objects.filter(request=commitment_request, ward=OuterRef("pk")).order_by("signed_on", "pk")
    wards = commitment_request.wards.all()
    if ward_ids is not None:
        wards = wards.filter(pk__in=ward_ids)
    return list(
        wards.annotate(
            signed=Exists(answers),
            commitment_id=Subquery(answers.values("pk")[:1]),
            signed_on=Subquery(answers.values("signed_on")[:1]),
        ).order_by("search_key", "pk")
    )
