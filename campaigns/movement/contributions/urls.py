"""Pages of campaigns.movement.contributions; part of the "campaigns" URL namespace (portal/urls.py)."""

urlpatterns = []
