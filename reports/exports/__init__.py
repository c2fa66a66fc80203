"""The files of a report: an XLSX workbook and a PDF laid out as a state administrative document.

Both are pure functions of the snapshot dict built by reports.summaries (and stored on the
Report): no database access, so a stored snapshot can be rendered again at any time and gives
the same figures. A snapshot read back from the JSONField has string keys where the builder used
ints (the gap counts per criterion number); both are accepted.

xlsx (the workbook, one sheet per section), pdf (the signed-ready document per Nghị định
30/2020/NĐ-CP) and formatting (the wording both share: scope names, month labels, level names).
"""

from reports.exports.pdf import pdf_bytes, pdf_context
from reports.exports.xlsx import xlsx_bytes

__all__ = ["pdf_bytes", "pdf_context", "xlsx_bytes"]
