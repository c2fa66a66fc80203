"""The met / not-met rules, checked property-based against plain reference functions.

Nothing here touches the database: indicators are built unsaved.
"""

import operator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import assume, example, given
from hypothesis import strategies as st

from campaigns.criteria.evaluation import Comparator, IndicatorKind, Rule, compare, criterion_met, display, shortfall
from campaigns.criteria.models import Indicator
from wards.models import Ward

KINDS = [k.value for k in IndicatorKind]
NUMERIC = ["count", "percent", "amount", "points"]
COMPARATORS = [c.value for c in Comparator]
ZONES = [z.value for z in Ward.Zone]

# --- plain references --------------------------------------------------------

OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}


def number_of(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if value is True:
        return Decimal(1)
    if value is False:
        return Decimal(0)
    return Decimal(str(value))


def reference_compare(kind, comparator, value, threshold):
    if value is None:
        return None
    if kind == "text":
        return str(value).strip() != ""
    number = number_of(value)
    if number is None:
        return None
    if kind == "boolean":
        answer_is_yes = number != 0
        yes_is_wanted = threshold is None or number_of(threshold) != 0
        return answer_is_yes == yes_is_wanted
    if threshold is None:
        return True
    return OPERATORS[comparator](number, number_of(threshold))


def reference_criterion_met(rule, met, points, k, min_points):
    if not met:
        return False
    count_met = len([m for m in met if m is True])
    if rule == "all":
        return count_met == len(met)
    if rule == "k_of_n":
        return count_met >= (len(met) if k is None else k)
    total = Decimal(0)
    for p in points:
        if p is not None:
            total += p
    return total >= (Decimal(0) if min_points is None else Decimal(str(min_points)))


def reference_vi_number(number: Decimal) -> str:
    """1234.50 → "1.234,5": dots between thousands, a comma before the decimals, no trailing zeros."""
    sign = "-" if number < 0 else ""
    digits = format(abs(number), "f")
    whole, _dot, fraction = digits.partition(".")
    fraction = fraction.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + fraction if fraction else "")


# --- strategies --------------------------------------------------------------

decimals = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=4, allow_nan=False, allow_infinity=False
)
small_decimals = st.decimals(
    min_value=Decimal("-5"), max_value=Decimal("5"), places=1, allow_nan=False, allow_infinity=False
)
numbers = st.one_of(
    decimals, small_decimals, st.integers(-(10**9), 10**9), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
)
thresholds = st.one_of(st.none(), decimals, small_decimals, st.integers(-100, 100))
boolean_answers = st.one_of(
    st.booleans(), st.sampled_from([0, 1, Decimal("0"), Decimal("1"), Decimal("1.0000"), Decimal("0.0000")])
)
boolean_thresholds = st.sampled_from([None, 0, 1, Decimal("0.0000"), Decimal("1.0000")])


def values_for(kind):
    if kind == "text":
        return st.one_of(st.none(), st.text(max_size=20))
    if kind == "boolean":
        return st.one_of(st.none(), boolean_answers)
    return st.one_of(st.none(), st.just(""), numbers)


@st.composite
def comparisons(draw):
    kind = draw(st.sampled_from(KINDS))
    comparator = draw(st.sampled_from(COMPARATORS))
    value = draw(values_for(kind))
    threshold = draw(boolean_thresholds if kind == "boolean" else thresholds)
    if draw(st.booleans()) and isinstance(value, Decimal | int) and not isinstance(value, bool) and kind in NUMERIC:
        threshold = value  # equality is where comparators differ
    return kind, comparator, value, threshold


# --- compare -----------------------------------------------------------------


@given(comparisons())
@example(("count", ">=", 5, 5))
@example(("count", ">", 5, 5))
@example(("count", "<", Decimal("1.5000"), Decimal("1.5")))
@example(("percent", "<=", Decimal("0.85"), Decimal("1.5")))
@example(("percent", "==", Decimal("90.0000"), 90))
@example(("amount", ">=", Decimal("69.99"), 70))
@example(("points", "<=", 1, None))
@example(("boolean", ">=", False, None))
@example(("boolean", ">=", 0, 0))
@example(("boolean", "==", True, Decimal("0.0000")))
@example(("text", ">=", "   ", None))
@example(("text", ">=", "Đã lập sổ", None))
def test_compare_matches_the_reference(case):
    kind, comparator, value, threshold = case
    assert compare(kind, comparator, value, threshold) == reference_compare(kind, comparator, value, threshold)


