"""Bulk entry by Excel: the template of a ward and period, and its all-or-nothing upload.

Every error is listed with its sheet, row and column; a file with any error saves
nothing, not even its valid rows; uploading the same file again changes nothing;
a unit outside the ward is an error, never a write.
"""

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.formula import ArrayFormula

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.results import excel, services
from campaigns.results.excel import HEADERS, template_build, upload_apply, upload_check
from campaigns.results.models import ExcelPreview, Period, Result, Submission
from campaigns.results.periods import periods_ensure
from portal.models import HistoryEntry
from tests.factories import NeighbourhoodFactory, ProfileFactory

CRITERIA = Path(__file__).resolve().parents[3] / "campaigns" / "criteria" / "sets"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTERED = ["I.1", "I.3", "I.4", "II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "III.1", "III.2"]  # I.2 is computed


@pytest.fixture(autouse=True)
def _english():
    """Messages are English msgids translated by the vi catalogue; tests read the English."""
    with translation.override("en"):
        yield


@pytest.fixture
def nd86(db, settings):
    settings.PERIOD_CUTOFF_DAY = 1
    criteria_set, _ = criteria_set_load_file(CRITERIA / "nd-86-2023-thon-tdp-van-hoa.yaml")
    periods_ensure(2026)
    return criteria_set


@pytest.fixture
def ind(nd86) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=nd86)}


def month(number: int) -> Period:
    return Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=number)


@pytest.fixture
def march(nd86) -> Period:
    return month(3)


@pytest.fixture
def hood_a2(ward_a):
    hood = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Đình Hương 2")
    ProfileFactory(neighbourhood=hood, year=2026, households=150, people=500)
    return hood


@pytest.fixture
def cast(nd86, ward_a, ward_b, hood_a, hood_a2, hood_b, staff_a, staff_b, leader_a, city_leader):
    return locals()


# --- helpers -------------------------------------------------------------------------


def workbook(rows, *, header=HEADERS, title="Kết quả") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(hood, code, value=None, note=None):
    return [hood.pk, hood.name, code, "", "", value, note]


def sheet_rows(content: bytes, title="Kết quả") -> list[list]:
    book = load_workbook(io.BytesIO(content))
    return [list(r) for r in book[title].iter_rows(values_only=True)]


def fill(content: bytes, values: dict[tuple[int, str], object], notes: dict | None = None) -> bytes:
    """The template with some "Giá trị" (and "Ghi chú") cells filled in, as staff would."""
    book = load_workbook(io.BytesIO(content))
    sheet = book["Kết quả"]
    for cells in sheet.iter_rows(min_row=2):
        key = (cells[0].value, cells[2].value)
        if key in values:
            cells[5].value = values[key]
        if notes and key in notes:
            cells[6].value = notes[key]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors_of(result) -> set[tuple]:
    """(sheet, row, column letter, message) of every error."""
    return {(e.sheet, e.row, e.column.split(" ")[0] if e.column else "", e.message) for e in result.errors}


def check(user, ward, period, content, filename="ket-qua.xlsx"):
    return upload_check(user=user, ward=ward, period=period, filename=filename, content=content)


def apply(user, ward, period, content, filename="ket-qua.xlsx"):
    return upload_apply(user=user, ward=ward, period=period, filename=filename, content=content)


def values_of(hood, period) -> dict[str, tuple]:
    return {
        r.indicator.code: (r.value, r.text, r.note, r.version)
        for r in Result.objects.filter(submission__neighbourhood=hood, submission__period=period).select_related(
            "indicator"
        )
    }


def result_history() -> int:
    return HistoryEntry.objects.filter(content_type=ContentType.objects.get_for_model(Result)).count()


def nothing_saved():
    assert not Submission.objects.exists()
    assert not Result.objects.exists()
    assert not HistoryEntry.objects.exists()


# --- the template ----------------------------------------------------------------------


