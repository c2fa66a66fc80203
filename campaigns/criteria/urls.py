"""Criteria sets and their versions; part of the "campaigns" URL namespace (portal/urls.py)."""

from django.urls import path

from campaigns.criteria import views

urlpatterns = [
    path("sets/", views.set_list, name="set-list"),
    path("sets/<int:pk>/", views.set_detail, name="set-detail"),
    path("sets/<int:pk>/new-version/", views.set_new_version, name="set-new-version"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
]
