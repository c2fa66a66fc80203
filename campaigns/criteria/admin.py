"""Criteria sets in the Django admin; the portal's own pages are where sets are versioned safely.

A version that has results is read-only here: its rules, criteria and indicators cannot change under the results
entered against them (CriteriaSet.has_results). A change to it is a new version, made in the portal.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Programme


def _locked_message(request) -> None:
    messages.warning(
        request,
        _(
            "This version of the criteria set already has results, so its rules cannot be changed here; "
            "make a new version in the portal (Criteria sets › the set › Copy into a new version)."
        ),
    )


def _all_fields(model) -> list[str]:
    return [field.name for field in model._meta.fields if field.name != "id"]


class _LockedWhenResults:
    """Read-only, with no adding or deleting, for an object of a set that has results.

    `_criteria_set(obj)` gives the set of the object the page or the inline is for.
    """

    def _criteria_set(self, obj) -> CriteriaSet | None:
        raise NotImplementedError

    def _locked(self, obj) -> bool:
        criteria_set = self._criteria_set(obj) if obj is not None else None
        if criteria_set is None or criteria_set.pk is None:
            return False
        if not hasattr(criteria_set, "_admin_locked"):  # asked many times per page: one query
            criteria_set._admin_locked = criteria_set.has_results
        return criteria_set._admin_locked

    def get_readonly_fields(self, request, obj=None):
        if self._locked(obj):
            return _all_fields(self.model)
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class _LockedInline(_LockedWhenResults):
    """An inline: `obj` is the object of the page it is on."""

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)


class _LockedPage(_LockedWhenResults):
    """A change page that says why it is read-only."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and self._locked(obj):
            _locked_message(request)
        return super().change_view(request, object_id, form_url, extra_context)


class IndicatorInline(_LockedInline, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "code",
        "name",
        "kind",
        "unit",
        "comparator",
        "threshold",
        "zone_thresholds",
        "threshold_is_example",
        "frequency",
        "source",
        "order",
    ]

    def _criteria_set(self, criterion):
        return criterion.criteria_set

    def get_readonly_fields(self, request, obj=None):
        return self.fields if self._locked(obj) else super().get_readonly_fields(request, obj)


class CriterionInline(_LockedInline, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["number", "name", "group", "rule", "k", "min_points", "order"]
    show_change_link = True

    def _criteria_set(self, criteria_set):
        return criteria_set

    def get_readonly_fields(self, request, obj=None):
        return self.fields if self._locked(obj) else super().get_readonly_fields(request, obj)


@admin.register(CriteriaSet)
class CriteriaSetAdmin(_LockedPage, admin.ModelAdmin):
    list_display = ["name", "code", "version", "level", "document_number", "effective_from", "effective_to"]
    list_filter = ["level"]
    search_fields = ["name", "code", "document_number"]
    inlines = [CriterionInline]

    def _criteria_set(self, criteria_set):
        return criteria_set


@admin.register(Criterion)
class CriterionAdmin(_LockedPage, admin.ModelAdmin):
    list_display = ["number", "name", "criteria_set", "rule"]
    list_filter = ["criteria_set"]
    search_fields = ["name", "number"]
    inlines = [IndicatorInline]

    def _criteria_set(self, criterion):
        return criterion.criteria_set

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criteria_set":  # no criterion added to a set with results
            kwargs["queryset"] = CriteriaSet.objects.filter(submissions__isnull=True).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Indicator)
class IndicatorAdmin(_LockedPage, admin.ModelAdmin):
    list_display = ["code", "name", "criterion", "kind", "comparator", "threshold"]
    list_filter = ["criterion__criteria_set"]
    search_fields = ["code", "name"]
    list_select_related = ["criterion__criteria_set"]

    def _criteria_set(self, indicator):
        return indicator.criterion.criteria_set

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criterion":  # no indicator added to a set with results
            kwargs["queryset"] = Criterion.objects.filter(criteria_set__submissions__isnull=True).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "city", "unit_kinds", "order", "criteria_code", "term_years", "is_active"]
    list_filter = ["level", "rhythm", "is_active", "city"]
    search_fields = ["name", "code", "title"]
