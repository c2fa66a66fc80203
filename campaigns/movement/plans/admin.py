from django.contrib import admin

from campaigns.movement.plans.models import PlanTarget


@admin.register(PlanTarget)
class PlanTargetAdmin(admin.ModelAdmin):
    list_display = ("year", "city", "ward", "order", "name", "target", "direction", "source", "achieved")
    list_filter = ("year", "source", "direction")
    search_fields = ("name", "ward__name", "city__name")
    raw_id_fields = ("city", "ward", "created_by")
    readonly_fields = ("version", "updated_at")
