"""Issue 12, item 7: the profiles' figures in the reports — units with no poor household, poor and near-poor.

A hand-built province whose every expected number is written here by hand; an oracle over random provinces
that recounts from the rows in plain Python (it calls nothing of campaigns.results.figures or reports);
the annual report's page, PDF and workbook carrying the figures; the number of queries not growing with
the number of wards and units.
"""

import io
from datetime import date
from fractions import Fraction

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from campaigns.results.models import Period
from reports import services
from reports.exports import pdf_bytes, pdf_context, xlsx_bytes
from reports.models import Report
from reports.summaries import FIGURES_OF, annual_snapshot, monthly_snapshot
from tests.factories import NeighbourhoodFactory, ProfileFactory, WardFactory
from tests.reports.conftest import enter
from tests.reports.test_exports import ANNUAL, ISSUED, MONTHLY, flat, poppler, ward_scope
from wards.models import City, Neighbourhood, Profile, Ward

ANNUAL_BUILD_DAY = date(2027, 1, 15)


def profile(unit, year=2026, *, households, people, poor, near_poor):
    field = "ward" if isinstance(unit, Ward) else "neighbourhood"
    return ProfileFactory(
        **{field: unit},
        year=year,
        households=households,
        people=people,
        poor_households=poor,
        near_poor_households=near_poor,
    )


@pytest.fixture
def province(city, ward_a, ward_b, months):
    """Hạc Thành: no profile of its own; Đông Quang: its own profile; An Phú: a unit, no profile at all;
    Bình Minh: its own profile and no units; Cẩm Tú: ended in June, its profile not used; a foreign ward."""
    a = ward_a
    a1, a2, a3 = (NeighbourhoodFactory(ward=a, name=f"Tổ dân phố {i}") for i in (1, 2, 3))
    profile(a1, households=200, people=700, poor=0, near_poor=3)
    profile(a2, households=300, people=1000, poor=4, near_poor=5)
    profile(a3, households=100, people=350, poor=0, near_poor=0)
    NeighbourhoodFactory(ward=a, name="Tổ dân phố 4")  # no profile at all
    a5 = NeighbourhoodFactory(ward=a, name="Tổ dân phố 5", valid_to=date(2026, 7, 1))  # merged in July
    profile(a5, households=150, people=500, poor=0, near_poor=2)
    a6 = NeighbourhoodFactory(ward=a, name="Tổ dân phố 6")  # a profile of last year only
    profile(a6, 2025, households=90, people=300, poor=0, near_poor=0)
    a7 = NeighbourhoodFactory(ward=a, name="Tổ dân phố 7", valid_to=date(2026, 11, 15))  # merged in November
    profile(a7, households=80, people=260, poor=0, near_poor=1)
    enter(a7, months[11], met=True)  # it reported for November: a unit of November, not of the year

    b = ward_b
    profile(b, households=1000, people=3500, poor=10, near_poor=20)
    profile(b, 2025, households=990, people=3450, poor=12, near_poor=22)
    b1, b2 = NeighbourhoodFactory(ward=b, name="Tổ dân phố 1"), NeighbourhoodFactory(ward=b, name="Tổ dân phố 2")
    profile(b1, households=400, people=1300, poor=0, near_poor=1)
    profile(b2, households=500, people=1600, poor=3, near_poor=2)

    c = WardFactory(city=city, code="16000", name="Xã An Phú", kind=Ward.Kind.COMMUNE)
    NeighbourhoodFactory(ward=c, name="Thôn 1", kind=Neighbourhood.Kind.VILLAGE)
    d = WardFactory(city=city, code="16100", name="Xã Bình Minh", kind=Ward.Kind.COMMUNE)
    profile(d, households=50, people=150, poor=5, near_poor=0)
    e = WardFactory(city=city, code="16200", name="Xã Cẩm Tú", kind=Ward.Kind.COMMUNE, valid_to=date(2026, 6, 1))
    profile(e, households=70, people=210, poor=7, near_poor=1)

    foreign = WardFactory(city=City.objects.create(code="40", name="Nghệ An"), name="Phường Vinh Tân")
    profile(foreign, households=999, people=2999, poor=99, near_poor=9)
    profile(NeighbourhoodFactory(ward=foreign), households=500, people=1500, poor=0, near_poor=0)
    return {"a": a, "b": b, "c": c, "d": d, "year": Period.objects.get(kind=Period.Kind.YEAR, year=2026)}


