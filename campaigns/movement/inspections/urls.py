"""Pages of campaigns.movement.inspections; part of the "campaigns" URL namespace (portal/urls.py)."""

from django.urls import path

from campaigns.movement.inspections.views import registrations, rounds, visits

urlpatterns = [
    path("registrations/", registrations.registration_index, name="registration-index"),
    path(
        "registrations/ward/<str:code>/<slug:programme>/<int:year>/",
        registrations.registration_ward,
        name="registration-ward",
    ),
    path(
        "registrations/city/<str:code>/<slug:programme>/<int:year>/",
        registrations.registration_city,
        name="registration-city",
    ),
    path("registrations/<int:pk>/", registrations.registration_edit, name="registration-edit"),
    path("registrations/<int:pk>/withdraw/", registrations.registration_withdraw, name="registration-withdraw"),
    path("inspections/", rounds.round_list, name="round-list"),
    path("inspections/new/", rounds.round_create, name="round-create"),
    path("inspections/<int:pk>/", rounds.round_detail, name="round-detail"),
    path("inspections/<int:pk>/edit/", rounds.round_edit, name="round-edit"),
    path("inspections/<int:pk>/visits/add/", rounds.visit_add, name="visit-add"),
    path("inspections/visits/<int:pk>/", visits.visit_detail, name="visit-detail"),
    path("inspections/visits/<int:pk>/files/", visits.visit_photo_add, name="visit-photo-add"),
    path("inspections/files/<int:pk>/", visits.visit_photo, name="visit-photo"),
]
