"""The ward and neighbourhood pages. They show what the layers below wards know about a unit (its
gaps against its criteria, its titles, its party cells' ratings), so they are composed here, in the
layer that may read all of them; the addresses stay under /units/ (portal/urls.py)."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import render

from campaigns.criteria.models import Programme
from campaigns.movement.models import PartyCellRating
from campaigns.movement.services import titles as title_services
from campaigns.results import periods
from campaigns.results.models import Period, Submission
from campaigns.results.programmes import chosen, programmes_of_ward
from portal import scope
from portal.models import HistoryEntry
from reports import selectors
from wards.filters import NeighbourhoodFilter
from wards.models import Neighbourhood
from wards.selectors import get_neighbourhood_for_user, get_ward_for_user
from wards.views import page_of, profile_figure, profile_year


def _with_latest_rating(cells):
    """Each party cell with its most recent yearly rating (one query for all of them)."""
    latest = PartyCellRating.objects.yearly().filter(party_cell=OuterRef("pk")).order_by("-year")
    return cells.annotate(
        rating_year=Subquery(latest.values("year")[:1]),
        rating_level=Subquery(latest.values("level")[:1]),
        rating_score=Subquery(latest.values("score")[:1]),
    )


def _latest_in(unit, programme: Programme) -> Submission | None:
    """The unit's most recent monthly report in `programme` with anything entered."""
    own = Submission.objects.filter(programme=programme, period__kind=Period.Kind.MONTH, criteria_total__gt=0)
    own = (
        own.filter(neighbourhood=unit) if isinstance(unit, Neighbourhood) else own.filter(ward=unit, neighbourhood=None)
    )
    return own.select_related("period", "criteria_set", "ward").order_by("-period__start").first()


def _gaps(unit) -> dict:
    """Each programme the unit follows, with its latest report and the criteria it still lacks there. A few
    queries a programme, and a unit follows a handful of them."""
    followed = Programme.objects.followed_by(unit)
    if not followed:  # no programme names a set for it: its latest report of any set
        submission = selectors.latest_submission(unit)
        blocks = [{"programme": None, "submission": submission}] if submission else []
    else:
        blocks = [{"programme": p, "submission": _latest_in(unit, p)} for p in followed]
    for block in blocks:
        block["gaps"] = selectors.unit_gaps(block["submission"]) if block["submission"] else []
    first = blocks[0] if blocks else {"submission": None, "gaps": []}
    return {"programme_gaps": blocks, "gap_submission": first["submission"], "gaps": first["gaps"]}


@login_required
def ward_detail(request, code: str):
    ward = get_ward_for_user(request.user, code)
    year = profile_year(request)
    period = periods.current_month()
    offered = programmes_of_ward(ward)
    programme = chosen(request, offered)  # ?programme=, else the first its units follow
    closeness = selectors.neighbourhoods_by_closeness(ward, period, programme)
    neighbourhoods = ward.neighbourhoods.annotate(
        households=profile_figure("neighbourhood", "households", year),
        people=profile_figure("neighbourhood", "people", year),
        poor_households=profile_figure("neighbourhood", "poor_households", year),
        party_cell_count=Count("party_cells"),
    ).order_by("search_key")
    filterset = NeighbourhoodFilter(request.GET, queryset=neighbourhoods)
    return render(
        request,
        "wards/ward_detail.html",
        {
            "ward": ward,
            "year": year,
            "filter": filterset,
            "page": page_of(request, filterset.qs),
            "party_cells": _with_latest_rating(ward.party_cells.select_related("neighbourhood").order_by("search_key")),
            "rating_year": date.today().year - 1,
            "profiles": ward.profiles.order_by("-year"),
            "successors": ward.successors.all(),
            "predecessors": ward.predecessors.all(),
            "can_edit": scope.can_edit_ward(request.user, ward),
            "period": period,
            "closeness": closeness[:100],
            "closeness_programme": programme,
            "programmes": offered,
            "programme": programme,
            "titles": title_services.title_history_for(ward),
            **_gaps(ward),
        },
    )


@login_required
def neighbourhood_detail(request, pk: int):
    hood = get_neighbourhood_for_user(request.user, pk)
    profiles = list(hood.profiles.order_by("-year"))
    return render(
        request,
        "wards/neighbourhood_detail.html",
        {
            "hood": hood,
            "ward": hood.ward,
            "profiles": profiles,
            "party_cells": _with_latest_rating(hood.party_cells.all()),
            "successors": hood.successors.all(),
            "predecessors": hood.predecessors.all(),
            "history": HistoryEntry.objects.for_object(hood)[:20],
            "can_edit": scope.can_edit_ward(request.user, hood.ward),
            "this_year": date.today().year,
            "titles": title_services.title_history_for(hood),
            **_gaps(hood),
        },
    )
