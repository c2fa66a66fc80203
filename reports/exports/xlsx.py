"""The report as a workbook: one sheet per section of the snapshot, Vietnamese headers, typed cells."""

import io

from django.utils import translation
from openpyxl import Workbook

from reports.exports.commendations import commendations_sheet
from reports.exports.contributions import contributions_sheet
from reports.exports.formatting import (
    EXAMPLE_NOTE,
    NO_DATA,
    NOT_REPORTED,
    STATUS_NAMES,
    criterion_name,
    gap_numbers,
    is_ward_programme,
    missing_by_number,
    missing_text,
    month_label,
    report_title,
    scope_name,
    status_name,
)
from reports.exports.movement_sheets import party_cells_sheet, recognitions_sheet, tasks_sheet
from reports.exports.plans import plans_sheet
from reports.exports.profiles import no_poor_summary_rows, profiles_sheet
from reports.exports.sheets import (
    DATE,
    DATETIME,
    INT,
    NO,
    PCT,
    POINTS,
    SIGNED,
    TEXT,
    YES,
    as_date,
    capped_note,
    clean,
    criterion_cell,
    fraction,
    local_datetime,
    ratio,
    write_sheet,
)
from reports.exports.titles import titles_sheet

# --- sheets of both reports --------------------------------------------------------------------------------


def _summary_sheet(wb: Workbook, rows: list[list]) -> None:
    write_sheet(wb, "Tổng hợp", [("Nội dung", TEXT), ("Giá trị", TEXT)], rows)


def _scope_rows(snapshot: dict) -> list[list]:
    """The summary's first lines: the scope, its code and the criteria set reported against."""
    scope = snapshot["scope"]
    criteria_set = snapshot.get("criteria_set")
    rows = [["Phạm vi", scope_name(scope)[:1].upper() + scope_name(scope)[1:]], ["Mã đơn vị", scope["code"]]]
    programme = snapshot.get("programme")
    if programme:
        rows.append(["Chương trình", programme["name"]])
    if criteria_set:
        rows += [
            ["Bộ tiêu chí", criteria_set["name"]],
            ["Văn bản ban hành", criteria_set["document"]],
            ["Phiên bản", (criteria_set["version"], INT)],
        ]
    else:
        rows.append(["Bộ tiêu chí", NO_DATA])
    return rows


def _criteria_sheet(wb: Workbook, snapshot: dict, compared: str) -> None:
    """Per criterion: units meeting it and assessed, the share, the same for the period compared, and the
    change in percentage points; a criterion whose threshold is an example is marked "(*)", with the note."""
    rows = [
        [
            criterion_cell(c["number"]),
            criterion_name(c),
            c["met"],
            c["assessed"],
            fraction(c.get("share")),
            c.get("previous_met"),
            c.get("previous_assessed"),
            fraction(c.get("previous_share")),
            c.get("change_pp"),
        ]
        for c in snapshot.get("criteria") or []
    ]
    notes = [["", EXAMPLE_NOTE]] if (snapshot.get("criteria_set") or {}).get("has_examples") else []
    write_sheet(
        wb,
        "Tiêu chí",
        [
            ("Số TT", TEXT),
            ("Tiêu chí", TEXT),
            ("Số đạt", INT),
            ("Số đánh giá", INT),
            ("Tỷ lệ đạt", PCT),
            (f"Số đạt {compared}", INT),
            (f"Số đánh giá {compared}", INT),
            (f"Tỷ lệ đạt {compared}", PCT),
            ("Tăng/giảm (điểm %)", POINTS),
        ],
        rows,
        notes=notes,
    )


