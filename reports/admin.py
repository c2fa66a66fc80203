from django.contrib import admin

from reports.models import DocumentSettings


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "city", "ward", "signer_title", "signer_name", "updated_by", "updated_at"]
    list_filter = ["city"]
    list_select_related = ["city", "ward", "updated_by"]
    search_fields = ["ward__search_key", "city__search_key", "signer_name"]
    autocomplete_fields = ["city", "ward"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
