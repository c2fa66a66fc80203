"""Models of campaigns.movement.plans."""

from django.db import models  # noqa: F401
