from django.contrib import admin

from campaigns.movement.contributions.models import Contribution, ContributionImport


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["received_on", "ward", "neighbourhood", "kind", "source", "amount", "contributor", "campaign"]
    list_filter = ["kind", "source", "ward__city"]
    search_fields = ["contributor", "ward__name", "neighbourhood__name"]
    raw_id_fields = ["ward", "neighbourhood", "campaign", "imported_from", "created_by"]
    date_hierarchy = "received_on"


@admin.register(ContributionImport)
class ContributionImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "ward", "status", "rows", "created_at", "confirmed_at"]
    list_filter = ["status"]
    readonly_fields = ["sha256", "digest"]
    exclude = ["content"]
