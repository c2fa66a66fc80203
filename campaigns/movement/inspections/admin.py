from django.contrib import admin

from campaigns.movement.inspections.models import InspectionRound, Registration, Score, TeamMember, Visit


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["programme", "ward", "neighbourhood", "first_year", "last_year", "status"]
    list_filter = ["programme", "status", "first_year"]
    search_fields = ["ward__name", "neighbourhood__name"]
    raw_id_fields = ["ward", "neighbourhood", "registered_by"]


@admin.register(InspectionRound)
class InspectionRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "programme", "year", "city", "ward", "starts_on", "ends_on"]
    list_filter = ["level", "programme", "year"]
    inlines = [TeamMemberInline]
    raw_id_fields = ["ward", "created_by"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    raw_id_fields = ["indicator"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["round", "ward", "neighbourhood", "visited_on", "conclusion"]
    list_filter = ["conclusion", "round__level"]
    raw_id_fields = ["round", "ward", "neighbourhood", "registration", "concluded_by"]
    inlines = [ScoreInline]
