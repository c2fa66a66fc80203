"""Pages of campaigns.movement.inspections; part of the "campaigns" URL namespace (portal/urls.py)."""

urlpatterns = []
