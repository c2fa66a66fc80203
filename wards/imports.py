"""Imports of units: the official list of a province, and neighbourhoods from a file.

A neighbourhood file is all-or-nothing: every row is checked first, every error
is reported with its row number, and nothing is written unless the whole file
is valid. Importing the same file twice changes nothing the second time.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType
from vietnam_provinces import Ward as OfficialWard

from portal.models import history_record
from portal.vietnamese import fold, nfc
from wards.models import City, Neighbourhood, Profile, Ward

MAX_ROWS = 20_000

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
    except ValueError:
        raise ValueError(_("There is no province with code %(code)s.") % {"code": code}) from None
    with transaction.atomic():
        city, created = City.objects.get_or_create(
            code=str(code), defaults={"name": official.name, "kind": _CITY_KIND[official.division_type]}
        )
        result = UnitsImported(city=city)
        if not created and city.name != nfc(official.name):
            city.name = official.name
            city.save()
        existing = {w.code: w for w in Ward.objects.filter(city=city)}
        new_wards = []
        for ow in OfficialWard.iter_by_province(official.code):
            ward_code = f"{int(ow.code):05d}"
            kind = _WARD_KIND[ow.division_type]
            ward = existing.get(ward_code)
            if ward is None:
                new_wards.append(Ward(city=city, code=ward_code, name=nfc(ow.name), search_key=fold(ow.name),
                                      kind=kind, valid_from=date(2025, 7, 1)))
                result.created.append(f"{ward_code} {ow.name}")
            elif ward.name != nfc(ow.name) or ward.kind != kind:
                ward.name, ward.kind = ow.name, kind
                ward.save()
                result.updated.append(f"{ward_code} {ow.name}")
            else:
                result.unchanged += 1
        Ward.objects.bulk_create(new_wards)
    return result


# --- neighbourhoods from a file ------------------------------------------------

COLUMNS = {
    "ward_code": ("ma phuong/xa", "ma phuong xa", "ma xa/phuong", "ma xa", "ma phuong", "ma don vi", "ward code", "ward_code"),
    "name": ("ten", "ten thon/to dan pho", "ten khu dan cu", "name"),
    "kind": ("loai", "kind"),
    "households": ("so ho", "ho", "households"),
    "people": ("so nhan khau", "nhan khau", "so dan", "people"),
}
KIND_WORDS = {
    fold(word): kind
    for kind, words in {
        Neighbourhood.Kind.STREET: ("phố", "pho"),
        Neighbourhood.Kind.VILLAGE: ("thôn", "thon"),
        Neighbourhood.Kind.RESIDENTIAL_GROUP: ("tổ dân phố", "to_dan_pho", "tdp"),
        Neighbourhood.Kind.QUARTER: ("khu phố", "khu_pho"),
        Neighbourhood.Kind.HAMLET: ("bản", "ban"),
    }.items()
    for word in words
}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        return self.message


@dataclass
class NeighbourhoodsImported:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _read_rows(filename: str, content: bytes) -> list[list]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        except Exception:
            raise ValueError(_("The file is not a valid Excel (.xlsx) workbook.")) from None
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        book.close()
        return rows
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "cp1258"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(_("The CSV file must be saved as UTF-8."))
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    raise ValueError(_("Only .csv and .xlsx files can be imported."))


def _column_map(header: list) -> tuple[dict[str, int], list[RowError]]:
    folded = [fold(str(h)) if h is not None else "" for h in header]
    found, errors = {}, []
    for key, names in COLUMNS.items():
        for i, h in enumerate(folded):
            if h in names:
                found[key] = i
                break
        else:
            errors.append(RowError(1, names[0], _("Missing column “%(name)s”.") % {"name": COLUMN_LABELS()[key]}))
    return found, errors


def COLUMN_LABELS() -> dict[str, str]:  # noqa: N802 - a table, translated when read
    return {
        "ward_code": _("Ward code"),
        "name": _("Name"),
        "kind": _("Kind"),
        "households": _("Households"),
        "people": _("People"),
    }


def _whole_number(raw, row: int, label: str, errors: list[RowError]) -> int | None:
    if raw is None or str(raw).strip() == "":
        errors.append(RowError(row, label, _("A number is required.")))
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip().replace(".", "").replace(" ", "") if isinstance(raw, str) else raw
    try:
        value = int(text)
    except (TypeError, ValueError):
        errors.append(RowError(row, label, _("“%(value)s” is not a whole number.") % {"value": raw}))
        return None
    if value < 0:
        errors.append(RowError(row, label, _("The number cannot be negative.")))
        return None
    return value


def import_neighbourhoods(
    *, user, filename: str, content: bytes, year: int, wards: QuerySet[Ward]
) -> NeighbourhoodsImported:
    """Check every row of a neighbourhood file, then save all of it or nothing.

    `wards` is what the importing user may change (portal.scope.editable_wards):
    a row naming any other ward is an error, never a write.
    """
    result = NeighbourhoodsImported()
    try:
        rows = _read_rows(filename, content)
    except ValueError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    rows = [r for r in rows if any(c is not None and str(c).strip() for c in r)]
    if not rows:
        result.errors.append(RowError(0, "", _("The file is empty.")))
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(RowError(0, "", _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}))
        return result
    columns, header_errors = _column_map(rows[0])
    if header_errors:
        result.errors.extend(header_errors)
        return result

    labels = COLUMN_LABELS()
    allowed = {w.code: w for w in wards}
    parsed, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: (row[i] if i < len(row) else None) for key, i in columns.items()}
        errors: list[RowError] = []
        for key, raw in cells.items():
            if isinstance(raw, str) and raw.strip().startswith(("=", "+", "@")) and key != "people":
                errors.append(RowError(number, labels[key], _("Formulas are not accepted; type the value.")))
        code = str(cells["ward_code"] or "").strip()
        if code.isdigit():
            code = f"{int(code):05d}"
        ward = allowed.get(code)
        if not code:
            errors.append(RowError(number, labels["ward_code"], _("The ward code is missing.")))
        elif ward is None:
            errors.append(RowError(number, labels["ward_code"],
                                   _("Ward code %(code)s is unknown or outside your wards.") % {"code": code}))
        name = nfc(str(cells["name"] or ""))
        if not name:
            errors.append(RowError(number, labels["name"], _("The name is missing.")))
        elif len(name) > 200:
            errors.append(RowError(number, labels["name"], _("The name is longer than 200 characters.")))
        kind = KIND_WORDS.get(fold(str(cells["kind"] or "")))
        if kind is None:
            errors.append(RowError(number, labels["kind"],
                                   _("“%(value)s” is not a kind; use phố, thôn, tổ dân phố, khu phố or bản.")
                                   % {"value": cells["kind"] or ""}))
        households = _whole_number(cells["households"], number, labels["households"], errors)
        people = _whole_number(cells["people"], number, labels["people"], errors)
        if households is not None and people is not None and households > people:
            errors.append(RowError(number, labels["households"],
                                   _("There cannot be more households than people.")))
        if ward is not None and name:
            key = (ward.code, fold(name))
            if key in seen:
                errors.append(RowError(number, labels["name"],
                                       _("Same neighbourhood as row %(row)s.") % {"row": seen[key]}))
            seen[key] = number
        result.errors.extend(errors)
        if not errors:
            parsed.append((ward, name, kind, households, people))
    if result.errors:
        return result

    with transaction.atomic():
        current = {
            (n.ward_id, n.search_key): n
            for n in Neighbourhood.objects.filter(ward__in=[p[0] for p in parsed], valid_to__isnull=True)
        }
        profiles = {
            p.neighbourhood_id: p
            for p in Profile.objects.filter(year=year, neighbourhood__in=current.values())
        }
        for ward, name, kind, households, people in parsed:
            hood = current.get((ward.pk, fold(name)))
            is_new, changed = hood is None, False
            if is_new:
                hood = Neighbourhood.objects.create(ward=ward, name=name, kind=kind)
                history_record(obj=hood, user=user, action="import", changes={"name": [None, name]})
                result.created += 1
            elif hood.kind != kind or hood.name != name:
                history_record(obj=hood, user=user, action="import",
                               changes={"kind": [hood.kind, kind], "name": [hood.name, name]})
                hood.kind, hood.name = kind, name
                hood.save()
                changed = True
            profile = profiles.get(hood.pk)
            if profile is None:
                profile = Profile.objects.create(neighbourhood=hood, year=year, households=households,
                                                 people=people, updated_by=user)
                history_record(obj=profile, user=user, action="import",
                               changes={"households": [None, households], "people": [None, people]})
                changed = True
            elif (profile.households, profile.people) != (households, people):
                if households < profile.poor_households + profile.near_poor_households:
                    # Leave the figures consistent: this row is refused, so is the file.
                    result.errors.append(RowError(0, "", _("%(name)s: fewer households than its poor and "
                                                           "near-poor households.") % {"name": name}))
                    continue
                history_record(obj=profile, user=user, action="import", changes={
                    "households": [profile.households, households], "people": [profile.people, people]})
                profile.households, profile.people = households, people
                profile.version += 1
                profile.updated_by = user
                profile.save()
                changed = True
            if is_new:
                continue
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
    return result
