"""What people read on the campaign and task pages (in Vietnamese, the default): history in plain words,
dates and numbers; a task closed short of its target; the confirmation before closing one; the person in
charge of a task, from its ward only; the campaign form's city and ward lists; the task list on a phone."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.movement.forms.tasks import TaskForm
from campaigns.movement.models import Campaign, Target, Task
from campaigns.movement.services import campaigns as campaign_services
from campaigns.movement.services import tasks as task_services
from portal.models import HistoryEntry
from tests.factories import CityFactory, MembershipFactory, UserFactory, WardFactory
from wards.models import Membership

NOW = datetime(2026, 4, 15, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
HIDDEN_ON_PHONES = [
    "d-none d-md-table-cell",
    "text-nowrap d-none d-md-table-cell fw-semibold",
    "d-none d-md-table-cell",
    "num progress-cell d-none d-md-table-cell",
    "num d-none d-md-table-cell",
]


@pytest.fixture(autouse=True)
def _april_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def campaign(city, ward_a, ward_b, admin_user):
    campaign = Campaign.objects.create(
        name="60 ngày cao điểm xây dựng phường kiểu mẫu",
        city=city,
        start=date(2026, 3, 15),
        end=date(2026, 5, 15),
        created_by=admin_user,
    )
    campaign.wards.set([ward_a, ward_b])
    return campaign


@pytest.fixture
def bins(campaign):
    return Target.objects.create(campaign=campaign, name="Thùng rác công cộng", unit="thùng", value=Decimal("20.00"))


@pytest.fixture
def two_of_three(campaign, bins, ward_a, hood_a):
    """Ward A's task: 2 of 3 bins placed, due last Friday."""
    return Task.objects.create(
        campaign=campaign,
        target=bins,
        title="Đặt 3 thùng rác tại Đình Hương 1",
        ward=ward_a,
        neighbourhood=hood_a,
        start=date(2026, 3, 20),
        due=date(2026, 4, 10),
        target_value=3,
        reached_value=2,
        status=Task.Status.IN_PROGRESS,
        progress=60,
    )


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _history_lines(html: str) -> list[str]:
    """The "field: old → new" lines of a page's history table, tags removed."""
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<div>([^<]*: .*? → .*?)</div>", html)]


# --- history in plain words (finding 4) -----------------------------------------------------------------------------


def test_campaign_history_shows_vietnamese_labels_dates_and_numbers(client, admin_user, campaign, bins):
    data = {"name": campaign.name, "kind": campaign.kind, "start": campaign.start, "end": date(2026, 12, 1)}
    data |= {"goal": "Mỗi tổ dân phố có thùng rác", "ward": None, "wards": list(campaign.wards.all())}
    targets = [
        {"id": bins.pk, "name": bins.name, "unit": "thùng", "value": Decimal("1234.5"), "delete": False},
        {"id": None, "name": "Biển tuyên truyền", "unit": "biển", "value": Decimal(50), "delete": False},
    ]
    campaign_services.campaign_save(user=admin_user, campaign=campaign, data=data, targets=targets)
    lines = _history_lines(_page(client, admin_user, reverse("campaigns:campaign-detail", args=[campaign.pk])))
    assert "Ngày kết thúc: 15/05/2026 → 01/12/2026" in lines
    assert "Mục tiêu: — → Mỗi tổ dân phố có thùng rác" in lines
    before, after = "Thùng rác công cộng: 20 thùng", "Thùng rác công cộng: 1.234,5 thùng; Biển tuyên truyền: 50 biển"
    assert f"Chỉ tiêu phấn đấu: {before} → {after}" in lines
    text = " ".join(lines)
    assert "goal" not in text and "end:" not in text and "2026-12-01" not in text and "20.00" not in text


def test_removing_a_target_is_in_the_history_and_the_page_still_opens(client, admin_user, campaign, bins):
    data = {"name": campaign.name, "start": campaign.start, "end": campaign.end, "ward": None}
    row = {"id": bins.pk, "name": bins.name, "unit": "thùng", "value": bins.value, "delete": True}
    campaign_services.campaign_save(user=admin_user, campaign=campaign, data=data, targets=[row])
    lines = _history_lines(_page(client, admin_user, reverse("campaigns:campaign-detail", args=[campaign.pk])))
    assert "Chỉ tiêu phấn đấu: Thùng rác công cộng: 20 thùng → —" in lines