def _units_sheet(wb: Workbook, title: str, unit_list: dict, note: str = "") -> None:
    """A list of units with their ward, and the exact count when the names were capped."""
    units = unit_list.get("units") or []
    count = unit_list.get("count", len(units))
    notes = [["", "Tổng số đơn vị", (count, INT)]]
    if count > len(units):
        notes.append(capped_note(len(units), count))
    if note:
        notes.append(["", note])
    write_sheet(
        wb,
        title,
        [("STT", INT), ("Thôn/Tổ dân phố", TEXT), ("Phường/xã", TEXT)],
        [[i, u["name"], u["ward"]] for i, u in enumerate(units, start=1)],
        notes=notes,
    )


def _definitions_sheet(wb: Workbook, kind: str, level: str | None = None) -> None:
    """ "Cách tính": each figure of the report with the words that define it, in Vietnamese, as on the
    report's page (reports.summaries.figure_definitions: the docstrings of the functions that count)."""
    from reports.summaries import figure_definitions  # the summaries read models: import when writing

    with translation.override("vi"):
        rows = [[d["label"], d["words"]] for d in figure_definitions(kind, level)]
    write_sheet(wb, "Cách tính", [("Số liệu", TEXT), ("Cách tính", TEXT)], rows)


# --- sheets of the monthly report --------------------------------------------------------------------------


def _monthly_summary_rows(snapshot: dict) -> list[list]:
    """The month's dates and state, the period compared, then units reported (on time, late), not reported
    (returned), approved, meeting the standard, the changes and the tasks."""
    period, totals = snapshot["period"], snapshot["totals"]
    as_of = period.get("as_of")  # only while the period is open
    rows = [
        ["Kỳ báo cáo", f"Tháng {period['number']:02d}/{period['year']}"],
        ["Từ ngày", (as_date(period["start"]), DATE)],
        ["Đến ngày", (as_date(period["end"]), DATE)],
        ["Hạn nhập số liệu", (as_date(period["deadline"]), DATE)],
    ]
    if as_of:
        rows += [
            ["Số liệu tính đến ngày", (as_date(as_of), DATE)],
            ["Tình trạng kỳ báo cáo", "Chưa hết hạn nhập số liệu: số liệu còn có thể thay đổi"],
        ]
    else:
        rows.append(["Tình trạng kỳ báo cáo", "Đã hết hạn nhập số liệu"])
    rows.append(["Kỳ so sánh", month_label(snapshot.get("previous_period")) or NO_DATA])
    if snapshot.get("compared_as_of"):
        rows.append(["Kỳ so sánh tính đến ngày", (as_date(snapshot["compared_as_of"]), DATE)])
    rows += [
        ["Số thôn/TDP", (totals["units"], INT)],
        ["Đã báo cáo", (totals["reported"], INT)],
        ["Tỷ lệ đã báo cáo", (ratio(totals["reported"], totals["units"]), PCT)],
        ["Đúng hạn", (totals["on_time"], INT)],
        ["Chậm hạn", (totals["late"], INT)],
        ["Chưa báo cáo", (totals["not_reported"], INT)],
        ["Trong đó trả lại, đang chỉnh sửa", (totals["returned"], INT)],
        ["Đã duyệt", (totals["approved"], INT)],
        ["Đạt chuẩn", (totals["complete"], INT)],
        ["Tỷ lệ đạt chuẩn", (ratio(totals["complete"], totals["units"]), PCT)],
        ["Mới đạt chuẩn", (snapshot["newly_complete"]["count"], INT)],
        ["Không còn đạt chuẩn", (snapshot["slipped"]["count"], INT)],
    ]
    if snapshot.get("tasks") is not None:
        rows += [
            ["Nhiệm vụ hoàn thành trong kỳ", (snapshot["tasks"]["done"], INT)],
            ["Nhiệm vụ quá hạn chưa hoàn thành", (snapshot["tasks"]["overdue"], INT)],
        ]
    return rows


REPORTING_KEYS = ("units", "reported", "on_time", "late", "not_reported", "returned", "approved", "complete")


