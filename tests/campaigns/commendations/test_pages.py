"""Commendations' pages: who sees and records what, bad input, exactly one recipient, concurrent edits,
filters and search, and the number of queries.

Dates are pinned to 20/11/2026 (conftest). Clients read the site in English unless a test reads Vietnamese.
Every role in a ward's scope records its commendations (the ward's staff and leader, the city's leaders,
administrators), so there is no read-only role to refuse with 403 here: another ward's people get 404.
"""

import unicodedata

import pytest
from django.urls import reverse

from campaigns.movement.commendations import services
from campaigns.movement.commendations.models import Commendation
from portal.models import HistoryEntry
from tests.campaigns.commendations.conftest import commend
from tests.factories import NeighbourhoodFactory, PartyCellFactory, WardFactory

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302
ROLES = ["staff_a", "leader_a", "staff_b", "city_leader", "admin", "no_role"]
RECORD_A = {"staff_a": OK, "leader_a": OK, "staff_b": NOT_FOUND, "city_leader": OK, "admin": OK, "no_role": NOT_FOUND}
LIST = dict.fromkeys(ROLES, OK)


@pytest.fixture
def actors(world, no_role_user):
    return {**world, "no_role": no_role_user}


@pytest.fixture
def award_a(ward_a, hood_a):
    return commend(ward_a, neighbourhood=hood_a)


@pytest.fixture
def award_b(ward_b):
    return commend(ward_b, number="7/QĐ-UBND", person_name="Phạm Thị Lan", position="Bí thư chi bộ")


PAGES = [
    ("list", lambda w, c: reverse("campaigns:commendation-list"), LIST),
    ("create", lambda w, c: reverse("campaigns:commendation-create", args=[w["ward_a"].code]), RECORD_A),
    ("start", lambda w, c: reverse("campaigns:commendation-start") + f"?ward={w['ward_a'].code}", RECORD_A),
    ("edit", lambda w, c: reverse("campaigns:commendation-edit", args=[c.pk]), RECORD_A),
    ("delete", lambda w, c: reverse("campaigns:commendation-delete", args=[c.pk]), RECORD_A),
]


