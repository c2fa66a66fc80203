"""Commitments (cam kết): recording one with its scan, scope, closing it, the city's requests to sign.

Dates are pinned to 20/11/2026 (Hà Nội time). Clients read the site in English so that messages can be
matched word for word.
"""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import tinyhtml5
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from campaigns.movement.models import Commitment, CommitmentRequest
from campaigns.movement.services import commitments as commitment_services
from portal.models import HistoryEntry
from tests.factories import WardFactory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=HANOI)
OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run"


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def client_for(db):
    def _client(user):
        c = Client()
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            c.force_login(user)
        return c

    return _client


def messages_of(response) -> list[str]:
    if not response.context:
        return []
    with translation.override(response.get("Content-Language", settings.LANGUAGE_CODE)):
        return [str(m) for m in response.context["messages"]]


def wards_in(html: str, testid: str) -> list[str]:
    """The ward codes listed inside the element with that data-testid (empty when there is none)."""
    for element in tinyhtml5.parse(html).iter():
        if element.get("data-testid") == testid:
            return [e.get("data-ward") for e in element.iter() if e.get("data-ward")]
    return []


def scan(name="cam-ket.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def form(ward, **overrides) -> dict:
    data = {
        "ward": ward.pk,
        "topic": "fireworks",
        "signer": "Lê Văn Nam",
        "signer_title": "Chủ tịch UBND phường",
        "recipient_title": "Chủ tịch UBND tỉnh",
        "signed_on": "15/11/2026",
        "period_start": "01/12/2026",
        "period_end": "28/02/2027",
        "document": scan(),
    }
    data.update(overrides)
    return data


def make(ward, user, *, start=date(2026, 1, 1), end=date(2026, 6, 30), topic="security", request=None, document=None):
    return commitment_services.commitment_record(
        user=user,
        data={
            "ward": ward,
            "topic": topic,
            "signer": "Lê Văn Nam",
            "signer_title": "Chủ tịch UBND phường",
            "signed_on": min(start, NOW.date()),
            "period_start": start,
            "period_end": end,
            "request": request,
        },
        document=document,
    )


def files_on_disk() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


# --- recording and scope ----------------------------------------------------------------------------------------


def test_staff_record_a_commitment_with_its_scan(client_for, world):
    ward_a = world["ward_a"]
    response = client_for(world["staff_a"]).post(reverse("campaigns:commitment-create"), form(ward_a))
    assert response.status_code == REDIRECT, messages_of(response)
    commitment = Commitment.objects.get()
    assert response["Location"] == reverse("campaigns:commitment-detail", args=[commitment.pk])
    assert (commitment.ward, commitment.topic, commitment.outcome) == (ward_a, "fireworks", "pending")
    assert (commitment.period_start, commitment.period_end) == (date(2026, 12, 1), date(2027, 2, 28))
    assert commitment.document.name.startswith(f"commitments/{ward_a.code}/2026/")
    assert commitment.document.name.endswith(".pdf")
    assert HistoryEntry.objects.for_object(commitment).filter(action="create", user=world["staff_a"]).exists()

    detail = reverse("campaigns:commitment-detail", args=[commitment.pk])
    download = reverse("campaigns:commitment-document", args=[commitment.pk])
    for who in ("staff_a", "leader_a", "city_leader", "admin"):
        client = client_for(world[who])
        page = client.get(detail)
        assert page.status_code == OK, who
        assert download in page.content.decode()
        response = client.get(download)
        assert response.status_code == OK, who
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF


def test_a_png_scan_is_served_inline_as_png(client_for, staff_a, ward_a):
    from tests.campaigns.results.test_entry_views import png_bytes

    picture = png_bytes()
    commitment = make(ward_a, staff_a, document=scan("scan.pdf", picture, "application/pdf"))
    assert commitment.document.name.endswith(".png")  # named by what it is, not by what it was called
    response = client_for(staff_a).get(reverse("campaigns:commitment-document", args=[commitment.pk]))
    assert response["Content-Type"] == "image/png"
    assert not response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == picture


def test_another_ward_cannot_see_download_or_close(client_for, staff_a, staff_b, ward_a):
    commitment = make(ward_a, staff_a, document=scan())
    client = client_for(staff_b)
    assert client.get(reverse("campaigns:commitment-detail", args=[commitment.pk])).status_code == NOT_FOUND
    assert client.get(reverse("campaigns:commitment-document", args=[commitment.pk])).status_code == NOT_FOUND
    response = client.post(reverse("campaigns:commitment-close", args=[commitment.pk]), {"outcome": "kept", "note": ""})
    assert response.status_code == NOT_FOUND
    commitment.refresh_from_db()
    assert commitment.outcome == "pending"
    listing = client.get(reverse("campaigns:commitment-list"))
    assert listing.status_code == OK and not list(listing.context["page"])
    anonymous = Client().get(reverse("campaigns:commitment-document", args=[commitment.pk]))
    assert anonymous.status_code == REDIRECT and anonymous["Location"].startswith(reverse("login"))


def test_a_forged_ward_id_is_refused_and_nothing_is_saved(client_for, staff_b, ward_a):
    response = client_for(staff_b).post(reverse("campaigns:commitment-create"), form(ward_a))
    assert response.status_code == OK
    assert "Nothing was saved: check the fields marked below." in messages_of(response)
    assert response.context["form"].errors["ward"]
    assert not Commitment.objects.exists()
    assert not files_on_disk()


def test_the_service_refuses_a_ward_the_user_may_not_change(staff_b, city_leader, ward_a):
    for user in (staff_b, city_leader):
        with pytest.raises(PermissionDenied):
            make(ward_a, user)
    assert not Commitment.objects.exists()


def test_city_leader_cannot_record_a_wards_commitment(client_for, city_leader, ward_a):
    """City leaders record only city-level offices' commitments (test_commitments_offices): no ward is theirs."""
    client = client_for(city_leader)
    page = client.get(reverse("campaigns:commitment-create"))
    assert page.status_code == OK
    assert page.context["form"].kind == "office" and "ward" not in page.context["form"].fields
    for kind in ("ward", "neighbourhood"):
        response = client.post(f"{reverse('campaigns:commitment-create')}?kind={kind}", form(ward_a, signer_kind=kind))
        assert response.status_code == OK
        assert "Nothing was saved: check the fields marked below." in messages_of(response)
    assert not Commitment.objects.exists()
    assert not files_on_disk()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"period_start": "01/03/2027", "period_end": "28/02/2027"},
            "The end of the period cannot come before its start.",
        ),
        ({"signed_on": "21/11/2026"}, "The signing date cannot be in the future."),
        (
            {"document": scan("cam-ket.pdf", EXE, "application/pdf")},
            "“cam-ket.pdf” is not a JPG or PNG photo or a PDF document.",
        ),
        (
            {"document": scan("scan.jpg", EXE, "image/jpeg")},
            "“scan.jpg” is not a JPG or PNG photo or a PDF document.",
        ),
    ],
    ids=["end-before-start", "signed-in-the-future", "exe-renamed-pdf", "exe-renamed-jpg"],
)
def test_bad_input_saves_nothing(client_for, staff_a, ward_a, overrides, message):
    response = client_for(staff_a).post(reverse("campaigns:commitment-create"), form(ward_a, **overrides))
    assert response.status_code == OK
    assert message in messages_of(response)
    assert message in response.content.decode()
    assert not Commitment.objects.exists()
    assert not HistoryEntry.objects.exists()
    assert not files_on_disk()