def test_task_history_shows_numbers_without_trailing_zeros_and_status_labels(client, staff_a, two_of_three):
    data = {"ward": two_of_three.ward, "neighbourhood": two_of_three.neighbourhood, "target_value": Decimal(4)}
    task_services.task_save(user=staff_a, campaign=two_of_three.campaign, data=data, task=two_of_three)
    two_of_three.refresh_from_db()
    task_services.task_update_post(user=staff_a, task=two_of_three, text="Đặt thêm", figure=Decimal("1234.5"))
    task_services.task_complete(user=staff_a, task=two_of_three)
    lines = _history_lines(_page(client, staff_a, reverse("campaigns:task-detail", args=[two_of_three.pk])))
    assert "Giá trị cần đạt: 3 → 4" in lines
    assert "Giá trị đạt được: 2 → 1.234,5" in lines
    assert "Trạng thái: Đang thực hiện → Đã hoàn thành" in lines
    assert not any(".00" in line or "in_progress" in line for line in lines)


def test_entries_stored_with_iso_dates_and_plain_decimals_read_the_vietnamese_way(staff_a, two_of_three):
    entry = HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Task),
        object_id=two_of_three.pk,
        action="update",
        changes={
            "due": [None, "2026-12-01"],
            "target_value": ["1.00", "2"],
            "title": ["a", "b"],
            "status": ["open", "done"],
        },
    )
    assert entry.labelled_changes == [
        ("Hạn", None, "01/12/2026"),
        ("Giá trị cần đạt", "1", "2"),
        ("Nhiệm vụ", "a", "b"),
        ("Trạng thái", "Chưa thực hiện", "Đã hoàn thành"),
    ]
    # A number already written with a group of thousands is not read as 1.234.
    entry.changes = {"reached_value": ["1.234", "1.234,5"]}
    assert entry.labelled_changes == [("Giá trị đạt được", "1.234", "1.234,5")]


def test_the_target_choice_reads_the_vietnamese_way(campaign, bins, ward_a):
    form = TaskForm(campaign=campaign, wards=ward_a.__class__.objects.filter(pk=ward_a.pk))
    assert [label for _value, label in form.fields["target"].choices][1:] == ["Thùng rác công cộng: 20 thùng"]


# --- a task closed short of its target, and the confirmation before closing (finding 6) -------------------------------


def test_marking_done_without_the_confirmation_leaves_the_task_open(client, staff_a, two_of_three):
    client.force_login(staff_a)
    url = reverse("campaigns:task-done", args=[two_of_three.pk])
    response = client.post(url, {"version": two_of_three.version}, follow=True)
    two_of_three.refresh_from_db()
    assert (two_of_three.status, two_of_three.completed_at) == (Task.Status.IN_PROGRESS, None)
    assert "Hãy đánh dấu vào ô xác nhận" in response.content.decode()
    client.post(url, {"version": two_of_three.version, "confirm": "no"})
    two_of_three.refresh_from_db()
    assert two_of_three.status == Task.Status.IN_PROGRESS


def test_the_done_form_asks_for_a_confirmation_that_tells_the_shortfall(client, staff_a, two_of_three):
    html = _page(client, staff_a, reverse("campaigns:task-detail", args=[two_of_three.pk]))
    form = re.search(r'<form [^>]*id="done-form".*?</form>', html, re.S).group(0)
    assert re.search(r'<input [^>]*type="checkbox" name="confirm" value="yes"[^>]* required>', form)
    assert "Nhiệm vụ mới đạt 2/3 thùng (67 %)" in form
    assert "onclick" not in form


def test_a_task_closed_at_two_of_three_shows_67_percent_and_says_so(client, staff_a, city_leader, two_of_three):
    client.force_login(staff_a)
    url = reverse("campaigns:task-done", args=[two_of_three.pk])
    assert client.post(url, {"version": two_of_three.version, "confirm": "yes"}).status_code == 302
    two_of_three.refresh_from_db()
    assert (two_of_three.status, two_of_three.progress) == (Task.Status.DONE, 67)
    detail = _page(client, city_leader, reverse("campaigns:task-detail", args=[two_of_three.pk]))
    assert 'data-testid="task-progress">67%<' in detail
    assert "Đã đóng khi mới đạt 2/3 thùng, chưa đạt giá trị cần đạt." in detail
    listed = _page(client, city_leader, reverse("campaigns:task-list"))
    row = re.search(rf'<tr [^>]*data-task="{two_of_three.pk}">.*?</tr>', listed, re.S).group(0)
    assert "đóng khi đạt 2/3 thùng" in row and "67%" in row and "100%" not in row


def test_a_task_without_a_target_value_is_100_percent_when_done(staff_a, two_of_three):
    two_of_three.target_value = None
    two_of_three.save()
    task_services.task_complete(user=staff_a, task=two_of_three)
    assert two_of_three.progress == 100


