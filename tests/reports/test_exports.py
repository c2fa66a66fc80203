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
from datetime import date

import pytest
from django.utils import translation
from openpyxl import load_workbook

from reports.exports import pdf_bytes, pdf_context, xlsx_bytes

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
    },
    "previous_period": "Month 10/2026",
    "criteria_set": {"name": "Bộ tiêu chí tổ dân phố kiểu mẫu", "document": "1234/QĐ-UBND", "version": 2},
    "totals": {"units": 1234, "reported": 1100, "approved": 1040, "complete": 525, "late": 134},
    "reporting": [
        {
            "code": "16417",
            "name": "Phường Đông Quang",
            "units": 234,
            "reported": 200,
            "approved": 190,
            "returned": 5,
            "complete": 75,
            "late": 34,
        },
        {
            "code": "14797",
            "name": "Phường Hạc Thành",
            "units": 1000,
            "reported": 900,
            "approved": 850,
            "returned": 20,
            "complete": 450,
            "late": 100,
        },
    ],
    "late_units": [],
    "criteria": [
        {
            "number": "1",
            "name": "Kinh tế phát triển, đời sống người dân được nâng cao",
            "met": 1000,
            "assessed": 1100,
            "previous": 980,
            "change": 20,
        },
        {"number": "2", "name": "Văn hóa, xã hội", "met": 1050, "assessed": 1100, "previous": 1060, "change": -10},
        {"number": "10", "name": "An ninh, trật tự", "met": 1100, "assessed": 1100, "previous": 1100, "change": 0},
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
    "tasks": None,
}

ANNUAL = {
    "kind": "annual",
    "scope": {"city": "Thanh Hóa", "ward": None, "code": "38"},
    "period": {"label": "Year 2026", "year": 2026, "start": "2026-01-01", "end": "2026-12-31"},
    "criteria_set": {"name": "Bộ tiêu chí tổ dân phố kiểu mẫu", "document": "1234/QĐ-UBND", "version": 2},
    "totals": {"units": 1234, "month": "Month 11/2026", "reported": 1100, "complete": 525},
    "trend": [
        {"month": "Month 10/2026", "reported": 1000, "complete": 400},
        {"month": "Month 11/2026", "reported": 1100, "complete": 525},
    ],
    "criteria": [
        {"number": "1", "name": "Kinh tế phát triển", "met": 1000, "assessed": 1100, "previous": 700, "change": 300}
    ],
    "reaching_standard": {"count": 525, "units": [{"name": "Tổ dân phố Đình Hương 1", "ward": "Phường Hạc Thành"}]},
    "ranking": [
        {"code": "14797", "name": "Phường Hạc Thành", "units": 1000, "complete": 450, "share": 45.0, "rank": 1},
        {"code": "16417", "name": "Phường Đông Quang", "units": 234, "complete": 75, "share": 32.1, "rank": 2},
    ],
    "previous_year": {"year": 2025, "month": "Month 12/2025", "reported": 900, "complete": 300},
    "recognitions": None,
    "party_cells": None,
}

ISSUED = date(2026, 12, 5)


def ward_scope(snapshot: dict) -> dict:
    ward = copy.deepcopy(snapshot)
    ward["scope"] = {"city": "Thanh Hóa", "ward": "Phường Hạc Thành", "code": "14797"}
    return ward


# --- XLSX ----------------------------------------------------------------------------------------------------


def workbook(snapshot):
    return load_workbook(io.BytesIO(xlsx_bytes(snapshot)))


def header(ws):
    return [c.value for c in ws[1]]


def row_of(ws, column: int, value):
    return next(row for row in ws.iter_rows(min_row=2, values_only=True) if row[column] == value)


