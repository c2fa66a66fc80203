"""Issue 9: one test per finding of the audit of the monthly and annual reports, each failing before the fix.

Findings 8 (rates rounded before comparison) and 10 (the document's frame) have their tests beside their
code: tests/campaigns/results/test_exact_rates.py and tests/reports/test_documents.py.
"""

import hashlib
import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.services import criteria_set_new_version
from campaigns.movement.models import Campaign, Task
from campaigns.movement.services import recognitions as recognition_services
from campaigns.movement.services.tasks import task_complete
from campaigns.results import rollups
from campaigns.results.models import Submission
from reports.summaries import annual_snapshot, monthly_snapshot
from tests.factories import NeighbourhoodFactory, ProfileFactory
from tests.reports.conftest import NEIGHBOURHOOD_SET, enter, enter_ward
from wards.services import unit_retire

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
S = Submission.Status
WARD_SET = NEIGHBOURHOOD_SET.parent / "qd-04-2022-do-thi-van-minh.yaml"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HCM)


def hood(ward, name, **kwargs):
    unit = NeighbourhoodFactory(ward=ward, name=name, **kwargs)
    ProfileFactory(neighbourhood=unit, year=2026)
    return unit


def sent(submission, when: datetime, status=S.SUBMITTED):
    Submission.objects.filter(pk=submission.pk).update(status=status, submitted_at=when)
    rollups.rollups_refresh(submission.period, wards=[submission.ward_id])  # the update goes around them


