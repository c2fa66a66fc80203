"""The demo's contributions (idempotent, marked as examples) and the report page's section."""

from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from campaigns.movement.contributions.models import Contribution
from portal.management.demo import contributions as demo
from tests.campaigns.contributions.test_report import SECTION


def test_the_demo_loads_once_with_example_figures(ward_a, ward_b, hood_a, peak):
    added = demo.load(today=date(2026, 11, 20))
    assert added == Contribution.objects.count() > 0
    assert demo.load(today=date(2026, 11, 20)) == 0  # a second run adds nothing
    assert set(Contribution.objects.values_list("ward__code", flat=True)) == {ward_a.code, ward_b.code}
    assert all(c.note == demo.EXAMPLE for c in Contribution.objects.all())
    lighting = Contribution.objects.get(ward=ward_a, amount=Decimal(350_000_000))
    assert (lighting.kind, lighting.source, lighting.campaign) == ("money", "residents", peak)
    assert Contribution.objects.filter(received_on__year=2025).exists()
    assert {"money", "land", "labour", "materials"} <= set(Contribution.objects.values_list("kind", flat=True))


def test_the_demo_never_dates_a_contribution_after_today(ward_a, ward_b, peak):
    demo.load(today=date(2026, 2, 1))
    assert not Contribution.objects.filter(received_on__gt=date(2026, 2, 1)).exists()


def test_the_report_page_shows_the_section_for_a_city_and_a_ward():
    with translation.override("vi"):
        city = render_to_string(
            "reports/_contributions.html", {"s": {"scope": {"ward": None}, "contributions": SECTION}}
        )
        ward = render_to_string(
            "reports/_contributions.html", {"s": {"scope": {"ward": "Phường Đông Quang"}, "contributions": SECTION}}
        )
    assert "Huy động nguồn lực" in city and "360.000.000" in city and "85,5" in city
    assert 'data-testid="report-contributions-by-ward"' in city and "Phường Đông Quang" in city
    assert 'data-testid="report-contributions-by-ward"' not in ward
