"""The one validation of criteria set files: every mistake at once, in Vietnamese, each at its place."""

import copy
import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from campaigns.criteria import validation, validation_samples
from campaigns.criteria.evaluation import Comparator, IndicatorKind, Rule
from campaigns.criteria.loading import criteria_set_load, criteria_set_load_file
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Level
from campaigns.criteria.validation import (
    BROKEN_VARIANTS,
    BROKEN_YAML_SYNTAX,
    CRITERION_KEYS,
    DOCUMENT_KEYS,
    INDICATOR_KEYS,
    SET_KEYS,
    VALID_SAMPLE,
    parse_yaml,
    set_problems,
)
from campaigns.criteria.validation_samples import BROKEN_PATHS
from wards.models import Neighbourhood, Ward

SETS = Path(settings.BASE_DIR) / "campaigns" / "criteria" / "sets"
SHIPPED = sorted(SETS.glob("*.yaml"))

pytestmark = pytest.mark.django_db


def _problems(data) -> list:
    with translation.override("vi"):
        return set_problems(data)


def _where_words(path: tuple) -> list[str]:
    """The words a path must show in `where`: its keys, and the criterion/indicator it passes through."""
    return [str(step) for step in path if isinstance(step, str) and step not in ("criteria", "indicators")]


# --- the valid ones -------------------------------------------------------------------------------------------


def _load_what_it_names(data: dict) -> None:
    """Load the shipped sets a set extends or replaces, so that they are there as in a real deployment."""
    for path in SHIPPED:
        other = yaml.safe_load(path.read_text(encoding="utf-8"))
        if other["code"] in (data.get("extends"), data.get("replaces")) and other["code"] != data["code"]:
            _load_what_it_names(other)
            criteria_set_load_file(path)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_shipped_sets_have_no_problems(path):
    data, problems = parse_yaml(path.read_text(encoding="utf-8"))
    assert problems == []
    _load_what_it_names(data)
    assert _problems(data) == []


def test_the_valid_sample_has_no_problems_and_loads():
    assert _problems(copy.deepcopy(VALID_SAMPLE)) == []
    criteria_set, outcome = criteria_set_load(copy.deepcopy(VALID_SAMPLE))
    assert outcome == "created"
    assert [c.rule for c in criteria_set.criteria.order_by("order")] == ["all", "k_of_n", "points"]
    poor = Indicator.objects.get(criterion__criteria_set=criteria_set, code="1.1")
    assert poor.zone_thresholds == {"mien_nui": "5"} and poor.threshold_is_example


# --- every variant ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("variant", "make", "expected"), BROKEN_VARIANTS, ids=[v[0] for v in BROKEN_VARIANTS])
def test_each_broken_variant_is_named_in_vietnamese_at_its_place(variant, make, expected):
    broken = make(VALID_SAMPLE)
    problems = _problems(broken)
    matching = [p for p in problems if expected in p.message]
    assert matching, f"{variant}: {[str(p) for p in problems]}"
    path = BROKEN_PATHS[variant]
    at_place = [p for p in matching if p.path == path]
    assert at_place, f"{variant}: {[(p.path, p.message) for p in matching]}"
    where = at_place[0].where
    for word in _where_words(path):
        assert word in where
    if "criteria" in path and len(path) > 1:
        assert "Tiêu chí" in where
    if "indicators" in path and len(path) > 3:
        assert "Chỉ tiêu" in where
    assert VALID_SAMPLE == _pristine  # the variants work on copies


_pristine = copy.deepcopy(VALID_SAMPLE)


def test_the_docstring_table_lists_the_variants():
    rows = re.findall(r"^\| (\w+) \|", validation_samples.__doc__, flags=re.MULTILINE)
    listed = [row for row in rows if row != "id"]
    assert listed == ["yaml_syntax", *[v[0] for v in BROKEN_VARIANTS]]
    assert set(BROKEN_PATHS) == {v[0] for v in BROKEN_VARIANTS}
    assert len(BROKEN_VARIANTS) > 26


def test_places_read_as_words():
    broken = copy.deepcopy(VALID_SAMPLE)
    broken["criteria"][2]["indicators"][0]["threshold"] = "mười"
    with translation.override("vi"):
        (problem,) = set_problems(broken)
    assert problem.where == "Tiêu chí 3 › Chỉ tiêu 3.1 › threshold"
    assert problem.path == ("criteria", 2, "indicators", 0, "threshold")
    assert str(problem) == f"{problem.where}: {problem.message}"


