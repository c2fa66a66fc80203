"""The rating of party cells (chi bộ) for a year or a quarter, on the scale of its year: four levels until
2024, a score from 2025 lowered by the conditions of QĐ 366-QĐ/TW that the cell did not meet.

QĐ 366-QĐ/TW of 30/8/2025 (Bộ Chính trị), Điều 11, as Báo Lao Động reported it (09/2025; the clause numbers
were not in the text found): a collective reaches a level only with its score band *and* its conditions —
- "hoàn thành xuất sắc nhiệm vụ": ≥ 90 points, 100 % of the tasks on time with quality and efficiency, at
  least 30 % beyond what was asked, no member of its leadership (the cell committee) nor unit under it
  disciplined;
- "hoàn thành tốt nhiệm vụ": 70 to < 90 points, 100 % of the tasks on time with quality and efficiency;
- "hoàn thành nhiệm vụ": 50 to < 70 points, 100 % of the tasks done, at most 20 % late.
Hence the caps (PartyCellRating.CAPS): fewer than 30 % exceeded, or a leader disciplined → at most "tốt";
a task late or below quality → at most "hoàn thành"; a task not done or more than 20 % late → "không hoàn
thành". "Không hoàn thành" below 50 points is inferred (the level left). The regulation rates "theo nhiệm kỳ,
hằng năm, hằng quý" (Điều 1, as reported by Thanh Niên and Dân Trí, 20/9/2025): a rating is for a year or
one of its quarters; quarters exist from 2025, the first year of the 100-point scale here.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from campaigns.movement.models import PartyCellRating
from campaigns.movement.services.history import history_value
from portal import scope
from portal.models import history_record

RATING_YEARS = (2000, 2100)
CONDITIONS = tuple(PartyCellRating.CAPS)


def check_year(year: int) -> None:
    """Refuse a year outside those the movement rates and recognises (RATING_YEARS)."""
    if not RATING_YEARS[0] <= year <= RATING_YEARS[1]:
        raise ValidationError(_("The year must be between %(low)s and %(high)s.") % {"low": 2000, "high": 2100})


def check_quarter(year: int, quarter) -> int | None:
    """None for the year's rating, else 1 to 4, and only from 2025 (quarterly rating comes with QĐ 366-QĐ/TW)."""
    if quarter in (None, ""):
        return None
    try:
        quarter = int(quarter)
    except (TypeError, ValueError):
        quarter = 0
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("The quarter is 1, 2, 3 or 4.")})
    if PartyCellRating.scale_for(year) != PartyCellRating.Scale.POINTS:
        raise ValidationError(
            {"quarter": _("Party cells are rated by quarter from 2025 (QĐ 366-QĐ/TW); before, by year only.")}
        )
    return quarter


def _parse_score(score, errors: dict) -> Decimal | None:
    """A score from 0 to 100 with at most two decimals, or None with the error in `errors`."""
    if score is None or score == "":
        errors["score"] = _("From 2025 a party cell is rated with a score from 0 to 100.")
        return None
    try:
        score = Decimal(str(score))
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        errors["score"] = _("The score is a number from 0 to 100.")
        return None
    if score.as_tuple().exponent < -2:
        errors["score"] = _("The score has at most two decimals.")
        return None
    return score.quantize(Decimal("0.01"))


def _by_score(score, level, conditions: dict, errors: dict) -> dict:
    """From 2025: the score's level, lowered by the strictest ticked condition; a level given must agree."""
    score = _parse_score(score, errors)
    if score is None:
        return {}
    score_level = PartyCellRating.level_for_score(score)
    final = PartyCellRating.final_level(score_level, PartyCellRating.cap_for(conditions))
    if level is not None and level != final:
        errors["level"] = _("The rating follows from the score and the conditions: %(level)s.") % {
            "level": PartyCellRating.Level(final).label
        }
    return {"score": score, "score_level": score_level, "level": final, **conditions}


def _by_level(score, level, errors: dict) -> dict:
    """Until 2024: one of the four levels, and no score nor conditions (the old scale stays as it was)."""
    if score is not None and score != "":
        errors["score"] = _("Until 2024 a party cell is rated by level, not by score.")
    if level not in PartyCellRating.Level.values:
        errors["level"] = _("Choose one of the four levels.")
    return {"score": None, "score_level": "", "level": level, **dict.fromkeys(CONDITIONS, False)}


def _rating_values(*, year: int, score, level, members, note: str, conditions: dict | None) -> dict:
    """The rating's fields, checked and normalised for the scale of `year`; raises ValidationError."""
    errors = {}
    level = level or None
    conditions = {name: bool((conditions or {}).get(name)) for name in CONDITIONS}
    scale = PartyCellRating.scale_for(year)
    if scale == PartyCellRating.Scale.POINTS:
        values = _by_score(score, level, conditions, errors)
    else:
        values = _by_level(score, level, errors)
    try:
        members = int(members)
    except (TypeError, ValueError):
        members = -1
    if members < 0:
        errors["members"] = _("The number of party members cannot be negative.")
    if errors:
        raise ValidationError(errors)
    return {"scale": scale, **values, "members": members, "note": (note or "").strip()}


def party_cell_rate(
    *,
    user,
    party_cell,
    year: int,
    quarter: int | None = None,
    score=None,
    level=None,
    members: int = 0,
    note: str = "",
    conditions: dict | None = None,
    version: int | None = None,
):
    """Record a party cell's rating for a year (quarter None) or a quarter of it, on the scale of that year.

    From 2025 (QĐ 366-QĐ/TW) a score from 0 to 100 is required; the level is the score's, lowered by the
    strictest of the ticked `conditions` (PartyCellRating.CAPS); a level given beside it must agree. Until 2024
    one of the four levels is required and a score is refused. `version` is the rating's version when the
    user opened it: a rating changed since is refused, not overwritten. The ward's staff and administrators.
    """
    if not scope.can_edit_ward(user, party_cell.ward):
        raise PermissionDenied
    check_year(year)
    quarter = check_quarter(year, quarter)
    values = _rating_values(year=year, score=score, level=level, members=members, note=note, conditions=conditions)
    with transaction.atomic():
        rating = (
            PartyCellRating.objects.select_for_update().filter(party_cell=party_cell).of_period(year, quarter).first()
        )
        if rating is None:
            if version:  # it was there when the user opened it: someone removed it meanwhile
                raise _changed()
            rating = PartyCellRating.objects.create(party_cell=party_cell, year=year, quarter=quarter, **values)
            changes = {k: [None, history_value(v)] for k, v in values.items()}
            history_record(obj=rating, user=user, action="create", changes=changes)
            return rating
        if version is not None and rating.version != version:
            raise _changed()
        changes = {
            k: [history_value(getattr(rating, k)), history_value(v)]
            for k, v in values.items()
            if getattr(rating, k) != v and k != "score_level"  # derived from the score, which is recorded
        }
        if changes or rating.score_level != values["score_level"]:
            for k, v in values.items():
                setattr(rating, k, v)
            rating.version = F("version") + 1
            rating.save(update_fields=[*values, "version"])
            rating.refresh_from_db(fields=["version"])
            history_record(obj=rating, user=user, action="update", changes=changes)
        return rating


def _changed() -> ValidationError:
    return ValidationError(
        _(
            "Someone else changed this cell's rating while you were entering yours. The rating now saved is "
            "shown; check it and enter yours again."
        ),
        code="stale",
    )


def capped_count(ratings) -> int:
    """How many of the ratings were lowered by a condition (their level below their score's level)."""
    return sum(1 for r in ratings if r.is_capped)
