"""Campaigns, targets and tasks: scope, validation, overdue tasks, task updates with photos and the weekly briefing."""

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Criterion
from campaigns.movement.models import Campaign, Target, Task, TaskAttachment, TaskUpdate
from campaigns.movement.services import campaigns as campaign_services
from campaigns.movement.services import tasks as task_services
from campaigns.results.models import CriterionResult, Period, Submission
from campaigns.results.periods import periods_ensure
from portal.models import HistoryEntry
from tests.factories import NeighbourhoodFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# Wednesday 15 April 2026, in the middle of the "60 ngày cao điểm" campaign (15/3–15/5/2026).
NOW = datetime(2026, 4, 15, 9, 30, tzinfo=HCM)
HOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"
OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
LIST_QUERY_BOUND = 13


@pytest.fixture(autouse=True)
def _april_2026():
    with time_machine.travel(NOW, tick=False):
        yield


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png(name: str = "bien-bao.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def client_for(db):
    """A logged-in client reading the site in English (messages are compared with their English msgids)."""

    def _client(user, language="en"):
        c = Client()
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            c.force_login(user)
        return c

    return _client


@pytest.fixture
def campaign(city, ward_a, ward_b, admin_user):
    campaign = Campaign.objects.create(
        name="60 ngày cao điểm xây dựng phường kiểu mẫu",
        city=city,
        start=date(2026, 3, 15),
        end=date(2026, 5, 15),
        goal="Mỗi tổ dân phố có biển tuyên truyền và số nhà.",
        created_by=admin_user,
    )
    campaign.wards.set([ward_a, ward_b])
    return campaign


@pytest.fixture
def signs(campaign):
    return Target.objects.create(campaign=campaign, name="Lắp biển tuyên truyền", unit="biển", value=50)


@pytest.fixture
def task_a(campaign, signs, ward_a, hood_a):
    """Ward A's task, due last Friday and not done: overdue."""
    return Task.objects.create(
        campaign=campaign,
        target=signs,
        title="Lắp 20 biển tuyên truyền tại Đình Hương 1",
        ward=ward_a,
        neighbourhood=hood_a,
        start=date(2026, 3, 20),
        due=date(2026, 4, 10),
        target_value=20,
        reached_value=12,
        status=Task.Status.IN_PROGRESS,
        progress=60,
    )


@pytest.fixture
def task_b(campaign, signs, ward_b, hood_b):
    return Task.objects.create(
        campaign=campaign,
        target=signs,
        title="Đánh số nhà khu Đông Cương",
        ward=ward_b,
        neighbourhood=hood_b,
        start=date(2026, 3, 20),
        due=date(2026, 5, 10),
    )


def task_url(name, task):
    return reverse(f"campaigns:{name}", args=[task.pk])


# --- scope --------------------------------------------------------------------------------------------------------


def test_ward_staff_gets_404_for_another_wards_task(client_for, staff_b, task_a):
    client = client_for(staff_b)
    assert client.get(task_url("task-detail", task_a)).status_code == NOT_FOUND
    response = client.post(task_url("task-update", task_a), {"text": "Giả mạo", "version": 1})
    assert response.status_code == NOT_FOUND
    assert client.post(task_url("task-done", task_a)).status_code == NOT_FOUND
    assert not TaskUpdate.objects.exists()
    task_a.refresh_from_db()
    assert task_a.status == Task.Status.IN_PROGRESS


def test_task_list_holds_only_the_users_ward(client_for, staff_b, task_a, task_b):
    content = client_for(staff_b).get(reverse("campaigns:task-list")).content.decode()
    assert task_b.title in content
    assert task_a.title not in content


def test_campaign_page_hides_other_wards_tasks(client_for, staff_a, city_leader, task_a, task_b, campaign):
    content = client_for(staff_a).get(reverse("campaigns:campaign-detail", args=[campaign.pk])).content.decode()
    assert task_a.title in content
    assert task_b.title not in content
    content = client_for(city_leader).get(reverse("campaigns:campaign-detail", args=[campaign.pk])).content.decode()
    assert task_a.title in content and task_b.title in content


def test_forged_task_id_in_an_update_is_404(client_for, staff_a, task_b):
    client = client_for(staff_a)
    for pk in (task_b.pk, 999_999):
        response = client.post(reverse("campaigns:task-update", args=[pk]), {"text": "x", "version": 1})
        assert response.status_code == NOT_FOUND
    assert not TaskUpdate.objects.exists()


def test_attachment_of_another_ward_is_404(client_for, staff_a, staff_b, city_leader, task_a):
    task_services.task_update_post(user=staff_a, task=task_a, text="Đã lắp 5 biển", figure=Decimal(17), files=[png()])
    attachment = TaskAttachment.objects.get()
    url = reverse("campaigns:task-attachment", args=[attachment.pk])
    assert client_for(staff_b).get(url).status_code == NOT_FOUND
    for user in (staff_a, city_leader):
        response = client_for(user).get(url)
        assert response.status_code == OK
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == png_bytes()


def test_anonymous_users_are_sent_to_the_login(client_for, task_a, campaign, ward_a):
    attachment_update = TaskUpdate.objects.create(task=task_a, text="x")
    attachment = TaskAttachment.objects.create(
        update=attachment_update, file=png(), original_name="x.png", content_type="image/png", size=10
    )
    client = client_for(None)
    urls = [
        reverse("campaigns:campaign-list"),
        reverse("campaigns:campaign-create"),
        reverse("campaigns:campaign-detail", args=[campaign.pk]),
        reverse("campaigns:campaign-edit", args=[campaign.pk]),
        reverse("campaigns:task-create", args=[campaign.pk]),
        reverse("campaigns:task-list"),
        task_url("task-detail", task_a),
        reverse("campaigns:task-attachment", args=[attachment.pk]),
        reverse("campaigns:briefing", args=[ward_a.code]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    for url in (task_url("task-update", task_a), task_url("task-done", task_a)):
        response = client.post(url, {"text": "x"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_city_leader_reads_but_may_not_change(client_for, city_leader, task_a, campaign, ward_a):
    client = client_for(city_leader)
    for url in (
        reverse("campaigns:campaign-list"),
        reverse("campaigns:campaign-detail", args=[campaign.pk]),
        reverse("campaigns:task-list"),
        task_url("task-detail", task_a),
        reverse("campaigns:briefing", args=[ward_a.code]),
    ):
        assert client.get(url).status_code == OK, url
    response = client.post(task_url("task-update", task_a), {"text": "Lãnh đạo ghi", "version": task_a.version})
    assert response.status_code == FORBIDDEN
    assert client.post(task_url("task-done", task_a)).status_code == FORBIDDEN
    assert client.get(reverse("campaigns:campaign-edit", args=[campaign.pk])).status_code == FORBIDDEN
    assert client.get(reverse("campaigns:campaign-create")).status_code == FORBIDDEN
    assert client.get(reverse("campaigns:task-create", args=[campaign.pk])).status_code == FORBIDDEN
    assert not TaskUpdate.objects.exists()
    assert "Mark done" not in client.get(task_url("task-detail", task_a)).content.decode()


def test_ward_staff_may_not_edit_a_city_campaign_but_may_add_their_wards_tasks(client_for, staff_a, campaign):
    client = client_for(staff_a)
    assert client.get(reverse("campaigns:campaign-edit", args=[campaign.pk])).status_code == FORBIDDEN
    response = client.get(reverse("campaigns:task-create", args=[campaign.pk]))
    assert response.status_code == OK
    assert list(response.context["form"].fields["ward"].queryset) == [staff_a.memberships.get().ward]


def test_service_refuses_users_outside_the_task(staff_b, city_leader, task_a):
    for user in (staff_b, city_leader):
        with pytest.raises(PermissionDenied):
            task_services.task_update_post(user=user, task=task_a, text="x")
        with pytest.raises(PermissionDenied):
            task_services.task_complete(user=user, task=task_a)


# --- campaigns and targets --------------------------------------------------------------------------------------


def _campaign_post(owner, **over):
    data = {
        "name": "Tháng cao điểm vệ sinh môi trường",
        "kind": "thematic",
        "ward": owner.pk,
        "start": "01/04/2026",
        "end": "30/04/2026",
        "goal": "Sạch đường phố",
        "wards": [owner.pk],
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-name": "Thu gom rác thải",
        "targets-0-unit": "tấn",
        "targets-0-value": "12,5",
        "targets-1-name": "",
        "targets-1-unit": "",
        "targets-1-value": "",
    }
    data.update(over)
    return data


def test_ward_leader_launches_a_ward_campaign_with_targets(client_for, leader_a, ward_a):
    response = client_for(leader_a).post(reverse("campaigns:campaign-create"), _campaign_post(ward_a))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:campaign-detail", args=[campaign.pk])
    assert (campaign.ward, campaign.city, campaign.start) == (ward_a, ward_a.city, date(2026, 4, 1))
    assert [(t.name, t.value) for t in campaign.targets.all()] == [("Thu gom rác thải", Decimal("12.5"))]
    assert HistoryEntry.objects.for_object(campaign).get().action == "create"


def test_an_end_before_the_start_is_refused(client_for, leader_a, ward_a):
    response = client_for(leader_a).post(
        reverse("campaigns:campaign-create"), _campaign_post(ward_a, start="30/04/2026", end="01/04/2026")
    )
    assert response.status_code == OK
    with translation.override("en"):
        assert response.context["form"].errors["end"] == ["The end cannot come before the start."]
    assert not Campaign.objects.exists()
    assert not Target.objects.exists()


def test_a_negative_target_is_refused_and_nothing_saved(client_for, leader_a, ward_a):
    response = client_for(leader_a).post(
        reverse("campaigns:campaign-create"), _campaign_post(ward_a, **{"targets-0-value": "-5"})
    )
    assert response.status_code == OK
    with translation.override("en"):
        assert "The target “Thu gom rác thải” cannot be negative." in response.context["form"].non_field_errors()
    assert "cannot be negative" in response.content.decode()
    assert not Campaign.objects.exists()
    assert not Target.objects.exists()


def test_a_negative_target_leaves_an_edited_campaign_as_it_was(admin_user, campaign, signs):
    data = {"name": "Đổi tên", "kind": "regular", "start": campaign.start, "end": campaign.end, "ward": None}
    with pytest.raises(ValidationError):
        campaign_services.campaign_save(
            user=admin_user,
            campaign=campaign,
            data=data,
            targets=[{"id": signs.pk, "name": signs.name, "unit": "biển", "value": Decimal(-1), "delete": False}],
        )
    campaign.refresh_from_db()
    signs.refresh_from_db()
    assert (campaign.name, signs.value) == ("60 ngày cao điểm xây dựng phường kiểu mẫu", 50)


def test_admin_edits_a_campaign_and_its_targets(client_for, admin_user, campaign, signs, ward_a):
    data = _campaign_post(
        ward_a,
        ward="",
        city=campaign.city.pk,
        name="60 ngày cao điểm (gia hạn)",
        start="15/03/2026",
        end="31/05/2026",
        **{
            "targets-INITIAL_FORMS": "1",
            "targets-0-id": str(signs.pk),
            "targets-0-name": signs.name,
            "targets-0-value": "60",
            "targets-1-name": "Đánh số nhà",
            "targets-1-value": "1.200",
        },
    )
    response = client_for(admin_user).post(reverse("campaigns:campaign-edit", args=[campaign.pk]), data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.end, campaign.ward) == ("60 ngày cao điểm (gia hạn)", date(2026, 5, 31), None)
    assert [(t.name, t.value) for t in campaign.targets.all()] == [
        (signs.name, Decimal(60)),
        ("Đánh số nhà", Decimal(1200)),
    ]


# --- tasks --------------------------------------------------------------------------------------------------------


def _task_post(ward, hood=None, **over):
    data = {
        "title": "Treo băng rôn tại 5 tuyến phố",
        "ward": ward.pk,
        "neighbourhood": hood.pk if hood else "",
        "start": "16/04/2026",
        "due": "30/04/2026",
        "target_value": "5",
        "progress": "0",
    }
    data.update(over)
    return data


def test_staff_add_a_task_for_their_ward(client_for, staff_a, campaign, signs, ward_a, hood_a):
    response = client_for(staff_a).post(
        reverse("campaigns:task-create", args=[campaign.pk]), _task_post(ward_a, hood_a, target=signs.pk)
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.ward, task.neighbourhood, task.target, task.due) == (ward_a, hood_a, signs, date(2026, 4, 30))


def test_a_due_date_outside_the_campaign_is_refused(client_for, staff_a, campaign, ward_a):
    response = client_for(staff_a).post(
        reverse("campaigns:task-create", args=[campaign.pk]), _task_post(ward_a, due="20/05/2026")
    )
    assert response.status_code == OK
    with translation.override("en"):
        assert response.context["form"].errors["due"] == [
            "The due date must lie within the campaign, from 15/03/2026 to 15/05/2026."
        ]
    assert not Task.objects.exists()


def test_task_rules_are_checked_by_the_service(admin_user, campaign, ward_a, hood_b):
    outsider = NeighbourhoodFactory(ward=hood_b.ward)
    base = {"title": "x", "ward": ward_a, "start": date(2026, 4, 1), "due": date(2026, 4, 20)}
    cases = {
        "due": {"start": date(2026, 4, 25)},
        "progress": {"progress": 101},
        "target_value": {"target_value": Decimal(-1)},
        "neighbourhood": {"neighbourhood": outsider},
    }
    with translation.override("en"):
        for field, change in cases.items():
            with pytest.raises(ValidationError) as caught:
                task_services.task_save(user=admin_user, campaign=campaign, data={**base, **change})
            assert field in caught.value.message_dict, field
    assert not Task.objects.exists()


def test_a_ward_outside_the_campaign_is_refused(admin_user, city, campaign):
    from tests.factories import WardFactory

    other = WardFactory(city=city, name="Phường Quảng Phú")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        task_services.task_save(
            user=admin_user,
            campaign=campaign,
            data={"title": "x", "ward": other, "start": date(2026, 4, 1), "due": date(2026, 4, 2)},
        )
    assert caught.value.message_dict["ward"] == ["This ward does not take part in the campaign."]


def test_staff_post_an_update_with_photos(client_for, staff_a, task_a):
    response = client_for(staff_a).post(
        task_url("task-update", task_a),
        {
            "text": "Đã lắp thêm 20 biển ở ngõ 12, 14",
            "figure": "32",
            "progress": "80",
            "version": task_a.version,
            "files": [png("a.png"), png("b.png")],
        },
    )
    assert response.status_code == 302
    task_a.refresh_from_db()
    assert (task_a.reached_value, task_a.progress, task_a.version) == (Decimal(32), 80, 2)
    update = TaskUpdate.objects.get()
    assert (update.author, update.figure) == (staff_a, Decimal(32))
    assert sorted(a.original_name for a in update.attachments.all()) == ["a.png", "b.png"]
    entry = HistoryEntry.objects.for_object(task_a).get()
    assert entry.changes["reached_value"] == ["12.00", "32"]
    page = client_for(staff_a).get(task_url("task-detail", task_a)).content.decode()
    for attachment in update.attachments.all():
        assert reverse("campaigns:task-attachment", args=[attachment.pk]) in page


def test_an_open_task_moves_to_in_progress_with_its_first_update(staff_a, task_a):
    task_a.status = Task.Status.OPEN
    task_a.save()
    task_services.task_update_post(user=staff_a, task=task_a, text="Bắt đầu khảo sát")
    task_a.refresh_from_db()
    assert task_a.status == Task.Status.IN_PROGRESS


def test_progress_above_100_is_refused_and_nothing_saved(client_for, staff_a, task_a):
    response = client_for(staff_a).post(
        task_url("task-update", task_a),
        {"text": "Xong hơn cả kế hoạch", "progress": "120", "version": task_a.version, "files": [png()]},
    )
    assert response.status_code == OK
    with translation.override("en"):
        assert response.context["form"].errors["progress"] == ["Progress is a percentage from 0 to 100."]
    assert not TaskUpdate.objects.exists()
    assert not TaskAttachment.objects.exists()
    task_a.refresh_from_db()
    assert (task_a.progress, task_a.version) == (60, 1)


def test_a_file_that_is_not_a_photo_is_refused(client_for, staff_a, task_a):
    fake = SimpleUploadedFile("anh.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client_for(staff_a).post(
        task_url("task-update", task_a), {"text": "x", "version": task_a.version, "files": [fake]}
    )
    assert response.status_code == OK
    assert "is not a JPG or PNG photo or a PDF document" in response.content.decode()
    assert not TaskUpdate.objects.exists()


def test_a_stale_update_is_refused_with_a_clear_message(client_for, staff_a, task_a):
    task_services.task_update_post(user=staff_a, task=task_a, text="Cập nhật của người khác", figure=Decimal(20))
    response = client_for(staff_a).post(
        task_url("task-update", task_a), {"text": "Cập nhật cũ", "figure": "15", "version": "1"}
    )
    assert response.status_code == 409
    assert "Someone else updated this task while you were writing" in response.content.decode()
    assert response.context["form"]["version"].value() == 2
    task_a.refresh_from_db()
    assert task_a.reached_value == 20
    assert TaskUpdate.objects.count() == 1


def test_staff_mark_a_task_done(client_for, staff_a, task_a):
    response = client_for(staff_a).post(task_url("task-done", task_a), {"version": task_a.version, "confirm": "yes"})
    assert response.status_code == 302
    task_a.refresh_from_db()
    # Closed at 12 of 20 signs: its progress is the 60 % it reached, not 100 %.
    assert (task_a.status, task_a.progress, task_a.completed_at) == (Task.Status.DONE, 60, NOW)
    page = client_for(staff_a).get(task_url("task-detail", task_a)).content.decode()
    assert 'data-testid="overdue"' not in page


# --- overdue tasks stand out --------------------------------------------------------------------------------------


def test_overdue_tasks_stand_out_everywhere(client_for, staff_a, leader_a, task_a, campaign, ward_a):
    on_time = Task.objects.create(
        campaign=campaign, title="Đánh số nhà Đình Hương 1", ward=ward_a, start=date(2026, 4, 1), due=date(2026, 5, 1)
    )
    client = client_for(leader_a)
    for url in (reverse("campaigns:task-list"), reverse("campaigns:campaign-detail", args=[campaign.pk])):
        content = client.get(url).content.decode()
        late_row = content.split(f'data-task="{task_a.pk}"')[0].rsplit("<tr", 1)[1]
        on_time_row = content.split(f'data-task="{on_time.pk}"')[0].rsplit("<tr", 1)[1]
        assert "table-danger" in late_row, url
        assert "table-danger" not in on_time_row, url
        assert content.count('data-testid="overdue"') == 1, url
    assert 'data-testid="overdue"' in client.get(task_url("task-detail", task_a)).content.decode()
    campaigns_page = client.get(reverse("campaigns:campaign-list")).content.decode()
    assert 'class="badge text-bg-danger">1<' in campaigns_page


def test_the_overdue_filter_lists_only_late_tasks(client_for, leader_a, task_a, campaign, ward_a):
    Task.objects.create(
        campaign=campaign, title="Chưa đến hạn", ward=ward_a, start=date(2026, 4, 1), due=date(2026, 5, 1)
    )
    response = client_for(leader_a).get(reverse("campaigns:task-list"), {"status": "overdue"})
    assert [t.pk for t in response.context["page"]] == [task_a.pk]
    response = client_for(leader_a).get(reverse("campaigns:task-list"), {"due_from": "20/04/2026"})
    assert [t.title for t in response.context["page"]] == ["Chưa đến hạn"]


def test_a_filter_cannot_widen_the_scope(client_for, staff_a, task_b, ward_b):
    response = client_for(staff_a).get(reverse("campaigns:task-list"), {"ward": ward_b.pk})
    assert list(response.context["page"]) == []


# --- target progress and criteria over the campaign ------------------------------------------------------------


def test_target_progress_sums_the_tasks_in_the_database(client_for, city_leader, campaign, signs, task_a, task_b):
    task_b.reached_value = 8
    task_b.save()
    response = client_for(city_leader).get(reverse("campaigns:campaign-detail", args=[campaign.pk]))
    (target,) = response.context["targets"]
    assert (target.reached, target.percent) == (Decimal(20), 40)
    assert 'data-testid="target-reached">20<' in response.content.decode()


def test_campaign_shows_how_its_criteria_moved(client_for, city_leader, campaign, ward_a, hood_a):
    criteria_set, _outcome = criteria_set_load_file(HOOD_SET)
    periods_ensure(2026)
    criterion = Criterion.objects.filter(criteria_set=criteria_set).order_by("order", "id").first()
    campaign.criteria.set([criterion])
    hoods = [hood_a, NeighbourhoodFactory(ward=ward_a), NeighbourhoodFactory(ward=ward_a)]
    march = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=3)
    april = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=4)
    for period, met, status in ((march, 1, "approved"), (april, 3, "submitted")):
        for i, hood in enumerate(hoods):
            sub = Submission.objects.create(
                criteria_set=criteria_set, period=period, ward=ward_a, neighbourhood=hood, status=status
            )
            CriterionResult.objects.create(submission=sub, criterion=criterion, is_met=i < met)
    # A draft does not count.
    draft = Submission.objects.create(
        criteria_set=criteria_set, period=april, ward=ward_a, neighbourhood=NeighbourhoodFactory(ward=ward_a)
    )
    CriterionResult.objects.create(submission=draft, criterion=criterion, is_met=True)
    response = client_for(city_leader).get(reverse("campaigns:campaign-detail", args=[campaign.pk]))
    (row,) = response.context["criteria_rows"]
    assert (row["first"]["met"], row["first"]["assessed"]) == (1, 3)
    assert (row["latest"]["met"], row["latest"]["assessed"]) == (3, 3)
    assert row["change"] == 2
    assert response.context["latest_period"] == april


# --- the weekly briefing (giao ban) -----------------------------------------------------------------------------


def test_briefing_of_a_week(client_for, staff_a, leader_a, campaign, ward_a, hood_a, task_a, task_b):
    with time_machine.travel(datetime(2026, 4, 14, 8, 0, tzinfo=HCM), tick=False):  # Tuesday of that week
        task_services.task_update_post(user=staff_a, task=task_a, text="Lắp 8 biển ở ngõ Đình", figure=Decimal(20))
    with time_machine.travel(datetime(2026, 4, 6, 8, 0, tzinfo=HCM), tick=False):  # the week before
        task_services.task_update_post(user=staff_a, task=task_a, text="Cập nhật tuần trước")
    fell = Task.objects.create(
        campaign=campaign, title="Dọn vệ sinh nhà văn hóa", ward=ward_a, start=date(2026, 4, 1), due=date(2026, 4, 13)
    )
    later_this_week = Task.objects.create(  # due during the week but not yet: not overdue, due next
        campaign=campaign, title="Sơn lại cổng chào", ward=ward_a, start=date(2026, 4, 1), due=date(2026, 4, 17)
    )
    nxt = Task.objects.create(
        campaign=campaign,
        title="Kiểm tra số nhà",
        ward=ward_a,
        neighbourhood=hood_a,
        start=date(2026, 4, 1),
        due=date(2026, 4, 22),
    )
    Task.objects.create(  # two weeks on: not in this briefing
        campaign=campaign, title="Tổng kết đợt", ward=ward_a, start=date(2026, 4, 1), due=date(2026, 4, 30)
    )
    response = client_for(leader_a).get(reverse("campaigns:briefing", args=[ward_a.code]), {"week": "2026-04-15"})
    assert response.status_code == OK
    assert response.context["monday"] == date(2026, 4, 13)
    units = {("ward" if u["is_ward"] else u["unit"].pk): u for u in response.context["units"]}
    assert [u.text for u in units[hood_a.pk]["done"]] == ["Lắp 8 biển ở ngõ Đình"]
    assert units[hood_a.pk]["still"] == [task_a]  # due 10/04, still open
    assert units[hood_a.pk]["next"] == [nxt]
    assert units["ward"]["overdue"] == [fell]
    assert units["ward"]["done"] == [] and units["ward"]["next"] == [later_this_week]
    content = response.content.decode()
    assert task_b.title not in content  # another ward's
    assert "Cập nhật tuần trước" not in content
    assert "Tổng kết đợt" not in content
    assert "campaigns/print.css" in content
    css = (Path(settings.BASE_DIR) / "static/campaigns/print.css").read_text()
    assert "size: A4" in css and "@media print" in css


def test_briefing_defaults_to_this_week_and_is_scoped(client_for, staff_a, staff_b, ward_a):
    response = client_for(staff_a).get(reverse("campaigns:briefing", args=[ward_a.code]), {"week": "not-a-date"})
    assert response.context["monday"] == date(2026, 4, 13)
    assert client_for(staff_b).get(reverse("campaigns:briefing", args=[ward_a.code])).status_code == NOT_FOUND


# --- queries do not grow with the number of tasks ----------------------------------------------------------------


def _many_tasks(n, campaign, signs, ward_a, hood_a, staff_a):
    for i in range(n):
        task = Task.objects.create(
            campaign=campaign,
            target=signs,
            title=f"Nhiệm vụ số {i}",
            ward=ward_a,
            neighbourhood=hood_a if i % 2 else None,
            start=date(2026, 3, 20),
            due=date(2026, 4, 1 + i % 28),
            assignee=staff_a,
            reached_value=1,
        )
        update = TaskUpdate.objects.create(task=task, author=staff_a, text=f"Cập nhật {i}")
        TaskUpdate.objects.filter(pk=update.pk).update(at=NOW)


@pytest.mark.parametrize("size", [5, 50])
def test_list_queries_do_not_grow_with_the_tasks(
    client_for, staff_a, campaign, signs, ward_a, hood_a, size, django_assert_max_num_queries
):
    _many_tasks(size, campaign, signs, ward_a, hood_a, staff_a)
    client = client_for(staff_a)
    for url, params in (
        (reverse("campaigns:task-list"), {}),
        (reverse("campaigns:task-list"), {"status": "overdue", "ward": ward_a.pk}),
        (reverse("campaigns:campaign-detail", args=[campaign.pk]), {}),
        (reverse("campaigns:campaign-list"), {}),
        (reverse("campaigns:briefing", args=[ward_a.code]), {}),
    ):
        with django_assert_max_num_queries(LIST_QUERY_BOUND):
            response = client.get(url, params)
        assert response.status_code == OK
    content = client.get(reverse("campaigns:task-list")).content.decode()
    assert content.count("data-task=") == size
