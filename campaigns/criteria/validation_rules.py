"""The checks of a criterion's rule (campaigns.criteria.validation): k of n needs a reachable k, a points total
needs its points, each indicator's max_points and a reachable minimum."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaigns.criteria.evaluation import Rule
from campaigns.criteria.validation_checker import POINTS_LIMIT, Checker, Place, as_number, label, show


def check_rule(check: Checker, criterion: dict, here: Place) -> None:
    """k of n needs a k the criterion can reach; a points total needs the points to reach, each indicator's
    max_points, and a reachable minimum. Without them the criterion would be met by anything (points) or need
    every indicator (k of n)."""
    rule = criterion.get("rule", Rule.ALL)
    if not isinstance(rule, str) or rule not in Rule.values:
        return  # reported as a choice
    indicators = criterion.get("indicators")
    indicators = indicators if isinstance(indicators, list) else []
    count = len(indicators)
    k = criterion.get("k")
    if rule == Rule.K_OF_N:
        if count and not (isinstance(k, int) and not isinstance(k, bool) and 1 <= k <= count):
            check.add(
                here.key("k"),
                _("the rule “k_of_n” needs k, a whole number from 1 to %(count)s (the number of its indicators)")
                % {"count": count},
            )
    elif "k" in criterion and k is not None:
        check.add(here.key("k"), _("k is used only with rule: k_of_n; add “rule: k_of_n” or remove k"))
    minimum = criterion.get("min_points")
    if rule != Rule.POINTS:
        if minimum is not None:
            check.add(
                here.key("min_points"),
                _("min_points is used only with rule: points; add “rule: points” or remove min_points"),
            )
        return
    check_points(check, criterion, indicators, here)


def check_points(check: Checker, criterion: dict, indicators: list, here: Place) -> None:
    """A points total: min_points, each indicator's max_points, and a minimum the indicators can reach."""
    minimum = criterion.get("min_points")
    if minimum is None:
        check.add(
            here.key("min_points"),
            _("the rule “points” needs min_points, the points a unit must reach, e.g. min_points: 80"),
        )
    else:
        minimum = check.number(
            minimum, here.key("min_points"), pgettext("set file", "points needed"), "80", POINTS_LIMIT
        )
        if minimum is not None:
            check.not_negative(
                minimum, criterion["min_points"], here.key("min_points"), pgettext("set file", "points needed")
            )
    total, complete = Decimal(0), True
    for i_index, indicator in enumerate(indicators):
        if not isinstance(indicator, dict):
            complete = False
            continue
        points = None if isinstance(indicator.get("max_points"), bool) else as_number(indicator.get("max_points"))
        if indicator.get("max_points") is None:
            code = label(indicator.get("code"))
            word = (
                _("Indicator %(code)s") % {"code": code}
                if code
                else _("Indicator no. %(position)s") % {"position": i_index + 1}
            )
            check.add(
                Place((*here.words, word, "max_points"), (*here.path, "indicators", i_index, "max_points")),
                _(
                    "the criterion counts points (rule: points), so this indicator needs max_points, the points it "
                    "gives when met, e.g. max_points: 10"
                ),
            )
        if points is None:
            complete = False
        else:
            total += points
    if complete and minimum is not None and minimum > total:
        check.add(
            here.key("min_points"),
            _(
                "min_points %(minimum)s cannot be reached: its indicators give at most %(total)s points in all; "
                "lower min_points or raise max_points"
            )
            % {"minimum": show(criterion["min_points"]), "total": show(total.normalize())},
        )
