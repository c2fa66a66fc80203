"""Shared pieces of the plan targets' tests: clients in either language, a plan's targets saved straight to
the database, and the small province with results of tests/reports (clock frozen at 20/11/2026)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from campaigns.movement.plans.models import PlanTarget
from tests.reports.conftest import criteria_set, frozen_today, months  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _frozen(frozen_today):  # noqa: F811
    yield


@pytest.fixture
def client_for(db):
    def _client(user, language="en"):
        c = Client()
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            c.force_login(user)
        return c

    return _client


def aim(city, ward, name, target, *, year=2025, source="entered", achieved=None, direction="at_least", order=1, **more):
    """A target saved straight to the database (the rules are tested through the services and pages)."""
    return PlanTarget.objects.create(
        city=city,
        ward=ward,
        year=year,
        order=order,
        name=name,
        target=Decimal(target),
        source=source,
        achieved=None if achieved is None else Decimal(achieved),
        direction=direction,
        **more,
    )
