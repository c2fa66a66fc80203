"""Reading an uploaded contributions workbook and checking every row against the ward, writing nothing.

Every error is kept with its row and column, so that one upload lists them all. A row is checked by the same
rules as the form (services.contribution_errors); its cells are read the Vietnamese way: dates dd/mm/yyyy,
amounts "1.234.000" or "1 234 000".
"""

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns.movement.contributions.excel import layout
from campaigns.movement.contributions.models import MAX_DIGITS, PLACES, ContributionImport, Kind, Source, places_of
from campaigns.movement.contributions.services import contribution_errors, ward_campaigns
from portal import spreadsheets
from portal.numbers import NumberError, parse_number
from portal.spreadsheets import Cell
from portal.uploads import UploadRule, check_content
from portal.vietnamese import fold
from wards.models import Neighbourhood, Ward

# A field of services.contribution_errors → the column it is read from.
COLUMN_OF = {"neighbourhood": "unit", "campaign": "campaign", "received_on": "received_on", "amount": "amount"}


class RowError(NamedTuple):
    row: int | None  # None: the file as a whole
    column: str  # "E (Số lượng)", or ""
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
class CheckedRow:
    row: int
    data: dict  # as services.contribution_save takes it

    @property
    def kind_label(self) -> str:
        return str(Kind(self.data["kind"]).label)

    @property
    def source_label(self) -> str:
        return str(Source(self.data["source"]).label)

    def key(self) -> tuple:
        d = self.data
        return (
            d["received_on"].isoformat(),
            d["neighbourhood"].pk if d["neighbourhood"] else 0,
            d["kind"],
            d["source"],
            format(d["amount"], "f"),
            d["description"],
            d["contributor"],
            d["campaign"].pk if d["campaign"] else 0,
            d["note"],
        )


@dataclass
class ImportCheck:
    errors: list[RowError] = field(default_factory=list)
    rows: list[CheckedRow] = field(default_factory=list)
    sha256: str = ""
    letters: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def digest(self) -> str:
        """The rows as read, in any order: the same rows saved again by Excel have the same digest."""
        keys = sorted(repr(r.key()) for r in self.rows)
        return hashlib.sha256("\n".join(keys).encode()).hexdigest()

    def error(self, row: int | None, key: str, message: str) -> None:
        column = f"{self.letters.get(key, '?')} ({layout.LABELS[key]})" if key else ""
        self.errors.append(RowError(row, column, str(message)))


def upload_rule() -> UploadRule:
    return UploadRule(
        extensions=(".xlsx",),
        wrong_extension=not_xlsx(),
        max_bytes=settings.UPLOAD_MAX_SHEET_BYTES,
        too_large=_("The file is larger than %(max)s."),
    )


def not_xlsx() -> str:
    return _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")


def import_check(*, ward: Ward, filename: str, content: bytes, today: date | None = None) -> ImportCheck:
    """Read and check a whole file for `ward`. Writes nothing; the caller checks the user may edit the ward."""
    check = ImportCheck(sha256=hashlib.sha256(content).hexdigest())
    try:
        check_content(filename, content, upload_rule())
    except ValidationError as exc:
        check.error(None, "", exc.messages[0])
        return check
    rows = _read(content, check)
    if rows is None:
        return check
    if not rows:
        check.error(None, "", _("The file has no rows under the header."))
        return check
    context = _Context(ward, today or timezone.localdate())
    for number, cells in rows:
        row = _check_row(number, cells, context, check)
        if row is not None:
            check.rows.append(row)
    if not check.errors:
        _refuse_imported(ward, check)
    return check


def _refuse_imported(ward: Ward, check: ImportCheck) -> None:
    done = ContributionImport.objects.filter(ward=ward, status=ContributionImport.Status.DONE)
    earlier = done.filter(sha256=check.sha256).first() or done.filter(digest=check.digest).first()
    if earlier is not None:
        check.error(
            None,
            "",
            _("This file was already imported on %(day)s (“%(name)s”, %(rows)s rows); nothing was saved.")
            % {
                "day": date_format(timezone.localtime(earlier.confirmed_at), "SHORT_DATE_FORMAT"),
                "name": earlier.filename,
                "rows": earlier.rows,
            },
        )


# --- the sheet ---------------------------------------------------------------------------------------------


def _read(content: bytes, check: ImportCheck) -> list[tuple[int, dict[str, Cell]]] | None:
    try:
        with spreadsheets.open_xlsx(content, not_xlsx=not_xlsx()) as book:
            sheet = book.sheet(layout.SHEET)
            if sheet is None:
                check.error(None, "", _("The file is empty."))
                return None
            rows = book.rows(sheet, max_rows=layout.MAX_ROWS + 1, max_col=layout.MAX_COL)
            header = next(rows, None)
            if header is None:
                check.error(None, "", _("The file is empty."))
                return None
            columns = _columns(header.number, header.values(), check)
            if columns is None:
                return None
            return [(row.number, {key: row.cell(i) for key, i in columns.items()}) for row in rows]
    except spreadsheets.TooManyRows:
        check.error(
            None, "", _("The file has more than %(max)s rows.") % {"max": f"{layout.MAX_ROWS:,}".replace(",", ".")}
        )
    except spreadsheets.SpreadsheetError as exc:
        check.error(None, "", str(exc))
    return None


def _columns(number: int, header: list, check: ImportCheck) -> dict[str, int] | None:
    from openpyxl.utils import get_column_letter

    keys = [layout.header_key(value) for value in header]
    found = {}
    for key, names in layout.HEADER_KEYS.items():
        index = next((i for i, h in enumerate(keys) if h in names), None)
        if index is not None:
            found[key] = index
    check.letters = {key: get_column_letter(i + 1) for key, i in found.items()}
    missing = [key for key in layout.REQUIRED if key not in found]
    for key in missing:
        check.errors.append(RowError(None, "", _("Missing column “%(name)s”.") % {"name": layout.LABELS[key]}))
    return None if missing else found