# --- the person in charge (finding 6) --------------------------------------------------------------------------------


def test_the_new_task_form_offers_only_people_of_the_users_ward(client, staff_a, leader_a, staff_b, campaign):
    client.force_login(staff_a)
    response = client.get(reverse("campaigns:task-create", args=[campaign.pk]))
    people = list(response.context["form"].fields["assignee"].queryset)
    assert set(people) == {staff_a, leader_a}
    html = response.content.decode()
    assert 'name="assignee"' in html and "Người phụ trách" in html
    assert f'value="{staff_b.pk}"' not in re.search(r'<select name="assignee".*?</select>', html, re.S).group(0)


def _task_post(ward, **over) -> dict:
    data = {"title": "Đặt thùng rác", "ward": ward.pk, "start": "01/04/2026", "due": "30/04/2026", "progress": "0"}
    return data | over


def test_a_person_of_another_ward_cannot_be_put_in_charge(client, staff_a, staff_b, ward_a, campaign):
    client.force_login(staff_a)
    url = reverse("campaigns:task-create", args=[campaign.pk])
    response = client.post(url, _task_post(ward_a, assignee=staff_b.pk))
    assert response.status_code == 200
    assert "assignee" in response.context["form"].errors
    assert not Task.objects.exists()


def test_a_manager_cannot_put_another_wards_person_in_charge_either(client, admin_user, staff_b, ward_a, campaign):
    client.force_login(admin_user)
    url = reverse("campaigns:task-create", args=[campaign.pk])
    response = client.post(url, _task_post(ward_a, assignee=staff_b.pk))  # staff_b is offered: ward B takes part
    assert response.status_code == 200
    assert response.context["form"].errors["assignee"] == ["Người này không thuộc phường, xã được giao nhiệm vụ."]
    assert not Task.objects.exists()
    with pytest.raises(ValidationError) as refused:
        task_services.task_save(user=admin_user, campaign=campaign, data={"ward": ward_a, "assignee": staff_b})
    assert list(refused.value.message_dict) == ["assignee"]


