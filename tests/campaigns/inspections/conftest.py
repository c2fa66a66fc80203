"""What the inspection tests share: a small neighbourhood criteria set, reported results, clients in English."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation

from campaigns.criteria.models import CriteriaSet, Criterion, Indicator
from campaigns.results import periods
from campaigns.results.models import Period, Result, Submission

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=HANOI)
OK, BAD, FORBIDDEN, NOT_FOUND, CONFLICT, REDIRECT = 200, 400, 403, 404, 409, 302


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def client_for(db):
    def _client(user):
        c = Client()
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            c.force_login(user)
        return c

    return _client


def messages_of(response) -> list[str]:
    if not response.context:
        return []
    with translation.override(response.get("Content-Language", settings.LANGUAGE_CODE)):
        return [str(m) for m in response.context["messages"]]


@pytest.fixture
def hood_set(db):
    """Two criteria: I (all of: I.1 yes/no, I.2 percent ≥ 80) and II (at least 1 of II.1, II.2 yes/no)."""
    criteria_set = CriteriaSet.objects.create(
        code="thon-test",
        name="Thôn, tổ dân phố văn hóa (thử)",
        level="neighbourhood",
        document_number="86/2023/NĐ-CP",
        issuer="Chính phủ",
        effective_from=date(2024, 1, 1),
    )
    one = Criterion.objects.create(criteria_set=criteria_set, number="I", name="Đời sống", order=1)
    two = Criterion.objects.create(
        criteria_set=criteria_set, number="II", name="Môi trường", order=2, rule="k_of_n", k=1
    )
    Indicator.objects.create(criterion=one, code="I.1", name="Có nhà văn hóa", kind="boolean", threshold=1, order=1)
    Indicator.objects.create(
        criterion=one, code="I.2", name="Hộ gia đình văn hóa", kind="percent", comparator=">=", threshold=80, order=2
    )
    Indicator.objects.create(criterion=two, code="II.1", name="Thu gom rác", kind="boolean", threshold=1, order=1)
    Indicator.objects.create(criterion=two, code="II.2", name="Trồng cây xanh", kind="boolean", threshold=1, order=2)
    return criteria_set


def indicator(criteria_set, code) -> Indicator:
    return Indicator.objects.get(criterion__criteria_set=criteria_set, code=code)


@pytest.fixture
def reported(hood_set, hood_a):
    """hood_a reported in October 2026 (submitted, counts): I.1 yes, I.2 85 %, II.1 no, II.2 yes."""
    periods.periods_ensure(2026)
    october = Period.objects.get(kind="month", year=2026, number=10)
    submission = Submission.objects.create(
        criteria_set=hood_set, period=october, ward=hood_a.ward, neighbourhood=hood_a, status="submitted"
    )
    for code, value in (("I.1", 1), ("I.2", 85), ("II.1", 0), ("II.2", 1)):
        ind = indicator(hood_set, code)
        Result.objects.create(submission=submission, indicator=ind, value=Decimal(value), is_met=ind.is_met(value))
    return submission
