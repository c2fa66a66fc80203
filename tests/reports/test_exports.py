"""The report files: an XLSX with typed cells and Vietnamese headers, a PDF laid out per Nghị định 30/2020.

The snapshots are written by hand in the exact shape reports.summaries builds, so these tests need no
database. The PDF is read back with poppler-utils (pdftotext, pdffonts, pdfinfo): without them the PDF
checks skip locally and fail in CI (CI set), where .ci/run installs them.
"""

import copy
import io
import os
import re
import shutil
import subprocess
from datetime import date, datetime

import pytest
from django.utils import translation
from openpyxl import load_workbook

from reports.exports import pdf_bytes, pdf_context, xlsx_bytes
from reports.exports.formatting import EXAMPLE_NOTE

MONTHLY = {
    "kind": "monthly",
    "scope": {"city": "Thanh Hóa", "ward": None, "code": "38"},
    "period": {
        "label": "Month 11/2026",
        "start": "2026-11-01",
        "end": "2026-11-30",
        "deadline": "2026-12-05",
        "year": 2026,
        "number": 11,
        "closed": True,
        "as_of": None,
    },
    "previous_period": "Month 10/2026",
    "compared_as_of": None,
    "criteria_set": {
        "name": "Bộ tiêu chí tổ dân phố kiểu mẫu",
        "document": "1234/QĐ-UBND",
        "version": 2,
        "has_examples": True,
    },
    # on_time + late + not_reported = units; reported = on_time + late; returned is among not_reported.
    "totals": {
        "units": 1234,
        "reported": 1100,
        "on_time": 1000,
        "late": 100,
        "not_reported": 134,
        "returned": 25,
        "approved": 1040,
        "complete": 525,
    },
    "reporting": [
        {
            "code": "16417",
            "name": "Phường Đông Quang",
            "units": 234,
            "reported": 200,
            "on_time": 180,
            "late": 20,
            "not_reported": 34,
            "returned": 5,
            "approved": 190,
            "complete": 75,
        },
        {
            "code": "14797",
            "name": "Phường Hạc Thành",
            "units": 1000,
            "reported": 900,
            "on_time": 820,
            "late": 80,
            "not_reported": 100,
            "returned": 20,
            "approved": 850,
            "complete": 450,
        },
    ],
    # A few of the period's units (a real snapshot has every one).
    "units": [
        {
            "ward": "Phường Đông Quang",
            "ward_code": "16417",
            "name": "Tổ dân phố Đông Cương 3",
            "status": "on_time",
            "approved": True,
            "submitted_at": "2026-11-28T09:15+07:00",
            "met": 4,
            "total": 4,
            "missing": [],
            "complete": True,
        },
        {
            "ward": "Phường Đông Quang",
            "ward_code": "16417",
            "name": "Tổ dân phố Đông Cương 4",
            "status": "late",
            "approved": False,
            "submitted_at": "2026-12-07T16:40+07:00",
            "met": 2,
            "total": 4,
            "missing": ["2", "10"],
            "complete": False,
        },
        {
            "ward": "Phường Đông Quang",
            "ward_code": "16417",
            "name": "Tổ dân phố Đông Cương 5",
            "status": "returned",
            "approved": False,
            "submitted_at": "2026-12-01T08:00+07:00",
            "met": None,
            "total": None,
            "missing": [],
            "complete": False,
        },
        {
            "ward": "Phường Hạc Thành",
            "ward_code": "14797",
            "name": "Tổ dân phố Đình Hương 3",
            "status": "draft",
            "approved": False,
            "submitted_at": None,
            "met": None,
            "total": None,
            "missing": [],
            "complete": False,
        },
        {
            "ward": "Phường Hạc Thành",
            "ward_code": "14797",
            "name": "Tổ dân phố Đình Hương 4",
            "status": "none",
            "approved": False,
            "submitted_at": None,
            "met": None,
            "total": None,
            "missing": [],
            "complete": False,
        },
    ],
    "not_reported": {  # names capped (here: only those of `units`), the count exact
        "count": 134,
        "units": [
            {"name": "Tổ dân phố Đông Cương 5", "ward": "Phường Đông Quang"},
            {"name": "Tổ dân phố Đình Hương 3", "ward": "Phường Hạc Thành"},
            {"name": "Tổ dân phố Đình Hương 4", "ward": "Phường Hạc Thành"},
        ],
    },
    "criteria": [
        {
            "number": "1",
            "name": "Kinh tế phát triển, đời sống người dân được nâng cao",
            "met": 1000,
            "assessed": 1100,
            "share": 100 * 1000 / 1100,
            "previous_met": 600,
            "previous_assessed": 800,
            "previous_share": 75.0,
            "change_pp": 100 * 1000 / 1100 - 75.0,
            "example": False,
        },
        {
            "number": "2",
            "name": "Văn hóa, xã hội",
            "met": 1050,
            "assessed": 1100,
            "share": 100 * 1050 / 1100,
            "previous_met": 1000,
            "previous_assessed": 1000,
            "previous_share": 100.0,
            "change_pp": 100 * 1050 / 1100 - 100.0,
            "example": False,
        },
        {
            "number": "10",
            "name": "An ninh, trật tự",
            "met": 1100,
            "assessed": 1100,
            "share": 100.0,
            "previous_met": 1000,
            "previous_assessed": 1000,
            "previous_share": 100.0,
            "change_pp": 0.0,
            "example": False,
        },
        {  # new this month: nothing to compare with
            "number": "11",
            "name": "Bảo vệ môi trường",
            "met": 500,
            "assessed": 1100,
            "share": 100 * 500 / 1100,
            "previous_met": 0,
            "previous_assessed": 0,
            "previous_share": None,
            "change_pp": None,
            "example": True,
        },
    ],
    "newly_complete": {
        "count": 345,
        "units": [
            {"name": "Tổ dân phố Đông Cương 3", "ward": "Phường Đông Quang"},
            {"name": "Tổ dân phố Đình Hương 1", "ward": "Phường Hạc Thành"},
            {"name": "Tổ dân phố Đình Hương 2", "ward": "Phường Hạc Thành"},
        ],
    },
    "slipped": {"count": 0, "units": []},
    "gaps": [
        {"code": "16417", "name": "Phường Đông Quang", "missing": {"2": 7, "10": 0, "1": 3}},  # read back from JSON
        {"code": "14797", "name": "Phường Hạc Thành", "missing": {}},
    ],
    "ward_sets": [],
    "tasks": None,
}

