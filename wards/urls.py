"""Unit lists, search, profiles and imports. The ward and neighbourhood pages themselves are composed by
reports.unit_pages and added to this namespace ("wards:…") in portal/urls.py."""

from django.urls import path

from wards import views

urlpatterns = [
    path("", views.city_list, name="city-list"),
    path("search/", views.search, name="search"),
    path("city/<str:code>/", views.city_detail, name="city-detail"),
    path("ward/<str:code>/profile/<int:year>/", views.ward_profile_edit, name="ward-profile-edit"),
    path("ward/<str:code>/import/", views.neighbourhood_import, name="neighbourhood-import"),
    path(
        "neighbourhood/<int:pk>/profile/<int:year>/",
        views.neighbourhood_profile_edit,
        name="neighbourhood-profile-edit",
    ),
]
