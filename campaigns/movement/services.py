"""Workflows of the emulation movement (phong trào thi đua): campaigns, tasks, commitments, recognitions.

Each section below belongs to one part of the movement; every function takes keyword-only arguments,
runs in one transaction and writes its history entry in that transaction.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.movement.models import Campaign, Target, Task, TaskAttachment, TaskUpdate
from campaigns.results.forms import check_evidence
from portal import scope
from portal.models import history_record

# --- campaigns and tasks ------------------------------------------------------------------------------------------


class TaskChanged(ValidationError):
    """Someone else changed the task after it was opened: the caller's figures may be stale."""


CAMPAIGN_FIELDS = ("name", "kind", "goal", "start", "end")
TASK_FIELDS = ("title", "target", "ward", "neighbourhood", "start", "due", "progress", "target_value", "assignee")


def _plain(value):
    """A field value as a history entry stores it (JSON)."""
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)  # model instances, dates and decimals as people read them


def _campaign_errors(data: dict, targets: list[dict]) -> dict:
    errors: dict[str, list] = {}
    start, end = data.get("start"), data.get("end")
    if start and end and end < start:
        errors.setdefault("end", []).append(_("The end cannot come before the start."))
    for row in targets:
        if row.get("delete"):
            continue
        value = row.get("value")
        if value is not None and value < 0:
            errors.setdefault("targets", []).append(
                _("The target “%(name)s” cannot be negative.") % {"name": row.get("name") or "—"}
            )
        if not (row.get("name") or "").strip():
            errors.setdefault("targets", []).append(_("Every target needs a name."))
        if value is None:
            errors.setdefault("targets", []).append(
                _("The target “%(name)s” needs a value.") % {"name": row.get("name") or "—"}
            )
    return errors


def campaign_save(*, user, campaign: Campaign | None = None, data: dict, targets: Iterable[dict]) -> Campaign:
    """Create or change a campaign and its targets.

    `data` holds name, kind, goal, start, end, ward (the owning ward, None for a city-wide campaign), city
    (needed only for a city-wide campaign), wards (participating) and criteria. `targets` are dicts with
    id (None for a new one), name, unit, value and delete. Raises PermissionDenied or ValidationError;
    nothing is saved unless everything is valid.
    """
    targets = list(targets)
    ward = data.get("ward")
    city = ward.city if ward is not None else data.get("city") or (campaign.city if campaign else None)
    if city is None:
        raise ValidationError({"city": _("Choose the city of a city-wide campaign.")})
    if campaign is not None and not scope.can_manage_campaign(user, city=campaign.city, ward=campaign.ward):
        raise PermissionDenied
    if not scope.can_manage_campaign(user, city=city, ward=ward):
        raise PermissionDenied
    errors = _campaign_errors(data, targets)
    wards = list(data.get("wards") or [])
    if any(w.city_id != city.pk for w in wards):
        errors.setdefault("wards", []).append(_("Participating wards must belong to the campaign's city."))
    if errors:
        raise ValidationError(errors)
    created = campaign is None
    with transaction.atomic():
        if created:
            campaign = Campaign(created_by=user if user.is_authenticated else None)
            changes = {}
        else:
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
            changes = {}
        for name in CAMPAIGN_FIELDS:
            if name in data and getattr(campaign, name) != data[name]:
                changes[name] = [None if created else _plain(getattr(campaign, name)), _plain(data[name])]
                setattr(campaign, name, data[name])
        if campaign.ward_id != (ward.pk if ward else None):
            changes["ward"] = [None if created else _plain(campaign.ward), _plain(ward)]
        campaign.ward = ward
        campaign.city = city
        campaign.save()
        campaign.wards.set(wards)
        if "criteria" in data:
            campaign.criteria.set(data["criteria"] or [])
        existing = {t.pk: t for t in campaign.targets.all()}
        for row in targets:
            target = existing.get(row.get("id")) if row.get("id") else None
            if row.get("delete"):
                if target is not None:
                    target.delete()
                    changes.setdefault("targets", []).append(_plain(target))
                continue
            if target is None:
                target = Target(campaign=campaign)
            target.name = row["name"].strip()
            target.unit = (row.get("unit") or "").strip()
            target.value = row["value"]
            target.save()
        history_record(obj=campaign, user=user, action="create" if created else "update", changes=changes)
    return campaign


def task_wards(campaign: Campaign) -> list[int]:
    """Ids of the wards a task of this campaign may be assigned to: participants and the owning ward."""
    ids = set(campaign.wards.values_list("id", flat=True))
    if campaign.ward_id:
        ids.add(campaign.ward_id)
    return sorted(ids)


