"""The city dashboard: which wards are furthest from the goal and on what, the month at a glance.

reports.views.city_dashboard is the view (its decorators live there); this module builds the page: the
headline (an unfinished month said to be one, and compared with the previous month as it stood on the same
day), "where to act" (the criteria most often missing and the wards furthest behind on each), the ranked
ward table (an htmx fragment of its own: sorting, filtering and paging swap the table only, so the page keeps
its scroll position) and the charts. Every figure is read from the rollups (reports.selectors), a fixed number
of queries whatever the number of wards.
"""

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Subquery
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.criteria.models import CriteriaSet, Level, Programme
from campaigns.results import figures, periods, programmes
from campaigns.results.models import Period
from portal import scope
from portal.numbers import parse_id, round_half_up, share
from reports import selectors
from reports.filters import DashboardWardFilter
from wards.models import City, Ward
from wards.selectors import get_city_for_user

TABLE_ID = "ward-table"  # the element the htmx requests of the ward table swap
TREND_ID = "trend-card"  # month by month, loaded after the page
PAGE_SIZE = 50


def _share_key(row: dict):
    return row["share"] if row["share"] is not None else 101  # no unit: nothing to catch up, after every share


def _name_key(row: dict) -> tuple:
    return row["ward"].search_key, row["ward"].code


# Each sort puts what needs attention first; ties fall back on how far behind, then on the name.
SORTS = {
    "behind": lambda r: (-r["behind"], _share_key(r), *_name_key(r)),
    "share": lambda r: (_share_key(r), -r["behind"], *_name_key(r)),
    "name": _name_key,
    "units": lambda r: (-r["units"], *_name_key(r)),
    "reported": lambda r: (-r["reported"], *_name_key(r)),
    "complete": lambda r: (-r["complete"], *_name_key(r)),
    "not_reported": lambda r: (-r["not_reported"], -r["behind"], *_name_key(r)),
    "late": lambda r: (-r["late"], -r["behind"], *_name_key(r)),
}
DEFAULT_SORT = "behind"
CRITERION_SORT = "c-"  # "c-II": most units not meeting criterion II first


STATUS_LABELS = {  # a unit's reporting state (campaigns.results.figures.unit_status)
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "returned": gettext_lazy("Returned for correction"),
    "draft": gettext_lazy("Draft, not sent"),
    "none": gettext_lazy("Nothing entered"),
}


def period_from(request, months: list[Period] | None = None, current: Period | None = None) -> Period:
    """The month asked for (?period=), else the current one. `months`, `current`: already read."""
    pk = parse_id(request.GET.get("period"))
    if pk is not None:
        found = next((p for p in months or [] if p.pk == pk), None)
        period = found or Period.objects.filter(pk=pk, kind=Period.Kind.MONTH).first()
        if period:
            return period
    return current or periods.current_month()


def csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def pct(part: int, whole: int) -> float:
    """A share as a plain number for the charts and the CSV (17.0; 0 when there is nothing to divide by).

    Rounded as portal.numbers.percent rounds the text people read beside it: half up, from the exact share.
    """
    rate = share(part, whole)
    return float(round_half_up(rate, 1)) if rate is not None else 0.0


def chart_data(shares, trend, open_period: Period | None = None) -> dict:
    """The charts' figures; `open_period`: the trend's last month is still open (drawn as unfinished)."""
    return {
        "criteria": {
            "labels": [f"{s['criterion'].number}. {s['criterion'].label_short}" for s in shares],
            "values": [pct(s["met"], s["assessed"]) for s in shares],
        },
        "trend": {
            "labels": [str(t["period"].label) for t in trend],
            "reported": [t["reported"] for t in trend],
            "complete": [t["complete"] for t in trend],
            "open": bool(open_period and trend and trend[-1]["period"].pk == open_period.pk),
        },
    }


# --- the page --------------------------------------------------------------------------------------------------


