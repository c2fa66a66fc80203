"""Campaigns, tasks and the weekly briefing; included into the "campaigns" namespace under /results/."""

from django.urls import path

from campaigns.views import tasks

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
]
