"""Reports per programme: a unit following two programmes is counted in each programme's report, never twice in
one; a ward-level programme's report lists its wards; the programme is chosen within the user's scope.

The ground: Phường A has Tổ 1–3, Phường B has Tổ 4. They follow the national "Thôn, tổ dân phố văn hóa" (its
set, thon-tdp-van-hoa) and the province's "Phố, thôn kiểu mẫu", which here assesses on the same set: two
submissions a unit, with different results (PLAN), so the rollups' counts per set would mix them.
"""

from datetime import date, datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Level, Programme
from campaigns.results import rollups, services
from campaigns.results.models import Period, Result, Submission
from reports import schedules
from reports import services as report_services
from reports.exports.formatting import report_title
from reports.exports.pdf import pdf_context
from reports.models import Report
from tests.factories import NeighbourhoodFactory, ProfileFactory, ProgrammeFactory
from tests.reports.conftest import NEIGHBOURHOOD_SET, enter_ward

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
S = Submission.Status
WARD_SET = NEIGHBOURHOOD_SET.parent / "qd-04-2022-do-thi-van-minh.yaml"

# (unit, programme) → the codes of the indicators it fails in November; absent: nothing entered.
PLAN = {
    ("Tổ 1", "van-hoa"): (),
    ("Tổ 2", "van-hoa"): ("II.1",),
    ("Tổ 4", "van-hoa"): (),
    ("Tổ 1", "kieu-mau"): ("I.3",),
    ("Tổ 2", "kieu-mau"): (),
    ("Tổ 3", "kieu-mau"): (),
}
UNITS = ("Tổ 1", "Tổ 2", "Tổ 3", "Tổ 4")


def expected(key: str) -> dict:
    """The month's totals of a programme, counted from PLAN alone: every unit follows both programmes."""
    entered = {unit: fails for (unit, programme), fails in PLAN.items() if programme == key}
    return {
        "units": len(UNITS),
        "reported": len(entered),
        "not_reported": len(UNITS) - len(entered),
        "complete": sum(1 for fails in entered.values() if not fails),
    }


def expected_criterion(key: str, number: str) -> tuple[int, int]:
    """(met, assessed) of a criterion: a unit misses it when one of its failed indicators is numbered under it."""
    entered = [fails for (_unit, programme), fails in PLAN.items() if programme == key]
    met = sum(1 for fails in entered if not any(code.split(".")[0] == number for code in fails))
    return met, len(entered)


def enter_in(hood, period, programme, fails, status=S.APPROVED):
    """Results of every indicator of the unit's submission in `programme`: all met but the codes in `fails`."""
    submission = services.submission_for(hood, period, programme=programme)
    submission.results.all().delete()
    profile = services.unit_profile(submission)
    rows = []
    for criterion in submission.criteria_set.criteria.prefetch_related("indicators"):
        for indicator in criterion.indicators.all():
            if indicator.source:
                value = services.profile_value(indicator, profile)
                met = indicator.is_met(services.profile_rate(indicator, profile), hood.ward.zone)
            else:
                good = indicator.code not in fails
                if indicator.kind == "boolean":
                    value = 1 if good else 0
                elif indicator.comparator in ("<=", "<"):
                    value = 0 if good else 99
                else:
                    value = 100 if good else 10
                met = indicator.is_met(value, hood.ward.zone)
            rows.append(Result(submission=submission, indicator=indicator, value=value, is_met=met))
    Result.objects.bulk_create(rows)
    services.submission_evaluate(submission)
    Submission.objects.filter(pk=submission.pk).update(status=status)
    rollups.rollups_refresh(submission.period, wards=[submission.ward_id])
    return submission


@pytest.fixture
def ground(city, ward_a, ward_b, months, criteria_set):
    van_hoa = Programme.objects.get(criteria_code=criteria_set.code)  # made with the set
    kieu_mau = ProgrammeFactory(
        code="pho-thon-kieu-mau",
        name="Phố, thôn kiểu mẫu",
        criteria_code=criteria_set.code,
        city=city,
        order=van_hoa.order + 1,
    )
    programmes = {"van-hoa": van_hoa, "kieu-mau": kieu_mau}
    hoods = {}
    for name in UNITS:
        hoods[name] = NeighbourhoodFactory(ward=ward_b if name == "Tổ 4" else ward_a, name=name)
        ProfileFactory(neighbourhood=hoods[name], year=2026)
    for (unit, key), fails in PLAN.items():
        enter_in(hoods[unit], months[11], programmes[key], fails)
    return {"programmes": programmes, "hoods": hoods, "november": months[11]}


def build(city, period, programme, *, ward=None, kind=Report.Kind.MONTHLY, capture):
    with capture(execute=True):
        report, queued = report_services.report_request(
            kind=kind, city=city, ward=ward, period=period, programme=programme
        )
    assert queued
    report.refresh_from_db()
    assert report.state == Report.State.DONE, report.error
    return report


