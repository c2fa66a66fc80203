"""The annual report's party cells: levels counted from the yearly ratings only (never the quarters'), at their
final level, and how many a condition of QĐ 366-QĐ/TW lowered — proved against a count by hand."""

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import load_workbook

from campaigns.movement.services.ratings import party_cell_rate
from campaigns.results import periods
from campaigns.results.models import Period
from reports.exports import pdf_context, xlsx_bytes
from reports.summaries import annual_snapshot
from tests.factories import PartyCellFactory


@pytest.fixture(autouse=True)
def _january_2027():
    with time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=True):
        yield


@pytest.fixture
def rated(admin_user, ward_a, ward_b, cell_a):
    """2026, yearly: cell_a 95 + a leader disciplined → good (capped); c2 92 → excellent; c3 75 + a task late →
    fulfilled (capped); c4 (ward B) 55 → fulfilled; c5 not rated. Quarterly (not counted): c5 Q1 95, cell_a Q2 40.
    By hand: excellent 1, good 1, fulfilled 2, not fulfilled 0; rated 4 of 5 cells; capped 2."""
    c2, c3 = PartyCellFactory(ward=ward_a), PartyCellFactory(ward=ward_a)
    c4, c5 = PartyCellFactory(ward=ward_b), PartyCellFactory(ward=ward_b)

    def rate(cell, score, quarter=None, **conditions):
        party_cell_rate(
            user=admin_user, party_cell=cell, year=2026, quarter=quarter, score=score, conditions=conditions
        )

    rate(cell_a, 95, leader_disciplined=True)
    rate(c2, 92)
    rate(c3, 75, tasks_late=True)
    rate(c4, 55)
    rate(c5, 95, quarter=1)
    rate(cell_a, 40, quarter=2)


def year(y: int) -> Period:
    periods.periods_ensure(y)
    return Period.objects.get(kind=Period.Kind.YEAR, year=y)


def test_the_year_counts_yearly_ratings_and_those_capped(city, rated):
    snap = annual_snapshot(city=city, ward=None, period=year(2026), today=date(2027, 1, 10))
    assert snap["party_cells"] == {
        "scale": "points",
        "by_level": {"excellent": 1, "good": 1, "fulfilled": 2, "not_fulfilled": 0},
        "rated": 4,
        "cells": 5,
        "capped": 2,
    }
    with translation.override("vi"):
        html = render_to_string("reports/pdf/_annual.html", pdf_context(snap))
    assert "Trong đó 2 chi bộ bị hạ mức xếp loại" in html
    assert "Cách tính: đếm xếp loại năm của chi bộ" in html
    sheet = load_workbook(BytesIO(xlsx_bytes(snap)))["Chi bộ"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Bị hạ mức do không đạt điều kiện", 2] in [row[:2] for row in values]


def test_one_ward(city, ward_a, rated):
    snap = annual_snapshot(city=city, ward=ward_a, period=year(2026), today=date(2027, 1, 10))
    assert snap["party_cells"]["by_level"] == {"excellent": 1, "good": 1, "fulfilled": 1, "not_fulfilled": 0}
    assert (snap["party_cells"]["rated"], snap["party_cells"]["capped"]) == (3, 2)


def test_an_old_snapshot_without_the_count_still_renders(city, rated):
    snap = annual_snapshot(city=city, ward=None, period=year(2026), today=date(2027, 1, 10))
    del snap["party_cells"]["capped"]
    with translation.override("vi"):
        html = render_to_string("reports/pdf/_annual.html", pdf_context(snap))
    assert "bị hạ mức" not in html
    assert xlsx_bytes(snap).startswith(b"PK")
