from django.contrib import admin

from campaigns.models import (
    Campaign,
    Commitment,
    CommitmentRequest,
    CriteriaSet,
    Criterion,
    Evidence,
    Indicator,
    Notification,
    PartyCellRating,
    Period,
    Recognition,
    Result,
    Submission,
    Target,
    Task,
)


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


# --- the emulation movement ------------------------------------------------------------------


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "ward", "start", "end"]
    list_filter = ["kind", "city"]
    search_fields = ["name"]
    filter_horizontal = ["wards", "criteria"]
    inlines = [TargetInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "ward", "neighbourhood", "due", "status", "progress"]
    list_filter = ["status", "campaign"]
    list_select_related = ["campaign", "ward", "neighbourhood"]
    search_fields = ["title", "ward__search_key"]
    date_hierarchy = "due"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "day", "kind", "title", "emailed", "read_at"]
    list_filter = ["kind", "day"]


@admin.register(CommitmentRequest)
class CommitmentRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "period_start", "period_end", "deadline"]
    filter_horizontal = ["wards"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "topic", "signer", "signed_on", "period_start", "period_end", "outcome"]
    list_filter = ["topic", "outcome"]
    search_fields = ["signer", "ward__search_key"]


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "ward", "neighbourhood", "status", "decision_number", "decision_date"]
    list_filter = ["year", "status"]
    search_fields = ["title", "decision_number", "ward__search_key", "neighbourhood__search_key"]


@admin.register(PartyCellRating)
class PartyCellRatingAdmin(admin.ModelAdmin):
    list_display = ["party_cell", "year", "scale", "score", "level", "members"]
    list_filter = ["year", "scale", "level"]
    search_fields = ["party_cell__search_key"]
