"""Pages of campaigns.movement.plans; part of the "campaigns" URL namespace (portal/urls.py)."""

urlpatterns = []
