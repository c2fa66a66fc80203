"""The city dashboard answers "which wards are behind, and on what" (issue 13, item 5): the ranking, where to
act, the unfinished month and its comparison, the htmx table, and who may see it."""

from collections import Counter
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from campaigns.criteria.models import Criterion
from campaigns.results import rollups
from campaigns.results.models import CriterionResult, Submission
from tests.factories import CityFactory, NeighbourhoodFactory, ProfileFactory, WardFactory
from tests.reports.conftest import enter
from wards.models import Membership, Ward

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TABLE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "ward-table"}


def _ward(city, name: str, *, complete: int, not_complete: int, fail=("II.1",), period=None) -> Ward:
    ward = WardFactory(city=city, name=name, kind=Ward.Kind.COMMUNE)
    for i in range(complete + not_complete):
        hood = NeighbourhoodFactory(ward=ward, name=f"Thôn {name} {i + 1}")
        ProfileFactory(neighbourhood=hood, year=period.year)
        enter(hood, period, met=i < complete, fail=fail)
    return ward


@pytest.fixture
def ranked(city, months):
    """Four communes of November: 3 of 3 behind; 3 of 4 behind; 1 of 1 behind; none of 2 behind."""
    nov = months[11]
    return {
        "none_met": _ward(city, "Xã Ba Đình", complete=0, not_complete=3, period=nov),
        "quarter": _ward(city, "Xã An Hoạch", complete=1, not_complete=3, period=nov, fail=("III.1",)),
        "one": _ward(city, "Xã Đông Tân", complete=0, not_complete=1, period=nov),
        "done": _ward(city, "Xã Quảng Phú", complete=2, not_complete=0, period=nov),
    }


def _get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reports:dashboard"), params)


def test_wards_are_ranked_furthest_from_the_goal_first(client, city_leader, ranked, months):
    response = _get(client, city_leader, period=months[11].pk)
    order = [r["ward"].name for r in response.context["page"]]
    # 3 behind with 0 % meeting comes before 3 behind with 25 %; then 1 behind; then 0 behind.
    assert order == ["Xã Ba Đình", "Xã An Hoạch", "Xã Đông Tân", "Xã Quảng Phú"]
    assert [r["behind"] for r in response.context["page"]] == [3, 3, 1, 0]
    assert response.context["sort"] == "behind"
    assert response.context["behind_total"] == 7


def test_the_other_sorts_still_work(client, city_leader, ranked, months):
    by_name = _get(client, city_leader, period=months[11].pk, sort="name")
    assert [r["ward"].name for r in by_name.context["page"]] == [
        "Xã An Hoạch",
        "Xã Ba Đình",
        "Xã Đông Tân",
        "Xã Quảng Phú",
    ]
    by_criterion = _get(client, city_leader, period=months[11].pk, sort="c-III")
    assert by_criterion.context["page"][0]["ward"].name == "Xã An Hoạch"  # the only one missing criterion III
    unknown = _get(client, city_leader, period=months[11].pk, sort="drop table")
    assert unknown.context["sort"] == "behind"


def test_criterion_columns_show_their_short_names_and_units_not_meeting_them(client, city_leader, ranked, months):
    response = _get(client, city_leader, period=months[11].pk)
    html = response.content.decode()
    for short in ("Kinh tế", "Văn hóa, tinh thần", "Môi trường"):
        assert f'<span class="crit-name">{short}</span>' in html
    row = next(r for r in response.context["page"] if r["ward"].name == "Xã Ba Đình")
    assert [(c["number"], c["missing"], c["assessed"]) for c in row["cells"]] == [
        ("I", 0, 3),
        ("II", 3, 3),
        ("III", 0, 3),
    ]
    assert [c["level"] for c in row["cells"]] == [0, 4, 0]
    assert 'data-testid="heat-legend"' in html


def _independent_gaps(period) -> tuple[Counter, dict[str, Counter]]:
    """Units not meeting each criterion, and per ward, counted straight from the results that count."""
    by_criterion, by_ward = Counter(), {}
    for number, ward_name in CriterionResult.objects.filter(
        submission__period=period,
        submission__status__in=("submitted", "approved"),
        submission__neighbourhood__isnull=False,
        is_met=False,
    ).values_list("criterion__number", "submission__ward__name"):
        by_criterion[number] += 1
        by_ward.setdefault(number, Counter())[ward_name] += 1
    return by_criterion, by_ward


