"""A ward worked by hand — five tổ dân phố over two months, every review state, a late report, a merge and
a criteria-set version in force mid-month — and its built PDF and XLSX read back figure by figure.

October 2026, all approved: Tổ 1, 3, 4, 5 meet every criterion; Tổ 2 misses criterion II.
November 2026 (deadline 05/12), built on 20/12 (closed):
- Tổ 1: approved, sent 02/12 (on time), misses criterion III (it slips).
- Tổ 2: submitted 08/12 (late), meets everything (newly meeting the standard).
- Tổ 3: returned for correction. Tổ 7: nothing entered.
- Tổ 4: sent 10/11 on version 1, then merged with Tổ 5 into Tổ 6 on 15/11; version 2 in force from 15/11.
- Tổ 5: ended 15/11 without reporting (not expected). Tổ 6 (new, from 15/11): a draft.
So: 6 units (Tổ 1, 2, 3, 4, 6, 7); reported 3 (on time 2: Tổ 1 and Tổ 4; late 1: Tổ 2); not reported 3 (one
returned, one draft, one nothing); approved 1; meeting the standard 2 (Tổ 2, Tổ 4).
Criteria over the 3 reports that count: I 3/3, II 3/3 (October 4/5: +20,0 points), III 2/3 (October 5/5:
−33,3 points).
"""

import io
import shutil
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from campaigns.criteria.services import criteria_set_new_version
from campaigns.results import rollups
from campaigns.results.models import Submission
from reports.models import Report
from reports.services import report_build
from tests.factories import NeighbourhoodFactory, ProfileFactory
from tests.reports.conftest import enter
from wards.services import unit_retire

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
S = Submission.Status


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HCM)


@pytest.fixture
def built(city, ward_a, months, criteria_set, admin_user):
    oct_, nov = months[10], months[11]
    t = {}
    for i in range(1, 6):
        t[i] = NeighbourhoodFactory(ward=ward_a, name=f"Tổ dân phố {i}")
        ProfileFactory(neighbourhood=t[i], year=2026)
        enter(t[i], oct_, met=i != 2)
    sub_4 = enter(t[4], nov, met=True, status=S.SUBMITTED)
    Submission.objects.filter(pk=sub_4.pk).update(submitted_at=at(2026, 11, 10, 9))
    criteria_set_new_version(criteria_set=criteria_set, user=admin_user, effective_from=date(2026, 11, 15))
    t[6] = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố 6", valid_from=date(2026, 11, 15))
    ProfileFactory(neighbourhood=t[6], year=2026)
    for old in (t[4], t[5]):
        unit_retire(user=admin_user, unit=old, on=date(2026, 11, 15), replaced_by=[t[6]])
    t[7] = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố 7")
    for unit, met, status, sent in (
        (t[1], False, S.APPROVED, at(2026, 12, 2, 15)),
        (t[2], True, S.SUBMITTED, at(2026, 12, 8, 9)),
        (t[3], True, S.RETURNED, at(2026, 12, 1, 9)),
        (t[6], True, S.DRAFT, None),
    ):
        sub = enter(unit, nov, met=met, status=status, fail=("III.1",))
        Submission.objects.filter(pk=sub.pk).update(submitted_at=sent)
    rollups.rollups_refresh(nov, wards=[ward_a])  # the updates of submitted_at above go around the rollups
    report = Report.objects.create(kind=Report.Kind.MONTHLY, city=city, ward=ward_a, period=nov)
    return report_build(report_id=report.pk, today=date(2026, 12, 20))


def test_the_fixture_snapshot_is_what_was_worked_by_hand(built):
    snap = built.snapshot
    assert snap["totals"] == {
        "units": 6,
        "reported": 3,
        "on_time": 2,
        "late": 1,
        "not_reported": 3,
        "returned": 1,
        "approved": 1,
        "complete": 2,
    }
    assert [
        (c["number"], c["met"], c["assessed"], c["previous_met"], c["previous_assessed"]) for c in snap["criteria"]
    ] == [
        ("I", 3, 3, 5, 5),
        ("II", 3, 3, 4, 5),
        ("III", 2, 3, 5, 5),
    ]
    assert [u["name"] for u in snap["newly_complete"]["units"]] == ["Tổ dân phố 2"]
    assert [u["name"] for u in snap["slipped"]["units"]] == ["Tổ dân phố 1"]


def _workbook(report):
    with report.xlsx.open("rb") as f:
        return load_workbook(io.BytesIO(f.read()))


def _rows(sheet) -> list[tuple]:
    """The data rows of a sheet: those numbered in their first column (notes and totals left out)."""
    return [row for row in sheet.iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]