ANNUAL = {
    "kind": "annual",
    "scope": {"city": "Thanh Hóa", "ward": None, "code": "38"},
    "period": {"label": "Year 2026", "year": 2026, "start": "2026-01-01", "end": "2026-12-31"},
    "criteria_set": {
        "name": "Bộ tiêu chí tổ dân phố kiểu mẫu",
        "document": "1234/QĐ-UBND",
        "version": 2,
        "has_examples": False,
    },
    "totals": {"year": 2026, "units": 1234, "reported": 1100, "reached": 186, "share": 100 * 186 / 1234},
    "trend": [
        {"month": "Month 10/2026", "reported": 1000, "complete": 400},
        {"month": "Month 11/2026", "reported": 1100, "complete": 525},
    ],
    "criteria": [
        {
            "number": "1",
            "name": "Kinh tế phát triển",
            "met": 1000,
            "assessed": 1100,
            "share": 100 * 1000 / 1100,
            "previous_met": 700,
            "previous_assessed": 1000,
            "previous_share": 70.0,
            "change_pp": 100 * 1000 / 1100 - 70.0,
            "example": False,
        }
    ],
    "reaching_standard": {"count": 186, "units": [{"name": "Tổ dân phố Đình Hương 1", "ward": "Phường Hạc Thành"}]},
    "ranking": [
        {"code": "16417", "name": "Phường Đông Quang", "units": 234, "reached": 36, "share": 100 * 36 / 234, "rank": 1},
        {"code": "14797", "name": "Phường Hạc Thành", "units": 1000, "reached": 150, "share": 15.0, "rank": 2},
    ],
    "previous_year": {
        "year": 2025,
        "units": 1200,
        "reported": 900,
        "reached": 120,
        "share": 10.0,
        "change_pp": 100 * 186 / 1234 - 10.0,
    },
    "recognitions": None,
    "party_cells": None,
}

ISSUED = date(2026, 12, 5)


def ward_scope(snapshot: dict) -> dict:
    ward = copy.deepcopy(snapshot)
    ward["scope"] = {"city": "Thanh Hóa", "ward": "Phường Hạc Thành", "code": "14797"}
    return ward


def open_period(snapshot: dict, as_of: str = "2026-12-01", compared_as_of: str = "2026-10-31") -> dict:
    """The same month built before its entry deadline: nobody is late yet."""
    snap = copy.deepcopy(snapshot)
    snap["period"].update(closed=False, as_of=as_of)
    snap["compared_as_of"] = compared_as_of
    for row in (snap["totals"], *snap["reporting"]):
        row.update(on_time=row["reported"], late=0)
    for unit in snap["units"]:
        if unit["status"] == "late":
            unit["status"] = "on_time"
    return snap


WARD_SETS = [
    {
        "code": "16417",
        "name": "Phường Đông Quang",
        "set": "Bộ tiêu chí phường văn minh đô thị",
        "document": "56/QĐ-UBND",
        "status": "on_time",
        "met": 7,
        "total": 9,
        "missing": ["3", "8"],
        "complete": False,
    },
    {
        "code": "14797",
        "name": "Phường Hạc Thành",
        "set": "Bộ tiêu chí phường văn minh đô thị",
        "document": "56/QĐ-UBND",
        "status": "draft",
        "met": None,
        "total": None,
        "missing": [],
        "complete": False,
    },
]


# --- XLSX ----------------------------------------------------------------------------------------------------


def workbook(snapshot):
    return load_workbook(io.BytesIO(xlsx_bytes(snapshot)))


def header(ws):
    return [c.value for c in ws[1]]


def row_of(ws, column: int, value):
    return next(row for row in ws.iter_rows(min_row=2, values_only=True) if row[column] == value)


def summary_of(wb) -> dict:
    return {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}


MONTHLY_SHEETS = [
    "Tổng hợp",
    "Báo cáo",
    "Từng đơn vị",
    "Chưa báo cáo",
    "Tiêu chí",
    "Mới đạt chuẩn",
    "Không còn đạt",
    "Còn thiếu",
    "Cách tính",
]


