"""Administrators author criteria sets: upload the YAML or fill in the form, one validation for both, a preview
that evaluates a sample unit, then the save."""

import html
from datetime import date
from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.criteria.authoring.forms import SetAuthoring
from campaigns.criteria.authoring.prefill import form_data
from campaigns.criteria.loading import criteria_set_load
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Programme
from campaigns.criteria.validation import set_problems
from campaigns.criteria.validation_samples import (
    BROKEN_PATHS,
    BROKEN_VARIANTS,
    BROKEN_YAML_SYNTAX,
    VALID_SAMPLE,
)
from campaigns.results.models import Period, Result, Submission
from campaigns.results.periods import periods_ensure
from tests.factories import NeighbourhoodFactory

UPLOAD = reverse("campaigns:set-upload")
CREATE = reverse("campaigns:set-create")
PREVIEW = reverse("campaigns:set-preview")

# Broken variants a form cannot express: it has no box for the broken shape, or reads the value as valid.
FORM_SKIPPED = {
    "not_a_mapping": "a form is always one set",
    "key_unknown_indicator": "a form has no box for an unknown key",
    "key_unknown_criterion": "a form has no box for an unknown key",
    "key_unknown_set": "a form has no box for an unknown key",
    "key_unknown_document": "a form has no box for an unknown key",
    "missing_criteria": "a form always has a list of criteria (an empty one is no_criteria)",
    "level_invalid": "the level is a select of valid levels",
    "kind_invalid": "the kind is a select of valid kinds",
    "comparator_invalid": "the comparator is a select",
    "rule_invalid": "the rule is a select",
    "frequency_invalid": "the frequency is a select",
    "source_invalid": "“computed from” is a select",
    "bounded_by_invalid": "“bounded by” is a select",
    "k_not_whole": "the form reads “2” typed in k as the number 2",
    "date_invalid": "dd/mm/yyyy is the form's own date format (a bad date is tested apart)",
    "criteria_not_list": "the criteria of a form are always a list",
    "indicator_not_mapping": "an indicator of a form is always a row of boxes",
    "name_not_text": "a box always holds text",
    "code_read_as_number": "a box always holds text: 2.1 stays the code “2.1”",
    "example_not_boolean": "“example” is a checkbox",
    "zones_not_mapping": "the zones box is read as zone=value pairs (its own message is tested apart)",
}
FORM_VARIANTS = [v for v in BROKEN_VARIANTS if v[0] not in FORM_SKIPPED]


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _post_data(data: dict, **extra) -> dict:
    return {**dict(form_data(data).lists()), **extra}


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


# --- who may author ---------------------------------------------------------------------------------------------


@pytest.fixture
def stored_set(db):
    criteria_set, _outcome = criteria_set_load(VALID_SAMPLE)
    return criteria_set


def _pages(stored_set):
    return [
        ("get", UPLOAD, {}),
        ("get", CREATE, {}),
        ("get", reverse("campaigns:set-edit-new-version", args=[stored_set.pk]), {}),
        ("post", PREVIEW, {"text": yaml.safe_dump(VALID_SAMPLE, allow_unicode=True), "origin": "upload"}),
    ]


def test_administrators_open_every_page(admin, stored_set):
    for method, url, data in _pages(stored_set):
        assert getattr(admin, method)(url, data).status_code == 200, url


@pytest.mark.parametrize("who", ["city_leader", "staff_a", "leader_a"])
def test_read_only_roles_are_refused(client, request, stored_set, who):
    client.force_login(request.getfixturevalue(who))
    for method, url, data in _pages(stored_set):
        assert getattr(client, method)(url, data).status_code == 403, url
    assert CriteriaSet.objects.count() == 1


