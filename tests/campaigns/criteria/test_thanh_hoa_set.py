"""The shipped Thanh Hóa set "Phố, thôn kiểu mẫu", an extension of the văn hóa frame (NĐ 86/2023): it loads after
the frame, every number not read in a legal text is marked as an example, a unit meeting the frame is not
complete under it, and the set page says what it extends and where each criterion and threshold comes from.

Set pages are not scoped to a ward or city (the sets are legal instruments read by everyone with a scope), so
there is no other-ward 404 here: as in test_sets, anyone with a scope reads them, no scope is 403, anonymous
goes to the login page."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from campaigns.criteria.evaluation import NUMERIC_KINDS
from campaigns.criteria.extension import loosens, merged_criteria
from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Criterion, Indicator, Level
from tests.campaigns.criteria.test_extension import complete, load_extension

SETS = Path(settings.BASE_DIR) / "campaigns" / "criteria" / "sets"
FILE = SETS / "thanh-hoa-pho-thon-kieu-mau.yaml"
ND86, QD09 = "86/2023/NĐ-CP", "09/2019/QĐ-UBND"

# Indicators of the Thanh Hóa file whose number is read in a legal text, with the text. The body of QĐ 09/2019
# (its criteria and thresholds) was not available (../shared/research/domain.md §1.1): no number is legal yet.
LEGAL: dict[str, str] = {}
TIGHTENED = {"I.1", "I.2", "II.2", "II.4"}  # frame indicators whose thresholds the file tightens


def _file() -> dict:
    with open(FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture
def frame(db):
    return criteria_set_load_file(SETS / "nd-86-2023-thon-tdp-van-hoa.yaml")[0]


@pytest.fixture
def kieu_mau(frame):
    return load_extension(_file())


def _indicators(criteria_set) -> dict:
    return {
        i.code: i for i in Indicator.objects.filter(criterion__criteria_set=criteria_set).select_related("criterion")
    }


# --- the file ----------------------------------------------------------------------------------------------


def test_the_file_loads_after_the_van_hoa_set_and_extends_it(frame, kieu_mau):
    assert criteria_set_load_file(FILE)[1] == "unchanged"  # the file itself, as load_criteria and the demo load it
    assert kieu_mau.extends == frame and kieu_mau.level == Level.NEIGHBOURHOOD
    assert (kieu_mau.code, kieu_mau.document_number, kieu_mau.issuer) == (
        "thanh-hoa-pho-thon-kieu-mau",
        QD09,
        "UBND tỉnh Thanh Hóa",
    )
    assert QD09 in kieu_mau.source and "86/2023/NĐ-CP" in kieu_mau.source and "VÍ DỤ" in kieu_mau.source
    criteria = list(kieu_mau.criteria.order_by("order"))
    assert [c.number for c in criteria] == ["I", "II", "III", "KM1", "KM2", "KM3"]
    assert [c.decision for c in criteria] == [ND86, ND86, ND86, "", "", ""]
    assert [c.indicators.count() for c in criteria] == [4, 7, 2, 3, 2, 2]
    assert all(0 < len(c.short_name) <= Criterion.SHORT_LENGTH and len(c.short_name.split()) <= 4 for c in criteria)
    _merged, problems = merged_criteria(_file(), frame)
    assert problems == []


def test_the_file_only_tightens_the_frame(frame, kieu_mau):
    before, after = _indicators(frame), _indicators(kieu_mau)
    assert set(before) <= set(after)
    own = {code for code, i in after.items() if code in before and not i.decision}
    assert own == TIGHTENED
    for code, i in after.items():
        if code not in before:
            assert i.decision == "", code
            continue
        old = before[code]
        assert (i.kind, i.comparator, i.name) == (old.kind, old.comparator, old.name)
        if code in TIGHTENED:
            assert i.threshold != old.threshold, code
            assert not loosens(i.kind, i.comparator, old.threshold, i.threshold), code
            for zone, value in i.zone_thresholds.items():
                assert not loosens(i.kind, i.comparator, old.threshold_for(zone), value), (code, zone)
        else:
            assert i.decision == ND86 and (i.threshold, i.zone_thresholds) == (old.threshold, old.zone_thresholds)
    assert (after["I.2"].threshold, after["I.2"].zone_thresholds) == (Decimal(0), {"mien_nui": "2"})


def test_every_number_not_read_in_a_legal_text_is_an_example():
    numbers = []
    for criterion in _file()["criteria"]:
        for i in criterion["indicators"]:
            if i.get("threshold") is not None or i.get("zones"):
                numbers.append(i["code"])
                assert i.get("example") is True or i["code"] in LEGAL, i["code"]
            elif i["kind"] in NUMERIC_KINDS:
                pytest.fail(f"{i['code']}: a number without a threshold")
    assert len(numbers) == 9  # I.1, I.2, II.2, II.4, II.KM1, KM1.1, KM1.2, KM2.2, KM3.2


def test_every_threshold_of_the_loaded_set_is_an_example_or_legal(kieu_mau):
    for code, i in _indicators(kieu_mau).items():
        if i.kind in NUMERIC_KINDS and (i.threshold is not None or i.zone_thresholds):
            assert i.threshold_is_example or code in LEGAL, code


# --- evaluation ------------------------------------------------------------------------------------------


def test_a_neighbourhood_meeting_van_hoa_is_not_yet_kieu_mau(frame, kieu_mau):
    at_the_frame = {
        code: (1 if i.kind == "boolean" else i.threshold) for code, i in _indicators(frame).items()
    }  # every frame threshold met exactly
    own = {"II.KM1": 95, "KM1.1": 60, "KM1.2": 70, "KM1.3": 1, "KM2.1": 1, "KM2.2": 0, "KM3.1": 1, "KM3.2": 80}
    assert complete(frame, at_the_frame) == (True, [])
    assert complete(kieu_mau, {**at_the_frame, **own}) == (False, ["I", "II"])
    tightened = {"I.1": 95, "I.2": 0, "II.2": 100, "II.4": 95}
    assert complete(kieu_mau, {**at_the_frame, **own, **tightened}) == (True, [])
    # in the mountains a poor-household rate of 2 % is still kiểu mẫu, 2.5 % is not (the frame allows 5 %)
    mountain = {**at_the_frame, **own, **tightened, "I.2": Decimal("2")}
    assert complete(kieu_mau, mountain, "mien_nui") == (True, [])
    assert complete(kieu_mau, {**mountain, "I.2": Decimal("2.5")}, "mien_nui") == (False, ["I"])
    assert complete(frame, {**mountain, "I.2": Decimal("2.5")}, "mien_nui") == (True, [])
    assert complete(kieu_mau, {**at_the_frame, **tightened, **own, "KM2.2": 1}) == (False, ["KM2"])


# --- the set page ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_a", "city_leader", "admin_user"])
def test_the_page_says_what_it_extends_where_each_part_comes_from_and_the_examples(
    client, request, frame, kieu_mau, who
):
    client.force_login(request.getfixturevalue(who))
    with translation.override("vi"):
        response = client.get(reverse("campaigns:set-detail", args=[kieu_mau.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mở rộng bộ tiêu chí “Thôn, tổ dân phố văn hóa” (86/2023/NĐ-CP)" in html
    assert reverse("campaigns:set-detail", args=[frame.pk]) in html
    assert "Theo quyết định: 86/2023/NĐ-CP" in html and f"Theo quyết định: {QD09}" in html  # criteria I and KM1
    assert "siết chặt so với ≥ 90 % (86/2023/NĐ-CP)" in html  # I.1
    assert "siết chặt so với ≤ 1,5 % hộ (86/2023/NĐ-CP); Miền núi: ≤ 5 % hộ" in html  # I.2
    assert html.count("siết chặt so với") == len(TIGHTENED)
    examples = sum(i.threshold_is_example for i in _indicators(kieu_mau).values())
    assert f"{examples} ngưỡng của bộ này là số ví dụ" in html
    assert html.count(">ngưỡng tham khảo<") == examples + 1  # one badge per example threshold, one in the legend
    rows = {item["indicator"].code: item for row in response.context["rows"] for item in row["indicators"]}
    assert {code: item["decision"] for code, item in rows.items() if item["decision"] == QD09}.keys() == (
        TIGHTENED | {"II.KM1", "KM1.1", "KM1.2", "KM1.3", "KM2.1", "KM2.2", "KM3.1", "KM3.2"}
    )
    assert rows["I.3"]["decision"] == ND86 and rows["I.3"]["tightened"] is None


def test_the_frame_page_names_its_extension_and_no_decision_column(client, staff_a, frame, kieu_mau):
    client.force_login(staff_a)
    with translation.override("vi"):
        response = client.get(reverse("campaigns:set-detail", args=[frame.pk]))
    html = response.content.decode()
    assert response.context["shows_decisions"] is False
    assert "Được bổ sung bởi" in html and reverse("campaigns:set-detail", args=[kieu_mau.pk]) in html
    assert "Theo quyết định" not in html and "siết chặt" not in html


def test_no_scope_is_refused_and_anonymous_goes_to_login(client, no_role_user, kieu_mau):
    url = reverse("campaigns:set-detail", args=[kieu_mau.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(no_role_user)
    assert client.get(url).status_code == 403


def test_the_page_makes_one_query_more_than_the_frames_whatever_its_criteria(
    client, admin_user, frame, kieu_mau, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(reverse("campaigns:set-detail", args=[frame.pk]))  # warm the session and content types
    with CaptureQueriesContext(connection) as frame_page:
        client.get(reverse("campaigns:set-detail", args=[frame.pk]))
    # the extension has twice the frame's criteria and more indicators: one query more, for the frame's thresholds
    with django_assert_max_num_queries(len(frame_page.captured_queries) + 1):
        assert client.get(reverse("campaigns:set-detail", args=[kieu_mau.pk])).status_code == 200
