"""Criteria sets and their versions; part of the "campaigns" URL namespace (portal/urls.py)."""

from django.urls import path

from campaigns.criteria import views
from campaigns.criteria.authoring import views as authoring

urlpatterns = [
    path("sets/", views.set_list, name="set-list"),
    path("sets/new/", authoring.set_create, name="set-create"),
    path("sets/upload/", authoring.set_upload, name="set-upload"),
    path("sets/preview/", authoring.set_preview, name="set-preview"),
    path("sets/<int:pk>/", views.set_detail, name="set-detail"),
    path("sets/<int:pk>/new-version/", views.set_new_version, name="set-new-version"),
    path("sets/<int:pk>/edit-new-version/", authoring.set_edit_new_version, name="set-edit-new-version"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
]