def can_add_task(user, campaign: Campaign, ward=None) -> bool:
    """The campaign's managers assign tasks to any participant; a ward's staff and leader to their own ward."""
    if scope.can_manage_campaign(user, city=campaign.city, ward=campaign.ward):
        return True
    if ward is None:
        s = scope.scope_of(user)
        return bool(set(task_wards(campaign)) & (s.edit_ward_ids | s.review_ward_ids))
    return ward.pk in task_wards(campaign) and scope.can_manage_campaign(user, city=campaign.city, ward=ward)


def _task_errors(campaign: Campaign, data: dict) -> dict:
    errors: dict[str, list] = {}
    start, due = data.get("start"), data.get("due")
    if due and not (campaign.start <= due <= campaign.end):
        errors.setdefault("due", []).append(
            _("The due date must lie within the campaign, from %(start)s to %(end)s.")
            % {"start": campaign.start.strftime("%d/%m/%Y"), "end": campaign.end.strftime("%d/%m/%Y")}
        )
    if start and due and due < start:
        errors.setdefault("due", []).append(_("The due date cannot come before the start."))
    progress = data.get("progress")
    if progress is not None and not (0 <= progress <= 100):
        errors.setdefault("progress", []).append(_("Progress is a percentage from 0 to 100."))
    target_value = data.get("target_value")
    if target_value is not None and target_value < 0:
        errors.setdefault("target_value", []).append(_("The target value cannot be negative."))
    ward, hood, target = data.get("ward"), data.get("neighbourhood"), data.get("target")
    if ward is not None and ward.pk not in task_wards(campaign):
        errors.setdefault("ward", []).append(_("This ward does not take part in the campaign."))
    if hood is not None and (ward is None or hood.ward_id != ward.pk):
        errors.setdefault("neighbourhood", []).append(_("This neighbourhood does not belong to the assigned ward."))
    if target is not None and target.campaign_id != campaign.pk:
        errors.setdefault("target", []).append(_("This target belongs to another campaign."))
    return errors


def task_save(*, user, campaign: Campaign, data: dict, task: Task | None = None) -> Task:
    """Create (or change) a task of a campaign, assigned to a participating ward or one of its neighbourhoods."""
    ward = data.get("ward")
    if ward is None:
        raise ValidationError({"ward": _("Choose the ward the task is assigned to.")})
    if not can_add_task(user, campaign, ward):
        raise PermissionDenied
    errors = _task_errors(campaign, data)
    if errors:
        raise ValidationError(errors)
    created = task is None
    with transaction.atomic():
        if created:
            task = Task(campaign=campaign)
        else:
            task = Task.objects.select_for_update().get(pk=task.pk, campaign=campaign)
        changes = {}
        for name in TASK_FIELDS:
            if name not in data:
                continue
            old = getattr(task, name, None) if not created else None
            if created or old != data[name]:
                changes[name] = [_plain(old), _plain(data[name])]
            setattr(task, name, data[name])
        if not created:
            task.version = F("version") + 1
        task.save()
        task.refresh_from_db(fields=["version"])
        history_record(obj=task, user=user, action="create" if created else "update", changes=changes)
    return task


def _claim(task: Task, version: int | None) -> Task:
    """Lock the task's row; refuse if it changed since the caller read it (its version moved on)."""
    current = Task.objects.select_for_update().select_related("ward").get(pk=task.pk)
    expected = task.version if version is None else version
    if current.version != expected:
        raise TaskChanged(
            _(
                "Someone else updated this task while you were writing. Its current progress is shown; "
                "check it and post your update again."
            ),
            code="stale",
        )
    return current


