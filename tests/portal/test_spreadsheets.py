"""The one .xlsx reader: non-blank rows, formulas kept to be refused, and its guards."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.formula import ArrayFormula

from portal import spreadsheets
from portal.spreadsheets import SpreadsheetError, TooManyRows, open_xlsx


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared with their English msgids."""
    with translation.override("en"):
        yield


def workbook(rows, *, title="Trang 1", extra_sheet=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet(extra_sheet).append(["khác"])
    book.properties.keywords = "kieumau:14797:3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(content: bytes, *, title=None, max_rows=100, max_col=None) -> list:
    with open_xlsx(content) as book:
        return [(row.number, row.values()) for row in book.rows(book.sheet(title), max_rows=max_rows, max_col=max_col)]


def test_rows_are_numbered_as_the_sheet_shows_them_and_blank_ones_skipped():
    content = workbook([["Mã", "Tên"], [None, None], ["14797", "Thôn Một"], ["  ", None], [12.5, 0]])
    assert read(content) == [(1, ["Mã", "Tên"]), (3, ["14797", "Thôn Một"]), (5, [12.5, 0])]


def test_a_sheet_is_found_by_its_title_whatever_its_accents_else_the_first():
    content = workbook([["trang đầu"]], extra_sheet="Kết quả")
    with open_xlsx(content) as book:
        assert book.sheet("KET QUA").title == "Kết quả"
        assert book.sheet("Không có").title == "Trang 1"
        assert book.keywords == "kieumau:14797:3"


def test_formulas_are_kept_as_formulas():
    book = Workbook()
    book.active.append(["=1+1", 5])
    book.active["C1"] = ArrayFormula("C1", "=SUM(B1:B1)")
    out = io.BytesIO()
    book.save(out)
    with open_xlsx(out.getvalue()) as opened:
        (row,) = opened.rows(opened.sheet(), max_rows=10)
    assert row.values() == ["=1+1", 5, "=SUM(B1:B1)"]
    assert [row.cell(i).is_formula for i in range(3)] == [True, False, True]
    assert row.cell(7) == spreadsheets.Cell(None, False, False)  # past the end of the row


def test_a_percent_format_is_told():
    book = Workbook()
    book.active.append([0.95, 95])
    book.active["A1"].number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    with open_xlsx(out.getvalue()) as opened:
        (row,) = opened.rows(opened.sheet(), max_rows=10)
    assert (row.cell(0).percent_format, row.cell(1).percent_format) == (True, False)


def test_too_many_rows_are_refused_but_formatting_only_rows_do_not_count():
    three = workbook([["a"], ["b"], ["c"]])
    assert len(read(three, max_rows=3)) == 3
    with pytest.raises(TooManyRows):
        read(workbook([["a"], ["b"], ["c"], ["d"]]), max_rows=3)
    book = Workbook()
    for value in ("a", "b", "c"):
        book.active.append([value])
    for number in range(4, 40):
        book.active.cell(number, 2).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    assert len(read(out.getvalue(), max_rows=3)) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook", "The file is not a valid Excel (.xlsx) workbook."),
        (b"PK\x03\x04 broken zip", "The file is not a valid Excel (.xlsx) workbook."),
    ],
)
def test_what_is_not_a_workbook_is_refused(content, message):
    with pytest.raises(SpreadsheetError) as caught:
        open_xlsx(content)
    assert str(caught.value) == message
    with pytest.raises(SpreadsheetError, match="Not ours"):
        open_xlsx(content, not_xlsx="Not ours")


def test_a_zip_bomb_is_refused_before_it_is_opened(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 1024
    with pytest.raises(SpreadsheetError) as caught:
        open_xlsx(workbook([["a"]]))
    assert str(caught.value) == "The file unpacks to more than 1 KB."


def test_a_damaged_sheet_is_refused_when_it_is_read():
    good = workbook([[n, "x" * 50] for n in range(200)])
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(SpreadsheetError) as caught:
        read(damaged.getvalue(), max_rows=1000)
    assert str(caught.value) == "The file is not a valid Excel (.xlsx) workbook."