def test_monthly_workbook_sheets_and_headers():
    wb = workbook(MONTHLY)
    assert wb.sheetnames == MONTHLY_SHEETS
    assert header(wb["Báo cáo"]) == [
        "Mã",
        "Phường/xã",
        "Số thôn/TDP",
        "Đã báo cáo",
        "Đúng hạn",
        "Chậm hạn",
        "Chưa báo cáo",
        "Trả lại",
        "Đã duyệt",
        "Đạt chuẩn",
    ]
    assert header(wb["Tiêu chí"]) == [
        "Số TT",
        "Tiêu chí",
        "Số đạt",
        "Số đánh giá",
        "Tỷ lệ đạt",
        "Số đạt tháng trước",
        "Số đánh giá tháng trước",
        "Tỷ lệ đạt tháng trước",
        "Tăng/giảm (điểm %)",
    ]
    assert header(wb["Còn thiếu"]) == ["Mã", "Phường/xã", "TC 1", "TC 2", "TC 10", "TC 11", "Tổng"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(cell.font.bold for cell in ws[1]), ws.title
        assert all(ws.column_dimensions[letter].width >= 6 for letter in "AB"), ws.title


def test_monthly_workbook_cells_are_typed():
    wb = workbook(MONTHLY)
    ws = wb["Báo cáo"]
    assert [c.value for c in ws[2]] == ["16417", "Phường Đông Quang", 234, 200, 180, 20, 34, 5, 190, 75]
    assert isinstance(ws["C2"].value, int) and ws["C2"].number_format == "#,##0"
    assert row_of(ws, 1, "Tổng cộng")[2:] == (1234, 1100, 1000, 100, 134, 25, 1040, 525)
    assert ws["C4"].font.bold
    assert ws.column_dimensions["B"].width >= len("Phường Đông Quang")

    summary = summary_of(wb)
    assert summary["Số thôn/TDP"] == 1234
    assert summary["Tỷ lệ đã báo cáo"] == pytest.approx(1100 / 1234)
    assert (summary["Đúng hạn"], summary["Chậm hạn"], summary["Chưa báo cáo"]) == (1000, 100, 134)
    assert summary["Trong đó trả lại, đang chỉnh sửa"] == 25
    assert summary["Kỳ báo cáo"] == "Tháng 11/2026"
    assert summary["Kỳ so sánh"] == "Tháng 10/2026"
    assert summary["Hạn nhập số liệu"].date() == date(2026, 12, 5)
    assert summary["Tình trạng kỳ báo cáo"] == "Đã hết hạn nhập số liệu"
    assert "Số liệu tính đến ngày" not in summary


def test_criteria_shares_are_percent_cells_and_changes_are_points():
    ws = workbook(MONTHLY)["Tiêu chí"]
    assert [c.value for c in ws[3]] == [
        2,
        "Văn hóa, xã hội",
        1050,
        1100,
        pytest.approx(1050 / 1100),
        1000,
        1000,
        pytest.approx(1.0),
        pytest.approx(100 * 1050 / 1100 - 100),
    ]
    assert ws["E3"].number_format == ws["H3"].number_format == "0.0 %"  # the one share format of the workbook
    assert ws["I3"].number_format.startswith("+") and "%" not in ws["I3"].number_format  # points, not a share
    # A criterion with nothing to compare: empty cells, not zeros; an example threshold is marked and noted.
    new = row_of(ws, 0, 11)
    assert new[1] == "Bảo vệ môi trường (*)" and new[7] is None and new[8] is None
    assert any(EXAMPLE_NOTE in str(row[1]) for row in ws.iter_rows(values_only=True))
    without = copy.deepcopy(MONTHLY)
    without["criteria_set"]["has_examples"] = False
    without["criteria"][3]["example"] = False
    plain = workbook(without)["Tiêu chí"]
    assert not any("(*)" in str(value) for row in plain.iter_rows(values_only=True) for value in row)


def test_every_share_in_the_workbook_has_the_same_format():
    formats = set()
    for snapshot in (MONTHLY_MOVEMENT, ANNUAL_MOVEMENT):
        for ws in workbook(snapshot).worksheets:
            formats |= {c.number_format for row in ws.iter_rows() for c in row if "%" in c.number_format}
    assert formats == {"0.0 %"}


def test_each_unit_of_the_month_has_a_row():
    ws = workbook(MONTHLY)["Từng đơn vị"]
    assert header(ws) == [
        "TT",
        "Phường/xã",
        "Thôn/TDP",
        "Tình trạng",
        "Đã duyệt",
        "Gửi lúc",
        "Số tiêu chí đạt",
        "Tổng số tiêu chí",
        "Còn thiếu",
        "Đạt chuẩn",
    ]
    rows = [row for row in ws.iter_rows(min_row=2, max_row=6, values_only=True)]
    assert rows[0] == (
        1,
        "Phường Đông Quang",
        "Tổ dân phố Đông Cương 3",
        "Đúng hạn",
        "Có",
        datetime(2026, 11, 28, 9, 15),
        4,
        4,
        None,  # nothing lacking
        "Có",
    )
    assert rows[1] == (
        2,
        "Phường Đông Quang",
        "Tổ dân phố Đông Cương 4",
        "Chậm hạn",
        None,
        datetime(2026, 12, 7, 16, 40),
        2,
        4,
        "2, 10",
        "Không",
    )
    assert rows[2][3:] == ("Trả lại – đang chỉnh sửa", None, datetime(2026, 12, 1, 8, 0), None, None, None, None)
    assert [r[3] for r in rows[3:]] == ["Nháp – chưa gửi", "Chưa nhập"]
    assert ws["F2"].number_format == "dd/mm/yyyy hh:mm" and ws["G2"].number_format == "#,##0"
    assert ws.freeze_panes == "A2" and ws.column_dimensions["C"].width >= len("Tổ dân phố Đông Cương 3")


def test_units_not_reported_are_all_named_though_the_snapshot_caps_its_list():
    snapshot = copy.deepcopy(MONTHLY)
    extra = [{**snapshot["units"][4], "name": f"Tổ dân phố {i}", "ward": "Phường Hạc Thành"} for i in range(1, 401)]
    snapshot["units"] += extra  # 403 units not reported; the capped list names only 3 of them
    ws = workbook(snapshot)["Chưa báo cáo"]
    assert header(ws) == ["STT", "Phường/xã", "Thôn/Tổ dân phố", "Tình trạng"]
    assert [c.value for c in ws[2]] == [1, "Phường Đông Quang", "Tổ dân phố Đông Cương 5", "Trả lại – đang chỉnh sửa"]
    assert [c.value for c in ws[3]] == [2, "Phường Hạc Thành", "Tổ dân phố Đình Hương 3", "Nháp – chưa gửi"]
    assert row_of(ws, 0, 403)[2] == "Tổ dân phố 400"
    assert row_of(ws, 1, "Tổng số đơn vị chưa báo cáo")[2] == 403
    # Units that reported, on time or late, are not in it.
    names = {row[2] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert not names & {"Tổ dân phố Đông Cương 3", "Tổ dân phố Đông Cương 4"}


def test_unit_lists_keep_the_exact_count_when_names_are_capped():
    wb = workbook(MONTHLY)
    new = wb["Mới đạt chuẩn"]
    assert header(new) == ["STT", "Thôn/Tổ dân phố", "Phường/xã"]
    assert [c.value for c in new[2]] == [1, "Tổ dân phố Đông Cương 3", "Phường Đông Quang"]
    assert row_of(new, 1, "Tổng số đơn vị")[2] == 345
    assert any("3 trên 345" in str(row[1]) for row in new.iter_rows(values_only=True))
    assert any("cả hai tháng" in str(row[1]) for row in new.iter_rows(values_only=True))
    assert row_of(wb["Không còn đạt"], 1, "Tổng số đơn vị")[2] == 0


def test_gaps_are_a_ward_by_criterion_matrix():
    ws = workbook(MONTHLY)["Còn thiếu"]
    assert row_of(ws, 0, "16417") == ("16417", "Phường Đông Quang", 3, 7, 0, 0, 10)
    assert row_of(ws, 0, "14797")[2:] == (0, 0, 0, 0, 0)
    assert row_of(ws, 1, "Tổng cộng")[2:] == (3, 7, 0, 0, 10)
    assert ws.column_dimensions["B"].width < 30  # the note under the table sets no width


def test_ward_sets_get_a_sheet_only_when_there_are_some():
    snapshot = {**MONTHLY, "ward_sets": WARD_SETS}
    wb = workbook(snapshot)
    assert wb.sheetnames == [*MONTHLY_SHEETS[:-1], "Tiêu chí phường, xã", "Cách tính"]
    ws = wb["Tiêu chí phường, xã"]
    assert header(ws)[:8] == [
        "Mã",
        "Phường/xã",
        "Bộ tiêu chí",
        "Văn bản ban hành",
        "Tình trạng",
        "Số tiêu chí đạt",
        "Tổng số tiêu chí",
        "Tiêu chí chưa đạt",
    ]
    assert [c.value for c in ws[2]][4:] == ["Đúng hạn", 7, 9, "3, 8", "Không"]
    assert [c.value for c in ws[3]][4:] == ["Nháp – chưa gửi", None, None, None, None]


def test_the_last_sheet_defines_every_figure():
    from campaigns.results.figures import DEFINITIONS
    from reports.summaries import FIGURES_OF

    for snapshot in (MONTHLY, ANNUAL):
        wb = workbook(snapshot)
        assert wb.sheetnames[-1] == "Cách tính"
        ws = wb["Cách tính"]
        assert header(ws) == ["Số liệu", "Cách tính"]
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        keys = FIGURES_OF[snapshot["kind"]]
        with translation.override("vi"):
            expected = [
                [translation.gettext(DEFINITIONS[k].label), translation.gettext(DEFINITIONS[k].words)] for k in keys
            ]
        assert [list(row) for row in rows] == expected  # the same words as the report's page, in order
        assert ws["B2"].alignment.wrap_text  # long words wrap in a capped column


def test_text_cells_are_never_formulas_and_hold_no_control_characters():
    snapshot = copy.deepcopy(MONTHLY)
    formula = '=HYPERLINK("http://evil.example","bấm vào đây")'
    snapshot["units"][3]["name"] = formula
    snapshot["reporting"][0]["name"] = "Phường Đông\x07 Quang\x00"
    snapshot["newly_complete"]["units"][0]["name"] = "@SUM(1+1)"
    wb = workbook(snapshot)
    cell = wb["Từng đơn vị"]["C5"]
    assert cell.value == formula and cell.data_type == "s"
    assert wb["Chưa báo cáo"]["C3"].value == formula and wb["Chưa báo cáo"]["C3"].data_type == "s"
    assert wb["Báo cáo"]["B2"].value == "Phường Đông Quang"
    assert wb["Mới đạt chuẩn"]["B2"].value == "@SUM(1+1)"
    for ws in wb.worksheets:
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row), ws.title


def test_an_open_period_says_until_when_the_figures_run():
    summary = summary_of(workbook(open_period(MONTHLY)))
    assert summary["Số liệu tính đến ngày"].date() == date(2026, 12, 1)
    assert summary["Kỳ so sánh tính đến ngày"].date() == date(2026, 10, 31)
    assert summary["Tình trạng kỳ báo cáo"].startswith("Chưa hết hạn nhập số liệu")
    assert summary["Chậm hạn"] == 0


def test_annual_workbook():
    wb = workbook(ANNUAL)
    # recognitions and party_cells are None: no sheet for them.
    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo tháng",
        "Tiêu chí",
        "Đạt chuẩn",
        "Xếp hạng",
        "So sánh năm trước",
        "Cách tính",
    ]
    assert header(wb["Theo tháng"]) == ["Tháng", "Đã báo cáo", "Đạt chuẩn", "Tỷ lệ đạt/đã báo cáo"]
    assert [c.value for c in wb["Theo tháng"][2]][:3] == ["Tháng 10/2026", 1000, 400]
    ranking = wb["Xếp hạng"]
    assert header(ranking) == ["Hạng", "Mã", "Phường/xã", "Số thôn/TDP", "Đạt chuẩn", "Tỷ lệ đạt chuẩn"]
    assert [c.value for c in ranking[3]] == [2, "14797", "Phường Hạc Thành", 1000, 150, pytest.approx(0.15)]
    assert ranking["F3"].number_format == "0.0 %"
    assert header(wb["Tiêu chí"])[5:8] == ["Số đạt năm trước", "Số đánh giá năm trước", "Tỷ lệ đạt năm trước"]
    compare = wb["So sánh năm trước"]
    assert header(compare) == ["Nội dung", "Năm 2026", "Năm 2025", "Tăng/giảm"]
    assert row_of(compare, 0, "Số thôn/TDP (tại ngày cuối năm)") == ("Số thôn/TDP (tại ngày cuối năm)", 1234, 1200, 34)
    assert row_of(compare, 0, "Đã báo cáo trong năm")[1:] == (1100, 900, 200)
    assert row_of(compare, 0, "Đạt chuẩn")[1:] == (186, 120, 66)
    share = row_of(compare, 0, "Tỷ lệ đạt chuẩn (tăng/giảm: điểm %)")
    assert share[1:] == (pytest.approx(186 / 1234), pytest.approx(0.1), pytest.approx(100 * 186 / 1234 - 10))
    assert compare["D4"].number_format.startswith("+") and compare["D5"].number_format.startswith("+0.0")
    assert row_of(wb["Đạt chuẩn"], 1, "Tổng số đơn vị")[2] == 186
    summary = summary_of(wb)
    assert summary["Năm"] == 2026 and summary["Số thôn/TDP (tại ngày cuối năm)"] == 1234
    assert (summary["Đã báo cáo trong năm"], summary["Đạt chuẩn"]) == (1100, 186)
    assert summary["Tỷ lệ đạt chuẩn"] == pytest.approx(186 / 1234)
    assert summary["Tỷ lệ đạt chuẩn tăng/giảm (điểm %)"] == pytest.approx(100 * 186 / 1234 - 10)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws["A1"].font.bold


