"""Imports: the official wards and communes of a province, and neighbourhoods from a CSV or XLSX file.

A neighbourhood file is all-or-nothing: every error is reported with the row number a spreadsheet
shows, and a file with any error saves nothing, not even its valid rows. Importing the same file
twice changes nothing the second time.
"""

import csv
import io
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from portal.models import HistoryEntry
from tests.factories import WardFactory
from wards import imports
from wards.imports import import_neighbourhoods
from wards.models import City, Neighbourhood, Profile, Ward

VI_MO = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.mo"
HEADER = ["Mã phường/xã", "Tên", "Loại", "Số hộ", "Số nhân khẩu"]
YEAR = 2026
GOOD_ROWS = [
    ["14797", "Tổ dân phố Đình Hương 2", "Tổ dân phố", "1.234", "4.321"],
    ["14797", "Phố Lê Lai", "phố", "210", "702"],
    ["14797", "Thôn Đông Sơn", "thôn", "95", "388"],
]
GOOD_NAMES = {"Tổ dân phố Đình Hương 2", "Phố Lê Lai", "Thôn Đông Sơn"}


# --- helpers -----------------------------------------------------------------------------


def csv_text(rows, *, header=HEADER, sep=",") -> str:
    """A CSV as Excel writes it: CRLF line ends, quotes only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if c is None else c for c in row] for row in rows)
    return buffer.getvalue()


def csv_bytes(rows, *, header=HEADER, sep=",", bom=True) -> bytes:
    """UTF-8 with a BOM, as Excel's "CSV UTF-8" saves it."""
    return (b"\xef\xbb\xbf" if bom else b"") + csv_text(rows, header=header, sep=sep).encode("utf-8")


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            # "ộ" is "ô" and a combining dot below; "ã" is "a" and a combining tilde.
            base, *marks = unicodedata.normalize("NFD", char)
            for mark in marks:
                composed = unicodedata.normalize("NFC", base + mark)
                if len(composed) == 1 and composed.encode("cp1258", errors="ignore"):
                    base, marks = composed, [m for m in marks if m != mark]
                    break
            out += (base + "".join(marks)).encode("cp1258")
    return out


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Thôn, tổ dân phố"
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_of(kind: str, rows, **kwargs) -> tuple[str, bytes]:
    if kind == "csv":
        return "thon_to_dan_pho.csv", csv_bytes(rows, **kwargs)
    return "thon_to_dan_pho.xlsx", xlsx_bytes(rows, **kwargs)


def run(user, filename: str, content: bytes, *, year: int = YEAR):
    return import_neighbourhoods(
        user=user, filename=filename, content=content, year=year, wards=Ward.objects.editable_by(user)
    )


def snapshot():
    """Everything an import may write, to compare before and after."""
    return (
        sorted(Neighbourhood.objects.values_list("ward__code", "name", "search_key", "kind", "valid_to")),
        sorted(
            Profile.objects.filter(neighbourhood__isnull=False).values_list(
                "neighbourhood__name", "year", "households", "people", "version", "updated_by"
            )
        ),
        sorted(HistoryEntry.objects.values_list("pk", flat=True)),
    )


def error_rows(result) -> list[int]:
    return sorted({e.row for e in result.errors})


def errors_at(result, row: int, key: str) -> list:
    label = imports.COLUMN_LABELS()[key]
    return [e for e in result.errors if e.row == row and e.column == label]


def assert_refused(result, before):
    assert not result.ok
    assert result.errors, "a refused file must say why"
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert snapshot() == before, "a file with errors must save nothing"
    for error in result.errors:
        assert str(error).strip()


# --- import_units --------------------------------------------------------------------------


def _import_units(*args) -> str:
    out = io.StringIO()
    call_command("import_units", *args, stdout=out)
    return out.getvalue()


def test_import_units_creates_thanh_hoa_with_its_166_wards_and_communes(db):
    output = _import_units("--province", "38")

    city = City.objects.get(code="38")
    assert city.name == "Thanh Hóa"
    assert city.kind == City.Kind.PROVINCE
    wards = Ward.objects.filter(city=city)
    assert wards.count() == 166
    assert Counter(wards.values_list("kind", flat=True)) == {Ward.Kind.WARD: 19, Ward.Kind.COMMUNE: 147}
    codes = list(wards.values_list("code", flat=True))
    assert all(len(code) == 5 and code.isdigit() for code in codes)
    assert len(set(codes)) == 166
    hac_thanh = Ward.objects.get(code="14797")
    assert hac_thanh.name == "Phường Hạc Thành"
    assert hac_thanh.kind == Ward.Kind.WARD
    assert hac_thanh.search_key == "phuong hac thanh"
    assert Ward.objects.search("hac thanh").get() == hac_thanh
    assert all(unicodedata.is_normalized("NFC", name) for name in wards.values_list("name", flat=True))
    assert "166 created" in output
    assert "14797 Phường Hạc Thành" in output


