"""The site's URLs. Each app lists its own patterns; the three parts of campaigns/ share one
namespace ("campaigns:…") and one prefix, so their addresses are the ones they had before the split;
the unit pages composed in reports join the wards' namespace ("wards:…")."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from campaigns.criteria import urls as criteria_urls
from campaigns.movement import urls as movement_urls
from campaigns.movement.commendations import urls as commendation_urls
from campaigns.movement.contributions import urls as contribution_urls
from campaigns.movement.inspections import urls as inspection_urls
from campaigns.movement.plans import urls as plan_urls
from campaigns.results import urls as results_urls
from portal import accounts, health, views
from reports import unit_pages
from wards import urls as wards_urls

units_patterns = [
    *wards_urls.urlpatterns,
    path("ward/<str:code>/", unit_pages.ward_detail, name="ward-detail"),
    path("neighbourhood/<int:pk>/", unit_pages.neighbourhood_detail, name="neighbourhood-detail"),
]
campaigns_patterns = [
    *results_urls.urlpatterns,
    *criteria_urls.urlpatterns,
    *movement_urls.urlpatterns,
    *inspection_urls.urlpatterns,
    *contribution_urls.urlpatterns,
    *commendation_urls.urlpatterns,
    *plan_urls.urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Django's own names: its views and the admin find each other's pages by them.
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("account/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "account/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("account/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", include((units_patterns, "wards"))),
    path("results/", include((campaigns_patterns, "campaigns"))),
    path("dashboard/", include("reports.urls")),
    path("admin/", admin.site.urls),
    # For load balancers and monitors: no login, no session (portal/health.py).
    path("healthz", health.healthz, name="healthz"),
]