def snapshot_hash(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()


def test_finding_1_late_means_sent_after_the_deadline_and_missing_is_not_late(city, ward_a, months):
    nov = months[11]  # deadline 05/12/2026
    on_time, late, missing = hood(ward_a, "Tổ 1"), hood(ward_a, "Tổ 2"), hood(ward_a, "Tổ 3")
    sent(enter(on_time, nov, met=True), at(2026, 12, 5, 23, 59))
    sent(enter(late, nov, met=True), at(2026, 12, 8, 9, 0))  # three days after the deadline
    snap = monthly_snapshot(city=city, ward=ward_a, period=nov, today=date(2026, 12, 20))
    totals = snap["totals"]
    assert (totals["on_time"], totals["late"], totals["not_reported"]) == (1, 1, 1)
    assert {u["name"]: u["status"] for u in snap["units"]} == {"Tổ 1": "on_time", "Tổ 2": "late", "Tổ 3": "none"}
    assert snap["not_reported"]["units"] == [{"name": missing.name, "ward": ward_a.name}]


def test_finding_2_returned_units_are_counted_among_those_not_reported(city, ward_a, months):
    nov = months[11]
    for i, status in enumerate([S.APPROVED, S.SUBMITTED, S.RETURNED, S.RETURNED, S.DRAFT]):
        enter(hood(ward_a, f"Tổ {i}"), nov, met=True, status=status)
    totals = monthly_snapshot(city=city, ward=ward_a, period=nov, today=date(2026, 12, 20))["totals"]
    assert totals["units"] == 5
    assert (totals["reported"], totals["approved"]) == (2, 1)
    assert (totals["not_reported"], totals["returned"]) == (3, 2)
    assert totals["reported"] + totals["not_reported"] == totals["units"]
    assert totals["returned"] <= totals["not_reported"] and totals["approved"] <= totals["reported"]


def test_finding_3_change_is_in_points_of_share_and_dash_with_nothing_to_compare(city, ward_a, months):
    oct_, nov = months[10], months[11]
    units = [hood(ward_a, f"Tổ {i}") for i in range(4)]
    for i, unit in enumerate(units):  # October: 3 of 4 meet criterion II (75 %)
        enter(unit, oct_, met=i < 3)
    for unit in units[:2]:  # November: 2 of 2 meet it (100 %), half the units reported
        enter(unit, nov, met=True)
    rows = {
        c["number"]: c for c in monthly_snapshot(city=city, ward=None, period=nov, today=date(2026, 12, 20))["criteria"]
    }
    assert (rows["II"]["met"], rows["II"]["assessed"], rows["II"]["previous_met"]) == (2, 2, 3)
    assert rows["II"]["change_pp"] == pytest.approx(25.0)  # the count fell by one; the share rose 25 points
    first = monthly_snapshot(city=city, ward=None, period=oct_, today=date(2026, 12, 20))
    assert {c["change_pp"] for c in first["criteria"]} == {None}  # September had nothing: "—"


def test_finding_3_an_open_month_is_compared_with_the_same_day_of_the_month_before(city, ward_a, months):
    oct_, nov = months[10], months[11]
    units = [hood(ward_a, f"Tổ {i}") for i in range(4)]
    for i, unit in enumerate(units):  # October: two reports by 25/10, two more on 03/11
        sent(enter(unit, oct_, met=True), at(2026, 10, 20, 9) if i < 2 else at(2026, 11, 3, 9))
    sent(enter(units[0], nov, met=True), at(2026, 11, 20, 9))
    snap = monthly_snapshot(city=city, ward=None, period=nov, today=date(2026, 11, 25))
    assert snap["compared_as_of"] == "2026-10-25"
    assert {c["previous_assessed"] for c in snap["criteria"]} == {2}  # not the 4 October ended with


def test_finding_4_merged_and_retired_units_are_counted_once_and_follow_their_successor(
    city, ward_a, months, admin_user
):
    oct_, nov = months[10], months[11]
    old_a, old_b = hood(ward_a, "Tổ 1 cũ"), hood(ward_a, "Tổ 2 cũ")
    enter(old_a, oct_, met=True)
    enter(old_b, oct_, met=True)
    enter(old_a, nov, met=True)  # reported for November before the merge
    merged = hood(ward_a, "Tổ dân phố mới", valid_from=date(2026, 11, 15))
    unit_retire(user=admin_user, unit=old_a, on=date(2026, 11, 15), replaced_by=[merged])
    unit_retire(user=admin_user, unit=old_b, on=date(2026, 11, 15), replaced_by=[merged])
    enter(merged, nov, met=True)
    snap = monthly_snapshot(city=city, ward=ward_a, period=nov, today=date(2026, 12, 20))
    # old_a reported and counts for November; old_b ended without reporting and is not expected to.
    assert (snap["totals"]["units"], snap["totals"]["reported"], snap["totals"]["not_reported"]) == (2, 2, 0)
    assert snap["newly_complete"]["count"] == 0  # both units it replaced met the standard in October
    assert snap["slipped"]["count"] == 0
    enter(merged, months[12], met=True)
    year = annual_snapshot(city=city, ward=ward_a, period=_year(2026), today=date(2027, 1, 20))
    assert year["totals"]["units"] == 1
    assert year["reaching_standard"]["units"] == [{"name": "Tổ dân phố mới", "ward": ward_a.name}]


def test_finding_5_met_and_assessed_count_the_same_units_across_set_versions(
    city, ward_a, months, criteria_set, admin_user
):
    nov = months[11]
    first = hood(ward_a, "Tổ 1")
    enter(first, nov, met=True)  # on version 1
    version_2 = criteria_set_new_version(criteria_set=criteria_set, user=admin_user, effective_from=date(2026, 11, 15))
    second = hood(ward_a, "Tổ 2")
    assert enter(second, nov, met=True).criteria_set == version_2
    snap = monthly_snapshot(city=city, ward=None, period=nov, today=date(2026, 12, 20))
    for row in snap["criteria"]:
        assert row["met"] <= row["assessed"] == 2


def test_finding_6_a_closed_month_keeps_its_overdue_tasks_when_rebuilt(city, ward_a, months, admin_user):
    nov = months[11]
    campaign = Campaign.objects.create(name="Ra quân", city=city, start=date(2026, 1, 1), end=date(2026, 12, 31))
    late_task = Task.objects.create(
        campaign=campaign, ward=ward_a, title="Dọn ngõ", start=nov.start, due=date(2026, 11, 20)
    )
    Task.objects.create(campaign=campaign, ward=ward_a, title="Treo biển", start=nov.start, due=date(2026, 11, 25))
    first = monthly_snapshot(city=city, ward=None, period=nov, today=date(2026, 12, 10))
    assert first["tasks"]["overdue"] == 2
    with time_machine.travel(at(2026, 12, 12, 9), tick=False):
        task_complete(user=admin_user, task=late_task)  # done after the month ended: overdue at its end
    again = monthly_snapshot(city=city, ward=None, period=nov, today=date(2026, 12, 15))
    assert again["tasks"]["overdue"] == 2
    with time_machine.travel(at(2026, 12, 16, 9), tick=False):  # recorded after the month, backdated
        Task.objects.create(campaign=campaign, ward=ward_a, title="Ghi sau", start=nov.start, due=date(2026, 11, 28))
    third = monthly_snapshot(city=city, ward=None, period=nov, today=date(2026, 12, 20))
    assert third["tasks"]["overdue"] == 2
    assert snapshot_hash(first) == snapshot_hash(again) == snapshot_hash(third)


def test_finding_7_one_rule_for_reaching_the_standard_in_the_year(city, ward_a, months):
    approved, submitted, returned = hood(ward_a, "Tổ 1"), hood(ward_a, "Tổ 2"), hood(ward_a, "Tổ 3")
    enter(approved, months[11], met=True)
    enter(submitted, months[10], met=False)
    enter(submitted, months[11], met=True, status=S.SUBMITTED)  # latest month that counts, not yet approved
    enter(returned, months[10], met=True)
    enter(returned, months[12], met=False, status=S.RETURNED)  # does not count: October decides
    year = annual_snapshot(city=city, ward=None, period=_year(2026), today=date(2027, 1, 20))
    reached = {u["name"] for u in year["reaching_standard"]["units"]}
    candidates = {h.name for h in recognition_services.recognition_candidates(city=city, year=2026)}
    assert reached == candidates == {"Tổ 1", "Tổ 2", "Tổ 3"}


def test_finding_9_ward_level_sets_reach_the_reports(city, ward_a, hood_a, months, client, city_leader):
    criteria_set_load_file(WARD_SET)
    nov = months[11]
    submission = enter_ward(ward_a, nov)
    assert submission.criteria_set.level == "ward"
    sent(submission, at(2026, 12, 1, 9))
    snap = monthly_snapshot(city=city, ward=None, period=nov, today=date(2026, 12, 20))
    [row] = snap["ward_sets"]
    assert (row["name"], row["status"], row["complete"]) == (ward_a.name, "on_time", False)
    assert set(row["missing"]) >= {"2", "4"} and row["met"] < row["total"]
    client.force_login(city_leader)
    page = client.get(reverse("reports:dashboard"), {"period": nov.pk})
    assert page.context["ward_sets"] == []  # not repeated on the neighbourhoods' programme: it has a tab
    assert "do-thi-van-minh" in [p.code for p in page.context["programmes"]]
    page = client.get(reverse("reports:dashboard"), {"period": nov.pk, "programme": "do-thi-van-minh"})
    html = page.content.decode()
    table = html[html.index('data-testid="ward-programme-table"') :]
    assert ward_a.name in table and "2, 4" in table


def _year(year: int):
    from campaigns.results.models import Period

    return Period.objects.get(kind=Period.Kind.YEAR, year=year)


def _html(snapshot: dict) -> str:
    from django.template.loader import render_to_string
    from django.utils import translation

    from reports.exports import pdf_context

    with translation.override("vi"):
        html = render_to_string("reports/pdf/summary.html", pdf_context(snapshot))
    text = re.sub(r"<[^>]*>", " ", re.sub(r"<style.*?</style>", " ", html, flags=re.S))  # the words printed
    return " ".join(text.split())


def test_finding_10_example_thresholds_are_marked_in_the_pdf_and_the_workbook(city, ward_a, hood_a, months):
    import io

    from openpyxl import load_workbook

    from reports.exports import xlsx_bytes

    enter(hood_a, months[11], met=True)
    snap = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 20))
    examples = [c for c in snap["criteria"] if c["example"]]
    assert examples and snap["criteria_set"]["has_examples"]  # the shipped set has example numbers
    html = _html(snap)
    assert f"{examples[0]['name']} (*)" in html and "(*) Ngưỡng đánh giá là số liệu tham khảo" in html
    sheet = load_workbook(io.BytesIO(xlsx_bytes(snap)))["Tiêu chí"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert f"{examples[0]['name']} (*)" in names


def test_finding_10_every_rate_in_one_format(city, ward_a, months):
    units = [hood(ward_a, f"Tổ {i}") for i in range(6)]
    enter(units[0], months[11], met=True)  # 1 of 6 reach the standard: 16,7 %
    for unit in units[1:4]:
        enter(unit, months[11], met=False)
    year = annual_snapshot(city=city, ward=None, period=_year(2026), today=date(2027, 1, 20))
    monthly = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 20))
    for snap in (year, monthly):
        rates = re.findall(r"\d[\d.,]*\s?%", _html(snap))
        assert rates and all(re.fullmatch(r"\d{1,3}(\.\d{3})*,\d %", r) for r in rates), rates
    assert "16,7 %" in _html(year)


def test_finding_11_a_city_workbook_names_every_unit_not_reported_and_has_a_sheet_per_unit(
    city, ward_a, ward_b, hood_a, hood_b, months
):
    import io

    from openpyxl import load_workbook

    from reports.exports import xlsx_bytes

    quiet = hood(ward_b, "Tổ dân phố im lặng")
    sent(enter(hood_a, months[11], met=False), at(2026, 12, 7, 8))
    enter(hood_b, months[11], met=True, status=S.RETURNED)
    snap = monthly_snapshot(city=city, ward=None, period=months[11], today=date(2026, 12, 20))
    wb = load_workbook(io.BytesIO(xlsx_bytes(snap)))
    missing = {row[2]: row[3] for row in wb["Chưa báo cáo"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert missing == {hood_b.name: "Trả lại – đang chỉnh sửa", quiet.name: "Chưa nhập"}
    units = {row[2]: row for row in wb["Từng đơn vị"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert set(units) == {hood_a.name, hood_b.name, quiet.name}
    late = units[hood_a.name]
    assert (late[1], late[3], late[5].date(), late[9]) == (ward_a.name, "Chậm hạn", date(2026, 12, 7), "Không")
    assert late[8]  # the criteria it lacks
