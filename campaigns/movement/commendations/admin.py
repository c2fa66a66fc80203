from django.contrib import admin

from campaigns.movement.commendations.models import Commendation


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = ("year", "form", "recipient", "ward", "decision_number", "decision_date")
    list_filter = ("year", "form", "recipient")
    search_fields = ("person_name", "decision_number", "ward__name", "neighbourhood__name", "party_cell__name")
    raw_id_fields = ("ward", "neighbourhood", "party_cell", "created_by")
    readonly_fields = ("version", "created_at", "updated_at")