def test_monthly_workbook_sheets_and_headers():
    wb = workbook(MONTHLY)
    assert wb.sheetnames == ["Tổng hợp", "Báo cáo", "Tiêu chí", "Mới đạt chuẩn", "Không còn đạt", "Còn thiếu"]
    assert header(wb["Báo cáo"]) == [
        "Mã",
        "Phường/xã",
        "Số thôn/TDP",
        "Đã báo cáo",
        "Đã duyệt",
        "Trả lại",
        "Đạt chuẩn",
        "Chậm báo cáo",
    ]
    assert header(wb["Tiêu chí"]) == [
        "Số TT",
        "Tiêu chí",
        "Số đạt",
        "Số đánh giá",
        "Tỷ lệ đạt",
        "Tháng trước",
        "Tăng/giảm",
    ]
    assert header(wb["Còn thiếu"]) == ["Mã", "Phường/xã", "TC 1", "TC 2", "TC 10", "Tổng"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(cell.font.bold for cell in ws[1]), ws.title
        assert all(ws.column_dimensions[letter].width >= 6 for letter in "AB"), ws.title


def test_monthly_workbook_cells_are_typed():
    wb = workbook(MONTHLY)
    ws = wb["Báo cáo"]
    assert [c.value for c in ws[2]] == ["16417", "Phường Đông Quang", 234, 200, 190, 5, 75, 34]
    assert isinstance(ws["C2"].value, int) and ws["C2"].number_format == "#,##0"
    assert row_of(ws, 1, "Tổng cộng")[2:] == (1234, 1100, 1040, 25, 525, 134)
    assert ws["C4"].font.bold
    assert ws.column_dimensions["B"].width >= len("Phường Đông Quang")

    criteria = wb["Tiêu chí"]
    assert [c.value for c in criteria[3]] == [2, "Văn hóa, xã hội", 1050, 1100, pytest.approx(1050 / 1100), 1060, -10]
    assert criteria["E3"].number_format == "0.0%"
    assert criteria["G3"].number_format.startswith("+")

    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số thôn/TDP"] == 1234
    assert summary["Tỷ lệ đã báo cáo"] == pytest.approx(1100 / 1234)
    assert summary["Kỳ báo cáo"] == "Tháng 11/2026"
    assert summary["Kỳ so sánh"] == "Tháng 10/2026"
    assert summary["Hạn nhập số liệu"].date() == date(2026, 12, 5)
    assert summary["Trả lại"] == 25


def test_unit_lists_keep_the_exact_count_when_names_are_capped():
    wb = workbook(MONTHLY)
    new = wb["Mới đạt chuẩn"]
    assert header(new) == ["STT", "Thôn/Tổ dân phố", "Phường/xã"]
    assert [c.value for c in new[2]] == [1, "Tổ dân phố Đông Cương 3", "Phường Đông Quang"]
    assert row_of(new, 1, "Tổng số đơn vị")[2] == 345
    assert any("3 trên 345" in str(row[1]) for row in new.iter_rows(values_only=True))
    assert row_of(wb["Không còn đạt"], 1, "Tổng số đơn vị")[2] == 0


def test_gaps_are_a_ward_by_criterion_matrix():
    ws = workbook(MONTHLY)["Còn thiếu"]
    assert row_of(ws, 0, "16417") == ("16417", "Phường Đông Quang", 3, 7, 0, 10)
    assert row_of(ws, 0, "14797")[2:] == (0, 0, 0, 0)
    assert row_of(ws, 1, "Tổng cộng")[2:] == (3, 7, 0, 10)
    assert ws.column_dimensions["B"].width < 30  # the note under the table sets no width


def test_late_units_get_a_sheet_only_when_there_are_some():
    snapshot = ward_scope(MONTHLY)
    snapshot["late_units"] = ["Tổ dân phố Đình Hương 3", "Tổ dân phố Đình Hương 4"]
    wb = workbook(snapshot)
    assert "Chưa báo cáo" in wb.sheetnames
    assert [c.value for c in wb["Chưa báo cáo"][3]] == [2, "Tổ dân phố Đình Hương 4"]


def test_annual_workbook():
    wb = workbook(ANNUAL)
    # recognitions and party_cells are None: no sheet for them.
    assert wb.sheetnames == ["Tổng hợp", "Theo tháng", "Tiêu chí", "Đạt chuẩn", "Xếp hạng", "So sánh năm trước"]
    assert header(wb["Theo tháng"]) == ["Tháng", "Đã báo cáo", "Đạt chuẩn", "Tỷ lệ đạt/đã báo cáo"]
    assert [c.value for c in wb["Theo tháng"][2]][:3] == ["Tháng 10/2026", 1000, 400]
    ranking = wb["Xếp hạng"]
    assert header(ranking) == ["Hạng", "Mã", "Phường/xã", "Số thôn/TDP", "Đạt chuẩn", "Tỷ lệ đạt chuẩn"]
    assert [c.value for c in ranking[3]] == [2, "16417", "Phường Đông Quang", 234, 75, pytest.approx(0.321)]
    assert ranking["F3"].number_format == "0.0%"
    assert header(wb["Tiêu chí"])[5] == "Năm trước"
    compare = wb["So sánh năm trước"]
    assert header(compare) == ["Nội dung", "Năm 2026", "Năm 2025", "Tăng/giảm"]
    assert row_of(compare, 0, "Đạt chuẩn") == ("Đạt chuẩn", 525, 300, 225)
    assert row_of(wb["Đạt chuẩn"], 1, "Tổng số đơn vị")[2] == 525
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Năm"] == 2026 and summary["Tháng có số liệu gần nhất"] == "Tháng 11/2026"
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
    assert context["totals"]["reported_share"] == "89,1%"
    assert context["criteria"][1]["change"] == "−10" and context["criteria"][0]["change"] == "+20"
    assert context["criteria"][2]["share"] == "100%"
    assert context["period"]["deadline"] == "05/12/2026"
    assert context["newly_complete"]["count"] == "345" and context["newly_complete"]["capped"]
    assert context["gaps"] == [{"name": "Phường Đông Quang", "items": "TC 1: 3; TC 2: 7", "total": "10"}]
    assert context["signer_lines"] == ["CHỦ TỊCH"]
    deputy = pdf_context(MONTHLY, signer_title="KT. Chủ tịch\nPhó Chủ tịch")
    assert deputy["signer_lines"] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    with translation.override("en"):  # a Celery worker or an English session renders the same document
        assert pdf_context(MONTHLY, issued_on=ISSUED) == context

    ward = pdf_context(ward_scope(MONTHLY), place="Hạc Thành", issued_on=date(2026, 2, 3))
    assert ward["body_line2"] == "PHƯỜNG HẠC THÀNH"
    assert ward["place_date"] == "Hạc Thành, ngày 03 tháng 02 năm 2026"
    assert pdf_context(MONTHLY, issued_on=date(2026, 3, 15))["place_date"].endswith("ngày 15 tháng 3 năm 2026")


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
        "- Như trên;",
        "- Lưu: VT.",
        "1.234",
        "89,1%",
        "42,5%",
        "95,5%",
        "01/11/2026",
        "05/12/2026",
        "Phường Đông Quang",
        "Tổ dân phố Đình Hương 2",
        "345",
        "TC 1: 3; TC 2: 7",
    ):
        assert phrase in text, phrase