def test_workbook_content_is_deterministic():
    def cells(snapshot):
        wb = workbook(snapshot)
        return [
            (ws.title, [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]) for ws in wb.worksheets
        ]

    assert cells(MONTHLY) == cells(MONTHLY)


# --- PDF context (no poppler needed) -------------------------------------------------------------------------


def test_pdf_context_is_formatted_the_vietnamese_way():
    context = pdf_context(MONTHLY, issued_on=ISSUED)
    assert context["body_line1"] == "ỦY BAN NHÂN DÂN" and context["body_line2"] == "TỈNH THANH HÓA"
    assert context["place_date"] == "Thanh Hóa, ngày 05 tháng 12 năm 2026"
    assert context["totals"]["units"] == "1.234"
    assert context["totals"]["reported_share"] == "89,1 %"
    assert context["totals"]["on_time"] == "1.000" and context["totals"]["returned"] == "25"
    assert context["period"]["deadline"] == "05/12/2026" and context["as_of"] == ""
    assert context["newly_complete"]["count"] == "345" and context["newly_complete"]["capped"]
    assert context["gaps"] == [{"name": "Phường Đông Quang", "items": "TC 1: 3; TC 2: 7", "total": "10"}]
    assert context["signer_lines"] == ["CHỦ TỊCH"]
    deputy = pdf_context(MONTHLY, settings={"signer_title": "KT. Chủ tịch\nPhó Chủ tịch"})
    assert deputy["signer_lines"] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    with translation.override("en"):  # a Celery worker or an English session renders the same document
        assert pdf_context(MONTHLY, issued_on=ISSUED) == context

    ward = pdf_context(ward_scope(MONTHLY), settings={"place": "Hạc Thành"}, issued_on=date(2026, 2, 3))
    assert ward["body_line2"] == "PHƯỜNG HẠC THÀNH"
    assert ward["place_date"] == "Hạc Thành, ngày 03 tháng 02 năm 2026"
    assert pdf_context(MONTHLY, issued_on=date(2026, 3, 15))["place_date"].endswith("ngày 15 tháng 3 năm 2026")