def _reporting_sheet(wb: Workbook, snapshot: dict) -> None:
    """Per ward: units, reported on time and late, not reported (returned among them), approved, meeting the
    standard, then the totals."""
    totals = snapshot["totals"]
    write_sheet(
        wb,
        "Báo cáo",
        [
            ("Mã", TEXT),
            ("Phường/xã", TEXT),
            ("Số thôn/TDP", INT),
            ("Đã báo cáo", INT),
            ("Đúng hạn", INT),
            ("Chậm hạn", INT),
            ("Chưa báo cáo", INT),
            ("Trả lại", INT),
            ("Đã duyệt", INT),
            ("Đạt chuẩn", INT),
        ],
        [[r["code"], r["name"], *(r[key] for key in REPORTING_KEYS)] for r in snapshot.get("reporting") or []],
        total=["", "Tổng cộng", *(totals[key] for key in REPORTING_KEYS)],
        notes=[
            ["", "Đúng hạn + Chậm hạn = Đã báo cáo; Đã báo cáo + Chưa báo cáo = Số thôn/TDP"],
            ["", "Chậm hạn: gửi sau hạn nhập số liệu; Trả lại: báo cáo bị trả lại đang chỉnh sửa (thuộc Chưa báo cáo)"],
        ],
    )


def _unit_rows(units: list[dict]) -> list[list]:
    rows = []
    for i, u in enumerate(units, start=1):
        counts = u.get("total") is not None
        rows.append(
            [
                i,
                u["ward"],
                u["name"],
                status_name(u["status"]),
                YES if u.get("approved") else "",
                local_datetime(u.get("submitted_at")),
                u.get("met") if counts else None,
                u.get("total"),
                missing_text(u.get("missing")) if counts else "",
                (YES if u.get("complete") else NO) if counts else "",
            ]
        )
    return rows


def _units_detail_sheet(wb: Workbook, units: list[dict]) -> None:
    """Every unit of the period: its state, approval, when it was sent, criteria met and lacking, the standard."""
    write_sheet(
        wb,
        "Từng đơn vị",
        [
            ("TT", INT),
            ("Phường/xã", TEXT),
            ("Thôn/TDP", TEXT),
            ("Tình trạng", TEXT),
            ("Đã duyệt", TEXT),
            ("Gửi lúc", DATETIME),
            ("Số tiêu chí đạt", INT),
            ("Tổng số tiêu chí", INT),
            ("Còn thiếu", TEXT),
            ("Đạt chuẩn", TEXT),
        ],
        _unit_rows(units),
        notes=[["", "Tình trạng: " + "; ".join(STATUS_NAMES.values())]],
    )