def test_a_scan_is_required_by_the_form(client_for, staff_a, ward_a):
    data = form(ward_a)
    del data["document"]
    response = client_for(staff_a).post(reverse("campaigns:commitment-create"), data)
    assert response.status_code == OK
    assert response.context["form"].errors["document"]
    assert not Commitment.objects.exists()


# --- closing ----------------------------------------------------------------------------------------------------


def close(client, commitment, outcome, note=""):
    return client.post(
        reverse("campaigns:commitment-close", args=[commitment.pk]), {"outcome": outcome, "note": note}, follow=True
    )


def test_closing_before_the_period_ends_is_refused(client_for, staff_a, ward_a):
    commitment = make(ward_a, staff_a, start=date(2026, 11, 1), end=date(2026, 11, 20))  # ends today
    response = close(client_for(staff_a), commitment, "kept")
    assert "The commitment runs until 20/11/2026; it can be marked kept or breached only after that." in messages_of(
        response
    )
    commitment.refresh_from_db()
    assert commitment.outcome == "pending"


def test_breached_needs_a_note(client_for, staff_a, ward_a):
    commitment = make(ward_a, staff_a)
    response = close(client_for(staff_a), commitment, "breached", "   ")
    assert "Say how the commitment was breached." in messages_of(response)
    commitment.refresh_from_db()
    assert (commitment.outcome, commitment.outcome_note) == ("pending", "")
    assert not HistoryEntry.objects.for_object(commitment).filter(action="update").exists()