def row(code, name, units, profiled, no_poor, source, households, people, poor, near_poor, shares):
    return {
        "code": code,
        "name": name,
        "units": units,
        "profiled": profiled,
        "unprofiled": units - profiled,
        "no_poor": no_poor,
        "source": source,
        "households": households,
        "people": people,
        "poor_households": poor,
        "near_poor_households": near_poor,
        "poor_share": shares[0],
        "near_poor_share": shares[1],
    }


# Written by hand from the fixture above.
DONG_QUANG = row("16417", "Phường Đông Quang", 2, 2, 1, "ward", 1000, 3500, 10, 20, (1.0, 2.0))
HAC_THANH = row("14797", "Phường Hạc Thành", 5, 3, 2, "neighbourhoods", 600, 2050, 4, 8, (400 / 600, 800 / 600))
AN_PHU = row("16000", "Xã An Phú", 1, 0, 0, None, None, None, None, None, (None, None))
BINH_MINH = row("16100", "Xã Bình Minh", 0, 0, 0, "ward", 50, 150, 5, 0, (10.0, 0.0))


def test_the_annual_section_by_hand(city, province):
    snap = annual_snapshot(city=city, ward=None, period=province["year"], today=ANNUAL_BUILD_DAY)
    assert snap["profiles"] == {
        "year": 2026,
        "totals": {
            "units": 8,
            "profiled": 5,
            "unprofiled": 3,
            "no_poor": 3,
            "households": 1650,
            "people": 5700,
            "poor_households": 19,
            "near_poor_households": 28,
            "unsourced": 1,
            "poor_share": pytest.approx(1900 / 1650, abs=1e-12),
            "near_poor_share": pytest.approx(2800 / 1650, abs=1e-12),
        },
        "by_ward": [DONG_QUANG, HAC_THANH, AN_PHU, BINH_MINH],
    }
    # Units with and without a profile make up the year's units.
    assert snap["profiles"]["totals"]["units"] == snap["totals"]["units"]


def test_a_ward_report_has_its_own_row_only(city, province):
    snap = annual_snapshot(city=city, ward=province["a"], period=province["year"], today=ANNUAL_BUILD_DAY)
    assert snap["profiles"]["by_ward"] == [HAC_THANH]
    totals = snap["profiles"]["totals"]
    assert (totals["no_poor"], totals["profiled"], totals["unprofiled"]) == (2, 3, 2)
    assert (totals["households"], totals["poor_households"], totals["unsourced"]) == (600, 4, 0)


def test_the_monthly_headline_counts_the_units_of_the_month(city, province, months):
    snap = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 20))
    # Tổ dân phố 7 ended within November and reported: a unit of the month, with no poor household.
    assert snap["no_poor"] == {"year": 2026, "units": 9, "profiled": 6, "unprofiled": 3, "no_poor": 4}
    assert snap["no_poor"]["units"] == snap["totals"]["units"]
    march = monthly_snapshot(city=city, ward=province["b"], period=months[3], today=date(2026, 12, 20))
    assert march["no_poor"] == {"year": 2026, "units": 2, "profiled": 2, "unprofiled": 0, "no_poor": 1}


def test_both_reports_define_the_figures():
    assert FIGURES_OF["annual"][-2:] == ("no_poor", "poor_households")
    assert "no_poor" in FIGURES_OF["monthly"] and "poor_households" not in FIGURES_OF["monthly"]


# --- the report's files --------------------------------------------------------------------------------------


