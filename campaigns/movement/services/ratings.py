"""The yearly rating of party cells (chi bộ), on the scale of its year: four levels until 2024, a score from 2025."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.movement.models import PartyCellRating
from campaigns.movement.services.history import history_value
from portal import scope
from portal.models import history_record

RATING_YEARS = (2000, 2100)


def check_year(year: int) -> None:
    """Refuse a year outside those the movement rates and recognises (RATING_YEARS)."""
    if not RATING_YEARS[0] <= year <= RATING_YEARS[1]:
        raise ValidationError(_("The year must be between %(low)s and %(high)s.") % {"low": 2000, "high": 2100})


def _by_score(score, level, errors: dict) -> tuple[Decimal | None, str | None]:
    """From 2025: a score from 0 to 100 with at most two decimals; the level follows from it."""
    if score is None or score == "":
        errors["score"] = _("From 2025 a party cell is rated with a score from 0 to 100.")
        return score, level
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
    return score, level


def _by_level(score, level, errors: dict) -> None:
    """Until 2024: one of the four levels, and no score."""
    if score is not None and score != "":
        errors["score"] = _("Until 2024 a party cell is rated by level, not by score.")
    if level not in PartyCellRating.Level.values:
        errors["level"] = _("Choose one of the four levels.")


def _rating_values(*, year: int, score, level, members, note: str) -> dict:
    """The rating's fields, checked and normalised for the scale of `year`; raises ValidationError."""
    errors = {}
    level = level or None
    if PartyCellRating.scale_for(year) == PartyCellRating.Scale.POINTS:
        scale = PartyCellRating.Scale.POINTS
        score, level = _by_score(score, level, errors)
    else:
        scale = PartyCellRating.Scale.FOUR_LEVELS
        _by_level(score, level, errors)
        score = None
    try:
        members = int(members)
    except (TypeError, ValueError):
        members = -1
    if members < 0:
        errors["members"] = _("The number of party members cannot be negative.")
    if errors:
        raise ValidationError(errors)
    return {"scale": scale, "score": score, "level": level, "members": members, "note": (note or "").strip()}


def party_cell_rate(*, user, party_cell, year: int, score=None, level=None, members: int = 0, note: str = ""):
    """Record a party cell's rating for a year, on the scale of that year (PartyCellRating.scale_for).

    From 2025 (QĐ 366-QĐ/TW) a score from 0 to 100 is required and the level follows from it; a level given
    beside it must agree. Until 2024 one of the four levels is required and a score is refused.
    The ward's staff and administrators.
    """
    if not scope.can_edit_ward(user, party_cell.ward):
        raise PermissionDenied
    check_year(year)
    values = _rating_values(year=year, score=score, level=level, members=members, note=note)
    with transaction.atomic():
        rating = PartyCellRating.objects.select_for_update().filter(party_cell=party_cell, year=year).first()
        if rating is None:
            rating = PartyCellRating.objects.create(party_cell=party_cell, year=year, **values)
            changes = {k: [None, history_value(v)] for k, v in values.items()}
            history_record(obj=rating, user=user, action="create", changes=changes)
            return rating
        changes = {
            k: [history_value(getattr(rating, k)), history_value(v)]
            for k, v in values.items()
            if getattr(rating, k) != v
        }
        if changes:
            for k, v in values.items():
                setattr(rating, k, v)
            rating.save(update_fields=list(values))
            history_record(obj=rating, user=user, action="update", changes=changes)
        return rating
