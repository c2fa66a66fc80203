"""Models of campaigns.movement.commendations."""

from django.db import models  # noqa: F401