# --- the rows ----------------------------------------------------------------------------------------------


class CellError(Exception):
    """A cell that cannot be read; the message says why."""


class _Context:
    """What rows are checked against: the ward's neighbourhoods and campaigns by their folded names."""

    def __init__(self, ward: Ward, today: date) -> None:
        self.ward, self.today = ward, today
        self.hoods = {h.search_key: h for h in Neighbourhood.objects.current(today).filter(ward=ward)}
        self.campaigns: dict[str, list] = {}
        for campaign in ward_campaigns(ward):
            self.campaigns.setdefault(fold(campaign.name), []).append(campaign)


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(raw)).split())


def _check_row(number: int, cells: dict[str, Cell], context: _Context, check: ImportCheck) -> CheckedRow | None:
    """A row's values, or None after adding an error for each cell (and rule) that fails."""
    formulas = set()
    for key, cell in cells.items():
        typed = key in ("unit", "kind", "source", "campaign", "contributor") and _text(cell.value).startswith("=")
        if cell.is_formula or typed:
            check.error(number, key, _("Formulas are not accepted; type the value."))
            formulas.add(key)
    if fold(_text(cells["note"].value if "note" in cells else None)) == fold(layout.EXAMPLE_NOTE):
        check.error(number, "note", _("This is the template's example row: delete it before uploading."))
        return None
    data, failed_keys = {}, set(formulas)
    for key, reader in _READERS.items():
        if key in formulas:
            data[key] = None
            continue
        try:
            data[key] = reader(cells.get(key, Cell(None, False, False)), context, data)
        except CellError as exc:
            check.error(number, key, str(exc))
            data[key], failed_keys = None, failed_keys | {key}
    data = {
        "received_on": data["received_on"],
        "neighbourhood": data["unit"],
        "kind": data["kind"],
        "source": data["source"],
        "amount": data["amount"],
        "description": data["description"],
        "contributor": data["contributor"],
        "campaign": data["campaign"],
        "note": data["note"],
    }
    # The form's rules on what could be read, so that one upload lists every error of the row.
    rule_errors = contribution_errors(context.ward, data, context.today)
    for name, messages in rule_errors.items():
        if COLUMN_OF.get(name, name) not in failed_keys:
            for message in messages:
                check.error(number, COLUMN_OF.get(name, name), message)
    return None if rule_errors or failed_keys else CheckedRow(number, data)


def _date(cell: Cell, context: _Context, data: dict) -> date:
    raw = cell.value
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _text(raw)
    if not text:
        raise CellError(_("Enter the date the contribution was received."))
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date; write it as dd/mm/yyyy, e.g. 15/03/2026.") % {"value": text}
        ) from None


def _unit(cell: Cell, context: _Context, data: dict):
    text = _text(cell.value)
    if not text or fold(text) == context.ward.search_key:
        return None
    hood = context.hoods.get(fold(text))
    if hood is None:
        raise CellError(
            _("“%(value)s” is not a neighbourhood of %(ward)s.") % {"value": text, "ward": context.ward.name}
        )
    return hood


def _kind(cell: Cell, context: _Context, data: dict) -> str:
    text = _text(cell.value)
    kind = layout.kind_of(text) if text else None
    if kind is None:
        raise CellError(
            _("“%(value)s” is not a kind; write one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(layout.KIND_LABELS.values())}
        )
    return kind


def _source(cell: Cell, context: _Context, data: dict) -> str:
    text = _text(cell.value)
    source = layout.source_of(text) if text else None
    if source is None:
        raise CellError(
            _("“%(value)s” is not a source; write one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(layout.SOURCE_LABELS.values())}
        )
    return source


def _amount(cell: Cell, context: _Context, data: dict) -> Decimal:
    raw = cell.value
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)) or raw == "":
        raise _not_a_number(raw)
    try:
        value = parse_number(raw, max_digits=MAX_DIGITS - PLACES)
    except NumberError as exc:
        if exc.code == "digits":
            raise CellError(_("The number is too large.")) from None
        raise _not_a_number(raw) from None
    if value is None:
        raise _not_a_number(raw)
    if isinstance(raw, float):  # as Excel shows it: 2.3000000000000003 is 2,3
        value = value.quantize(Decimal(1).scaleb(-places_of(data.get("kind") or Kind.LAND)), ROUND_HALF_UP)
    return value


def _not_a_number(raw) -> CellError:
    if raw is None or raw == "":
        return CellError(_("Enter the amount."))
    return CellError(_("“%(value)s” is not a number. Write it like 1.234.000 or 2,5.") % {"value": raw})


def _campaign(cell: Cell, context: _Context, data: dict):
    text = _text(cell.value)
    if not text:
        return None
    found = context.campaigns.get(fold(text), [])
    if not found:
        raise CellError(_("“%(value)s” is not a campaign this ward takes part in.") % {"value": text})
    if len(found) > 1:
        raise CellError(_("Several campaigns have this name; record these contributions in the form."))
    return found[0]


def _plain(limit: int):
    def read(cell: Cell, context: _Context, data: dict) -> str:
        text = _text(cell.value) if limit < 1000 else unicodedata.normalize("NFC", str(cell.value or "")).strip()
        if len(text) > limit:
            raise CellError(_("At most %(max)s characters.") % {"max": limit})
        return text

    return read


_READERS = {
    "received_on": _date,
    "unit": _unit,
    "kind": _kind,
    "source": _source,
    "amount": _amount,
    "description": _plain(300),
    "contributor": _plain(200),
    "campaign": _campaign,
    "note": _plain(2000),
}