@pytest.fixture
def annual_report(city, province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = services.report_request(kind=Report.Kind.ANNUAL, city=city, ward=None, period=province["year"])
    report.refresh_from_db()
    assert report.state == Report.State.DONE, report.error
    return report


def test_the_report_page_shows_the_section(client, city_leader, annual_report):
    client.force_login(city_leader)
    html = client.get(reverse("reports:report-detail", args=[annual_report.pk])).content.decode()
    section = html[html.index('data-testid="report-profiles"') :]
    for text in (
        "Hộ nghèo, hộ cận nghèo",
        "3/5 thôn, tổ dân phố không còn hộ nghèo (năm 2026).",
        "3 thôn, tổ dân phố chưa có hồ sơ của năm, không được tính.",
        "Số hộ: 1.650",
        "Số nhân khẩu: 5.700",
        "Hộ nghèo: 19 (1,2 %)",
        "Hộ cận nghèo: 28 (1,7 %)",
        '<th scope="row">Phường Hạc Thành</th><td class="num">2/3</td>',
        '<th scope="row">Xã Bình Minh</th><td class="num">—</td>',  # no units: nothing to count
        "0,7 %",  # 4 of 600
        "1,3 %",  # 8 of 600
        "hồ sơ của phường, xã",
        "cộng các thôn, tổ dân phố",
        "Thôn, tổ dân phố không còn hộ nghèo: trong số các đơn vị",  # "Cách tính"
    ):
        assert text in section, text


def test_a_monthly_report_page_has_the_headline_only(
    client, city_leader, city, province, months, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = services.report_request(kind=Report.Kind.MONTHLY, city=city, ward=None, period=months[11])
    client.force_login(city_leader)
    html = client.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    start = html.index('data-testid="report-profiles"')
    section = html[start : html.index("</section>", start)]
    assert "4/6 thôn, tổ dân phố không còn hộ nghèo (năm 2026)." in section
    assert "3 thôn, tổ dân phố chưa có hồ sơ của năm, không được tính." in section
    assert "profiles-by-ward" not in html and "Số hộ:" not in section


def test_the_pdf_has_the_part(annual_report, tmp_path):
    with annual_report.pdf.open("rb") as f:
        pdf = f.read()
    text = flat(poppler("pdftotext", pdf, tmp_path))
    for phrase in (
        "VIII. HỘ NGHÈO, HỘ CẬN NGHÈO",
        "3/5 thôn, tổ dân phố không còn hộ nghèo (năm 2026); 3 thôn, tổ dân phố chưa có hồ sơ.",
        "Trên địa bàn tỉnh Thanh Hóa có 1.650 hộ, 5.700 nhân khẩu; hộ nghèo 19 hộ (1,2 %), hộ cận nghèo 28 hộ (1,7 %).",
        "Có 1 phường, xã chưa có hồ sơ năm 2026.",
    ):
        assert phrase in text, phrase
    layout = flat(poppler("pdftotext", pdf, tmp_path, "-layout"))  # a table's row on its line
    for phrase in (
        "Phường Đông Quang 1/2 0 1.000 10 1,0 % 20 2,0 %",
        "Phường Hạc Thành 2/3 2 600 4 0,7 % 8 1,3 %",
        "Xã An Phú 0/0 1 — — — — —",
        "Xã Bình Minh — 0 50 5 10,0 % 0 0,0 %",
        "Tổng cộng 3/5 3 1.650 19 1,2 % 28 1,7 %",
    ):
        assert phrase in layout, phrase
    assert "2,0 % Phường, xã" in layout and "1,3 % Cộng thôn, TDP" in layout and "— Chưa có" in layout


def test_the_workbook_has_the_sheet(annual_report):
    with annual_report.xlsx.open("rb") as f:
        wb = load_workbook(io.BytesIO(f.read()))
    assert wb.sheetnames[-2:] == ["Hộ nghèo", "Cách tính"]
    ws = wb["Hộ nghèo"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True) if r[1]}
    hac_thanh = ("14797", "Phường Hạc Thành", "Cộng các thôn, TDP", 5, 3, 2, 2, 600, 2050, 4)
    assert rows["Phường Hạc Thành"] == (*hac_thanh, pytest.approx(4 / 600), 8, pytest.approx(8 / 600))
    assert rows["Xã An Phú"][2:8] == ("Chưa có hồ sơ", 1, 0, 1, 0, None)
    assert rows["Tổng cộng"][3:] == (8, 5, 3, 3, 1650, 5700, 19, pytest.approx(19 / 1650), 28, pytest.approx(28 / 1650))
    assert ws["K2"].number_format == "0.0 %" and ws["H2"].number_format == "#,##0"
    for r in ws.iter_rows():
        assert not any(c.data_type == "f" for c in r)
    labels = [r[0] for r in wb["Cách tính"].iter_rows(min_row=2, values_only=True)]
    assert labels[-2:] == ["Thôn, tổ dân phố không còn hộ nghèo", "Hộ nghèo, hộ cận nghèo"]


def test_the_monthly_files_carry_the_headline(tmp_path):
    headline = {"year": 2026, "units": 1234, "profiled": 1200, "unprofiled": 34, "no_poor": 154}
    snapshot = {**MONTHLY, "no_poor": headline}
    text = flat(poppler("pdftotext", pdf_bytes(snapshot, issued_on=ISSUED), tmp_path))
    assert "154/1.200 thôn, tổ dân phố không còn hộ nghèo (năm 2026); 34 thôn, tổ dân phố chưa có hồ sơ." in text
    summary = {
        r[0]: r[1] for r in load_workbook(io.BytesIO(xlsx_bytes(snapshot)))["Tổng hợp"].iter_rows(values_only=True)
    }
    assert summary["Thôn/TDP không còn hộ nghèo (năm 2026)"] == 154
    assert summary["Thôn/TDP có hồ sơ năm 2026"] == 1200 and summary["Thôn/TDP chưa có hồ sơ năm 2026"] == 34


def _ward_section(row: dict) -> dict:
    totals = {k: v for k, v in row.items() if k not in ("code", "name", "source")}
    return {"year": 2026, "totals": {**totals, "unsourced": 0 if row["source"] else 1}, "by_ward": [row]}


def test_a_ward_report_says_where_its_households_come_from(tmp_path):
    snapshot = ward_scope({**ANNUAL, "profiles": _ward_section(HAC_THANH)})
    assert pdf_context(snapshot)["parts"] == {"compare": "IV", "profiles": "V"}
    text = flat(poppler("pdftotext", pdf_bytes(snapshot, issued_on=ISSUED), tmp_path))
    assert "V. HỘ NGHÈO, HỘ CẬN NGHÈO 2/3 thôn, tổ dân phố không còn hộ nghèo (năm 2026); 2 thôn," in text
    assert (
        "Trên địa bàn phường Hạc Thành có 600 hộ, 2.050 nhân khẩu; hộ nghèo 4 hộ (0,7 %), hộ cận nghèo 8 hộ "
        "(1,3 %), cộng hồ sơ của các thôn, tổ dân phố." in text
    )
    assert "Theo hồ sơ của" not in text  # no table of wards in a ward's report
    own = flat(
        poppler(
            "pdftotext",
            pdf_bytes(ward_scope({**ANNUAL, "profiles": _ward_section(DONG_QUANG)}), issued_on=ISSUED),
            tmp_path,
        )
    )
    assert "1/2 thôn, tổ dân phố không còn hộ nghèo (năm 2026). Trên địa bàn" in own
    assert "hộ cận nghèo 20 hộ (2,0 %), theo hồ sơ của phường, xã." in own
    none = flat(
        poppler(
            "pdftotext",
            pdf_bytes(ward_scope({**ANNUAL, "profiles": _ward_section(AN_PHU)}), issued_on=ISSUED),
            tmp_path,
        )
    )
    assert "1 thôn, tổ dân phố chưa có hồ sơ năm 2026. Chưa có số liệu hộ nghèo, hộ cận nghèo năm 2026." in none


def test_snapshots_built_before_the_section_still_render(tmp_path):
    """ANNUAL and MONTHLY (tests/reports/test_exports.py) have the older shape: no "profiles", no "no_poor"."""
    assert "profiles" not in ANNUAL and "no_poor" not in MONTHLY
    for snapshot in (ANNUAL, ward_scope(ANNUAL), MONTHLY):
        text = flat(poppler("pdftotext", pdf_bytes(snapshot, issued_on=ISSUED), tmp_path))
        assert "hộ nghèo" not in text.lower()
        assert "Hộ nghèo" not in load_workbook(io.BytesIO(xlsx_bytes(snapshot))).sheetnames


def test_an_older_snapshot_renders_on_the_page(client, city_leader, annual_report):
    Report.objects.filter(pk=annual_report.pk).update(snapshot={**ANNUAL})
    client.force_login(city_leader)
    response = client.get(reverse("reports:report-detail", args=[annual_report.pk]))
    assert response.status_code == 200 and 'data-testid="report-profiles"' not in response.content.decode()


# --- the number of queries ----------------------------------------------------------------------------------------


def _grow(city, wards: int, units: int) -> None:
    for w in range(wards):
        ward = WardFactory(city=city, kind=Ward.Kind.COMMUNE)
        if w % 2:
            profile(ward, households=900, people=3000, poor=w, near_poor=1)
        for u in range(units):
            unit = NeighbourhoodFactory(ward=ward)
            if u % 3:
                profile(unit, households=100, people=300, poor=u % 2, near_poor=1)


def _queries(snapshot_of) -> int:
    with CaptureQueriesContext(connection) as context:
        snapshot_of()
    return len(context.captured_queries)


def test_the_queries_do_not_grow_with_the_wards_and_units(city, months, django_assert_max_num_queries):
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
    other = City.objects.create(code="41", name="Hà Tĩnh")
    _grow(city, 3, 1)
    _grow(other, 12, 4)
    small = _queries(lambda: annual_snapshot(city=city, ward=None, period=year, today=ANNUAL_BUILD_DAY))
    with django_assert_max_num_queries(small):
        big = annual_snapshot(city=other, ward=None, period=year, today=ANNUAL_BUILD_DAY)
    assert len(big["profiles"]["by_ward"]) == 12 and big["profiles"]["totals"]["units"] == 48
    with django_assert_max_num_queries(_queries(lambda: monthly_snapshot(city=city, ward=None, period=months[11]))):
        monthly_snapshot(city=other, ward=None, period=months[11])


# --- the oracle ---------------------------------------------------------------------------------------------------

YEAR_END = date(2026, 12, 31)
# A unit's or a ward's life: (valid_from, valid_to). Some end within the year, some within November.
LIVES = (
    (None, None),
    (None, None),
    (None, date(2026, 6, 1)),
    (None, date(2026, 11, 10)),
    (None, date(2026, 12, 31)),
    (date(2026, 12, 1), None),
    (date(2027, 2, 1), None),
)
figures = st.integers(0, 40).flatmap(
    lambda households: st.tuples(
        st.just(households),
        st.integers(households, 3 * households + 1),
        st.integers(0, min(households, 3)).flatmap(
            lambda poor: st.tuples(st.just(poor), st.integers(0, households - poor))
        ),
    )
)
unit_plans = st.fixed_dictionaries(
    {
        "life": st.sampled_from(LIVES),
        "profile": st.sampled_from(("this year", "this year", "this year", "last year", None)),
        "figures": figures,
        "reported": st.booleans(),
    }
)
ward_plans = st.fixed_dictionaries(
    {
        "life": st.sampled_from(LIVES[:4]),
        "profile": st.sampled_from((True, False, False)),
        "figures": figures,
        "units": st.lists(unit_plans, max_size=4),
    }
)


def _make_profile(unit, year, figures):
    households, people, (poor, near_poor) = figures
    profile(unit, year, households=households, people=people, poor=poor, near_poor=near_poor)


def build(city, months, plan) -> None:
    for i, w in enumerate(plan["wards"]):
        valid_from, valid_to = w["life"]
        ward = WardFactory(city=city, name=f"Phường {'BA'[i % 2]} {i}", valid_from=valid_from, valid_to=valid_to)
        if w["profile"]:
            _make_profile(ward, 2026, w["figures"])
        for u in w["units"]:
            valid_from, valid_to = u["life"]
            unit = NeighbourhoodFactory(ward=ward, valid_from=valid_from, valid_to=valid_to)
            if u["profile"]:
                _make_profile(unit, 2026 if u["profile"] == "this year" else 2025, u["figures"])
            if u["reported"] and valid_to and months[11].start < valid_to <= months[11].end:
                enter(unit, months[11], met=True)


def exists_on(row, day: date) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (row.valid_to is None or row.valid_to > day)


def percent(part, whole):
    return None if part is None or not whole else float(Fraction(100 * part, whole))


class Recount:
    """The figures worked out from their words, from the rows read one by one."""

    KEYS = ("households", "people", "poor_households", "near_poor_households")

    def __init__(self, city, ward):
        self.wards = sorted([ward] if ward else Ward.objects.filter(city=city), key=lambda w: (w.search_key, w.code))
        self.profiles = {}
        for p in Profile.objects.filter(year=2026):
            self.profiles[("ward", p.ward_id) if p.ward_id else ("unit", p.neighbourhood_id)] = p
        self.counted = set()
        for unit in Neighbourhood.objects.all():
            if unit.submissions.filter(
                period__year=2026, period__number=11, status__in=("submitted", "approved")
            ).exists():
                self.counted.add(unit.pk)

    def units(self, ward, month) -> list:
        """The year's units (existing on its last day), or November's (existing on its last day, or ended
        within it and reported)."""
        rows = Neighbourhood.objects.filter(ward=ward)
        if month is None:
            return [u for u in rows if exists_on(u, YEAR_END)]
        ended = [u for u in rows if u.valid_to and month.start < u.valid_to <= month.end and u.pk in self.counted]
        return [u for u in rows if exists_on(u, month.end)] + ended

    def unit_counts(self, units) -> dict:
        mine = [self.profiles.get(("unit", u.pk)) for u in units]
        profiled = [p for p in mine if p is not None]
        return {
            "units": len(units),
            "profiled": len(profiled),
            "unprofiled": len(units) - len(profiled),
            "no_poor": sum(1 for p in profiled if p.poor_households == 0),
            **{k: sum(getattr(p, k) for p in profiled) for k in self.KEYS},
        }

    def headline(self, month) -> dict:
        rows = [self.unit_counts(self.units(w, month)) for w in self.wards]
        return {"year": 2026, **{k: sum(r[k] for r in rows) for k in ("units", "profiled", "unprofiled", "no_poor")}}

    def section(self) -> dict:
        rows = []
        for w in self.wards:
            counts = self.unit_counts(self.units(w, None))
            own = self.profiles.get(("ward", w.pk)) if exists_on(w, YEAR_END) else None
            if own is None and not counts["units"]:
                continue
            if own is not None:
                source, values = "ward", {k: getattr(own, k) for k in self.KEYS}
            elif counts["profiled"]:
                source, values = "neighbourhoods", {k: counts[k] for k in self.KEYS}
            else:
                source, values = None, dict.fromkeys(self.KEYS)
            rows.append({"code": w.code, "name": w.name, **counts, "source": source, **values})
        for r in rows:
            r.update(poor_share=percent(r["poor_households"], r["households"]))
            r["near_poor_share"] = percent(r["near_poor_households"], r["households"])
        sourced = [r for r in rows if r["source"]]
        totals = {k: sum(r[k] for r in rows) for k in ("units", "profiled", "unprofiled", "no_poor")}
        totals.update({k: sum(r[k] for r in sourced) if sourced else None for k in self.KEYS})
        totals.update(
            unsourced=len(rows) - len(sourced),
            poor_share=percent(totals["poor_households"], totals["households"]),
            near_poor_share=percent(totals["near_poor_households"], totals["households"]),
        )
        return {"year": 2026, "totals": totals, "by_ward": rows}


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=st.fixed_dictionaries({"wards": st.lists(ward_plans, min_size=1, max_size=3), "scope": st.booleans()}))
def test_the_figures_match_a_plain_recount(city, months, plan):
    with transaction.atomic():
        build(city, months, plan)
        ward = Ward.objects.filter(city=city).order_by("pk").first() if plan["scope"] else None
        year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
        recount = Recount(city, ward)
        annual = annual_snapshot(city=city, ward=ward, period=year, today=ANNUAL_BUILD_DAY)
        assert annual["profiles"] == recount.section()
        monthly = monthly_snapshot(city=city, ward=ward, period=months[11], today=date(2026, 12, 20))
        assert monthly["no_poor"] == recount.headline(months[11])
        assert monthly["no_poor"]["units"] == monthly["totals"]["units"]
        assert annual["profiles"]["totals"]["units"] == annual["totals"]["units"]
        transaction.set_rollback(True)
