"""What the entry form tells while it is filled in: the rules entry.js judges values by, the yearly badge and
the line on a value carried over from an earlier month, the note on example thresholds, names for every box
a screen reader announces, and the mark autosave.js clears its draft by.

Dates are pinned to 20/11/2026 (Hà Nội time), so the current month is 11/2026. Pages are read in the
default language (Vietnamese), as ward staff read them.
"""

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import tinyhtml5
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.results import services
from campaigns.results.forms import ResultsForm, carried_from
from campaigns.results.models import Period, Result
from campaigns.results.periods import periods_ensure
from portal.numbers import parse_number
from wards.models import Profile

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
HOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def months(db):
    periods_ensure(2026)
    return {p.number: p for p in Period.objects.filter(kind=Period.Kind.MONTH, year=2026)}


@pytest.fixture
def ind(db):
    criteria_set, _outcome = criteria_set_load_file(HOOD_SET)
    return {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=criteria_set)}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(period, hood) -> str:
    return reverse("campaigns:entry-neighbourhood", args=[period.pk, hood.pk])


def _save(hood, period, user, values: dict[Indicator, str]):
    submission = services.submission_for(hood, period)
    entered = {i.pk: {"value": parse_number(raw), "text": "", "note": ""} for i, raw in values.items()}
    versions = dict(submission.results.values_list("indicator_id", "version"))
    services.results_save(submission=submission, user=user, values=entered, versions=versions)
    return submission


def _elements(html: str):
    return list(tinyhtml5.parse(html).iter())


def _by_id(html: str, element_id: str):
    return next((e for e in _elements(html) if e.get("id") == element_id), None)


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _indicator(**kwargs) -> Indicator:
    defaults = {"pk": 7, "code": "X.1", "name": "Số hộ được hỗ trợ", "kind": IndicatorKind.PERCENT, "comparator": ">="}
    return Indicator(**{**defaults, **kwargs})


def _refusal(indicator: Indicator, raw: str, profile=None) -> str | None:
    form = ResultsForm({"v_7": raw}, indicators=[indicator], results={}, editable=True, profile=profile)
    form.is_valid()
    errors = form.errors.get("v_7")
    return errors[0] if errors else None


# --- the rules entry.js judges by are the form's own ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "key"),
    [
        (IndicatorKind.PERCENT, "abc", "invalid"),
        (IndicatorKind.PERCENT, "4" * 41, "too_long"),
        (IndicatorKind.AMOUNT, "123456789012345", "digits"),
        (IndicatorKind.AMOUNT, "1,12345", "digits"),
        (IndicatorKind.PERCENT, "-1", "min_value"),
        (IndicatorKind.PERCENT, "1.234", "max_value"),
        (IndicatorKind.COUNT, "1,5", "whole"),
    ],
)
def test_the_live_rules_carry_the_messages_the_form_refuses_with(kind, raw, key):
    with translation.override("vi"):
        indicator = _indicator(kind=kind)
        message = ResultsForm(indicators=[indicator], results={}, editable=True).live_rules()["messages"][key]
        assert _refusal(indicator, raw) == message.replace("%(value)s", raw)


def test_the_live_rules_bound_numbers_as_the_value_column_does():
    rules = ResultsForm(indicators=[], results={}, editable=True).live_rules()
    column = Result._meta.get_field("value")
    assert (rules["wholeDigits"], rules["places"]) == (column.max_digits - column.decimal_places, column.decimal_places)
    assert _refusal(_indicator(kind=IndicatorKind.AMOUNT), "9" * rules["wholeDigits"]) is None
    assert _refusal(_indicator(kind=IndicatorKind.AMOUNT), "9" * (rules["wholeDigits"] + 1)) is not None


