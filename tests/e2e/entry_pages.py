"""What the browser tests of the results entry form share: the month they run in, the neighbourhood set and
finding the boxes of an indicator by what a person reads (its code and name, or the accessible names)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.results.models import Period
from campaigns.results.periods import periods_ensure

# 20/11/2026, 9:00 in Hà Nội: the month entered is 11/2026.
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
HOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"


@pytest.fixture
def november(transactional_db, staff_a, hood_a):
    """November 2026 for Tổ dân phố Đình Hương 1 (canbo1's ward), with the neighbourhood set and its indicators."""
    with time_machine.travel(NOW, tick=True):
        criteria_set, _outcome = criteria_set_load_file(HOOD_SET)
        periods_ensure(2026)
        period = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11)
        indicators = {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=criteria_set)}
        yield {"period": period, "hood": hood_a, "ind": indicators, "path": entry_path(period, hood_a)}


def entry_path(period, hood) -> str:
    return f"/results/entry/{period.pk}/neighbourhood/{hood.pk}/"


def value_box(page, indicator):
    return page.get_by_label(f"{indicator.code}. {indicator.name}", exact=True)


def note_box(page, indicator):
    return page.get_by_label(f"Ghi chú cho chỉ tiêu {indicator.code}", exact=True)


def met_badge(page, indicator):
    return page.locator(".indicator", has=page.locator(f"#id_v_{indicator.pk}")).locator(".met-badge")


def live_hint(page, indicator):
    return page.locator(f"#ind-{indicator.pk}-hint")