def test_leader_marks_breached_with_a_note_and_it_stays_closed(client_for, staff_a, leader_a, ward_a):
    commitment = make(ward_a, staff_a)
    response = close(client_for(leader_a), commitment, "breached", "Bắn pháo hoa đêm 30 Tết tại tổ 3.")
    assert "Commitment marked “Breached”." in messages_of(response)
    commitment.refresh_from_db()
    assert (commitment.outcome, commitment.outcome_note) == ("breached", "Bắn pháo hoa đêm 30 Tết tại tổ 3.")
    entry = HistoryEntry.objects.for_object(commitment).get(action="update")
    assert entry.user == leader_a and entry.reason == "Bắn pháo hoa đêm 30 Tết tại tổ 3."
    response = close(client_for(staff_a), commitment, "kept")
    assert "This commitment is already marked “Breached”." in messages_of(response)
    commitment.refresh_from_db()
    assert commitment.outcome == "breached"


def test_staff_mark_kept_without_a_note(client_for, staff_a, ward_a):
    commitment = make(ward_a, staff_a)
    close(client_for(staff_a), commitment, "kept")
    commitment.refresh_from_db()
    assert commitment.outcome == "kept"


def test_an_unknown_outcome_is_refused(client_for, staff_a, ward_a):
    commitment = make(ward_a, staff_a)
    response = close(client_for(staff_a), commitment, "pending")
    assert response.status_code == OK
    commitment.refresh_from_db()
    assert commitment.outcome == "pending"
    with translation.override("en"), pytest.raises(ValidationError, match="kept or breached"):
        commitment_services.commitment_close(user=staff_a, commitment=commitment, outcome="pending", note="")


def test_city_leader_sees_but_cannot_close(client_for, staff_a, city_leader, ward_a):
    commitment = make(ward_a, staff_a)
    client = client_for(city_leader)
    page = client.get(reverse("campaigns:commitment-detail", args=[commitment.pk]))
    assert page.status_code == OK and not page.context["can_close"]
    response = client.post(reverse("campaigns:commitment-close", args=[commitment.pk]), {"outcome": "kept"})
    assert response.status_code == FORBIDDEN
    commitment.refresh_from_db()
    assert commitment.outcome == "pending"


# --- requests to sign -------------------------------------------------------------------------------------------


def request_form(*wards, **overrides) -> dict:
    data = {
        "title": "Cam kết không sử dụng pháo nổ Tết Đinh Mùi 2027",
        "topic": "fireworks",
        "period_start": "01/12/2026",
        "period_end": "28/02/2027",
        "deadline": "15/12/2026",
        "wards": [w.pk for w in wards],
    }
    data.update(overrides)
    return data