def test_the_template_has_one_row_per_unit_and_entered_indicator_of_the_ward(
    cast, march, ward_a, hood_a, hood_a2, hood_b, staff_a, ind
):
    content = template_build(ward=ward_a, period=march)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Kết quả", "Hướng dẫn"]
    sheet = book["Kết quả"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert (
        rows[0]
        == HEADERS
        == ["Mã thôn/TDP", "Thôn, tổ dân phố", "Mã chỉ tiêu", "Chỉ tiêu", "Ngưỡng", "Giá trị", "Ghi chú"]
    )
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width

    # Neighbourhoods in name order; computed I.2 left out; nothing of ward B.
    assert [(r[0], r[2]) for r in rows[1:]] == [(hood_a.pk, c) for c in ENTERED] + [(hood_a2.pk, c) for c in ENTERED]
    assert {r[1] for r in rows[1:]} == {hood_a.name, hood_a2.name}
    assert hood_b.pk not in {r[0] for r in rows[1:]}
    by_code = {r[2]: r for r in rows[1:] if r[0] == hood_a.pk}
    assert by_code["I.1"][3] == ind["I.1"].name
    assert by_code["I.1"][4] == "≥ 90 %"
    assert by_code["II.4"][4] == "≥ 90 % hộ"
    assert by_code["I.3"][4] == "Có"
    assert all(r[5] is None and r[6] is None for r in rows[1:])  # nothing entered yet

    guide = "\n".join(str(r[0]) for r in book["Hướng dẫn"].iter_rows(values_only=True) if r[0])
    assert "“Có” hoặc “Không”" in guide and "1.234,5" in guide and "Phường Hạc Thành" in guide


def test_the_template_is_prefilled_with_saved_values_and_notes(cast, march, ward_a, hood_a, staff_a, ind):
    submission = services.submission_for(hood_a, march)
    services.results_save(
        submission=submission,
        user=staff_a,
        versions={},
        values={
            ind["I.1"].pk: {"value": Decimal("95.5"), "text": "", "note": "=theo báo cáo"},
            ind["I.3"].pk: {"value": Decimal(1), "text": "", "note": ""},
            ind["I.4"].pk: {"value": Decimal(0), "text": "", "note": ""},
            ind["II.2"].pk: {"value": Decimal(99), "text": "", "note": ""},
        },
    )
    rows = {(r[0], r[2]): r for r in sheet_rows(template_build(ward=ward_a, period=march))[1:]}
    assert rows[(hood_a.pk, "I.1")][5:] == [95.5, "=theo báo cáo"]  # a note is never turned into a formula
    assert rows[(hood_a.pk, "I.3")][5] == "Có"
    assert rows[(hood_a.pk, "I.4")][5] == "Không"
    assert rows[(hood_a.pk, "II.2")][5] == 99
    # The prefilled template uploads back without a change.
    result = check(staff_a, ward_a, march, template_build(ward=ward_a, period=march))
    assert result.ok and result.rows and not result.changes


def test_the_template_shows_yearly_values_a_new_month_will_carry_over(cast, ward_a, hood_a, staff_a, ind):
    january = services.submission_for(hood_a, month(1))
    services.results_save(
        submission=january,
        user=staff_a,
        versions={},
        values={ind["II.1"].pk: {"value": Decimal(1), "text": "", "note": ""}},
    )
    content = template_build(ward=ward_a, period=month(3))
    rows = {(r[0], r[2]): r for r in sheet_rows(content)[1:]}
    assert rows[(hood_a.pk, "II.1")][5] == "Có"
    assert not Submission.objects.filter(period=month(3)).exists()  # building a template writes nothing
    assert not check(staff_a, ward_a, month(3), content).changes


# --- a good file -------------------------------------------------------------------------


def test_a_good_file_saves_every_value_with_its_history(cast, march, ward_a, hood_a, hood_a2, staff_a):
    content = fill(
        template_build(ward=ward_a, period=march),
        {
            (hood_a.pk, "I.1"): "95,5",
            (hood_a.pk, "I.3"): "Có",
            (hood_a.pk, "I.4"): "x",
            (hood_a.pk, "II.2"): 98,
            (hood_a.pk, "II.4"): "90",
            (hood_a.pk, "III.1"): "Không",
            (hood_a.pk, "III.2"): 0,
            (hood_a2.pk, "I.1"): 88,
            (hood_a2.pk, "II.3"): 1,
        },
        notes={(hood_a.pk, "I.1"): "Theo báo cáo tháng 3"},
    )

    preview = check(staff_a, ward_a, march, content)
    assert preview.ok and len(preview.changes) == 9
    assert not Submission.objects.exists()  # checking writes nothing

    result = apply(staff_a, ward_a, march, content, filename="ket-qua-14797-2026-03.xlsx")
    assert result.ok and result.saved == 9
    a = values_of(hood_a, march)
    assert a["I.1"] == (Decimal("95.5"), "", "Theo báo cáo tháng 3", 1)
    assert (a["I.3"][0], a["I.4"][0], a["II.2"][0], a["II.4"][0]) == (1, 1, 98, 90)
    assert (a["III.1"][0], a["III.2"][0]) == (0, 0)
    assert "I.2" in a  # computed from the profile on save
    assert values_of(hood_a2, march)["I.1"][0] == 88
    met = {
        r.indicator.code: r.is_met
        for r in Result.objects.filter(submission__neighbourhood=hood_a).select_related("indicator")
    }
    assert met["I.1"] is True and met["III.1"] is False
    entry = HistoryEntry.objects.filter(
        object_id=Result.objects.get(submission__neighbourhood=hood_a, indicator__code="I.1").pk,
        content_type=ContentType.objects.get_for_model(Result),
    ).get()
    assert entry.user == staff_a and "ket-qua-14797-2026-03.xlsx" in entry.reason
    assert entry.changes["value"][1] == "95.5"


def test_the_same_file_twice_changes_nothing(cast, march, ward_a, hood_a, hood_a2, staff_a):
    content = fill(
        template_build(ward=ward_a, period=march),
        {
            (hood_a.pk, "I.1"): 95.5,
            (hood_a.pk, "II.2"): "33,33333",
            (hood_a.pk, "I.3"): "Có",
            (hood_a2.pk, "II.4"): 91,
        },
        notes={(hood_a2.pk, "II.4"): "Dòng 1\r\nDòng 2"},
    )
    assert apply(staff_a, ward_a, march, content).saved == 4
    before = (
        values_of(hood_a, march),
        values_of(hood_a2, march),
        result_history(),
        HistoryEntry.objects.count(),
        list(Submission.objects.order_by("pk").values_list("pk", "updated_at")),
    )

    again = apply(staff_a, ward_a, march, content)
    assert again.ok and again.saved == 0 and not again.changes
    assert (
        values_of(hood_a, march),
        values_of(hood_a2, march),
        result_history(),
        HistoryEntry.objects.count(),
        list(Submission.objects.order_by("pk").values_list("pk", "updated_at")),
    ) == before
    # And the template downloaded now is, once more, a file that changes nothing.
    assert not check(staff_a, ward_a, march, template_build(ward=ward_a, period=march)).changes


def test_an_empty_cell_keeps_the_saved_value(cast, march, ward_a, hood_a, staff_a):
    apply(staff_a, ward_a, march, workbook([row(hood_a, "I.1", 95, "ghi chú")]))
    result = apply(staff_a, ward_a, march, workbook([row(hood_a, "I.1", None, None), row(hood_a, "II.2", 99)]))
    assert result.ok and result.saved == 1
    values = values_of(hood_a, march)
    assert values["I.1"][:3] == (Decimal(95), "", "ghi chú") and values["II.2"][0] == 99


def test_numbers_yes_no_and_percent_cells_are_read_the_vietnamese_way(cast, march, ward_a, hood_a, staff_a):
    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả"
    sheet.append(HEADERS)
    sheet.append(row(hood_a, "I.1", 0.955))
    sheet["F2"].number_format = "0.0%"  # 95,5% typed in Excel
    sheet.append(row(hood_a, "II.2", "99,5 %"))
    sheet.append(row(hood_a, "II.4", " 92 "))
    sheet.append(row(hood_a, "I.3", True))
    sheet.append(row(hood_a, "I.4", "không"))
    sheet.append(row(hood_a, "II.1", "CÓ"))
    sheet.append(row(hood_a, "ii.3", 1))  # codes are matched regardless of case
    out = io.BytesIO()
    book.save(out)
    result = apply(staff_a, ward_a, march, out.getvalue())
    assert result.ok, result.errors
    values = {code: v[0] for code, v in values_of(hood_a, march).items()}
    assert values["I.1"] == Decimal("95.5") and values["II.2"] == Decimal("99.5") and values["II.4"] == 92
    assert (values["I.3"], values["I.4"], values["II.1"], values["II.3"]) == (1, 0, 1, 1)


def test_count_and_text_indicators(cast, march, ward_a, hood_a, staff_a, nd86):
    criterion = nd86.criteria.get(number="III")
    Indicator.objects.create(
        criterion=criterion,
        code="III.9",
        name="Số vụ vi phạm",
        kind=IndicatorKind.COUNT,
        comparator="<=",
        threshold=0,
        order=9,
    )
    Indicator.objects.create(criterion=criterion, code="III.10", name="Mô tả", kind=IndicatorKind.TEXT, order=10)
    bad = check(staff_a, ward_a, march, workbook([row(hood_a, "III.9", "1,5"), row(hood_a, "III.10", "x" * 2001)]))
    assert errors_of(bad) == {
        ("Kết quả", 2, "F", "A count is a whole number."),
        ("Kết quả", 3, "F", "The text is longer than 2000 characters."),
    }
    good = apply(
        staff_a, ward_a, march, workbook([row(hood_a, "III.9", "1.234"), row(hood_a, "III.10", "Có nhà văn hóa mới")])
    )
    assert good.ok
    values = values_of(hood_a, march)
    assert values["III.9"][0] == 1234 and values["III.10"][:2] == (None, "Có nhà văn hóa mới")


# --- a bad file: every error, nothing saved ---------------------------------------------


def test_a_bad_file_lists_every_error_and_saves_nothing(cast, march, ward_a, hood_a, hood_a2, staff_a):
    content = workbook(
        [
            row(hood_a, "I.1", 95),  # valid
            row(hood_a2, "I.1", 120),  # percent above 100
            row(hood_a, "I.3", "có lẽ"),  # not yes/no
            row(hood_a, "II.2", "-5"),  # negative
            row(hood_a, "II.4", "chín mươi"),  # not a number
            row(hood_a, "I.2", 1),  # computed
            row(hood_a, "IX.9", 1),  # not in the set
            [999999, "Không có", "I.1", "", "", 90, ""],  # no such unit
            [None, "", "I.1", "", "", 90, ""],  # no unit code
            row(hood_a, None, "Có"),  # no indicator code
            row(hood_a, "I.1", 96),  # same unit and indicator as row 2
            row(hood_a, "II.1", "1,2.3"),  # boolean given something else
            row(hood_a2, "II.3", date(2026, 3, 1)),  # a date for yes/no
            row(hood_a2, "II.2", date(2026, 3, 1)),  # a date for a number
        ]
    )
    result = check(staff_a, ward_a, march, content)
    assert errors_of(result) == {
        ("Kết quả", 3, "F", "A percentage cannot be above 100."),
        ("Kết quả", 4, "F", "“có lẽ” is not a yes/no answer; write Có or Không."),
        ("Kết quả", 5, "F", "The value cannot be negative."),
        ("Kết quả", 6, "F", "“chín mươi” is not a number. Write it like 1.234,5."),
        ("Kết quả", 7, "C", "Indicator I.2 is computed from the yearly profile and cannot be entered."),
        ("Kết quả", 8, "C", f"Indicator IX.9 is not in the criteria set of {hood_a.name}."),
        ("Kết quả", 9, "A", "Neighbourhood code 999999 is unknown or not a neighbourhood of this ward."),
        ("Kết quả", 10, "A", "The neighbourhood code is missing."),
        ("Kết quả", 11, "C", "The indicator code is missing."),
        ("Kết quả", 12, "C", "Same neighbourhood and indicator as row 2."),
        ("Kết quả", 13, "F", "“1,2.3” is not a yes/no answer; write Có or Không."),
        ("Kết quả", 14, "F", "“2026-03-01 00:00:00” is not a yes/no answer; write Có or Không."),
        ("Kết quả", 15, "F", "“2026-03-01 00:00:00” is not a number. Write it like 1.234,5."),
    }
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)
    assert {e.column for e in result.errors} >= {"A (Mã thôn/TDP)", "C (Mã chỉ tiêu)", "F (Giá trị)"}
    assert str(result.errors[0]) == "Sheet Kết quả, row 3, column F (Giá trị): A percentage cannot be above 100."

    applied = apply(staff_a, ward_a, march, content)
    assert len(applied.errors) == len(result.errors) and applied.saved == 0
    nothing_saved()  # not even row 2, which was valid


