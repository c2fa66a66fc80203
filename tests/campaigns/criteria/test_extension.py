"""A set extending another (`extends:`): how its criteria merge into the parent's, what it may not loosen, and
that a unit meeting the parent's thresholds but not a tightened one is not complete under the extending set."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from campaigns.criteria import loading
from campaigns.criteria.evaluation import criterion_met
from campaigns.criteria.extension import loosens, merged_criteria
from campaigns.criteria.loading import criteria_set_load, criteria_set_load_file
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator

SETS = Path(settings.BASE_DIR) / "campaigns" / "criteria" / "sets"
ND86 = "86/2023/NĐ-CP"


def load_extension(data: dict) -> CriteriaSet:
    """Load a set that extends another as the portal will: through the loader once it merges (it calls
    merged_criteria), else by loading the merged criteria and writing their decisions."""
    if "merged_criteria" in Path(loading.__file__).read_text(encoding="utf-8"):
        return criteria_set_load(data)[0]
    parent = CriteriaSet.objects.filter(code=data["extends"]).order_by("-version").first()
    merged, problems = merged_criteria(data, parent)
    assert problems == []
    criteria_set, _outcome = criteria_set_load({**data, "criteria": merged})
    for c in merged:
        criterion = Criterion.objects.get(criteria_set=criteria_set, number=c["number"])
        Criterion.objects.filter(pk=criterion.pk).update(decision=c["decision"])
        for i in c["indicators"]:
            Indicator.objects.filter(criterion=criterion, code=i["code"]).update(decision=i["decision"])
    return criteria_set


@pytest.fixture
def frame(db):
    """The văn hóa frame (NĐ 86/2023): I (I.1 ≥ 90, I.2 ≤ 1.5 / mountains 5, I.3, I.4), II (6), III (2)."""
    return criteria_set_load_file(SETS / "nd-86-2023-thon-tdp-van-hoa.yaml")[0]


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def _data(*criteria, level="neighbourhood") -> dict:
    return {
        "code": "mo-rong",
        "name": "Phố kiểu mẫu thử",
        "level": level,
        "extends": "thon-tdp-van-hoa",
        "document": {"number": "12/2026/QĐ-UBND", "date": date(2026, 1, 5), "issuer": "UBND tỉnh"},
        "effective_from": date(2026, 1, 5),
        "criteria": list(criteria),
    }


def _criterion(number, *indicators, **more) -> dict:
    return {"number": number, "name": f"Tiêu chí {number}", "indicators": list(indicators), **more}


def _i(code, kind="percent", **more) -> dict:
    return {"code": code, "name": f"Chỉ tiêu {code}", "kind": kind, **more}


def _by_code(merged) -> dict:
    return {i["code"]: i for c in merged for i in c["indicators"]}


# --- merging --------------------------------------------------------------------------------


def test_the_parent_comes_first_then_overrides_additions_and_new_criteria(frame):
    data = _data(
        _criterion("KM1", _i("KM1.1", threshold=60, example=True)),
        _criterion("I", _i("I.1", comparator=">=", threshold=95, example=True)),
        _criterion("II", _i("II.KM1", threshold=95, example=True)),
        _criterion("KM2", _i("KM2.1", kind="boolean")),
    )
    merged, problems = merged_criteria(data, frame)
    assert problems == []
    assert [c["number"] for c in merged] == ["I", "II", "III", "KM1", "KM2"]
    assert [c["decision"] for c in merged] == [ND86, ND86, ND86, "", ""]
    # the parent's criteria keep their name, short name and rule
    assert (merged[0]["name"], merged[0]["short"], merged[0]["rule"]) == (
        "Đời sống kinh tế ổn định và phát triển",
        "Kinh tế",
        "all",
    )
    assert [i["code"] for i in merged[0]["indicators"]] == ["I.1", "I.2", "I.3", "I.4"]
    assert [i["code"] for i in merged[1]["indicators"]][-1] == "II.KM1"
    by_code = _by_code(merged)
    i1 = by_code["I.1"]
    assert (i1["threshold"], i1["decision"], i1["example"], i1["name"]) == (
        95,
        "",
        True,
        "Tỷ lệ người trong độ tuổi lao động có việc làm và thu nhập ổn định",  # the frame's name, not the child's
    )
    # untouched indicators: the parent's values and decision, in the loader's format
    i2 = by_code["I.2"]
    assert (i2["threshold"], i2["zones"], i2["comparator"], i2["source"], i2["frequency"], i2["decision"]) == (
        1.5,
        {"mien_nui": 5},
        "<=",
        "poor_rate",
        "yearly",
        ND86,
    )
    assert set(i2) >= {
        "code", "name", "kind", "unit", "comparator", "threshold", "zones", "example",
        "max_points", "frequency", "source", "bounded_by", "decision",
    }  # fmt: skip
    assert by_code["II.KM1"]["decision"] == "" and by_code["KM1.1"]["decision"] == ""
    assert by_code["KM2.1"]["decision"] == ""


def test_restating_a_threshold_keeps_the_parents_decision(frame):
    merged, problems = merged_criteria(_data(_criterion("I", _i("I.1", threshold=90, example=True))), frame)
    assert problems == [] and _by_code(merged)["I.1"]["decision"] == ND86
    # a yes/no indicator restated as "yes" changes nothing either
    merged, problems = merged_criteria(_data(_criterion("I", _i("I.3", kind="boolean", threshold=1))), frame)
    assert problems == [] and _by_code(merged)["I.3"]["decision"] == ND86


def test_zones_merge_with_the_parents(frame):
    merged, problems = merged_criteria(_data(_criterion("I", _i("I.2", threshold=1))), frame)
    assert problems == []
    assert (_by_code(merged)["I.2"]["threshold"], _by_code(merged)["I.2"]["zones"]) == (1, {"mien_nui": 5})
    # a zone tightened against the parent's default (1.5) is fine even above the child's own default
    merged, problems = merged_criteria(
        _data(_criterion("I", _i("I.2", threshold=0, zones={"mien_nui": 3, "ven_bien": 1}))), frame
    )
    assert problems == []
    i2 = _by_code(merged)["I.2"]
    assert (i2["threshold"], i2["zones"], i2["decision"]) == (0, {"mien_nui": 3, "ven_bien": 1}, "")


def test_a_set_extending_an_extension_names_the_decision_each_part_comes_from(frame):
    middle = load_extension(_data(_criterion("I", _i("I.1", threshold=95)), _criterion("KM1", _i("KM1.1"))))
    data = {**_data(_criterion("KM1", _i("KM1.1", threshold=10))), "code": "phuong-con"}
    merged, problems = merged_criteria(data, middle)
    assert problems == []
    assert [c["decision"] for c in merged] == [ND86, ND86, ND86, "12/2026/QĐ-UBND"]
    by_code = _by_code(merged)
    assert by_code["I.1"]["decision"] == "12/2026/QĐ-UBND"  # tightened by the middle set
    assert by_code["I.2"]["decision"] == ND86
    assert by_code["KM1.1"]["decision"] == ""


# --- what an extension may not do ------------------------------------------------------------


LOOSENING = [
    # (criterion, indicator override, where, path tail, words of the message)
    ("I", _i("I.1", threshold=85), "Tiêu chí I › Chỉ tiêu I.1", ("threshold",), ["“≥ 85”", "“≥ 90”", "lỏng hơn"]),
    ("I", _i("I.1", threshold=None), "Tiêu chí I › Chỉ tiêu I.1", ("threshold",), ["bất kỳ giá trị nào", "≥ 90"]),
    ("I", _i("I.2", threshold=2), "Tiêu chí I › Chỉ tiêu I.2", ("threshold",), ["“≤ 2”", "“≤ 1,5”", "lỏng hơn"]),
    (
        "I",
        _i("I.2", zones={"mien_nui": 6}),
        "Tiêu chí I › Chỉ tiêu I.2 › zones › mien_nui",
        ("zones", "mien_nui"),
        ["“≤ 6”", "“≤ 5”"],
    ),
    (
        "I",
        _i("I.2", zones={"ven_bien": 2}),  # no coastal threshold in the frame: its default 1.5 applies
        "Tiêu chí I › Chỉ tiêu I.2 › zones › ven_bien",
        ("zones", "ven_bien"),
        ["“≤ 2”", "“≤ 1,5”"],
    ),
    ("I", _i("I.3", kind="boolean", threshold=0), "Tiêu chí I › Chỉ tiêu I.3", ("threshold",), ["có/không", "“Có”"]),
    (
        "I",
        _i("I.1", comparator="<="),
        "Tiêu chí I › Chỉ tiêu I.1 › comparator",
        ("comparator",),
        ["Không được đổi phép so sánh", "(tại đó: ≥)"],
    ),
    ("I", _i("I.1", kind="count"), "Tiêu chí I › Chỉ tiêu I.1 › kind", ("kind",), ["Không được đổi loại", "Tỷ lệ (%)"]),
]


@pytest.mark.parametrize(("number", "override", "where", "tail", "words"), LOOSENING)
def test_each_loosening_is_a_problem_in_vietnamese_and_the_parents_value_stays(
    frame, number, override, where, tail, words
):
    before = _by_code(merged_criteria(_data(), frame)[0])[override["code"]]
    data = _data(_criterion("KM1", _i("KM1.1")), _criterion(number, _i("I.4", kind="boolean"), override))
    merged, problems = merged_criteria(data, frame)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.where == where
    assert problem.path == ("criteria", 1, "indicators", 1, *tail)
    assert all(word in problem.message for word in words), problem.message
    assert ND86 in problem.message
    kept = _by_code(merged)[override["code"]]
    assert {k: kept[k] for k in ("threshold", "zones", "kind", "comparator", "decision")} == {
        k: before[k] for k in ("threshold", "zones", "kind", "comparator", "decision")
    }


def test_a_criterion_keeps_its_rule(frame):
    _merged, problems = merged_criteria(_data(_criterion("II", rule="k_of_n", k=3)), frame)
    assert [(p.where, p.path) for p in problems] == [("Tiêu chí II › rule", ("criteria", 0, "rule"))]
    assert (
        "Không được đổi cách xét đạt" in problems[0].message
        and "(tại đó: tất cả các chỉ tiêu đều đạt)" in problems[0].message
    )


def test_k_and_points_may_rise_not_fall(db):
    parent = criteria_set_load(
        {
            **_data(
                _criterion("1", _i("1.1", kind="boolean"), _i("1.2", kind="boolean"), _i("1.3"), rule="k_of_n", k=2),
                _criterion("2", _i("2.1", kind="points", max_points=60), rule="points", min_points=50),
            ),
            "code": "cha",
            "extends": None,
        }
    )[0]
    merged, problems = merged_criteria(
        _data(_criterion("1", k=3), _criterion("2", min_points=40), level="neighbourhood"), parent
    )
    assert [(p.where, p.path) for p in problems] == [("Tiêu chí 2 › min_points", ("criteria", 1, "min_points"))]
    assert "40 thấp hơn 50" in problems[0].message
    assert (merged[0]["k"], merged[1]["min_points"]) == (3, 50)


def test_a_parent_of_another_level_is_a_problem(frame):
    _merged, problems = merged_criteria(_data(level="ward"), frame)
    assert [(p.where, p.path) for p in problems] == [("extends", ("extends",))]
    assert "cấp khác" in problems[0].message and "Thôn, tổ dân phố văn hóa" in problems[0].message


@pytest.mark.parametrize(
    ("kind", "comparator", "parent", "child", "looser"),
    [
        ("percent", ">=", 90, 89.9, True),
        ("percent", ">", 90, 91, False),
        ("percent", "<=", "1.5", 1.6, True),
        ("percent", "<", 1.5, 0, False),
        ("count", "==", 0, 0, False),
        ("count", "==", 0, 1, True),
        ("percent", ">=", None, 50, False),  # the parent accepts any value
        ("boolean", ">=", None, 1, False),
        ("boolean", ">=", 1, 0, True),
        ("text", ">=", None, 5, False),
    ],
)
def test_loosens(kind, comparator, parent, child, looser):
    assert loosens(kind, comparator, parent, child) is looser


# --- odd input -------------------------------------------------------------------------------


ODD = [
    None,
    [],
    "criteria",
    {},
    {"criteria": None},
    {"criteria": "I"},
    {"criteria": [None, 3, "x", []]},
    {"criteria": [{"number": None}, {"indicators": None}, {"number": "I", "indicators": "I.1"}]},
    {"criteria": [{"number": "I", "indicators": [None, {"code": None}, {"code": "I.1", "threshold": "nhiều"}]}]},
    {"criteria": [{"number": "I", "indicators": [{"code": "I.2", "zones": [1, 2]}]}]},
    {"criteria": [{"number": "I", "indicators": [{"code": "I.2", "zones": {"mien_nui": {"a": 1}, 3: "x"}}]}]},
    {"criteria": [{"number": "I", "indicators": [{"code": "I.1", "threshold": float("nan"), "kind": []}]}]},
    {"criteria": [{"number": "I", "k": "ba", "min_points": [], "rule": None}]},
    {"criteria": [{"number": "I", "indicators": [{"code": "I.1", "threshold": True, "example": "có"}]}]},
    {"level": 5, "criteria": [{"number": 1.5}]},
    # one number twice, the first adding indicators the second would have taken for the parent's
    {"criteria": [{"number": "I", "code": [], "indicators": [{"number": "I", "code": []}]}, {"number": "I"}]},
    {"criteria": [{"number": "I", "indicators": [{"code": None}]}, {"number": "I", "indicators": [{"code": "I.1"}]}]},
    {"criteria": [{"number": "I", "indicators": [{"number": "I"}]}, {"number": "I", "indicators": [{}]}]},
]


@pytest.mark.parametrize("data", ODD)
def test_odd_input_never_raises(frame, data):
    merged, problems = merged_criteria(data, frame)
    assert isinstance(merged, list) and isinstance(problems, list)
    assert [c["number"] for c in merged[:3]] == ["I", "II", "III"]


def test_no_parent_gives_the_sets_own_criteria(db):
    merged, problems = merged_criteria(_data(_criterion("1", _i("1.1"))), None)
    assert problems == [] and [c["number"] for c in merged] == ["1"] and merged[0]["decision"] == ""


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)
_keys = st.sampled_from(["number", "code", "threshold", "zones", "kind", "comparator", "k", "rule", "indicators"])
_entry = st.dictionaries(_keys, _json | st.sampled_from(["I", "I.1", "I.2", "II", ">=", "boolean"]), max_size=6)


@hypothesis_settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    criteria=st.lists(
        st.one_of(_json, _entry, _entry.map(lambda c: {**c, "indicators": [c, {"code": "I.1", **c}]})), max_size=4
    )
)
def test_any_yaml_shape_never_raises(frame, criteria):
    merged, problems = merged_criteria({"level": "neighbourhood", "criteria": criteria}, frame)
    assert isinstance(merged, list) and all(isinstance(p.message, str) for p in problems)


# --- evaluation ------------------------------------------------------------------------------


def complete(criteria_set: CriteriaSet, values: dict, zone: str | None = None) -> tuple[bool, list[str]]:
    """Whether a unit with `values` (indicator code → value) meets every criterion of the set, and the gaps."""
    gaps = []
    for criterion in criteria_set.criteria.prefetch_related("indicators"):
        met = [i.is_met(values.get(i.code), zone) for i in criterion.indicators.all()]
        if not criterion_met(criterion.rule, met=met, points=[], k=criterion.k, min_points=criterion.min_points):
            gaps.append(criterion.number)
    return not gaps, gaps


def test_a_unit_meeting_the_frame_but_not_a_tightened_threshold_is_not_complete(frame):
    child = load_extension(
        _data(
            _criterion("I", _i("I.1", comparator=">=", threshold=95, example=True)),
            _criterion("KM1", _i("KM1.1", kind="boolean")),
        )
    )
    i1 = Indicator.objects.get(criterion__criteria_set=child, code="I.1")
    assert (i1.threshold, i1.decision, i1.criterion.decision) == (Decimal("95"), "", ND86)
    assert Indicator.objects.get(criterion__criteria_set=child, code="I.2").decision == ND86
    values = {
        i.code: (1 if i.kind == "boolean" else i.threshold)
        for i in Indicator.objects.filter(criterion__criteria_set=frame)
    }
    values["KM1.1"] = 1
    assert complete(frame, values) == (True, [])
    assert complete(child, values) == (False, ["I"])
    assert complete(child, {**values, "I.1": Decimal("95")}) == (True, [])
    assert complete(child, {**values, "I.1": Decimal("95"), "KM1.1": 0}) == (False, ["KM1"])