def _city_and_wards(request, period: Period) -> tuple | HttpResponse:
    """The city shown (?city=, else the first the user reads), its wards the user reads (a queryset, for the
    figures), the same wards read once in name order with their city and their reporting figures of the
    period in the programme shown (selectors.wards_with_reporting: one query), the programmes run in the city
    (both levels: selectors.programmes_run_in, one query) and the one shown (?programme=, else the first;
    campaigns.results.programmes.chosen: one not run there is a 404). Ward users, who read one ward only, go
    to their ward's dashboard."""
    user = request.user
    user_scope = scope.scope_of(user)
    if not (user_scope.is_admin or user_scope.city_ids):
        wards = list(Ward.objects.visible_to(user)[:2])
        if len(wards) == 1:
            return redirect(_with_params(request, "reports:ward-dashboard", wards[0].code))
        if not wards:
            raise Http404
    visible = Ward.objects.visible_to(user)
    code = request.GET.get("city")
    if code:
        cities = City.objects.visible_to(user).filter(code=code)
        chosen = visible.filter(city__code=code)
    else:
        first = City.objects.visible_to(user).order_by("pk").values("pk")[:1]
        cities = City.objects.visible_to(user).filter(pk__in=first)
        chosen = visible.filter(city_id=Subquery(first))
    offered = selectors.programmes_run_in(cities)
    programme = programmes.chosen(request, offered)
    read = selectors.wards_with_reporting(chosen, period, programme)
    if read[0]:
        city = read[0][0].city
    else:  # a city without wards, or one out of reach (404)
        city = get_city_for_user(user, code) if code else City.objects.visible_to(user).order_by("pk").first()
        if city is None:
            raise Http404
    return city, visible.filter(city=city), read, offered, programme


def _with_params(request, name: str, *args) -> str:
    """The address of `name`, keeping the month and the programme asked for."""
    kept = {k: request.GET[k] for k in ("period", programmes.PARAM) if request.GET.get(k)}
    return reverse(name, args=args) + (f"?{urlencode(kept)}" if kept else "")


def programme_query(request, programme: Programme | None) -> QueryDict:
    """The page's query with the programme shown named in it: the links that keep the page's parameters
    ({% querystring query … %}) keep the programme even when it was the default."""
    query = request.GET.copy()
    if programme is not None:
        query[programmes.PARAM] = programme.code
    return query


def _months(request) -> tuple[Period, list[Period], list[Period]]:
    """The month shown, the months of the menu (the last 24 up to the current one) and the months up to the
    one shown, newest first (the trend, the month compared): one query."""
    today = timezone.localdate()
    every = list(Period.objects.filter(kind=Period.Kind.MONTH).order_by("-start"))
    current = next((p for p in every if p.start <= today <= p.end), None)
    if current is None:  # a new year: create its months
        current = periods.current_month(today)
        every = list(Period.objects.filter(kind=Period.Kind.MONTH).order_by("-start"))
    period = period_from(request, every, current)
    menu = [p for p in every if p.start <= current.start][:24]
    return period, menu, [p for p in every if p.start <= period.start]


