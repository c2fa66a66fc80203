from django.contrib import admin

from portal.models import HistoryEntry


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "content_type", "object_id", "reason"]
    list_filter = ["action", "content_type"]
    search_fields = ["user__username", "reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
