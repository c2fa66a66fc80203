from django.contrib import admin

from campaigns.movement.models import (
    Campaign,
    Commitment,
    CommitmentRequest,
    Notification,
    PartyCellRating,
    Recognition,
    Target,
    Task,
)
from campaigns.results.admin import ReadOnlyAdmin


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
