"""Filters run on an already scoped queryset, so they can only narrow what a user sees."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wards.models import Neighbourhood, Ward


class SearchFilter(django_filters.CharFilter):
    """Accent-insensitive name search."""

    def filter(self, qs, value):
        return qs.search(value) if value else qs


class WardFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Ward.Kind.choices, label=_("Kind"), empty_label=_("All kinds"))
    zone = django_filters.ChoiceFilter(choices=Ward.Zone.choices, label=_("Zone"), empty_label=_("All zones"))

    class Meta:
        model = Ward
        fields = ["q", "kind", "zone"]


class NeighbourhoodFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Neighbourhood.Kind.choices, label=_("Kind"), empty_label=_("All kinds"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="filter_status",
        empty_label=_("All"),
        choices=[("current", _("Existing today")), ("ended", _("Ended"))],
    )

    class Meta:
        model = Neighbourhood
        fields = ["q", "kind"]

    def filter_status(self, qs, name, value):
        current = qs.current()
        return current if value == "current" else qs.exclude(pk__in=current.values("pk"))
