"""The notification list; included into the campaigns namespace by campaigns/urls.py."""

from django.urls import path

from campaigns.views import notifications

urlpatterns = [
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification-read"),
]
