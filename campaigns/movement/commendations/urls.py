"""Pages of campaigns.movement.commendations; part of the "campaigns" URL namespace (portal/urls.py)."""

from django.urls import path

from campaigns.movement.commendations import views

urlpatterns = [
    path("commendations/", views.commendation_list, name="commendation-list"),
    path("commendations/new/", views.commendation_start, name="commendation-start"),
    path("commendations/ward/<str:code>/new/", views.commendation_create, name="commendation-create"),
    path("commendations/<int:pk>/", views.commendation_edit, name="commendation-edit"),
    path("commendations/<int:pk>/delete/", views.commendation_delete, name="commendation-delete"),
]