@given(st.sampled_from(KINDS), st.sampled_from(COMPARATORS), thresholds)
def test_nothing_entered_is_neither_met_nor_unmet(kind, comparator, threshold):
    assert compare(kind, comparator, None, threshold) is None


@given(st.sampled_from(NUMERIC), st.sampled_from(COMPARATORS), numbers)
def test_a_number_with_no_threshold_is_met(kind, comparator, value):
    assert compare(kind, comparator, value, None) is True


@pytest.mark.parametrize(
    ("comparator", "below", "equal", "above"),
    [
        (">=", False, True, True),
        ("<=", True, True, False),
        (">", False, False, True),
        ("<", True, False, False),
        ("==", False, True, False),
    ],
)
@pytest.mark.parametrize("kind", NUMERIC)
def test_every_comparator_around_its_threshold(kind, comparator, below, equal, above):
    assert compare(kind, comparator, Decimal("89.9999"), 90) is below
    assert compare(kind, comparator, Decimal("90.0000"), Decimal("90")) is equal
    assert compare(kind, comparator, Decimal("90.0001"), 90) is above


def test_yes_no_ignores_the_comparator_and_wants_yes_unless_the_threshold_is_zero():
    for comparator in COMPARATORS:
        assert compare("boolean", comparator, True, None) is True
        assert compare("boolean", comparator, Decimal("0.0000"), None) is False
        assert compare("boolean", comparator, 0, 0) is True
        assert compare("boolean", comparator, 1, Decimal("0")) is False


def test_text_is_met_when_something_was_written():
    assert compare("text", ">=", "Có sổ theo dõi", None) is True
    assert compare("text", ">=", "  \n ", None) is False
    assert compare("text", ">=", None, None) is None


# --- Indicator.is_met with zone thresholds -----------------------------------


@st.composite
def indicators_and_values(draw):
    kind = draw(st.sampled_from(NUMERIC + ["boolean", "text"]))
    comparator = draw(st.sampled_from(COMPARATORS))
    default = draw(boolean_thresholds if kind == "boolean" else thresholds)
    zone_values = st.sampled_from(["0", "1"]) if kind == "boolean" else decimals.map(str)
    zones = draw(st.dictionaries(st.sampled_from(ZONES), zone_values, max_size=len(ZONES)))
    indicator = Indicator(
        code="X.1",
        name="Chỉ tiêu thử",
        kind=kind,
        comparator=comparator,
        threshold=None if default is None else Decimal(str(default)),
        zone_thresholds=zones,
    )
    value = draw(values_for(kind))
    zone = draw(st.one_of(st.none(), st.sampled_from(ZONES)))
    return indicator, value, zone


@given(indicators_and_values())
def test_is_met_uses_the_zone_threshold_when_the_zone_has_one(case):
    indicator, value, zone = case
    expected_threshold = indicator.zone_thresholds[zone] if zone in indicator.zone_thresholds else indicator.threshold
    expected = reference_compare(indicator.kind, indicator.comparator, value, expected_threshold)
    assert indicator.is_met(value, zone) == expected
    if zone in indicator.zone_thresholds:
        assert indicator.threshold_for(zone) == Decimal(indicator.zone_thresholds[zone])
    else:
        assert indicator.threshold_for(zone) == indicator.threshold


def test_poor_rate_in_a_mountainous_ward_is_held_to_its_own_threshold():
    """NĐ 86 set, I.2: ≤ 1,5 % of households, ≤ 5 % in mountainous areas."""
    i2 = Indicator(
        code="I.2", kind="percent", comparator="<=", threshold=Decimal("1.5"), zone_thresholds={"mien_nui": "5"}
    )
    rate = Decimal("3.42")
    assert i2.is_met(rate) is False
    assert i2.is_met(rate, "dong_bang") is False
    assert i2.is_met(rate, "mien_nui") is True
    assert i2.is_met(Decimal("5.01"), "mien_nui") is False
    assert i2.is_met(None, "mien_nui") is None


# --- criterion_met -----------------------------------------------------------

outcomes = st.lists(st.sampled_from([True, False, None]), max_size=8)
point_values = st.one_of(
    st.none(), st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
)


@st.composite
def criterion_cases(draw):
    rule = draw(st.sampled_from([r.value for r in Rule]))
    met = draw(outcomes)
    points = draw(st.lists(point_values, min_size=len(met), max_size=len(met)))
    k = draw(st.one_of(st.none(), st.integers(0, 9)))
    min_points = draw(
        st.one_of(
            st.none(),
            st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False),
            st.integers(0, 500),
        )
    )
    return rule, met, points, k, min_points