def test_each_programme_gets_its_own_monthly_figures_and_a_unit_is_never_counted_twice(
    city, ground, django_capture_on_commit_callbacks
):
    reports = {
        key: build(city, ground["november"], programme, capture=django_capture_on_commit_callbacks)
        for key, programme in ground["programmes"].items()
    }
    for key, report in reports.items():
        snapshot = report.snapshot
        assert report.programme == ground["programmes"][key] and report.is_current
        assert snapshot["programme"]["code"] == ground["programmes"][key].code
        totals = snapshot["totals"]
        assert {k: totals[k] for k in expected(key)} == expected(key), key
        assert totals["on_time"] + totals["late"] + totals["not_reported"] == totals["units"] == len(UNITS)
        assert sum(r["units"] for r in snapshot["reporting"]) == len(UNITS)  # 4 units, not 8
        assert len(snapshot["units"]) == len(UNITS)
        criteria = {c["number"]: (c["met"], c["assessed"]) for c in snapshot["criteria"]}
        for number in ("I", "II", "III"):
            assert criteria[number] == expected_criterion(key, number), (key, number)
        gaps = {g["name"]: g["missing"] for g in snapshot["gaps"]}
        assert sum(sum(m.values()) for m in gaps.values()) == sum(a - m for m, a in criteria.values())
    # Each unit's own state differs between the programmes.
    states = {key: {u["name"]: u["status"] for u in r.snapshot["units"]} for key, r in reports.items()}
    assert states["van-hoa"]["Tổ 3"] == "none" and states["kieu-mau"]["Tổ 3"] == "on_time"
    assert states["van-hoa"]["Tổ 4"] == "on_time" and states["kieu-mau"]["Tổ 4"] == "none"


def test_the_title_names_the_programme(city, ground, django_capture_on_commit_callbacks):
    kieu_mau = ground["programmes"]["kieu-mau"]
    report = build(city, ground["november"], kieu_mau, capture=django_capture_on_commit_callbacks)
    title = "Kết quả thực hiện tiêu chí “Phố, thôn kiểu mẫu” tháng 11/2026"
    assert report_title(report.snapshot) == title
    context = pdf_context(report.snapshot)
    assert context["title"] == title and context["title_inline"].startswith("kết quả thực hiện tiêu chí “Phố")
    assert "pho-thon-kieu-mau" in report.pdf.name and "pho-thon-kieu-mau" in report.xlsx.name
    assert "kiểu mẫu tháng" not in report_title(report.snapshot)  # not the old fixed wording


def test_annual_reports_count_each_programme_s_latest_reports(city, ground, django_capture_on_commit_callbacks):
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
    for key, programme in ground["programmes"].items():
        report = build(city, year, programme, kind=Report.Kind.ANNUAL, capture=django_capture_on_commit_callbacks)
        totals = report.snapshot["totals"]
        month = expected(key)
        assert (totals["units"], totals["reported"], totals["reached"]) == (
            month["units"],
            month["reported"],
            month["complete"],
        ), key
        assert report_title(report.snapshot) == f"Kết quả thực hiện tiêu chí “{programme.name}” năm 2026"


def test_a_ward_level_programme_s_report_lists_its_wards(
    city, ward_a, ward_b, ground, django_capture_on_commit_callbacks
):
    november = ground["november"]
    ward_set = criteria_set_load_file(WARD_SET)[0]
    programme = Programme.objects.get(criteria_code=ward_set.code)
    assert programme.level == Level.WARD
    submission = enter_ward(ward_a, november, failing=("2",), programme=programme)
    Submission.objects.filter(pk=submission.pk).update(
        status=S.SUBMITTED, submitted_at=datetime(2026, 12, 1, 9, tzinfo=HCM)
    )
    report = build(city, november, programme, capture=django_capture_on_commit_callbacks)
    snapshot = report.snapshot
    assert snapshot["programme"]["level"] == "ward"
    assert {(w["name"], w["status"]) for w in snapshot["wards"]} == {(ward_a.name, "on_time"), (ward_b.name, "none")}
    row = next(w for w in snapshot["wards"] if w["name"] == ward_a.name)
    assert "2" in row["missing"] and row["met"] < row["total"] and row["complete"] is False
    totals = snapshot["totals"]
    assert (totals["units"], totals["reported"], totals["not_reported"], totals["complete"]) == (2, 1, 1, 0)
    assert "units" not in snapshot and "ward_sets" not in snapshot  # no neighbourhood is counted in it
    assert programme.name in report_title(snapshot)
    # The neighbourhood programmes' reports leave the ward's own criteria to this one.
    van_hoa = build(city, november, ground["programmes"]["van-hoa"], capture=django_capture_on_commit_callbacks)
    assert van_hoa.snapshot["ward_sets"] == []
    annual = build(
        city,
        Period.objects.get(kind=Period.Kind.YEAR, year=2026),
        programme,
        kind=Report.Kind.ANNUAL,
        capture=django_capture_on_commit_callbacks,
    )
    assert (annual.snapshot["totals"]["units"], annual.snapshot["totals"]["reported"]) == (2, 1)


