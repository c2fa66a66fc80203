from django.urls import path

from reports import national, schedule_pages, views

app_name = "reports"

urlpatterns = [
    path("", views.city_dashboard, name="dashboard"),
    path("national/", national.national_overview, name="national"),
    path("ward/<str:code>/", views.ward_dashboard, name="ward-dashboard"),
    path("criterion/<int:pk>/", views.criterion_units, name="criterion-units"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/build/", views.report_build_now, name="report-build"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/number/", views.report_number, name="report-number"),
    path("reports/schedules/<int:pk>/", schedule_pages.schedule_edit, name="schedule-edit"),
    path("reports/documents/<str:code>/", views.document_settings, name="document-settings"),
    path("reports/<int:pk>/<str:fmt>/", views.report_file, name="report-file"),
]