def test_city_leader_asks_every_ward_and_sees_who_has_not_signed(client_for, world):
    ward_a, ward_b = world["ward_a"], world["ward_b"]
    ward_c = WardFactory(city=ward_a.city, code="16420", name="Phường Quảng Phú")
    leader = client_for(world["city_leader"])
    new = leader.get(reverse("campaigns:commitment-request-create"))
    assert new.status_code == OK
    assert set(new.context["form"].initial["wards"]) == {ward_a.pk, ward_b.pk, ward_c.pk}  # all ticked
    response = leader.post(reverse("campaigns:commitment-request-create"), request_form(ward_a, ward_b, ward_c))
    assert response.status_code == REDIRECT, messages_of(response)
    asked = CommitmentRequest.objects.get()
    assert asked.city == ward_a.city and set(asked.wards.all()) == {ward_a, ward_b, ward_c}
    assert HistoryEntry.objects.for_object(asked).filter(user=world["city_leader"]).exists()

    page_url = reverse("campaigns:commitment-request-detail", args=[asked.pk])
    html = leader.get(page_url).content.decode()
    assert sorted(wards_in(html, "not-signed")) == sorted([ward_a.code, ward_b.code, ward_c.code])

    # Ward A's staff open the form from the request: it is filled in from it.
    staff = client_for(world["staff_a"])
    mine = staff.get(page_url)
    assert wards_in(mine.content.decode(), "not-signed") == [ward_a.code]
    opened = staff.get(f"{reverse('campaigns:commitment-create')}?request={asked.pk}&ward={ward_a.code}")
    initial = opened.context["form"].initial
    assert (initial["request"], initial["ward"], initial["topic"]) == (asked, ward_a, "fireworks")
    data = form(ward_a, request=asked.pk, topic="security")
    assert staff.post(reverse("campaigns:commitment-create"), data).status_code == REDIRECT
    signed = Commitment.objects.get()
    assert (signed.request, signed.topic) == (asked, "fireworks")  # the request's topic

    html = leader.get(page_url).content.decode()
    assert sorted(wards_in(html, "not-signed")) == sorted([ward_b.code, ward_c.code])
    assert wards_in(html, "signed") == [ward_a.code]
    assert "1/3" in html

    # A ward user sees only their own ward's line.
    html = staff.get(page_url).content.decode()
    assert wards_in(html, "signed") == [ward_a.code] and wards_in(html, "not-signed") == []
    html = client_for(world["staff_b"]).get(page_url).content.decode()
    assert wards_in(html, "not-signed") == [ward_b.code] and wards_in(html, "signed") == []
    assert ward_a.name not in html and ward_c.name not in html


def test_request_status_is_one_query(staff_a, city_leader, ward_a, ward_b, django_assert_num_queries):
    asked = commitment_services.commitment_request_create(
        user=city_leader,
        city=ward_a.city,
        data={
            "topic": "environment",
            "title": "Cam kết vệ sinh môi trường",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2026, 1, 31),
        },
        wards=[ward_a, ward_b],
    )
    make(ward_a, staff_a, request=asked)
    with django_assert_num_queries(1):
        rows = commitment_services.request_status(asked)
    assert [r.code for r in rows] == [ward_b.code, ward_a.code]  # by name: Đông Quang, Hạc Thành
    assert {r.code: r.signed for r in rows} == {ward_a.code: True, ward_b.code: False}
    assert {r.code: r.signed_on for r in rows} == {ward_a.code: date(2026, 1, 1), ward_b.code: None}


def test_a_ward_signs_a_request_once_and_only_if_asked(staff_a, staff_b, city_leader, ward_a, ward_b):
    asked = commitment_services.commitment_request_create(
        user=city_leader,
        city=ward_a.city,
        data={
            "topic": "food_safety",
            "title": "Cam kết an toàn thực phẩm",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2026, 1, 31),
        },
        wards=[ward_a],
    )
    make(ward_a, staff_a, request=asked)
    with translation.override("en"), pytest.raises(ValidationError, match="already signed"):
        make(ward_a, staff_a, request=asked)
    with translation.override("en"), pytest.raises(ValidationError, match="was not asked"):
        make(ward_b, staff_b, request=asked)
    assert Commitment.objects.count() == 1


def test_a_ward_not_asked_does_not_see_the_request(client_for, staff_b, city_leader, ward_a):
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
    response = client_for(staff_b).get(reverse("campaigns:commitment-request-detail", args=[asked.pk]))
    assert response.status_code == NOT_FOUND


