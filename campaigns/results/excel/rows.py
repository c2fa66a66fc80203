"""Checking one row of an upload: its unit, its indicator, its value and note against what is saved.

Every error of the row is added to the result, so that one upload lists them all.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import NUMERIC_KINDS, IndicatorKind
from campaigns.criteria.models import Indicator
from campaigns.results.excel import cells as read
from campaigns.results.excel.layout import MAX_TEXT
from campaigns.results.excel.outcome import UploadResult, UploadRow
from campaigns.results.excel.units import Unit
from portal.spreadsheets import Cell, is_blank
from wards.models import Neighbourhood


@dataclass
class RowContext:
    """What every row is checked against: the ward's units and the column labels for errors."""

    result: UploadResult
    units: dict[int, Unit]  # by neighbourhood id
    others: dict[int, Neighbourhood]  # units of the ward with no criteria set in the period

    @property
    def labels(self) -> dict[str, str]:
        return self.result.labels

    def error(self, number: int, key: str, message: str) -> None:
        self.result.error(number, self.labels[key], message)


def check_row(number: int, cells: dict[str, Cell], context: RowContext) -> UploadRow | None:
    """The row against what is saved, or None after adding its errors."""
    if _has_formulas(number, cells, context):
        return None
    unit = _unit(number, cells.get("unit"), context)
    indicator = _indicator(number, cells.get("code"), unit, context)
    # The value and the note are checked even when the unit or code is wrong, so every error is listed.
    saved = unit.results.get(indicator.pk) if unit and indicator else None
    old_value, old_text, old_note = (saved.value, saved.text, saved.note) if saved else (None, "", "")
    new = _value(number, cells.get("value"), indicator, old_value, old_text, context)
    note = _note(number, cells.get("note"), old_note, context)
    if unit is None or indicator is None or new is None or note is None:
        return None
    value, text = new
    return UploadRow(
        row=number,
        neighbourhood=unit.neighbourhood,
        indicator=indicator,
        submission=unit.submission,
        value=value,
        text=text,
        note=note,
        old_value=old_value,
        old_text=old_text,
        old_note=old_note,
        has_result=saved is not None,
        old_version=saved.version if saved is not None and unit.submission.pk else None,
    )


def _has_formulas(number: int, cells: dict[str, Cell], context: RowContext) -> bool:
    found = False
    for key, cell in cells.items():
        typed_formula = key in ("unit", "code") and isinstance(cell.value, str) and cell.value.lstrip().startswith("=")
        if cell.is_formula or typed_formula:
            context.error(number, key, _("Formulas are not accepted; type the value."))
            found = True
    return found


def _unit(number: int, cell: Cell | None, context: RowContext) -> Unit | None:
    raw_id = cell.value if cell else None
    if is_blank(raw_id):
        context.error(number, "unit", _("The neighbourhood code is missing."))
        return None
    hood_id = read.whole_id(raw_id)
    unit = context.units.get(hood_id) if hood_id is not None else None
    if unit is None and hood_id in context.others:
        context.error(
            number,
            "unit",
            _("No criteria set applies to %(unit)s in this period.") % {"unit": context.others[hood_id].name},
        )
    elif unit is None:
        context.error(
            number,
            "unit",
            _("Neighbourhood code %(code)s is unknown or not a neighbourhood of this ward.") % {"code": raw_id},
        )
    return unit


def _indicator(number: int, cell: Cell | None, unit: Unit | None, context: RowContext) -> Indicator | None:
    code = "" if cell is None or is_blank(cell.value) else read.code(cell.value)
    if not code:
        context.error(number, "code", _("The indicator code is missing."))
        return None
    if unit is None:
        return None
    indicator = next((i for i in unit.indicators if i.code.casefold() == code.casefold()), None)
    if indicator is None:
        context.error(
            number,
            "code",
            _("Indicator %(code)s is not in the criteria set of %(unit)s.")
            % {"code": code, "unit": unit.neighbourhood.name},
        )
    elif indicator.source:
        context.error(
            number,
            "code",
            _("Indicator %(code)s is computed from the yearly profile and cannot be entered.")
            % {"code": indicator.code},
        )
        return None
    return indicator


def _value(number: int, cell: Cell | None, indicator, old_value, old_text: str, context: RowContext):
    """(value, text) to save, the saved ones for an empty cell; None after adding the cell's error."""
    if cell is None or is_blank(cell.value) or indicator is None:
        return old_value, old_text  # nothing typed, or nothing to check a value against
    raw, kind = cell.value, indicator.kind
    try:
        if kind == IndicatorKind.TEXT:
            new_text = read.text(raw)
            if len(new_text) > MAX_TEXT:
                raise read.CellError(_("The text is longer than %(max)s characters.") % {"max": MAX_TEXT})
            return (old_value, old_text) if read.same_text(new_text, old_text) else (None, new_text)
        if isinstance(raw, str) and raw.lstrip().startswith("="):
            raise read.CellError(_("Formulas are not accepted; type the value."))
        if kind == IndicatorKind.BOOLEAN:
            return read.yes_no(cell), ""
        if kind in NUMERIC_KINDS:
            return read.number(cell, kind), ""
    except read.CellError as exc:
        context.error(number, "value", str(exc))
        return None
    return old_value, old_text


def _note(number: int, cell: Cell | None, old_note: str, context: RowContext) -> str | None:
    """The note to save, the saved one for an empty cell; None after adding the cell's error."""
    if cell is None or is_blank(cell.value):
        return old_note
    new_note = read.text(cell.value)
    if len(new_note) > MAX_TEXT:
        context.error(number, "note", _("The note is longer than %(max)s characters.") % {"max": MAX_TEXT})
        return None
    return old_note if read.same_text(new_note, old_note) else new_note