def test_import_units_twice_creates_and_changes_nothing(db):
    _import_units("--province", "38")
    before = sorted(Ward.objects.values_list("pk", "code", "name", "kind", "city_id"))

    output = _import_units("--province", "38")

    assert "0 created" in output
    assert "0 updated" in output
    assert "166 unchanged" in output
    assert sorted(Ward.objects.values_list("pk", "code", "name", "kind", "city_id")) == before
    assert City.objects.count() == 1


def test_import_units_restores_a_ward_renamed_locally_and_reports_it(db):
    _import_units("--province", "38")
    ward = Ward.objects.get(code="14797")
    ward.name = "Phường Hạc Thành (đổi tên thử)"
    ward.save()

    output = _import_units("--province", "38")

    ward.refresh_from_db()
    assert ward.name == "Phường Hạc Thành"
    assert ward.search_key == "phuong hac thanh"
    assert "14797 Phường Hạc Thành" in output
    assert "0 created, 1 updated, 165 unchanged" in output


def test_import_units_keeps_wards_that_already_exist(ward_a, hood_a):
    """The conftest's Phường Hạc Thành (same code) is the official one: kept, not duplicated."""
    output = _import_units("--province", "38")

    assert Ward.objects.filter(code="14797").get().pk == ward_a.pk
    assert Ward.objects.count() == 166
    assert City.objects.count() == 1
    assert "165 created" in output
    hood_a.refresh_from_db()
    assert hood_a.ward_id == ward_a.pk


def test_import_units_moves_a_ward_filed_under_another_city(db):
    """Ward codes are unique nationwide: a ward filed under a wrong city is moved, not a crash."""
    elsewhere = City.objects.create(code="99", name="Nơi khác")
    WardFactory(city=elsewhere, code="14797", name="Phường Hạc Thành")

    _import_units("--province", "38")

    assert Ward.objects.get(code="14797").city.code == "38"
    assert Ward.objects.filter(city__code="38").count() == 166


def test_import_units_with_an_unknown_province_is_a_command_error(db):
    with pytest.raises(CommandError) as caught:
        _import_units("--province", "99")
    assert "99" in str(caught.value)
    assert City.objects.count() == 0
    assert Ward.objects.count() == 0


def test_import_units_leaves_the_active_language_alone(db):
    translation.activate("en")
    try:
        _import_units("--province", "38")
        assert translation.get_language() == "en"
    finally:
        translation.deactivate()


# --- neighbourhoods: good files ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_good_file_creates_neighbourhoods_and_their_profile(kind, ward_a, staff_a):
    result = run(staff_a, *file_of(kind, GOOD_ROWS))

    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    hoods = {h.name: h for h in Neighbourhood.objects.filter(ward=ward_a)}
    assert set(hoods) == GOOD_NAMES
    assert hoods["Tổ dân phố Đình Hương 2"].kind == Neighbourhood.Kind.RESIDENTIAL_GROUP
    assert hoods["Phố Lê Lai"].kind == Neighbourhood.Kind.STREET
    assert hoods["Thôn Đông Sơn"].kind == Neighbourhood.Kind.VILLAGE
    assert hoods["Thôn Đông Sơn"].search_key == "thon dong son"
    profile = Profile.objects.get(neighbourhood=hoods["Tổ dân phố Đình Hương 2"])
    assert (profile.year, profile.households, profile.people) == (YEAR, 1234, 4321)
    assert profile.updated_by == staff_a
    assert profile.version == 1
    assert Profile.objects.filter(neighbourhood__ward=ward_a, year=YEAR).count() == 3
    entries = HistoryEntry.objects.filter(action="import")
    assert entries.count() == 6  # each neighbourhood and each profile
    assert set(entries.values_list("user", flat=True)) == {staff_a.pk}


