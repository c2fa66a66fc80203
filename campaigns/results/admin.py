from django.contrib import admin

from campaigns.results.models import Evidence, Period, Result, Submission


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
