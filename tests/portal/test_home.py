"""The home page as each role's to-do list.

Time is frozen at 20/11/2026 10:00 (Việt Nam time): this month is 11/2026 (deadline 05/12/2026, 15 days
left); last month, 10/2026, had its deadline moved to 10/11/2026 (10 days overdue).
"""

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import tinyhtml5
from django.conf import settings
from django.test import Client
from django.urls import reverse

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.movement.models import Campaign, Task
from campaigns.results.models import Period, Submission
from campaigns.results.periods import periods_ensure
from reports.models import Report
from tests.factories import CityFactory, MembershipFactory, NeighbourhoodFactory, UserFactory, WardFactory
from wards.models import Membership, Ward

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=HANOI)
HOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"
Status = Submission.Status
REASON = "Thiếu ảnh minh chứng nhà văn hóa (II.1)"


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def months(db, settings):
    settings.PERIOD_CUTOFF_DAY = 1
    settings.ENTRY_DEADLINE_DAYS = 5
    periods_ensure(2026)
    Period.objects.filter(kind=Period.Kind.MONTH, year=2026, number=10).update(deadline=date(2026, 11, 10))
    return {p.number: p for p in Period.objects.filter(kind=Period.Kind.MONTH, year=2026, number__in=(10, 11))}


@pytest.fixture
def hood_set(db):
    return criteria_set_load_file(HOOD_SET)[0]


def report_of(hood, period, status, criteria_set, **extra) -> Submission:
    return Submission.objects.create(
        criteria_set=criteria_set, period=period, ward=hood.ward, neighbourhood=hood, status=status, **extra
    )


