"""Pages of campaigns.movement.contributions; part of the "campaigns" URL namespace (portal/urls.py)."""

from django.urls import path

from campaigns.movement.contributions import import_views, views

urlpatterns = [
    path("contributions/", views.contribution_home, name="contribution-home"),
    path("contributions/city/<str:code>/", views.contribution_city, name="contribution-city"),
    path("contributions/ward/<str:code>/", views.contribution_list, name="contribution-list"),
    path("contributions/ward/<str:code>/new/", views.contribution_create, name="contribution-create"),
    path("contributions/<int:pk>/", views.contribution_edit, name="contribution-edit"),
    path("contributions/<int:pk>/delete/", views.contribution_delete, name="contribution-delete"),
    path("contributions/ward/<str:code>/import/", import_views.contribution_import, name="contribution-import"),
    path(
        "contributions/ward/<str:code>/import/template/",
        import_views.contribution_template,
        name="contribution-import-template",
    ),
    path(
        "contributions/import/<int:pk>/confirm/",
        import_views.contribution_import_confirm,
        name="contribution-import-confirm",
    ),
]
