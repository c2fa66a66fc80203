"""The plan targets' section of the annual summary (kết quả thực hiện chỉ tiêu kế hoạch): the plan of the
report's scope (the ward's plan in a ward's report, the city's plan in the city's report) for its year, each
target with its achieved value and whether it is reached, and "x/y chỉ tiêu đạt".

What is computed, and how a target is reached, is defined once in campaigns.movement.plans.metrics; this
module only arranges it. Numbers are plain JSON (an int when whole, else a float of at most two decimals), so
that the same build gives the same snapshot; shares are worked out from them, exactly, where they are shown.
"""

from decimal import Decimal

from campaigns.movement.plans.metrics import METRIC_KEYS, evaluate
from campaigns.movement.plans.models import PlanTarget
from wards.models import City, Ward


def _plain(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plans_section(*, city: City, ward: Ward | None, year: int) -> dict:
    """The plan's targets in their order, each with its value, direction, source (a metric or entered),
    achieved value and whether reached; the number reached of all."""
    targets = list(PlanTarget.objects.of_plan(city=city, ward=ward, year=year))
    rows = evaluate(targets, city=city, ward=ward, year=year)
    return {
        "year": year,
        "owner": (ward or city).name,
        "is_city": ward is None,
        "count": len(rows),
        "reached": sum(r.reached for r in rows),
        "targets": [
            {
                "order": r.target.order,
                "name": r.target.name,
                "unit": r.target.unit,
                "target": _plain(r.target.target),
                "direction": r.target.direction,
                "source": r.target.source,
                "metric": METRIC_KEYS.get(r.target.source),
                "achieved": _plain(r.achieved),
                "reached": r.reached,
                "note": r.target.note,
                "example": r.target.is_example,
            }
            for r in rows
        ],
    }
