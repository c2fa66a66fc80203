"""Dashboard filters. They run on a scoped ward queryset, so they can only narrow what a user sees."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wards.filters import SearchFilter
from wards.models import Ward


class DashboardWardFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Ward.Kind.choices, label=_("Kind"), empty_label=_("All kinds"))

    class Meta:
        model = Ward
        fields = ["q", "kind"]