def test_formulas_are_refused(cast, march, ward_a, hood_a, staff_a):
    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả"
    sheet.append(HEADERS)
    sheet.append(row(hood_a, "I.1", "=90+5"))
    sheet.append(row(hood_a, "II.2", 99, '=HYPERLINK("http://example.com")'))
    sheet.append(["=1+1", "", "II.4", "", "", 90, ""])
    sheet.append(row(hood_a, "I.3", "Có"))
    sheet["F5"] = ArrayFormula("F5", "=SUM(A1:A2)")
    out = io.BytesIO()
    book.save(out)
    result = check(staff_a, ward_a, march, out.getvalue())
    message = "Formulas are not accepted; type the value."
    assert errors_of(result) == {
        ("Kết quả", 2, "F", message),
        ("Kết quả", 3, "G", message),
        ("Kết quả", 4, "A", message),
        ("Kết quả", 5, "F", message),
    }
    assert not apply(staff_a, ward_a, march, out.getvalue()).ok
    nothing_saved()


def test_a_unit_of_another_ward_is_an_error_never_a_write(cast, march, ward_a, ward_b, hood_a, hood_b, staff_a):
    """A forged row naming ward B's neighbourhood in ward A's file."""
    content = workbook([row(hood_a, "I.1", 95), row(hood_b, "I.1", 10)])
    result = apply(staff_a, ward_a, march, content)
    assert errors_of(result) == {
        ("Kết quả", 3, "A", f"Neighbourhood code {hood_b.pk} is unknown or not a neighbourhood of this ward.")
    }
    nothing_saved()
    assert hood_b.name not in str(result.errors)  # nothing about the other ward is told