@given(criterion_cases())
@example(("all", [True, None], [None, None], None, None))
@example(("all", [None], [None], None, None))
@example(("k_of_n", [True, False, None], [None] * 3, 1, None))
@example(("k_of_n", [True, None, None], [None] * 3, 2, None))
@example(("k_of_n", [True, True], [None] * 2, None, None))
@example(("points", [True, False], [Decimal("60"), Decimal("10")], None, Decimal("70")))
@example(("points", [True, False], [Decimal("60"), None], None, Decimal("60.01")))
def test_criterion_met_matches_the_reference(case):
    rule, met, points, k, min_points = case
    assert criterion_met(rule, met=met, points=points, k=k, min_points=min_points) == reference_criterion_met(
        rule, met, points, k, min_points
    )


@given(st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=8))
def test_all_is_never_met_while_something_is_missing(met):
    assume(None in met)
    assert criterion_met("all", met=met, points=[None] * len(met)) is False


def test_a_criterion_without_indicators_is_not_met():
    for rule in Rule:
        assert criterion_met(rule, met=[], points=[], k=0, min_points=0) is False


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        criterion_met("most", met=[True], points=[None])


# --- shortfall ---------------------------------------------------------------


@given(
    st.sampled_from(KINDS),
    st.sampled_from(COMPARATORS),
    st.one_of(st.none(), decimals, st.integers(-999, 999)),
    st.one_of(st.none(), decimals, st.integers(-999, 999)),
)
@example("percent", ">=", Decimal("85"), Decimal("90"))
@example("percent", "<=", Decimal("3.42"), Decimal("1.5"))
@example("count", "<=", 0, 0)
@example("count", "==", 4, 7)
def test_shortfall_is_zero_when_met_and_the_distance_otherwise(kind, comparator, value, threshold):
    result = shortfall(kind, comparator, value, threshold)
    if kind not in NUMERIC or value is None or threshold is None:
        assert result is None
        return
    met = reference_compare(kind, comparator, value, threshold)
    expected = Decimal(0) if met else abs(Decimal(str(threshold)) - Decimal(str(value)))
    assert result == expected
    assert result >= 0


def test_shortfall_examples():
    assert shortfall("percent", ">=", Decimal("85"), Decimal("90")) == Decimal("5")
    assert shortfall("percent", "<=", Decimal("3.42"), Decimal("1.5")) == Decimal("1.92")
    assert shortfall("percent", ">=", Decimal("95"), Decimal("90")) == 0
    assert shortfall("boolean", ">=", 0, 1) is None
    assert shortfall("text", ">=", "", None) is None


# --- display -----------------------------------------------------------------

VI_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.mo"


@given(st.sampled_from(NUMERIC), decimals)
@example("amount", Decimal("1234.5"))
@example("count", Decimal("1234567.0000"))
@example("percent", Decimal("0.8500"))
@example("percent", Decimal("-1234.5"))
@example("count", Decimal("1000"))
@example("count", Decimal("0.0000"))
def test_display_writes_vietnamese_numbers(kind, number):
    assume(number != 0 or not number.is_signed())  # "-0" is not a number anyone enters
    with translation.override("vi"):
        assert display(kind, number) == reference_vi_number(number)


def test_display_examples():
    with translation.override("vi"):
        assert display("amount", Decimal("1234.5")) == "1.234,5"
        assert display("count", 1234567) == "1.234.567"
        assert display("percent", Decimal("0.8500")) == "0,85"
        assert display("percent", Decimal("90.0000")) == "90"
        assert display("count", None) == "—"
        assert display("percent", "") == "—"
        assert display("text", "Có sổ theo dõi") == "Có sổ theo dõi"
    with translation.override("en"):
        assert display("amount", Decimal("1234.5")) == "1,234.5"


def test_display_yes_and_no():
    with translation.override("vi"):
        yes, no = display("boolean", Decimal("1.0000")), display("boolean", Decimal("0.0000"))
        assert display("boolean", True) == yes and display("boolean", False) == no
    if VI_CATALOGUE.exists():
        assert (yes, no) == ("Có", "Không")
    else:  # Django's own Vietnamese catalogue may still translate them.
        assert (yes, no) in {("Yes", "No"), ("Có", "Không")}
    with translation.override("en"):
        assert (display("boolean", 1), display("boolean", 0)) == ("Yes", "No")
        assert display("boolean", None) == "—"


def test_display_groups_thousands_whatever_the_setting(settings):
    settings.USE_THOUSAND_SEPARATOR = False
    with translation.override("vi"):
        assert display("amount", Decimal("1500000")) == "1.500.000"
        assert display("percent", Decimal("1234.5")) == "1.234,5"
