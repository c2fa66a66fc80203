"""Commitments by any unit or office to a superior: a neighbourhood, an office within a ward, an office at city
level (the police's commitment to the chair of the People's Committee), and who reads and writes each.

Decisions tested here: city-level commitments are recorded and closed by the city's leaders (and
administrators) and read by them; ward users never see them. A ward's staff record their ward's own, its
neighbourhoods' and its offices' commitments, and nobody else's. Dates are pinned to 20/11/2026.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from campaigns.movement.models import Commitment
from campaigns.movement.services import commitments as commitment_services
from portal.models import HistoryEntry
from tests.factories import NeighbourhoodFactory

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CREATE = "campaigns:commitment-create"


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=True):
        yield


def client_for(user, language="en"):
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        c.force_login(user)
    return c


def url(kind: str) -> str:
    return f"{reverse(CREATE)}?kind={kind}"


def form(**overrides) -> dict:
    data = {
        "topic": "security",
        "signer": "Nguyễn Văn An",
        "signer_title": "Giám đốc Công an tỉnh",
        "recipient": "Trần Văn Bình",
        "recipient_title": "Chủ tịch UBND tỉnh Thanh Hóa",
        "signed_on": "10/11/2026",
        "period_start": "15/12/2026",
        "period_end": "21/02/2027",
        "document": SimpleUploadedFile("cam-ket.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def police(user, city, **overrides) -> Commitment:
    data = {
        "signer_kind": "office",
        "ward": None,
        "city": city,
        "office": "Công an tỉnh Thanh Hóa",
        "topic": "security",
        "signer": "Nguyễn Văn An",
        "signer_title": "Giám đốc Công an tỉnh",
        "recipient_title": "Chủ tịch UBND tỉnh Thanh Hóa",
        "signed_on": date(2026, 1, 1),
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 3, 31),
    }
    data.update(overrides)
    return commitment_services.commitment_record(user=user, data=data)


def school(user, ward, **overrides) -> Commitment:
    data = {
        "signer_kind": "office",
        "ward": ward,
        "office": "Trường THCS Điện Biên",
        "topic": "food_safety",
        "signer": "Lê Thị Hà",
        "signer_title": "Hiệu trưởng",
        "recipient_title": "Chủ tịch UBND phường",
        "signed_on": date(2026, 1, 1),
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
    }
    data.update(overrides)
    return commitment_services.commitment_record(user=user, data=data)


# --- city level -------------------------------------------------------------------------------------------------


def test_city_leader_records_the_police_commitment_to_the_chair(city_leader, ward_a):
    client = client_for(city_leader)
    page = client.get(reverse(CREATE))
    assert page.status_code == 200 and page.context["form"].kind == "office"
    response = client.post(
        url("office"), form(signer_kind="office", office="Công an  tỉnh Thanh Hóa ", city=ward_a.city.pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    commitment = Commitment.objects.get()
    assert (commitment.city, commitment.ward, commitment.signer_kind) == (ward_a.city, None, "office")
    assert commitment.office == "Công an tỉnh Thanh Hóa"  # spaces tidied
    assert (commitment.recipient, commitment.recipient_title) == ("Trần Văn Bình", "Chủ tịch UBND tỉnh Thanh Hóa")
    assert commitment.document.name.startswith(f"commitments/city-{ward_a.city.code}/2026/")
    assert HistoryEntry.objects.for_object(commitment).filter(user=city_leader).exists()
    detail = client.get(reverse("campaigns:commitment-detail", args=[commitment.pk])).content.decode()
    assert "Chủ tịch UBND tỉnh Thanh Hóa (Trần Văn Bình)" in detail
    assert "city level, " in detail


def test_ward_users_do_not_see_city_level_commitments(staff_a, leader_a, city_leader, admin_user, ward_a):
    commitment = police(city_leader, ward_a.city)
    detail = reverse("campaigns:commitment-detail", args=[commitment.pk])
    for user in (staff_a, leader_a):
        client = client_for(user)
        assert client.get(detail).status_code == 404
        assert not list(client.get(reverse("campaigns:commitment-list")).context["page"])
    for user in (city_leader, admin_user):
        assert client_for(user).get(detail).status_code == 200


def test_ward_staff_cannot_record_for_the_city(staff_a, ward_a):
    client = client_for(staff_a)
    page = client.get(url("office"))
    assert "city" not in page.context["form"].fields and page.context["form"].fields["ward"].required
    response = client.post(url("office"), form(signer_kind="office", office="Công an tỉnh", city=ward_a.city.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["ward"]
    with pytest.raises(PermissionDenied):
        police(staff_a, ward_a.city)
    assert not Commitment.objects.exists()


def test_city_leader_closes_a_city_commitment_ward_staff_cannot(city_leader, staff_a, ward_a):
    commitment = police(city_leader, ward_a.city)
    close = reverse("campaigns:commitment-close", args=[commitment.pk])
    assert client_for(staff_a).post(close, {"outcome": "kept"}).status_code == 404
    client_for(city_leader).post(close, {"outcome": "kept", "note": ""})
    commitment.refresh_from_db()
    assert commitment.outcome == "kept"


def test_a_city_level_office_answers_no_request(city_leader, ward_a):
    asked = commitment_services.commitment_request_create(
        user=city_leader,
        city=ward_a.city,
        data={
            "topic": "security",
            "title": "Cam kết an ninh trật tự",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2026, 1, 31),
        },
        wards=[ward_a],
    )
    with translation.override("en"), pytest.raises(ValidationError, match="a city-level office answers none"):
        police(city_leader, ward_a.city, request=asked)
    assert not Commitment.objects.exists()


# --- within a ward ------------------------------------------------------------------------------------------------


def test_staff_record_an_office_of_their_ward(staff_a, staff_b, city_leader, ward_a):
    response = client_for(staff_a).post(
        url("office"),
        form(
            signer_kind="office", ward=ward_a.pk, office="Trường THCS Điện Biên", recipient_title="Chủ tịch UBND phường"
        ),
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.ward, commitment.city, commitment.office) == (ward_a, ward_a.city, "Trường THCS Điện Biên")
    assert commitment.unit_name == f"Trường THCS Điện Biên · {ward_a.name}"
    detail = reverse("campaigns:commitment-detail", args=[commitment.pk])
    assert client_for(staff_b).get(detail).status_code == 404
    assert client_for(city_leader).get(detail).status_code == 200


def test_another_wards_office_or_neighbourhood_is_not_a_choice(staff_a, ward_b, hood_b):
    client = client_for(staff_a)
    response = client.post(url("office"), form(signer_kind="office", ward=ward_b.pk, office="Trường Tiểu học"))
    assert response.status_code == 200 and response.context["form"].errors["ward"]
    response = client.post(
        url("neighbourhood"), form(signer_kind="neighbourhood", ward=ward_b.pk, neighbourhood=hood_b.pk)
    )
    assert response.status_code == 200 and response.context["form"].errors["neighbourhood"]
    with pytest.raises(PermissionDenied):
        school(staff_a, ward_b)
    assert not Commitment.objects.exists()


def test_the_form_adapts_to_who_signs(staff_a, ward_a, hood_a):
    client = client_for(staff_a)
    fields = {k: set(client.get(url(k)).context["form"].fields) for k in ("ward", "neighbourhood", "office")}
    assert "neighbourhood" in fields["neighbourhood"] and "office" not in fields["neighbourhood"]
    assert (
        "office" in fields["office"] and "neighbourhood" not in fields["office"] and "request" not in fields["office"]
    )
    assert not {"office", "neighbourhood", "city"} & fields["ward"]
    response = client.post(
        url("neighbourhood"), form(signer_kind="neighbourhood", ward=ward_a.pk, neighbourhood=hood_a.pk)
    )
    assert response.status_code == 302
    assert Commitment.objects.get().signer_kind == "neighbourhood"


def test_a_neighbourhood_of_another_ward_is_refused_by_the_service(staff_a, ward_a, ward_b):
    stranger = NeighbourhoodFactory(ward=ward_b)
    with translation.override("en"), pytest.raises(ValidationError, match="does not belong"):
        commitment_services.commitment_record(
            user=staff_a,
            data={
                "signer_kind": "neighbourhood",
                "ward": ward_a,
                "neighbourhood": stranger,
                "topic": "security",
                "signer": "A",
                "signer_title": "Tổ trưởng",
                "signed_on": date(2026, 1, 1),
                "period_start": date(2026, 1, 1),
                "period_end": date(2026, 2, 1),
            },
        )


def test_bad_input_is_said_in_vietnamese_and_kept(staff_a, ward_a):
    response = client_for(staff_a, "vi").post(
        url("office"), form(signer_kind="office", ward=ward_a.pk, office="  ", recipient_title="", signer="Lê Thị Hà")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hãy ghi tên cơ quan, tổ chức, đơn vị ký cam kết." in html
    assert "Hãy ghi cam kết gửi ai: chức vụ của cấp trên." in html
    assert 'value="Lê Thị Hà"' in html
    assert not Commitment.objects.exists()


def test_read_only_roles_and_anonymous(leader_a, no_role_user):
    assert client_for(leader_a).get(reverse(CREATE)).status_code == 403
    assert client_for(leader_a).post(url("office"), form(signer_kind="office")).status_code == 403
    assert client_for(no_role_user).get(reverse(CREATE)).status_code == 403
    for name in ("campaigns:commitment-list", CREATE):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the list ------------------------------------------------------------------------------------------------------


def test_list_filters_by_who_signs(admin_user, city_leader, staff_a, ward_a, hood_a):
    city_police = police(city_leader, ward_a.city)
    a_school = school(staff_a, ward_a)
    ward_itself = school(staff_a, ward_a, signer_kind="ward", office="")
    hood = school(staff_a, ward_a, signer_kind="neighbourhood", office="", neighbourhood=hood_a)
    client = client_for(admin_user)

    def shown(**params):
        return {c.pk for c in client.get(reverse("campaigns:commitment-list"), params).context["page"]}

    assert shown() == {city_police.pk, a_school.pk, ward_itself.pk, hood.pk}
    assert shown(kind="office") == {city_police.pk, a_school.pk}
    assert shown(kind="city") == {city_police.pk}
    assert shown(kind="ward") == {ward_itself.pk}
    assert shown(kind="neighbourhood") == {hood.pk}
    assert shown(kind="office", ward=ward_a.code) == {a_school.pk}


def test_list_queries_do_not_grow_with_offices(city_leader, staff_a, ward_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client_for(city_leader).get(reverse("campaigns:commitment-list"))
        assert response.status_code == 200
        return len(queries)

    for n in range(3):
        police(city_leader, ward_a.city, office=f"Công an {n}")
        school(staff_a, ward_a, office=f"Trường {n}")
    small = count()
    for n in range(20):
        police(city_leader, ward_a.city, office=f"Sở {n}")
        school(staff_a, ward_a, office=f"Hộ kinh doanh {n}")
    assert count() == small
