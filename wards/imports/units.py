"""The official list of a province's wards and communes, from the `vietnam-provinces` package."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType
from vietnam_provinces import Ward as OfficialWard

from portal.vietnamese import nfc
from wards.models import City, Ward, search_key

_CITY_KIND = {
    VietNamDivisionType.TINH: City.Kind.PROVINCE,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: City.Kind.CENTRAL_CITY,
}
_WARD_KIND = {
    VietNamDivisionType.PHUONG: Ward.Kind.WARD,
    VietNamDivisionType.XA: Ward.Kind.COMMUNE,
    VietNamDivisionType.DAC_KHU: Ward.Kind.SPECIAL_ZONE,
}


@dataclass
class UnitsImported:
    city: City
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def import_province(code: int) -> UnitsImported:
    """Create or update a province and its current wards and communes from `vietnam-provinces`."""
    try:
        official = Province.from_code(ProvinceCode(code))
    except (ValueError, LookupError):
        raise ValueError(_("There is no province with code %(code)s.") % {"code": code}) from None
    official_wards = list(OfficialWard.iter_by_province(official.code))
    with transaction.atomic():
        city_kind = _CITY_KIND[official.division_type]
        # Official province codes have two digits ("01" Hà Nội); accept a city filed earlier as "1".
        city_code = f"{int(official.code):02d}"
        city = City.objects.filter(code__in={city_code, str(int(official.code))}).order_by("code").first()
        created = city is None
        if created:
            city = City.objects.create(code=city_code, name=official.name, kind=city_kind)
        result = UnitsImported(city=city)
        if not created and (city.name != nfc(official.name) or city.kind != city_kind):
            city.name, city.kind = official.name, city_kind
            city.save()
            result.updated.append(f"{city.code} {city.name}")
        codes = [f"{int(ow.code):05d}" for ow in official_wards]
        # Ward codes are unique nationwide: a ward already filed under another city is moved, not duplicated.
        existing = {w.code: w for w in Ward.objects.filter(code__in=codes)}
        new_wards = []
        for ward_code, ow in zip(codes, official_wards, strict=True):
            kind = _WARD_KIND[ow.division_type]
            name = nfc(ow.name)
            ward = existing.get(ward_code)
            if ward is None:
                new_wards.append(
                    Ward(
                        city=city,
                        code=ward_code,
                        name=name,
                        search_key=search_key(name),
                        kind=kind,
                        valid_from=date(2025, 7, 1),
                    )
                )
                result.created.append(f"{ward_code} {name}")
            elif ward.name != name or ward.kind != kind or ward.city_id != city.pk:
                ward.name, ward.kind, ward.city = name, kind, city
                ward.save()
                result.updated.append(f"{ward_code} {name}")
            else:
                result.unchanged += 1
        Ward.objects.bulk_create(new_wards)
    return result
