"""The report as a workbook: one sheet per section of the snapshot, Vietnamese headers, typed cells."""

import io
from collections.abc import Iterable
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from reports.exports.formatting import (
    LEVEL_NAMES,
    NO_DATA,
    SCALE_NAMES,
    gap_numbers,
    missing_by_number,
    month_label,
    report_title,
    scope_name,
)

INT, PCT, SIGNED, DATE, TEXT = "int", "pct", "signed", "date", "text"
FORMATS = {INT: "#,##0", PCT: "0.0%", SIGNED: "+#,##0;-#,##0;0", DATE: "dd/mm/yyyy"}
MIN_WIDTH, MAX_WIDTH = 6, 60
BOLD = Font(bold=True)


def _criterion_cell(number):
    """A criterion number is an identifier stored as text; plain digits become an int cell."""
    text = str(number)
    return int(text) if text.isdigit() else text


def _ratio(part, whole) -> float | None:
    return part / whole if whole else None


def _date(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _capped_note(shown: int, count: int) -> list:
    return ["", f"Danh sách chỉ liệt kê {shown:,} trên {count:,} đơn vị".replace(",", ".")]


# --- writing a sheet ---------------------------------------------------------------------------------------


def _shown_length(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == DATE or isinstance(value, date):
        return 10
    if kind == PCT and isinstance(value, int | float):
        return 6
    if isinstance(value, int | float):
        return len(f"{value:+,}" if kind == SIGNED else f"{value:,}")
    return max(len(line) for line in str(value).splitlines() or [""])


def _write_sheet(
    wb: Workbook,
    title: str,
    columns: list[tuple[str, str]],
    rows: Iterable[list],
    total: list | None = None,
    notes: Iterable[list] = (),
) -> None:
    """One table: a bold frozen header, typed cells with number formats, then a bold total and notes.

    A value's kind comes from its column, unless the row gives a (value, kind) pair for that cell.
    """
    ws = wb.create_sheet(title)
    widths = [len(header) for header, _kind in columns]
    ws.append([header for header, _kind in columns])
    for cell in ws[1]:
        cell.font = BOLD
        cell.alignment = Alignment(vertical="center")

    def put(values: list, bold: bool = False, measure: bool = True) -> None:
        ws.append([v[0] if isinstance(v, tuple) else v for v in values])
        for i, (cell, value) in enumerate(zip(ws[ws.max_row], values, strict=False)):
            kind = value[1] if isinstance(value, tuple) else (columns[i][1] if i < len(columns) else TEXT)
            raw = value[0] if isinstance(value, tuple) else value
            if kind in FORMATS and raw is not None and not isinstance(raw, str):
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
        ws.append([])
        for row in notes:  # notes spill over empty cells to the right: they set no width
            put(row, measure=False)
    for i, width in enumerate(widths, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if width + 2 > MAX_WIDTH:  # long names wrap inside the capped column
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


# --- sheets of both reports --------------------------------------------------------------------------------


def _summary_sheet(wb: Workbook, rows: list[list]) -> None:
    _write_sheet(wb, "Tổng hợp", [("Nội dung", TEXT), ("Giá trị", TEXT)], rows)


def _scope_rows(snapshot: dict) -> list[list]:
    """The summary's first lines: the scope, its code and the criteria set reported against."""
    scope = snapshot["scope"]
    criteria_set = snapshot.get("criteria_set")
    rows = [["Phạm vi", scope_name(scope)[:1].upper() + scope_name(scope)[1:]], ["Mã đơn vị", scope["code"]]]
    if criteria_set:
        rows += [
            ["Bộ tiêu chí", criteria_set["name"]],
            ["Văn bản ban hành", criteria_set["document"]],
            ["Phiên bản", (criteria_set["version"], INT)],
        ]
    else:
        rows.append(["Bộ tiêu chí", NO_DATA])
    return rows


def _criteria_sheet(wb: Workbook, snapshot: dict, previous_header: str) -> None:
    """Per criterion: units meeting it, units assessed, the share, the figure compared and the change."""
    rows = [
        [
            _criterion_cell(c["number"]),
            c["name"],
            (c["met"], INT),
            (c["assessed"], INT),
            (_ratio(c["met"], c["assessed"]), PCT),
            (c["previous"], INT),
            (c["change"], SIGNED),
        ]
        for c in snapshot.get("criteria") or []
    ]
    _write_sheet(
        wb,
        "Tiêu chí",
        [
            ("Số TT", TEXT),
            ("Tiêu chí", TEXT),
            ("Số đạt", INT),
            ("Số đánh giá", INT),
            ("Tỷ lệ đạt", PCT),
            (previous_header, INT),
            ("Tăng/giảm", SIGNED),
        ],
        rows,
    )


def _units_sheet(wb: Workbook, title: str, unit_list: dict) -> None:
    """A list of units with their ward, and the exact count when the names were capped."""
    units = unit_list.get("units") or []
    count = unit_list.get("count", len(units))
    notes = [["", "Tổng số đơn vị", (count, INT)]]
    if count > len(units):
        notes.append(_capped_note(len(units), count))
    _write_sheet(
        wb,
        title,
        [("STT", INT), ("Thôn/Tổ dân phố", TEXT), ("Phường/xã", TEXT)],
        [[i, u["name"], u["ward"]] for i, u in enumerate(units, start=1)],
        notes=notes,
    )


# --- sheets of the monthly report --------------------------------------------------------------------------


def _returned(snapshot: dict) -> int:
    """Reports returned for correction, over all wards (the snapshot's totals do not carry them)."""
    return sum(r["returned"] for r in snapshot.get("reporting") or [])


def _monthly_summary_rows(snapshot: dict) -> list[list]:
    """The month's dates, then units reported, approved, returned, meeting the standard, late, and the changes."""
    period, totals = snapshot["period"], snapshot["totals"]
    rows = [
        ["Kỳ báo cáo", f"Tháng {period['number']:02d}/{period['year']}"],
        ["Từ ngày", (_date(period["start"]), DATE)],
        ["Đến ngày", (_date(period["end"]), DATE)],
        ["Hạn nhập số liệu", (_date(period["deadline"]), DATE)],
        ["Kỳ so sánh", month_label(snapshot.get("previous_period")) or NO_DATA],
        ["Số thôn/TDP", (totals["units"], INT)],
        ["Đã báo cáo", (totals["reported"], INT)],
        ["Tỷ lệ đã báo cáo", (_ratio(totals["reported"], totals["units"]), PCT)],
        ["Đã duyệt", (totals["approved"], INT)],
        ["Trả lại", (_returned(snapshot), INT)],
        ["Đạt chuẩn", (totals["complete"], INT)],
        ["Tỷ lệ đạt chuẩn", (_ratio(totals["complete"], totals["units"]), PCT)],
        ["Chậm báo cáo", (totals["late"], INT)],
        ["Mới đạt chuẩn", (snapshot["newly_complete"]["count"], INT)],
        ["Không còn đạt chuẩn", (snapshot["slipped"]["count"], INT)],
    ]
    if snapshot.get("tasks") is not None:
        rows += [
            ["Nhiệm vụ hoàn thành trong kỳ", (snapshot["tasks"]["done"], INT)],
            ["Nhiệm vụ quá hạn", (snapshot["tasks"]["overdue"], INT)],
        ]
    return rows


def _reporting_sheet(wb: Workbook, snapshot: dict) -> None:
    """Per ward: units, reported, approved, returned, meeting the standard and late, then the totals."""
    totals = snapshot["totals"]
    _write_sheet(
        wb,
        "Báo cáo",
        [
            ("Mã", TEXT),
            ("Phường/xã", TEXT),
            ("Số thôn/TDP", INT),
            ("Đã báo cáo", INT),
            ("Đã duyệt", INT),
            ("Trả lại", INT),
            ("Đạt chuẩn", INT),
            ("Chậm báo cáo", INT),
        ],
        [
            [r["code"], r["name"], r["units"], r["reported"], r["approved"], r["returned"], r["complete"], r["late"]]
            for r in snapshot.get("reporting") or []
        ],
        total=[
            "",
            "Tổng cộng",
            totals["units"],
            totals["reported"],
            totals["approved"],
            _returned(snapshot),
            totals["complete"],
            totals["late"],
        ],
    )


def _late_units_sheet(wb: Workbook, late_units: list[str]) -> None:
    """The units of the ward that have not reported past the deadline."""
    _write_sheet(
        wb,
        "Chưa báo cáo",
        [("STT", INT), ("Thôn/Tổ dân phố", TEXT)],
        [[i, name] for i, name in enumerate(late_units, start=1)],
    )


def _gaps_sheet(wb: Workbook, snapshot: dict) -> None:
    """Per ward and criterion, the reported units not meeting it, with row and column totals."""
    numbers = gap_numbers(snapshot)
    rows, column_totals = [], [0] * len(numbers)
    for gap in snapshot.get("gaps") or []:
        missing = missing_by_number(gap)
        counts = [missing.get(n, 0) for n in numbers]
        column_totals = [a + b for a, b in zip(column_totals, counts, strict=True)]
        rows.append([gap["code"], gap["name"], *counts, sum(counts)])
    _write_sheet(
        wb,
        "Còn thiếu",
        [("Mã", TEXT), ("Phường/xã", TEXT), *((f"TC {n}", INT) for n in numbers), ("Tổng", INT)],
        rows,
        total=["", "Tổng cộng", *column_totals, sum(column_totals)],
        notes=[["", "Số thôn/TDP chưa đạt từng tiêu chí (TC: tiêu chí, theo số thứ tự của bộ tiêu chí)"]],
    )


def _tasks_sheet(wb: Workbook, tasks: dict) -> None:
    """Per ward: tasks done within the period and tasks overdue, then the totals."""
    rows = tasks.get("by_ward") or []
    _write_sheet(
        wb,
        "Nhiệm vụ",
        [("Mã", TEXT), ("Phường/xã", TEXT), ("Hoàn thành trong kỳ", INT), ("Quá hạn chưa hoàn thành", INT)],
        [[r["code"], r["name"], r["done"], r["overdue"]] for r in rows],
        total=["", "Tổng cộng", tasks["done"], tasks["overdue"]],
        notes=[["", "Nhiệm vụ của các phong trào thi đua giao cho phường/xã và thôn/tổ dân phố"]],
    )


def _monthly_workbook(wb: Workbook, snapshot: dict) -> None:
    _summary_sheet(wb, _scope_rows(snapshot) + _monthly_summary_rows(snapshot))
    _reporting_sheet(wb, snapshot)
    if snapshot.get("late_units"):
        _late_units_sheet(wb, snapshot["late_units"])
    _criteria_sheet(wb, snapshot, "Tháng trước")
    _units_sheet(wb, "Mới đạt chuẩn", snapshot["newly_complete"])
    _units_sheet(wb, "Không còn đạt", snapshot["slipped"])
    _gaps_sheet(wb, snapshot)
    if snapshot.get("tasks") is not None:
        _tasks_sheet(wb, snapshot["tasks"])


# --- sheets of the annual report ---------------------------------------------------------------------------


def _annual_summary_rows(snapshot: dict) -> list[list]:
    """The year's dates, its units, then reported and meeting the standard in its last month with data."""
    period, totals = snapshot["period"], snapshot["totals"]
    return [
        ["Năm", (period["year"], TEXT)],
        ["Từ ngày", (_date(period["start"]), DATE)],
        ["Đến ngày", (_date(period["end"]), DATE)],
        ["Số thôn/TDP", (totals["units"], INT)],
        ["Tháng có số liệu gần nhất", month_label(totals.get("month")) or NO_DATA],
        ["Đã báo cáo", (totals["reported"], INT)],
        ["Đạt chuẩn", (totals["complete"], INT)],
        ["Tỷ lệ đạt chuẩn", (_ratio(totals["complete"], totals["units"]), PCT)],
        ["Đạt chuẩn năm trước", (snapshot["previous_year"]["complete"], INT)],
    ]


def _trend_sheet(wb: Workbook, trend: list[dict]) -> None:
    """Month by month: units reported, meeting the standard, and the share of the reported."""
    _write_sheet(
        wb,
        "Theo tháng",
        [("Tháng", TEXT), ("Đã báo cáo", INT), ("Đạt chuẩn", INT), ("Tỷ lệ đạt/đã báo cáo", PCT)],
        [[month_label(t["month"]), t["reported"], t["complete"], _ratio(t["complete"], t["reported"])] for t in trend],
    )


def _ranking_sheet(wb: Workbook, ranking: list[dict]) -> None:
    """The wards by rank: units, units meeting the standard and their share."""
    _write_sheet(
        wb,
        "Xếp hạng",
        [
            ("Hạng", INT),
            ("Mã", TEXT),
            ("Phường/xã", TEXT),
            ("Số thôn/TDP", INT),
            ("Đạt chuẩn", INT),
            ("Tỷ lệ đạt chuẩn", PCT),
        ],
        [[r["rank"], r["code"], r["name"], r["units"], r["complete"], r["share"] / 100] for r in ranking],
    )


def _previous_year_sheet(wb: Workbook, snapshot: dict) -> None:
    """This year against the year before: the month compared, units reported and meeting the standard."""
    totals, previous = snapshot["totals"], snapshot["previous_year"]
    year, before = snapshot["period"]["year"], previous["year"]
    _write_sheet(
        wb,
        "So sánh năm trước",
        [("Nội dung", TEXT), (f"Năm {year}", INT), (f"Năm {before}", INT), ("Tăng/giảm", SIGNED)],
        [
            [
                "Tháng có số liệu",
                month_label(totals.get("month")) or NO_DATA,
                month_label(previous.get("month")) or NO_DATA,
                None,
            ],
            ["Đã báo cáo", totals["reported"], previous["reported"], totals["reported"] - previous["reported"]],
            ["Đạt chuẩn", totals["complete"], previous["complete"], totals["complete"] - previous["complete"]],
        ],
    )


def _recognitions_sheet(wb: Workbook, recognitions: dict) -> None:
    """The titles confirmed for the year: unit, ward, title and decision, with the exact count."""
    units = recognitions.get("units") or []
    count = recognitions.get("count", len(units))
    notes = [["", "Tổng số đơn vị được công nhận", (count, INT)]]
    if count > len(units):
        notes.append(_capped_note(len(units), count))
    _write_sheet(
        wb,
        "Danh hiệu",
        [("STT", INT), ("Đơn vị", TEXT), ("Phường/xã", TEXT), ("Danh hiệu", TEXT), ("Quyết định công nhận", TEXT)],
        [[i, u["name"], u["ward"], u["title"], u["decision"]] for i, u in enumerate(units, start=1)],
        notes=notes,
    )


def _party_cells_sheet(wb: Workbook, party_cells: dict) -> None:
    """Party cells rated at each level and their share of the rated, then the cells and those not rated."""
    by_level, rated, cells = party_cells.get("by_level") or {}, party_cells["rated"], party_cells["cells"]
    _write_sheet(
        wb,
        "Chi bộ",
        [("Xếp loại", TEXT), ("Số chi bộ", INT), ("Tỷ lệ trên số đã đánh giá", PCT)],
        [[LEVEL_NAMES.get(level, level), n, _ratio(n, rated)] for level, n in by_level.items()],
        total=["Đã đánh giá, xếp loại", rated, _ratio(rated, rated)],
        notes=[
            ["Tổng số chi bộ", (cells, INT)],
            ["Chưa đánh giá", (max(cells - rated, 0), INT)],
            ["Thang đánh giá", SCALE_NAMES.get(party_cells.get("scale"), party_cells.get("scale") or "")],
        ],
    )


def _annual_workbook(wb: Workbook, snapshot: dict) -> None:
    _summary_sheet(wb, _scope_rows(snapshot) + _annual_summary_rows(snapshot))
    _trend_sheet(wb, snapshot.get("trend") or [])
    _criteria_sheet(wb, snapshot, "Năm trước")
    _units_sheet(wb, "Đạt chuẩn", snapshot["reaching_standard"])
    _ranking_sheet(wb, snapshot.get("ranking") or [])
    _previous_year_sheet(wb, snapshot)
    if snapshot.get("recognitions") is not None:
        _recognitions_sheet(wb, snapshot["recognitions"])
    if snapshot.get("party_cells") is not None:
        _party_cells_sheet(wb, snapshot["party_cells"])


def xlsx_bytes(snapshot: dict) -> bytes:
    """The snapshot as a workbook, one sheet per section, Vietnamese headers, typed cells.

    Sections None in the snapshot (tasks; recognitions, party cells: a snapshot built before they were
    recorded) have no sheet; otherwise they get "Nhiệm vụ", "Danh hiệu" and "Chi bộ". Late units get a
    sheet "Chưa báo cáo" only when there are some (ward scope, past the deadline).
    """
    wb = Workbook()
    wb.remove(wb.active)
    if snapshot["kind"] == "monthly":
        _monthly_workbook(wb, snapshot)
    elif snapshot["kind"] == "annual":
        _annual_workbook(wb, snapshot)
    else:
        raise ValueError(f"unknown report kind {snapshot['kind']!r}")
    wb.properties.creator = wb.properties.lastModifiedBy = "kieumau-portal"
    wb.properties.title = report_title(snapshot)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