def en(user) -> Client:
    """A client reading the site in English, so that sentences are compared with their msgids."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def text_of(html: str, **attributes) -> str | None:
    """The text of the first element carrying these attributes (data_testid="x" → data-testid="x"), or None."""
    wanted = {k.replace("_", "-"): str(v) for k, v in attributes.items()}
    for element in tinyhtml5.parse(html).iter():
        if all(element.get(k) == v for k, v in wanted.items()):
            return " ".join("".join(element.itertext()).split())
    return None


@pytest.fixture
def scene(months, hood_set, city, ward_a, ward_b, hood_a, hood_b, staff_a, leader_a, staff_b, admin_user):
    """Ward A: four neighbourhoods in force in November (one submitted, one draft, one returned, one with
    nothing), one that ended on 10/11 without reporting, one created in December. Ward B: one neighbourhood
    with nothing for November. October: everything approved but Đình Hương 4. Tasks of both wards."""
    october, november = months[10], months[11]
    hoods = [hood_a] + [NeighbourhoodFactory(ward=ward_a, name=f"Tổ dân phố Đình Hương {n}") for n in (2, 3, 4)]
    ended = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Cũ", valid_to=date(2026, 11, 10))
    NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Mới", valid_from=date(2026, 12, 1))
    for hood in [*hoods[:3], ended, hood_b]:
        report_of(hood, october, Status.APPROVED, hood_set, submitted_at=datetime(2026, 11, 3, tzinfo=HANOI))
    report_of(hoods[0], november, Status.SUBMITTED, hood_set, submitted_by=staff_a, submitted_at=NOW)
    report_of(hoods[1], november, Status.DRAFT, hood_set)
    report_of(
        hoods[2], november, Status.RETURNED, hood_set, reviewed_by=leader_a, reviewed_at=NOW, return_reason=REASON
    )
    campaign = Campaign.objects.create(
        name="Ra quân làm sạch đô thị", city=city, start=date(2026, 11, 1), end=date(2026, 12, 31)
    )
    campaign.wards.set([ward_a, ward_b])

    def task(ward, title, due, status=Task.Status.OPEN):
        return Task.objects.create(
            campaign=campaign, ward=ward, title=title, start=date(2026, 11, 1), due=due, status=status
        )

    return {
        "hoods": hoods,
        "october": october,
        "november": november,
        "overdue": task(ward_a, "Dọn vệ sinh ngõ 12", date(2026, 11, 15), Task.Status.IN_PROGRESS),
        "soon": task(ward_a, "Lắp biển số nhà Đình Hương 2", date(2026, 11, 25)),
        "later": task(ward_a, "Trồng cây xanh tuyến đường trục", date(2026, 12, 20)),
        "done": task(ward_a, "Sơn lại nhà văn hóa", date(2026, 11, 1), Task.Status.DONE),
        "other_ward": task(ward_b, "Đánh số nhà khu Đông Cương", date(2026, 11, 12)),
    }


def owed_of(response, ward_code: str) -> dict[int, dict]:
    ward = next(w for w in response.context["wards"] if w.code == ward_code)
    return {row["due"].period.number: row for row in ward.owed}


# --- ward staff ---------------------------------------------------------------------------------------------


def test_staff_see_how_many_neighbourhoods_still_owe_and_the_days_left(scene, staff_a, ward_a):
    response = en(staff_a).get(reverse("home"))
    assert response.status_code == 200
    owed = owed_of(response, ward_a.code)
    november, october = owed[11], owed[10]
    assert (november["owing"], november["units"], november["returned"]) == (3, 4, 1)
    assert november["due"].days_left == 15
    assert [h.name for h in november["hoods"]] == [f"Tổ dân phố Đình Hương {n}" for n in (2, 3, 4)]
    assert [h.report_status for h in november["hoods"]] == [Status.DRAFT, Status.RETURNED, None]
    assert (october["owing"], october["units"], october["due"].days_overdue) == (1, 5, 10)
    assert [h.name for h in october["hoods"]] == ["Tổ dân phố Đình Hương 4"]

    html = response.content.decode()
    box = text_of(html, data_testid="owed", data_period=scene["november"].pk)
    assert "3 of 4 neighbourhoods have not reported yet" in box and "15 days left" in box and "1 returned" in box
    assert "Tổ dân phố Mới" not in box and "Tổ dân phố Cũ" not in box
    assert reverse("campaigns:owed", args=[ward_a.code, scene["november"].pk]) in html
    assert reverse("campaigns:entry-neighbourhood", args=[scene["november"].pk, scene["hoods"][3].pk]) in html
    box = text_of(html, data_testid="owed", data_period=scene["october"].pk)
    assert "1 of 5 neighbourhoods has not reported yet" in box and "10 days overdue" in box


def test_what_the_home_page_says_is_owed_agrees_with_the_grid(scene, staff_a, ward_a):
    client = en(staff_a)
    for number in (10, 11):
        period = scene["october"] if number == 10 else scene["november"]
        grid = client.get(reverse("campaigns:owed", args=[ward_a.code, period.pk]))
        on_grid = {
            row["hood"].name
            for row in grid.context["rows"]
            if row["submission"] is None or row["submission"].status in (Status.DRAFT, Status.RETURNED)
        }
        owed = owed_of(client.get(reverse("home")), ward_a.code)[number]
        assert {h.name for h in owed["hoods"]} == on_grid
        assert owed["owing"] == len(on_grid)


def test_last_month_leaves_the_list_once_complete(scene, staff_a, ward_a, hood_set):
    report_of(scene["hoods"][3], scene["october"], Status.SUBMITTED, hood_set, submitted_at=NOW)
    assert list(owed_of(en(staff_a).get(reverse("home")), ward_a.code)) == [11]


def test_last_month_leaves_the_list_once_locked(scene, staff_a, ward_a):
    Period.objects.filter(pk=scene["october"].pk).update(is_locked=True)
    assert list(owed_of(en(staff_a).get(reverse("home")), ward_a.code)) == [11]


def test_a_ward_whose_neighbourhoods_all_reported_says_so(scene, staff_b, ward_b, hood_b, hood_set):
    report_of(hood_b, scene["november"], Status.APPROVED, hood_set, submitted_at=NOW)
    response = en(staff_b).get(reverse("home"))
    assert owed_of(response, ward_b.code)[11]["owing"] == 0
    box = text_of(response.content.decode(), data_testid="owed", data_period=scene["november"].pk)
    assert "The neighbourhood has reported." in box


def test_staff_see_returned_results_with_the_reviewer_and_reason(scene, staff_a):
    box = text_of(en(staff_a).get(reverse("home")).content.decode(), data_testid="returned")
    assert box is not None and REASON in box and "Tổ dân phố Đình Hương 3" in box and "Hùng" in box


def test_staff_see_their_overdue_and_due_soon_tasks_linked(scene, staff_a):
    response = en(staff_a).get(reverse("home"))
    tasks = response.context["tasks"]
    assert (tasks["overdue"], tasks["soon"]) == (1, 1)
    assert [t.title for t in tasks["rows"]] == ["Dọn vệ sinh ngõ 12", "Lắp biển số nhà Đình Hương 2"]
    html = response.content.decode()
    box = text_of(html, data_testid="tasks")
    assert "1 overdue task" in box and "1 task due within 7 days" in box
    assert "5 days overdue" in box and "5 days left" in box
    for name in ("later", "done", "other_ward"):
        assert scene[name].title not in box
    assert reverse("campaigns:task-detail", args=[scene["overdue"].pk]) in html
    assert reverse("campaigns:task-detail", args=[scene["soon"].pk]) in html


def test_staff_of_ward_a_never_see_ward_b(scene, staff_a, staff_b, ward_b, hood_b):
    html = en(staff_a).get(reverse("home")).content.decode()
    for text in (ward_b.name, hood_b.name, scene["other_ward"].title):
        assert text not in html
    response = en(staff_b).get(reverse("home"))
    assert [w.code for w in response.context["wards"]] == [ward_b.code]
    html = response.content.decode()
    for text in ("Phường Hạc Thành", "Đình Hương", scene["overdue"].title, REASON):
        assert text not in html
    assert [t.title for t in response.context["tasks"]["rows"]] == [scene["other_ward"].title]


def test_the_page_reads_in_vietnamese(scene, staff_a):
    client = Client()
    client.force_login(staff_a)
    html = client.get(reverse("home")).content.decode()
    box = text_of(html, data_testid="owed", data_period=scene["november"].pk)
    assert "3/4 tổ dân phố chưa báo cáo" in box and "còn 15 ngày" in box
    assert "quá hạn 5 ngày" in text_of(html, data_testid="tasks")


# --- ward leaders -------------------------------------------------------------------------------------------


def test_ward_leaders_see_what_awaits_review_and_the_neighbourhoods_behind(scene, leader_a, ward_a):
    response = en(leader_a).get(reverse("home"))
    html = response.content.decode()
    box = text_of(html, data_testid="to-review")
    assert "1 submission waits for your review" in box and "Tổ dân phố Đình Hương 1" in box
    owed = owed_of(response, ward_a.code)
    assert (owed[11]["owing"], owed[10]["owing"]) == (3, 1)
    assert response.context["tasks"] is None and text_of(html, data_testid="tasks") is None
    assert response.context["late_wards"] == [] and not response.context["reports"]


# --- city leaders and administrators ------------------------------------------------------------------------


@pytest.fixture
def built_reports(scene, city, ward_a):
    def made(ward, period, state=Report.State.DONE, current=True, finished=1):
        return Report.objects.create(
            kind=Report.Kind.MONTHLY,
            city=city,
            ward=ward,
            period=period,
            state=state,
            is_current=current,
            finished_at=NOW - timedelta(days=finished) if state == Report.State.DONE else None,
        )

    september = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=9)
    return {
        "city": made(None, scene["october"], finished=2),
        "ward": made(ward_a, scene["october"], finished=1),
        "failed": made(None, september, state=Report.State.FAILED),
        "replaced": made(ward_a, september, current=False, finished=40),
    }


def test_city_leaders_see_the_wards_behind_most_first(scene, city_leader, ward_a, ward_b):
    response = en(city_leader).get(reverse("home"))
    blocks = {b["due"].period.number: b for b in response.context["late_wards"]}
    assert [(r["ward"].code, r["not_reported"]) for r in blocks[11]["rows"]] == [(ward_a.code, 3), (ward_b.code, 1)]
    assert (blocks[11]["wards_behind"], blocks[11]["owing"], blocks[11]["units"]) == (2, 4, 5)
    assert [(r["ward"].code, r["not_reported"]) for r in blocks[10]["rows"]] == [(ward_a.code, 1)]
    assert blocks[10]["due"].days_overdue == 10
    html = response.content.decode()
    box = text_of(html, data_testid="late-wards", data_period=scene["november"].pk)
    assert "2 wards and communes still owe 4 of 5 neighbourhoods' results" in box and "15 days left" in box
    assert reverse("campaigns:owed", args=[ward_b.code, scene["november"].pk]) in html
    assert text_of(html, data_testid="tasks") is None and not response.context["wards"]


def test_city_leaders_see_the_ten_wards_furthest_behind(scene, city_leader, city):
    for size in range(1, 13):
        ward = WardFactory(city=city, kind=Ward.Kind.COMMUNE, name=f"Xã Thử {size:02d}")
        NeighbourhoodFactory.create_batch(size, ward=ward)
    response = en(city_leader).get(reverse("home"))
    november = next(b for b in response.context["late_wards"] if b["due"].period.number == 11)
    assert november["wards_behind"] == 14
    assert [r["not_reported"] for r in november["rows"]] == [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]
    assert "The 10 furthest behind of 14 wards." in response.content.decode()


def test_city_leaders_see_the_reports_ready_to_read(built_reports, city_leader):
    response = en(city_leader).get(reverse("home"))
    assert list(response.context["reports"]) == [built_reports["ward"], built_reports["city"]]
    html = response.content.decode()
    assert text_of(html, data_testid="ready-reports") is not None
    assert reverse("reports:report-detail", args=[built_reports["ward"].pk]) in html
    assert reverse("reports:report-detail", args=[built_reports["failed"].pk]) not in html


def test_administrators_see_every_city_like_a_city_leader(scene, built_reports, admin_user, city_leader):
    elsewhere = WardFactory(city=CityFactory(code="40", name="Nghệ An"), name="Phường Vinh Tân")
    NeighbourhoodFactory.create_batch(2, ward=elsewhere)
    admin = en(admin_user).get(reverse("home"))
    november = next(b for b in admin.context["late_wards"] if b["due"].period.number == 11)
    assert {r["ward"].name: r["not_reported"] for r in november["rows"]} == {
        "Phường Hạc Thành": 3,
        "Phường Vinh Tân": 2,
        "Phường Đông Quang": 1,
    }
    assert len(admin.context["reports"]) == 2
    leader = en(city_leader).get(reverse("home"))
    assert "Phường Vinh Tân" not in leader.content.decode()


# --- nobody's list ------------------------------------------------------------------------------------------


def test_a_user_without_a_role_is_told_so(months, no_role_user):
    response = en(no_role_user).get(reverse("home"))
    assert response.status_code == 200
    assert "You have no role yet." in response.content.decode()
    assert not response.context["wards"] and not response.context["late_wards"] and response.context["tasks"] is None


def test_anonymous_visitors_are_sent_to_log_in(db):
    response = Client().get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- queries ------------------------------------------------------------------------------------------------

# staff: session, user, scope, 2 periods, the programmes (+1 since issue 11), 2 task, 6 owed, profiles, returned,
# menu, badge
QUERY_BOUND = 18


def _grow(city, hood_set, months, wards: int, hoods_per_ward: int) -> list[Ward]:
    """Wards with neighbourhoods in every state, returned results, tasks and a built report."""
    statuses = [None, Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.APPROVED]
    campaign = Campaign.objects.create(name="Thi đua", city=city, start=date(2026, 11, 1), end=date(2026, 12, 31))
    made = []
    for w in range(wards):
        ward = WardFactory(city=city)
        made.append(ward)
        for h in range(hoods_per_ward):
            hood = NeighbourhoodFactory(ward=ward)
            status = statuses[(w + h) % len(statuses)]
            if status is not None:
                report_of(hood, months[11], status, hood_set, submitted_at=NOW, return_reason="Thiếu số liệu")
            report_of(hood, months[10], statuses[(w + h + 1) % len(statuses)] or Status.DRAFT, hood_set)
            Task.objects.create(
                campaign=campaign,
                ward=ward,
                neighbourhood=hood,
                title=f"Việc {h}",
                start=date(2026, 11, 1),
                due=date(2026, 11, 10 + h % 20),
            )
        Report.objects.create(
            kind=Report.Kind.MONTHLY,
            city=city,
            ward=ward,
            period=months[10],
            state=Report.State.DONE,
            is_current=True,
            finished_at=NOW,
        )
    return made


@pytest.mark.parametrize(("wards", "hoods"), [(2, 3), (6, 10)])
def test_the_page_makes_the_same_number_of_queries_whatever_the_size(
    months, hood_set, city, city_leader, admin_user, wards, hoods, django_assert_max_num_queries
):
    grown = _grow(city, hood_set, months, wards, hoods)
    people = [city_leader, admin_user]
    for role in (Membership.Role.WARD_STAFF, Membership.Role.WARD_LEADER):
        user = UserFactory()
        for ward in grown:
            MembershipFactory(user=user, role=role, ward=ward)
        people.append(user)
    for user in people:
        client = en(user)
        with django_assert_max_num_queries(QUERY_BOUND):
            response = client.get(reverse("home"))
        assert response.status_code == 200
    staff_wards = en(people[2]).get(reverse("home")).context["wards"]
    assert len(staff_wards) == wards
    assert sum(row["owing"] for w in staff_wards for row in w.owed if row["due"].period.number == 11) == sum(
        1 for w in range(wards) for h in range(hoods) if (w + h) % 5 in (0, 1, 2)
    )
