from django.urls import include, path

from campaigns.views import entry, excel, sets

app_name = "campaigns"

urlpatterns = [
    path("ward/<str:code>/", entry.owed, name="owed-current"),
    path("ward/<str:code>/<int:period_pk>/", entry.owed, name="owed"),
    path("ward/<str:code>/<int:period_pk>/review/", entry.review, name="review"),
    path("ward/<str:code>/<int:period_pk>/excel/", excel.excel_template, name="excel-template"),
    path("ward/<str:code>/<int:period_pk>/excel/upload/", excel.excel_upload, name="excel-upload"),
    path("entry/<int:period_pk>/ward/<str:code>/", entry.entry, name="entry-ward"),
    path("entry/<int:period_pk>/neighbourhood/<int:hood_pk>/", entry.entry, name="entry-neighbourhood"),
    path("submission/<int:pk>/<str:action>/", entry.submission_action, name="submission-action"),
    path("result/<int:pk>/", entry.result_detail, name="result-detail"),
    path("evidence/<int:pk>/", entry.evidence_file, name="evidence"),
    path("sets/", sets.set_list, name="set-list"),
    path("sets/<int:pk>/", sets.set_detail, name="set-detail"),
    path("sets/<int:pk>/new-version/", sets.set_new_version, name="set-new-version"),
    path("indicators/<int:pk>/edit/", sets.indicator_edit, name="indicator-edit"),
    # The emulation movement; each module adds its own names to this namespace.
    path("", include("campaigns.urls_tasks")),
    path("", include("campaigns.urls_commitments")),
    path("", include("campaigns.urls_recognitions")),
    path("", include("campaigns.urls_notifications")),
]