def test_criteria_shares_and_their_change_in_percentage_points():
    criteria = pdf_context(MONTHLY)["criteria"]
    assert [(c["share"], c["previous_share"], c["change"]) for c in criteria] == [
        ("90,9 %", "75,0 %", "+15,9"),
        ("95,5 %", "100,0 %", "−4,5"),
        ("100,0 %", "100,0 %", "0,0"),
        ("45,5 %", "—", "—"),  # nothing to compare with
    ]
    assert criteria[3]["name"] == "Bảo vệ môi trường (*)" and criteria[0]["name"].endswith("nâng cao")
    assert pdf_context(MONTHLY)["example_note"] == EXAMPLE_NOTE
    # Rounded once, half up, from the exact figure; a change too small to show has no sign.
    snapshot = copy.deepcopy(MONTHLY)
    snapshot["criteria"][0].update(change_pp=-100 / 6, share=25.0)
    snapshot["criteria"][1].update(change_pp=25.0)
    snapshot["criteria"][2].update(change_pp=-0.04)
    snapshot["criteria_set"]["has_examples"] = False
    context = pdf_context(snapshot)
    assert [c["change"] for c in context["criteria"][:3]] == ["−16,7", "+25,0", "0,0"]
    assert context["criteria"][0]["share"] == "25,0 %" and context["example_note"] == ""