def test_a_former_unit_of_the_ward_is_an_error(cast, march, ward_a, hood_a, hood_a2, staff_a):
    hood_a2.valid_to = date(2026, 1, 1)
    hood_a2.save()
    result = check(staff_a, ward_a, march, workbook([row(hood_a2, "I.1", 95)]))
    assert [e.column for e in result.errors] == ["A (Mã thôn/TDP)"]


def test_the_user_must_be_able_to_change_the_ward(cast, march, ward_a, leader_a, city_leader, staff_b):
    content = workbook([])
    for user in (leader_a, city_leader, staff_b):
        with pytest.raises(PermissionDenied):
            check(user, ward_a, march, content)
        with pytest.raises(PermissionDenied):
            apply(user, ward_a, march, content)


# --- the file itself ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("ket-qua.xlsx", b"not a workbook at all"),
        ("ket-qua.xlsx", b"PK\x03\x04 broken zip"),
        ("ket-qua.xls", b"\xd0\xcf\x11\xe0 an old binary workbook"),
        ("ket-qua.csv", "Mã thôn/TDP,Mã chỉ tiêu,Giá trị\n1,I.1,95\n".encode()),
    ],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(cast, march, ward_a, staff_a, filename, content):
    result = check(staff_a, ward_a, march, content, filename=filename)
    assert len(result.errors) == 1 and result.errors[0].row is None
    assert "Excel" in result.errors[0].message
    nothing_saved()


def test_a_zip_that_is_not_a_workbook_and_a_damaged_sheet_are_refused(cast, march, ward_a, hood_a, staff_a):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert "Excel" in check(staff_a, ward_a, march, out.getvalue()).errors[0].message

    good = workbook([row(hood_a, "I.1", 95)])
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    result = check(staff_a, ward_a, march, damaged.getvalue())
    assert [e.message for e in result.errors] == ["The file is not a valid Excel (.xlsx) workbook."]


