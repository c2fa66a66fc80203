"""The national overview: every province a user reads, ranked by how far it is from the goal, for one month.

Who reads it: administrators (every province) and city leaders (their cities: one city is a one-row table,
shown rather than redirected, so an address shared between leaders opens the same page for each). Ward staff
and ward leaders read one ward and have no province view: 403, whatever wards they belong to; the city
dashboard (reports.dashboards._city) tells them apart the same way (neither administrator nor city leader).

One programme at a time (?programme=, among the neighbourhood-level programmes run in the provinces the user
reads, the first by default; campaigns.results.programmes.chosen): a provincial programme lists its province
only. Every figure is read from the rollups of that programme (campaigns.results.rollups), added up per
province in the database, and the wards of each province are counted by one aggregate query: six queries of
its own (the programmes among them) whatever the number of provinces, wards and neighbourhoods.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from campaigns.criteria.models import Level, Programme
from campaigns.results import figures, periods, programmes, rollups
from campaigns.results.figures.base import exists_on
from campaigns.results.models import Period
from portal import scope
from portal.db_router import reading_from_replica
from reports import selectors
from reports.dashboards import pct, period_from, programme_csv, programme_query
from wards.models import City, Ward

MONTHS_SHOWN = 24  # the months the chooser offers, newest first, as on the city dashboard
DEFINED = ("units", "reported", "complete")  # the figures the page prints under "How each figure is counted"


def _rank(row: dict) -> tuple:
    """Furthest from the goal first: most units not yet meeting the standard, then the lowest share meeting
    it (a province without units last), then the name."""
    share = row["share"] if row["share"] is not None else 101
    return -row["behind"], share, row["city"].search_key, row["city"].code


def province_rows(user, period: Period, programme: Programme | None = None) -> list[dict]:
    """Per province the user reads: its wards in existence on the period's last day and the period's reporting
    figures (figures.reporting_by_ward, from the rollups, added up), `behind` (units − complete), `share`
    (complete ÷ units) and `reported_share` (reported ÷ units), both exact; ranked by `_rank`. In `programme`:
    its units only, and only its province when it is a provincial one.

    A province is listed when it exists on the period's last day, or when it has units in the period (one
    merged away later still shows the months it had), so the rows always add up to the country's figures."""
    wards = Ward.objects.visible_to(user)
    by_city = rollups.reporting_by(wards, period, "ward__city_id", programme)
    ward_counts = (
        wards.current(period.end)
        .filter(city=OuterRef("pk"))
        .order_by()
        .values("city")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cities = City.objects.visible_to(user)
    if programme is not None and programme.city_id:
        cities = cities.filter(pk=programme.city_id)
    cities = cities.filter(exists_on(period.end) | Q(pk__in=list(by_city))).annotate(
        ward_count=Coalesce(Subquery(ward_counts, output_field=IntegerField()), Value(0))
    )
    empty = dict.fromkeys(figures.REPORTING_KEYS, 0)
    rows = []
    for city in cities:
        counts = by_city.get(city.pk, empty)
        rows.append(
            {
                "city": city,
                "wards": city.ward_count,
                **counts,
                "behind": counts["units"] - counts["complete"],
                "share": figures.share(counts["complete"], counts["units"]),
                "reported_share": figures.share(counts["reported"], counts["units"]),
            }
        )
    return sorted(rows, key=_rank)


def _months(request) -> tuple[list[Period], Period]:
    """The months the chooser offers and the one asked for (?period=; an unknown or forged id, or a period
    that is not a month, falls back on the current month, as on the city dashboard)."""
    current = periods.current_month()
    months = list(
        Period.objects.filter(kind=Period.Kind.MONTH, start__lte=current.start).order_by("-start")[:MONTHS_SHOWN]
    )
    period = period_from(request, months)
    if period not in months:  # a later or much older month asked for by address: offered too
        months = sorted([*months, period], key=lambda p: p.start, reverse=True)
    return months, period


@login_required
@reading_from_replica()
def national_overview(request) -> HttpResponse:
    user_scope = scope.scope_of(request.user)
    if not (user_scope.is_admin or user_scope.city_ids):
        raise PermissionDenied  # ward users read one ward: they have no province view
    months, period = _months(request)
    offered = selectors.programmes_run_in(City.objects.visible_to(request.user), Level.NEIGHBOURHOOD)
    programme = programmes.chosen(request, offered)
    rows = province_rows(request.user, period, programme)
    if request.GET.get("format") == "csv":
        return _export(rows, period, programme)
    totals = figures.add_up(rows)
    return render(
        request,
        "reports/national.html",
        {
            "period": period,
            "programme": programme,
            "programmes": offered,
            "query": programme_query(request, programme),
            "months": months,
            "rows": rows,
            "totals": totals,
            "ward_total": sum(r["wards"] for r in rows),
            "behind_total": totals["units"] - totals["complete"],
            "definitions": [
                {"label": _(figures.DEFINITIONS[key].label), "words": _(figures.DEFINITIONS[key].words)}
                for key in DEFINED
            ],
        },
    )


def _export(rows: list[dict], period: Period, programme: Programme | None = None) -> HttpResponse:
    """The province table as CSV, in the page's order; shares as plain numbers rounded as the page shows them;
    the programme named in the file's name and a first column (dashboards.programme_csv)."""
    return programme_csv(
        f"toan-quoc-{period.year}-{period.number:02d}",
        programme,
        [
            _("Code"),
            _("City or province"),
            _("Wards and communes"),
            _("Neighbourhoods"),
            _("Not yet meeting the standard"),
            _("Reported"),
            _("On time"),
            _("Late"),
            _("Not reported"),
            _("Returned for correction"),
            _("Approved"),
            _("Meets the standard"),
            # xgettext:no-python-format
            _("Share meeting the standard (%)"),
        ],
        [
            [
                r["city"].code,
                r["city"].name,
                r["wards"],
                r["units"],
                r["behind"],
                r["reported"],
                r["on_time"],
                r["late"],
                r["not_reported"],
                r["returned"],
                r["approved"],
                r["complete"],
                pct(r["complete"], r["units"]) if r["units"] else "",
            ]
            for r in rows
        ],
    )