def test_pdf_without_number_leaves_room_to_fill_in(tmp_path):
    pdf = pdf_bytes(ward_scope(MONTHLY), issued_on=ISSUED, signer_title="Phó Chủ tịch")
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
        "XẾP HẠNG CÁC PHƯỜNG, XÃ",
        "32,1%",
        "47,7%",
        "Tháng 11/2026",
        "SO SÁNH VỚI NĂM TRƯỚC",
        "Năm 2026",
        "Năm 2025",
        "+225",
        "1.234",
    ):
        assert phrase in text, phrase
    assert "2.026" not in text  # years are not numbers to group


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
    assert wb.sheetnames[-1] == "Nhiệm vụ" and wb.sheetnames[:-1] == workbook(MONTHLY).sheetnames
    tasks = wb["Nhiệm vụ"]
    assert header(tasks) == ["Mã", "Phường/xã", "Hoàn thành trong kỳ", "Quá hạn chưa hoàn thành"]
    assert [c.value for c in tasks[2]] == ["16417", "Phường Đông Quang", 34, 7]
    assert row_of(tasks, 1, "Tổng cộng")[1:] == ("Tổng cộng", 1234, 7)
    assert tasks["C4"].number_format == "#,##0" and tasks["A4"].font.bold
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Nhiệm vụ hoàn thành trong kỳ"] == 1234 and summary["Nhiệm vụ quá hạn"] == 7


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
    assert cells["C2"].number_format == "0.0%"
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
    assert ward["party_cells"]["levels"][1] == {"name": "Hoàn thành tốt nhiệm vụ", "count": "12", "share": "75%"}
    assert pdf_context(ANNUAL)["recognitions"] is None and pdf_context(MONTHLY)["tasks"] is None
    assert pdf_context(MONTHLY_MOVEMENT)["tasks"]["done"] == "1.234"


def test_monthly_pdf_with_tasks(tmp_path):
    text = flat(poppler("pdftotext", pdf_bytes(MONTHLY_MOVEMENT, issued_on=ISSUED), tmp_path))
    assert "V. THỰC HIỆN NHIỆM VỤ PHONG TRÀO THI ĐUA" in text
    assert "Trong kỳ đã hoàn thành 1.234 nhiệm vụ; 7 nhiệm vụ quá hạn chưa hoàn thành." in text
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
        "18,8%",
    ):
        assert phrase in text, phrase
    ward = flat(poppler("pdftotext", pdf_bytes(ward_scope(ANNUAL_MOVEMENT), issued_on=ISSUED), tmp_path))
    assert "IV. SO SÁNH VỚI NĂM TRƯỚC" in ward and "VI. ĐÁNH GIÁ, XẾP LOẠI CHI BỘ" in ward