def test_each_number_box_carries_its_bounds_and_the_profiles_message():
    profile = Profile(year=2026, households=234, people=785)
    percent = _indicator(pk=1, kind=IndicatorKind.PERCENT)
    count = _indicator(pk=2, kind=IndicatorKind.COUNT, bounded_by=Indicator.Bound.HOUSEHOLDS)
    with translation.override("vi"):
        form = ResultsForm(indicators=[percent, count], results={}, editable=True, profile=profile)
        percent_box = form.fields["v_1"].widget.attrs
        count_box = form.fields["v_2"].widget.attrs
        refused = ResultsForm({"v_2": "235"}, indicators=[count], results={}, editable=True, profile=profile).errors[
            "v_2"
        ][0]
    assert (percent_box["data-min"], percent_box["data-max"]) == ("0", "100")
    assert "data-count" not in percent_box and "data-bound" not in percent_box
    assert "data-max" not in count_box and "data-count" in count_box
    assert count_box["data-bound"] == "234"
    assert count_box["data-bound-message"] == refused


def test_the_page_holds_the_rules_and_the_badge_labels(staff_a, hood_a, months, ind):
    html = _client(staff_a).get(_url(months[11], hood_a)).content.decode()
    rules = _by_id(html, "entry-rules")
    assert rules is not None and rules.get("type") == "application/json"
    with translation.override("vi"):
        assert (
            json.loads("".join(rules.itertext())) == ResultsForm(indicators=[], results={}, editable=True).live_rules()
        )
    form = _by_id(html, "entry-form")
    assert (form.get("data-label-met"), form.get("data-label-invalid")) == ("Đạt", "Không hợp lệ")
    box = _by_id(html, f"id_v_{ind['I.1'].pk}")
    assert box.get("data-max") == "100" and box.get("data-min") == "0"


# --- yearly indicators and values carried over --------------------------------------------------------


def test_a_yearly_value_carried_from_october_says_so_until_it_is_changed(staff_a, hood_a, months, ind):
    _save(hood_a, months[10], staff_a, {ind["II.1"]: "1", ind["I.1"]: "91"})
    client = _client(staff_a)
    url = _url(months[11], hood_a)
    html = client.get(url).content.decode()
    yearly_line = _text(_by_id(html, f"ind-{ind['II.1'].pk}-desc"))
    assert "hằng năm" in yearly_line
    assert "Giá trị mang sang từ tháng 10/2026; sửa nếu đã thay đổi." in yearly_line
    monthly_line = _text(_by_id(html, f"ind-{ind['I.1'].pk}-desc"))
    assert "hằng năm" not in monthly_line and "mang sang" not in monthly_line
    assert "hằng năm" in _text(_by_id(html, f"ind-{ind['I.2'].pk}-desc"))  # yearly, computed: nothing carried

    # Saved untouched with the month's first save, the copy is still October's value.
    _save(hood_a, months[11], staff_a, {ind["I.1"]: "95,5"})
    html = client.get(url).content.decode()
    assert "mang sang từ tháng 10/2026" in _text(_by_id(html, f"ind-{ind['II.1'].pk}-desc"))

    # Changed in November, it is November's own.
    _save(hood_a, months[11], staff_a, {ind["II.1"]: "0"})
    html = client.get(url).content.decode()
    line = _text(_by_id(html, f"ind-{ind['II.1'].pk}-desc"))
    assert "hằng năm" in line and "mang sang" not in line


def test_nothing_is_carried_into_the_first_month_of_the_year(staff_a, hood_a, months, ind):
    submission = services.submission_for(hood_a, months[1], create=False)
    assert carried_from(submission, services.carried_over(submission)) == {}
    html = _client(staff_a).get(_url(months[1], hood_a)).content.decode()
    assert 'data-testid="carried"' not in html


def test_carried_values_cost_one_query_and_none_when_every_value_was_typed(
    staff_a, hood_a, months, ind, django_assert_num_queries
):
    _save(hood_a, months[10], staff_a, {ind["II.1"]: "1"})
    submission = services.submission_for(hood_a, months[11], create=False)
    shown = services.carried_over(submission)
    with django_assert_num_queries(1):
        assert carried_from(submission, shown) == {ind["II.1"].pk: months[10]}
    typed = {pk: Result(pk=1, submission_id=submission.pk, updated_by_id=staff_a.pk) for pk in shown}
    with django_assert_num_queries(0):
        assert carried_from(submission, typed) == {}


