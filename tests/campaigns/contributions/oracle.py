"""A naive recount of the contributions' section, row by row in plain Python (nothing of
campaigns.movement.contributions.figures or reports): the oracle the report tests compare against."""

from datetime import date
from decimal import Decimal

from campaigns.movement.contributions.models import Contribution

KINDS = ("money", "land", "labour", "materials")
SOURCES = ("state_budget", "residents", "businesses", "other")


def _plain(amount: Decimal):
    return int(amount) if amount == int(amount) else float(round(amount, 2))


def _kinds(rows: list) -> dict:
    kinds = {}
    for kind in KINDS:
        sums = {s: sum((r.amount for r in rows if r.kind == kind and r.source == s), Decimal(0)) for s in SOURCES}
        kinds[kind] = {**{s: _plain(a) for s, a in sums.items()}, "all": _plain(sum(sums.values(), Decimal(0)))}
    return {"kinds": kinds, "count": len(rows)}


def naive_section(wards: list, start: date, end: date) -> dict:
    """What the section must be for `wards` (objects with pk, code, name) from `start` to `end`."""
    ids = {w.pk for w in wards}
    rows = [c for c in Contribution.objects.all() if c.ward_id in ids and start <= c.received_on <= end]
    by_ward = [
        {"code": w.code, "name": w.name, **_kinds([r for r in rows if r.ward_id == w.pk])}
        for w in sorted(wards, key=lambda w: (w.search_key, w.code))
        if any(r.ward_id == w.pk for r in rows)
    ]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "shown": f"{start:%d/%m/%Y} – {end:%d/%m/%Y}",
        "totals": _kinds(rows),
        "by_ward": by_ward,
    }
