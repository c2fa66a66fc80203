"""Imports of units: the official list of a province, and neighbourhoods from a file.

A neighbourhood file is all-or-nothing: every row is checked first, every error
is reported with its row number, and nothing is written unless the whole file
is valid. Importing the same file twice changes nothing the second time.

The package: `units` (a province from `vietnam-provinces`); for neighbourhoods, `files` (reading a CSV or
XLSX file into rows), `columns` (finding the columns by their header), `rows` (checking a row),
`saving` (writing the rows) and `neighbourhoods` (the import from start to end).
"""

from wards.imports.columns import COLUMN_LABELS, COLUMNS
from wards.imports.files import upload_rule
from wards.imports.neighbourhoods import import_neighbourhoods
from wards.imports.outcome import NeighbourhoodsImported, RowError
from wards.imports.units import UnitsImported, import_province

__all__ = [
    "COLUMNS",
    "COLUMN_LABELS",
    "NeighbourhoodsImported",
    "RowError",
    "UnitsImported",
    "import_neighbourhoods",
    "import_province",
    "upload_rule",
]