def _is_fragment(request, target: str = TABLE_ID) -> bool:
    """An htmx request for one part of the page (not a history restore, which wants the whole page)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Target") == target
        and headers.get("HX-History-Restore-Request") != "true"
    )


def _ward_sets(wards, period: Period) -> list[dict]:
    rows = figures.ward_set_rows(wards, period)
    for row in rows:
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    return rows


def _render(request, template: str, context: dict) -> HttpResponse:
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def city_page(request) -> HttpResponse:
    period, menu, earlier = _months(request)
    found = _city_and_wards(request, period)
    if isinstance(found, HttpResponse):
        return found
    city, wards, read, offered, programme = found
    if programme is not None and programme.level == Level.WARD:
        return _ward_level_page(request, city, wards, period, menu, offered, programme)
    if _is_fragment(request, TREND_ID):  # loaded after the page: month by month
        return _trend_fragment(request, wards, period, earlier, programme)
    every = list(CriteriaSet.objects.filter(level=Level.NEIGHBOURHOOD).order_by("name", "version"))
    sets = selectors.programme_sets(programme, every)
    criteria_set = selectors.neighbourhood_set(period, parse_id(request.GET.get("set")), wards, sets, programme)
    by_ward = selectors.criteria_by_ward(wards, period, criteria_set)
    shares = selectors.criterion_shares(wards, period, criteria_set, by_ward=by_ward)
    numbers = [s["number"] for s in shares]
    rows = selectors.ward_rows(wards, period, criteria_set, numbers, by_ward=by_ward, read=read, programme=programme)
    table = _table(request, wards, rows, shares, period, programme)
    export = request.GET.get("format") == "csv" and request.GET.get("table")
    if _is_fragment(request) and not export:
        return _render(
            request, "reports/_ward_table.html", {"city": city, "period": period, "programme": programme, **table}
        )
    if export:
        trend = selectors.monthly_trend(wards, period, criteria_set, list(reversed(earlier[:12])), programme)
        return _export(export, table["sorted_rows"], shares, trend, criteria_set, period, programme)
    totals = figures.add_up(rows)
    # Without JavaScript, the link that would load the months asks for them with the page.
    later = request.GET.get("part")
    context = {
        "city": city,
        "period": period,
        "programme": programme,
        "programmes": offered,
        "criteria_set": criteria_set,
        "sets": sets,
        "months": menu,
        "shares": shares,
        "totals": totals,
        "behind_total": totals["units"] - totals["complete"],
        "focus": selectors.where_to_act(rows, shares),
        # The wards' own reports: with programmes, each ward-level programme's own tab lists them.
        "ward_sets": _ward_sets(wards, period) if programme is None else [],
        **(
            _trend(wards, period, earlier, programme)
            if later == TREND_ID
            else _month_state(wards, period, earlier, programme=programme)
        ),
        "trend_later": None if later == TREND_ID else TREND_ID,
        **table,
    }
    context["chart"] = {**chart_data(shares, []), "trend": context.get("chart", {}).get("trend")}
    return _render(request, "reports/dashboard.html", context)


def _trend_fragment(request, wards, period: Period, earlier: list[Period], programme) -> HttpResponse:
    context = {"period": period, "programme": programme, "query": programme_query(request, programme)}
    return _render(request, "reports/_trend_card.html", {**context, **_trend(wards, period, earlier, programme)})


def _ward_level_page(request, city, wards, period: Period, menu, offered, programme: Programme) -> HttpResponse:
    """A ward-level programme (đô thị văn minh): the wards following it, each with its own report of the
    month (selectors.ward_programme_rows: one query), and the headline added up over them."""
    criteria_set = selectors.ward_level_set(period, programme)
    rows = selectors.ward_programme_rows(wards, period, programme, criteria_set)
    for row in rows:
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    export = request.GET.get("format") == "csv" and request.GET.get("table")
    if export:
        if export != "wards":
            raise Http404
        return _export_ward_level(rows, period, programme)
    return _render(
        request,
        "reports/dashboard.html",
        {
            "city": city,
            "period": period,
            "programme": programme,
            "programmes": offered,
            "criteria_set": criteria_set,
            "months": menu,
            "ward_level": True,
            "ward_totals": selectors.ward_programme_totals(rows),
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": programme_query(request, programme),
        },
    )


def _trend(wards, period: Period, earlier: list[Period], programme: Programme | None = None) -> dict:
    """Month by month in the programme, the last 12 months up to the one shown, its last point marked while
    still open."""
    trend = selectors.monthly_trend(wards, period, None, list(reversed(earlier[:12])), programme)
    state = _month_state(wards, period, earlier, trend, programme)
    return {**state, "trend": trend, "chart": chart_data([], trend, period if state["is_open"] else None)}


def _month_state(
    wards, period: Period, earlier: list[Period], trend: list[dict] | None = None, programme: Programme | None = None
) -> dict:
    """Whether the month is still open for entry and what it is compared with: the previous month as it
    stood on the same day while it is open (figures.comparison_cutoff: one live query over the reports sent
    by then), the whole previous month once it is closed (its point of the trend when read, from the
    rollups; else the same live query without the cutoff)."""
    previous = earlier[1] if len(earlier) > 1 else None
    trend = trend or []
    today = timezone.localdate()
    cutoff = figures.comparison_cutoff(period, previous, today)
    whole = next((t for t in trend if previous and t["period"].pk == previous.pk), None)
    if cutoff is None and whole is not None:
        compared = {"reported": whole["reported"], "complete": whole["complete"]}
    else:
        compared = selectors.standing_as_of(wards, previous, cutoff, programme)
    return {
        "is_open": not figures.is_closed(period, today),
        "previous": previous,
        "compared": compared,
        "compared_as_of": cutoff.date() - timedelta(days=1) if cutoff else None,
    }


def _table(
    request, wards, rows: list[dict], shares: list[dict], period: Period, programme: Programme | None = None
) -> dict:
    """The ward table: the filter (search, kind) narrows the rows, the sort ranks them, 50 a page. Its links
    and its form keep the programme shown."""
    filterset = DashboardWardFilter(request.GET, queryset=wards)
    shown = rows
    filterset.form.is_valid()  # an invalid field is left out, as django-filter does
    if any(filterset.form.cleaned_data.values()):  # one query, only when filtering
        kept = set(filterset.qs.values_list("pk", flat=True))
        shown = [r for r in rows if r["ward"].pk in kept]
    sort = request.GET.get("sort") or DEFAULT_SORT
    numbers = [s["number"] for s in shares]
    if sort.startswith(CRITERION_SORT) and sort[len(CRITERION_SORT) :] in numbers:
        i = numbers.index(sort[len(CRITERION_SORT) :])
        key = lambda r: (-r["cells"][i]["missing"], *SORTS[DEFAULT_SORT](r))  # noqa: E731
    elif sort in SORTS:
        key = SORTS[sort]
    else:
        sort, key = DEFAULT_SORT, SORTS[DEFAULT_SORT]
    shown = sorted(shown, key=key)
    for row in shown:  # each heat cell drills down to its criterion's units in that ward
        for cell, s in zip(row["cells"], shares, strict=True):
            cell["criterion"] = s["criterion"]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    _link(page.object_list, shares, period, programme)
    kept_params = [(k, request.GET[k]) for k in ("city", "period", "set", "sort") if request.GET.get(k)]
    if programme is not None:
        kept_params.append((programmes.PARAM, programme.code))
    return {
        "ward_filter": filterset,
        "kept_params": kept_params,
        "criteria": [s["criterion"] for s in shares],
        "sort": sort,
        "sorted_rows": shown,
        "shown_count": len(shown),
        "ward_count": len(rows),
        "page": page,
        "table_id": TABLE_ID,
        "query": programme_query(request, programme),
    }


def _link(rows: list[dict], shares: list[dict], period: Period, programme: Programme | None) -> None:
    """The addresses of the rows shown: each ward's dashboard, and each heat cell's drill-down to the units of
    that ward not meeting the criterion; built here, one `reverse` a criterion, not one a cell in the template
    (the table's largest cost)."""
    tail = [("programme", programme.code)] if programme is not None else []
    drill = [reverse("reports:criterion-units", args=[s["criterion"].pk]) for s in shares]
    for row in rows:
        code = row["ward"].code
        row["url"] = reverse("reports:ward-dashboard", args=[code]) + "?" + urlencode([("period", period.pk), *tail])
        query = "?" + urlencode([("period", period.pk), ("ward", code), ("met", 0), *tail])
        for cell, base in zip(row["cells"], drill, strict=True):
            cell["url"] = base + query


def programme_csv(filename: str, programme: Programme | None, header: list[str], rows: list[list]) -> HttpResponse:
    """csv_response naming the programme: in the file's name and in a first column, so that the tables of two
    programmes put side by side cannot be taken for one another."""
    if programme is None:
        return csv_response(filename, header, rows)
    return csv_response(
        f"{programme.code}-{filename}", [_("Programme"), *header], [[programme.name, *row] for row in rows]
    )


def _export(table, rows, shares, trend, criteria_set, period, programme=None):
    if table == "criteria":
        return programme_csv(
            f"tieu-chi-{period.year}-{period.number:02d}",
            programme,
            [_("Criterion"), _("Name"), _("Met"), _("Assessed"), _("Share (%)")],
            [
                [s["criterion"].number, s["criterion"].name, s["met"], s["assessed"], pct(s["met"], s["assessed"])]
                for s in shares
            ],
        )
    if table == "trend":
        return programme_csv(
            "xu-huong",
            programme,
            [_("Month"), _("Reported"), _("Meets the whole set")],
            [[t["period"].label, t["reported"], t["complete"]] for t in trend],
        )
    if table == "wards":
        return programme_csv(
            f"phuong-xa-{period.year}-{period.number:02d}",
            programme,
            [
                _("Code"),
                _("Ward"),
                _("Neighbourhoods"),
                _("Reported"),
                _("On time"),
                _("Late"),
                _("Not reported"),
                _("Returned for correction"),
                _("Approved"),
                _("Meets the whole set"),
            ]
            + [f"{_('Criterion')} {s['criterion'].number}" for s in shares],
            [[r["ward"].code, r["ward"].name, *(r[key] for key in figures.REPORTING_KEYS), *r["heat"]] for r in rows],
        )
    raise Http404


def _export_ward_level(rows: list[dict], period: Period, programme: Programme) -> HttpResponse:
    """The wards of a ward-level programme and their own reports, in the page's order."""
    return programme_csv(
        f"phuong-xa-{period.year}-{period.number:02d}",
        programme,
        [
            _("Code"),
            _("Ward"),
            _("Status"),
            _("Criteria met"),
            _("Criteria"),
            _("Not met"),
            _("Meets the whole set"),
            _("Approved"),
        ],
        [
            [
                r["ward"].code,
                r["ward"].name,
                str(r["status_label"]),
                "" if r["met"] is None else r["met"],
                "" if r["total"] is None else r["total"],
                ", ".join(r["missing"]),
                int(r["complete"]),
                int(r["approved"]),
            ]
            for r in rows
        ],
    )
