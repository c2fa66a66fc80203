"""Workbook sheets of the movement's sections of a report: tasks, titles and party cells."""

from openpyxl import Workbook

from reports.exports.formatting import LEVEL_NAMES, SCALE_NAMES
from reports.exports.sheets import INT, PCT, TEXT, capped_note, ratio, write_sheet


def tasks_sheet(wb: Workbook, tasks: dict) -> None:
    """Per ward: tasks done within the period and tasks overdue at its end, then the totals."""
    rows = tasks.get("by_ward") or []
    write_sheet(
        wb,
        "Nhiệm vụ",
        [("Mã", TEXT), ("Phường/xã", TEXT), ("Hoàn thành trong kỳ", INT), ("Quá hạn chưa hoàn thành", INT)],
        [[r["code"], r["name"], r["done"], r["overdue"]] for r in rows],
        total=["", "Tổng cộng", tasks["done"], tasks["overdue"]],
        notes=[
            ["", "Nhiệm vụ của các phong trào thi đua giao cho phường/xã và thôn/tổ dân phố"],
            ["", "Quá hạn chưa hoàn thành: tính đến cuối kỳ (kỳ chưa kết thúc: đến hết ngày trước ngày lập báo cáo)"],
        ],
    )


def recognitions_sheet(wb: Workbook, recognitions: dict) -> None:
    """The titles confirmed for the year: unit, ward, title and decision, with the exact count."""
    units = recognitions.get("units") or []
    count = recognitions.get("count", len(units))
    notes = [["", "Tổng số đơn vị được công nhận", (count, INT)]]
    if count > len(units):
        notes.append(capped_note(len(units), count))
    write_sheet(
        wb,
        "Danh hiệu",
        [("STT", INT), ("Đơn vị", TEXT), ("Phường/xã", TEXT), ("Danh hiệu", TEXT), ("Quyết định công nhận", TEXT)],
        [[i, u["name"], u["ward"], u["title"], u["decision"]] for i, u in enumerate(units, start=1)],
        notes=notes,
    )


def party_cells_sheet(wb: Workbook, party_cells: dict) -> None:
    """Party cells rated at each level (the yearly ratings, at their final level) and their share of the rated,
    then the cells, those not rated and, when the snapshot has it, those lowered by a condition."""
    by_level, rated, cells = party_cells.get("by_level") or {}, party_cells["rated"], party_cells["cells"]
    notes = [
        ["Tổng số chi bộ", (cells, INT)],
        ["Chưa đánh giá", (max(cells - rated, 0), INT)],
        ["Thang đánh giá", SCALE_NAMES.get(party_cells.get("scale"), party_cells.get("scale") or "")],
    ]
    if party_cells.get("capped") is not None:
        notes.append(["Bị hạ mức do không đạt điều kiện", (party_cells["capped"], INT)])
        notes.append(
            [
                "Cách tính",
                "Xếp loại năm (không tính xếp loại quý); bị hạ mức: mức xếp loại thấp hơn mức theo điểm do không "
                "đạt điều kiện của mức đó (QĐ 366-QĐ/TW, Điều 11)",
            ]
        )
    write_sheet(
        wb,
        "Chi bộ",
        [("Xếp loại", TEXT), ("Số chi bộ", INT), ("Tỷ lệ trên số đã đánh giá", PCT)],
        [[LEVEL_NAMES.get(level, level), n, ratio(n, rated)] for level, n in by_level.items()],
        total=["Đã đánh giá, xếp loại", rated, ratio(rated, rated)],
        notes=notes,
    )