def test_a_threshold_in_words_says_what_to_write():
    broken = copy.deepcopy(VALID_SAMPLE)
    broken["criteria"][0]["indicators"][1]["threshold"] = "chín mươi"
    (problem,) = _problems(broken)
    assert problem.message == "ngưỡng “chín mươi” không phải là số; hãy ghi một số, ví dụ 70"


def test_a_misspelt_key_gets_a_hint():
    broken = copy.deepcopy(VALID_SAMPLE)
    indicator = broken["criteria"][0]["indicators"][1]
    indicator["treshold"] = indicator.pop("threshold")
    (problem,) = _problems(broken)
    assert problem.where == "Tiêu chí 1 › Chỉ tiêu 1.2 › treshold"
    assert problem.message == "khóa “treshold” không có trong mẫu tiêu chí; có phải ý bạn là “threshold”?"


def test_an_unknown_key_without_a_close_one_lists_the_keys():
    broken = copy.deepcopy(VALID_SAMPLE)
    broken["document"]["signed"] = True
    (problem,) = _problems(broken)
    assert "number, date, issuer" in problem.message


def test_a_criterion_without_a_number_is_named_by_its_position():
    broken = copy.deepcopy(VALID_SAMPLE)
    del broken["criteria"][1]["number"]
    (problem,) = _problems(broken)
    assert problem.where == "Tiêu chí thứ 2 › number"


def test_the_yaml_syntax_error_has_its_line_and_column():
    with translation.override("vi"):
        data, problems = parse_yaml(BROKEN_YAML_SYNTAX)
    assert data is None
    (problem,) = problems
    assert re.fullmatch(r"Dòng \d+, cột \d+", problem.where)
    assert problem.where == "Dòng 9, cột 1"
    assert "tệp không đúng cú pháp YAML" in problem.message


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just words\n", "42\n"])
def test_a_yaml_text_that_is_not_one_set(text):
    with translation.override("vi"):
        data, problems = parse_yaml(text)
    assert data is None
    assert "tệp phải chứa một bộ tiêu chí" in problems[0].message


def test_an_impossible_date_in_yaml_is_a_problem_not_a_crash():
    with translation.override("vi"):
        data, problems = parse_yaml("code: x\neffective_from: 2024-02-30\n")
    assert data is None and "YAML" in problems[0].message


def test_in_english_the_message_is_english():
    broken = copy.deepcopy(VALID_SAMPLE)
    broken["criteria"][0]["indicators"][0]["threshold"] = 900
    with translation.override("en"):
        (problem,) = set_problems(broken)
    assert problem.where == "Criterion 1 › Indicator 1.1 › threshold"
    assert "percentage outside 0–100" in problem.message


# --- the database: replaces and extends ------------------------------------------------------------------------


def _loaded(**changes) -> CriteriaSet:
    data = copy.deepcopy(VALID_SAMPLE)
    data.update(changes)
    return criteria_set_load(data)[0]


def test_replaces_and_extends_name_a_loaded_set():
    _loaded()
    second = copy.deepcopy(VALID_SAMPLE)
    second.update(version=2, replaces=VALID_SAMPLE["code"], effective_from=date(2026, 1, 1))
    assert _problems(second) == []
    replaced_by_itself = copy.deepcopy(VALID_SAMPLE)
    replaced_by_itself["replaces"] = VALID_SAMPLE["code"]  # version 1 has no earlier version
    (problem,) = _problems(replaced_by_itself)
    assert problem.path == ("replaces",) and "chưa có phiên bản nào trước phiên bản 1" in problem.message


def test_a_misspelt_set_code_gets_a_hint():
    _loaded()
    broken = copy.deepcopy(VALID_SAMPLE)
    broken.update(code="bo-khac", replaces="pho-thon-kieu-mau-thuu")
    (problem,) = _problems(broken)
    assert "có phải ý bạn là “pho-thon-kieu-mau-thu”?" in problem.message


def test_extends_a_set_of_another_level_is_refused():
    _loaded(code="khung-phuong", level="ward", unit_kinds=[])
    broken = copy.deepcopy(VALID_SAMPLE)
    broken["extends"] = "khung-phuong"
    problems = _problems(broken)
    assert [p.path for p in problems] == [("extends",)]
    assert "chỉ mở rộng được bộ cùng cấp" in problems[0].message


