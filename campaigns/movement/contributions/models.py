"""Models of campaigns.movement.contributions."""

from django.db import models  # noqa: F401
