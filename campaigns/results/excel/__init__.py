"""Results of a ward's neighbourhoods in bulk, through an Excel workbook.

Staff download a template for one ward and period (one row per neighbourhood
and entered indicator, Vietnamese headers, current values filled in), fill it
in and upload it back. The upload is all-or-nothing: every row is checked
first, every error is reported with its sheet, row and column, and nothing is
written unless the whole file is valid. Uploading the same file again changes
nothing: only rows whose value or note differs from what is saved are written.

An empty "Giá trị" or "Ghi chú" cell keeps what is saved: the workbook cannot
erase a value (the entry form can), so a template downloaded before a colleague
entered a value does not wipe it out. The file is otherwise read as a snapshot
of "now": each change is saved against the current version of its result, so
edits made in the entry form between download and upload are overwritten by
the file where both changed the same value (this is shown in the preview).

The headers, the yes/no words and the instructions sheet are the file format
and are Vietnamese whatever the interface language; error messages follow the
interface language.

The package: `layout` (the format), `units` (what is saved), `template` (the file staff download),
`reading` (the sheet and its header), `cells` and `rows` (checking each row), `outcome` (what a check
finds), `upload` (checking and saving a whole file) and `previews` (files awaiting confirmation, and
confirming them one at a time per ward).
"""

from campaigns.results.excel.layout import HEADERS, SHEET
from campaigns.results.excel.outcome import UploadError, UploadResult, UploadRow
from campaigns.results.excel.previews import (
    PREVIEW_LIFETIME,
    PreviewUnavailable,
    preview_confirm,
    preview_keep,
    previews_delete_expired,
)
from campaigns.results.excel.template import template_build, threshold_text
from campaigns.results.excel.upload import upload_apply, upload_check, upload_rule

__all__ = [
    "HEADERS",
    "PREVIEW_LIFETIME",
    "SHEET",
    "PreviewUnavailable",
    "UploadError",
    "UploadResult",
    "UploadRow",
    "preview_confirm",
    "preview_keep",
    "previews_delete_expired",
    "template_build",
    "threshold_text",
    "upload_apply",
    "upload_check",
    "upload_rule",
]
