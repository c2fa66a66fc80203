"""The units a programme is for in a ward and a year: its neighbourhoods existing in the year, or the ward
itself for a programme of level "ward". A unit is named by its key (ward_id, neighbourhood_id or None), and
in forms by the text "<ward_id>:<neighbourhood_id or 0>"."""

from dataclasses import dataclass

from campaigns.movement.inspections.outcomes import in_year_q
from wards.models import Neighbourhood, Ward


@dataclass(frozen=True)
class Unit:
    ward: Ward
    neighbourhood: Neighbourhood | None

    @property
    def key(self) -> tuple[int, int | None]:
        return (self.ward.pk, self.neighbourhood.pk if self.neighbourhood else None)

    @property
    def token(self) -> str:
        return unit_token(*self.key)

    @property
    def name(self) -> str:
        return (self.neighbourhood or self.ward).name

    @property
    def search_key(self) -> str:
        return (self.neighbourhood or self.ward).search_key


def unit_token(ward_id: int, neighbourhood_id: int | None) -> str:
    return f"{ward_id}:{neighbourhood_id or 0}"


def parse_token(text: str) -> tuple[int, int | None] | None:
    """The key a form's "<ward_id>:<neighbourhood_id or 0>" names; None for anything else."""
    ward, sep, hood = (text or "").partition(":")
    if not sep or not ward.isdigit() or not hood.isdigit() or len(text) > 40:
        return None
    return int(ward), int(hood) or None


def ward_units(programme, ward: Ward, year: int, search: str = "") -> list[Unit]:
    """The programme's units of the ward existing in the year, by name. One query."""
    if programme.level == "ward":
        exists = Ward.objects.filter(in_year_q(year), pk=ward.pk).exists()
        return [Unit(ward, None)] if exists else []
    hoods = Neighbourhood.objects.filter(in_year_q(year), ward=ward).search(search).order_by("search_key")
    return [Unit(ward, hood) for hood in hoods]
