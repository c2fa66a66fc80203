"""Inspection rounds and visits: creating a round with its team, adding visits, scoring, concluding, files."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.movement.inspections.models import InspectionRound, Score, Visit, VisitPhoto
from campaigns.movement.inspections.scoring import score_table
from tests.campaigns.inspections.conftest import (
    BAD,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    OK,
    REDIRECT,
    indicator,
    messages_of,
)
from tests.factories import (
    CityRoundFactory,
    InspectionRoundFactory,
    NeighbourhoodFactory,
    ProgrammeFactory,
    RegistrationFactory,
    TeamMemberFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
EXE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.fixture
def programme(hood_set):
    return ProgrammeFactory(code="pho-thon-kieu-mau", criteria_code="thon-test")


@pytest.fixture
def ward_round(programme, ward_a):
    return InspectionRoundFactory(programme=programme, ward=ward_a, city=ward_a.city, name="Kiểm tra tháng 10")


@pytest.fixture
def city_round(programme, city):
    return CityRoundFactory(programme=programme, city=city, name="Phúc tra tháng 11")


def round_data(**extra):
    data = {
        "programme": "",
        "year": "2026",
        "name": "Đợt kiểm tra năm 2026",
        "starts_on": "01/10/2026",
        "ends_on": "20/10/2026",
        "note": "",
        "team-TOTAL_FORMS": "2",
        "team-INITIAL_FORMS": "0",
        "team-0-name": "Lê Văn Hải",
        "team-0-role": "Trưởng đoàn",
        "team-0-organisation": "UBND phường",
        "team-1-name": "",
        "team-1-role": "",
        "team-1-organisation": "",
    }
    data.update(extra)
    return data


def test_ward_leader_creates_a_round_with_its_team(client_for, leader_a, ward_a, programme):
    url = reverse("campaigns:round-create") + f"?ward={ward_a.code}"
    response = client_for(leader_a).post(url, round_data(programme=programme.pk))
    assert response.status_code == REDIRECT
    round_ = InspectionRound.objects.get()
    assert (round_.level, round_.ward, round_.city, round_.year) == ("ward", ward_a, ward_a.city, 2026)
    assert [(m.name, m.role) for m in round_.team.all()] == [("Lê Văn Hải", "Trưởng đoàn")]


def test_round_bad_input_kept(client_for, staff_a, ward_a, programme):
    url = reverse("campaigns:round-create") + f"?ward={ward_a.code}"
    data = round_data(programme=programme.pk, ends_on="01/09/2026", **{"team-1-organisation": "Mặt trận"})
    response = client_for(staff_a).post(url, data)
    assert response.status_code == BAD
    html = response.content.decode()
    assert "cannot end before it starts" in html and "name and role" in html
    assert "Lê Văn Hải" in html and "Mặt trận" in html
    response = client_for(staff_a).post(url, round_data(programme=programme.pk, starts_on="31/02/2026"))
    assert "Enter the date as dd/mm/yyyy" in response.content.decode()
    assert not InspectionRound.objects.exists()


def test_round_create_scope(client_for, staff_b, city_leader, ward_a, city, admin_user, programme):
    ward_url = reverse("campaigns:round-create") + f"?ward={ward_a.code}"
    city_url = reverse("campaigns:round-create") + f"?city={city.code}"
    assert client_for(None).get(ward_url).status_code == REDIRECT
    assert client_for(staff_b).get(ward_url).status_code == NOT_FOUND
    assert client_for(city_leader).post(ward_url, round_data(programme=programme.pk)).status_code == FORBIDDEN
    assert client_for(staff_b).post(city_url, round_data(programme=programme.pk)).status_code == FORBIDDEN
    assert client_for(city_leader).post(city_url, round_data(programme=programme.pk)).status_code == REDIRECT
    assert InspectionRound.objects.get().level == "city"
    assert client_for(admin_user).post(city_url, round_data(programme=programme.pk)).status_code == REDIRECT


def test_round_edit(client_for, staff_a, staff_b, city_leader, ward_round, city_round):
    TeamMemberFactory(round=ward_round, name="Cũ")
    url = reverse("campaigns:round-edit", args=[ward_round.pk])
    assert client_for(staff_b).get(url).status_code == NOT_FOUND
    assert client_for(city_leader).post(url, round_data()).status_code == FORBIDDEN
    assert client_for(staff_a).post(url, round_data(name="Đổi tên")).status_code == REDIRECT
    ward_round.refresh_from_db()
    assert ward_round.name == "Đổi tên" and [m.name for m in ward_round.team.all()] == ["Lê Văn Hải"]
    city_url = reverse("campaigns:round-edit", args=[city_round.pk])
    assert client_for(staff_a).post(city_url, round_data()).status_code == FORBIDDEN
    assert client_for(city_leader).post(city_url, round_data()).status_code == REDIRECT


def test_ward_round_adds_visits_to_registered_units(client_for, staff_a, ward_a, hood_a, hood_b, ward_round, programme):
    registered_b = NeighbourhoodFactory(ward=ward_a, name="Tổ 2")
    not_registered = NeighbourhoodFactory(ward=ward_a, name="Tổ 3")
    for hood in (hood_a, registered_b):
        RegistrationFactory(programme=programme, neighbourhood=hood, ward=ward_a)
    client = client_for(staff_a)
    page = client.get(reverse("campaigns:round-detail", args=[ward_round.pk]))
    assert [u.name for _w, units in page.context["groups"] for u in units] == ["Tổ 2", "Tổ dân phố Đình Hương 1"]
    url = reverse("campaigns:visit-add", args=[ward_round.pk])
    response = client.post(url, {"units": [f"{ward_a.pk}:{not_registered.pk}"], "visited_on": "05/10/2026"})
    assert response.status_code == BAD
    response = client.post(url, {"units": [f"{hood_b.ward_id}:{hood_b.pk}"], "visited_on": "05/10/2026"})
    assert response.status_code == NOT_FOUND  # forged: another ward's unit
    response = client.post(url, {"units": [f"{ward_a.pk}:{hood_a.pk}"], "visited_on": ""})
    assert response.status_code == BAD
    response = client.post(url, {"units": [f"{ward_a.pk}:{hood_a.pk}"], "visited_on": "05/10/2026"})
    assert response.status_code == REDIRECT
    visit = Visit.objects.get()
    assert (visit.neighbourhood, visit.visited_on, visit.registration.neighbourhood) == (
        hood_a,
        date(2026, 10, 5),
        hood_a,
    )


def test_city_round_offers_units_the_ward_passed(
    client_for, city_leader, staff_a, ward_a, hood_a, ward_round, city_round
):
    failed = NeighbourhoodFactory(ward=ward_a, name="Tổ trượt")
    VisitFactory(round=ward_round, neighbourhood=hood_a, conclusion="meets")
    VisitFactory(round=ward_round, neighbourhood=failed, conclusion="not_met")
    page = client_for(city_leader).get(reverse("campaigns:round-detail", args=[city_round.pk]))
    assert [(w, [u.name for u in units]) for w, units in page.context["groups"]] == [(ward_a, [hood_a.name])]
    url = reverse("campaigns:visit-add", args=[city_round.pk])
    assert (
        client_for(staff_a).post(url, {"units": [f"{ward_a.pk}:{hood_a.pk}"], "visited_on": "10/11/2026"}).status_code
        == FORBIDDEN
    )
    response = client_for(city_leader).post(url, {"units": [f"{ward_a.pk}:{hood_a.pk}"], "visited_on": "10/11/2026"})
    assert response.status_code == REDIRECT
    assert city_round.visits.get().neighbourhood == hood_a


def test_round_scope(client_for, staff_a, staff_b, city_leader, no_role_user, ward_round, city_round, hood_a, hood_b):
    VisitFactory(round=city_round, neighbourhood=hood_a, ward=hood_a.ward)
    VisitFactory(round=city_round, neighbourhood=hood_b, ward=hood_b.ward)
    url = reverse("campaigns:round-detail", args=[ward_round.pk])
    assert client_for(None).get(url).status_code == REDIRECT
    assert client_for(staff_b).get(url).status_code == NOT_FOUND
    assert client_for(no_role_user).get(url).status_code == NOT_FOUND
    assert client_for(city_leader).get(url).status_code == OK
    # a ward reads the city's round, but only its own units' visits
    page = client_for(staff_a).get(reverse("campaigns:round-detail", args=[city_round.pk]))
    assert [v.neighbourhood for v in page.context["visits"]] == [hood_a]
    listing = client_for(staff_b).get(reverse("campaigns:round-list"))
    assert [r.pk for r in listing.context["page"]] == [city_round.pk]
    assert listing.context["page"][0].visit_count == 1


# --- the score page ----------------------------------------------------------------------------------------


@pytest.fixture
def visit(ward_round, hood_a, reported):
    return VisitFactory(round=ward_round, neighbourhood=hood_a, visited_on=date(2026, 10, 5))


def visit_data(visit, **extra):
    ids = {
        code: indicator(visit.round.programme and reported_set(), code).pk for code in ("I.1", "I.2", "II.1", "II.2")
    }
    data = {
        "visited_on": "05/10/2026",
        "participants": "Đoàn kiểm tra phường; trưởng phố",
        "notes": "Đi thực tế",
        "conclusion": "meets",
        "conditions": "",
        "version": visit.version,
        f"v_{ids['I.1']}": "1",
        f"v_{ids['I.2']}": "78,5",
        f"v_{ids['II.1']}": "1",
        f"v_{ids['II.2']}": "",
        f"n_{ids['I.2']}": "Đếm lại theo danh sách",
    }
    data.update(extra)
    return data


def reported_set():
    from campaigns.criteria.models import CriteriaSet

    return CriteriaSet.objects.get(code="thon-test")


def test_opening_copies_the_report_once(client_for, staff_a, visit, reported, hood_set):
    response = client_for(staff_a).get(reverse("campaigns:visit-detail", args=[visit.pk]))
    assert response.status_code == OK
    scores = {s.indicator.code: (s.reported_value, s.reported_met) for s in visit.scores.select_related("indicator")}
    assert scores == {
        "I.1": (Decimal(1), True),
        "I.2": (Decimal(85), True),
        "II.1": (Decimal(0), False),
        "II.2": (Decimal(1), True),
    }
    reported.results.filter(indicator__code="I.2").update(value=Decimal(50), is_met=False)
    client_for(staff_a).get(reverse("campaigns:visit-detail", args=[visit.pk]))
    assert visit.scores.get(indicator__code="I.2").reported_value == Decimal(85)  # the inspection is not rewritten


def test_scoring_and_conclusion(client_for, staff_a, visit, hood_set):
    client = client_for(staff_a)
    url = reverse("campaigns:visit-detail", args=[visit.pk])
    client.get(url)
    response = client.post(url, visit_data(visit))
    assert response.status_code == REDIRECT, messages_of(response)
    visit.refresh_from_db()
    assert (visit.conclusion, visit.concluded_by, visit.version) == ("meets", staff_a, 2)
    scores = {s.indicator.code: s for s in visit.scores.select_related("indicator__criterion")}
    assert (scores["I.2"].verified_value, scores["I.2"].verified_met) == (Decimal("78.5"), False)
    assert scores["I.2"].differs and scores["II.1"].differs and not scores["I.1"].differs
    assert scores["II.2"].verified_met is None
    table = {row.criterion.number: (row.met, row.reported_met) for row in score_table(list(scores.values()))}
    # I: all of I.1 (yes) and I.2 (78,5 < 80) → not met when verified; reported 85 → met.
    # II: at least 1 of II.1 (yes), II.2 (blank) → met; reported II.1 no, II.2 yes → met.
    assert table == {"I": (False, True), "II": (True, True)}
    page = client.get(url).content.decode()
    assert page.count('data-testid="differs"') == 2 and "differs from the report" in page


def test_conditions_required_and_input_kept(client_for, staff_a, visit, hood_set):
    url = reverse("campaigns:visit-detail", args=[visit.pk])
    client = client_for(staff_a)
    client.get(url)
    response = client.post(url, visit_data(visit, conclusion="conditions", **{"notes": "Ghi chép giữ lại"}))
    assert response.status_code == BAD
    html = response.content.decode()
    assert "Say on which conditions" in html and "Ghi chép giữ lại" in html and "78,5" in html
    bad_number = visit_data(visit)
    bad_number[next(k for k in bad_number if k.startswith("v_") and bad_number[k] == "78,5")] = "bảy mươi"
    response = client.post(url, bad_number)
    assert response.status_code == BAD and "is not a number" in response.content.decode()
    visit.refresh_from_db()
    assert visit.conclusion == "pending" and visit.version == 1


def test_two_people_scoring_the_same_visit(client_for, staff_a, leader_a, visit, hood_set):
    url = reverse("campaigns:visit-detail", args=[visit.pk])
    client_for(staff_a).get(url)
    first = client_for(staff_a).post(url, visit_data(visit, version=1))
    assert first.status_code == REDIRECT
    second = client_for(leader_a).post(
        url, visit_data(visit, version=1, notes="Ý kiến của trưởng ban", conclusion="not_met")
    )
    assert second.status_code == CONFLICT
    assert any("Someone else saved this visit" in m for m in messages_of(second))
    assert "Ý kiến của trưởng ban" in second.content.decode()
    visit.refresh_from_db()
    assert (visit.conclusion, visit.notes) == ("meets", "Đi thực tế")


def test_visit_scope(client_for, staff_a, staff_b, city_leader, admin_user, visit, city_round, hood_a, hood_set):
    url = reverse("campaigns:visit-detail", args=[visit.pk])
    assert client_for(None).get(url).status_code == REDIRECT
    assert client_for(staff_b).get(url).status_code == NOT_FOUND
    assert client_for(city_leader).get(url).status_code == OK
    assert client_for(city_leader).post(url, visit_data(visit)).status_code == FORBIDDEN
    assert client_for(admin_user).post(url, visit_data(visit)).status_code == REDIRECT
    city_visit = VisitFactory(round=city_round, neighbourhood=hood_a, ward=hood_a.ward)
    city_url = reverse("campaigns:visit-detail", args=[city_visit.pk])
    assert client_for(staff_a).get(city_url).status_code == OK  # a ward reads the city's visit of its unit
    assert client_for(staff_a).post(city_url, visit_data(city_visit)).status_code == FORBIDDEN
    assert client_for(staff_b).get(city_url).status_code == NOT_FOUND


def test_city_visit_shows_the_wards_values(client_for, city_leader, staff_a, visit, city_round, hood_a, hood_set):
    client_for(staff_a).get(reverse("campaigns:visit-detail", args=[visit.pk]))
    client_for(staff_a).post(reverse("campaigns:visit-detail", args=[visit.pk]), visit_data(visit))
    city_visit = VisitFactory(round=city_round, neighbourhood=hood_a, ward=hood_a.ward, visited_on=date(2026, 11, 10))
    url = reverse("campaigns:visit-detail", args=[city_visit.pk])
    client = client_for(city_leader)
    client.get(url)
    response = client.post(url, visit_data(city_visit, **{visit_data(city_visit).__iter__().__next__(): "10/11/2026"}))
    assert response.status_code == REDIRECT
    ids = [k for k, v in visit_data(city_visit).items() if v == "78,5"]
    data = visit_data(city_visit, **{ids[0]: "82"}, version=2)
    assert client.post(url, data).status_code == REDIRECT
    page = client.get(url)
    assert page.context["has_ward_scores"]
    assert page.content.decode().count('data-testid="differs-ward"') == 1


def test_files_are_checked_and_scoped(client_for, staff_a, staff_b, city_leader, visit, hood_set):
    url = reverse("campaigns:visit-photo-add", args=[visit.pk])
    bad = client_for(staff_a).post(url, {"files": SimpleUploadedFile("a.jpg", EXE), "caption": "Nhà văn hóa"})
    assert bad.status_code == BAD and not VisitPhoto.objects.exists()
    assert "Nhà văn hóa" in bad.content.decode()
    assert client_for(city_leader).post(url, {"files": SimpleUploadedFile("a.png", PNG)}).status_code == FORBIDDEN
    assert client_for(staff_b).post(url, {"files": SimpleUploadedFile("a.png", PNG)}).status_code == NOT_FOUND
    ok = client_for(staff_a).post(url, {"files": SimpleUploadedFile("nha-van-hoa.png", PNG)})
    assert ok.status_code == REDIRECT
    photo = VisitPhoto.objects.get()
    file_url = reverse("campaigns:visit-photo", args=[photo.pk])
    for user in (staff_a, city_leader):
        response = client_for(user).get(file_url)
        assert response.status_code == OK and b"".join(response.streaming_content) == PNG
    assert client_for(staff_b).get(file_url).status_code == NOT_FOUND
    assert client_for(None).get(file_url).status_code == REDIRECT


# --- queries at two sizes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 10])
def test_round_list_queries(client_for, city_leader, programme, ward_a, size, django_assert_max_num_queries):
    for _ in range(size):
        round_ = InspectionRoundFactory(programme=programme, ward=ward_a, city=ward_a.city)
        VisitFactory(round=round_, conclusion="meets")
    client = client_for(city_leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:round-list"))
    assert len(response.context["page"]) == size


@pytest.mark.parametrize("size", [2, 10])
def test_round_page_queries(client_for, staff_a, ward_round, programme, ward_a, size, django_assert_max_num_queries):
    for _ in range(size):
        TeamMemberFactory(round=ward_round)
        VisitFactory(round=ward_round)
        RegistrationFactory(programme=programme, neighbourhood=NeighbourhoodFactory(ward=ward_a), ward=ward_a)
    client = client_for(staff_a)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("campaigns:round-detail", args=[ward_round.pk]))
    assert len(response.context["visits"]) == size and len(response.context["groups"][0][1]) == size


@pytest.mark.parametrize("size", [2, 10])
def test_city_round_page_queries(client_for, city_leader, city_round, ward_round, size, django_assert_max_num_queries):
    for _ in range(size):
        hood = NeighbourhoodFactory(ward=ward_round.ward)
        VisitFactory(round=ward_round, neighbourhood=hood, conclusion="meets")
        VisitFactory(round=city_round, neighbourhood=NeighbourhoodFactory(ward=ward_round.ward), ward=ward_round.ward)
    client = client_for(city_leader)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("campaigns:round-detail", args=[city_round.pk]))
    assert len(response.context["groups"][0][1]) == size


@pytest.mark.parametrize("extra", [0, 8])
def test_visit_page_queries(client_for, staff_a, visit, hood_set, extra, django_assert_max_num_queries):
    from campaigns.criteria.models import Criterion, Indicator

    criterion = Criterion.objects.get(criteria_set=hood_set, number="II")
    for n in range(extra):
        Indicator.objects.create(criterion=criterion, code=f"II.{n + 3}", name="Thêm", kind="boolean", threshold=1)
    client = client_for(staff_a)
    client.get(reverse("campaigns:visit-detail", args=[visit.pk]))  # the first opening copies the report
    with django_assert_max_num_queries(22):
        response = client.get(reverse("campaigns:visit-detail", args=[visit.pk]))
    assert Score.objects.filter(visit=visit).count() == 4 + extra
    assert sum(len(g.rows) for g in response.context["table"]) == 4 + extra