def test_good_xlsx_with_numeric_cells(ward_a, staff_a):
    rows = [
        [14797, "Tổ dân phố Đình Hương 2", "Tổ dân phố", 1234, 4321],
        [14797.0, "Phố Lê Lai", "Phố", 210.0, "702"],
        ["14797", "Bản Lát", "bản", "1 234", "4.321"],
    ]
    result = run(staff_a, "hoods.xlsx", xlsx_bytes(rows))

    assert result.ok, [str(e) for e in result.errors]
    figures = dict(Profile.objects.filter(neighbourhood__ward=ward_a).values_list("neighbourhood__name", "households"))
    assert figures == {"Tổ dân phố Đình Hương 2": 1234, "Phố Lê Lai": 210, "Bản Lát": 1234}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_names_are_stored_in_nfc_even_from_nfd_files(kind, ward_a, staff_a):
    nfd_rows = [[unicodedata.normalize("NFD", str(c)) for c in row] for row in GOOD_ROWS]
    assert nfd_rows[0][1] != GOOD_ROWS[0][1]  # the file really is decomposed

    result = run(staff_a, *file_of(kind, nfd_rows))

    assert result.ok, [str(e) for e in result.errors]
    names = set(Neighbourhood.objects.filter(ward=ward_a).values_list("name", flat=True))
    assert names == GOOD_NAMES
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    # An NFC file afterwards finds the same neighbourhoods.
    again = run(staff_a, *file_of(kind, GOOD_ROWS))
    assert (again.created, again.unchanged) == (0, 3)


def test_numbers_with_thousands_separators(ward_a, staff_a):
    rows = [["14797", "Tổ dân phố 7", "tdp", "1.234", "12.345.678"]]
    result = run(staff_a, "hoods.csv", csv_bytes(rows))

    assert result.ok, [str(e) for e in result.errors]
    profile = Profile.objects.get(neighbourhood__name="Tổ dân phố 7")
    assert (profile.households, profile.people) == (1234, 12_345_678)


def test_semicolon_separated_csv(ward_a, staff_a):
    rows = [*GOOD_ROWS, ["14797", "Khu phố Nam, Bắc", "khu phố", "12", "40"]]  # a comma inside a name
    result = run(staff_a, "hoods.csv", csv_bytes(rows, sep=";", bom=False))

    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 4
    quarter = Neighbourhood.objects.get(name="Khu phố Nam, Bắc")
    assert quarter.kind == Neighbourhood.Kind.QUARTER
    assert Profile.objects.get(neighbourhood=quarter).people == 40


def test_windows_1258_csv_is_read(ward_a, staff_a):
    """Excel on a Vietnamese Windows may still save CSV in the legacy code page (NFD-like text)."""
    content = cp1258(csv_text([["14797", "Tổ dân phố Đình Hương 2", "Tổ dân phố", "1.234", "4.321"]]))
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    result = run(staff_a, "hoods.csv", content)

    assert result.ok, [str(e) for e in result.errors]
    hood = Neighbourhood.objects.get(ward=ward_a)
    assert hood.name == "Tổ dân phố Đình Hương 2"
    assert hood.kind == Neighbourhood.Kind.RESIDENTIAL_GROUP


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_importing_the_same_file_twice_changes_nothing(kind, ward_a, staff_a, hood_a):
    rows = [*GOOD_ROWS, ["14797", "Tổ dân phố Đình Hương 1", "tổ dân phố", "234", "785"]]
    first = run(staff_a, *file_of(kind, rows))
    assert first.ok, [str(e) for e in first.errors]
    assert (first.created, first.updated, first.unchanged) == (3, 0, 1)
    before = snapshot()
    history = HistoryEntry.objects.count()

    second = run(staff_a, *file_of(kind, rows))

    assert second.ok, [str(e) for e in second.errors]
    assert (second.created, second.updated, second.unchanged) == (0, 0, 4)
    assert snapshot() == before
    assert HistoryEntry.objects.count() == history


def test_changed_figures_update_the_profile_with_history(ward_a, staff_a, hood_a):
    rows = [["14797", "Tổ dân phố Đình Hương 1", "tổ dân phố", "240", "800"]]
    result = run(staff_a, "hoods.csv", csv_bytes(rows))

    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    profile = Profile.objects.get(neighbourhood=hood_a, year=YEAR)
    assert (profile.households, profile.people, profile.version) == (240, 800, 2)
    assert profile.poor_households == 2  # figures the file does not have are kept
    entry = HistoryEntry.objects.for_object(profile).get()
    assert entry.changes == {"households": [234, 240], "people": [785, 800]}
    assert entry.user == staff_a


