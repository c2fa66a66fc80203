"""Plan targets in the annual report, hand-worked: every metric counted here by hand on a small province
(two wards), the ward's and the city's plans with their achieved values, shares and x/y reached; the
section in the snapshot (the ward's plan in a ward's report, the city's in the city's), on the page, in the
PDF and in the workbook; its queries not growing with the number of units and targets."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import load_workbook

from campaigns.criteria.models import Programme
from campaigns.movement.inspections.models import Registration
from campaigns.movement.models import PartyCellRating, Recognition
from campaigns.movement.plans import metrics
from campaigns.results.models import Period, Submission
from reports.exports import pdf_context, xlsx_bytes
from reports.exports.plans import plans_context
from reports.plan_summaries import plans_section
from reports.summaries import FIGURES_OF, annual_snapshot, figure_definitions
from tests.campaigns.plans.conftest import aim
from tests.factories import NeighbourhoodFactory, PartyCellFactory, ProfileFactory
from tests.reports.conftest import enter
from wards.models import Ward

C, W = Recognition.Status.CONFIRMED, Recognition.Status.WITHDRAWN


def _recognition(ward, hood, status=C, year=2026, title="Phố kiểu mẫu", **more):
    decided = {"decision_number": "1/QĐ", "decision_date": date(year + 1, 1, 10)} if status in (C, W) else {}
    if status == W:
        decided.update(withdrawal_number="9/QĐ", withdrawal_reason="Không duy trì tiêu chí")
    return Recognition.objects.create(
        ward=ward, neighbourhood=hood, year=year, title=title, status=status, **decided, **more
    )


def _register(programme, ward, hood, first, last, status="registered"):
    return Registration.objects.create(
        programme=programme,
        ward=ward,
        neighbourhood=hood,
        first_year=first,
        last_year=last,
        status=status,
        registered_on=date(first, 1, 15),
    )


def _rate(cell, year, level):
    scale = PartyCellRating.scale_for(year)
    score = Decimal(95) if level == "excellent" else Decimal(75)
    return PartyCellRating.objects.create(party_cell=cell, year=year, scale=scale, level=level, score=score)


@pytest.fixture
def province(city, ward_a, ward_b, months):
    """Ward A: h1…h5; ward B: h6, h7. What each unit counts for, year 2026, is written beside it."""
    h = {i: NeighbourhoodFactory(ward=ward_a, name=f"Tổ dân phố {i}") for i in range(1, 6)}
    h.update({i: NeighbourhoodFactory(ward=ward_b, name=f"Thôn {i}") for i in (6, 7)})
    # Titles: h1 twice (counted once), h2 withdrawn after the year (counts), h3 withdrawn within it, h4 only
    # proposed, h5 a title of 2025, the ward itself (not a neighbourhood); h6 in ward B.  A: 2, city: 3.
    _recognition(ward_a, h[1])
    _recognition(ward_a, h[1], title="Tổ dân phố văn hóa")
    _recognition(ward_a, h[2], W, withdrawn_on=date(2027, 3, 1))
    _recognition(ward_a, h[3], W, withdrawn_on=date(2026, 12, 1))
    _recognition(ward_a, h[4], Recognition.Status.PROPOSED)
    _recognition(ward_a, h[5], year=2025)
    _recognition(ward_a, None, title="Phường kiểu mẫu")
    _recognition(ward_b, h[6])
    # Registrations: h1 for two programmes (once), h2 for 2025–2027, h3 withdrawn, h4 for 2025 only, the ward
    # itself; h6 in ward B.  A: 2, city: 3.
    p1 = Programme.objects.create(code="p1", name="Phố kiểu mẫu", title="Phố kiểu mẫu", level="neighbourhood")
    p2 = Programme.objects.create(code="p2", name="TDP văn hóa", title="TDP văn hóa", level="neighbourhood")
    _register(p1, ward_a, h[1], 2026, 2026)
    _register(p2, ward_a, h[1], 2026, 2026)
    _register(p1, ward_a, h[2], 2025, 2027)
    _register(p1, ward_a, h[3], 2026, 2026, status="withdrawn")
    _register(p1, ward_a, h[4], 2025, 2025)
    _register(p1, ward_a, None, 2026, 2026)
    _register(p1, ward_b, h[6], 2026, 2026)
    # Profiles of 2026 (entered before the results, which read them): h1 none poor, h2 and h3 two poor, h4 only
    # a 2025 profile with none poor, h5 none poor; h6 none poor, h7 one poor.  No poor household: A 2, city 3.
    for i, poor, year in (
        (1, 0, 2026),
        (2, 2, 2026),
        (3, 2, 2026),
        (4, 0, 2025),
        (5, 0, 2026),
        (6, 0, 2026),
        (7, 1, 2026),
    ):
        ProfileFactory(neighbourhood=h[i], year=year, poor_households=poor)
    # Reaching the standard: h1's latest month (November) misses; h2 meets in November; h3's latest is May and
    # meets; h4's November is a draft (does not count); h6 meets.  A: 2, city: 3.
    enter(h[1], months[10], met=True)
    enter(h[1], months[11], met=False)
    enter(h[2], months[11], met=True)
    enter(h[3], months[5], met=True)
    enter(h[4], months[11], met=True, status=Submission.Status.DRAFT)
    enter(h[6], months[11], met=True)
    # Party cells: c1 excellent 2026, c2 good, c3 excellent in 2025; c4 in ward B excellent.  A: 1, city: 2.
    c = {i: PartyCellFactory(ward=ward_a if i < 4 else ward_b, name=f"Chi bộ {i}") for i in range(1, 5)}
    _rate(c[1], 2026, "excellent")
    _rate(c[2], 2026, "good")
    _rate(c[3], 2025, "excellent")
    _rate(c[4], 2026, "excellent")
    return h


def test_every_metric_counted_by_hand(city, ward_a, ward_b, province):
    a, whole = Ward.objects.filter(pk=ward_a.pk), Ward.objects.filter(city=city)
    by_hand = {"titled": (2, 3), "registered": (2, 3), "reached": (2, 3), "excellent_cells": (1, 2), "no_poor": (2, 3)}
    for source, (in_a, in_city) in by_hand.items():
        assert metrics.METRICS[source](a, 2026) == in_a, source
        assert metrics.METRICS[source](whole, 2026) == in_city, source
    assert metrics.titled_units(a, 2025) == 1  # h5's title of 2025


@pytest.fixture
def plans(city, ward_a, province):
    aim(city, ward_a, "Số phố, thôn đạt danh hiệu kiểu mẫu", "2", year=2026, source="titled", order=1, unit="phố, thôn")
    aim(city, ward_a, "Số phố, thôn đăng ký", "3", year=2026, source="registered", order=2)
    aim(city, ward_a, "Số phố, thôn đạt chuẩn", "2", year=2026, source="reached", order=3)
    aim(city, ward_a, "Chi bộ hoàn thành xuất sắc", "2", year=2026, source="excellent_cells", order=4)
    aim(city, ward_a, "Không còn hộ nghèo", "2", year=2026, source="no_poor", order=5)
    aim(city, ward_a, "Tỷ lệ hộ nghèo", "0.5", year=2026, direction="at_most", achieved="0.24", order=6, unit="%")
    aim(city, ward_a, "Kết nạp đảng viên mới", "10", year=2026, achieved="12", order=7, is_example=True)
    aim(city, ward_a, "Số tuyến phố văn minh", "4", year=2026, order=8)  # no value yet
    aim(city, ward_a, "Số vụ cháy", "0", year=2026, achieved="0", order=9)  # 0 ≥ 0 is reached; no share
    aim(city, None, "Số phố, thôn đạt kiểu mẫu", "3", year=2026, source="titled", order=1)
    aim(city, None, "Số phố, thôn đăng ký", "4", year=2026, source="registered", order=2)
    aim(city, None, "Không còn hộ nghèo", "3", year=2026, source="no_poor", order=3)
    aim(city, None, "Kết nạp đảng viên mới", "500", year=2025, achieved="540")  # another year


WARD_EXPECTED = [  # (achieved, reached, % of plan as the PDF writes it)
    (2, True, "100,0 %"),
    (2, False, "66,7 %"),
    (2, True, "100,0 %"),
    (1, False, "50,0 %"),
    (2, True, "100,0 %"),
    (0.24, True, "48,0 %"),
    (12, True, "120,0 %"),
    (None, False, "—"),
    (0, True, "—"),
]


def test_the_wards_report_has_the_wards_plan(city, ward_a, plans, months):
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
    snap = annual_snapshot(city=city, ward=ward_a, period=year, today=date(2027, 1, 15))
    section = snap["plans"]
    assert (section["owner"], section["is_city"], section["count"], section["reached"]) == (ward_a.name, False, 9, 6)
    assert [(t["achieved"], t["reached"]) for t in section["targets"]] == [(a, r) for a, r, _p in WARD_EXPECTED]
    assert section["targets"][0]["metric"] == "plan_titled" and section["targets"][5]["direction"] == "at_most"
    context = pdf_context(snap)
    assert context["plans"]["headline"] == "6/9 chỉ tiêu đạt"
    assert [r["percent"] for r in context["plans"]["rows"]] == [p for _a, _r, p in WARD_EXPECTED]
    assert [r["reached"] for r in context["plans"]["rows"]][:2] == ["Đạt", "Không đạt"]
    assert context["plans"]["rows"][5]["target"] == "≤ 0,5" and context["plans"]["rows"][5]["achieved"] == "0,24"
    assert context["parts"]["plans"]
    wb = load_workbook(io.BytesIO(xlsx_bytes(snap)))
    ws = wb["Chỉ tiêu kế hoạch"]
    rows = list(ws.iter_rows(min_row=2, max_row=10, values_only=True))
    assert [r[5] for r in rows] == [2, 2, 2, 1, 2, 0.24, 12, None, 0]
    assert rows[1][6] == pytest.approx(2 / 3) and rows[7][6] is None and rows[8][6] is None
    assert [r[7] for r in rows] == ["Có", "Không", "Có", "Không", "Có", "Có", "Có", "Không", "Có"]
    assert "6/9 chỉ tiêu đạt" in ws.cell(row=11, column=2).value
    with translation.override("vi"):
        html = render_to_string("reports/_plans.html", {"s": snap})
    assert "6/9" in html and "66,7 %" in html and "120,0 %" in html


def test_the_citys_report_has_the_citys_plan(city, plans, months):
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
    section = annual_snapshot(city=city, ward=None, period=year, today=date(2027, 1, 15))["plans"]
    assert (section["owner"], section["is_city"], section["count"], section["reached"]) == (city.name, True, 3, 2)
    assert [(t["achieved"], t["reached"]) for t in section["targets"]] == [(3, True), (3, False), (3, True)]
    assert plans_context(section)["rows"][1]["percent"] == "75,0 %"


def test_a_snapshot_without_the_section_shows_none(city, ward_a, months):
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
    snap = annual_snapshot(city=city, ward=ward_a, period=year, today=date(2027, 1, 15))
    assert snap["plans"]["count"] == 0
    del snap["plans"]
    assert "plans" not in pdf_context(snap)["parts"]
    assert "Chỉ tiêu kế hoạch" not in load_workbook(io.BytesIO(xlsx_bytes(snap))).sheetnames


def test_the_definitions_are_in_words_and_in_vietnamese(months):
    for key in (
        "plan_targets",
        "plan_titled",
        "plan_registered",
        "plan_reached",
        "plan_excellent_cells",
        "plan_no_poor",
    ):
        assert key in FIGURES_OF["annual"]
    with translation.override("vi"):
        words = {d["label"]: d["words"] for d in figure_definitions("annual")}
    assert any("chỉ tiêu" in label.lower() for label in words)
    assert all(not w.startswith("Plan targets:") for w in words.values())


@pytest.mark.parametrize("size", [2, 10])
def test_the_section_makes_the_same_queries_however_many_units_and_targets(
    city, ward_a, months, size, django_assert_max_num_queries
):
    for i in range(size):
        NeighbourhoodFactory(ward=ward_a)
        for n, source in enumerate(("titled", "registered", "reached", "excellent_cells", "no_poor", "entered")):
            aim(city, None, f"Chỉ tiêu {i}-{n}", "3", year=2026, source=source, order=i)
    with django_assert_max_num_queries(9):
        section = plans_section(city=city, ward=None, year=2026)
    assert section["count"] == 6 * size
