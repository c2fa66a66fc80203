"""Where each unit stands on the way to a title in a year: registered, what the ward's inspection concluded,
what the city's verification concluded. The title decision reads its candidates from here: verified results
(the city's verification), never a ward's own inspection nor the self-reported figures, make a candidate.

"Latest" everywhere means the round that ends last (then the higher id) among the rounds of that level that
concluded on the unit; a visit not yet concluded counts only while the unit has no concluded visit of that
level, so a re-visit in progress does not hide the verdict already given.
"""

from datetime import date

from django.db.models import Q, QuerySet

from campaigns.movement.inspections.models import InspectionRound, Registration, Visit
from wards.models import Neighbourhood, Ward

PASSING = (Visit.Conclusion.MEETS, Visit.Conclusion.CONDITIONS)

UnitKey = tuple[int, int | None]


def ward_ids_of(wards):
    """Wards given as a QuerySet (kept as a subquery), Ward objects or ids."""
    if isinstance(wards, QuerySet):
        return wards.values("pk")
    return [getattr(w, "pk", w) for w in wards]


def in_year_q(year: int, prefix: str = "") -> Q:
    """Units existing at some time during `year` (created by its last day, not ended before its first)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": date(year, 12, 31)})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": date(year, 1, 1)})
    )


def units_in_year(*, programme, year: int, wards) -> list[UnitKey]:
    """The keys (ward_id, neighbourhood_id or None) of the programme's units of these wards existing in the year."""
    ids = ward_ids_of(wards)
    if programme.level == "ward":
        return [(pk, None) for pk in Ward.objects.filter(in_year_q(year), pk__in=ids).values_list("pk", flat=True)]
    rows = Neighbourhood.objects.filter(in_year_q(year), ward_id__in=ids).values_list("ward_id", "pk")
    return [(ward_id, pk) for ward_id, pk in rows]


def _unit_key(row) -> UnitKey:
    return (row.ward_id, row.neighbourhood_id)


def _latest_visits(*, programme, year: int, wards, level: str, related=()) -> dict[UnitKey, Visit]:
    """Per unit, the visit of the latest round of `level` (concluded visits before pending ones). One query."""
    visits = (
        Visit.objects.filter(
            round__programme=programme, round__year=year, round__level=level, ward_id__in=ward_ids_of(wards)
        )
        .select_related(*related)
        .order_by("round__ends_on", "round_id")
    )
    if programme.level == "ward":
        visits = visits.filter(neighbourhood__isnull=True)
    else:
        visits = visits.filter(neighbourhood__isnull=False)
    latest: dict[UnitKey, Visit] = {}
    for visit in visits:  # ascending: a later round replaces an earlier one, unless it is still pending
        key = _unit_key(visit)
        held = latest.get(key)
        if held is None or visit.conclusion != Visit.Conclusion.PENDING or held.conclusion == Visit.Conclusion.PENDING:
            latest[key] = visit
    return latest


def verified_candidates(*, programme, year: int, wards) -> list[Visit]:
    """Per unit of these wards, the visit of the latest city verification round (level "city") of the
    programme and year, when it concluded "meets" or "meets with conditions". A ward's inspection alone never
    makes a candidate. Ordered by ward and unit name; round, ward and neighbourhood selected. One query."""
    latest = _latest_visits(
        programme=programme,
        year=year,
        wards=wards,
        level=InspectionRound.Level.CITY,
        related=("round", "ward", "neighbourhood"),
    )
    chosen = [visit for visit in latest.values() if visit.conclusion in PASSING]
    return sorted(chosen, key=lambda v: (v.ward.search_key, v.neighbourhood.search_key if v.neighbourhood else ""))


def unit_outcomes(*, programme, year: int, wards) -> dict[UnitKey, dict]:
    """Per unit (ward_id, neighbourhood_id or None) of these wards existing in the year, or registered or
    visited in it: {"registered": bool (a registration covering the year, not withdrawn),
    "ward_conclusion", "city_conclusion" (of the latest round of each level; None when not visited),
    "city_visit_id"}. Four queries, however many units."""
    ids = ward_ids_of(wards)
    registrations = Registration.objects.in_year(year).filter(programme=programme, ward_id__in=ids)
    registrations = registrations.filter(neighbourhood__isnull=programme.level == "ward")
    registered = {_unit_key(r) for r in registrations.only("ward_id", "neighbourhood_id")}
    by_level = {
        level: _latest_visits(programme=programme, year=year, wards=ids, level=level)
        for level in (InspectionRound.Level.WARD, InspectionRound.Level.CITY)
    }
    keys = set(units_in_year(programme=programme, year=year, wards=ids)) | registered
    for visits in by_level.values():
        keys |= visits.keys()
    out = {}
    for key in keys:
        ward_visit = by_level[InspectionRound.Level.WARD].get(key)
        city_visit = by_level[InspectionRound.Level.CITY].get(key)
        out[key] = {
            "registered": key in registered,
            "ward_conclusion": ward_visit.conclusion if ward_visit else None,
            "city_conclusion": city_visit.conclusion if city_visit else None,
            "city_visit_id": city_visit.pk if city_visit else None,
        }
    return out