def test_a_new_year_adds_a_profile_and_keeps_the_old_one(ward_a, staff_a, hood_a):
    rows = [["14797", "Tổ dân phố Đình Hương 1", "tổ dân phố", "250", "820"]]
    result = run(staff_a, "hoods.csv", csv_bytes(rows), year=2027)

    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (0, 1)
    assert dict(hood_a.profiles.values_list("year", "households")) == {2026: 234, 2027: 250}


# --- neighbourhoods: bad files -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_error_is_listed_with_its_row_and_nothing_is_saved(kind, ward_a, staff_a, hood_a):
    rows = [
        ["14797", "Thôn Một", "thôn", "10", "40"],  # row 2: valid
        ["14797", "Thôn Hai", "chung cư", "10", "40"],  # row 3: unknown kind
        ["14797", "Thôn Ba", "thôn", "10", "40"],  # row 4: valid
        ["14797", "Thôn Bốn", "thôn", "900", "800"],  # row 5: more households than people
        ["14797", "Tổ dân phố Đình Hương 1", "tổ dân phố", "999", "9999"],  # row 6: a valid change
    ]
    before = snapshot()

    result = run(staff_a, *file_of(kind, rows))

    assert_refused(result, before)
    assert error_rows(result) == [3, 5]
    assert errors_at(result, 3, "kind")
    assert "chung cư" in str(errors_at(result, 3, "kind")[0])
    assert errors_at(result, 5, "households")
    assert all(str(e.row) in str(e) for e in result.errors)
    assert not Neighbourhood.objects.filter(name__in=["Thôn Một", "Thôn Ba"]).exists()
    assert Profile.objects.get(neighbourhood=hood_a).households == 234


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_row_numbers_are_those_of_the_file_even_after_blank_rows(kind, ward_a, staff_a):
    rows = [
        ["14797", "Thôn Một", "thôn", "10", "40"],  # row 2
        [None, None, None, None, None],  # row 3: blank
        ["14797", "Thôn Hai", "nhà", "10", "40"],  # row 4: unknown kind
    ]
    result = run(staff_a, *file_of(kind, rows))

    assert error_rows(result) == [4]


def test_every_missing_value_of_a_row_is_reported(ward_a, staff_a):
    before = snapshot()
    result = run(
        staff_a, "hoods.csv", csv_bytes([["", "", "", "", ""], ["14797", "Thôn Một", "thôn", "", "x"]], header=HEADER)
    )
    # The first row is blank (skipped); the second lacks households and has a bad number of people.
    assert_refused(result, before)
    assert error_rows(result) == [3]
    assert errors_at(result, 3, "households")
    assert errors_at(result, 3, "people")


def test_a_missing_column_is_reported(ward_a, staff_a):
    header = HEADER[:-1]
    rows = [row[:-1] for row in GOOD_ROWS]
    before = snapshot()

    with translation.override("en"):
        result = run(staff_a, "hoods.csv", csv_bytes(rows, header=header))
        assert_refused(result, before)
        assert len(result.errors) == 1
        assert imports.COLUMN_LABELS()["people"] in str(result.errors[0])


def test_headers_are_matched_without_accents_case_or_spaces(ward_a, staff_a):
    header = ["MÃ PHƯỜNG / XÃ", " tên ", "Loai", "so ho", "Số Nhân Khẩu"]
    result = run(staff_a, "hoods.csv", csv_bytes(GOOD_ROWS, header=header))
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 3


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("hoods.csv", b""),
        ("hoods.csv", b"\xef\xbb\xbf"),
        ("hoods.csv", b"\r\n ,,,,\r\n\r\n"),
        ("hoods.csv", csv_bytes([])),  # a header and nothing under it
        ("hoods.xlsx", xlsx_bytes([], header=None)),
        ("hoods.xlsx", xlsx_bytes([])),
    ],
    ids=["csv-no-bytes", "csv-bom-only", "csv-blank-lines", "csv-header-only", "xlsx-no-cells", "xlsx-header-only"],
)
def test_an_empty_file_is_refused(filename, content, ward_a, staff_a):
    before = snapshot()
    result = run(staff_a, filename, content)
    assert_refused(result, before)
    assert len(result.errors) == 1