def test_wrong_or_missing_headers_are_errors(cast, march, ward_a, hood_a, staff_a):
    wards_file = workbook(
        [["14797", "Tổ dân phố 9", "tổ dân phố", 10, 30]],
        header=["Mã phường/xã", "Tên", "Loại", "Số hộ", "Số nhân khẩu"],
    )
    result = check(staff_a, ward_a, march, wards_file)
    assert {(e.row, e.column, e.message) for e in result.errors} == {
        (1, "Mã thôn/TDP", "Missing column “Mã thôn/TDP”."),
        (1, "Mã chỉ tiêu", "Missing column “Mã chỉ tiêu”."),
        (1, "Giá trị", "Missing column “Giá trị”."),
    }
    # Columns in another order, with other spacing and case, are found; "Ghi chú" may be left out.
    moved = workbook([["I.1", 95, hood_a.pk]], header=["mã chỉ tiêu", "GIÁ TRỊ", "Mã thôn / TDP"])
    assert check(staff_a, ward_a, march, moved).ok
    assert [e.message for e in check(staff_a, ward_a, march, workbook([])).errors] == [
        "The file has no rows under the header."
    ]
    assert [e.message for e in check(staff_a, ward_a, march, workbook([], header=None)).errors] == [
        "The file is empty."
    ]


def test_rows_over_the_limit_are_refused(cast, march, ward_a, hood_a, staff_a, monkeypatch):
    monkeypatch.setattr(excel.reading, "MAX_ROWS", 3)
    three = workbook([row(hood_a, c, 95) for c in ("I.1", "II.2", "II.4")])
    assert check(staff_a, ward_a, march, three).ok
    four = workbook([row(hood_a, c, 95) for c in ("I.1", "II.2", "II.4")] + [row(hood_a, "I.3", "Có")])
    assert [e.message for e in check(staff_a, ward_a, march, four).errors] == ["The file has more than 3 rows."]
    # Rows that hold only formatting are not rows of data.
    book = load_workbook(io.BytesIO(three))
    for number in range(5, 40):
        book.active.cell(number, 7).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    assert check(staff_a, ward_a, march, out.getvalue()).ok
    nothing_saved()


