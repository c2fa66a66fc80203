"""Reading an upload: the results sheet, its header row and the cells of the columns read back."""

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from campaigns.results.excel.layout import MAX_COL, MAX_ROWS, ORIGIN, READ, REQUIRED, SHEET
from campaigns.results.excel.outcome import UploadResult
from portal import spreadsheets
from portal.spreadsheets import Cell, Row
from portal.vietnamese import fold

Rows = list[tuple[int, dict[str, Cell]]]


def not_xlsx() -> str:
    return _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")


def read_upload(content: bytes, result: UploadResult) -> Rows | None:
    """The non-blank rows under the header of the results sheet: their number and the cells read.

    None after adding the file's error (not a workbook, too many rows, missing columns …).
    """
    try:
        with spreadsheets.open_xlsx(content, not_xlsx=not_xlsx()) as book:
            sheet = book.sheet(SHEET)
            if sheet is None:
                result.error(None, "", _("The file is empty."))
                return None
            result.sheet = sheet.title
            match = ORIGIN.match(book.keywords)
            if match:
                result.origin = (match["ward"], int(match["period"]))
                result.origin_programme = match["programme"] or None
            return _rows_under_header(book.rows(sheet, max_rows=MAX_ROWS + 1, max_col=MAX_COL), result)
    except spreadsheets.TooManyRows:
        result.error(None, "", _too_many())
    except spreadsheets.SpreadsheetError as exc:
        result.error(None, "", str(exc))
    return None


def _rows_under_header(rows: Iterator[Row], result: UploadResult) -> Rows | None:
    header = next(rows, None)  # the first non-blank row
    if header is None:
        result.error(None, "", _("The file is empty."))
        return None
    columns = _columns(header.number, header.values(), result)
    if columns is None:
        return None
    read = []
    for row in rows:
        cells = {key: row.cell(i) for key, i in columns.items()}
        if not all(spreadsheets.is_blank(c.value) for c in cells.values()):
            read.append((row.number, cells))
    return read


def _too_many() -> str:
    return _("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}".replace(",", ".")}


def _header_key(value) -> str:
    return re.sub(r"\s*/\s*", "/", fold(str(value))) if value is not None else ""


def _columns(number: int, header: list, result: UploadResult) -> dict[str, int] | None:
    """Where each column read back is, by its header; an error for each required one missing."""
    from openpyxl.utils import get_column_letter

    keys = [_header_key(value) for value in header]
    found = {}
    for key, (label, names) in READ.items():
        for i, h in enumerate(keys):
            if h in names:
                found[key] = i
                break
        else:
            if key in REQUIRED:
                result.error(number, label, _("Missing column “%(name)s”.") % {"name": label})
    if any(key not in found for key in REQUIRED):
        return None
    result.labels = {key: f"{get_column_letter(i + 1)} ({READ[key][0]})" for key, i in found.items()}
    return found
