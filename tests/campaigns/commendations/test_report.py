"""Commendations in the annual report, hand-worked: counts by form and kind of recipient, the list with its
decisions (capped, counts exact), for a ward's and the city's report; on the page, in the PDF and in the
workbook; queries not growing with the number of commendations."""

import io
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import load_workbook

from campaigns.results.models import Period
from reports import commendation_summaries
from reports.commendation_summaries import commendations_section
from reports.exports import pdf_context, xlsx_bytes
from reports.summaries import FIGURES_OF, annual_snapshot
from tests.campaigns.commendations.conftest import commend
from tests.factories import WardFactory
from wards.models import Ward


@pytest.fixture
def awards(ward_a, ward_b, hood_a, cell_a):
    """Ward A, 2025: an individual, a household and a party cell (giấy khen), its neighbourhood (bằng khen);
    an individual of 2024. Ward B, 2025: the ward itself (giấy khen)."""
    return {
        "person": commend(ward_a, number="101/QĐ-UBND", neighbourhood=hood_a),
        "household": commend(
            ward_a, number="102/QĐ-UBND", recipient="household", person_name="Trần Văn Minh", neighbourhood=hood_a
        ),
        "cell": commend(ward_a, number="12/QĐ-ĐU", recipient="party_cell", party_cell=cell_a),
        "hood": commend(
            ward_a, number="1520/QĐ-UBND", recipient="neighbourhood", neighbourhood=hood_a, form="bang_khen"
        ),
        "old": commend(ward_a, number="90/QĐ-UBND", year=2024),
        "ward": commend(ward_b, number="55/QĐ-UBND", recipient="ward"),
    }


def _snapshot(city, ward):
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2025)
    return annual_snapshot(city=city, ward=ward, period=year, today=date(2026, 11, 20))


def test_the_citys_report_counts_by_form_and_recipient(city, awards, months):
    section = _snapshot(city, None)["commendations"]
    assert section["count"] == 5
    assert section["by_form"] == [
        {"form": "giay_khen", "name": "Giấy khen", "collective": 2, "household": 1, "individual": 1, "all": 4},
        {"form": "bang_khen", "name": "Bằng khen", "collective": 1, "household": 0, "individual": 0, "all": 1},
    ]
    assert section["by_group"] == {"collective": 3, "household": 1, "individual": 1}
    # Đông Quang before Hạc Thành; within a ward by form, then decision date and number.
    assert [i["decision_number"] for i in section["items"]] == [
        "55/QĐ-UBND",
        "1520/QĐ-UBND",
        "101/QĐ-UBND",
        "102/QĐ-UBND",
        "12/QĐ-ĐU",
    ]


def test_the_wards_report_has_only_its_commendations_and_the_files_show_them(city, ward_a, awards, months):
    snap = _snapshot(city, ward_a)
    section = snap["commendations"]
    assert section["count"] == 4 and section["by_group"] == {"collective": 2, "household": 1, "individual": 1}
    context = pdf_context(snap)["commendations"]
    assert context["sentence"] == "tập thể 2, hộ gia đình 1, cá nhân 1"
    person = next(i for i in context["items"] if "Nguyễn Văn Bình" in i["recipient"])
    assert person["recipient"] == "Nguyễn Văn Bình, Tổ trưởng tổ dân phố (Tổ dân phố Đình Hương 1)"
    assert person["decision"] == "101/QĐ-UBND ngày 20/12/2025 của Chủ tịch UBND phường"
    assert [f["label"] for f in context["forms"]] == ["Giấy khen", "Bằng khen"] and context["totals"] == ["2", "1", "1"]
    wb = load_workbook(io.BytesIO(xlsx_bytes(snap)))
    ws = wb["Khen thưởng"]
    rows = list(ws.iter_rows(min_row=2, max_row=6, values_only=True))
    assert [r[8] for r in rows[:4]] == ["1520/QĐ-UBND", "101/QĐ-UBND", "102/QĐ-UBND", "12/QĐ-ĐU"]
    assert rows[1][9].date() == date(2025, 12, 20) and rows[2][2] == "Hộ gia đình"
    assert rows[4][:2] == ("Tổng cộng", 4)
    with translation.override("vi"):
        html = render_to_string("reports/_commendations.html", {"s": snap})
    assert "Trần Văn Minh" in html and "Bằng khen" in html
    assert "commendations" in FIGURES_OF["annual"]


def test_the_list_is_capped_and_the_counts_stay_exact(city, awards, months, monkeypatch):
    monkeypatch.setattr(commendation_summaries, "LIST_LIMIT", 2)
    snap = _snapshot(city, None)
    assert snap["commendations"]["count"] == 5 and len(snap["commendations"]["items"]) == 2
    assert pdf_context(snap)["commendations"]["capped"] == "Danh sách liệt kê 2 trên 5 quyết định khen thưởng."


def test_an_old_snapshot_without_the_section_shows_none(city, ward_a, months):
    snap = _snapshot(city, ward_a)
    assert snap["commendations"]["count"] == 0
    del snap["commendations"]
    assert "commendations" not in pdf_context(snap)["parts"]
    assert "Khen thưởng" not in load_workbook(io.BytesIO(xlsx_bytes(snap))).sheetnames


@pytest.mark.parametrize("size", [2, 12])
def test_the_section_makes_the_same_queries_however_many(city, months, size, django_assert_max_num_queries):
    for i in range(size):
        ward = WardFactory(city=city)
        commend(ward, number=f"{i}/a")
        commend(ward, number=f"{i}/b", recipient="ward")
    with django_assert_max_num_queries(2):
        section = commendations_section(Ward.objects.filter(city=city), 2025)
    assert section["count"] == 2 * size and len(section["items"]) == 2 * size