# --- the example thresholds, and a name for every box ----------------------------------------------------


def test_example_thresholds_are_explained_under_the_form_and_to_screen_readers(staff_a, hood_a, months, ind):
    html = _client(staff_a).get(_url(months[11], hood_a)).content.decode()
    legend = _by_id(html, "example-legend")
    assert "tham khảo" in _text(legend) and "văn bản pháp lý để tỉnh tự quy định" in _text(legend)
    example = _by_id(html, f"id_v_{ind['I.1'].pk}")  # "≥ 90 %", an example threshold
    assert "example-legend" in example.get("aria-describedby").split()
    plain = _by_id(html, f"id_v_{ind['I.3'].pk}")  # yes/no, no number
    assert "example-legend" not in plain.get("aria-describedby").split()
    for described in example.get("aria-describedby").split():
        assert _by_id(html, described) is not None, described


def test_every_evidence_and_note_box_has_its_own_name(staff_a, hood_a, months, ind):
    html = _client(staff_a).get(_url(months[11], hood_a)).content.decode()
    files = [e for e in _elements(html) if e.get("type") == "file"]
    entered = [i for i in ind.values() if not i.source]
    assert len(files) == len(entered) == 11
    names = [f.get("aria-label") for f in files]
    assert len(set(names)) == len(names)
    i1 = ind["I.1"]
    assert f"Minh chứng cho chỉ tiêu I.1 {i1.name}" in names
    notes = [e.get("aria-label") for e in _elements(html) if (e.get("name") or "").startswith("n_")]
    assert len(set(notes)) == len(notes) == len(ind)
    assert "Ghi chú cho chỉ tiêu I.1" in notes


# --- what autosave.js reads -------------------------------------------------------------------------------


def test_the_form_is_marked_saved_only_on_the_page_a_save_leads_to(staff_a, hood_a, months, ind):
    client = _client(staff_a)
    url = _url(months[11], hood_a)
    form = _by_id(client.get(url).content.decode(), "entry-form")
    assert form.get("data-saved") is None
    assert form.get("data-draft-key") == f"kieumau:entry-draft:{staff_a.pk}:n{hood_a.pk}:{months[11].pk}"
    data = {f"v_{ind['I.1'].pk}": "95,5", f"n_{ind['I.1'].pk}": "", f"ver_{ind['I.1'].pk}": "", "save": ""}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain and Result.objects.get(indicator=ind["I.1"]).value == Decimal("95.5")
    assert _by_id(response.content.decode(), "entry-form").get("data-saved") == ""
    refused = client.post(url, data | {f"v_{ind['I.1'].pk}": "1.234"})
    assert refused.status_code == 200
    assert _by_id(refused.content.decode(), "entry-form").get("data-saved") is None


def test_boxes_carry_what_is_saved_even_when_the_form_comes_back_with_errors(staff_a, hood_a, months, ind):
    _save(hood_a, months[11], staff_a, {ind["I.1"]: "95,5"})
    i1 = Result.objects.get(indicator=ind["I.1"])
    data = {f"v_{ind['I.1'].pk}": "1.234", f"ver_{ind['I.1'].pk}": str(i1.version), "save": ""}
    response = _client(staff_a).post(_url(months[11], hood_a), data)
    box = _by_id(response.content.decode(), f"id_v_{ind['I.1'].pk}")
    assert (box.get("value"), box.get("data-saved-value")) == ("1.234", "95,5")


def test_a_read_only_form_keeps_no_draft(staff_a, leader_a, hood_a, months, ind):
    html = _client(leader_a).get(_url(months[11], hood_a)).content.decode()
    assert _by_id(html, "entry-form").get("data-draft-key") is None
    assert "data-draft-banner" not in html
