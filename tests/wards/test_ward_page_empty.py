"""The ward page with neighbourhoods that have entered nothing: no "None" printed anywhere on it."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from campaigns.criteria.models import CriteriaSet
from campaigns.results import periods
from campaigns.results.models import Submission
from portal.models import history_record
from tests.factories import NeighbourhoodFactory

NOW = datetime(2026, 4, 15, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _april_2026():
    with time_machine.travel(NOW, tick=False):
        yield


def _closeness_rows(html: str) -> dict[str, str]:
    """Each row of the "closest to the standard" table, by the neighbourhood's name."""
    table = re.search(r'<table class="table table-sm align-middle closeness">(.*?)</table>', html, re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        name = re.search(r"<a [^>]*>(.*?)</a>", row)
        if name:
            rows[name.group(1)] = row
    return rows


@pytest.fixture
def hood_set(db):
    return CriteriaSet.objects.create(
        code="thon-tdp-van-hoa",
        name="Thôn, tổ dân phố văn hóa",
        level="neighbourhood",
        document_number="86/2023/NĐ-CP",
        issuer="Chính phủ",
        effective_from=date(2023, 12, 10),
    )


def test_a_neighbourhood_with_nothing_entered_shows_a_dash_not_none(client, staff_a, ward_a, hood_a, hood_set):
    reported = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Đình Hương 2")
    Submission.objects.create(
        criteria_set=hood_set,
        period=periods.current_month(),
        ward=ward_a,
        neighbourhood=reported,
        criteria_total=5,
        criteria_met=3,
        missing=[2, 4],
        status=Submission.Status.SUBMITTED,
    )
    client.force_login(staff_a)
    html = client.get(reverse("wards:ward-detail", args=[ward_a.code])).content.decode()
    rows = _closeness_rows(html)
    empty = rows[hood_a.name]
    assert "None" not in empty
    assert 'data-testid="nothing-entered">—<' in empty
    assert "Chưa nhập" in empty  # the status column says why
    assert "2, 4" in rows[reported.name] and "3/5" in rows[reported.name]
    assert "None" not in html


def test_a_submission_with_nothing_assessed_shows_a_dash(client, staff_a, ward_a, hood_a, hood_set):
    Submission.objects.create(
        criteria_set=hood_set, period=periods.current_month(), ward=ward_a, neighbourhood=hood_a, missing=[]
    )
    client.force_login(staff_a)
    row = _closeness_rows(client.get(reverse("wards:ward-detail", args=[ward_a.code])).content.decode())[hood_a.name]
    not_yet_met = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]
    assert re.sub(r"<[^>]+>", "", not_yet_met).strip() == "—"


def test_history_shows_a_dash_for_an_empty_old_value_and_labels_in_vietnamese(client, staff_a, hood_a):
    history_record(
        obj=hood_a, user=staff_a, action="update", changes={"name": ["", hood_a.name], "kind": [None, "thon"]}
    )
    client.force_login(staff_a)
    html = client.get(reverse("wards:neighbourhood-detail", args=[hood_a.pk])).content.decode()
    assert f"Tên: — → {hood_a.name}" in html
    assert "Loại: — → Thôn" in html  # the kind's label, not its code "thon"
    assert "None" not in html
