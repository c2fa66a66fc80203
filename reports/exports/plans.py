"""The plan targets' section in the files (kết quả thực hiện chỉ tiêu kế hoạch): a part of the annual PDF
and the sheet "Chỉ tiêu kế hoạch". The section (reports.plan_summaries.plans_section) holds the plan's
targets with their achieved values; a snapshot built before it existed has no "plans" key, and then nothing
is shown. Every "% kế hoạch" is worked out here from the target and the achieved value, exactly
(portal.numbers), as the page shows it.
"""

from openpyxl import Workbook

from portal.numbers import exact
from reports.exports.formatting import vi_number, vi_percent
from reports.exports.sheets import INT, NO, PCT, TEXT, YES, write_sheet

SOURCES = {
    "entered": "Nhập tay",
    "titled": "Tính từ số liệu: thôn, TDP có danh hiệu trong năm",
    "registered": "Tính từ số liệu: thôn, TDP đăng ký trong năm",
    "reached": "Tính từ số liệu: thôn, TDP đạt chuẩn trong năm",
    "excellent_cells": "Tính từ số liệu: chi bộ hoàn thành xuất sắc nhiệm vụ",
    "no_poor": "Tính từ số liệu: thôn, TDP không còn hộ nghèo",
}
PLAIN = "plain"  # targets and achieved values: Excel's general format keeps their decimals
NOTE = (
    "Chỉ tiêu đạt khi kết quả thực hiện không thấp hơn chỉ tiêu (không cao hơn, với chỉ tiêu ghi “≤”); "
    "% kế hoạch = kết quả thực hiện chia cho chỉ tiêu. Kết quả “tính từ số liệu” được đếm từ số liệu của cổng "
    "thông tin cho các đơn vị và năm của kế hoạch khi lập báo cáo; kết quả “nhập tay” do đơn vị nhập kèm ghi chú."
)


def _number(value) -> str:
    """12 and 93,5: as many decimals as the value has (at most two)."""
    if isinstance(value, float):
        return vi_number(value, len(repr(value).split(".")[1]))
    return vi_number(value)


def _share(target) -> float | None:
    """The achieved value as a fraction of the target (0.935), for a percent cell; None without one."""
    if target["achieved"] is None or not target["target"]:
        return None
    return float(exact(target["achieved"]) / exact(target["target"]))


def headline(section: dict) -> str:
    """ "12/14 chỉ tiêu đạt"."""
    return f"{vi_number(section['reached'])}/{vi_number(section['count'])} chỉ tiêu đạt"


# --- PDF -----------------------------------------------------------------------------------------------------


def plans_context(section: dict | None) -> dict | None:
    """The report's part on plan targets: the headline and a row per target."""
    if section is None:
        return None
    return {
        "year": str(section["year"]),
        "owner": section["owner"],
        "is_city": section["is_city"],
        "has_any": section["count"] > 0,
        "headline": headline(section),
        "rows": [
            {
                "order": str(t["order"]),
                "name": t["name"],
                "example": t["example"],
                "target": ("≤ " if t["direction"] == "at_most" else "") + _number(t["target"]),
                "unit": t["unit"],
                "achieved": _number(t["achieved"]),
                "percent": vi_percent(t["achieved"], t["target"]) if t["achieved"] is not None else "—",
                "reached": "Đạt" if t["reached"] else "Không đạt",
                "source": "Tính từ số liệu" if t["source"] != "entered" else "Nhập tay",
            }
            for t in section["targets"]
        ],
        "has_examples": any(t["example"] for t in section["targets"]),
        "note": NOTE,
    }


# --- XLSX ----------------------------------------------------------------------------------------------------


def plans_sheet(wb: Workbook, section: dict) -> None:
    """ "Chỉ tiêu kế hoạch": each target with its value, achieved value, % of plan, reached or not, and where
    its value comes from; then the number reached."""
    write_sheet(
        wb,
        "Chỉ tiêu kế hoạch",
        [
            ("TT", INT),
            ("Chỉ tiêu", TEXT),
            ("Đơn vị tính", TEXT),
            ("Đạt khi", TEXT),
            ("Chỉ tiêu kế hoạch", PLAIN),
            ("Kết quả thực hiện", PLAIN),
            ("% kế hoạch", PCT),
            ("Đạt", TEXT),
            ("Nguồn số liệu", TEXT),
            ("Ghi chú", TEXT),
        ],
        [
            [
                t["order"],
                t["name"] + (" (số liệu ví dụ)" if t["example"] else ""),
                t["unit"],
                "≤ chỉ tiêu" if t["direction"] == "at_most" else "≥ chỉ tiêu",
                t["target"],
                t["achieved"],
                _share(t),
                YES if t["reached"] else NO,
                SOURCES.get(t["source"], t["source"]),
                t["note"],
            ]
            for t in section["targets"]
        ],
        total=["", f"Kế hoạch năm {section['year']} của {section['owner']}: {headline(section)}"],
        notes=[["", NOTE]],
    )