@pytest.mark.parametrize("filename", ["hoods.txt", "hoods.xls", "hoods", "hoods.csv.exe", "hoods.ods"])
def test_a_wrong_extension_is_refused(filename, ward_a, staff_a):
    before = snapshot()
    result = run(staff_a, filename, csv_bytes(GOOD_ROWS))
    assert_refused(result, before)
    assert len(result.errors) == 1
    assert result.errors[0].row == 0


def test_upper_case_extensions_are_accepted(ward_a, staff_a):
    assert run(staff_a, "HOODS.CSV", csv_bytes(GOOD_ROWS)).ok
    assert run(staff_a, "HOODS.XLSX", xlsx_bytes(GOOD_ROWS)).unchanged == 3


@pytest.mark.parametrize(
    "content",
    [csv_bytes(GOOD_ROWS), b"PK\x03\x04 not really a zip", b"\x00\x01\x02" * 100, b""],
    ids=["csv", "fake-zip", "binary", "no-bytes"],
)
def test_a_file_that_is_not_xlsx_renamed_xlsx_is_refused(content, ward_a, staff_a):
    before = snapshot()
    result = run(staff_a, "hoods.xlsx", content)
    assert_refused(result, before)
    assert len(result.errors) == 1


@pytest.mark.parametrize(
    "content",
    [xlsx_bytes(GOOD_ROWS), "\r\n".join([",".join(HEADER), *(",".join(r) for r in GOOD_ROWS)]).encode("utf-16")],
    ids=["xlsx", "utf-16"],
)
def test_a_binary_or_utf16_file_named_csv_is_refused(content, ward_a, staff_a):
    before = snapshot()
    result = run(staff_a, "hoods.csv", content)
    assert_refused(result, before)
    assert len(result.errors) == 1


def test_a_csv_the_csv_module_cannot_read_is_an_error_not_a_crash(ward_a, staff_a):
    content = csv_bytes([*GOOD_ROWS, ["14797", "x" * 200_000, "thôn", "1", "2"]])
    before = snapshot()
    result = run(staff_a, "hoods.csv", content)
    assert_refused(result, before)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_duplicate_names_in_one_file_are_refused(kind, ward_a, staff_a):
    rows = [
        ["14797", "Thôn Đông Sơn", "thôn", "10", "40"],  # row 2
        ["14797", "Phố Lê Lai", "phố", "10", "40"],  # row 3
        ["14797", unicodedata.normalize("NFD", "thôn đông  sơn"), "thôn", "11", "41"],  # row 4: same as row 2
    ]
    before = snapshot()

    result = run(staff_a, *file_of(kind, rows))

    assert_refused(result, before)
    assert error_rows(result) == [4]
    duplicate = errors_at(result, 4, "name")
    assert duplicate
    assert "2" in duplicate[0].message  # points at the first occurrence


def test_the_same_name_in_two_wards_is_not_a_duplicate(ward_a, ward_b, admin_user):
    rows = [["14797", "Thôn Một", "thôn", "10", "40"], ["16417", "Thôn Một", "thôn", "10", "40"]]
    result = run(admin_user, "hoods.csv", csv_bytes(rows))
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 2


@pytest.mark.parametrize(
    ("households", "people", "bad"),
    [("-5", "40", "households"), ("5", "-40", "people"), ("-1.234", "40", "households")],
)
def test_negative_numbers_are_refused(households, people, bad, ward_a, staff_a):
    rows = [GOOD_ROWS[0], ["14797", "Thôn Một", "thôn", households, people]]
    before = snapshot()
    result = run(staff_a, "hoods.csv", csv_bytes(rows))
    assert_refused(result, before)
    assert error_rows(result) == [3]
    assert errors_at(result, 3, bad)


def test_negative_numbers_in_xlsx_are_refused(ward_a, staff_a):
    before = snapshot()
    result = run(staff_a, "hoods.xlsx", xlsx_bytes([["14797", "Thôn Một", "thôn", -5, -3]]))
    assert_refused(result, before)
    assert errors_at(result, 2, "households")
    assert errors_at(result, 2, "people")


@pytest.mark.parametrize(
    "value",
    ["1.5", "12,5", "1,234", "abc", "1.2345", "１２", "99999999999", "1e3"],
)
def test_numbers_that_are_not_whole_are_refused(value, ward_a, staff_a):
    """ "1.5" is not 15, and a number too large for the database is an error, not a crash."""
    rows = [["14797", "Thôn Một", "thôn", "1", value]]
    before = snapshot()
    result = run(staff_a, "hoods.csv", csv_bytes(rows, sep=";"))
    assert_refused(result, before)
    assert errors_at(result, 2, "people")