def test_extends_the_same_level_adds_the_merge_problems(monkeypatch):
    """extension.merged_criteria's problems are listed with the set's own; without it, nothing breaks."""
    import sys
    import types

    from campaigns.criteria.problems import Problem

    frame = _loaded(code="khung-thon")
    module = types.ModuleType("campaigns.criteria.extension")
    calls = []

    def merged_criteria(data, parent):
        calls.append(parent)
        return data["criteria"], [Problem("Tiêu chí 1 › Chỉ tiêu 1.1 › threshold", "ngưỡng bị nới lỏng", ())]

    module.merged_criteria = merged_criteria
    monkeypatch.setitem(sys.modules, "campaigns.criteria.extension", module)
    child = copy.deepcopy(VALID_SAMPLE)
    child.update(code="tinh-kieu-mau", extends="khung-thon")
    problems = _problems(child)
    assert calls == [frame]
    assert [p.message for p in problems] == ["ngưỡng bị nới lỏng"]


def test_an_extending_set_may_restate_a_parent_criterion_in_part(monkeypatch):
    """A criterion or indicator of the parent, named by its number or code, need not repeat its name or kind."""
    import sys
    import types

    module = types.ModuleType("campaigns.criteria.extension")
    module.merged_criteria = lambda data, parent: (data["criteria"], [])
    monkeypatch.setitem(sys.modules, "campaigns.criteria.extension", module)
    _loaded(code="khung-thon")
    child = copy.deepcopy(VALID_SAMPLE)
    child.update(code="tinh-kieu-mau", extends="khung-thon")
    child["criteria"] = [{"number": "1", "indicators": [{"code": "1.1", "threshold": 1, "decision": "QĐ 1/2025"}]}]
    assert [p.path for p in _problems(child)] == []
    child["criteria"][0]["indicators"][0]["threshold"] = 500  # its kind (percent) is the parent's
    assert [p.path for p in _problems(child)] == [("criteria", 0, "indicators", 0, "threshold")]


# --- all at once, nothing written ----------------------------------------------------------------------------


def _five_mistakes() -> dict:
    data = copy.deepcopy(VALID_SAMPLE)
    data["level"] = "tinh"
    data["criteria"][0]["indicators"][0]["threshold"] = "chín mươi"
    data["criteria"][1]["number"] = "1"
    data["criteria"][1]["indicators"][1]["treshold"] = 3
    data["criteria"][2]["min_points"] = 50
    return data


def test_every_mistake_is_listed_at_once():
    problems = _problems(_five_mistakes())
    assert len(problems) == 5
    assert {p.path[-1] for p in problems} == {"level", "threshold", "number", "treshold", "min_points"}


def test_the_loader_lists_them_all_and_writes_nothing():
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        criteria_set_load(_five_mistakes())
    assert len(error.value.messages) == 5
    assert any(m.startswith("Tiêu chí 1 › Chỉ tiêu 1.1 › threshold: ngưỡng “chín mươi”") for m in error.value.messages)
    assert not CriteriaSet.objects.exists() and not Criterion.objects.exists() and not Indicator.objects.exists()


def test_the_file_loader_reports_the_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN_YAML_SYNTAX, encoding="utf-8")
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        criteria_set_load_file(bad)
    assert error.value.messages[0].startswith("Dòng 9, cột 1: tệp không đúng cú pháp YAML")
    assert not CriteriaSet.objects.exists()


def test_decision_keys_are_stored():
    data = copy.deepcopy(VALID_SAMPLE)
    data["criteria"][0]["decision"] = "86/2023/NĐ-CP"
    data["criteria"][0]["indicators"][0]["decision"] = "86/2023/NĐ-CP"
    criteria_set, _outcome = criteria_set_load(data)
    criterion = criteria_set.criteria.get(number="1")
    assert criterion.decision == "86/2023/NĐ-CP"
    assert criterion.indicators.get(code="1.1").decision == "86/2023/NĐ-CP"
    assert criterion.indicators.get(code="1.2").decision == ""


