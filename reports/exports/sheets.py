"""Writing one sheet of a report workbook: typed cells, widths, frozen header, text kept as text."""

from collections.abc import Iterable
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from portal.spreadsheets import text_cell_value, write_text

INT, PCT, POINTS, SIGNED, DATE, DATETIME, TEXT = "int", "pct", "points", "signed", "date", "datetime", "text"
# A share is written as a fraction (0.17) and shown "17.0 %" (Excel's % multiplies by 100; the space is
# printed as is), as the PDF writes it; a change of a share is in percentage points, shown "+2.5".
FORMATS = {
    INT: "#,##0",
    PCT: "0.0 %",
    POINTS: "+0.0;-0.0;0.0",
    SIGNED: "+#,##0;-#,##0;0",
    DATE: "dd/mm/yyyy",
    DATETIME: "dd/mm/yyyy hh:mm",
}
MIN_WIDTH, MAX_WIDTH = 6, 60
BOLD = Font(bold=True)
YES, NO = "Có", "Không"


def criterion_cell(number):
    """A criterion number is an identifier stored as text; plain digits become an int cell."""
    text = str(number)
    return int(text) if text.isdigit() else text


def ratio(part, whole) -> float | None:
    return part / whole if whole else None


def fraction(percent: float | None) -> float | None:
    """A share in percent (the snapshot's 17.04) as the fraction a percent-formatted cell holds (0.1704)."""
    return None if percent is None else percent / 100


def as_date(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def local_datetime(iso: str | None) -> datetime | None:
    """A local time as the snapshot writes it ("2026-11-05T09:00+07:00") without its offset: Excel has no time
    zones, and the time is already Việt Nam's."""
    return datetime.fromisoformat(iso).replace(tzinfo=None) if iso else None


def capped_note(shown: int, count: int) -> list:
    return ["", f"Danh sách chỉ liệt kê {shown:,} trên {count:,} đơn vị".replace(",", ".")]


def clean(value):
    """Text as a cell (or the workbook's properties) may hold it: without the characters XML cannot carry."""
    return text_cell_value(value) if isinstance(value, str) else value


# --- writing a sheet ---------------------------------------------------------------------------------------


def _shown_length(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == DATETIME or isinstance(value, datetime):
        return 16
    if kind == DATE or isinstance(value, date):
        return 10
    if kind == PCT and isinstance(value, int | float):
        return 6
    if isinstance(value, int | float):
        return len(f"{value:+,}" if kind == SIGNED else f"{value:,}")
    return max(len(line) for line in str(value).splitlines() or [""])


def write_sheet(
    wb: Workbook,
    title: str,
    columns: list[tuple[str, str]],
    rows: Iterable[list],
    total: list | None = None,
    notes: Iterable[list] = (),
) -> None:
    """One table: a bold frozen header, typed cells with number formats, then a bold total and notes.

    A value's kind comes from its column, unless the row gives a (value, kind) pair for that cell. Text is
    always a text cell: a unit's name starting with "=" is shown, never run as a formula.
    """
    ws = wb.create_sheet(title)
    widths = [len(header) for header, _kind in columns]
    ws.append([clean(header) for header, _kind in columns])
    for cell in ws[1]:
        cell.font = BOLD
        cell.alignment = Alignment(vertical="center")

    next_row = [2]  # counted here: asking openpyxl for the last row walks every cell of the sheet

    def put(values: list, bold: bool = False, measure: bool = True) -> None:
        row, next_row[0] = next_row[0], next_row[0] + 1
        for i, value in enumerate(values):
            kind = value[1] if isinstance(value, tuple) else (columns[i][1] if i < len(columns) else TEXT)
            raw = value[0] if isinstance(value, tuple) else value
            cell = ws.cell(row=row, column=i + 1)
            if isinstance(raw, str):
                write_text(cell, raw)  # text, never a formula: openpyxl takes "=…" for one
            else:
                cell.value = raw
                if kind in FORMATS and raw is not None:
                    cell.number_format = FORMATS[kind]
            if bold:
                cell.font = BOLD
            if measure and i < len(widths):
                widths[i] = max(widths[i], _shown_length(raw, kind))

    for row in rows:
        put(row)
    if total is not None:
        put(total, bold=True)
    notes = list(notes)
    if notes:
        next_row[0] += 1  # a blank line before the notes
        for row in notes:  # notes spill over empty cells to the right: they set no width
            put(row, measure=False)
    for i, width in enumerate(widths, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if width + 2 > MAX_WIDTH:  # long names wrap inside the capped column
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
