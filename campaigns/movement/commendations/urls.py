"""Pages of campaigns.movement.commendations; part of the "campaigns" URL namespace (portal/urls.py)."""

urlpatterns = []
