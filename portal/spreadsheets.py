"""Reading an uploaded .xlsx workbook into rows.

The file is checked first (portal.uploads): a workbook by its content, unpacking to no more than
MAX_UNPACKED_BYTES. It is then opened with openpyxl in read-only mode, formulas kept as formulas so that callers
can refuse them, and read lazily, non-blank rows only. A sheet with more rows than the caller allows is refused
by counting the rows in its XML before any of them is read into cells.
"""

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple
from xml.etree.ElementTree import iterparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.uploads import XLSX, UploadRule, check_content
from portal.vietnamese import fold

# What a workbook may unpack to (sum of the sizes its zip directory declares; zipfile enforces them).
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
NOT_VALID = _("The file is not a valid Excel (.xlsx) workbook.")

_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_BATCH = 1000  # rows parsed at a time with openpyxl's warnings silenced


class SpreadsheetError(ValueError):
    """The workbook cannot be read; str(error) is the message for the user."""


class TooManyRows(SpreadsheetError):
    """More non-blank rows than the caller allows; the caller words the message (its limit, its way)."""


@dataclass(frozen=True, slots=True)
class Cell:
    value: object  # a formula as its "=…" text
    is_formula: bool
    percent_format: bool  # shown as a percentage: "95%" typed in Excel is stored as 0.95


class Row(NamedTuple):
    """A non-blank row: its number as the spreadsheet shows it (1 = first row) and openpyxl's cells."""

    number: int
    cells: tuple

    def value(self, index: int) -> object:
        return _value(self.cells[index]) if index < len(self.cells) else None

    def values(self) -> list:
        return [_value(c) for c in self.cells]

    def cell(self, index: int) -> Cell:
        if index >= len(self.cells):
            return Cell(None, False, False)
        cell = self.cells[index]
        percent = "%" in (getattr(cell, "number_format", None) or "")
        return Cell(_value(cell), _is_formula(cell), percent)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Workbook:
    """An .xlsx upload opened for reading; use it in a `with` block, which closes it."""

    def __init__(self, content: bytes, book) -> None:
        self._content = content
        self._book = book

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self._book.close()

    @property
    def keywords(self) -> str:
        return self._book.properties.keywords or ""

    def sheet(self, title: str | None = None):
        """The worksheet of that title (accents and case aside), else the first; None when there is none."""
        sheets = self._book.worksheets
        named = next((s for s in sheets if title and fold(s.title) == fold(title)), None)
        return named or (sheets[0] if sheets else None)

    def rows(self, sheet, *, max_rows: int, max_col: int | None = None) -> Iterator[Row]:
        """The sheet's non-blank rows (of its first `max_col` columns), read lazily.

        Raises TooManyRows, before reading any row when the sheet's XML already holds too many, and
        SpreadsheetError for a sheet damaged beyond reading.
        """
        path = getattr(sheet, "_worksheet_path", None)
        if path:
            with zipfile.ZipFile(io.BytesIO(self._content)) as archive:
                if count_rows(archive, path, max_rows) > max_rows:
                    raise TooManyRows
        # Read every row the sheet holds, not only those its <dimension> claims: a wrong dimension
        # (some tools write one) would otherwise drop rows without a word.
        sheet.reset_dimensions()
        return _non_blank(sheet.iter_rows(max_col=max_col), max_rows)


def open_xlsx(content: bytes, *, not_xlsx: str = NOT_VALID, max_unpacked_bytes: int | None = None) -> Workbook:
    """The workbook of an upload, or SpreadsheetError with `not_xlsx`, "too large once unpacked" or NOT_VALID."""
    from openpyxl import load_workbook

    limit = MAX_UNPACKED_BYTES if max_unpacked_bytes is None else max_unpacked_bytes
    try:
        check_content("", content, UploadRule(types=(XLSX,), wrong_type=not_xlsx, max_unpacked_bytes=limit))
    except ValidationError as exc:
        raise SpreadsheetError(exc.messages[0]) from None
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; they do not matter here.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        raise SpreadsheetError(NOT_VALID) from None
    return Workbook(content, book)


def count_rows(archive: zipfile.ZipFile, path: str, limit: int) -> int:
    """How many rows of the sheet hold something, counting no further than `limit` + 1.

    First a byte count of <row> tags (quick: a file with no more row tags than the
    limit is within it); only when there are more does it parse the sheet, stopping
    as soon as the limit is passed, since rows may be present only for their formatting.
    """
    tail, tags = b"", 0
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            cut = max(0, len(data) - 64)  # a tag starting in the last bytes is counted with the next chunk
            tags += sum(1 for m in _ROW_TAG.finditer(data) if m.start() < cut)
            tail = data[cut:]
    tags += len(_ROW_TAG.findall(tail))
    if tags <= limit:
        return tags
    count = 0
    with archive.open(path) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            if element.tag == f"{_MAIN_NS}row":
                if any(
                    child.tag in (f"{_MAIN_NS}v", f"{_MAIN_NS}is", f"{_MAIN_NS}f") for cell in element for child in cell
                ):
                    count += 1
                    if count > limit:
                        break
                element.clear()
    return count


def _non_blank(rows: Iterator[tuple], max_rows: int) -> Iterator[Row]:
    kept = 0
    for number, cells in enumerate(_quietly(rows), start=1):
        if all(is_blank(c.value) for c in cells):  # a formula object is not blank
            continue
        kept += 1
        if kept > max_rows:
            raise TooManyRows
        yield Row(number, cells)


def _quietly(rows: Iterator[tuple]) -> Iterator[tuple]:
    """openpyxl's rows, parsed in batches with its warnings silenced (never while the caller runs).

    A damaged sheet fails while it is read, not when the workbook opens: that is a SpreadsheetError too.
    """
    while True:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                batch = list(islice(rows, _BATCH))
        except Exception:
            raise SpreadsheetError(NOT_VALID) from None
        if not batch:
            return
        yield from batch


def _value(cell) -> object:
    value = cell.value
    if value is None or isinstance(value, (str, int, float)):
        return value  # nearly every cell: no need to look further
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    # Array and data-table formulas come back as objects, not as "=..." text: refuse them alike.
    if isinstance(value, ArrayFormula):
        return "=" + (value.text or "").lstrip("=")
    if isinstance(value, DataTableFormula):
        return "=TABLE()"
    return value


def _is_formula(cell) -> bool:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    return getattr(cell, "data_type", None) == "f" or isinstance(cell.value, (ArrayFormula, DataTableFormula))