def test_the_schedule_builds_one_report_per_programme_followed(city, ward_a, ward_b, ground):
    ward_programme = Programme.objects.get(criteria_code=criteria_set_load_file(WARD_SET)[0].code)
    pairs = {(w.pk if w else None, p.pk) for w, p in schedules.scheduled_programmes(city)}
    followed = [*ground["programmes"].values(), ward_programme]
    assert pairs == {(scope, p.pk) for scope in (None, ward_a.pk, ward_b.pk) for p in followed}
    queued = report_services.scheduled_reports(kind=Report.Kind.MONTHLY, today=date(2026, 12, 6))
    assert len(queued) == len(pairs) and len({(r.ward_id, r.programme_id) for r in queued}) == len(pairs)


def test_existing_reports_take_the_first_neighbourhood_programme(city, ground):
    november = ground["november"]
    old = Report.objects.create(kind=Report.Kind.MONTHLY, city=city, period=november)
    import_module("reports.migrations.0008_report_programme").fill_programme(apps, None)
    old.refresh_from_db()
    assert old.programme == ground["programmes"]["van-hoa"]


# --- the pages ---------------------------------------------------------------------------------------------------


def test_the_reports_page_lists_and_builds_per_programme(
    client, city, city_leader, ground, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    november, kieu_mau = ground["november"], ground["programmes"]["kieu-mau"]
    client.force_login(city_leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report-build"), {"kind": "monthly", "period": november.pk, "programme": kieu_mau.code}
        )
    report = Report.objects.get()
    assert response["Location"] == reverse("reports:report-detail", args=[report.pk])
    assert report.programme == kieu_mau and report.ward is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report-build"), {"kind": "monthly", "period": november.pk})
    assert Report.objects.exclude(pk=report.pk).get().programme == ground["programmes"]["van-hoa"]  # the first
    with django_assert_max_num_queries(20):
        page = client.get(reverse("reports:report-list"))
    html = page.content.decode()
    assert page.status_code == 200 and "Phố, thôn kiểu mẫu" in html and "Thôn, tổ dân phố văn hóa" in html
    only = client.get(reverse("reports:report-list"), {"programme": kieu_mau.code})
    assert [r.programme for r in only.context["page"]] == [kieu_mau]
    detail = client.get(reverse("reports:report-detail", args=[report.pk]))
    assert 'data-testid="report-programme"' in detail.content.decode() and kieu_mau.name in detail.content.decode()


def test_an_unknown_programme_is_a_404(client, city, city_leader, ground):
    client.force_login(city_leader)
    assert client.get(reverse("reports:report-list"), {"programme": "khong-co"}).status_code == 404
    response = client.post(
        reverse("reports:report-build"),
        {"kind": "monthly", "period": ground["november"].pk, "programme": "khong-co"},
    )
    assert response.status_code == 404 and not Report.objects.exists()


def test_programme_reports_keep_to_the_user_s_scope(
    client, city, ward_a, staff_a, leader_a, staff_b, ground, django_capture_on_commit_callbacks
):
    november, kieu_mau = ground["november"], ground["programmes"]["kieu-mau"]
    build_url = reverse("reports:report-build")
    ask = {"kind": "monthly", "period": november.pk, "programme": kieu_mau.code, "ward": ward_a.code}
    client.force_login(leader_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(build_url, ask).status_code == 302
    report = Report.objects.get()
    assert (report.ward, report.programme) == (ward_a, kieu_mau)
    assert report.snapshot["totals"]["units"] == 3  # Phường A's units only
    client.force_login(staff_b)  # another ward
    assert client.post(build_url, ask).status_code == 404
    assert (
        client.get(reverse("reports:report-list"), {"ward": ward_a.code, "programme": kieu_mau.code}).status_code == 404
    )
    assert client.get(reverse("reports:report-detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:report-file", args=[report.pk, "pdf"])).status_code == 404
    client.force_login(staff_a)  # reads the ward's reports, builds none
    assert client.post(build_url, ask).status_code == 403
    assert client.get(reverse("reports:report-list"), {"programme": kieu_mau.code}).status_code == 200
    client.logout()
    assert client.post(build_url, ask).status_code == 302 and Report.objects.count() == 1
    anonymous = client.get(reverse("reports:report-list"), {"programme": kieu_mau.code})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
