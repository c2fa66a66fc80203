"""While a value is typed, the entry form says "met", "not met" or why the server will refuse it
(static/campaigns/entry.js), by the server's own rules: the table below is typed into a real page and each
answer is held against what ResultsForm and Indicator.is_met say of the same text."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.models import Indicator
from campaigns.results.forms import ResultsForm
from tests.e2e.entry_pages import live_hint, met_badge, value_box
from tests.e2e.entry_pages import november as november  # noqa: F401 - fixture
from wards.models import Profile

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LABELS = {True: "Đạt", False: "Chưa đạt", None: "—"}

# (indicator code, what is typed). I.1 is a percentage ≥ 90; II.4 a percentage ≥ 90; X.1 a count of
# households ≥ 1, at most the neighbourhood's 234 households; X.2 an amount ≥ 70; II.3 yes/no.
CASES = [
    ("I.1", "12,5"),
    ("I.1", "95,5"),
    ("I.1", "1.234"),
    ("I.1", "abc"),
    ("I.1", "-1"),
    ("I.1", "100"),
    ("I.1", "100,1"),
    ("I.1", "90"),
    ("I.1", "89,9999"),
    ("I.1", " 9 5 "),
    ("I.1", ",5"),
    ("I.1", "1e2"),
    ("I.1", "0x10"),
    ("I.1", "+95"),
    ("I.1", "1,234.5"),
    ("I.1", "-0"),
    ("I.1", "-"),
    ("I.1", ""),
    ("II.4", "90,00001"),
    ("II.4", "4" * 41),
    ("X.1", "1,5"),
    ("X.1", "235"),
    ("X.1", "234"),
    ("X.1", "1.000"),
    ("X.1", "0"),
    ("X.2", "123456789012345"),
    ("X.2", "12345678901234"),
    ("X.2", "70,00001"),
    ("X.2", "69,99999"),
    ("X.2", "1.234.567,5"),
]


@pytest.fixture
def indicators(november):
    """The neighbourhood set, with a count bounded by the households and an amount added to criterion III."""
    ind = dict(november["ind"])
    criterion = ind["III.1"].criterion
    ind["X.1"] = Indicator.objects.create(
        criterion=criterion,
        code="X.1",
        name="Số hộ được hỗ trợ sửa chữa nhà ở",
        kind=IndicatorKind.COUNT,
        unit="hộ",
        comparator=">=",
        threshold=1,
        bounded_by=Indicator.Bound.HOUSEHOLDS,
        order=90,
    )
    ind["X.2"] = Indicator.objects.create(
        criterion=criterion,
        code="X.2",
        name="Thu nhập bình quân đầu người",
        kind=IndicatorKind.AMOUNT,
        unit="triệu đồng/người/năm",
        comparator=">=",
        threshold=70,
        order=91,
    )
    return ind


def _server(indicator, typed: str, hood) -> tuple[str, str | None]:
    """What the server makes of `typed`: ("error", its message) or ("met", its verdict's label)."""
    profile = Profile.objects.get(neighbourhood=hood, year=2026)
    with translation.override("vi"):
        form = ResultsForm(
            {f"v_{indicator.pk}": typed}, indicators=[indicator], results={}, editable=True, profile=profile
        )
        form.is_valid()
        errors = form.errors.get(f"v_{indicator.pk}")
        if errors:
            return ("error", errors[0])
        value = form.values()[indicator.pk]["value"]
        return ("met", LABELS[indicator.is_met(value, hood.ward.zone)])


def _browser(page, indicator, typed: str) -> tuple[str, str | None]:
    value_box(page, indicator).fill(typed)
    hint = live_hint(page, indicator)
    badge = met_badge(page, indicator).inner_text()
    if hint.is_visible():
        assert badge not in LABELS.values(), badge  # "Không hợp lệ", never "Đạt"
        return ("error", hint.inner_text())
    return ("met", badge)


def test_a_percentage_the_server_refuses_is_never_shown_as_met(november, login, page, live_server):
    ind = november["ind"]
    login("canbo1")
    page.goto(f"{live_server.url}{november['path']}")
    box = value_box(page, ind["I.1"])
    box.fill("95,5")
    expect(met_badge(page, ind["I.1"])).to_have_text("Đạt")
    box.fill("1.234")  # one thousand two hundred and thirty-four per cent
    expect(met_badge(page, ind["I.1"])).to_have_text("Không hợp lệ")
    expect(live_hint(page, ind["I.1"])).to_have_text("Tỷ lệ phần trăm không được lớn hơn 100.")
    expect(box).to_have_attribute("aria-invalid", "true")
    box.fill("abc")
    expect(live_hint(page, ind["I.1"])).to_have_text("“abc” không phải là số. Hãy viết theo dạng 1.234,5.")
    box.fill("12,5")
    expect(met_badge(page, ind["I.1"])).to_have_text("Chưa đạt")
    expect(live_hint(page, ind["I.1"])).to_be_hidden()
    expect(box).not_to_have_attribute("aria-invalid", "true")


def test_the_page_judges_every_input_as_the_server_does(indicators, november, login, page, live_server):
    login("canbo1")
    page.goto(f"{live_server.url}{november['path']}")
    expect(value_box(page, indicators["X.1"])).to_have_attribute("data-bound", "234")
    differences = []
    for code, typed in CASES:
        indicator = indicators[code]
        server, browser = _server(indicator, typed, november["hood"]), _browser(page, indicator, typed)
        if server != browser:
            differences.append(f"{code} {typed!r}: server {server}, page {browser}")
    assert differences == []
    for choice, label in (("1", "Đạt"), ("0", "Chưa đạt"), ("", "—")):
        value_box(page, indicators["II.3"]).select_option(choice)
        expect(met_badge(page, indicators["II.3"])).to_have_text(label)