def test_where_to_act_lists_the_criteria_most_missed_and_the_wards_furthest_behind_on_each(
    client, city_leader, ranked, months
):
    response = _get(client, city_leader, period=months[11].pk)
    by_criterion, by_ward = _independent_gaps(months[11])
    focus = response.context["focus"]
    assert [(f["number"], f["missing"]) for f in focus] == sorted(by_criterion.items(), key=lambda kv: -kv[1])[:5]
    for f in focus:
        expected = sorted(by_ward[f["number"]].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        assert [(w["ward"].name, w["missing"]) for w in f["wards"]] == expected
    assert [f["number"] for f in focus] == ["II", "III"]
    html = response.content.decode()
    ii = Criterion.objects.get(criteria_set__code="thon-tdp-van-hoa", number="II")
    url = reverse("reports:criterion-units", args=[ii.pk])
    drill = f"{url}?period={months[11].pk}&amp;ward={ranked['none_met'].code}&amp;met=0"
    assert drill in html


def test_a_drill_down_from_where_to_act_lists_that_wards_units_not_meeting_it(client, city_leader, ranked, months):
    ii = Criterion.objects.get(criteria_set__code="thon-tdp-van-hoa", number="II")
    client.force_login(city_leader)
    response = client.get(
        reverse("reports:criterion-units", args=[ii.pk]),
        {"period": months[11].pk, "ward": ranked["none_met"].code, "met": "0"},
    )
    names = sorted(o.submission.neighbourhood.name for o in response.context["page"])
    assert names == ["Thôn Xã Ba Đình 1", "Thôn Xã Ba Đình 2", "Thôn Xã Ba Đình 3"]


def test_where_to_act_says_so_when_every_unit_meets_every_criterion(client, city_leader, city, months):
    _ward(city, "Xã Quảng Phú", complete=2, not_complete=0, period=months[11])
    response = _get(client, city_leader, period=months[11].pk)
    assert response.context["focus"] == []
    assert 'data-testid="where-to-act"' in response.content.decode()


# --- the unfinished month ------------------------------------------------------------------------------------


def _sent_on(submission: Submission, when: datetime) -> None:
    Submission.objects.filter(pk=submission.pk).update(submitted_at=when)
    rollups.rollups_refresh(submission.period, wards=[submission.ward_id])  # the update goes around them


@pytest.fixture
def october_and_november(city, months):
    ward = WardFactory(city=city, name="Xã Hoằng Quang", kind=Ward.Kind.COMMUNE)
    hoods = []
    for i in range(4):
        hood = NeighbourhoodFactory(ward=ward, name=f"Thôn Hoằng Quang {i + 1}")
        ProfileFactory(neighbourhood=hood, year=2026)
        hoods.append(hood)
    # October: sent on the 5th (meets all), the 25th (meets all), the 10th (misses II); one never sent.
    for hood, day, met in ((hoods[0], 5, True), (hoods[1], 25, True), (hoods[2], 10, False)):
        _sent_on(enter(hood, months[10], met=met), datetime(2026, 10, day, 9, tzinfo=HCM))
    # November so far: one sent on the 3rd, meeting all.
    _sent_on(enter(hoods[0], months[11], met=True), datetime(2026, 11, 3, 9, tzinfo=HCM))
    return ward


def test_an_open_month_says_so_and_compares_with_the_previous_month_on_the_same_day(
    client, city_leader, october_and_november, months
):
    # frozen on 20/11/2026 (months fixture): November is open until its deadline, 05/12/2026
    response = _get(client, city_leader, period=months[11].pk)
    assert response.context["is_open"] is True
    # October as it stood on 20/10: the reports sent by the end of that day (the 5th and the 10th).
    assert response.context["compared"] == {"reported": 2, "complete": 1}
    assert response.context["compared_as_of"].isoformat() == "2026-10-20"
    html = response.content.decode()
    assert 'data-testid="open-period"' in html
    assert "05/12/2026" in html and "20/10/2026" in html


def test_a_closed_month_is_compared_with_the_whole_previous_month(client, city_leader, october_and_november, months):
    with time_machine.travel("2026-12-20 10:00 +07:00", tick=False):
        response = _get(client, city_leader, period=months[11].pk)
    assert response.context["is_open"] is False
    assert response.context["compared"] == {"reported": 3, "complete": 2}
    assert response.context["compared_as_of"] is None
    assert 'data-testid="open-period"' not in response.content.decode()


def test_the_trend_marks_the_open_month_as_unfinished(client, city_leader, october_and_november, months):
    client.force_login(city_leader)
    response = client.get(
        reverse("reports:dashboard"),
        {"period": months[11].pk, "part": "trend-card"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="trend-card",
    )
    assert [t["reported"] for t in response.context["trend"]][-2:] == [3, 1]
    assert response.context["chart"]["trend"]["open"] is True
    assert 'data-testid="trend-open"' in response.content.decode()
    assert "<html" not in response.content.decode()


# --- the table as an htmx fragment ---------------------------------------------------------------------------


def test_sorting_with_htmx_returns_the_table_alone(client, city_leader, ranked, months):
    client.force_login(city_leader)
    response = client.get(reverse("reports:dashboard"), {"period": months[11].pk, "sort": "name"}, **TABLE)
    html = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "reports/_ward_table.html"
    assert "<html" not in html and html.lstrip().startswith('<section id="ward-table"')
    assert "HX-Request" in response["Vary"]
    assert [r["ward"].name for r in response.context["page"]][0] == "Xã An Hoạch"
    # every sort link also works as a plain link, without JavaScript
    assert 'href="?period=' in html and 'hx-get="?period=' in html


def test_filtering_with_htmx_narrows_the_table_and_keeps_the_sort(client, city_leader, ranked, months):
    client.force_login(city_leader)
    response = client.get(
        reverse("reports:dashboard"), {"period": months[11].pk, "sort": "name", "q": "quang phu"}, **TABLE
    )
    assert [r["ward"].name for r in response.context["page"]] == ["Xã Quảng Phú"]
    assert '<input type="hidden" name="sort" value="name">' in response.content.decode()


@pytest.mark.parametrize("size", [6, 60])
def test_the_table_fragment_makes_a_fixed_number_of_queries(
    client, city_leader, city, months, size, django_assert_max_num_queries
):
    from tests.reports.conftest import grow

    grow(city, size, 1, months[11])
    client.force_login(city_leader)
    with django_assert_max_num_queries(10):  # +1 since issue 11: the programmes run in the city
        response = client.get(reverse("reports:dashboard"), {"period": months[11].pk, "sort": "share"}, **TABLE)
    assert response.context["ward_count"] == size


# --- who may see it ---------------------------------------------------------------------------------------------


def test_a_leader_of_another_city_gets_404(client, ranked, months, city):
    other = CityFactory(code="42", name="Hà Tĩnh")
    from tests.factories import MembershipFactory, UserFactory

    leader = UserFactory(username="lanhdao_ht")
    MembershipFactory(user=leader, role=Membership.Role.CITY_LEADER, city=other)
    client.force_login(leader)
    url = reverse("reports:dashboard")
    assert client.get(url, {"city": city.code}).status_code == 404
    assert client.get(url, {"city": city.code}, **TABLE).status_code == 404
    own = client.get(url)
    assert own.status_code == 200 and own.context["city"] == other and own.context["ward_count"] == 0


def test_ward_staff_of_another_city_get_404_for_its_wards_and_drill_downs(client, ranked, months):
    from tests.factories import MembershipFactory, UserFactory

    other_ward = WardFactory(city=CityFactory(code="42", name="Hà Tĩnh"), name="Phường Bắc Hà")
    staff = UserFactory(username="canbo_ht")
    MembershipFactory(user=staff, role=Membership.Role.WARD_STAFF, ward=other_ward)
    client.force_login(staff)
    ward = ranked["none_met"]
    ii = Criterion.objects.get(criteria_set__code="thon-tdp-van-hoa", number="II")
    assert client.get(reverse("reports:ward-dashboard", args=[ward.code])).status_code == 404
    drill = client.get(reverse("reports:criterion-units", args=[ii.pk]), {"period": months[11].pk, "ward": ward.code})
    assert drill.status_code == 404
    # their own dashboard is their ward's, whatever city they ask for
    response = client.get(reverse("reports:dashboard"), {"city": ward.city.code}, **TABLE)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:ward-dashboard", args=[other_ward.code])


def test_anonymous_users_are_sent_to_log_in(client, months):
    for headers in ({}, TABLE):
        response = client.get(reverse("reports:dashboard"), {"period": months[11].pk}, **headers)
        assert response.status_code == 302 and "/login/" in response["Location"]


# --- short names ---------------------------------------------------------------------------------------------


def test_a_criterion_without_a_short_name_shows_the_first_words_of_its_name():
    assert Criterion(name="Môi trường", short_name="").label_short == "Môi trường"
    assert Criterion(name="Đời sống văn hóa, tinh thần lành mạnh, phong phú").label_short == "Đời sống văn hóa, tinh…"
    assert Criterion(name="X" * 40).label_short == "X" * 24 + "…"
    assert Criterion(name="Đời sống kinh tế", short_name="Kinh tế").label_short == "Kinh tế"


def test_the_shipped_sets_give_every_criterion_a_short_name(criteria_set):
    from django.core.management import call_command

    call_command("load_criteria", stdout=StringIO())
    shorts = list(Criterion.objects.values_list("short_name", flat=True))
    # a few words: Vietnamese words are of one or two syllables ("Kinh tế", "Văn hóa, tinh thần")
    assert len(shorts) == 18 and all(0 < len(s) <= Criterion.SHORT_LENGTH and len(s.split()) <= 4 for s in shorts)


@pytest.mark.parametrize("size", [3, 30])
def test_the_current_month_without_a_period_makes_as_few_queries(
    client, city_leader, city, months, size, django_assert_max_num_queries
):
    from tests.reports.conftest import grow

    grow(city, size, 1, months[11])  # frozen on 20/11/2026: November is the current month
    client.force_login(city_leader)
    with django_assert_max_num_queries(12):  # the programmes read, the wards' own reports in their tab
        response = client.get(reverse("reports:dashboard"))
    assert response.context["period"] == months[11] and response.context["ward_count"] == size


def test_without_javascript_the_months_come_with_the_page(client, city_leader, october_and_november, months):
    response = _get(client, city_leader, period=months[11].pk, part="trend-card")
    html = response.content.decode()
    assert response.context["trend_later"] is None
    assert 'id="trend-card"' in html and 'data-testid="trend-open"' in html and "<html" in html
    assert 'hx-get="?period=' not in html.split('id="trend-card"')[0][-300:]  # no placeholder left
    plain = _get(client, city_leader, period=months[11].pk).content.decode()
    assert '<noscript><a href="?period=' in plain and "part=trend-card" in plain
