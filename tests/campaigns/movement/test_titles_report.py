"""The annual report's section "Đăng ký, kiểm tra và công nhận danh hiệu" and the dashboards' panel: figures
worked by hand, the page, the PDF and the sheets, the "Cách tính" lines, snapshots built before the section, and
queries that do not grow with the units. Clock pinned to 20/11/2026."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from campaigns.movement.models import Recognition
from campaigns.movement.services.title_figures import title_panel
from campaigns.results import periods
from campaigns.results.models import Period
from reports.exports import pdf_bytes, pdf_context, xlsx_bytes
from reports.summaries import FIGURES_OF, annual_snapshot, figure_definitions
from reports.title_summaries import FIGURE_KEYS, titles_section
from tests.factories import (
    CityFactory,
    CityRoundFactory,
    InspectionRoundFactory,
    NeighbourhoodFactory,
    ProgrammeFactory,
    RegistrationFactory,
    VisitFactory,
    WardFactory,
)
from tests.reports.test_exports import ANNUAL, ISSUED, flat, poppler
from wards.models import Ward

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
Y = 2025


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=HANOI), tick=False):
        yield


def visit(round_, hood, conclusion):
    conditions = "Bổ sung sổ sách" if conclusion == "conditions" else ""
    return VisitFactory(round=round_, neighbourhood=hood, ward=hood.ward, conclusion=conclusion, conditions=conditions)


def title(hood, programme, year, *, withdrawn_on=None, number="1234/QĐ-UBND"):
    extra = {"withdrawal_number": "56/QĐ-UBND", "withdrawn_on": withdrawn_on, "withdrawal_reason": "Vi phạm"}
    return Recognition.objects.create(
        ward=hood.ward,
        neighbourhood=hood,
        programme=programme,
        year=year,
        title=programme.title,
        status="withdrawn" if withdrawn_on else "confirmed",
        decision_number=number,
        decision_date=date(year, 12, 15),
        valid_until=programme.valid_until(year),
        **(extra if withdrawn_on else {}),
    )


@pytest.fixture
def path(world, city, ward_a, ward_b, hood_a, hood_b):
    """Worked by hand. Programme "Phố kiểu mẫu", 2025. Hạc Thành: Đình Hương 1 (h1), Phố 2 (h2), Phố 3 (h3),
    Phố 4 (h4); Đông Quang: Đông Cương 3 (hb).

    - registered: h1, h2, h3 (h3 twice: a 2024–2026 term and 2025 alone; counts once), hb; h4's was withdrawn,
      a 2026 one does not cover 2025 → Hạc Thành 3, Đông Quang 1.
    - ward inspection: first round h1 meets, h2 conditions, h3 not met; a later round h3 meets; h4 pending
      → passed h1, h2, h3 = 3.
    - city verification: h1 meets, h2 not met, h3 meets; an earlier city round had h2 meets (the later wins)
      → verified h1, h3 = 2.
    - titles for 2025: h1, h3 (h3 withdrawn in 2026: still awarded for 2025) → 2.
    - withdrawn during 2025: h4's title of 2024, withdrawn 01/06/2025 → 1 (not awarded for 2025).
    - another programme's and a title outside a programme are not counted; a foreign city neither.
    """
    p = ProgrammeFactory(code="pho-kieu-mau", title="Phố kiểu mẫu", term_years=1)
    h1, hb = hood_a, hood_b
    h2, h3, h4 = (NeighbourhoodFactory(ward=ward_a, name=n) for n in ("Phố 2", "Phố 3", "Phố 4"))
    for h in (h1, h2, hb):
        RegistrationFactory(programme=p, neighbourhood=h, ward=h.ward, first_year=Y)
    RegistrationFactory(programme=p, neighbourhood=h3, ward=ward_a, first_year=2024, last_year=2026)
    RegistrationFactory(programme=p, neighbourhood=h3, ward=ward_a, first_year=Y)
    RegistrationFactory(programme=p, neighbourhood=h4, ward=ward_a, first_year=Y, status="withdrawn")
    RegistrationFactory(programme=p, neighbourhood=h4, ward=ward_a, first_year=2026)
    first = InspectionRoundFactory(programme=p, year=Y, ward=ward_a, starts_on=date(Y, 9, 1), ends_on=date(Y, 9, 30))
    later = InspectionRoundFactory(programme=p, year=Y, ward=ward_a)
    for h, c in ((h1, "meets"), (h2, "conditions"), (h3, "not_met")):
        visit(first, h, c)
    visit(later, h3, "meets")
    visit(later, h4, "pending")
    early = CityRoundFactory(programme=p, year=Y, city=city, starts_on=date(Y, 10, 1), ends_on=date(Y, 10, 20))
    visit(early, h2, "meets")
    city_round = CityRoundFactory(programme=p, year=Y, city=city)
    for h, c in ((h1, "meets"), (h2, "not_met"), (h3, "meets")):
        visit(city_round, h, c)
    title(h1, p, Y)
    title(h3, p, Y, withdrawn_on=date(2026, 3, 20))
    title(h4, p, 2024, withdrawn_on=date(Y, 6, 1), number="77/QĐ-UBND")
    other = ProgrammeFactory(code="van-hoa", name="Tổ dân phố văn hóa", title="Tổ dân phố văn hóa")
    title(h2, other, Y)
    Recognition.objects.create(
        ward=ward_a, neighbourhood=h2, year=Y, title="Giấy khen", status="confirmed", decision_number="9/QĐ",
        decision_date=date(Y, 12, 1),
    )  # fmt: skip
    foreign = NeighbourhoodFactory(ward=WardFactory(city=CityFactory(code="40", name="Nghệ An")))
    RegistrationFactory(programme=p, neighbourhood=foreign, ward=foreign.ward, first_year=Y)
    return p


def _figures(row):
    return [row[k] for k in ("registered", "ward_passed", "verified", "decided", "withdrawn")]


def test_the_section_matches_the_count_by_hand(path, city):
    section = titles_section(Ward.objects.filter(city=city), Y)
    main = next(p for p in section["programmes"] if p["code"] == "pho-kieu-mau")
    assert _figures(main["totals"]) == [4, 3, 2, 2, 1]
    assert [(r["name"], _figures(r)) for r in main["by_ward"]] == [
        ("Phường Đông Quang", [1, 0, 0, 0, 0]),
        ("Phường Hạc Thành", [3, 3, 2, 2, 1]),
    ]
    other = next(p for p in section["programmes"] if p["code"] == "van-hoa")
    assert _figures(other["totals"]) == [0, 0, 0, 1, 0]
    assert section["decided"]["count"] == 3  # h1, h3 and the other programme's h2; not the Giấy khen
    assert [(u["name"], u["withdrawn"]) for u in section["decided"]["units"]] == [
        ("Phố 2", False),
        ("Phố 3", True),
        ("Tổ dân phố Đình Hương 1", False),
    ]
    assert [(u["name"], u["withdrawal"], u["year"]) for u in section["withdrawn"]["units"]] == [
        ("Phố 4", "56/QĐ-UBND", 2024)
    ]


def test_a_ward_report_counts_its_own_units(path, city, ward_b):
    section = titles_section(Ward.objects.filter(pk=ward_b.pk), Y)
    assert [_figures(p["totals"]) for p in section["programmes"]] == [[1, 0, 0, 0, 0]]
    assert section["decided"]["count"] == 0 and section["withdrawn"]["count"] == 0


def test_the_annual_snapshot_and_its_definitions_carry_the_section(path, city):
    periods.periods_ensure(Y)
    snapshot = annual_snapshot(city=city, ward=None, period=Period.objects.get(kind="year", year=Y))
    assert _figures(snapshot["titles"]["programmes"][0]["totals"]) == [4, 3, 2, 2, 1]
    assert set(FIGURE_KEYS) <= set(FIGURES_OF["annual"]) and FIGURES_OF["annual"][-2:] == ("no_poor", "poor_households")
    with translation.override("vi"):
        labels = {d["label"]: d["words"] for d in figure_definitions("annual")}
    assert labels["Đạt phúc tra của tỉnh"].startswith("Đạt phúc tra của tỉnh: số đơn vị")
    assert "Danh hiệu bị thu hồi trong năm" in labels and "Đơn vị đăng ký" in labels


SECTION = {
    "year": 2025,
    "programmes": [
        {
            "code": "pho-thon-kieu-mau",
            "name": "Phố, thôn kiểu mẫu",
            "title": "Phố, thôn kiểu mẫu",
            "level": "neighbourhood",
            "valid_until": "2026-12-31",
            "totals": {"registered": 14, "ward_passed": 13, "verified": 12, "decided": 12, "withdrawn": 0},
            "by_ward": [
                {"code": "14797", "name": "Phường Hạc Thành", "registered": 14, "ward_passed": 13, "verified": 12,
                 "decided": 12, "withdrawn": 0},
            ],
        }
    ],
    "decided": {
        "count": 12,
        "units": [
            {"name": "Phố Trần Phú", "ward": "Phường Hạc Thành", "title": "Phố, thôn kiểu mẫu",
             "decision": "1234/QĐ-UBND", "decision_date": "2025-12-15", "signer": "Nguyễn Văn An, Chủ tịch UBND tỉnh",
             "valid_until": "2026-12-31", "withdrawn": True},
        ],
    },
    "withdrawn": {
        "count": 1,
        "units": [
            {"name": "Phố Lê Lai", "ward": "Phường Hạc Thành", "title": "Phố, thôn kiểu mẫu", "year": 2024,
             "decision": "12/QĐ-UBND", "withdrawal": "56/QĐ-UBND", "withdrawn_on": "2025-03-20",
             "signer": "Nguyễn Văn An", "reason": "Vi phạm an ninh trật tự"},
        ],
    },
}  # fmt: skip


def test_the_pdf_and_the_workbook_carry_the_section(tmp_path):
    snapshot = {**ANNUAL, "titles": SECTION}
    context = pdf_context(snapshot, issued_on=ISSUED)
    assert "titles" in context["parts"]
    assert context["titles"]["programmes"][0]["sentence"] == (
        "Chương trình “Phố, thôn kiểu mẫu” năm 2025: 14 thôn, tổ dân phố đăng ký; 13 đạt kiểm tra của phường, xã; "
        "12 đạt phúc tra; 12 được công nhận danh hiệu “Phố, thôn kiểu mẫu” (giá trị đến 31/12/2026); 0 danh hiệu "
        "bị thu hồi trong năm."
    )
    wb = load_workbook(io.BytesIO(xlsx_bytes(snapshot)))
    ws = wb["Đăng ký - công nhận"]
    assert [c.value for c in ws[1]][:8] == [
        "Chương trình",
        "Mã",
        "Phường/xã",
        "Đăng ký",
        "Đạt kiểm tra của phường, xã",
        "Đạt phúc tra",
        "Được công nhận",
        "Bị thu hồi trong năm",
    ]
    assert [c.value for c in ws[2]][:8] == ["Phố, thôn kiểu mẫu", "14797", "Phường Hạc Thành", 14, 13, 12, 12, 0]
    assert [c.value for c in ws[3]][2:8] == ["Tổng cộng", 14, 13, 12, 12, 0]
    decisions = [[c.value for c in row] for row in wb["Quyết định danh hiệu"].iter_rows(min_row=2, max_row=3)]
    assert decisions[0][:6] == [
        "Công nhận",
        "Phố Trần Phú",
        "Phường Hạc Thành",
        "Phố, thôn kiểu mẫu",
        "2025",
        "1234/QĐ-UBND",
    ]
    assert decisions[1][0] == "Thu hồi" and decisions[1][-1] == "Vi phạm an ninh trật tự"
    definitions = [r[0].value for r in wb["Cách tính"].iter_rows(min_row=2)]
    assert "Đạt phúc tra của tỉnh" in definitions and "Được công nhận danh hiệu" in definitions
    text = flat(poppler("pdftotext", pdf_bytes(snapshot, issued_on=ISSUED), tmp_path))
    assert "ĐĂNG KÝ, KIỂM TRA VÀ CÔNG NHẬN DANH HIỆU" in text.upper()
    assert "56/QĐ-UBND" in text and "Vi phạm an ninh trật tự" in text and "1234/QĐ-UBND" in text


def test_a_snapshot_built_before_the_section_has_no_part():
    assert "titles" not in ANNUAL
    context = pdf_context(ANNUAL, issued_on=ISSUED)
    assert context["titles"] is None and "titles" not in context["parts"]
    assert "Đăng ký - công nhận" not in load_workbook(io.BytesIO(xlsx_bytes(ANNUAL))).sheetnames


def _grow(city, wards: int, programme) -> None:
    city_round = CityRoundFactory(programme=programme, year=Y, city=city)
    for _ in range(wards):
        ward = WardFactory(city=city)
        ward_round = InspectionRoundFactory(programme=programme, year=Y, ward=ward)
        for _ in range(2):
            hood = NeighbourhoodFactory(ward=ward)
            RegistrationFactory(programme=programme, neighbourhood=hood, ward=ward, first_year=Y)
            visit(ward_round, hood, "meets")
            visit(city_round, hood, "meets")
            title(hood, programme, Y)


def test_the_sections_and_the_panels_queries_do_not_grow_with_the_units(db, django_assert_max_num_queries):
    programme = ProgrammeFactory(code="pho", title="Phố kiểu mẫu")
    small, big = CityFactory(code="91", name="Tỉnh Nhỏ"), CityFactory(code="92", name="Tỉnh Lớn")
    _grow(small, 2, programme)
    _grow(big, 15, programme)
    for fn in (titles_section, title_panel):
        with CaptureQueriesContext(connection) as counted:
            fn(Ward.objects.filter(city=small), Y)
        with django_assert_max_num_queries(len(counted)):
            result = fn(Ward.objects.filter(city=big), Y)
        rows = result["programmes"][0]["totals"] if fn is titles_section else result["rows"][0]
        assert _figures(rows) == [30, 30, 30, 30, 0]


# --- the dashboards ----------------------------------------------------------------------------------------------


PANEL = "campaigns:title-panel"


def test_the_dashboards_load_registered_against_reached_this_year(client, path, city, city_leader, staff_a, ward_a):
    client.force_login(city_leader)
    assert 'data-testid="title-panel-slot"' in client.get(reverse("reports:dashboard")).content.decode()
    response = client.get(reverse(PANEL), {"city": city.code}, headers={"HX-Request": "true"})
    panel = response.context["title_panel"]
    # 2026: Phố 3's 2024–2026 term and Phố 4's 2026 registration
    assert panel["year"] == 2026 and [(r["programme"].code, r["registered"]) for r in panel["rows"]] == [
        ("pho-kieu-mau", 2)
    ]
    assert "<html" not in response.content.decode()  # the fragment only
    client.force_login(staff_a)
    assert (
        'data-testid="title-panel-slot"'
        in client.get(reverse("reports:ward-dashboard", args=[ward_a.code])).content.decode()
    )
    response = client.get(reverse(PANEL), {"ward": ward_a.code})  # without htmx: a page of its own
    assert response.context["title_panel"]["rows"][0]["registered"] == 2 and "<html" in response.content.decode()


def test_the_panel_keeps_to_the_scope(client, path, city, ward_a, ward_b, staff_b, no_role_user):
    assert client.get(reverse(PANEL), {"ward": ward_a.code})["Location"].startswith(reverse("login"))
    client.force_login(staff_b)
    assert client.get(reverse(PANEL), {"ward": ward_a.code}).status_code == 404  # another ward
    assert client.get(reverse(PANEL), {"ward": "99999"}).status_code == 404  # a forged code
    assert client.get(reverse(PANEL)).status_code == 404
    rows = client.get(reverse(PANEL), {"city": city.code}).context["title_panel"]["rows"]
    assert rows == []  # ward B's own units only: none registered for 2026
    client.force_login(no_role_user)
    assert client.get(reverse(PANEL), {"city": city.code}).status_code == 404


def test_the_panels_page_queries_do_not_grow_with_the_units(client, db, django_assert_max_num_queries):
    from tests.factories import UserFactory

    programme = ProgrammeFactory(code="pho", title="Phố kiểu mẫu")
    small, big = CityFactory(code="91", name="Tỉnh Nhỏ"), CityFactory(code="92", name="Tỉnh Lớn")
    _grow(small, 2, programme)
    _grow(big, 15, programme)
    client.force_login(UserFactory(username="quantri2", is_superuser=True))
    client.get(reverse(PANEL), {"city": small.code})
    with CaptureQueriesContext(connection) as counted:
        client.get(reverse(PANEL), {"city": small.code}, headers={"HX-Request": "true"})
    with django_assert_max_num_queries(len(counted)):
        client.get(reverse(PANEL), {"city": big.code}, headers={"HX-Request": "true"})
