"""Campaigns and tasks, the weekly briefing, commitments, recognitions, party-cell ratings and
notifications; part of the "campaigns" URL namespace (portal/urls.py)."""

from django.urls import path

from campaigns.movement.views import commitments, notifications, ratings, recognitions, tasks, titles

urlpatterns = [
    path("campaigns/", tasks.campaign_list, name="campaign-list"),
    path("campaigns/new/", tasks.campaign_edit, name="campaign-create"),
    path("campaigns/<int:pk>/", tasks.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", tasks.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/tasks/new/", tasks.task_create, name="task-create"),
    path("tasks/", tasks.task_list, name="task-list"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task-detail"),
    path("tasks/<int:pk>/update/", tasks.task_update, name="task-update"),
    path("tasks/<int:pk>/done/", tasks.task_done, name="task-done"),
    path("tasks/attachment/<int:pk>/", tasks.task_attachment, name="task-attachment"),
    path("ward/<str:code>/briefing/", tasks.briefing, name="briefing"),
    path("commitments/", commitments.commitment_list, name="commitment-list"),
    path("commitments/new/", commitments.commitment_create, name="commitment-create"),
    path("commitments/<int:pk>/", commitments.commitment_detail, name="commitment-detail"),
    path("commitments/<int:pk>/close/", commitments.commitment_close, name="commitment-close"),
    path("commitments/<int:pk>/document/", commitments.commitment_document, name="commitment-document"),
    path("commitment-requests/new/", commitments.request_create, name="commitment-request-create"),
    path("commitment-requests/<int:pk>/", commitments.request_detail, name="commitment-request-detail"),
    path("recognitions/", recognitions.recognition_list, name="recognition-list"),
    path("recognitions/candidates/<int:year>/", recognitions.recognition_candidates, name="recognition-candidates"),
    path("recognitions/<int:pk>/decide/", recognitions.recognition_decide, name="recognition-decide"),
    path("party-cells/<str:code>/<int:year>/", ratings.party_cells, name="party-cells"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification-read"),
    path("titles/", titles.title_index, name="title-index"),
    path("titles/panel/", titles.title_panel, name="title-panel"),
    path("titles/<int:pk>/", titles.title_detail, name="title-detail"),
    path("titles/<int:pk>/withdraw/", titles.title_withdraw, name="title-withdraw"),
    path("titles/<slug:programme>/<int:year>/", titles.title_list, name="title-list"),
    path("titles/<slug:programme>/<int:year>/decide/", titles.title_decide, name="title-decide"),
]
