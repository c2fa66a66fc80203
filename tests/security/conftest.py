"""What the hostile-input tests share: a province with something in every form, and a client per role.

Nothing here is autouse: a module asks for `hostile_world` (which pins the clock to 20/11/2026, Hà Nội
time) and gets the cast of tests/conftest.py plus the ward and neighbourhood sets, November's period, a
campaign with a target and a task, and a party cell.
"""

import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.movement.models import Campaign, Target, Task
from campaigns.results.models import Period
from campaigns.results.periods import periods_ensure

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SETS = Path(settings.BASE_DIR) / "campaigns/criteria/sets"
# Letters only Vietnamese uses: a message holding one was not left in English.
VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.IGNORECASE)


@pytest.fixture
def hostile_world(world):
    with time_machine.travel(NOW, tick=True):
        hood_set, _outcome = criteria_set_load_file(SETS / "nd-86-2023-thon-tdp-van-hoa.yaml")
        ward_set, _outcome = criteria_set_load_file(SETS / "qd-04-2022-do-thi-van-minh.yaml")
        periods_ensure(2026)
        campaign = Campaign.objects.create(
            name="Tháng cao điểm xây dựng phường kiểu mẫu",
            city=world["ward_a"].city,
            start=date(2026, 11, 1),
            end=date(2026, 12, 31),
            created_by=world["admin"],
        )
        campaign.wards.set([world["ward_a"], world["ward_b"]])
        target = Target.objects.create(campaign=campaign, name="Lắp biển tuyên truyền", unit="biển", value=50)
        task = Task.objects.create(
            campaign=campaign,
            target=target,
            title="Lắp biển tại tổ dân phố Đình Hương 1",
            ward=world["ward_a"],
            neighbourhood=world["hood_a"],
            start=date(2026, 11, 2),
            due=date(2026, 11, 30),
            target_value=10,
        )
        yield SimpleNamespace(
            **world,
            hood_set=hood_set,
            ward_set=ward_set,
            period=Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11),
            campaign=campaign,
            target=target,
            task=task,
            cell_a=world["ward_a"].party_cells.get(),
            indicators={i.code: i for i in Indicator.objects.filter(criterion__criteria_set__in=[hood_set, ward_set])},
        )


@pytest.fixture
def client_as(hostile_world):
    """A logged-in client for a role of the world ("staff_a", "admin" …), reading the site in Vietnamese."""

    def _client(role: str) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        client.force_login(getattr(hostile_world, role))
        return client

    return _client


def shown_forms(response) -> list[BaseForm]:
    """Every form a page was rendered with: forms, the forms of formsets, the forms of a list's rows."""
    found: list[BaseForm] = []
    for key in response.context.keys():
        value = response.context[key]
        if isinstance(value, BaseForm):
            found.append(value)
        elif isinstance(value, BaseFormSet):
            found.extend(value.forms)
        elif isinstance(value, list):  # the rows of a list page, each with its own form
            rows = (row for row in value if isinstance(row, dict))
            found.extend(row["form"] for row in rows if isinstance(row.get("form"), BaseForm))
    return found


def errors_shown(response, posted_name: str) -> list[str]:
    """The errors of the field posted as `posted_name`, in Vietnamese, each checked to be on the page."""
    html = response.content.decode()
    messages = []
    with translation.override("vi"):
        for form in shown_forms(response):
            for name in form.errors:
                if form.add_prefix(name) == posted_name:
                    messages.extend(str(m) for m in form.errors[name])
    for message in messages:
        assert escape(message) in html, f"{message!r} is not on the page"
    return messages


def assert_refused_in_vietnamese(response, posted_name: str) -> None:
    """The form came back (no server error, no redirect) with a Vietnamese error on the field."""
    assert response.status_code == 200, f"{posted_name}: answered {response.status_code}"
    messages = errors_shown(response, posted_name)
    assert messages, f"{posted_name}: no error shown"
    assert all(VIETNAMESE.search(m) for m in messages), messages
