"""The figure the reports print of contributions, defined once in words and in code (campaigns.results.figures
registers the words; the report prints them under "Cách tính")."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_noop

from campaigns.movement.contributions.models import Contribution
from campaigns.results.figures import defines


@defines(
    "contributions",
    gettext_noop("Resources mobilised"),
    gettext_noop(
        "Resources mobilised: the contributions recorded for the wards of the report's scope and their "
        "neighbourhoods (a neighbourhood's count for its ward) whose received-on date falls within the report's "
        "period (the month from its first to its last day, or the year), added up by kind, each in its own "
        "unit: money in đồng, land donated in m², working days, materials at their estimated value in đồng; "
        "and, within each kind, by source: state budget, residents, businesses, other. Kinds are never added "
        "together. A contribution recorded later for a day of the period counts when the report is built again."
    ),
)
def contributions_by_ward(wards, start: date, end: date) -> dict[int, dict[tuple[str, str], tuple[Decimal, int]]]:
    """Per ward id with contributions: {(kind, source): (sum of amounts, number of contributions)}. One query."""
    rows = (
        Contribution.objects.filter(ward__in=wards, received_on__gte=start, received_on__lte=end)
        .order_by()
        .values("ward_id", "kind", "source")
        .annotate(amount=Sum("amount"), count=Count("pk"))
    )
    found: dict[int, dict] = {}
    for row in rows:
        found.setdefault(row["ward_id"], {})[(row["kind"], row["source"])] = (Decimal(row["amount"]), row["count"])
    return found
