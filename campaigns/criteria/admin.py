"""Criteria sets in the Django admin; the portal's own pages are where sets are versioned safely."""

from django.contrib import admin

from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Programme


class IndicatorInline(admin.TabularInline):
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


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["number", "name", "group", "rule", "k", "min_points", "order"]
    show_change_link = True


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "level", "document_number", "effective_from", "effective_to"]
    list_filter = ["level"]
    search_fields = ["name", "code", "document_number"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "criteria_set", "rule"]
    list_filter = ["criteria_set"]
    search_fields = ["name", "number"]
    inlines = [IndicatorInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "rhythm", "title", "term_years", "criteria_code", "is_active"]
    list_filter = ["level", "rhythm", "is_active"]
    search_fields = ["name", "code", "title"]
