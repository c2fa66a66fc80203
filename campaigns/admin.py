from django.contrib import admin

from campaigns.models import CriteriaSet, Criterion, Evidence, Indicator, Period, Result, Submission


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


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "start", "end", "deadline", "is_locked"]
    list_filter = ["kind", "year", "is_locked"]
    list_editable = ["deadline", "is_locked"]
    search_fields = ["year"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Results change only through the portal's forms, which keep the history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "criteria_met", "criteria_total", "is_complete", "updated_at"]
    list_filter = ["status", "is_complete", "period__year", "criteria_set"]
    list_select_related = ["ward", "neighbourhood", "period"]
    search_fields = ["ward__search_key", "neighbourhood__search_key"]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "submission", "is_met", "updated_at"]
    list_filter = ["is_met"]
    list_select_related = ["indicator", "submission__ward", "submission__neighbourhood", "submission__period"]
    search_fields = ["indicator__code", "submission__neighbourhood__search_key"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at"]
    search_fields = ["original_name"]
