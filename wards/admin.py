from django.contrib import admin

from wards.models import City, Membership, Neighbourhood, PartyCell, Profile, Ward


class UnitAdmin(admin.ModelAdmin):
    search_fields = ["search_key", "name"]
    filter_horizontal = ["successors"]

    def get_search_results(self, request, queryset, search_term):
        # Accent-insensitive: "dong cuong" finds "Đông Cương".
        if search_term:
            return queryset.search(search_term), False
        return queryset, False


@admin.register(City)
class CityAdmin(UnitAdmin):
    list_display = ["name", "code", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]


@admin.register(Ward)
class WardAdmin(UnitAdmin):
    list_display = ["name", "code", "kind", "zone", "city", "valid_from", "valid_to"]
    list_filter = ["kind", "zone", "city", "valid_to"]
    list_select_related = ["city"]
    autocomplete_fields = ["city"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(UnitAdmin):
    list_display = ["name", "kind", "ward", "valid_from", "valid_to"]
    list_filter = ["kind", "valid_to", "ward__city"]
    list_select_related = ["ward"]
    autocomplete_fields = ["ward"]


@admin.register(PartyCell)
class PartyCellAdmin(UnitAdmin):
    list_display = ["name", "ward", "neighbourhood"]
    list_select_related = ["ward", "neighbourhood"]
    autocomplete_fields = ["ward", "neighbourhood"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "households", "people", "poor_households", "near_poor_households", "party_members"]
    list_filter = ["year"]
    list_select_related = ["ward", "neighbourhood"]
    search_fields = ["ward__search_key", "neighbourhood__search_key"]
    autocomplete_fields = ["ward", "neighbourhood"]
    readonly_fields = ["version", "updated_at", "updated_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "ward", "city"]
    list_filter = ["role", "city"]
    list_select_related = ["user", "ward", "city"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "ward__search_key"]
    autocomplete_fields = ["user", "ward", "city"]
