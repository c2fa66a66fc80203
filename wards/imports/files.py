"""A neighbourhood file read into numbered rows: CSV (UTF-8 or Windows-1258, "," or ";") or an .xlsx workbook."""

import csv
import io
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal import spreadsheets
from portal.uploads import UploadRule, check_content

MAX_ROWS = 10_000  # neighbourhoods in one file; the file's size and the sheet are capped by the UPLOAD_ settings


def upload_rule() -> UploadRule:
    """What the import page accepts; the file is then read by read_rows."""
    return UploadRule(
        extensions=(".csv", ".xlsx"),
        wrong_extension=_("Only .csv and .xlsx files can be imported."),
        max_bytes=settings.UPLOAD_MAX_SHEET_BYTES,
        too_large=_("The file is larger than %(max)s."),
    )


Rows = list[tuple[int, list]]


def read_rows(filename: str, content: bytes) -> Rows:
    """The non-blank rows with their row number in the file (1 = first row), as a spreadsheet shows it.

    Raises ValueError with the message for the user: a file of another kind, unreadable, over a cap of the
    UPLOAD_ settings, or with more rows than the header and MAX_ROWS (found without reading all of it).
    """
    try:
        check_content(filename, content, upload_rule())  # again: a command or a kept file skips the form
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
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
    limits = spreadsheets.Limits.from_settings()
    try:
        return _non_blank_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), limits)
    except csv.Error as exc:
        # The csv module's own cap on a field (131,072 characters) is far above ours: the same refusal.
        if "field larger than field limit" in str(exc):
            raise ValueError(limits.cell_too_long()) from None
        raise ValueError(_("The file is not a valid CSV file.")) from None


def _non_blank_rows(rows: Iterable, limits: spreadsheets.Limits) -> Rows:
    """Stops reading as soon as there are more rows than a file may have (the header and MAX_ROWS more),
    or at the first cap of the UPLOAD_ settings passed, so an oversized file is refused without reading
    all of it."""
    kept = []
    for number, row in enumerate(rows, start=1):
        row = list(row)
        if number > limits.rows:
            raise ValueError(limits.too_many_rows())
        if len(row) > limits.columns:
            raise ValueError(limits.too_many_columns())
        if any(len(c) > limits.cell_chars for c in row):
            raise ValueError(limits.cell_too_long())
        if any(not _blank(c) for c in row):
            kept.append((number, row))
            if len(kept) > MAX_ROWS + 1:
                raise ValueError(too_many_rows())
    return kept


def _blank(cell) -> bool:
    return cell is None or not str(cell).strip()