def test_anonymous_is_sent_to_login(client, stored_set):
    for method, url, data in _pages(stored_set):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_unknown_set_and_unknown_unit_are_404(admin, stored_set):
    assert admin.get(reverse("campaigns:set-edit-new-version", args=[999999])).status_code == 404
    text = yaml.safe_dump({**VALID_SAMPLE, "version": 2}, allow_unicode=True)
    response = admin.post(PREVIEW, {"text": text, "origin": "upload", "unit": "999999", "action": "evaluate"})
    assert response.status_code == 404


def test_set_list_offers_authoring_to_administrators_only(client, admin_user, city_leader, db):
    client.force_login(city_leader)
    assert CREATE not in client.get(reverse("campaigns:set-list")).content.decode()
    client.force_login(admin_user)
    html_text = client.get(reverse("campaigns:set-list")).content.decode()
    assert CREATE in html_text and UPLOAD in html_text


# --- one validation, at upload and in the form --------------------------------------------------------------------


@pytest.mark.parametrize(("variant", "make", "message"), BROKEN_VARIANTS, ids=[v[0] for v in BROKEN_VARIANTS])
def test_every_broken_variant_is_named_at_upload(admin, variant, make, message):
    broken = make(VALID_SAMPLE)
    text = yaml.safe_dump(broken, allow_unicode=True, sort_keys=False)
    response = admin.post(UPLOAD, {"text": text})
    assert response.status_code == 200
    page = _text(response)
    assert message in page
    found = [p for p in response.context["problems"] if message in p.message]
    assert found and tuple(found[0].path) == BROKEN_PATHS[variant]
    assert found[0].where in page  # its place, in words
    assert text in page  # what was pasted is kept
    assert not CriteriaSet.objects.exists()


@pytest.mark.parametrize(("variant", "make", "message"), FORM_VARIANTS, ids=[v[0] for v in FORM_VARIANTS])
def test_every_broken_variant_a_form_can_hold_is_named_in_the_form(admin, variant, make, message):
    broken = make(VALID_SAMPLE)
    response = admin.post(CREATE, _post_data(broken, action="preview"))
    assert response.status_code == 200
    assert "campaigns/criteria/authoring/set_form.html" in [t.name for t in response.templates]
    assert message in _text(response)
    found = [p for p in response.context["problems"] if message in p.message]
    assert found and tuple(found[0].path) == BROKEN_PATHS[variant]
    authoring = response.context["authoring"]
    if BROKEN_PATHS[variant] not in {("criteria",)}:  # a problem of the set as a whole has no box
        attached = [str(e) for form in authoring.forms() for errors in form.errors.values() for e in errors]
        assert any(message in e for e in attached), "the message is not next to its box"
    assert not CriteriaSet.objects.exists()


def test_the_skipped_variants_are_those_a_form_cannot_hold():
    assert set(FORM_SKIPPED) <= {v[0] for v in BROKEN_VARIANTS}


def test_yaml_syntax_error_names_line_and_column(admin):
    response = admin.post(UPLOAD, {"text": BROKEN_YAML_SYNTAX})
    page = _text(response)
    assert "Dòng 9, cột 1" in page
    assert "cú pháp YAML" in page or "YAML" in page
    assert BROKEN_YAML_SYNTAX in page


def test_upload_of_a_file_and_wrong_files(admin):
    good = SimpleUploadedFile("bo.yaml", yaml.safe_dump(VALID_SAMPLE, allow_unicode=True).encode())
    response = admin.post(UPLOAD, {"file": good})
    assert "campaigns/criteria/authoring/preview.html" in [t.name for t in response.templates]
    wrong = admin.post(UPLOAD, {"file": SimpleUploadedFile("bo.xlsx", b"PK\x03\x04")})
    assert "không phải là tệp YAML" in _text(wrong)
    large = admin.post(UPLOAD, {"file": SimpleUploadedFile("bo.yml", b"#" * (257 * 1024))})
    assert "256 KB" in _text(large)
    latin = admin.post(UPLOAD, {"file": SimpleUploadedFile("bo.yml", "tên: Hà".encode("utf-16"))})
    assert "UTF-8" in _text(latin)
    empty = admin.post(UPLOAD, {"text": "   "})
    assert "dán nội dung" in _text(empty)
    assert not CriteriaSet.objects.exists()


