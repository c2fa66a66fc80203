"""Commitments (cam kết): a signed pledge for a period and a topic, with the scanned document, by a ward, one
of its neighbourhoods, or an office or organisation (within a ward or at city level), to a superior.

At the period's end a commitment is marked kept or breached. The city (or a campaign of the city) may ask
every ward to sign one; request_status shows who has. Requests go to wards only: a city-level office signs
on its own (the city's leaders record it), not in answer to a request.
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
from portal.vietnamese import nfc
from wards.models import Ward

COMMITMENT_CONTENT_TYPES = {extension: mime for mime, extension in EVIDENCE_TYPES.items()}


def commitment_document_content_type(commitment: Commitment) -> str:
    """The content type the scan is served with, from the extension it was stored under."""
    extension = commitment.document.name.rsplit(".", 1)[-1].lower()
    return COMMITMENT_CONTENT_TYPES.get(extension, "application/octet-stream")


def may_close(user, commitment: Commitment) -> bool:
    """Mark kept or breached: for a ward's commitment its staff and leaders (permissions.can_close_commitment),
    for a city-level one the city's leaders; administrators always."""
    if commitment.ward_id is None:
        return can_ask_commitments(user, commitment.city)
    return can_close_commitment(user, commitment)


def may_record_any(user) -> bool:
    """Whether the user records commitments at all: a ward's staff, a city's leaders, administrators."""
    current = scope.scope_of(user)
    return current.is_admin or bool(current.edit_ward_ids) or current.is_city_leader


def _check_period(start, end) -> None:
    if start and end and end < start:
        raise ValidationError(_("The end of the period cannot come before its start."))


def _signer_unit(user, data: dict) -> dict:
    """Who signs, checked against the user's rights: city, ward, neighbourhood and office of the commitment.

    A ward's staff record their ward's commitments (the ward's own, a neighbourhood's, an office's within the
    ward); the city's leaders and administrators record city-level ones (an office with no ward). Anyone else:
    PermissionDenied. A forged neighbourhood or a kind without its unit: ValidationError.
    """
    kind = data.get("signer_kind") or (
        Commitment.SignerKind.NEIGHBOURHOOD if data.get("neighbourhood") else Commitment.SignerKind.WARD
    )
    if kind not in Commitment.SignerKind.values:
        raise ValidationError({"signer_kind": _("Choose who signs: the ward, a neighbourhood or an office.")})
    ward, city = data.get("ward"), data.get("city")
    if ward is not None:
        if not scope.can_edit_ward(user, ward):
            raise PermissionDenied
        city = ward.city
    elif kind != Commitment.SignerKind.OFFICE:
        raise ValidationError({"ward": _("Choose the ward.")})
    elif city is None or not can_ask_commitments(user, city):
        raise PermissionDenied
    neighbourhood = data.get("neighbourhood") if kind == Commitment.SignerKind.NEIGHBOURHOOD else None
    if kind == Commitment.SignerKind.NEIGHBOURHOOD:
        if neighbourhood is None:
            raise ValidationError({"neighbourhood": _("Choose the neighbourhood that signs.")})
        if neighbourhood.ward_id != ward.pk:
            raise ValidationError({"neighbourhood": _("The neighbourhood does not belong to this ward.")})
    office = nfc(" ".join((data.get("office") or "").split())) if kind == Commitment.SignerKind.OFFICE else ""
    if kind == Commitment.SignerKind.OFFICE and not office:
        raise ValidationError({"office": _("Name the office or organisation that signs.")})
    return {"signer_kind": kind, "city": city, "ward": ward, "neighbourhood": neighbourhood, "office": office}


def _check_request(answered, ward) -> None:
    """A request is answered by a ward it asked, once. City-level offices were not asked: requests go to wards."""
    if answered is None:
        return
    if ward is None:
        raise ValidationError({"request": _("Requests ask wards to sign; a city-level office answers none.")})
    if not answered.wards.filter(pk=ward.pk).exists():
        raise ValidationError(_("This ward was not asked to sign “%(request)s”.") % {"request": answered})
    if answered.commitments.filter(ward=ward).exists():
        raise ValidationError(_("%(ward)s has already signed “%(request)s”.") % {"ward": ward, "request": answered})


@transaction.atomic
def commitment_record(*, user, data: dict, document=None) -> Commitment:
    """Record a signed commitment of a ward, one of its neighbourhoods, or an office (within a ward or at city
    level), to a superior named by position (and name).

    `data`: signer_kind (ward, neighbourhood, office; guessed from the neighbourhood when absent), ward (None
    for a city-level office, then city), neighbourhood, office, topic, signer, signer_title, recipient,
    recipient_title, signed_on, period_start, period_end; optional request (the request it answers; the ward
    must be among those asked, once). Rights: see _signer_unit. The scan must be a JPG, PNG or PDF of at most
    10 MB, judged by its content.
    """
    unit = _signer_unit(user, data)
    _check_period(data["period_start"], data["period_end"])
    if data["signed_on"] > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    answered = data.get("request")
    _check_request(answered, unit["ward"])
    commitment = Commitment(
        request=answered,
        **unit,
        topic=answered.topic if answered is not None else data["topic"],
        signer=nfc(data["signer"].strip()),
        signer_title=nfc(data["signer_title"].strip()),
        recipient=nfc((data.get("recipient") or "").strip()),
        recipient_title=nfc((data.get("recipient_title") or "").strip()),
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
    changes = {
        "topic": [None, commitment.get_topic_display()],
        "unit": [None, commitment.unit_name],
        "signer": [None, commitment.signer],
        "period": [None, f"{commitment.period_start:%d/%m/%Y} – {commitment.period_end:%d/%m/%Y}"],
    }
    if commitment.recipient_title:
        changes["recipient"] = [None, ", ".join(filter(None, [commitment.recipient, commitment.recipient_title]))]
    history_record(obj=commitment, user=user, action="create", changes=changes)
    return commitment


@transaction.atomic
def commitment_close(*, user, commitment: Commitment, outcome: str, note: str) -> Commitment:
    """Mark a commitment kept or breached once its period is over; a breach needs a note saying what happened."""
    if not may_close(user, commitment):
        raise PermissionDenied
    commitment = Commitment.objects.select_for_update(of=("self",)).select_related("ward", "city").get(pk=commitment.pk)
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