def test_ward_users_cannot_ask_wards_to_sign(client_for, staff_a, leader_a, ward_a, ward_b):
    for user in (staff_a, leader_a):
        client = client_for(user)
        assert client.get(reverse("campaigns:commitment-request-create")).status_code == FORBIDDEN
        response = client.post(reverse("campaigns:commitment-request-create"), request_form(ward_a, ward_b))
        assert response.status_code == FORBIDDEN
    assert not CommitmentRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"period_end": "30/11/2026"}, "The end of the period cannot come before its start."),
        ({"deadline": "01/03/2027"}, "The signing deadline cannot come after the end of the period."),
        ({"wards": []}, "Nothing was saved: check the fields marked below."),
    ],
    ids=["end-before-start", "deadline-after-end", "no-ward"],
)
def test_bad_requests_save_nothing(client_for, city_leader, ward_a, ward_b, overrides, message):
    response = client_for(city_leader).post(
        reverse("campaigns:commitment-request-create"), request_form(ward_a, ward_b, **overrides)
    )
    assert response.status_code == OK
    assert message in messages_of(response)
    assert not CommitmentRequest.objects.exists()


def test_a_ward_of_another_city_cannot_be_asked(city_leader, ward_a):
    from tests.factories import CityFactory

    elsewhere = WardFactory(city=CityFactory(code="40", name="Nghệ An"))
    with translation.override("en"), pytest.raises(ValidationError, match="Only wards of"):
        commitment_services.commitment_request_create(
            user=city_leader,
            city=ward_a.city,
            data={
                "topic": "security",
                "title": "x",
                "period_start": date(2026, 1, 1),
                "period_end": date(2026, 12, 31),
                "deadline": date(2026, 1, 31),
            },
            wards=[ward_a, elsewhere],
        )
    with pytest.raises(PermissionDenied):
        commitment_services.commitment_request_create(
            user=city_leader,
            city=elsewhere.city,
            data={
                "topic": "security",
                "title": "x",
                "period_start": date(2026, 1, 1),
                "period_end": date(2026, 12, 31),
                "deadline": date(2026, 1, 31),
            },
            wards=[elsewhere],
        )
    assert not CommitmentRequest.objects.exists()


# --- the list ---------------------------------------------------------------------------------------------------


def test_list_filters_by_topic_ward_and_year(client_for, admin_user, staff_a, staff_b, ward_a, ward_b):
    a_security = make(ward_a, staff_a, topic="security")
    a_fireworks_2027 = make(ward_a, staff_a, topic="fireworks", start=date(2026, 12, 1), end=date(2027, 2, 28))
    b_security_2025 = make(ward_b, staff_b, topic="security", start=date(2025, 1, 1), end=date(2025, 12, 31))
    client = client_for(admin_user)
    url = reverse("campaigns:commitment-list")

    def shown(**params):
        return {c.pk for c in client.get(url, params).context["page"]}

    assert shown() == {a_security.pk, a_fireworks_2027.pk, b_security_2025.pk}
    assert shown(topic="security") == {a_security.pk, b_security_2025.pk}
    assert shown(ward=ward_b.code) == {b_security_2025.pk}
    assert shown(year=2027) == {a_fireworks_2027.pk}
    assert shown(year=2026) == {a_security.pk, a_fireworks_2027.pk}
    assert shown(topic="security", year=2026, ward=ward_a.code) == {a_security.pk}
    # Another ward's code is not a choice for a ward user: the filter is refused, the scope still applies.
    assert {c.pk for c in client_for(staff_a).get(url, {"ward": ward_b.code}).context["page"]} == {
        a_security.pk,
        a_fireworks_2027.pk,
    }


def test_list_queries_do_not_grow(client_for, staff_a, ward_a, city_leader, ward_b, staff_b):
    url = reverse("campaigns:commitment-list")

    def count(client) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"topic": "security"})
        assert response.status_code == OK
        return len(queries), len(response.context["page"])

    for n in range(5):
        make(ward_a if n % 2 else ward_b, staff_a if n % 2 else staff_b, start=date(2026, 1, 1 + n))
    client = client_for(city_leader)
    small, shown = count(client)
    assert shown == 5
    for n in range(45):
        make(ward_a if n % 2 else ward_b, staff_a if n % 2 else staff_b, start=date(2026, 2, 1 + n % 28))
    large, shown = count(client)
    assert shown == 50
    assert small == large
