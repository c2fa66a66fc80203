"""The figure the annual report prints of commendations, defined once in words and in code
(campaigns.results.figures registers the words; the report prints them under "Cách tính")."""

from django.db.models import Count
from django.utils.translation import gettext_noop

from campaigns.movement.commendations.models import Commendation
from campaigns.results.figures import defines


def commendations_of(wards, year: int):
    """The commendations of the wards (recipients in them, their units and people) for `year`."""
    return Commendation.objects.filter(ward__in=wards, year=year)


@defines(
    "commendations",
    gettext_noop("Commendations"),
    gettext_noop(
        "Commendations: the giấy khen, bằng khen and other awards recorded for the report's year (the year "
        "whose achievement is commended, whatever the decision's date) whose recipient belongs to a ward of "
        "the report's scope: the ward itself, one of its neighbourhoods or party cells (collectives), a "
        "household of one of its neighbourhoods, or a person of the ward. Counted by form of award and by "
        "kind of recipient (collective, household, individual); each commendation once."
    ),
)
def commendation_counts(wards, year: int) -> dict[tuple[str, str], int]:
    """{(form, recipient): number of commendations}. One query."""
    rows = commendations_of(wards, year).order_by().values("form", "recipient").annotate(n=Count("pk"))
    return {(row["form"], row["recipient"]): row["n"] for row in rows}
