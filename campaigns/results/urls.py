"""Entry, review, Excel bulk entry and evidence; part of the "campaigns" URL namespace (portal/urls.py)."""

from django.urls import path

from campaigns.results.views import bulk, entry, excel

urlpatterns = [
    path("ward/<str:code>/", entry.owed, name="owed-current"),
    path("ward/<str:code>/<int:period_pk>/", entry.owed, name="owed"),
    path("ward/<str:code>/<int:period_pk>/review/", entry.review, name="review"),
    path("ward/<str:code>/<int:period_pk>/submit/", bulk.bulk_submit, name="bulk-submit"),
    path("ward/<str:code>/<int:period_pk>/approve/", bulk.bulk_approve, name="bulk-approve"),
    path("ward/<str:code>/<int:period_pk>/excel/", excel.excel_template, name="excel-template"),
    path("ward/<str:code>/<int:period_pk>/excel/upload/", excel.excel_upload, name="excel-upload"),
    path("entry/<int:period_pk>/ward/<str:code>/", entry.entry, name="entry-ward"),
    path("entry/<int:period_pk>/neighbourhood/<int:hood_pk>/", entry.entry, name="entry-neighbourhood"),
    path("submission/<int:pk>/<str:action>/", entry.submission_action, name="submission-action"),
    path("result/<int:pk>/", entry.result_detail, name="result-detail"),
    path("evidence/<int:pk>/", entry.evidence_file, name="evidence"),
]