def task_update_post(
    *,
    user,
    task: Task,
    text: str,
    figure: Decimal | None = None,
    progress: int | None = None,
    files: Iterable = (),
    version: int | None = None,
) -> TaskUpdate:
    """Post what was done on a task (text, the figure reached so far, progress, photos) and move the task on.

    The figure becomes the task's value reached (it counts towards the campaign target); an open task
    becomes "in progress". `version` is the task's version when the user opened it: a stale one is refused.
    """
    if not scope.can_work_on_task(user, task):
        raise PermissionDenied
    files = list(files)
    errors: dict[str, list] = {}
    if not (text or "").strip():
        errors.setdefault("text", []).append(_("Say what was done."))
    if figure is not None and figure < 0:
        errors.setdefault("figure", []).append(_("The figure reached cannot be negative."))
    if progress is not None and not (0 <= progress <= 100):
        errors.setdefault("progress", []).append(_("Progress is a percentage from 0 to 100."))
    kinds = []
    for upload in files:
        try:
            kinds.append(check_evidence(upload))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if task.status == Task.Status.CANCELLED:
        errors.setdefault("__all__", []).append(_("This task was cancelled; it takes no more updates."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _claim(task, version)
        update = TaskUpdate.objects.create(
            task=current, author=user, text=text.strip(), figure=figure, progress=progress
        )
        for upload, mime in zip(files, kinds, strict=True):
            TaskAttachment.objects.create(
                update=update, file=upload, original_name=upload.name[:255], content_type=mime, size=upload.size
            )
        changes = {}
        if figure is not None and figure != current.reached_value:
            changes["reached_value"] = [str(current.reached_value), str(figure)]
            current.reached_value = figure
        if progress is not None and progress != current.progress:
            changes["progress"] = [current.progress, progress]
            current.progress = progress
        if current.status == Task.Status.OPEN:
            changes["status"] = [current.status, Task.Status.IN_PROGRESS.value]
            current.status = Task.Status.IN_PROGRESS
        current.version = F("version") + 1
        current.save(update_fields=["reached_value", "progress", "status", "version", "updated_at"])
        current.refresh_from_db(fields=["version"])
        if files:
            changes["evidence"] = [None, ", ".join(u.name for u in files)]
        history_record(obj=current, user=user, action="update", changes=changes, reason=text.strip()[:500])
    task.reached_value, task.progress, task.status, task.version = (
        current.reached_value,
        current.progress,
        current.status,
        current.version,
    )
    return update


def task_complete(*, user, task: Task, version: int | None = None) -> Task:
    """Mark a task done: progress 100, completed now."""
    if not scope.can_work_on_task(user, task):
        raise PermissionDenied
    if task.status == Task.Status.CANCELLED:
        raise ValidationError(_("This task was cancelled; it cannot be marked done."))
    with transaction.atomic():
        current = _claim(task, version)
        if current.status == Task.Status.DONE:
            return current
        changes = {"status": [current.status, Task.Status.DONE.value], "progress": [current.progress, 100]}
        current.status = Task.Status.DONE
        current.progress = 100
        current.completed_at = timezone.now()
        current.version = F("version") + 1
        current.save(update_fields=["status", "progress", "completed_at", "version", "updated_at"])
        current.refresh_from_db(fields=["version"])
        history_record(obj=current, user=user, action="update", changes=changes)
    task.status, task.progress, task.completed_at, task.version = (
        current.status,
        current.progress,
        current.completed_at,
        current.version,
    )
    return current


def week_of(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


# --- end of campaigns and tasks -----------------------------------------------------------------------------------


# --- recognitions and party cells -----------------------------------------------------------------------------
# Imports stay inside the functions: other sections of this module bring their own.

RECOGNITION_TITLE = "Thôn, tổ dân phố kiểu mẫu"
RATING_YEARS = (2000, 2100)


def _rc_check_year(year: int) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not RATING_YEARS[0] <= year <= RATING_YEARS[1]:
        raise ValidationError(_("The year must be between %(low)s and %(high)s.") % {"low": 2000, "high": 2100})


def recognition_candidates(*, city, year: int, title: str = RECOGNITION_TITLE):
    """Neighbourhoods of `city` whose latest approved monthly submission of `year` meets the whole set, with no
    recognition yet for that year and title; ward by ward, by name. One query.

    Each row carries `last_month` (the number of that month) and `last_submission_id`. A later month that is
    only submitted or returned does not count: only what the ward leader approved does.
    """
    from datetime import date

    from django.db.models import Exists, OuterRef, Subquery

    from campaigns.movement.models import Recognition
    from campaigns.results.models import Period, Submission
    from wards.models import Neighbourhood

    latest = Submission.objects.filter(
        neighbourhood=OuterRef("pk"),
        period__kind=Period.Kind.MONTH,
        period__year=year,
        status=Submission.Status.APPROVED,
    ).order_by("-period__start", "-pk")
    recognised = Recognition.objects.filter(neighbourhood=OuterRef("pk"), year=year, title=title)
    return (
        Neighbourhood.objects.current(date(year, 12, 31))
        .filter(ward__city=city)
        .annotate(
            last_complete=Subquery(latest.values("is_complete")[:1]),
            last_month=Subquery(latest.values("period__number")[:1]),
            last_submission_id=Subquery(latest.values("pk")[:1]),
        )
        .filter(last_complete=True)
        .exclude(Exists(recognised))
        .select_related("ward")
        .order_by("ward__search_key", "search_key", "pk")
    )


def _cities_deciding(user, city=None):
    from django.core.exceptions import PermissionDenied

    from portal import scope
    from wards.models import City

    s = scope.scope_of(user)
    if city is not None:
        if not (s.is_admin or city.pk in s.city_ids):
            raise PermissionDenied
        return [city]
    cities = list(City.objects.all() if s.is_admin else City.objects.filter(pk__in=s.city_ids))
    if not cities:
        raise PermissionDenied
    return cities


def recognition_propose(*, user, year: int, title: str = RECOGNITION_TITLE, city=None) -> list:
    """Propose the title for every candidate (PROPOSED rows); running it again adds only new candidates.

    City leaders (for their city) and administrators; `city` None: every city the user decides for.
    Returns the recognitions created.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from campaigns.movement.models import Recognition
    from portal.models import HistoryEntry

    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Name the title to propose.")})
    _rc_check_year(year)
    cities = _cities_deciding(user, city)
    with transaction.atomic():
        hoods = [(h.pk, h.ward_id) for c in cities for h in recognition_candidates(city=c, year=year, title=title)]
        if not hoods:
            return []
        Recognition.objects.bulk_create(
            [Recognition(ward_id=w, neighbourhood_id=h, year=year, title=title) for h, w in hoods],
            ignore_conflicts=True,  # a concurrent proposal of the same unit: the unique constraint keeps one
        )
        created = list(
            Recognition.objects.filter(
                year=year, title=title, neighbourhood_id__in=[h for h, _w in hoods], status=Recognition.Status.PROPOSED
            ).order_by("pk")
        )
        content_type = ContentType.objects.get_for_model(Recognition)
        HistoryEntry.objects.bulk_create(
            [
                HistoryEntry(
                    content_type=content_type,
                    object_id=r.pk,
                    user=user,
                    action="propose",
                    changes={"status": [None, r.status], "title": [None, title], "year": [None, year]},
                )
                for r in created
            ]
        )
    return created


def recognition_decide(
    *,
    user,
    recognition,
    confirm: bool,
    decision_number: str = "",
    decision_date=None,
    signer: str = "",
    note: str = "",
):
    """Confirm (with the decision's number and date) or reject a proposed title; a decision can be corrected
    or a title annulled later the same way. City leaders of the unit's city and administrators only."""
    from datetime import date

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from campaigns.movement.models import Recognition
    from portal import scope
    from portal.models import history_record

    if not scope.can_decide_recognition(user, recognition.ward):
        raise PermissionDenied
    decision_number = " ".join((decision_number or "").split())
    signer, note = (signer or "").strip(), (note or "").strip()
    errors = {}
    if confirm and not decision_number:
        errors["decision_number"] = _("A confirmation needs the decision's number.")
    if confirm and decision_date is None:
        errors["decision_date"] = _("A confirmation needs the decision's date.")
    if decision_date is not None and decision_date < date(recognition.year, 1, 1):
        errors["decision_date"] = _("The decision cannot come before the year it recognises.")
    if errors:
        raise ValidationError(errors)
    status = Recognition.Status.CONFIRMED if confirm else Recognition.Status.REJECTED
    with transaction.atomic():
        current = Recognition.objects.select_for_update().get(pk=recognition.pk)
        new = {
            "status": status,
            "decision_number": decision_number,
            "decision_date": decision_date,
            "signer": signer,
            "note": note,
        }
        changes = {
            field: [_rc_plain(getattr(current, field)), _rc_plain(value)]
            for field, value in new.items()
            if getattr(current, field) != value
        }
        for field, value in new.items():
            setattr(current, field, value)
        current.decided_by = user
        current.save(update_fields=[*new, "decided_by"])
        history_record(obj=current, user=user, action="confirm" if confirm else "reject", changes=changes)
    return current


def _rc_plain(value):
    """A value as the history (JSON) keeps it."""
    from datetime import date
    from decimal import Decimal

    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def recognitions_confirmed_for(unit):
    """Confirmed titles of a ward (its own and its neighbourhoods') or of one neighbourhood, newest first."""
    from django.db.models import F

    from campaigns.movement.models import Recognition
    from wards.models import Ward

    qs = Recognition.objects.filter(status=Recognition.Status.CONFIRMED)
    qs = qs.filter(ward=unit) if isinstance(unit, Ward) else qs.filter(neighbourhood=unit)
    return qs.select_related("neighbourhood").order_by(
        "-year", F("neighbourhood__search_key").asc(nulls_first=True), "title", "pk"
    )


def party_cell_rate(*, user, party_cell, year: int, score=None, level=None, members: int = 0, note: str = ""):
    """Record a party cell's rating for a year, on the scale of that year (PartyCellRating.scale_for).

    From 2025 (QĐ 366-QĐ/TW) a score from 0 to 100 is required and the level follows from it; a level given
    beside it must agree. Until 2024 one of the four levels is required and a score is refused.
    The ward's staff and administrators.
    """
    from decimal import Decimal, InvalidOperation

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from campaigns.movement.models import PartyCellRating
    from portal import scope
    from portal.models import history_record

    if not scope.can_edit_ward(user, party_cell.ward):
        raise PermissionDenied
    _rc_check_year(year)
    errors = {}
    level = level or None
    if PartyCellRating.scale_for(year) == PartyCellRating.Scale.POINTS:
        scale = PartyCellRating.Scale.POINTS
        if score is None or score == "":
            errors["score"] = _("From 2025 a party cell is rated with a score from 0 to 100.")
        else:
            try:
                score = Decimal(str(score))
            except InvalidOperation:
                score = None
            if score is None or not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
                errors["score"] = _("The score is a number from 0 to 100.")
            elif score.as_tuple().exponent < -2:
                errors["score"] = _("The score has at most two decimals.")
            else:
                derived = PartyCellRating.level_for_score(score)
                if level is not None and level != derived:
                    errors["level"] = _("The rating follows from the score: %(level)s.") % {
                        "level": PartyCellRating.Level(derived).label
                    }
                level = derived
                score = score.quantize(Decimal("0.01"))
    else:
        scale = PartyCellRating.Scale.FOUR_LEVELS
        if score is not None and score != "":
            errors["score"] = _("Until 2024 a party cell is rated by level, not by score.")
        if level not in PartyCellRating.Level.values:
            errors["level"] = _("Choose one of the four levels.")
        score = None
    try:
        members = int(members)
    except (TypeError, ValueError):
        members = -1
    if members < 0:
        errors["members"] = _("The number of party members cannot be negative.")
    if errors:
        raise ValidationError(errors)
    values = {"scale": scale, "score": score, "level": level, "members": members, "note": (note or "").strip()}
    with transaction.atomic():
        rating = PartyCellRating.objects.select_for_update().filter(party_cell=party_cell, year=year).first()
        if rating is None:
            rating = PartyCellRating.objects.create(party_cell=party_cell, year=year, **values)
            history_record(
                obj=rating, user=user, action="create", changes={k: [None, _rc_plain(v)] for k, v in values.items()}
            )
            return rating
        changes = {
            k: [_rc_plain(getattr(rating, k)), _rc_plain(v)] for k, v in values.items() if getattr(rating, k) != v
        }
        if changes:
            for k, v in values.items():
                setattr(rating, k, v)
            rating.save(update_fields=list(values))
            history_record(obj=rating, user=user, action="update", changes=changes)
        return rating


# --- commitments -------------------------------------------------------------------------------------------------
# A unit head's signed pledge (cam kết) for a period and a topic, with the scanned document; at the period's end it
# is marked kept or breached. The city (or a campaign of the city) may ask every ward to sign one.

# PermissionDenied, ValidationError, transaction, timezone, _, check_evidence and history_record come from the
# imports at the top of the module.
from django.db.models import Exists, OuterRef, Subquery  # noqa: E402

from campaigns.movement.models import Commitment, CommitmentRequest  # noqa: E402
from campaigns.results.forms import EVIDENCE_TYPES  # noqa: E402
from portal import scope as portal_scope  # noqa: E402
from wards.models import Ward  # noqa: E402

COMMITMENT_CONTENT_TYPES = {extension: mime for mime, extension in EVIDENCE_TYPES.items()}


def can_close_commitment(user, commitment: Commitment) -> bool:
    """Mark kept or breached: the ward's staff and leaders, and administrators."""
    return portal_scope.can_edit_ward(user, commitment.ward) or portal_scope.can_review_ward(user, commitment.ward)


def can_ask_commitments(user, city) -> bool:
    """Ask wards to sign: administrators and the city's leaders."""
    scope = portal_scope.scope_of(user)
    return scope.is_admin or city.pk in scope.city_ids


def cities_user_may_ask(user):
    from wards.models import City

    scope = portal_scope.scope_of(user)
    if scope.is_admin:
        return City.objects.all()
    return City.objects.filter(id__in=scope.city_ids)


def commitment_document_content_type(commitment: Commitment) -> str:
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
    if not portal_scope.can_edit_ward(user, ward):
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