def test_form_keeps_what_was_typed_and_reads_vietnamese_numbers(admin):
    data = _post_data(VALID_SAMPLE, action="preview")
    data["set-name"] = ""  # a mistake: no name
    data["c-0-i-1-threshold"] = "1.234,5"  # Vietnamese: one thousand two hundred and thirty-four and a half
    data["set-effective_from"] = "15/03/2019"
    data["c-0-i-0-zones"] = "Miền núi=5,5"
    response = admin.post(CREATE, data)
    page = _text(response)
    assert "thiếu khóa “name”" in page
    assert 'value="1.234,5"' in page and 'value="Miền núi=5,5"' in page
    assert "Tỷ lệ hộ nghèo</textarea>" in page
    authoring = SetAuthoring(response.wsgi_request.POST)
    built, _reading = authoring.set_data()
    assert built["criteria"][0]["indicators"][1]["threshold"] == 1234.5
    assert built["criteria"][0]["indicators"][0]["zones"] == {"mien_nui": 5.5}
    assert built["effective_from"] == date(2019, 3, 15)
    assert "is-invalid" in page and 'aria-invalid="true"' in page


def test_form_reading_problems(admin):
    data = _post_data(VALID_SAMPLE, action="preview")
    data["set-document_date"] = "hôm qua"
    data["c-0-i-0-zones"] = "mien nui 5"
    response = admin.post(CREATE, data)
    page = _text(response)
    assert "“hôm qua” không phải là ngày" in page
    assert "mien_nui=70; ven_bien=80" in page
    assert not CriteriaSet.objects.exists()


def test_add_rows_without_javascript(admin):
    data = _post_data(VALID_SAMPLE, add="criterion")
    response = admin.post(CREATE, data)
    assert len(response.context["authoring"].criteria.forms) == 4
    assert len(response.context["authoring"].indicators[3].forms) == 1
    assert not response.context["problems"]
    again = admin.post(CREATE, {**dict(response.context["authoring"].data.lists()), "add": "indicator-1"})
    assert len(again.context["authoring"].indicators[1].forms) == 4
    assert "Tỷ lệ hộ nghèo</textarea>" in _text(again)


def test_blank_and_left_out_rows_are_not_part_of_the_set(admin):
    data = _post_data(VALID_SAMPLE, add="criterion")
    data = dict(admin.post(CREATE, data).context["authoring"].data.lists())
    data.pop("add")  # the button pressed before
    data["c-2-DELETE"] = "on"  # leave criterion 3 out
    response = admin.post(CREATE, {**data, "action": "preview"})
    assert "campaigns/criteria/authoring/preview.html" in [t.name for t in response.templates]
    assert [c["number"] for c in yaml.safe_load(response.context["text"])["criteria"]] == ["1", "2"]


# --- preview and save ---------------------------------------------------------------------------------------------


def _preview_of(admin, data: dict, **extra):
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return admin.post(PREVIEW, {"text": text, "origin": "upload", **extra})


@pytest.fixture
def unit_with_results(stored_set, hood_a, ward_a):
    """hood_a's approved results of 03/2026 against the stored set: criterion 1 met, 2 not, 3 no data."""
    periods_ensure(2026)
    period = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=3)
    submission = Submission.objects.create(
        criteria_set=stored_set, period=period, ward=ward_a, neighbourhood=hood_a, status=Submission.Status.APPROVED
    )
    values = {"1.1": "1", "1.2": "70", "2.1": "0", "2.2": "5", "2.3": "1"}
    for indicator in Indicator.objects.filter(criterion__criteria_set=stored_set, code__in=values):
        Result.objects.create(submission=submission, indicator=indicator, value=Decimal(values[indicator.code]))
    draft = Submission.objects.create(
        criteria_set=stored_set,
        period=Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=4),
        ward=ward_a,
        neighbourhood=hood_a,
    )  # a later draft does not count
    Result.objects.create(
        submission=draft, indicator=Indicator.objects.get(criterion__criteria_set=stored_set, code="2.2"), value=0
    )
    return hood_a