def test_the_workbook_says_the_same(built):
    wb = _workbook(built)
    summary = dict(row[:2] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True))
    assert [summary[k] for k in ("Số thôn/TDP", "Đã báo cáo", "Đúng hạn", "Chậm hạn", "Chưa báo cáo")] == [
        6,
        3,
        2,
        1,
        3,
    ]
    assert [summary[k] for k in ("Trong đó trả lại, đang chỉnh sửa", "Đã duyệt", "Đạt chuẩn")] == [1, 1, 2]
    assert (summary["Mới đạt chuẩn"], summary["Không còn đạt chuẩn"]) == (1, 1)
    assert summary["Tỷ lệ đạt chuẩn"] == pytest.approx(2 / 6)
    [ward_row] = [r for r in wb["Báo cáo"].iter_rows(min_row=2, values_only=True) if r[0] == "14797"]
    assert ward_row[2:] == (6, 3, 2, 1, 3, 1, 1, 2)
    units = {row[2]: row for row in _rows(wb["Từng đơn vị"])}
    assert [(units[f"Tổ dân phố {i}"][3], units[f"Tổ dân phố {i}"][6]) for i in (1, 2, 3, 4, 6, 7)] == [
        ("Đúng hạn", 2),
        ("Chậm hạn", 3),
        ("Trả lại – đang chỉnh sửa", None),
        ("Đúng hạn", 3),
        ("Nháp – chưa gửi", None),
        ("Chưa nhập", None),
    ]
    assert units["Tổ dân phố 1"][8] == "III"  # what it still lacks
    assert [row[2] for row in _rows(wb["Chưa báo cáo"])] == ["Tổ dân phố 3", "Tổ dân phố 6", "Tổ dân phố 7"]
    criteria = {row[0]: row for row in wb["Tiêu chí"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert [criteria[n][2:4] for n in ("I", "II", "III")] == [(3, 3), (3, 3), (2, 3)]
    assert [criteria[n][5:7] for n in ("I", "II", "III")] == [(5, 5), (4, 5), (5, 5)]
    assert [criteria[n][8] for n in ("I", "II", "III")] == pytest.approx([0, 20, -100 / 3])
    assert [row[1] for row in _rows(wb["Mới đạt chuẩn"])] == ["Tổ dân phố 2"]
    assert [row[1] for row in _rows(wb["Không còn đạt"])] == ["Tổ dân phố 1"]
    gaps = [r for r in wb["Còn thiếu"].iter_rows(min_row=2, values_only=True) if r[0] == "14797"]
    assert gaps == [("14797", "Phường Hạc Thành", 0, 0, 1, 1)]
    assert wb.sheetnames[-1] == "Cách tính"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not found (poppler-utils)")
def test_the_pdf_says_the_same(built):
    text = subprocess.run(["pdftotext", built.pdf.path, "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Hạc Thành, ngày 20 tháng 12 năm 2026" in flat  # the place is the ward (NĐ 30/2020)
    assert "Kính gửi: Ủy ban nhân dân tỉnh Thanh Hóa" in flat
    assert "có 6 thôn, tổ dân phố; đã báo cáo 3 đơn vị (50,0 %), trong đó đúng hạn 2, chậm hạn 1" in flat
    assert "đã duyệt 1 đơn vị; chưa báo cáo 3 đơn vị, trong đó 1 đơn vị bị trả lại đang chỉnh sửa" in flat
    assert "Tổ dân phố 3 (bị trả lại), Tổ dân phố 6, Tổ dân phố 7" in flat
    layout = subprocess.run(
        ["pdftotext", "-layout", built.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    ward_row = next(line for line in layout.splitlines() if "Phường Hạc Thành" in line and line.split()[0] == "1")
    assert ward_row.split()[-8:] == ["6", "3", "2", "1", "3", "1", "1", "2"]
    for figures in (
        ["3", "3", "100,0 %", "100,0 %", "0,0"],
        ["3", "3", "100,0 %", "80,0 %", "+20,0"],
        ["2", "3", "66,7 %", "100,0 %", "−33,3"],
    ):
        assert " ".join(figures) in " ".join(layout.split())
    assert "đạt đủ các tiêu chí: 2 đơn vị (33,3 %" in flat
    assert "Mới đạt chuẩn so với tháng trước: 1 đơn vị Tổ dân phố 2." in flat
    assert "Không còn đạt chuẩn so với tháng trước: 1 đơn vị Tổ dân phố 1." in flat
    assert "TC III: 1" in flat
    assert "(*) Ngưỡng đánh giá là số liệu tham khảo" in flat