def test_a_person_of_the_ward_is_put_in_charge_and_named_in_the_history(client, staff_a, leader_a, ward_a, campaign):
    client.force_login(staff_a)
    response = client.post(
        reverse("campaigns:task-create", args=[campaign.pk]), _task_post(ward_a, assignee=leader_a.pk)
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.assignee == leader_a
    html = client.get(reverse("campaigns:task-detail", args=[task.pk])).content.decode()
    assert "Người phụ trách: — → Hùng" in _history_lines(html)


def test_a_city_leader_cannot_open_the_new_task_form(client, city_leader, campaign):
    client.force_login(city_leader)
    assert client.get(reverse("campaigns:task-create", args=[campaign.pk])).status_code == 403


# --- words (finding 8) -----------------------------------------------------------------------------------------------


def test_dates_are_called_thoi_gian_and_the_two_update_titles_differ(client, staff_a, campaign, two_of_three):
    campaign_page = _page(client, staff_a, reverse("campaigns:campaign-detail", args=[campaign.pk]))
    task_page = _page(client, staff_a, reverse("campaigns:task-detail", args=[two_of_three.pk]))
    for html in (campaign_page, task_page, _page(client, staff_a, reverse("campaigns:campaign-list"))):
        assert "Kỳ báo cáo" not in html and "Thời gian" in html
    assert task_page.count(">Cập nhật tiến độ<") == 1
    assert ">Các lần cập nhật tiến độ<" in task_page


# --- the campaign form (finding 9) -----------------------------------------------------------------------------------


def test_the_only_city_is_chosen_already(client, admin_user, city, ward_a):
    html = _page(client, admin_user, reverse("campaigns:campaign-create"))
    select = re.search(r'<select name="city".*?</select>', html, re.S).group(0)
    assert "---------" not in select
    assert re.search(rf'<option value="{city.pk}" selected>', select)


def test_with_two_cities_the_administrator_picks_one(client, admin_user, city, ward_a):
    CityFactory(code="56", name="Tỉnh Khánh Hòa")
    html = _page(client, admin_user, reverse("campaigns:campaign-create"))
    assert "---------" in re.search(r'<select name="city".*?</select>', html, re.S).group(0)


def test_participating_wards_are_a_checkbox_list_with_its_tools(client, leader_a, ward_a, ward_b):
    html = _page(client, leader_a, reverse("campaigns:campaign-create"))
    assert "<select multiple" not in html and 'name="wards" multiple' not in html
    assert re.search(rf'<input type="checkbox" name="wards" value="{ward_a.pk}"[^>]*class="form-check-input"', html)
    assert ward_b.name not in html  # not in the ward leader's scope
    assert "data-checklist-filter" in html and "data-checklist-all" in html and "data-checklist-none" in html
    assert "campaigns/checklist.js" in html and "<script>" not in html and "onclick" not in html


def test_ticked_wards_are_saved(client, admin_user, city, ward_a, ward_b):
    client.force_login(admin_user)
    post = {
        "name": "Tháng cao điểm vệ sinh môi trường",
        "kind": "thematic",
        "ward": "",
        "city": city.pk,
        "start": "01/04/2026",
        "end": "30/04/2026",
        "wards": [ward_a.pk, ward_b.pk],
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    assert client.post(reverse("campaigns:campaign-create"), post).status_code == 302
    assert set(Campaign.objects.get().wards.all()) == {ward_a, ward_b}


def test_a_ward_of_another_city_is_not_offered_to_its_leader(client, leader_a):
    other = WardFactory(city=CityFactory(code="56", name="Tỉnh Khánh Hòa"), code="22333", name="Phường Nha Trang")
    boss = UserFactory(username="lanhdao2")
    MembershipFactory(user=boss, role=Membership.Role.WARD_LEADER, ward=other)
    html = _page(client, leader_a, reverse("campaigns:campaign-create"))
    assert "Phường Nha Trang" not in html


# --- the task list on a phone, and its contrast (findings 11, 12) ----------------------------------------------------


def test_filters_fold_behind_a_button_that_counts_them(client, staff_a, ward_a, two_of_three):
    html = _page(client, staff_a, reverse("campaigns:task-list") + f"?status=overdue&ward={ward_a.pk}")
    assert re.search(r'<form method="get" class="collapse d-md-block[^"]*" role="search" id="task-filters">', html)
    toggle = re.search(r'<button [^>]*data-bs-target="#task-filters".*?</button>', html, re.S).group(0)
    assert "Bộ lọc" in toggle and 'data-testid="active-filters">2<' in toggle
    plain = _page(client, staff_a, reverse("campaigns:task-list"))
    assert 'data-testid="active-filters"' not in plain


def test_on_a_phone_the_due_date_and_overdue_mark_sit_under_the_task_name(client, staff_a, two_of_three):
    html = _page(client, staff_a, reverse("campaigns:task-list"))
    row = re.search(rf'<tr [^>]*data-task="{two_of_three.pk}">.*?</tr>', html, re.S).group(0)
    first_cell = re.search(r"<td>.*?</td>", row, re.S).group(0)
    phone = re.search(r'<div class="small d-md-none[^"]*" data-testid="task-due-phone">.*</div>', first_cell, re.S)
    assert phone and "Hạn 10/04/2026" in phone.group(0) and "Quá hạn" in phone.group(0)
    assert "Tổ dân phố Đình Hương 1 · Phường Hạc Thành" in phone.group(0)
    # The columns a phone has no room for are hidden below md; the first cell holds what they say.
    assert re.findall(r"<td[^>]*>", row)[1:] == [f'<td class="{c}">' for c in HIDDEN_ON_PHONES]
    assert row.count('data-testid="overdue"') == 1  # the badge the desktop column shows stays unique


def test_overdue_rows_use_dark_links_and_text(client, staff_a, two_of_three):
    html = _page(client, staff_a, reverse("campaigns:task-list"))
    row = re.search(r'<tr class="table-danger task-overdue"[^>]*>.*?</tr>', html, re.S).group(0)
    assert 'class="link-body-emphasis"' in row
    assert "text-secondary" not in row  # grey on pink is 3.5:1


def test_changing_the_participating_wards_is_in_the_history_by_name(client, admin_user, campaign, ward_a, ward_b):
    data = {"name": campaign.name, "start": campaign.start, "end": campaign.end, "ward": None, "wards": [ward_a]}
    campaign_services.campaign_save(user=admin_user, campaign=campaign, data=data, targets=[])
    assert list(campaign.wards.all()) == [ward_a]
    lines = _history_lines(_page(client, admin_user, reverse("campaigns:campaign-detail", args=[campaign.pk])))
    before = ", ".join(sorted([str(ward_a), str(ward_b)]))
    assert f"Phường, xã tham gia: {before} → {ward_a}" in lines


def test_a_save_that_does_not_name_the_wards_keeps_them(admin_user, campaign, ward_a, ward_b):
    data = {"name": campaign.name, "start": campaign.start, "end": date(2026, 6, 1), "ward": None}
    campaign_services.campaign_save(user=admin_user, campaign=campaign, data=data, targets=[])
    assert set(campaign.wards.all()) == {ward_a, ward_b}