def test_units_not_reported_are_named_for_a_ward_and_counted_per_ward_for_a_city():
    city = pdf_context(MONTHLY)["not_reported"]
    assert city["count"] == "134" and city["capped"] and not city["named"]  # the table and the workbook name them
    ward = pdf_context(ward_scope(MONTHLY))["not_reported"]
    assert ward["named"] and [g["names"] for g in ward["groups"]] == [
        ["Tổ dân phố Đông Cương 5 (bị trả lại)"],
        ["Tổ dân phố Đình Hương 3", "Tổ dân phố Đình Hương 4"],
    ]
    few = copy.deepcopy(MONTHLY)
    few["not_reported"]["count"] = 3  # every name fits
    assert pdf_context(few)["not_reported"]["named"]


def test_pdf_context_of_an_open_period():
    context = pdf_context(open_period(MONTHLY, as_of="2026-11-20", compared_as_of="2026-10-20"))
    assert context["as_of"] == "20/11/2026" and context["compared_as_of"] == "20/10/2026"
    assert context["totals"]["late"] == "0"
    movement = pdf_context({**open_period(MONTHLY, as_of="2026-11-20"), "tasks": TASKS})
    assert movement["tasks"]["until"] == "tính đến hết ngày 19/11/2026"  # the day before the build
    after_the_end = pdf_context({**open_period(MONTHLY), "tasks": TASKS})  # built 01/12, deadline 05/12
    assert after_the_end["tasks"]["until"] == "tính đến cuối kỳ"
    assert pdf_context(MONTHLY_MOVEMENT)["tasks"]["until"] == "tính đến cuối kỳ"


def test_annual_pdf_context_writes_every_share_one_way():
    context = pdf_context(ANNUAL)
    assert context["totals"] == {
        "units": "1.234",
        "reported": "1.100",
        "has_reported": True,
        "reached": "186",
        "share": "15,1 %",
    }
    assert [(r["rank"], r["reached"], r["share"]) for r in context["ranking"]] == [
        ("1", "36", "15,4 %"),
        ("2", "150", "15,0 %"),
    ]
    assert context["previous"] == {
        "year": "2025",
        "units": "1.200",
        "reported": "900",
        "reached": "120",
        "share": "10,0 %",
        "units_change": "+34",
        "reported_change": "+200",
        "reached_change": "+66",
        "share_change": "+5,1 điểm %",
    }
    assert context["trend"][0]["share"] == "40,0 %"
    assert context["criteria"][0]["change"] == "+20,9"


def test_pdf_context_number_and_symbol():
    assert pdf_context(MONTHLY, number="15")["symbol"] == "15/BC-UBND"
    assert pdf_context(MONTHLY, number="15/BC-UBND")["symbol"] == "15/BC-UBND"  # Report.number holds the symbol
    assert pdf_context(MONTHLY)["symbol"] == ""


# --- PDF, read back with poppler-utils -----------------------------------------------------------------------


def poppler(tool: str, pdf: bytes, tmp_path, *args: str) -> str:
    if shutil.which(tool) is None:
        message = f"{tool} not found: install poppler-utils (apt-get install -y poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], check=True, capture_output=True, text=True
    ).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_monthly_pdf_text(tmp_path):
    text = flat(poppler("pdftotext", pdf_bytes(MONTHLY, number="15", issued_on=ISSUED), tmp_path))
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "TỈNH THANH HÓA",
        "Số: 15/BC-UBND",
        "Thanh Hóa, ngày 05 tháng 12 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện tiêu chí kiểu mẫu tháng 11/2026",
        "trên địa bàn tỉnh Thanh Hóa",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nơi nhận:",
        "Kỳ báo cáo từ ngày 01/11/2026 đến ngày 30/11/2026, hạn nhập số liệu ngày 05/12/2026.",
        "có 1.234 thôn, tổ dân phố; đã báo cáo 1.100 đơn vị (89,1 %), trong đó đúng hạn 1.000, chậm hạn 100; "
        "đã duyệt 1.040 đơn vị; chưa báo cáo 134 đơn vị, trong đó 25 đơn vị bị trả lại đang chỉnh sửa.",
        "Đúng hạn",
        "Chậm hạn",
        "Chưa báo cáo",
        "Danh sách 134 thôn, tổ dân phố chưa báo cáo tại biểu “Chưa báo cáo”",
        "(điểm %)",  # the change column's header: "Tăng/giảm (điểm %)", wrapped
        "Bảo vệ môi trường (*)",
        EXAMPLE_NOTE,
        "+15,9",
        "−4,5",
        "42,5 %",
        "95,5 %",
        "01/11/2026",
        "Phường Đông Quang",
        "Tổ dân phố Đình Hương 2",
        "chỉ xét các thôn, tổ dân phố có báo cáo được tính ở cả hai tháng",
        "345",
        "TC 1: 3; TC 2: 7",
    ):
        assert phrase in text, phrase
    assert "89,1%" not in text  # one way of writing a share: a space before the sign
    assert "PHƯỜNG, XÃ" not in text  # no ward-level sets this month


def test_an_open_period_calls_nobody_late(tmp_path):
    text = flat(poppler("pdftotext", pdf_bytes(open_period(MONTHLY), issued_on=ISSUED), tmp_path))
    assert (
        "Kỳ báo cáo từ ngày 01/11/2026 đến ngày 30/11/2026; số liệu tính đến ngày 01/12/2026, "
        "hạn nhập số liệu ngày 05/12/2026." in text
    )
    assert "chậm hạn" not in text.lower()
    assert "đã báo cáo 1.100 đơn vị (89,1 %); đã duyệt 1.040 đơn vị;" in text
    assert "so sánh với tháng 10/2026 tính đến ngày 31/10/2026 (cùng thời điểm của kỳ trước)" in text


