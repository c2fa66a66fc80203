"""A person's notification list: the daily digests and escalations of campaigns.movement.reminders.

Everyone sees only their own notifications; another person's id is 404. Marking one read is a POST.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from campaigns.movement.models import Notification
from campaigns.movement.services import notifications as notification_services
from portal.redirects import next_url

PER_PAGE = 30


@login_required
def notification_list(request):
    notifications = Notification.objects.visible_to(request.user)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "campaigns/movement/notifications.html", {"page": page, "notifications": page.object_list})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    notification_services.notification_read(user=request.user, notification=notification)
    return redirect(next_url(request, reverse("campaigns:notifications")))
