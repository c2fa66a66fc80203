"""Contributions in bulk through an Excel workbook, all or nothing, as the portal's other imports.

Staff download a template for their ward (Vietnamese headers, an example row, lists of kinds, sources,
neighbourhoods and campaigns), fill it in and upload it. Every row is checked first and every error is
listed with its row and column; nothing is saved unless the whole file is valid. A valid file is shown as a
preview and kept (ContributionImport) until it is confirmed: confirming checks it again under the ward's lock
and saves every row in one transaction. A file already imported into the ward (the same bytes, or the same
rows saved again) is refused. The workbook is read through portal.spreadsheets, whose caps refuse huge or
hostile files; formulas are refused cell by cell.

The package: `layout` (the format), `template` (the file staff download), `checking` (reading and checking
a file) and `saving` (preview, confirmation).
"""

from campaigns.movement.contributions.excel.checking import ImportCheck, RowError, import_check
from campaigns.movement.contributions.excel.saving import (
    ImportUnavailable,
    import_confirm,
    import_keep,
    imports_delete_expired,
)
from campaigns.movement.contributions.excel.template import template_build

__all__ = [
    "ImportCheck",
    "RowError",
    "ImportUnavailable",
    "import_check",
    "import_confirm",
    "import_keep",
    "imports_delete_expired",
    "template_build",
]