def _big_workbook(rows: int) -> bytes:
    """A real .xlsx of `rows` data rows, written directly (openpyxl would take longer than the check)."""
    base = io.BytesIO(workbook([]))
    cells = "".join(
        f'<row r="{n}"><c r="A{n}"><v>1</v></c><c r="C{n}" t="inlineStr"><is><t>I.1</t></is></c>'
        f'<c r="F{n}"><v>95</v></c></row>'
        for n in range(2, rows + 2)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace("</sheetData>", cells + "</sheetData>")
                data = text.encode()
            target.writestr(item.filename, data)
    return out.getvalue()


def test_a_file_of_more_than_10_000_rows_is_refused_quickly(cast, march, ward_a, staff_a):
    """Refused by counting rows in the sheet's XML: no row is ever read into cells (what makes it quick;
    speed itself is measured by `make bench`, not by a timed test)."""
    from unittest import mock

    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    content = _big_workbook(10_001)
    with mock.patch.object(ReadOnlyWorksheet, "iter_rows", side_effect=AssertionError("rows were read")):
        result = check(staff_a, ward_a, march, content)
    assert [e.message for e in result.errors] == ["The file has more than 10.000 rows."]
    nothing_saved()


# --- what can no longer be changed -------------------------------------------------------


def test_submitted_results_cannot_be_changed_but_an_unchanged_file_is_fine(
    cast, march, ward_a, hood_a, hood_a2, staff_a
):
    apply(staff_a, ward_a, march, workbook([row(hood_a, "I.1", 95), row(hood_a2, "I.1", 95)]))
    services.submission_submit(submission=services.submission_for(hood_a, march), user=staff_a)
    template = template_build(ward=ward_a, period=march)
    assert check(staff_a, ward_a, march, template).ok  # the snapshot changes nothing

    history = HistoryEntry.objects.count()
    changed = fill(template, {(hood_a.pk, "I.1"): 80, (hood_a.pk, "II.2"): 99, (hood_a2.pk, "I.1"): 91})
    result = apply(staff_a, ward_a, march, changed)
    first_row = next(
        r for r, cells in enumerate(sheet_rows(changed), start=1) if cells[0] == hood_a.pk and cells[2] == "I.1"
    )
    assert errors_of(result) == {
        ("Kết quả", first_row, "F", f"The results of {hood_a.name} are “Submitted” and can no longer be changed.")
    }
    assert values_of(hood_a2, march)["I.1"][0] == 95  # the valid unit was not saved either
    assert HistoryEntry.objects.count() == history


def test_a_locked_period_cannot_be_changed(cast, march, ward_a, hood_a, staff_a):
    march.is_locked = True
    march.save()
    assert check(staff_a, ward_a, march, template_build(ward=ward_a, period=march)).ok
    result = apply(staff_a, ward_a, march, workbook([row(hood_a, "I.1", 95)]))
    assert errors_of(result) == {("Kết quả", None, "", "This period is locked.")}
    nothing_saved()


def test_a_failure_while_saving_rolls_back_every_unit(cast, march, ward_a, hood_a, hood_a2, staff_a, monkeypatch):
    real, calls = services.results_save, []

    def failing(**kwargs):
        calls.append(kwargs["submission"].neighbourhood_id)
        if len(calls) == 2:
            raise ValidationError("This period is locked.")
        return real(**kwargs)

    monkeypatch.setattr(services, "results_save", failing)
    result = apply(staff_a, ward_a, march, workbook([row(hood_a, "I.1", 95), row(hood_a2, "I.1", 90)]))
    assert len(calls) == 2 and not result.ok and result.saved == 0
    assert result.errors[0].message.startswith("This period is locked.")
    nothing_saved()


def test_a_file_made_for_another_period_is_flagged(cast, ward_a, hood_a, staff_a):
    content = fill(template_build(ward=ward_a, period=month(3)), {(hood_a.pk, "I.1"): 95})
    result = check(staff_a, ward_a, month(4), content)
    assert result.ok and result.warnings == [
        "This file was downloaded for Month 03/2026; its values will be saved for Month 04/2026."
    ]


# --- the views --------------------------------------------------------------------------------


def _urls(code, period):
    return (
        reverse("campaigns:excel-template", args=[code, period.pk]),
        reverse("campaigns:excel-upload", args=[code, period.pk]),
    )


def _upload(content, name="ket-qua.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_the_template_downloads_as_an_attachment(client, cast, march, ward_a, staff_a):
    client.force_login(staff_a)
    template_url, _upload_url = _urls(ward_a.code, march)
    assert template_url == f"/results/ward/14797/{march.pk}/excel/"
    response = client.get(template_url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua-14797-2026-03.xlsx"'
    assert sheet_rows(response.content)[0] == HEADERS
    assert client.post(template_url).status_code == 405
    quarter = Period.objects.get(kind=Period.Kind.QUARTER, year=2026, number=1)
    assert 'filename="ket-qua-14797-2026-q1.xlsx"' in client.get(_urls(ward_a.code, quarter)[0])["Content-Disposition"]


def test_upload_preview_then_confirm(client, cast, march, ward_a, hood_a, staff_a):
    client.force_login(staff_a)
    _template_url, upload_url = _urls(ward_a.code, march)
    page = client.get(upload_url)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()

    content = fill(client.get(_template_url).content, {(hood_a.pk, "I.1"): "95,5", (hood_a.pk, "I.3"): "Có"})
    preview = client.post(upload_url, {"file": _upload(content)})
    html = preview.content.decode()
    assert preview.status_code == 200 and "excel-preview" in html
    assert "I.1" in html and "95,5" in html and "→" in html
    token, digest = preview.context["token"], preview.context["result"].digest
    assert token and 'name="token"' in html
    assert not Result.objects.exists()  # the preview saves nothing

    saved = client.post(upload_url, {"token": token, "digest": digest})
    assert saved.status_code == 302 and saved["Location"] == upload_url
    assert values_of(hood_a, march)["I.1"][0] == Decimal("95.5")
    history = HistoryEntry.objects.count()

    # The token is used up; the same file again shows nothing to change.
    assert client.post(upload_url, {"token": token, "digest": digest}).status_code == 200
    again = client.post(upload_url, {"file": _upload(content)})
    assert again.context["result"].ok and not again.context["result"].changes and again.context["token"] is None
    assert HistoryEntry.objects.count() == history


def test_confirm_shows_the_preview_again_when_the_results_moved_on(client, cast, march, ward_a, hood_a, staff_a, ind):
    client.force_login(staff_a)
    _t, upload_url = _urls(ward_a.code, march)
    preview = client.post(upload_url, {"file": _upload(workbook([row(hood_a, "I.1", 95)]))})
    token, digest = preview.context["token"], preview.context["result"].digest
    services.results_save(
        submission=services.submission_for(hood_a, march),
        user=staff_a,
        versions={},
        values={ind["I.1"].pk: {"value": Decimal(50), "text": "", "note": ""}},
    )
    again = client.post(upload_url, {"token": token, "digest": digest})
    assert again.status_code == 200 and again.context["token"] == token
    assert values_of(hood_a, march)["I.1"][0] == 50  # not saved until confirmed again
    new_digest = again.context["result"].digest
    assert client.post(upload_url, {"token": token, "digest": new_digest}).status_code == 302
    assert values_of(hood_a, march)["I.1"][0] == 95


def test_a_bad_upload_shows_the_error_table_and_saves_nothing(client, cast, march, ward_a, hood_a, hood_b, staff_a):
    client.force_login(staff_a)
    _t, upload_url = _urls(ward_a.code, march)
    content = workbook([row(hood_a, "I.1", 95), row(hood_b, "I.1", 95), row(hood_a, "II.2", "abc")])
    response = client.post(upload_url, {"file": _upload(content)})
    html = response.content.decode()
    assert response.status_code == 200 and "excel-errors" in html and 'name="token"' not in html
    assert len(response.context["result"].errors) == 2
    for text in ("Kết quả", "A (Mã thôn/TDP)", "F (Giá trị)", "abc"):
        assert text in html
    nothing_saved()
    assert client.post(upload_url, {"file": _upload(b"x", "ket-qua.csv")}).context["form"].errors
    assert client.post(upload_url, {"token": "forged", "digest": "x"}).status_code == 200
    nothing_saved()


def test_who_may_use_the_excel_pages(client, cast, march, ward_a, hood_a, staff_b, leader_a, city_leader, admin_user):
    template_url, upload_url = _urls(ward_a.code, march)
    content = workbook([row(hood_a, "I.1", 95)])

    for url in (template_url, upload_url):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(upload_url, {"file": _upload(content)}).status_code == 302

    client.force_login(staff_b)  # ward A does not exist for ward B's staff
    assert client.get(template_url).status_code == 404
    assert client.get(upload_url).status_code == 404
    assert client.post(upload_url, {"file": _upload(content)}).status_code == 404

    for user in (leader_a, city_leader):  # they see ward A but do not enter its results
        client.force_login(user)
        assert client.get(template_url).status_code == 403
        assert client.get(upload_url).status_code == 403
        assert client.post(upload_url, {"file": _upload(content)}).status_code == 403
    nothing_saved()

    client.force_login(admin_user)
    assert client.get(template_url).status_code == 200
    assert client.get(reverse("campaigns:excel-upload", args=[ward_a.code, 999999])).status_code == 404


def test_rows_beyond_a_wrong_sheet_dimension_are_still_read(cast, march, ward_a, hood_a, staff_a):
    """openpyxl's read-only mode stops at the <dimension> a file claims; some tools write a wrong one."""
    content = workbook([row(hood_a, "I.1", 95), row(hood_a, "II.2", "abc")])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:G3"', b'<dimension ref="A1:G1"')
                assert b'ref="A1:G1"' in data
            target.writestr(item, data)
    result = check(staff_a, ward_a, march, out.getvalue())
    assert [(e.row, e.message) for e in result.errors] == [(3, "“abc” is not a number. Write it like 1.234,5.")]


def test_confirm_when_someone_saved_the_same_values_meanwhile(client, cast, march, ward_a, hood_a, staff_a, ind):
    client.force_login(staff_a)
    _t, upload_url = _urls(ward_a.code, march)
    preview = client.post(upload_url, {"file": _upload(workbook([row(hood_a, "I.1", 95)]))})
    token, digest = preview.context["token"], preview.context["result"].digest
    services.results_save(
        submission=services.submission_for(hood_a, march),
        user=staff_a,
        versions={},
        values={ind["I.1"].pk: {"value": Decimal(95), "text": "", "note": ""}},
    )
    history = HistoryEntry.objects.count()
    response = client.post(upload_url, {"token": token, "digest": digest})
    assert response.status_code == 200 and response.context["token"] is None
    assert HistoryEntry.objects.count() == history
    assert excel_pending(client) == []
    assert not ExcelPreview.objects.exists()


def excel_pending(client) -> list[str]:
    """The tokens of the previews the session holds."""
    from campaigns.results.views.excel import SESSION_KEY

    return client.session.get(SESSION_KEY, [])


def test_a_zip_bomb_is_refused_before_it_is_opened(cast, march, ward_a, staff_a, settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 1024
    result = check(staff_a, ward_a, march, workbook([]))
    assert [e.message for e in result.errors] == ["The file unpacks to more than 1 KB."]


# --- previews kept on the server --------------------------------------------------------------------


def _session_size(client) -> int:
    """The size of the session as its backend stores it."""
    store = client.session
    return len(store.encode(store.load()))


def _messages_of(response) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_session_holds_only_a_short_token_after_a_preview(
    client, cast, march, ward_a, hood_a, hood_a2, staff_a, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)
    template_url, upload_url = _urls(ward_a.code, march)
    filled = {(hood.pk, code): 95 for hood in (hood_a, hood_a2) for code in ("I.1", "II.2", "II.4")}
    content = fill(
        client.get(template_url).content, filled, notes={key: "Theo báo cáo tháng 3 " * 20 for key in filled}
    )
    assert len(content) > 5000
    before = _session_size(client)

    preview = client.post(upload_url, {"file": _upload(content)})
    token = preview.context["token"]
    assert excel_pending(client) == [token]
    assert _session_size(client) - before < 100 and _session_size(client) < 1024
    kept = ExcelPreview.objects.get()
    assert (kept.token, kept.user, kept.ward, kept.period, kept.filename) == (
        token,
        staff_a,
        ward_a,
        march,
        "ket-qua.xlsx",
    )
    with kept.file.open("rb") as f:
        assert f.read() == content
    assert kept.base == preview.context["result"].base and len(kept.base) == 2 * len(ENTERED)

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(upload_url, {"token": token, "digest": preview.context["result"].digest})
    assert confirmed.status_code == 302
    assert excel_pending(client) == [] and not ExcelPreview.objects.exists()
    assert not kept.file.storage.exists(kept.file.name)


def test_a_new_upload_replaces_the_preview_of_the_same_ward_and_period(client, cast, march, ward_a, hood_a, staff_a):
    client.force_login(staff_a)
    _t, upload_url = _urls(ward_a.code, march)
    first = client.post(upload_url, {"file": _upload(workbook([row(hood_a, "I.1", 95)]))}).context["token"]
    second = client.post(upload_url, {"file": _upload(workbook([row(hood_a, "I.1", 96)]))}).context["token"]
    assert list(ExcelPreview.objects.values_list("token", flat=True)) == [second]
    assert client.post(upload_url, {"token": first, "digest": "x"}).status_code == 200
    assert not Result.objects.exists()
    for number in (4, 5, 6):  # other months: at most three previews per person
        client.post(_urls(ward_a.code, month(number))[1], {"file": _upload(workbook([row(hood_a, "I.1", 95)]))})
    assert ExcelPreview.objects.count() == 3 and len(excel_pending(client)) == 3
    assert not ExcelPreview.objects.filter(token=second).exists()


def test_a_preview_is_confirmed_only_by_its_own_session_and_user(client, cast, march, ward_a, hood_a, staff_a):
    from tests.factories import MembershipFactory, UserFactory
    from wards.models import Membership

    colleague = UserFactory(username="canbo3", first_name="Lan")
    MembershipFactory(user=colleague, role=Membership.Role.WARD_STAFF, ward=ward_a)
    client.force_login(staff_a)
    _t, upload_url = _urls(ward_a.code, march)
    preview = client.post(upload_url, {"file": _upload(workbook([row(hood_a, "I.1", 95)]))})
    token, digest = preview.context["token"], preview.context["result"].digest

    client.force_login(colleague)  # a new session, without the token
    assert client.post(upload_url, {"token": token, "digest": digest}).status_code == 200
    session = client.session
    session["campaigns_excel_previews"] = [token]  # a token learnt somehow: still not their preview
    session.save()
    assert client.post(upload_url, {"token": token, "digest": digest}).status_code == 200
    assert not Result.objects.exists() and ExcelPreview.objects.filter(token=token).exists()


def test_an_expired_preview_is_refused_at_confirmation_in_vietnamese(
    client, cast, march, ward_a, hood_a, staff_a, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(staff_a)
    _t, upload_url = _urls(ward_a.code, march)
    preview = client.post(upload_url, {"file": _upload(workbook([row(hood_a, "I.1", 95)]))})
    token, digest = preview.context["token"], preview.context["result"].digest
    kept = ExcelPreview.objects.get()
    assert kept.expires_at - kept.created_at == excel.PREVIEW_LIFETIME
    ExcelPreview.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url, {"token": token, "digest": digest})
    assert response.status_code == 200 and response.context["token"] is None
    assert _messages_of(response) == ["Bản xem trước này đã hết hạn; chưa lưu dữ liệu nào. Hãy tải tệp lên lại."]
    assert not Result.objects.exists() and not Submission.objects.exists()
    assert not ExcelPreview.objects.exists() and not kept.file.storage.exists(kept.file.name)
    assert excel_pending(client) == []


def test_a_preview_expires_after_its_lifetime(cast, march, ward_a, hood_a, staff_a):
    import time_machine

    content = workbook([row(hood_a, "I.1", 95)])
    with time_machine.travel(date(2026, 3, 20), tick=False) as clock:
        result = check(staff_a, ward_a, march, content)
        preview = excel.preview_keep(
            user=staff_a, ward=ward_a, period=march, filename="a.xlsx", content=content, result=result
        )
        clock.shift(excel.PREVIEW_LIFETIME)
        with pytest.raises(excel.PreviewUnavailable, match="This preview has expired"):
            excel.preview_confirm(user=staff_a, preview=preview, digest=result.digest)
    assert not Result.objects.exists() and not ExcelPreview.objects.exists()


def test_the_cleanup_deletes_expired_previews_and_their_files(
    cast, march, ward_a, hood_a, staff_a, ward_b, staff_b, django_capture_on_commit_callbacks
):
    import time_machine
    from django.core.management import call_command

    from campaigns.results.tasks import delete_expired_excel_previews

    def keep(user, ward, content):
        result = check(user, ward, march, content)
        return excel.preview_keep(user=user, ward=ward, period=march, filename="f.xlsx", content=content, result=result)

    with time_machine.travel(date(2026, 3, 20), tick=False) as clock:
        old = keep(staff_a, ward_a, workbook([row(hood_a, "I.1", 95)]))
        clock.shift(excel.PREVIEW_LIFETIME / 2)
        young = keep(staff_b, ward_b, workbook([row(NeighbourhoodFactory(ward=ward_b), "I.1", 95)]))
        clock.shift(excel.PREVIEW_LIFETIME / 2)
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("delete_expired_excel_previews", stdout=out)
        assert out.getvalue().strip() == "1 expired Excel previews deleted."
        assert list(ExcelPreview.objects.all()) == [young]
        assert not old.file.storage.exists(old.file.name) and young.file.storage.exists(young.file.name)
        clock.shift(excel.PREVIEW_LIFETIME)
        with django_capture_on_commit_callbacks(execute=True):
            assert delete_expired_excel_previews.delay().get() == 1
    assert not ExcelPreview.objects.exists() and not young.file.storage.exists(young.file.name)


def test_the_cleanup_is_an_hourly_schedule_an_administrator_can_change(db):
    from importlib import import_module

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = import_module("campaigns.results.migrations.0003_excel_preview_cleanup")
    PeriodicTask.objects.filter(task=migration.TASK).delete()  # a transactional test may have flushed it already
    migration.create(apps, None)
    migration.create(apps, None)  # twice: nothing doubled
    task = PeriodicTask.objects.select_related("crontab").get(
        task="campaigns.results.tasks.delete_expired_excel_previews"
    )
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == ("17", "*", "Asia/Ho_Chi_Minh")


def test_previews_are_scoped_to_the_ward(cast, march, ward_a, hood_a, staff_a, staff_b, leader_a, city_leader):
    content = workbook([row(hood_a, "I.1", 95)])
    excel.preview_keep(
        user=staff_a,
        ward=ward_a,
        period=march,
        filename="a.xlsx",
        content=content,
        result=check(staff_a, ward_a, march, content),
    )
    assert ExcelPreview.objects.visible_to(staff_a).count() == 1
    assert ExcelPreview.objects.visible_to(leader_a).count() == 1
    assert ExcelPreview.objects.visible_to(city_leader).count() == 1
    assert ExcelPreview.objects.visible_to(staff_b).count() == 0
