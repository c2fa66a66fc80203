"""Shared pieces of the commendations' tests: the clock pinned to 20/11/2026 (Hà Nội time), clients in either
language, and a way to record a commendation straight to the database."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from campaigns.movement.commendations.models import Commendation
from tests.reports.conftest import criteria_set, frozen_today, months  # noqa: F401 (fixtures for the report's tests)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=True):
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


def commend(ward, *, number="101/QĐ-UBND", year=2025, form="giay_khen", recipient="individual", **more):
    """A commendation saved straight to the database (the rules are tested through the services and pages)."""
    values = {"person_name": "Nguyễn Văn Bình", "position": "Tổ trưởng tổ dân phố"} if recipient == "individual" else {}
    values.update(more)
    return Commendation.objects.create(
        ward=ward,
        year=year,
        form=form,
        authority="Chủ tịch UBND phường",
        decision_number=number,
        decision_date=date(year, 12, 20),
        recipient=recipient,
        achievement="Có thành tích xuất sắc trong phong trào",
        **values,
    )
