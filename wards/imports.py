"""Imports of units: the official list of a province, and neighbourhoods from a file.

A neighbourhood file is all-or-nothing: every row is checked first, every error
is reported with its row number, and nothing is written unless the whole file
is valid. Importing the same file twice changes nothing the second time.
"""

import csv
import io
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
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
                        search_key=fold(name),
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


# --- neighbourhoods from a file ------------------------------------------------

COLUMNS = {
    "ward_code": (
        "ma phuong/xa",
        "ma phuong xa",
        "ma xa/phuong",
        "ma xa",
        "ma phuong",
        "ma don vi",
        "ward code",
        "ward_code",
    ),
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
# The largest figure every database stores in a PositiveIntegerField (PostgreSQL: a signed 32-bit integer).
MAX_FIGURE = 2_147_483_647
# "1234", or Vietnamese thousands separators: "1.234", "12.345.678". Not "1.5", not "1,234".
_WHOLE_NUMBER = re.compile(r"[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+")
# What a spreadsheet takes for a formula (and what CSV injection uses). Text columns also refuse "-".
_FORMULA_START = ("=", "+", "@")
_TEXT_COLUMNS = ("ward_code", "name", "kind")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
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


def _blank(cell) -> bool:
    return cell is None or not str(cell).strip()


def _non_blank_rows(rows: Iterable) -> list[tuple[int, list]]:
    """The non-blank rows with their row number in the file (1 = first row), as a spreadsheet shows it.

    Stops reading as soon as there are more rows than a file may have (the header and MAX_ROWS more),
    so an oversized file is refused without reading all of it.
    """
    kept = []
    for number, row in enumerate(rows, start=1):
        row = list(row)
        if any(not _blank(c) for c in row):
            kept.append((number, row))
            if len(kept) > MAX_ROWS + 1:
                break
    return kept


def _read_xlsx(content: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    def value(cell):
        # Array and data-table formulas come back as objects, not as "=..." text: refuse them alike.
        if isinstance(cell, ArrayFormula):
            return "=" + (cell.text or "").lstrip("=")
        if isinstance(cell, DataTableFormula):
            return "=TABLE()"
        return cell

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; they do not matter here.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # some tools declare a wrong size; read every row there is
                return _non_blank_rows([value(c) for c in row] for row in sheet.iter_rows(values_only=True))
            finally:
                book.close()
    except Exception:
        raise ValueError(_("The file is not a valid Excel (.xlsx) workbook.")) from None


def _read_csv(content: bytes) -> list[tuple[int, list]]:
    # NUL bytes: UTF-16 ("Unicode text") or a binary file, such as a workbook renamed .csv.
    if b"\x00" in content or content.startswith(b"PK\x03\x04"):
        raise ValueError(_("The CSV file must be saved as UTF-8."))
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(_("The CSV file must be saved as UTF-8."))
    # Excel with Vietnamese regional settings saves CSV with ";": decide on the header line.
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return _non_blank_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ValueError(_("The file is not a valid CSV file.")) from None


def _read_rows(filename: str, content: bytes) -> list[tuple[int, list]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        return _read_csv(content)
    raise ValueError(_("Only .csv and .xlsx files can be imported."))


def _header_key(cell) -> str:
    return re.sub(r"\s*/\s*", "/", fold(str(cell))) if cell is not None else ""


def _column_map(number: int, header: list) -> tuple[dict[str, int], list[RowError]]:
    folded = [_header_key(h) for h in header]
    labels = COLUMN_LABELS()
    found, errors = {}, []
    for key, names in COLUMNS.items():
        for i, h in enumerate(folded):
            if h in names:
                found[key] = i
                break
        else:
            errors.append(RowError(number, labels[key], _("Missing column “%(name)s”.") % {"name": labels[key]}))
    return found, errors


def COLUMN_LABELS() -> dict[str, str]:  # noqa: N802 - a table, translated when read
    return {
        "ward_code": _("Ward code"),
        "name": _("Name"),
        "kind": _("Kind"),
        "households": _("Households"),
        "people": _("People"),
    }


def _is_formula(raw, key: str) -> bool:
    if not isinstance(raw, str):
        return False
    starts = (*_FORMULA_START, "-") if key in _TEXT_COLUMNS else _FORMULA_START
    return raw.lstrip().startswith(starts)


def _ward_code(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # 14797 typed in Excel
    code = "" if raw is None else str(raw).strip()
    if code.isascii() and code.isdigit():
        code = f"{int(code):05d}"
    return code


def _whole_number(raw, row: int, label: str, errors: list[RowError]) -> int | None:
    if _blank(raw):
        errors.append(RowError(row, label, _("A number is required.")))
        return None
    not_whole = RowError(row, label, _("“%(value)s” is not a whole number.") % {"value": raw})
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str):
        text = "".join(raw.split())  # "1 234", also with no-break spaces
        negative = text.startswith("-")
        if negative:
            text = text[1:]
        if not _WHOLE_NUMBER.fullmatch(text):
            errors.append(not_whole)
            return None
        value = -int(text.replace(".", "")) if negative else int(text.replace(".", ""))
    else:  # 12.5, TRUE, a date
        errors.append(not_whole)
        return None
    if value < 0:
        errors.append(RowError(row, label, _("The number cannot be negative.")))
        return None
    if value > MAX_FIGURE:
        errors.append(RowError(row, label, _("The number is too large.")))
        return None
    return value


@dataclass
class _Row:
    number: int
    ward: Ward
    name: str
    kind: str
    households: int
    people: int


def _check_row(
    number: int, row: list, columns: dict[str, int], allowed: dict[str, Ward], labels: dict[str, str]
) -> tuple[_Row | None, list[RowError]]:
    cells = {key: (row[i] if i < len(row) else None) for key, i in columns.items()}
    errors: list[RowError] = []
    formulas = {key for key, raw in cells.items() if _is_formula(raw, key)}
    for key in formulas:
        errors.append(RowError(number, labels[key], _("Formulas are not accepted; type the value.")))
    ward = None
    if "ward_code" not in formulas:
        code = _ward_code(cells["ward_code"])
        ward = allowed.get(code)
        if not code:
            errors.append(RowError(number, labels["ward_code"], _("The ward code is missing.")))
        elif ward is None:
            errors.append(
                RowError(
                    number,
                    labels["ward_code"],
                    _("Ward code %(code)s is unknown or outside your wards.") % {"code": code},
                )
            )
    name = ""
    if "name" not in formulas:
        name = nfc("" if cells["name"] is None else str(cells["name"]))
        if not name:
            errors.append(RowError(number, labels["name"], _("The name is missing.")))
        elif len(name) > 200:
            errors.append(RowError(number, labels["name"], _("The name is longer than 200 characters.")))
            name = ""
    kind = None
    if "kind" not in formulas:
        kind = KIND_WORDS.get(fold("" if cells["kind"] is None else str(cells["kind"])))
        if kind is None:
            errors.append(
                RowError(
                    number,
                    labels["kind"],
                    _("“%(value)s” is not a kind; use phố, thôn, tổ dân phố, khu phố or bản.")
                    % {"value": "" if cells["kind"] is None else cells["kind"]},
                )
            )
    households = people = None
    if "households" not in formulas:
        households = _whole_number(cells["households"], number, labels["households"], errors)
    if "people" not in formulas:
        people = _whole_number(cells["people"], number, labels["people"], errors)
    if households is not None and people is not None and households > people:
        errors.append(RowError(number, labels["households"], _("There cannot be more households than people.")))
    if errors:
        return (_Row(number, ward, name, kind, 0, 0) if ward is not None and name else None), errors
    return _Row(number, ward, name, kind, households, people), errors


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
    if not rows:
        result.errors.append(RowError(0, "", _("The file is empty.")))
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(RowError(0, "", _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}))
        return result
    header_number, header = rows[0]
    columns, header_errors = _column_map(header_number, header)
    if header_errors:
        result.errors.extend(header_errors)
        return result
    if len(rows) == 1:  # a header and nothing under it
        result.errors.append(RowError(0, "", _("The file is empty.")))
        return result

    labels = COLUMN_LABELS()
    allowed = {w.code: w for w in wards}
    parsed: list[_Row] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows[1:]:
        checked, errors = _check_row(number, row, columns, allowed, labels)
        if checked is not None:
            key = (checked.ward.code, fold(checked.name))
            if key in seen:
                errors.append(
                    RowError(number, labels["name"], _("Same neighbourhood as row %(row)s.") % {"row": seen[key]})
                )
            else:
                seen[key] = number
        result.errors.extend(errors)
        if not errors:
            parsed.append(checked)
    if result.errors:
        return result

    try:
        with transaction.atomic():
            _save(parsed, user=user, year=year, result=result)
            if result.errors:
                transaction.set_rollback(True)
    except IntegrityError:
        # Someone saved the same neighbourhood or profile while this file was being imported.
        result.errors.append(
            RowError(
                0,
                "",
                _(
                    "The neighbourhoods were changed while the file was imported; "
                    "nothing was saved. Import the file again."
                ),
            )
        )
    if result.errors:
        result.created = result.updated = result.unchanged = 0
    return result


def _save(parsed: list[_Row], *, user, year: int, result: NeighbourhoodsImported) -> None:
    current = {
        (n.ward_id, n.search_key): n
        for n in Neighbourhood.objects.filter(ward__in={p.ward.pk for p in parsed}, valid_to__isnull=True)
    }
    profiles = {p.neighbourhood_id: p for p in Profile.objects.filter(year=year, neighbourhood__in=current.values())}
    labels = COLUMN_LABELS()
    # Check against what is saved before writing anything.
    for row in parsed:
        hood = current.get((row.ward.pk, fold(row.name)))
        profile = profiles.get(hood.pk) if hood else None
        if profile is not None and row.households < profile.poor_households + profile.near_poor_households:
            result.errors.append(
                RowError(
                    row.number,
                    labels["households"],
                    _("%(name)s: fewer households than its poor and near-poor households.") % {"name": row.name},
                )
            )
    if result.errors:
        return

    for row in parsed:
        hood = current.get((row.ward.pk, fold(row.name)))
        is_new, changed = hood is None, False
        if is_new:
            hood = Neighbourhood.objects.create(ward=row.ward, name=row.name, kind=row.kind)
            history_record(
                obj=hood, user=user, action="import", changes={"name": [None, row.name], "kind": [None, str(row.kind)]}
            )
            result.created += 1
        elif hood.kind != row.kind or hood.name != row.name:
            history_record(
                obj=hood,
                user=user,
                action="import",
                changes={"kind": [hood.kind, str(row.kind)], "name": [hood.name, row.name]},
            )
            hood.kind, hood.name = row.kind, row.name
            hood.save()
            changed = True
        profile = profiles.get(hood.pk)
        if profile is None:
            profile = Profile.objects.create(
                neighbourhood=hood, year=year, households=row.households, people=row.people, updated_by=user
            )
            history_record(
                obj=profile,
                user=user,
                action="import",
                changes={"households": [None, row.households], "people": [None, row.people]},
            )
            changed = True
        elif (profile.households, profile.people) != (row.households, row.people):
            history_record(
                obj=profile,
                user=user,
                action="import",
                changes={"households": [profile.households, row.households], "people": [profile.people, row.people]},
            )
            profile.households, profile.people = row.households, row.people
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
