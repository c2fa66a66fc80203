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
    kind = django_filters.ChoiceFilter(
        choices=Neighbourhood.Kind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    current = django_filters.BooleanFilter(
        label=_("Existing today"), method="filter_current",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Neighbourhood
        fields = ["q", "kind"]

    def filter_current(self, qs, name, value):
        if value is None:
            return qs
        current = qs.current()
        return current if value else qs.exclude(pk__in=current.values("pk"))