def _new_version(**changes) -> dict:
    data = {**VALID_SAMPLE, "version": 2, "replaces": VALID_SAMPLE["code"], "effective_from": date(2026, 7, 1)}
    data.pop("unit_kinds")
    return {**data, **changes}


def test_preview_evaluates_the_sample_unit_against_the_new_set(admin, unit_with_results):
    response = _preview_of(admin, _new_version(), unit=unit_with_results.pk, action="evaluate")
    assert response.status_code == 200
    statuses = [o.status for o in response.context["outcomes"]]
    assert statuses == ["met", "not_met", "no_data"]
    page = _text(response)
    assert "Tháng 03/2026" in page and unit_with_results.name in page
    assert "3.1, 3.2" not in page  # a criterion without any data says "no data", not a list
    assert 'value="70"' in page  # the unit's values, ready to change
    assert CriteriaSet.objects.count() == 1


def test_preview_uses_the_new_thresholds(admin, unit_with_results):
    data = _new_version()
    data["criteria"] = [dict(c) for c in data["criteria"]]
    data["criteria"][1] = {**data["criteria"][1], "k": 1}  # one indicator of three is enough now
    response = _preview_of(admin, data, unit=unit_with_results.pk, action="evaluate")
    assert [o.status for o in response.context["outcomes"]] == ["met", "met", "no_data"]


def test_preview_lists_lacking_indicators(admin, unit_with_results):
    data = _new_version()
    data["criteria"] = [dict(c) for c in data["criteria"]]
    extra = {"code": "1.3", "name": "Chỉ tiêu mới", "kind": "boolean"}
    data["criteria"][0] = {**data["criteria"][0], "indicators": [*data["criteria"][0]["indicators"], extra]}
    response = _preview_of(admin, data, unit=unit_with_results.pk, action="evaluate")
    outcome = response.context["outcomes"][0]
    assert outcome.status == "not_met" and outcome.lacking == ["1.3"]
    assert "Không có số liệu: 1.3" in _text(response) or "1.3" in _text(response)


def test_preview_of_a_unit_without_results_says_so(admin, stored_set, hood_b):
    response = _preview_of(admin, _new_version(), unit=hood_b.pk, action="evaluate")
    assert response.context["outcomes"] is None
    assert "chưa có kết quả" in _text(response)


def test_preview_evaluates_typed_values_in_a_zone(admin, stored_set):
    response = _preview_of(
        admin, _new_version(), action="typed", zone="mien_nui", **{"value-0": "4,5", "value-1": "abc"}
    )
    outcome = response.context["outcomes"][0]
    assert outcome.indicators[0].is_met is True  # 4,5 % ≤ 5 % in the mountains (1,5 % elsewhere)
    assert outcome.indicators[1].is_met is None
    assert "“abc” không phải là số" in _text(response)


def test_preview_query_count_does_not_grow_with_units(admin, unit_with_results, django_assert_max_num_queries):
    NeighbourhoodFactory.create_batch(30, ward=unit_with_results.ward)
    with django_assert_max_num_queries(12):
        response = _preview_of(admin, _new_version(), unit=unit_with_results.pk, action="evaluate")
    assert len(response.context["units"]) == 31


def test_save_creates_the_set_its_criteria_and_its_programme(admin, db):
    response = _preview_of(admin, VALID_SAMPLE, action="save")
    criteria_set = CriteriaSet.objects.get(code=VALID_SAMPLE["code"])
    assert response.status_code == 302 and response["Location"] == reverse(
        "campaigns:set-detail", args=[criteria_set.pk]
    )
    assert Criterion.objects.filter(criteria_set=criteria_set).count() == 3
    assert Indicator.objects.filter(criterion__criteria_set=criteria_set).count() == 7
    assert Programme.objects.filter(criteria_code=criteria_set.code).exists()
    assert "đã được lưu" in _text(admin.get(response["Location"]))


