"""A ward-level programme's report (reports.ward_summaries) as a PDF body and as a workbook: its wards'
reporting, each ward's result against its own criteria, and the criteria rows. The document's frame (header,
title naming the programme, signature) is reports.exports.pdf's; the workbook's first and last sheets are
reports.exports.xlsx's.
"""

from openpyxl import Workbook

from reports.exports.formatting import month_label
from reports.exports.pdf import (
    _annual_totals,
    _dmy,
    _example_note,
    _monthly_totals,
    _previous_year,
    _ward_sets,
)
from reports.exports.sheets import INT, PCT, POINTS, TEXT, fraction
from reports.exports.xlsx import _criteria_sheet, _scope_rows, _summary_sheet, _ward_sets_sheet

# --- the PDF's body -------------------------------------------------------------------------------------------


def _ward_programme_rows(rows: list[dict]) -> list[dict]:
    """Per ward following the programme: its report (the period, for the year), criteria met of all and those
    not met; a report that does not count shows its state instead."""
    return [
        {**row, "period": month_label(source.get("period")) if source.get("period") else ""}
        for row, source in zip(_ward_sets(rows), rows, strict=True)
    ]


def wards_context(snapshot: dict) -> dict:
    """The body of a ward-level programme's report: its wards' reporting, each ward's result, the criteria."""
    totals = snapshot["totals"]
    context = {
        "wards_report": True,
        "ward_rows": _ward_programme_rows(snapshot.get("wards") or []),
        "example_note": _example_note(snapshot),
    }
    if snapshot["kind"] == "monthly":
        period = snapshot["period"]
        context.update(
            as_of=_dmy(period.get("as_of")),
            previous_period=month_label(snapshot.get("previous_period")),
            compared_as_of=_dmy(snapshot.get("compared_as_of")),
            totals=_monthly_totals(snapshot),
        )
    else:
        context.update(totals=_annual_totals(totals), previous=_previous_year(totals, snapshot["previous_year"]))
    return context


# --- the workbook -----------------------------------------------------------------------------------------------


def _wards_summary_rows(snapshot: dict) -> list[list]:
    """The period, the wards following the programme, those that reported and those meeting every criterion."""
    period, totals = snapshot["period"], snapshot["totals"]
    if snapshot["kind"] == "monthly":
        return [
            ["Kỳ báo cáo", month_label(period["label"])],
            ["Số phường, xã thực hiện", (totals["units"], INT)],
            ["Đã báo cáo", (totals["reported"], INT)],
            ["Đúng hạn", (totals["on_time"], INT)],
            ["Chậm hạn", (totals["late"], INT)],
            ["Chưa báo cáo", (totals["not_reported"], INT)],
            ["Đã duyệt", (totals["approved"], INT)],
            ["Đạt đủ các tiêu chí", (totals["complete"], INT)],
        ]
    previous = snapshot["previous_year"]
    return [
        ["Năm", (period["year"], TEXT)],
        ["Số phường, xã thực hiện", (totals["units"], INT)],
        ["Đã báo cáo trong năm", (totals["reported"], INT)],
        ["Đạt đủ các tiêu chí", (totals["reached"], INT)],
        ["Tỷ lệ đạt", (fraction(totals.get("share")), PCT)],
        ["Đạt đủ các tiêu chí năm trước", (previous["reached"], INT)],
        ["Tỷ lệ đạt tăng/giảm (điểm %)", (previous.get("change_pp"), POINTS)],
    ]


def wards_workbook(wb: Workbook, snapshot: dict) -> None:
    _summary_sheet(wb, _scope_rows(snapshot) + _wards_summary_rows(snapshot))
    _ward_sets_sheet(wb, snapshot.get("wards") or [])
    _criteria_sheet(wb, snapshot, "tháng trước" if snapshot["kind"] == "monthly" else "năm trước")
