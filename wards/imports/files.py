"""A neighbourhood file read into numbered rows: CSV (UTF-8 or Windows-1258, "," or ";") or an .xlsx workbook."""

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import spreadsheets
from portal.uploads import MB, UploadRule

MAX_ROWS = 20_000

# What the import page accepts; the file is then read by read_rows.
UPLOAD = UploadRule(
    extensions=(".csv", ".xlsx"),
    wrong_extension=gettext_lazy("Only .csv and .xlsx files can be imported."),
    max_bytes=10 * MB,
    too_large=gettext_lazy("The file is larger than 10 MB."),
)

Rows = list[tuple[int, list]]


def read_rows(filename: str, content: bytes) -> Rows:
    """The non-blank rows with their row number in the file (1 = first row), as a spreadsheet shows it.

    Raises ValueError with the message for the user: a file of another kind, unreadable, or with more
    rows than the header and MAX_ROWS (found without reading all of it).
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        return _read_csv(content)
    raise ValueError(_("Only .csv and .xlsx files can be imported."))


def too_many_rows() -> str:
    return _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}


def _read_xlsx(content: bytes) -> Rows:
    try:
        with spreadsheets.open_xlsx(content) as book:
            sheet = book.sheet()
            if sheet is None:
                raise spreadsheets.SpreadsheetError(spreadsheets.NOT_VALID)
            return [(row.number, row.values()) for row in book.rows(sheet, max_rows=MAX_ROWS + 1)]
    except spreadsheets.TooManyRows:
        raise ValueError(too_many_rows()) from None
    except spreadsheets.SpreadsheetError as exc:
        raise ValueError(str(exc)) from None


def _read_csv(content: bytes) -> Rows:
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


def _non_blank_rows(rows: Iterable) -> Rows:
    """Stops reading as soon as there are more rows than a file may have (the header and MAX_ROWS more),
    so an oversized file is refused without reading all of it."""
    kept = []
    for number, row in enumerate(rows, start=1):
        row = list(row)
        if any(not _blank(c) for c in row):
            kept.append((number, row))
            if len(kept) > MAX_ROWS + 1:
                raise ValueError(too_many_rows())
    return kept


def _blank(cell) -> bool:
    return cell is None or not str(cell).strip()
