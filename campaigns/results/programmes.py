"""Which programme a page shows: every page of results, dashboards and reports shows one programme at a time.

A unit follows every programme that fits it (Programme.objects.followed_by), side by side; a page lists the
programmes its units may follow and shows the one chosen by `?programme=<code>`, else the first.
"""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from campaigns.criteria.models import Level, Programme

PARAM = "programme"


def programmes_in(cities, level: str | None = Level.NEIGHBOURHOOD) -> list[Programme]:
    """Programmes with criteria run in any of `cities` (ids or City objects; national ones everywhere), of
    `level` (None: both levels), in their order. One query."""
    city_ids = [c if isinstance(c, int) else c.pk for c in cities]
    rows = Programme.objects.with_criteria().filter(Q(city__isnull=True) | Q(city_id__in=city_ids))
    if level is not None:
        rows = rows.filter(level=level)
    return list(rows.order_by("level", "order", "pk"))


def programmes_of_ward(ward, level: str | None = Level.NEIGHBOURHOOD) -> list[Programme]:
    """The programmes a ward's units (level neighbourhood) or the ward itself (level ward) may follow."""
    return programmes_in([ward.city_id], level)


def chosen(request, programmes: list[Programme]) -> Programme | None:
    """The programme `?programme=<code>` names among `programmes`, else the first; None when there is none.
    A code that is not among them is a 404, as any address naming something the page does not hold."""
    code = request.GET.get(PARAM) or request.POST.get(PARAM)
    if not code:
        return programmes[0] if programmes else None
    for programme in programmes:
        if programme.code == code:
            return programme
    raise Http404(_("This programme is not followed here."))