def _not_reported_sheet(wb: Workbook, units: list[dict]) -> None:
    """Every unit not reported, with its ward and state (from the per-unit rows: never capped)."""
    missing = [u for u in units if u["status"] in NOT_REPORTED]
    write_sheet(
        wb,
        "Chưa báo cáo",
        [("STT", INT), ("Phường/xã", TEXT), ("Thôn/Tổ dân phố", TEXT), ("Tình trạng", TEXT)],
        [[i, u["ward"], u["name"], status_name(u["status"])] for i, u in enumerate(missing, start=1)],
        notes=[["", "Tổng số đơn vị chưa báo cáo", (len(missing), INT)]],
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
    write_sheet(
        wb,
        "Còn thiếu",
        [("Mã", TEXT), ("Phường/xã", TEXT), *((f"TC {n}", INT) for n in numbers), ("Tổng", INT)],
        rows,
        total=["", "Tổng cộng", *column_totals, sum(column_totals)],
        notes=[["", "Số thôn/TDP chưa đạt từng tiêu chí (TC: tiêu chí, theo số thứ tự của bộ tiêu chí)"]],
    )


def _ward_sets_sheet(wb: Workbook, ward_sets: list[dict]) -> None:
    """Per ward that reported on its own ward-level criteria set: the set, its state, criteria met and lacking."""
    rows = []
    for r in ward_sets:
        counts = r.get("total") is not None
        rows.append(
            [
                r["code"],
                r["name"],
                r["set"],
                r.get("document") or "",
                status_name(r.get("status")),
                r.get("met") if counts else None,
                r.get("total"),
                missing_text(r.get("missing")) if counts else "",
                (YES if r.get("complete") else NO) if counts else "",
            ]
        )
    write_sheet(
        wb,
        "Tiêu chí phường, xã",
        [
            ("Mã", TEXT),
            ("Phường/xã", TEXT),
            ("Bộ tiêu chí", TEXT),
            ("Văn bản ban hành", TEXT),
            ("Tình trạng", TEXT),
            ("Số tiêu chí đạt", INT),
            ("Tổng số tiêu chí", INT),
            ("Tiêu chí chưa đạt", TEXT),
            ("Đạt đủ các tiêu chí", TEXT),
        ],
        rows,
    )


def _monthly_workbook(wb: Workbook, snapshot: dict) -> None:
    units = snapshot.get("units") or []
    compared = "Chỉ so sánh các thôn, tổ dân phố có báo cáo được tính ở cả hai tháng"
    _summary_sheet(
        wb, _scope_rows(snapshot) + _monthly_summary_rows(snapshot) + no_poor_summary_rows(snapshot.get("no_poor"))
    )
    _reporting_sheet(wb, snapshot)
    _units_detail_sheet(wb, units)
    _not_reported_sheet(wb, units)
    _criteria_sheet(wb, snapshot, "tháng trước")
    _units_sheet(wb, "Mới đạt chuẩn", snapshot["newly_complete"], compared)
    _units_sheet(wb, "Không còn đạt", snapshot["slipped"], compared)
    _gaps_sheet(wb, snapshot)
    if snapshot.get("ward_sets"):
        _ward_sets_sheet(wb, snapshot["ward_sets"])
    if snapshot.get("tasks") is not None:
        tasks_sheet(wb, snapshot["tasks"])
    if snapshot.get("contributions") is not None:
        contributions_sheet(wb, snapshot["contributions"])


# --- sheets of the annual report ---------------------------------------------------------------------------


def _annual_summary_rows(snapshot: dict) -> list[list]:
    """The year's dates, its units, those that reported and those reaching the standard, and the year before."""
    period, totals, previous = snapshot["period"], snapshot["totals"], snapshot["previous_year"]
    return [
        ["Năm", (period["year"], TEXT)],
        ["Từ ngày", (as_date(period["start"]), DATE)],
        ["Đến ngày", (as_date(period["end"]), DATE)],
        ["Số thôn/TDP (tại ngày cuối năm)", (totals["units"], INT)],
        ["Đã báo cáo trong năm", (totals["reported"], INT)],
        ["Đạt chuẩn", (totals["reached"], INT)],
        ["Tỷ lệ đạt chuẩn", (fraction(totals.get("share")), PCT)],
        ["Đạt chuẩn năm trước", (previous["reached"], INT)],
        ["Tỷ lệ đạt chuẩn năm trước", (fraction(previous.get("share")), PCT)],
        ["Tỷ lệ đạt chuẩn tăng/giảm (điểm %)", (previous.get("change_pp"), POINTS)],
    ]


def _trend_sheet(wb: Workbook, trend: list[dict]) -> None:
    """Month by month: units reported, meeting the standard, and the share of the reported."""
    write_sheet(
        wb,
        "Theo tháng",
        [("Tháng", TEXT), ("Đã báo cáo", INT), ("Đạt chuẩn", INT), ("Tỷ lệ đạt/đã báo cáo", PCT)],
        [[month_label(t["month"]), t["reported"], t["complete"], ratio(t["complete"], t["reported"])] for t in trend],
    )


def _ranking_sheet(wb: Workbook, ranking: list[dict]) -> None:
    """The wards by rank: units, units reaching the standard and their share."""
    write_sheet(
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
        [[r["rank"], r["code"], r["name"], r["units"], r["reached"], fraction(r["share"])] for r in ranking],
    )


def _previous_year_sheet(wb: Workbook, snapshot: dict) -> None:
    """This year against the year before: units, units that reported, units reaching the standard, the share."""
    totals, previous = snapshot["totals"], snapshot["previous_year"]
    year, before = snapshot["period"]["year"], previous["year"]

    def counts(label: str, key: str) -> list:
        return [label, totals[key], previous[key], (totals[key] - previous[key], SIGNED)]

    write_sheet(
        wb,
        "So sánh năm trước",
        [("Nội dung", TEXT), (f"Năm {year}", INT), (f"Năm {before}", INT), ("Tăng/giảm", SIGNED)],
        [
            counts("Số thôn/TDP (tại ngày cuối năm)", "units"),
            counts("Đã báo cáo trong năm", "reported"),
            counts("Đạt chuẩn", "reached"),
            [
                "Tỷ lệ đạt chuẩn (tăng/giảm: điểm %)",
                (fraction(totals.get("share")), PCT),
                (fraction(previous.get("share")), PCT),
                (previous.get("change_pp"), POINTS),
            ],
        ],
    )


def _annual_workbook(wb: Workbook, snapshot: dict) -> None:
    _summary_sheet(wb, _scope_rows(snapshot) + _annual_summary_rows(snapshot))
    _trend_sheet(wb, snapshot.get("trend") or [])
    _criteria_sheet(wb, snapshot, "năm trước")
    _units_sheet(wb, "Đạt chuẩn", snapshot["reaching_standard"])
    _ranking_sheet(wb, snapshot.get("ranking") or [])
    _previous_year_sheet(wb, snapshot)
    if snapshot.get("recognitions") is not None:
        recognitions_sheet(wb, snapshot["recognitions"])
    if snapshot.get("titles") is not None:
        titles_sheet(wb, snapshot["titles"])
    if snapshot.get("party_cells") is not None:
        party_cells_sheet(wb, snapshot["party_cells"])
    if snapshot.get("contributions") is not None:
        contributions_sheet(wb, snapshot["contributions"])
    if snapshot.get("plans") is not None:
        plans_sheet(wb, snapshot["plans"])
    if snapshot.get("commendations") is not None:
        commendations_sheet(wb, snapshot["commendations"])
    if snapshot.get("profiles") is not None:
        profiles_sheet(wb, snapshot["profiles"])


def xlsx_bytes(snapshot: dict) -> bytes:
    """The snapshot as a workbook, one sheet per section, Vietnamese headers, typed cells, and last the sheet
    "Cách tính" defining every figure.

    Sections None or absent (a snapshot built before they were recorded) have no sheet; otherwise tasks,
    recognitions, party cells and profiles get "Nhiệm vụ", "Danh hiệu", "Chi bộ" and "Hộ nghèo". A monthly
    workbook names every unit ("Từng đơn vị") and every unit not reported ("Chưa báo cáo"), and has "Tiêu chí
    phường, xã" when wards reported on their own criteria set.
    """
    wb = Workbook()
    wb.remove(wb.active)
    if snapshot["kind"] in ("monthly", "annual") and is_ward_programme(snapshot):
        from reports.exports.ward_programmes import wards_workbook  # it arranges this module's sheets

        wards_workbook(wb, snapshot)
    elif snapshot["kind"] == "monthly":
        _monthly_workbook(wb, snapshot)
    elif snapshot["kind"] == "annual":
        _annual_workbook(wb, snapshot)
    else:
        raise ValueError(f"unknown report kind {snapshot['kind']!r}")
    _definitions_sheet(wb, snapshot["kind"], (snapshot.get("programme") or {}).get("level"))
    wb.properties.creator = wb.properties.lastModifiedBy = "kieumau-portal"
    wb.properties.title = clean(report_title(snapshot))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
