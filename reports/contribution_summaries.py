"""The contributions' section of the summaries (huy động nguồn lực): the period's sums by kind and source for
the report's scope, and a row of kinds per ward that received any.

What is counted is defined once, in campaigns.movement.contributions.figures (contributions_by_ward); this
module only arranges it. Amounts in đồng are whole numbers (ints); m² and working days keep two decimals
(floats), so that the snapshot stays plain JSON and the same build gives the same snapshot.
"""

from datetime import date
from decimal import Decimal

from campaigns.movement.contributions.figures import contributions_by_ward
from campaigns.movement.contributions.models import Kind, Source

KINDS = tuple(Kind.values)
SOURCES = tuple(Source.values)


def _plain(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(round(amount, 2))


def _by_kind(cells: dict[tuple[str, str], tuple[Decimal, int]]) -> dict:
    """Per kind: its sum per source and in all ("all"); and the number of contributions."""
    kinds = {}
    for kind in KINDS:
        amounts = {source: cells.get((kind, source), (Decimal(0), 0))[0] for source in SOURCES}
        kinds[kind] = {**{s: _plain(a) for s, a in amounts.items()}, "all": _plain(sum(amounts.values(), Decimal(0)))}
    return {"kinds": kinds, "count": sum(count for _amount, count in cells.values())}


def contributions_section(wards, start: date, end: date) -> dict:
    """The contributions received from `start` to `end` (both included) by the wards (and their
    neighbourhoods): the scope's sums by kind and source, and per ward with any (in name order) its sums."""
    by_ward = contributions_by_ward(wards, start, end)
    total: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for cells in by_ward.values():
        for key, (amount, count) in cells.items():
            before = total.get(key, (Decimal(0), 0))
            total[key] = (before[0] + amount, before[1] + count)
    rows = [
        {"code": w.code, "name": w.name, **_by_kind(by_ward[w.pk])}
        for w in wards.filter(pk__in=list(by_ward)).order_by("search_key", "code")
    ]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "shown": f"{start:%d/%m/%Y} – {end:%d/%m/%Y}",
        "totals": _by_kind(total),
        "by_ward": rows,
    }
