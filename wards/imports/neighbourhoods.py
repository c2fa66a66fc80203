"""Neighbourhoods from a CSV or XLSX file (ward code, name, kind, households, people), all or nothing."""

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wards.imports.columns import COLUMN_LABELS, column_map
from wards.imports.files import Rows, read_rows
from wards.imports.outcome import NeighbourhoodsImported, RowError
from wards.imports.rows import ParsedRow, check_row
from wards.imports.saving import save_rows
from wards.models import Ward, search_key


def import_neighbourhoods(
    *, user, filename: str, content: bytes, year: int, wards: QuerySet[Ward]
) -> NeighbourhoodsImported:
    """Check every row of a neighbourhood file, then save all of it or nothing.

    `wards` is what the importing user may change (Ward.objects.editable_by):
    a row naming any other ward is an error, never a write.
    """
    result = NeighbourhoodsImported()
    read = _read(filename, content, result)
    if read is None:
        return result
    rows, columns = read
    parsed = _check_rows(rows, columns, {w.code: w for w in wards}, result)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            save_rows(parsed, user=user, year=year, result=result)
            if result.errors:
                transaction.set_rollback(True)
    except IntegrityError:
        # Someone saved the same neighbourhood or profile while this file was being imported.
        result.errors.append(
            RowError(
                0,
                "",
                _(
                    "The neighbourhoods were changed while the file was imported; "
                    "nothing was saved. Import the file again."
                ),
            )
        )
    if result.errors:
        result.created = result.updated = result.unchanged = 0
    return result


def _read(filename: str, content: bytes, result: NeighbourhoodsImported) -> tuple[Rows, dict[str, int]] | None:
    """The rows under the header and where each column is; None after adding the file's errors."""
    try:
        rows = read_rows(filename, content)
    except ValueError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return None
    if not rows:
        result.errors.append(RowError(0, "", _("The file is empty.")))
        return None
    header_number, header = rows[0]
    columns, header_errors = column_map(header_number, header)
    if header_errors:
        result.errors.extend(header_errors)
        return None
    if len(rows) == 1:  # a header and nothing under it
        result.errors.append(RowError(0, "", _("The file is empty.")))
        return None
    return rows[1:], columns


def _check_rows(
    rows: Rows, columns: dict[str, int], allowed: dict[str, Ward], result: NeighbourhoodsImported
) -> list[ParsedRow]:
    """The valid rows; every error of every row, duplicates included, is added to the result."""
    labels = COLUMN_LABELS()
    parsed: list[ParsedRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        checked, errors = check_row(number, row, columns, allowed, labels)
        if checked is not None:
            key = (checked.ward.code, search_key(checked.name))
            if key in seen:
                errors.append(
                    RowError(number, labels["name"], _("Same neighbourhood as row %(row)s.") % {"row": seen[key]})
                )
            else:
                seen[key] = number
        result.errors.extend(errors)
        if not errors:
            parsed.append(checked)
    return parsed
