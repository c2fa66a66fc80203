"""Shared pieces of the contributions' tests: the clock pinned to 20/11/2026 (Hà Nội time), campaigns one ward
can and cannot see, a way to record contributions, clients in either language, and workbooks built in memory."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from campaigns.movement.contributions.models import Contribution
from campaigns.movement.models import Campaign

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=HANOI)


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


@pytest.fixture
def peak(city, ward_a, ward_b):
    """The city-wide 60-day peak campaign, both wards taking part."""
    campaign = Campaign.objects.create(
        name="60 ngày cao điểm xây dựng phố, thôn kiểu mẫu năm 2026",
        city=city,
        start=date(2026, 3, 15),
        end=date(2026, 5, 15),
    )
    campaign.wards.set([ward_a, ward_b])
    return campaign


@pytest.fixture
def b_only(city, ward_b):
    """A campaign of ward B alone: ward A cannot see it."""
    return Campaign.objects.create(
        name="Chỉnh trang đô thị Đông Quang", city=city, ward=ward_b, start=date(2026, 6, 1), end=date(2026, 8, 31)
    )


def give(ward, *, kind="money", source="residents", amount="1000000", on=date(2026, 4, 10), **more) -> Contribution:
    """A contribution saved straight to the database (the rules are tested through the services and pages)."""
    return Contribution.objects.create(
        ward=ward, kind=kind, source=source, amount=Decimal(amount), received_on=on, **more
    )


def workbook(rows: list[list], header: list[str] | None = None, sheet: str = "Đóng góp") -> bytes:
    """An .xlsx file with the template's header (or `header`) and `rows` under it."""
    from openpyxl import Workbook

    from campaigns.movement.contributions.excel.layout import COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header or [c[1] for c in COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