def test_save_revalidates_and_saves_nothing_with_problems(admin, db):
    broken = {**VALID_SAMPLE, "level": "province"}
    response = _preview_of(admin, broken, action="save")
    assert response.status_code == 200
    assert "“province” không phải là cấp áp dụng hợp lệ" in _text(response)
    assert not CriteriaSet.objects.exists()


def test_save_over_a_version_with_results_is_refused(admin, unit_with_results):
    changed = {**VALID_SAMPLE, "name": "Tên khác"}
    response = _preview_of(admin, changed, action="save")
    assert response.status_code == 200
    assert response.context["refused"]
    assert CriteriaSet.objects.get().name == VALID_SAMPLE["name"]


def test_form_path_previews_then_saves(admin, db):
    response = admin.post(CREATE, _post_data(VALID_SAMPLE, action="preview"))
    assert "campaigns/criteria/authoring/preview.html" in [t.name for t in response.templates]
    assert not CriteriaSet.objects.exists()
    saved = admin.post(PREVIEW, {"text": response.context["text"], "origin": "new", "action": "save"})
    assert saved.status_code == 302
    criteria_set = CriteriaSet.objects.get()
    assert criteria_set.criteria.get(number="1").indicators.get(code="1.1").zone_thresholds == {"mien_nui": "5"}


def test_back_to_edit_from_the_preview(admin, db):
    text = yaml.safe_dump(VALID_SAMPLE, allow_unicode=True)
    upload = admin.post(PREVIEW, {"text": text, "origin": "upload", "action": "edit"})
    assert text in _text(upload)
    form = admin.post(PREVIEW, {"text": text, "origin": "new", "action": "edit"})
    assert "Tỷ lệ hộ nghèo</textarea>" in _text(form)


# --- a new version in the form -------------------------------------------------------------------------------------


def test_new_version_form_starts_from_the_latest_version(admin, stored_set):
    response = admin.get(reverse("campaigns:set-edit-new-version", args=[stored_set.pk]))
    data = response.context["authoring"].data
    assert data["set-version"] == "2" and data["set-replaces"] == stored_set.code
    assert "set-effective_from" not in data
    assert "Tỷ lệ hộ nghèo</textarea>" in _text(response)


def test_new_version_must_come_into_force_after_the_old_one(admin, stored_set):
    url = reverse("campaigns:set-edit-new-version", args=[stored_set.pk])
    data = dict(admin.get(url).context["authoring"].data.lists())
    missing = admin.post(url, {**data, "action": "preview"})
    assert "thiếu khóa “effective_from”" in _text(missing)
    early = admin.post(url, {**data, "set-effective_from": "01/01/2019", "action": "preview"})
    assert "phải có hiệu lực sau" in _text(early)
    assert early.context["authoring"].set_form.errors["effective_from"]
    good = admin.post(url, {**data, "set-effective_from": "01/07/2026", "action": "preview"})
    saved = admin.post(PREVIEW, {"text": good.context["text"], "origin": str(stored_set.pk), "action": "save"})
    assert saved.status_code == 302
    v2 = CriteriaSet.objects.get(code=stored_set.code, version=2)
    stored_set.refresh_from_db()
    assert v2.replaces == stored_set and stored_set.effective_to == date(2026, 7, 1)


def test_validation_of_the_form_is_the_validation_of_the_file(db):
    """The dict the form builds is judged by the same set_problems: the valid sample passes both ways."""
    built, reading = SetAuthoring(form_data(VALID_SAMPLE)).set_data()
    assert reading == [] and set_problems(built) == []