def test_a_ward_report_names_its_units_not_reported(tmp_path):
    text = flat(poppler("pdftotext", pdf_bytes(ward_scope(MONTHLY), issued_on=ISSUED), tmp_path))
    assert "Các thôn, tổ dân phố chưa báo cáo (134 đơn vị):" in text
    assert "Tổ dân phố Đông Cương 5 (bị trả lại)" in text and "Tổ dân phố Đình Hương 4" in text
    assert "(Danh sách liệt kê 3 trên tổng số 134 đơn vị.)" in text


def test_monthly_pdf_with_ward_sets(tmp_path):
    snapshot = {**MONTHLY_MOVEMENT, "ward_sets": WARD_SETS}
    context = pdf_context(snapshot)
    assert context["parts"] == {"ward_sets": "V", "tasks": "VI"}
    assert [(w["result"], w["missing"]) for w in context["ward_sets"]] == [("7/9", "3, 8"), ("Nháp – chưa gửi", "")]
    text = flat(poppler("pdftotext", pdf_bytes(snapshot, issued_on=ISSUED), tmp_path))
    for phrase in (
        "V. KẾT QUẢ THỰC HIỆN TIÊU CHÍ CỦA PHƯỜNG, XÃ",
        "Bộ tiêu chí phường văn minh đô thị (56/QĐ-UBND)",
        "7/9",
        "3, 8",
        "Nháp",
        "VI. THỰC HIỆN NHIỆM VỤ PHONG TRÀO THI ĐUA",
    ):
        assert phrase in text, phrase


def test_pdf_without_number_leaves_room_to_fill_in(tmp_path):
    pdf = pdf_bytes(ward_scope(MONTHLY), issued_on=ISSUED, settings={"signer_title": "Phó Chủ tịch"})
    layout = poppler("pdftotext", pdf, tmp_path, "-layout")
    assert re.search(r"Số: {4,}/BC-UBND", layout), layout  # blank room before the symbol, to number by hand
    text = flat(layout)
    assert "PHƯỜNG HẠC THÀNH" in text and "PHÓ CHỦ TỊCH" in text
    assert "trên địa bàn phường Hạc Thành" in text


def test_annual_pdf_text(tmp_path):
    text = flat(poppler("pdftotext", pdf_bytes(ANNUAL, number="3/BC-UBND", issued_on=ISSUED), tmp_path))
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 3/BC-UBND",
        "TM. ỦY BAN NHÂN DÂN",
        "Nơi nhận",
        "Kết quả thực hiện tiêu chí kiểu mẫu năm 2026",
        "có 1.234 thôn, tổ dân phố (tại ngày cuối năm 31/12/2026).",
        "Trong năm đã báo cáo 1.100 đơn vị; đạt chuẩn 186 đơn vị (15,1 %).",
        "Số thôn, tổ dân phố đạt chuẩn trong năm: 186 đơn vị (15,1 % tổng số thôn, tổ dân phố).",
        "XẾP HẠNG CÁC PHƯỜNG, XÃ",
        "15,4 %",
        "40,0 %",
        "47,7 %",
        "Tháng 11/2026",
        "SO SÁNH VỚI NĂM TRƯỚC",
        "Năm 2026",
        "Năm 2025",
        "+66",
        "+5,1 điểm %",
        "1.234",
    ):
        assert phrase in text, phrase
    assert "2.026" not in text  # years are not numbers to group
    assert not re.search(r"\d%", text), "every share is written one way: 15,1 %"
    assert "(*)" not in text  # no example thresholds in this set


def test_pdf_is_a4_and_embeds_tinos(tmp_path):
    pdf = pdf_bytes(MONTHLY, issued_on=ISSUED)
    assert pdf.startswith(b"%PDF")
    info = poppler("pdfinfo", pdf, tmp_path)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)
    fonts = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    tinos = [line for line in fonts if "Tinos" in line]
    assert tinos and all(line.split()[-5] == "yes" for line in tinos), fonts  # the "emb" column
    # Subset names: "ABCDEF+Tinos" (regular), "+Tinos-Bold", "+Tinos-Italic".
    assert {"", "-Bold", "-Italic"} <= {re.search(r"\+Tinos(\S*)", line)[1] for line in tinos}
    assert all("Tinos" in line for line in fonts), fonts  # no fallback font slipped in


# --- the movement's sections: tasks (monthly), recognitions and party cells (annual) -------------------------------

TASKS = {
    "done": 1234,
    "overdue": 7,
    "by_ward": [
        {"code": "16417", "name": "Phường Đông Quang", "done": 34, "overdue": 7},
        {"code": "14797", "name": "Phường Hạc Thành", "done": 1200, "overdue": 0},
    ],
}
RECOGNITIONS = {
    "count": 3,
    "units": [
        {
            "name": "Phường Đông Quang",
            "ward": "Phường Đông Quang",
            "title": "Phường đạt chuẩn văn minh đô thị",
            "decision": "88/QĐ-UBND ngày 02/03/2027",
        },
        {
            "name": "Tổ dân phố Đình Hương 1",
            "ward": "Phường Hạc Thành",
            "title": "Tổ dân phố kiểu mẫu",
            "decision": "120/QĐ-UBND ngày 15/04/2027",
        },
    ],
}
PARTY_CELLS = {
    "scale": "points",
    "by_level": {"excellent": 3, "good": 12, "fulfilled": 1, "not_fulfilled": 0},
    "rated": 16,
    "cells": 17,
}
MONTHLY_MOVEMENT = {**MONTHLY, "tasks": TASKS}
ANNUAL_MOVEMENT = {**ANNUAL, "recognitions": RECOGNITIONS, "party_cells": PARTY_CELLS}