@pytest.mark.parametrize("value", [12.5, True, 1e20, float("inf")], ids=["decimal", "bool", "huge", "inf"])
def test_xlsx_numbers_that_are_not_whole_are_refused(value, ward_a, staff_a):
    rows = [["14797", "Thôn Một", "thôn", 1, value]]
    before = snapshot()
    result = run(staff_a, "hoods.xlsx", xlsx_bytes(rows))
    assert_refused(result, before)
    assert errors_at(result, 2, "people")


def test_odd_ward_codes_are_errors_not_crashes(ward_a, staff_a):
    rows = [
        ["²", "Thôn Một", "thôn", "1", "2"],  # a digit to str.isdigit(), not to int()
        ["", "Thôn Hai", "thôn", "1", "2"],
        ["1479", "Thôn Ba", "thôn", "1", "2"],  # 01479: not a ward of this user
    ]
    before = snapshot()
    result = run(staff_a, "hoods.csv", csv_bytes(rows))
    assert_refused(result, before)
    assert error_rows(result) == [2, 3, 4]
    assert all(errors_at(result, row, "ward_code") for row in (2, 3, 4))


CSV_FORMULAS = [
    (["14797", "Thôn Một", "thôn", "=1+1", "40"], "households"),
    (["14797", "Thôn Một", "thôn", "10", "=1+1"], "people"),
    (["14797", "Thôn Một", "thôn", "10", "+40"], "people"),
    (["14797", "Thôn Một", "thôn", "10", " @SUM(40)"], "people"),
    (["14797", '=HYPERLINK("http://x";"Thôn Một")', "thôn", "10", "40"], "name"),
    (["14797", "-2+3+cmd|' /C calc'!A0", "thôn", "10", "40"], "name"),
    (["14797", "Thôn Một", "@thôn", "10", "40"], "kind"),
    (["=14797", "Thôn Một", "thôn", "10", "40"], "ward_code"),
]


@pytest.mark.parametrize(("row", "key"), CSV_FORMULAS, ids=[f"{k}-{i}" for i, (_r, k) in enumerate(CSV_FORMULAS)])
def test_formulas_in_csv_cells_are_refused(row, key, ward_a, staff_a):
    before = snapshot()
    result = run(staff_a, "hoods.csv", csv_bytes([GOOD_ROWS[0], row], sep=";"))
    assert_refused(result, before)
    assert error_rows(result) == [3]
    assert errors_at(result, 3, key)


def test_formulas_in_xlsx_cells_are_refused(ward_a, staff_a):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(GOOD_ROWS[0])  # row 2: valid
    sheet.append(["14797", "Thôn Một", "thôn", "=1+1", 40])  # row 3: an Excel formula
    sheet.append(["14797", "Thôn Hai", "thôn", 10, "=SUM(D2:D3)"])  # row 4
    sheet.append(["14797", "Thôn Ba", "thôn", 10, 40])  # row 5: an array formula in the name
    sheet["B5"] = ArrayFormula("B5:B5", "=UPPER(B2)")
    buffer = io.BytesIO()
    book.save(buffer)
    before = snapshot()

    result = run(staff_a, "hoods.xlsx", buffer.getvalue())

    assert_refused(result, before)
    assert error_rows(result) == [3, 4, 5]
    assert errors_at(result, 3, "households")
    assert errors_at(result, 4, "people")
    assert errors_at(result, 5, "name")


def test_a_row_of_a_ward_outside_the_users_scope_is_refused(ward_a, ward_b, staff_a, hood_b):
    rows = [
        ["14797", "Thôn Một", "thôn", "10", "40"],  # row 2: staff_a's ward
        ["16417", "Thôn Hai", "thôn", "10", "40"],  # row 3: ward_b, not theirs
        ["16417", "Tổ dân phố Đông Cương 3", "tổ dân phố", "1", "2"],  # row 4: would change ward_b's data
    ]
    before = snapshot()

    result = run(staff_a, "hoods.csv", csv_bytes(rows))

    assert_refused(result, before)
    assert error_rows(result) == [3, 4]
    assert errors_at(result, 3, "ward_code")
    assert "16417" in str(errors_at(result, 3, "ward_code")[0])
    assert not Neighbourhood.objects.filter(ward=ward_b).exclude(pk=hood_b.pk).exists()
    assert Profile.objects.get(neighbourhood=hood_b).households == 310


