"""Inspection rounds: a ward inspects its registered units (kiểm tra, thẩm định); the city verifies those the
ward found meeting the criteria (phúc tra). A round has its team; its visits are added unit by unit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.movement.inspections.models import InspectionRound, Registration, TeamMember, Visit, VisitPhoto
from campaigns.movement.inspections.outcomes import PASSING, unit_outcomes
from campaigns.movement.inspections.permissions import can_manage_round, leads_city, works_for_ward
from campaigns.movement.inspections.units import Unit
from campaigns.results.forms import check_evidence
from portal.models import history_record
from portal.uploads import safe_name
from wards.models import Neighbourhood, Ward

ROUND_FIELDS = ("name", "starts_on", "ends_on", "note")


def _check_round(data: dict, year: int) -> None:
    errors = {}
    if data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = [_("The round cannot end before it starts.")]
    if not year <= data["starts_on"].year <= year + 1:
        errors["starts_on"] = [_("The round is for %(year)s: it starts in that year or the next.") % {"year": year}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_save(*, user, data: dict, team: list[dict], round_: InspectionRound | None = None) -> InspectionRound:
    """Create or change a round with its team (each member: name, role, organisation; the list replaces the
    old one). A new ward round needs `ward`; a new city round needs `city`. `data` also holds programme, year."""
    if round_ is None:
        ward = data.get("ward")
        round_ = InspectionRound(
            programme=data["programme"],
            year=data["year"],
            level=InspectionRound.Level.WARD if ward else InspectionRound.Level.CITY,
            ward=ward,
            city=ward.city if ward else data["city"],
            created_by=user,
        )
        action = "create"
    else:
        action = "update"
    if not can_manage_round(user, round_):
        raise PermissionDenied
    _check_round(data, round_.year)
    changes = {}
    for name in ROUND_FIELDS:
        value = data[name].strip() if isinstance(data[name], str) else data[name]
        if getattr(round_, name) != value:
            changes[name] = [str(getattr(round_, name) or ""), str(value)]
            setattr(round_, name, value)
    round_.save()
    old_team = [str(m) for m in round_.team.all()]
    round_.team.all().delete()
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                round=round_, name=m["name"].strip(), role=m["role"].strip(), organisation=m["organisation"].strip()
            )
            for m in team
        ]
    )
    new_team = [str(m) for m in round_.team.all()]
    if old_team != new_team:
        changes["team"] = ["; ".join(old_team), "; ".join(new_team)]
    history_record(obj=round_, user=user, action=action, changes=changes)
    return round_


def may_create(user, *, ward: Ward | None = None, city=None) -> bool:
    return works_for_ward(user, ward) if ward is not None else leads_city(user, city.pk)


# --- which units a round may visit --------------------------------------------------------------------------


def eligible_units(round_: InspectionRound) -> list[Unit]:
    """Units the round may still visit, by ward and name: for a ward round, the ward's units registered for the
    year; for a city round, the city's units whose latest ward inspection concluded "meets" or "meets with
    conditions". Units the round already visits are left out. A fixed number of queries."""
    programme = round_.programme
    if round_.level == InspectionRound.Level.WARD:
        keys = {
            (r.ward_id, r.neighbourhood_id)
            for r in Registration.objects.in_year(round_.year)
            .filter(programme=programme, ward=round_.ward, neighbourhood__isnull=programme.level == "ward")
            .only("ward_id", "neighbourhood_id")
        }
    else:
        wards = Ward.objects.filter(city_id=round_.city_id)
        outcomes = unit_outcomes(programme=programme, year=round_.year, wards=wards)
        keys = {key for key, o in outcomes.items() if o["ward_conclusion"] in PASSING}
    keys -= set(round_.visits.values_list("ward_id", "neighbourhood_id"))
    return _units_of(keys)


def _units_of(keys: set) -> list[Unit]:
    wards = {w.pk: w for w in Ward.objects.filter(pk__in={w for w, _h in keys})}
    hoods = {h.pk: h for h in Neighbourhood.objects.filter(pk__in={h for _w, h in keys if h})}
    units = [Unit(wards[w], hoods.get(h)) for w, h in keys if w in wards]
    return sorted(units, key=lambda u: (u.ward.search_key, u.search_key if u.neighbourhood else ""))


@transaction.atomic
def visits_add(*, user, round_: InspectionRound, units: list[Unit], visited_on) -> list[Visit]:
    """Add a visit of the round to each of these units (all eligible: see eligible_units)."""
    if not can_manage_round(user, round_):
        raise PermissionDenied
    if not units:
        raise ValidationError(_("Tick at least one unit to visit."))
    if visited_on is None:
        raise ValidationError(_("Give the day of the visit."))
    eligible = {u.key for u in eligible_units(round_)}
    refused = [u.name for u in units if u.key not in eligible]
    if refused:
        raise ValidationError(
            _("These units cannot be visited in this round: %(units)s.") % {"units": ", ".join(refused)}
        )
    registrations = {
        (r.ward_id, r.neighbourhood_id): r
        for r in Registration.objects.in_year(round_.year).filter(
            programme=round_.programme, ward_id__in={u.ward.pk for u in units}
        )
    }
    visits = [
        Visit(
            round=round_,
            ward=u.ward,
            neighbourhood=u.neighbourhood,
            registration=registrations.get(u.key),
            visited_on=visited_on,
        )
        for u in units
    ]
    Visit.objects.bulk_create(visits)
    history_record(obj=round_, user=user, action="update", changes={"visits": [None, ", ".join(u.name for u in units)]})
    return visits


# --- photos and files of a visit -----------------------------------------------------------------------------


@transaction.atomic
def photos_add(*, user, visit: Visit, files: list, caption: str = "") -> list:
    """Attach photos or files (JPG, PNG or PDF of at most 10 MB, judged by their content) to a visit."""
    if not can_manage_round(user, visit.round):
        raise PermissionDenied
    if not files:
        raise ValidationError({"files": [_("Choose at least one file.")]})
    kinds, errors = [], []
    for upload in files:
        try:
            kinds.append(check_evidence(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})
    photos = [
        VisitPhoto.objects.create(
            visit=visit,
            file=upload,
            original_name=safe_name(upload.name),
            content_type=mime,
            size=upload.size,
            caption=caption.strip(),
            uploaded_by=user,
        )
        for upload, mime in zip(files, kinds, strict=True)
    ]
    history_record(
        obj=visit, user=user, action="update", changes={"files": [None, ", ".join(p.original_name for p in photos)]}
    )
    return photos