def test_values_written_as_text_load_as_numbers_and_dates():
    data = copy.deepcopy(VALID_SAMPLE)
    data.update(version="1", effective_from="2019-03-15")
    data["criteria"][0]["indicators"][0]["threshold"] = "1.5"
    assert _problems(data) == []
    criteria_set, _outcome = criteria_set_load(data)
    assert criteria_set.effective_from == date(2019, 3, 15) and criteria_set.version == 1


# --- never raises -------------------------------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["90", "1,5", "nan", "1e999", "mien_nui", "percent", "points", "k_of_n", "neighbourhood"]),
    st.dates(),
)
_keys = st.sampled_from(sorted({*SET_KEYS, *DOCUMENT_KEYS, *CRITERION_KEYS, *INDICATOR_KEYS, "zones", "treshold"}))
_nested = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(_keys, st.text(max_size=5), st.integers()), children, max_size=5),
    ),
    max_leaves=25,
)


def _near_valid():
    """The valid sample with random values put at random places, so the checks go deep."""
    return st.tuples(st.integers(0, 2), st.integers(0, 2), _keys, _nested, st.sampled_from(["set", "c", "i"]))


@hypothesis_settings(max_examples=150)
@given(data=_nested)
def test_set_problems_never_raises_on_any_shape(data):
    problems = set_problems(data)
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem.where, str) and isinstance(problem.message, str) and isinstance(problem.path, tuple)


@hypothesis_settings(max_examples=150)
@given(change=_near_valid())
def test_set_problems_never_raises_near_a_valid_set(change):
    c, i, key, value, level = change
    data = copy.deepcopy(VALID_SAMPLE)
    criteria = data["criteria"][c]
    node = {"set": data, "c": criteria, "i": criteria["indicators"][min(i, len(criteria["indicators"]) - 1)]}[level]
    node[key] = value
    assert isinstance(set_problems(data), list)


# --- the schema and the validation agree ------------------------------------------------------------------------


def _schema() -> dict:
    return json.loads((SETS / "schema.json").read_text(encoding="utf-8"))


def test_the_schema_names_the_keys_the_validation_knows():
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    defs = schema["$defs"]
    levels = [
        (schema, SET_KEYS, validation.SET_REQUIRED),
        (defs["document"], DOCUMENT_KEYS, validation.DOCUMENT_REQUIRED),
        (defs["criterion"], CRITERION_KEYS, validation.CRITERION_REQUIRED),
        (defs["indicator"], INDICATOR_KEYS, validation.INDICATOR_REQUIRED),
    ]
    for node, keys, required in levels:
        assert set(node["properties"]) == set(keys)
        assert set(node["required"]) == set(required)
        assert node["additionalProperties"] is False
        assert all(prop.get("description") for prop in node["properties"].values())


def test_the_schema_enums_are_the_model_choices():
    schema = _schema()
    indicator = schema["$defs"]["indicator"]["properties"]
    assert schema["properties"]["level"]["enum"] == list(Level.values)
    assert set(indicator["kind"]["enum"]) == set(IndicatorKind.values)
    assert set(indicator["comparator"]["enum"]) == set(Comparator.values)
    assert set(indicator["frequency"]["enum"]) == set(Indicator.Frequency.values)
    assert set(indicator["source"]["enum"]) == set(Indicator.Source.values)
    assert set(indicator["bounded_by"]["enum"]) == set(Indicator.Bound.values)
    assert set(schema["$defs"]["criterion"]["properties"]["rule"]["enum"]) == set(Rule.values)
    assert set(indicator["zones"]["propertyNames"]["enum"]) == set(Ward.Zone.values)
    kinds = set(schema["properties"]["unit_kinds"]["items"]["enum"])
    assert kinds == set(Ward.Kind.values) | set(Neighbourhood.Kind.values)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_shipped_sets_use_only_keys_of_the_schema(path):
    """Without the jsonschema package, the part of the schema that matters most: no key it does not name."""
    schema, data = _schema(), yaml.safe_load(path.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert set(data) <= set(schema["properties"]) and set(schema["required"]) <= set(data)
    assert set(data["document"]) <= set(defs["document"]["properties"])
    for criterion in data["criteria"]:
        assert set(criterion) <= set(defs["criterion"]["properties"])
        for indicator in criterion["indicators"]:
            assert set(indicator) <= set(defs["indicator"]["properties"])
            assert set(defs["indicator"]["required"]) <= set(indicator)