def test_an_unknown_ward_code_is_refused_even_for_an_administrator(ward_a, admin_user):
    before = snapshot()
    result = run(admin_user, "hoods.csv", csv_bytes([["99999", "Thôn Một", "thôn", "10", "40"]]))
    assert_refused(result, before)
    assert errors_at(result, 2, "ward_code")


def test_a_change_that_breaks_the_saved_figures_is_reported_with_its_row(ward_a, staff_a, hood_a):
    """hood_a has 2 poor and 3 near-poor households: 4 households is too few. The new row is not saved either."""
    rows = [
        ["14797", "Thôn Một", "thôn", "10", "40"],  # row 2
        ["14797", "Tổ dân phố Đình Hương 1", "tổ dân phố", "4", "785"],  # row 3
    ]
    before = snapshot()

    result = run(staff_a, "hoods.csv", csv_bytes(rows))

    assert_refused(result, before)
    assert error_rows(result) == [3]
    assert errors_at(result, 3, "households")


def _many_rows(count: int) -> list[list[str]]:
    return [["14797", f"Tổ dân phố {i}", "tdp", "10", "40"] for i in range(1, count + 1)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_max_rows_is_the_limit(kind, ward_a, staff_a, monkeypatch):
    monkeypatch.setattr(imports.files, "MAX_ROWS", 10)
    before = snapshot()

    too_many = run(staff_a, *file_of(kind, _many_rows(11)))

    assert_refused(too_many, before)
    assert len(too_many.errors) == 1
    assert "10" in str(too_many.errors[0])
    just_enough = run(staff_a, *file_of(kind, _many_rows(10)))
    assert just_enough.ok, [str(e) for e in just_enough.errors]
    assert just_enough.created == 10


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_oversized_file_is_refused_before_reading_or_checking_it_all(
    kind, ward_a, staff_a, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(imports.files, "MAX_ROWS", 50)
    rows = _many_rows(3000)
    if kind == "csv":
        # A line the csv module cannot read, far past the limit: reading must stop before it.
        rows.append(["14797", "x" * 200_000, "thôn", "1", "2"])
    filename, content = file_of(kind, rows)
    wards = Ward.objects.editable_by(staff_a)

    with django_assert_num_queries(0):  # not a single row checked against the database
        result = import_neighbourhoods(user=staff_a, filename=filename, content=content, year=YEAR, wards=wards)

    assert not result.ok
    assert len(result.errors) == 1
    assert "50" in str(result.errors[0])
    assert not Neighbourhood.objects.exists()


def test_errors_are_in_vietnamese_when_the_language_is_vi(ward_a, staff_a):
    rows = [
        ["14797", "Thôn Một", "thôn", "10", "40"],  # row 2: valid
        ["14797", "Thôn Hai", "chung cư", "10", "40"],  # row 3: unknown kind
        ["14797", "Thôn Ba", "thôn", "10", "40"],  # row 4: valid
        ["14797", "Thôn Bốn", "thôn", "900", "800"],  # row 5: households > people
    ]
    before = snapshot()
    with translation.override("vi"):
        result = run(staff_a, "hoods.csv", csv_bytes(rows))
        vi_messages = [str(e) for e in result.errors]
        labels = imports.COLUMN_LABELS()
    with translation.override("en"):
        en_messages = [str(e) for e in result.errors]

    assert_refused(result, before)
    assert error_rows(result) == [3, 5]
    assert {(e.row, e.column) for e in result.errors} == {(3, labels["kind"]), (5, labels["households"])}
    assert all(str(e.row) in message for e, message in zip(result.errors, vi_messages, strict=True))
    if VI_MO.exists():
        # Translated: the messages (and the "Row …" frame around them) are not the English ones.
        assert vi_messages != en_messages
        households = next(m for e, m in zip(result.errors, vi_messages, strict=True) if e.row == 5)
        assert households != next(m for e, m in zip(result.errors, en_messages, strict=True) if e.row == 5)
        assert not households.isascii(), households


# --- the management command ------------------------------------------------------------------


def test_import_neighbourhoods_command(ward_a, tmp_path):
    path = tmp_path / "hoods.xlsx"
    path.write_bytes(xlsx_bytes(GOOD_ROWS))
    out = io.StringIO()

    call_command("import_neighbourhoods", str(path), "--year", "2026", stdout=out)

    assert "3 created" in out.getvalue()
    assert set(Neighbourhood.objects.values_list("name", flat=True)) == GOOD_NAMES
    call_command("import_neighbourhoods", str(path), "--year", "2026", stdout=out)
    assert "0 created, 0 updated, 3 unchanged" in out.getvalue()


def test_import_neighbourhoods_command_with_a_bad_file(ward_a, tmp_path):
    path = tmp_path / "hoods.csv"
    path.write_bytes(csv_bytes([GOOD_ROWS[0], ["14797", "Thôn Hai", "chung cư", "10", "40"]]))
    before = snapshot()
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_neighbourhoods", str(path), "--year", "2026", stderr=err)

    assert "3" in err.getvalue()
    assert snapshot() == before
    with pytest.raises(CommandError):
        call_command("import_neighbourhoods", str(tmp_path / "missing.csv"))


# --- the web view ------------------------------------------------------------------------------


def _import_url(ward) -> str:
    return reverse("wards:neighbourhood-import", args=[ward.code])


def _upload(content: bytes, name: str = "hoods.csv", year: int = YEAR) -> dict:
    return {"file": SimpleUploadedFile(name, content), "year": str(year)}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_staff_uploads_a_valid_file_and_is_sent_to_the_ward(kind, client, ward_a, staff_a):
    client.force_login(staff_a)
    assert client.get(_import_url(ward_a)).status_code == 200
    filename, content = file_of(kind, GOOD_ROWS)

    response = client.post(_import_url(ward_a), _upload(content, filename))

    assert response.status_code == 302
    assert response["Location"] == reverse("wards:ward-detail", args=[ward_a.code])
    assert set(Neighbourhood.objects.filter(ward=ward_a).values_list("name", flat=True)) == GOOD_NAMES
    assert Profile.objects.filter(neighbourhood__ward=ward_a, year=YEAR).count() == 3
    assert set(HistoryEntry.objects.values_list("user", flat=True)) == {staff_a.pk}


def test_uploading_a_file_naming_another_ward_shows_the_errors_and_saves_nothing(client, ward_a, ward_b, staff_a):
    client.force_login(staff_a)
    rows = [GOOD_ROWS[0], ["16417", "Thôn Hai", "thôn", "10", "40"]]
    before = snapshot()

    response = client.post(_import_url(ward_a), _upload(csv_bytes(rows)))

    assert response.status_code == 200
    assert snapshot() == before
    result = response.context["result"]
    assert error_rows(result) == [3]
    page = response.content.decode()
    assert "import-errors" in page
    assert "16417" in page
    with translation.override(getattr(response.wsgi_request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)):
        for error in result.errors:
            assert str(error) in page.replace("&quot;", '"').replace("&#x27;", "'")


def test_the_import_page_of_a_ward_imports_into_that_ward_only(client, ward_a, ward_b, admin_user):
    """The page of a ward imports into that ward only, even for an administrator who may edit both."""
    client.force_login(admin_user)
    before = snapshot()
    response = client.post(_import_url(ward_a), _upload(csv_bytes([["16417", "Thôn Hai", "thôn", "10", "40"]])))
    assert response.status_code == 200
    assert snapshot() == before


def test_a_wrong_extension_is_refused_by_the_form(client, ward_a, staff_a):
    client.force_login(staff_a)
    before = snapshot()
    response = client.post(_import_url(ward_a), _upload(csv_bytes(GOOD_ROWS), "hoods.txt"))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert snapshot() == before


def test_staff_of_another_ward_gets_404(client, ward_a, staff_b):
    client.force_login(staff_b)
    before = snapshot()
    assert client.get(_import_url(ward_a)).status_code == 404
    assert client.post(_import_url(ward_a), _upload(csv_bytes(GOOD_ROWS))).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("who", ["leader_a", "city_leader"])
def test_readers_of_the_ward_get_403(who, request, client, ward_a):
    client.force_login(request.getfixturevalue(who))
    before = snapshot()
    assert client.get(_import_url(ward_a)).status_code == 403
    assert client.post(_import_url(ward_a), _upload(csv_bytes(GOOD_ROWS))).status_code == 403
    assert snapshot() == before


def test_anonymous_is_sent_to_the_login_page(client, ward_a):
    before = snapshot()
    for response in (client.get(_import_url(ward_a)), client.post(_import_url(ward_a), _upload(csv_bytes(GOOD_ROWS)))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "next=" in response["Location"]
    assert snapshot() == before
