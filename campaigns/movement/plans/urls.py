"""Pages of campaigns.movement.plans; part of the "campaigns" URL namespace (portal/urls.py)."""

from django.urls import path

from campaigns.movement.plans import views

urlpatterns = [
    path("plans/", views.plan_home, name="plan-home"),
    path("plans/ward/<str:code>/<int:year>/", views.plan_page, {"kind": "ward"}, name="plan-ward"),
    path("plans/city/<str:code>/<int:year>/", views.plan_page, {"kind": "city"}, name="plan-city"),
    path(
        "plans/ward/<str:code>/<int:year>/new/", views.target_create, {"kind": "ward"}, name="plan-ward-target-create"
    ),
    path(
        "plans/city/<str:code>/<int:year>/new/", views.target_create, {"kind": "city"}, name="plan-city-target-create"
    ),
    path("plans/ward/<str:code>/<int:year>/copy/", views.plan_copy, {"kind": "ward"}, name="plan-ward-copy"),
    path("plans/city/<str:code>/<int:year>/copy/", views.plan_copy, {"kind": "city"}, name="plan-city-copy"),
    path("plans/targets/<int:pk>/", views.target_edit, name="plan-target-edit"),
    path("plans/targets/<int:pk>/achieved/", views.target_achieved, name="plan-target-achieved"),
    path("plans/targets/<int:pk>/delete/", views.target_delete, name="plan-target-delete"),
]
