"""Recognitions: titles (e.g. "Thôn, tổ dân phố kiểu mẫu") proposed for a year and confirmed or rejected by decision.

This is the path for titles outside a programme, proposed from the self-reported results. A title that a
programme awards (campaigns.criteria.models.Programme.title) is decided from the city's verification only
(campaigns.movement.services.titles): self-reported results alone never make its candidates, so it cannot be
proposed here, and a title decided or withdrawn there is not changed here.
"""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext as _

from campaigns.criteria.models import Programme
from campaigns.movement.models import Recognition
from campaigns.movement.permissions import cities_deciding
from campaigns.movement.services.history import history_value
from campaigns.movement.services.ratings import check_year
from campaigns.results import figures
from portal import scope
from portal.models import HistoryEntry, history_record
from portal.vietnamese import nfc
from wards.models import Neighbourhood, Ward

RECOGNITION_TITLE = "Thôn, tổ dân phố kiểu mẫu"


def recognition_candidates(*, city, year: int, title: str = RECOGNITION_TITLE) -> QuerySet[Neighbourhood]:
    """Neighbourhoods of `city` that reached the standard in `year` (campaigns.results.figures.reached_standard,
    the same rule as the annual report), with no recognition yet for that year and title; ward by ward, by
    name. One query.

    Each row carries `last_month` (the number of the month whose report decided it) and `last_submission_id`.
    """
    recognised = Recognition.objects.filter(neighbourhood=OuterRef("pk"), year=year, title=title)
    return (
        figures.reached_standard(Ward.objects.filter(city=city), year)
        .exclude(Exists(recognised))
        .select_related("ward")
        .order_by("ward__search_key", "search_key", "pk")
    )


def programme_of_title(title: str) -> Programme | None:
    """The programme that awards this title (same words, any case), if any: its titles follow its own path."""
    wanted = " ".join(nfc(title or "").split()).casefold()
    # Compared in Python: the database's case-insensitive match ignores case only in ASCII on SQLite.
    for programme in Programme.objects.order_by("pk"):
        if " ".join(nfc(programme.title).split()).casefold() == wanted:
            return programme
    return None


def recognition_propose(*, user, year: int, title: str = RECOGNITION_TITLE, city=None) -> list[Recognition]:
    """Propose the title for every candidate (PROPOSED rows); running it again adds only new candidates.

    City leaders (for their city) and administrators; `city` None: every city the user decides for.
    Returns the recognitions created.
    """
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Name the title to propose.")})
    check_year(year)
    programme = programme_of_title(title)
    if programme is not None:
        raise ValidationError(
            {
                "title": _(
                    "“%(title)s” is awarded by the programme “%(programme)s”: it is decided from the city's "
                    "verification, not proposed from self-reported results."
                )
                % {"title": title, "programme": programme.name}
            }
        )
    cities = cities_deciding(user, city)
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
        # One history entry per proposal, written in bulk: a city proposes hundreds of units at once.
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
    recognition: Recognition,
    confirm: bool,
    decision_number: str = "",
    decision_date: date | None = None,
    signer: str = "",
    note: str = "",
) -> Recognition:
    """Confirm (with the decision's number and date) or reject a proposed title; a decision can be corrected
    or a title annulled later the same way. City leaders of the unit's city and administrators only."""
    if not scope.can_decide_recognition(user, recognition.ward):
        raise PermissionDenied
    if recognition.programme_id is not None or recognition.status == Recognition.Status.WITHDRAWN:
        raise ValidationError(
            _("This title was decided from the city's verification or has been withdrawn; see its own page."),
            code="programme",
        )
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
        if current.programme_id is not None or current.status == Recognition.Status.WITHDRAWN:
            raise ValidationError(
                _("This title was decided from the city's verification or has been withdrawn; see its own page.")
            )
        new = {
            "status": status,
            "decision_number": decision_number,
            "decision_date": decision_date,
            "signer": signer,
            "note": note,
        }
        changes = {
            field: [history_value(getattr(current, field)), history_value(value)]
            for field, value in new.items()
            if getattr(current, field) != value
        }
        for field, value in new.items():
            setattr(current, field, value)
        current.decided_by = user
        current.save(update_fields=[*new, "decided_by"])
        history_record(obj=current, user=user, action="confirm" if confirm else "reject", changes=changes)
    return current


def recognitions_confirmed_for(unit) -> QuerySet[Recognition]:
    """Confirmed titles of a ward (its own and its neighbourhoods') or of one neighbourhood, newest first."""
    qs = Recognition.objects.filter(status=Recognition.Status.CONFIRMED)
    qs = qs.filter(ward=unit) if isinstance(unit, Ward) else qs.filter(neighbourhood=unit)
    return qs.select_related("neighbourhood").order_by(
        "-year", F("neighbourhood__search_key").asc(nulls_first=True), "title", "pk"
    )