def _form(**overrides) -> dict:
    data = {
        "year": "2025",
        "form": "giay_khen",
        "authority": "Chủ tịch UBND phường",
        "decision_number": "245/QĐ-UBND",
        "decision_date": "26/12/2025",
        "signer": "Lê Văn Nam",
        "recipient": "individual",
        "neighbourhood": "",
        "party_cell": "",
        "person_name": "Nguyễn Văn Bình",
        "position": "Tổ trưởng tổ dân phố",
        "achievement": "Có thành tích xuất sắc trong phong trào xây dựng phố kiểu mẫu",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_answers_each_role_by_its_scope(client_for, actors, award_a, page, url, expected, role):
    response = client_for(actors[role]).get(url(actors, award_a))
    wanted = REDIRECT if page == "start" and expected[role] == OK else expected[role]
    assert response.status_code == wanted, f"{page} as {role}"


@pytest.mark.parametrize(("page", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(client_for, world, award_a, page, url, expected):
    for method in ("get", "post"):
        response = getattr(client_for(None), method)(url(world, award_a))
        assert response.status_code == REDIRECT
        assert response["Location"].startswith(reverse("login"))
    assert Commendation.objects.filter(pk=award_a.pk).exists()


def test_another_wards_people_get_404_for_its_commendations_and_forged_ids(client_for, staff_b, award_a):
    client = client_for(staff_b)
    for pk in (award_a.pk, 999_999):
        assert client.get(reverse("campaigns:commendation-edit", args=[pk])).status_code == NOT_FOUND
        assert client.post(reverse("campaigns:commendation-edit", args=[pk]), _form(version=1)).status_code == NOT_FOUND
        delete = client.post(reverse("campaigns:commendation-delete", args=[pk]), {"version": 1})
        assert delete.status_code == NOT_FOUND
    create = client.post(reverse("campaigns:commendation-create", args=[award_a.ward.code]), _form())
    assert create.status_code == NOT_FOUND
    assert client.get(reverse("campaigns:commendation-create", args=["99999"])).status_code == NOT_FOUND
    award_a.refresh_from_db()
    assert award_a.version == 1 and Commendation.objects.count() == 1


def test_the_list_shows_only_the_users_scope(client_for, staff_a, city_leader, award_a, award_b):
    page = client_for(staff_a).get(reverse("campaigns:commendation-list"))
    assert [c.pk for c in page.context["page"]] == [award_a.pk]
    assert b"Ph\xe1\xba\xa1m Th\xe1\xbb\x8b Lan" not in page.content
    page = client_for(city_leader).get(reverse("campaigns:commendation-list"))
    assert {c.pk for c in page.context["page"]} == {award_a.pk, award_b.pk}
    # A ward code of another ward in the filter is not a choice: nothing widens.
    page = client_for(staff_a).get(reverse("campaigns:commendation-list"), {"ward": award_b.ward.code})
    assert page.status_code == OK and [c.pk for c in page.context["page"]] == [award_a.pk]


def test_a_leader_of_the_city_records_for_any_ward_of_it(client_for, city_leader, ward_b, hood_b):
    response = client_for(city_leader).post(
        reverse("campaigns:commendation-create", args=[ward_b.code]),
        _form(recipient="neighbourhood", neighbourhood=hood_b.pk, person_name="", position="", form="bang_khen"),
    )
    assert response.status_code == REDIRECT
    c = Commendation.objects.get()
    assert (c.ward, c.neighbourhood, c.recipient, c.form) == (ward_b, hood_b, "neighbourhood", "bang_khen")
    assert HistoryEntry.objects.filter(object_id=c.pk, action="create").exists()


def test_ward_staff_record_an_individual_with_the_name_in_nfc(client_for, staff_a, ward_a, hood_a):
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Văn Bình ")
    response = client_for(staff_a).post(
        reverse("campaigns:commendation-create", args=[ward_a.code]),
        _form(person_name=decomposed, neighbourhood=hood_a.pk),
    )
    assert response.status_code == REDIRECT
    c = Commendation.objects.get()
    assert c.person_name == "Nguyễn Văn Bình" and unicodedata.is_normalized("NFC", c.person_name)
    assert c.person_key == "nguyen van binh" and c.neighbourhood == hood_a and c.created_by == staff_a


def test_bad_input_is_refused_in_vietnamese_and_what_was_typed_is_kept(client_for, staff_a, ward_a):
    response = client_for(staff_a, "vi").post(
        reverse("campaigns:commendation-create", args=[ward_a.code]),
        _form(decision_number="", decision_date="32/13/2025", position="", person_name="Trần Thị Thu"),
    )
    assert response.status_code == OK and not Commendation.objects.exists()
    errors = response.context["form"].errors
    assert errors["decision_number"] and errors["decision_date"] == [
        "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/07/2026."
    ]
    assert errors["position"] == ["Ghi vai trò hoặc chức vụ của người được khen."]
    html = response.content.decode()
    assert 'value="Trần Thị Thu"' in html and "Có thành tích xuất sắc" in html
    assert "Chưa lưu dữ liệu nào" in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recipient": "ward", "person_name": "", "position": "", "neighbourhood": "HOOD"}, "neighbourhood"),
        ({"recipient": "ward"}, "person_name"),
        ({"recipient": "party_cell", "person_name": "", "position": ""}, "party_cell"),
        ({"recipient": "household", "position": ""}, "neighbourhood"),
        ({"recipient": "household", "neighbourhood": "HOOD"}, "position"),
        (
            {
                "recipient": "neighbourhood",
                "person_name": "",
                "position": "",
                "party_cell": "CELL",
                "neighbourhood": "HOOD",
            },
            "party_cell",
        ),
        ({"recipient": "individual", "person_name": ""}, "person_name"),
    ],
)
def test_a_commendation_names_exactly_one_recipient(client_for, staff_a, ward_a, hood_a, cell_a, overrides, field):
    data = _form(**overrides)
    data = {k: (hood_a.pk if v == "HOOD" else cell_a.pk if v == "CELL" else v) for k, v in data.items()}
    response = client_for(staff_a).post(reverse("campaigns:commendation-create", args=[ward_a.code]), data)
    assert response.status_code == OK, response.context["form"].errors
    assert field in response.context["form"].errors
    assert not Commendation.objects.exists()


def test_units_of_another_ward_are_not_a_choice(client_for, staff_a, ward_a, hood_b, cell_b):
    client = client_for(staff_a)
    url = reverse("campaigns:commendation-create", args=[ward_a.code])
    hood = client.post(url, _form(recipient="neighbourhood", neighbourhood=hood_b.pk, person_name="", position=""))
    cell = client.post(url, _form(recipient="party_cell", party_cell=cell_b.pk, person_name="", position=""))
    assert "neighbourhood" in hood.context["form"].errors and "party_cell" in cell.context["form"].errors
    assert not Commendation.objects.exists()


def test_the_service_refuses_a_unit_of_another_ward(staff_a, ward_a, hood_b, cell_b):
    from django.core.exceptions import ValidationError

    data = {**_form(), "year": 2025, "recipient": "party_cell", "party_cell": cell_b, "person_name": "", "position": ""}
    data.update(decision_date=None, neighbourhood=None)
    with pytest.raises(ValidationError) as caught:
        services.commendation_save(user=staff_a, ward=ward_a, data=data)
    assert "party_cell" in caught.value.message_dict


def test_an_edit_made_meanwhile_is_shown_and_not_overwritten(client_for, staff_a, leader_a, award_a):
    url = reverse("campaigns:commendation-edit", args=[award_a.pk])
    opened = client_for(staff_a).get(url).context["form"].initial["version"]
    assert client_for(leader_a).post(url, _form(version=opened, achievement="Sửa bởi lãnh đạo")).status_code == REDIRECT
    stale = client_for(staff_a).post(url, _form(version=opened, achievement="Sửa bởi cán bộ"))
    assert stale.status_code == OK
    assert stale.context["saved_now"].achievement == "Sửa bởi lãnh đạo"
    assert "Someone else changed this commendation" in stale.content.decode()
    assert "Sửa bởi cán bộ" in stale.content.decode()  # what the user typed is kept
    award_a.refresh_from_db()
    assert award_a.achievement == "Sửa bởi lãnh đạo" and award_a.version == 2
    again = client_for(staff_a).post(url, stale.context["form"].data)  # saving again replaces it knowingly
    assert again.status_code == REDIRECT
    award_a.refresh_from_db()
    assert award_a.achievement == "Sửa bởi cán bộ" and award_a.version == 3


def test_delete_asks_then_deletes_only_the_version_shown(client_for, staff_a, award_a):
    client = client_for(staff_a)
    url = reverse("campaigns:commendation-delete", args=[award_a.pk])
    page = client.get(url)
    assert (
        page.status_code == OK
        and "245" not in page.content.decode()
        and award_a.decision_number in page.content.decode()
    )
    Commendation.objects.filter(pk=award_a.pk).update(version=2)
    refused = client.post(url, {"version": 1})
    assert refused.status_code == REDIRECT and Commendation.objects.filter(pk=award_a.pk).exists()
    assert client.post(url, {"version": 2}).status_code == REDIRECT
    assert not Commendation.objects.filter(pk=award_a.pk).exists()
    assert HistoryEntry.objects.filter(object_id=award_a.pk, action="delete").exists()


def test_filters_and_a_search_that_ignores_diacritics(client_for, admin_user, ward_a, ward_b, hood_a, cell_a):
    person = commend(ward_a, number="1/QĐ", person_name="Nguyễn Văn Bình")
    household = commend(ward_a, number="2/QĐ", recipient="household", person_name="Trần Văn Minh", neighbourhood=hood_a)
    cell = commend(ward_a, number="3/QĐ", recipient="party_cell", party_cell=cell_a, form="bang_khen", year=2024)
    hood = commend(
        ward_b,
        number="4/QĐ",
        recipient="neighbourhood",
        neighbourhood=NeighbourhoodFactory(ward=ward_b, name="Tổ dân phố Đình Hương 2"),
    )
    client = client_for(admin_user)
    url = reverse("campaigns:commendation-list")

    def pks(**params):
        response = client.get(url, params)
        assert response.status_code == OK
        return {c.pk for c in response.context["page"]}

    assert pks(q="nguyen van binh") == {person.pk}
    assert pks(q="DINH HUONG") == {cell.pk, hood.pk}  # the cell "Chi bộ Đình Hương 1" and the neighbourhood
    assert pks(q="minh") == {household.pk}
    assert pks(year="2024") == {cell.pk}
    assert pks(form="bang_khen") == {cell.pk}
    assert pks(recipient="collective") == {cell.pk, hood.pk}
    assert pks(recipient="household") == {household.pk}
    assert pks(ward=ward_b.code) == {hood.pk}


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_makes_the_same_queries_however_many_wards_and_commendations(
    client_for, city_leader, city, size, django_assert_max_num_queries
):
    for i in range(size):
        ward = WardFactory(city=city)
        hood = NeighbourhoodFactory(ward=ward)
        commend(ward, number=f"{i}/a", neighbourhood=hood)
        commend(
            ward,
            number=f"{i}/b",
            recipient="party_cell",
            party_cell=PartyCellFactory(ward=ward),
            person_name="",
            position="",
        )
    client = client_for(city_leader)
    client.get(reverse("campaigns:commendation-list"))  # sessions and caches warm
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:commendation-list"))
    assert response.status_code == OK and response.context["count"] == 2 * size


@pytest.mark.parametrize("size", [2, 12])
def test_the_form_makes_the_same_queries_however_many_units(
    client_for, staff_a, ward_a, size, django_assert_max_num_queries
):
    for _ in range(size):
        PartyCellFactory(ward=ward_a, neighbourhood=NeighbourhoodFactory(ward=ward_a))
    client = client_for(staff_a)
    url = reverse("campaigns:commendation-create", args=[ward_a.code])
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == OK


def test_the_menu_has_the_commendations(client_for, staff_a):
    page = client_for(staff_a).get(reverse("campaigns:commendation-list"))
    assert reverse("campaigns:commendation-list") in page.content.decode()
    assert reverse("campaigns:plan-home") in page.content.decode()
