"""Reading an uploaded .xlsx workbook into rows, as a stream that stops at the first cap; writing text into one.

Reading: every cap is a setting (UPLOAD_MAX_UNPACKED_BYTES, UPLOAD_MAX_ROWS, UPLOAD_MAX_COLUMNS,
UPLOAD_MAX_CELL_CHARS), each refusing the file with a message that names it (portal.workbook_limits):

1. the sum of the sizes the zip directory declares (portal.uploads), before anything is unpacked;
2. while unpacking, since a directory can lie, every part is read through a guard: what all parts yield
   together, what openpyxl reads of one part at once, and the rows, cells and strings in the bytes it reads;
3. the shared strings and then the sheet are scanned as a stream before openpyxl reads them: rows (every
   row, blank or only formatted: the <dimension> a sheet declares can lie), columns, characters of each
   cell, and the caller's own limit of non-blank rows (TooManyRows);
4. openpyxl reads the sheet in read-only mode, row by row, counting the rows again as they come, formulas
   kept as formulas so that callers can refuse them.

Writing: `text_cell_value` / `write_text` put user text into a cell as text, never as a formula, without the
characters XML cannot carry (portal.text) — every workbook the portal writes uses them.
"""

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

from django.core.exceptions import ValidationError

from portal.text import strip_illegal
from portal.uploads import XLSX, UploadRule, check_content
from portal.vietnamese import fold
from portal.workbook_limits import (
    NOT_VALID,
    GuardedZip,
    Limits,
    Overflow,
    SpreadsheetError,
    TooManyRows,
    scan_sheet,
    scan_strings,
)

__all__ = ["NOT_VALID", "Cell", "Row", "SpreadsheetError", "TooManyRows", "Workbook", "is_blank", "open_xlsx"]

_BATCH = 1000  # rows parsed at a time with openpyxl's warnings silenced


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

    def __init__(self, book, archive: GuardedZip, limits: Limits) -> None:
        self._book = book
        self._archive = archive
        self._limits = limits

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self._book.close()
        self._archive.close()

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

        Raises, before any row is read into cells, SpreadsheetError at the first cap of the sheet passed
        (rows, columns, characters of a cell) and TooManyRows for more than `max_rows` non-blank rows;
        SpreadsheetError for a sheet damaged beyond reading.
        """
        path = getattr(sheet, "_worksheet_path", None)
        if path:
            scan_sheet(self._archive, path, max_rows=max_rows)
        # Read every row the sheet holds, not only those its <dimension> claims: a wrong dimension
        # (some tools write one) would otherwise drop rows without a word.
        sheet.reset_dimensions()
        return _non_blank(sheet.iter_rows(max_col=max_col), max_rows, self._limits)


def open_xlsx(content: bytes, *, not_xlsx: str = NOT_VALID, max_unpacked_bytes: int | None = None) -> Workbook:
    """The workbook of an upload, or SpreadsheetError: `not_xlsx`, a cap passed (named) or NOT_VALID.

    Its shared strings are scanned against the caps before openpyxl reads them; each sheet is scanned when
    its rows are asked for (Workbook.rows).
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    limits = Limits.from_settings()
    if max_unpacked_bytes is not None:
        limits = Limits(max_unpacked_bytes, limits.rows, limits.columns, limits.cell_chars)
    rule = UploadRule(
        types=(XLSX,),
        wrong_type=not_xlsx,
        max_unpacked_bytes=limits.unpacked_bytes,
    )
    try:
        check_content("", content, rule)
    except ValidationError as exc:
        raise SpreadsheetError(exc.messages[0]) from None
    archive = GuardedZip(io.BytesIO(content), limits)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; they do not matter here.
            warnings.simplefilter("ignore")
            reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=False)
            reader.archive.close()
            reader.archive = archive  # every part is read through the guard
            reader.read_manifest()
            strings = reader.package.find(SHARED_STRINGS)
            if strings is not None:
                scan_strings(archive, strings.PartName[1:])
            reader.read()
    except Overflow as exc:
        archive.close()
        raise SpreadsheetError(exc.message) from None
    except SpreadsheetError:
        archive.close()
        raise
    except Exception:
        archive.close()
        raise SpreadsheetError(NOT_VALID) from None
    return Workbook(reader.wb, archive, limits)


# --- writing ---------------------------------------------------------------------------------------------


def text_cell_value(text: str) -> str:
    """User text as a cell may hold it: without the characters XML cannot carry (portal.text)."""
    return strip_illegal(text)


def write_text(cell, text: str) -> None:
    """Put user text into an openpyxl cell as text: "=1+1" stays the words "=1+1", never a formula."""
    cell.value = text_cell_value(text)
    cell.data_type = "s"  # openpyxl takes a value starting with "=" for a formula


# --- the guards ------------------------------------------------------------------------------------------


def _non_blank(rows: Iterator[tuple], max_rows: int, limits: Limits) -> Iterator[Row]:
    """Every row openpyxl yields is counted against the sheet's cap, blank ones too, as it comes."""
    kept = 0
    for number, cells in enumerate(_quietly(rows), start=1):
        if number > limits.rows:
            raise SpreadsheetError(limits.too_many_rows())
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
        except Overflow as exc:
            raise SpreadsheetError(exc.message) from None
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