def test_monthly_workbook_with_tasks():
    wb = workbook(MONTHLY_MOVEMENT)
    assert wb.sheetnames == [*MONTHLY_SHEETS[:-1], "Nhiệm vụ", "Cách tính"]
    tasks = wb["Nhiệm vụ"]
    assert header(tasks) == ["Mã", "Phường/xã", "Hoàn thành trong kỳ", "Quá hạn chưa hoàn thành"]
    assert [c.value for c in tasks[2]] == ["16417", "Phường Đông Quang", 34, 7]
    assert row_of(tasks, 1, "Tổng cộng")[1:] == ("Tổng cộng", 1234, 7)
    assert tasks["C4"].number_format == "#,##0" and tasks["A4"].font.bold
    assert any("tính đến cuối kỳ" in str(row[1]) for row in tasks.iter_rows(values_only=True))
    summary = summary_of(wb)
    assert summary["Nhiệm vụ hoàn thành trong kỳ"] == 1234 and summary["Nhiệm vụ quá hạn chưa hoàn thành"] == 7


def test_annual_workbook_with_recognitions_and_party_cells():
    wb = workbook(ANNUAL_MOVEMENT)
    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo tháng",
        "Tiêu chí",
        "Đạt chuẩn",
        "Xếp hạng",
        "So sánh năm trước",
        "Danh hiệu",
        "Chi bộ",
        "Cách tính",
    ]
    titles = wb["Danh hiệu"]
    assert header(titles) == ["STT", "Đơn vị", "Phường/xã", "Danh hiệu", "Quyết định công nhận"]
    assert [c.value for c in titles[3]] == [
        2,
        "Tổ dân phố Đình Hương 1",
        "Phường Hạc Thành",
        "Tổ dân phố kiểu mẫu",
        "120/QĐ-UBND ngày 15/04/2027",
    ]
    assert row_of(titles, 1, "Tổng số đơn vị được công nhận")[2] == 3
    assert row_of(titles, 1, "Danh sách chỉ liệt kê 2 trên 3 đơn vị")
    cells = wb["Chi bộ"]
    assert header(cells) == ["Xếp loại", "Số chi bộ", "Tỷ lệ trên số đã đánh giá"]
    assert [c.value for c in cells[2]] == ["Hoàn thành xuất sắc nhiệm vụ", 3, pytest.approx(3 / 16)]
    assert cells["C2"].number_format == "0.0 %"
    assert row_of(cells, 0, "Đã đánh giá, xếp loại")[:2] == ("Đã đánh giá, xếp loại", 16)
    assert row_of(cells, 0, "Chưa đánh giá")[1] == 1
    assert row_of(cells, 0, "Thang đánh giá")[1] == "Thang 100 điểm (Quy định 366-QĐ/TW)"
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws["A1"].font.bold


def test_pdf_context_numbers_the_annual_parts():
    assert pdf_context(ANNUAL)["parts"] == {"ranking": "IV", "compare": "V"}
    assert pdf_context(ANNUAL_MOVEMENT)["parts"] == {
        "ranking": "IV",
        "compare": "V",
        "recognitions": "VI",
        "party_cells": "VII",
    }
    ward = pdf_context(ward_scope(ANNUAL_MOVEMENT))
    assert ward["parts"] == {"compare": "IV", "recognitions": "V", "party_cells": "VI"}
    assert ward["party_cells"]["levels"][1] == {"name": "Hoàn thành tốt nhiệm vụ", "count": "12", "share": "75,0 %"}
    assert pdf_context(ANNUAL)["recognitions"] is None and pdf_context(MONTHLY)["tasks"] is None
    assert pdf_context(MONTHLY_MOVEMENT)["tasks"]["done"] == "1.234"


def test_monthly_pdf_with_tasks(tmp_path):
    text = flat(poppler("pdftotext", pdf_bytes(MONTHLY_MOVEMENT, issued_on=ISSUED), tmp_path))
    assert "V. THỰC HIỆN NHIỆM VỤ PHONG TRÀO THI ĐUA" in text
    assert "Trong kỳ đã hoàn thành 1.234 nhiệm vụ; 7 nhiệm vụ quá hạn chưa hoàn thành tính đến cuối kỳ." in text
    plain = flat(poppler("pdftotext", pdf_bytes(MONTHLY, issued_on=ISSUED), tmp_path))
    assert "PHONG TRÀO THI ĐUA" not in plain


def test_annual_pdf_with_recognitions_and_party_cells(tmp_path):
    text = flat(poppler("pdftotext", pdf_bytes(ANNUAL_MOVEMENT, issued_on=ISSUED), tmp_path))
    for phrase in (
        "V. SO SÁNH VỚI NĂM TRƯỚC",
        "VI. DANH HIỆU ĐƯỢC CÔNG NHẬN",
        "Trong năm 2026, 3 đơn vị được công nhận danh hiệu",
        "120/QĐ-UBND ngày 15/04/2027",
        "(Danh sách liệt kê 2 trên tổng số 3 đơn vị.)",
        "VII. ĐÁNH GIÁ, XẾP LOẠI CHI BỘ",
        "Tổng số 17 chi bộ; đã đánh giá, xếp loại 16 chi bộ, chưa đánh giá 1 chi bộ",
        "Hoàn thành xuất sắc nhiệm vụ",
        "18,8 %",
    ):
        assert phrase in text, phrase
    ward = flat(poppler("pdftotext", pdf_bytes(ward_scope(ANNUAL_MOVEMENT), issued_on=ISSUED), tmp_path))
    assert "IV. SO SÁNH VỚI NĂM TRƯỚC" in ward and "VI. ĐÁNH GIÁ, XẾP LOẠI CHI BỘ" in ward
