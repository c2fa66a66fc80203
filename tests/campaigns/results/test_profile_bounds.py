"""An entered value is checked against the unit's yearly profile."""

from decimal import Decimal

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.models import Indicator
from campaigns.results.forms import ResultsForm
from wards.models import Profile


def _indicator(**kwargs):
    defaults = {
        "pk": 7,
        "code": "X.1",
        "name": "Số hộ được hỗ trợ",
        "kind": IndicatorKind.COUNT,
        "comparator": ">=",
        "threshold": Decimal(1),
        "bounded_by": Indicator.Bound.HOUSEHOLDS,
    }
    return Indicator(**{**defaults, **kwargs})


def _form(value, indicator, profile):
    return ResultsForm(
        {"v_7": value, "n_7": "", "ver_7": ""}, indicators=[indicator], results={}, editable=True, profile=profile
    )


def test_a_count_cannot_exceed_the_units_households():
    profile = Profile(year=2026, households=234, people=785)
    form = _form("235", _indicator(), profile)
    assert not form.is_valid()
    assert "234" in str(form.errors["v_7"])
    assert _form("234", _indicator(), profile).is_valid()


def test_without_a_bound_or_a_profile_any_count_is_accepted():
    assert _form("10.000", _indicator(bounded_by=""), Profile(year=2026, households=234, people=785)).is_valid()
    assert _form("10.000", _indicator(), None).is_valid()
