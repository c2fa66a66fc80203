"""Sums of contributions arranged for pages: a kind × source table, and a row of kinds per ward.

The sums come from one aggregate query each (querysets.ContributionQuerySet); this only lays them out.
Kinds are never added together: each has its own unit.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from campaigns.movement.contributions.models import UNITS, Contribution, Kind, Source


@dataclass
class KindRow:
    kind: str
    label: str
    unit: str
    by_source: list[Decimal]
    total: Decimal = Decimal(0)
    count: int = 0


@dataclass
class Table:
    """Kinds down, sources across, each cell a sum in the kind's unit."""

    sources: list[str]
    rows: list[KindRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def is_empty(self) -> bool:
        return self.count == 0


def kind_source_table(sums: list[dict]) -> Table:
    """The table of `sums` (rows of kind, source, amount, count); every kind and source, zeros included."""
    sources = list(Source.values)
    found = {(r["kind"], r["source"]): r for r in sums}
    table = Table(sources=[str(label) for label in Source.labels])
    for kind in Kind:
        cells = [found.get((kind.value, s)) for s in sources]
        amounts = [Decimal(c["amount"]) if c else Decimal(0) for c in cells]
        table.rows.append(
            KindRow(
                kind=kind.value,
                label=str(kind.label),
                unit=str(UNITS[kind]),
                by_source=amounts,
                total=sum(amounts, Decimal(0)),
                count=sum(c["count"] for c in cells if c),
            )
        )
    return table


@dataclass
class WardRow:
    ward: object
    by_kind: list[Decimal]
    count: int


def ward_rows(wards: list, sums: list[dict]) -> list[WardRow]:
    """A row per ward (in the order given) with its sum of each kind, from rows of ward_id, kind, amount."""
    found = {(r["ward_id"], r["kind"]): r for r in sums}
    rows = []
    for ward in wards:
        cells = [found.get((ward.pk, kind.value)) for kind in Kind]
        rows.append(
            WardRow(
                ward=ward,
                by_kind=[Decimal(c["amount"]) if c else Decimal(0) for c in cells],
                count=sum(c["count"] for c in cells if c),
            )
        )
    return rows


def kind_headers() -> list[dict]:
    return [{"kind": k.value, "label": str(k.label), "unit": str(UNITS[k])} for k in Kind]


def campaign_totals(user, campaign) -> Table:
    """What was mobilised for a campaign, by kind and source: of the contributions the user reads (a ward's
    people see their ward's, a city leader the city's). One query."""
    return kind_source_table(
        Contribution.objects.visible_to(user).filter(campaign=campaign).totals_by_kind_and_source()
    )
