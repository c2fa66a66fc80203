"""The results pages through HTTP: the owed grid, the entry form, review, evidence, history and scope.

Dates are pinned to 20/11/2026 (Hà Nội time), so the current month is 11/2026. Most clients send the
language cookie "en" so that messages can be matched word for word whatever the Vietnamese catalogue
says; the pages that show numbers the Vietnamese way (95,5) are read in the default language.
"""

import csv
import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import tinyhtml5
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.results import services
from campaigns.results.forms import MAX_EVIDENCE_BYTES
from campaigns.results.models import CriterionResult, Evidence, Period, Result, Submission
from campaigns.results.periods import periods_ensure
from portal.models import HistoryEntry
from portal.numbers import parse_number
from tests.factories import NeighbourhoodFactory, ProfileFactory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=HANOI)
CRITERIA = Path(settings.BASE_DIR) / "campaigns/criteria/sets"
HOOD_SET = CRITERIA / "nd-86-2023-thon-tdp-van-hoa.yaml"
WARD_SET = CRITERIA / "qd-04-2022-do-thi-van-minh.yaml"

# Every entered indicator of the neighbourhood set, met, written as Vietnamese staff write it.
ALL_MET = {
    "I.1": "95,5",
    "I.3": "1",
    "I.4": "1",
    "II.1": "1",
    "II.2": "99",
    "II.3": "1",
    "II.4": "92",
    "II.5": "1",
    "II.6": "1",
    "III.1": "1",
    "III.2": "1",
}
OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def hood_set(db):
    criteria_set, _outcome = criteria_set_load_file(HOOD_SET)
    return criteria_set


@pytest.fixture
def period(db):
    periods_ensure(2026)
    return Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11)


@pytest.fixture
def ind(hood_set):
    """Indicator code → indicator of the neighbourhood set."""
    return {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=hood_set)}


@pytest.fixture
def client_for(hood_set, period):
    """A logged-in client for a user, reading the site in English unless told otherwise."""

    def _client(user, language="en"):
        c = Client()
        if language:
            c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            c.force_login(user)
        return c

    return _client


def entry_url(period, hood):
    return reverse("campaigns:entry-neighbourhood", args=[period.pk, hood.pk])


def action_url(submission, action):
    return reverse("campaigns:submission-action", args=[submission.pk, action])


def form_data(response) -> dict:
    """What a browser would post back from the rendered entry form: every enabled field, as shown."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        data[name] = "" if value is None else str(value)
    return data


def post_values(client, url, ind, values: dict, *, extra=None, files=None, open_first=True, base=None):
    """Open the form (as a browser would), overwrite the values of some indicators (by code), post it."""
    data = base if base is not None else (form_data(client.get(url)) if open_first else {})
    for code, value in values.items():
        data[f"v_{ind[code].pk}"] = value
    data.update(extra or {})
    for code, upload in (files or {}).items():
        data[f"f_{ind[code].pk}"] = upload
    return client.post(url, data)


def stored(hood, period, code):
    result = Result.objects.filter(
        submission__neighbourhood=hood, submission__period=period, indicator__code=code
    ).first()
    return None if result is None else result.value


def messages_of(response) -> list[str]:
    """The messages shown on a page, read in the page's language (a lazy message would follow the test's)."""
    if not response.context:
        return []
    with translation.override(response.get("Content-Language", settings.LANGUAGE_CODE)):
        return [str(m) for m in response.context["messages"]]


def text_of_testid(html: str, testid: str) -> str | None:
    """The text inside the element with that data-testid, or None when there is none."""
    for element in tinyhtml5.parse(html).iter():
        if element.get("data-testid") == testid:
            return " ".join("".join(element.itertext()).split())
    return None


def input_value(html: str, name: str) -> str | None:
    for element in tinyhtml5.parse(html).iter():
        if element.get("name") == name and element.tag.endswith(("input", "textarea")):
            return element.get("value") if element.tag.endswith("input") else (element.text or "")
    return None


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def make_submission(hood, period, user, values=None, status=None):
    """A submission of `hood` saved through the service (history and evaluation included)."""
    submission = services.submission_for(hood, period)
    entered = {}
    for code, raw in (values or ALL_MET).items():
        indicator = Indicator.objects.get(criterion__criteria_set=submission.criteria_set, code=code)
        entered[indicator.pk] = {"value": parse_number(raw), "text": "", "note": ""}
    services.results_save(submission=submission, user=user, values=entered, versions={})
    if status in (Submission.Status.SUBMITTED, Submission.Status.APPROVED, Submission.Status.RETURNED):
        services.submission_submit(submission=submission, user=user)
    submission.refresh_from_db()
    return submission


# --- the owed grid and the entry form -----------------------------------------------------------


def test_owed_grid_lists_the_wards_neighbourhoods(client_for, staff_a, hood_a, hood_b, period):
    response = client_for(staff_a).get(reverse("campaigns:owed", args=[hood_a.ward.code, period.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-unit="{hood_a.pk}"' in html
    assert hood_a.name in html
    assert entry_url(period, hood_a) in html
    assert hood_b.name not in html and f'data-unit="{hood_b.pk}"' not in html


def test_owed_current_is_the_month_of_today(client_for, staff_a, hood_a, period):
    response = client_for(staff_a).get(reverse("campaigns:owed-current", args=[hood_a.ward.code]))
    assert response.status_code == 200
    assert response.context["period"] == period


def test_entry_page_shows_every_indicator(client_for, staff_a, hood_a, period, ind):
    response = client_for(staff_a).get(entry_url(period, hood_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(ind) == 12
    for code, indicator in ind.items():
        assert f"{code}. {indicator.name}" in html, code
        assert f'name="v_{indicator.pk}"' in html, code
    # The poor-household rate comes from the profile: shown, not typed.
    assert response.context["form"].fields[f"v_{ind['I.2'].pk}"].disabled
    assert response.context["editable"] is True
    assert not Submission.objects.exists(), "opening the form must not create anything"


def test_values_written_the_vietnamese_way_are_read(client_for, staff_a, hood_a, period, ind):
    client = client_for(staff_a)
    response = post_values(client, entry_url(period, hood_a), ind, {"I.1": "95,5", "II.2": "99", "II.4": "1.0"})
    assert response.status_code == 302
    assert stored(hood_a, period, "I.1") == Decimal("95.5")
    assert stored(hood_a, period, "II.2") == Decimal("99")
    assert stored(hood_a, period, "II.4") == Decimal("1")  # "1.0": no group of three digits, a decimal point
    # The profile's poor-household rate is filled in by the save: 2 of 234 households.
    assert stored(hood_a, period, "I.2") == Decimal("0.85")
    assert Submission.objects.get(neighbourhood=hood_a).status == Submission.Status.DRAFT


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("120", "A percentage cannot be above 100."),
        ("1.234", "A percentage cannot be above 100."),  # one thousand two hundred and thirty-four
        ("-5", "The value cannot be negative."),
        ("chín mươi", "is not a number"),
        ("1,234.5,6", "is not a number"),
    ],
)
def test_refused_percentages_are_kept_in_the_form_and_nothing_is_saved(
    client_for, staff_a, hood_a, period, ind, typed, message
):
    client = client_for(staff_a)
    response = post_values(client, entry_url(period, hood_a), ind, {"I.1": typed, "II.2": "99"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert f"v_{ind['I.1'].pk}" in errors
    with translation.override(response["Content-Language"]):  # lazy messages: read in the page's language
        assert message in " ".join(errors[f"v_{ind['I.1'].pk}"])
    html = response.content.decode()
    assert message.split("“")[0] in html
    # What was typed is still there, in both boxes, to be corrected.
    assert input_value(html, f"v_{ind['I.1'].pk}") == typed
    assert input_value(html, f"v_{ind['II.2'].pk}") == "99"
    assert not Submission.objects.exists()
    assert not Result.objects.exists()


def test_a_draft_saves_with_values_missing(client_for, staff_a, hood_a, period, ind):
    client = client_for(staff_a)
    response = post_values(client, entry_url(period, hood_a), ind, {"I.1": "95,5"}, extra={"save": ""})
    assert response.status_code == 302 and response["Location"] == entry_url(period, hood_a)
    submission = Submission.objects.get(neighbourhood=hood_a, period=period)
    assert submission.status == Submission.Status.DRAFT
    assert set(submission.results.values_list("indicator__code", flat=True)) == {"I.1", "I.2"}
    assert submission.is_complete is False
    page = client.get(entry_url(period, hood_a))
    assert any("saved" in m for m in messages_of(page))
    assert input_value(page.content.decode(), f"v_{ind['I.1'].pk}") == "95.5"


def test_submit_in_post_submits(client_for, staff_a, hood_a, period, ind):
    client = client_for(staff_a)
    response = post_values(client, entry_url(period, hood_a), ind, ALL_MET, extra={"submit": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:owed", args=[hood_a.ward.code, period.pk])
    submission = Submission.objects.get(neighbourhood=hood_a, period=period)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_by == staff_a
    assert submission.is_complete and submission.criteria_met == submission.criteria_total == 3


def test_approved_results_cannot_be_changed_by_a_new_post(client_for, staff_a, leader_a, hood_a, period, ind):
    staff = client_for(staff_a)
    url = entry_url(period, hood_a)
    post_values(staff, url, ind, ALL_MET, extra={"submit": ""})
    submission = Submission.objects.get(neighbourhood=hood_a)
    stale_form = form_data(staff.get(url))  # opened before the approval; nothing is disabled in it

    response = client_for(leader_a).post(action_url(submission, "approve"))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED

    page = staff.get(url)
    assert page.context["editable"] is False
    assert all(page.context["form"].fields[f"v_{i.pk}"].disabled for i in ind.values())
    assert b'name="submit"' not in page.content

    history_before = HistoryEntry.objects.count()
    response = post_values(staff, url, ind, {"I.1": "50", "II.2": "10"}, base=stale_form, extra={"submit": ""})
    assert response.status_code == 200
    assert "These results can no longer be changed." in messages_of(response)
    assert stored(hood_a, period, "I.1") == Decimal("95.5")
    assert stored(hood_a, period, "II.2") == Decimal("99")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert HistoryEntry.objects.count() == history_before

    # Nor by sending "submit" straight to the action.
    response = staff.post(action_url(submission, "submit"))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED


def test_evidence_upload_on_approved_results_is_refused(client_for, staff_a, leader_a, hood_a, period, ind):
    staff = client_for(staff_a)
    url = entry_url(period, hood_a)
    post_values(staff, url, ind, ALL_MET, extra={"submit": ""})
    stale_form = form_data(staff.get(url))
    services.submission_approve(submission=Submission.objects.get(neighbourhood=hood_a), user=leader_a)
    upload = SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")
    response = post_values(staff, url, ind, {}, base=stale_form, files={"I.3": upload})
    assert response.status_code == 200
    assert not Evidence.objects.exists()


# --- return, reopen -------------------------------------------------------------------------------


@pytest.fixture
def hood_a2(ward_a):
    hood = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Đình Hương 2")
    ProfileFactory(neighbourhood=hood, year=2026)
    return hood


def test_return_with_a_reason_reaches_staff_home_and_reopens_only_that_unit(
    client_for, staff_a, leader_a, hood_a, hood_a2, period
):
    returned = make_submission(hood_a, period, staff_a, status=Submission.Status.SUBMITTED)
    other = make_submission(hood_a2, period, staff_a, status=Submission.Status.SUBMITTED)
    reason = "Thiếu ảnh minh chứng nhà văn hóa (II.1)"
    response = client_for(leader_a).post(action_url(returned, "return"), {"reason": reason})
    assert response.status_code == 302
    returned.refresh_from_db()
    other.refresh_from_db()
    assert returned.status == Submission.Status.RETURNED
    assert returned.return_reason == reason and returned.reviewed_by == leader_a
    assert other.status == Submission.Status.SUBMITTED
    assert HistoryEntry.objects.for_object(returned).filter(action="return", reason=reason).exists()

    home = client_for(staff_a).get(reverse("home"))
    box = text_of_testid(home.content.decode(), "returned")
    assert box is not None and reason in box and hood_a.name in box
    assert hood_a2.name not in box

    # The entry page says why, and may be edited again.
    page = client_for(staff_a).get(entry_url(period, hood_a))
    assert reason in (text_of_testid(page.content.decode(), "return-reason") or "")
    assert page.context["editable"] is True


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_without_a_reason_is_refused(client_for, staff_a, leader_a, hood_a, period, reason):
    submission = make_submission(hood_a, period, staff_a, status=Submission.Status.SUBMITTED)
    leader = client_for(leader_a)
    response = leader.post(action_url(submission, "return"), {"reason": reason})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.return_reason == ""
    page = leader.get(response["Location"])
    assert "Say why the results are returned." in messages_of(page)
    assert text_of_testid(client_for(staff_a).get(reverse("home")).content.decode(), "returned") is None


def test_admin_reopens_approved_results_with_a_reason(client_for, staff_a, leader_a, admin_user, hood_a, period):
    submission = make_submission(hood_a, period, staff_a, status=Submission.Status.SUBMITTED)
    services.submission_approve(submission=submission, user=leader_a)
    admin = client_for(admin_user)

    response = admin.post(action_url(submission, "reopen"), {"reason": ""})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert "Say why the results are reopened." in messages_of(admin.get(response["Location"]))

    response = admin.post(action_url(submission, "reopen"), {"reason": "Sai số hộ nghèo"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    assert submission.return_reason == "Sai số hộ nghèo"
    assert client_for(staff_a).get(entry_url(period, hood_a)).context["editable"] is True


@pytest.mark.parametrize("who", ["leader_a", "staff_a", "city_leader"])
def test_only_an_admin_reopens(client_for, world, hood_a, period, who):
    submission = make_submission(hood_a, period, world["staff_a"], status=Submission.Status.SUBMITTED)
    services.submission_approve(submission=submission, user=world["leader_a"])
    response = client_for(world[who]).post(action_url(submission, "reopen"), {"reason": "Muốn sửa"})
    assert response.status_code == FORBIDDEN
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED


def test_the_next_field_of_an_action_cannot_send_people_off_site(client_for, staff_a, leader_a, hood_a, period):
    submission = make_submission(hood_a, period, staff_a, status=Submission.Status.SUBMITTED)
    response = client_for(leader_a).post(action_url(submission, "approve"), {"next": "https://evil.example/phish"})
    assert response.status_code == 302
    assert response["Location"] == entry_url(period, hood_a)
    submission = make_submission(
        NeighbourhoodFactory(ward=hood_a.ward), period, staff_a, status=Submission.Status.SUBMITTED
    )
    own = reverse("campaigns:review", args=[hood_a.ward.code, period.pk])
    response = client_for(leader_a).post(action_url(submission, "approve"), {"next": own})
    assert response["Location"] == own


def test_unknown_action_is_not_found(client_for, staff_a, leader_a, hood_a, period):
    submission = make_submission(hood_a, period, staff_a, status=Submission.Status.SUBMITTED)
    assert client_for(leader_a).post(action_url(submission, "delete")).status_code == NOT_FOUND
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


# --- yearly indicators carried over into a new month ---------------------------------------------


@pytest.mark.parametrize(("typed", "kept"), [(None, Decimal(1)), ("0", Decimal(0))], ids=["untouched", "changed"])
def test_first_save_of_a_month_keeps_the_years_yearly_results(client_for, staff_a, hood_a, period, ind, typed, kept):
    """II.1 (a cultural house) is yearly: entered in October, the November form starts with it.

    Before the fix the November form showed it empty and the first save reported a conflict with
    "someone" (the copy made by the save itself); saving again then erased the copied value.
    """
    october = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=10)
    make_submission(hood_a, october, staff_a, values={"II.1": "1", "I.1": "91"})
    client = client_for(staff_a)
    url = entry_url(period, hood_a)
    page = client.get(url)
    assert not Submission.objects.filter(period=period).exists()
    shown = form_data(page)
    assert shown[f"v_{ind['II.1'].pk}"] == "1"  # Có, from October
    assert shown[f"v_{ind['I.1'].pk}"] == ""  # monthly: not carried
    values = {"I.1": "95,5"} | ({"II.1": typed} if typed is not None else {})
    response = post_values(client, url, ind, values, base=shown)
    assert response.status_code == 302, messages_of(response)
    assert stored(hood_a, period, "II.1") == kept
    assert stored(hood_a, period, "I.1") == Decimal("95.5")


def test_a_conflict_on_the_first_save_of_a_month_leaves_nothing_behind(client_for, staff_a, hood_a, period, ind):
    """October's cultural house is entered while the November form is open: a real conflict on the copy."""
    october = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=10)
    client = client_for(staff_a)
    url = entry_url(period, hood_a)
    opened = form_data(client.get(url))
    make_submission(hood_a, october, staff_a, values={"II.1": "1"})
    response = post_values(client, url, ind, {"II.1": "0", "I.1": "95,5"}, base=opened)
    assert response.status_code == 200
    assert any("Someone else changed" in m for m in messages_of(response))
    assert not Submission.objects.filter(period=period).exists()  # the new submission was rolled back …
    assert response.context["submission"].pk is None  # … and the page does not point at it
    assert input_value(response.content.decode(), f"v_{ind['I.1'].pk}") == "95,5"
    response = client.post(url, form_data(response))
    assert response.status_code == 302
    assert stored(hood_a, period, "II.1") == Decimal(0)
    assert stored(hood_a, period, "I.1") == Decimal("95.5")


# --- two people on one form -----------------------------------------------------------------------


def test_conflicting_edits_show_both_values_and_the_second_save_keeps_yours(
    client_for, staff_a, admin_user, hood_a, period, ind
):
    url = entry_url(period, hood_a)
    staff, admin = client_for(staff_a), client_for(admin_user)
    staff_form = form_data(staff.get(url))  # staff opens the form first …
    assert post_values(admin, url, ind, {"I.1": "92"}).status_code == 302  # … the admin saves meanwhile

    response = post_values(staff, url, ind, {"I.1": "97", "II.2": "99"}, base=dict(staff_form))
    assert response.status_code == 200
    assert any("Someone else changed" in m for m in messages_of(response))
    html = response.content.decode()
    assert "Saved meanwhile by quantri: 92. Your value is in the box." in html
    assert input_value(html, f"v_{ind['I.1'].pk}") == "97"
    assert input_value(html, f"v_{ind['II.2'].pk}") == "99"
    assert stored(hood_a, period, "I.1") == Decimal("92")
    assert stored(hood_a, period, "II.2") is None  # nothing of the refused save was kept

    response = staff.post(url, form_data(response))
    assert response.status_code == 302
    assert stored(hood_a, period, "I.1") == Decimal("97")
    assert stored(hood_a, period, "II.2") == Decimal("99")
    result = Result.objects.get(submission__neighbourhood=hood_a, indicator__code="I.1")
    assert result.version == 2 and result.updated_by == staff_a


# --- evidence ---------------------------------------------------------------------------------------


def test_png_evidence_is_stored_and_served_to_those_who_may_see_the_ward(client_for, world, hood_a, period, ind):
    url = entry_url(period, hood_a)
    picture = png_bytes()
    upload = SimpleUploadedFile("nha-van-hoa.png", picture, content_type="image/png")
    response = post_values(client_for(world["staff_a"]), url, ind, {"II.1": "1"}, files={"II.1": upload})
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert item.result.indicator.code == "II.1" and item.result.submission.neighbourhood == hood_a
    assert (item.content_type, item.size, item.original_name) == ("image/png", len(picture), "nha-van-hoa.png")
    assert item.uploaded_by == world["staff_a"]
    assert HistoryEntry.objects.for_object(item.result).filter(action="evidence").exists()
    assert reverse("campaigns:evidence", args=[item.pk]).encode() in client_for(world["staff_a"]).get(url).content

    download = reverse("campaigns:evidence", args=[item.pk])
    for who in ("staff_a", "leader_a", "city_leader", "admin"):
        response = client_for(world[who]).get(download)
        assert response.status_code == OK, who
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == picture
    assert client_for(world["staff_b"]).get(download).status_code == NOT_FOUND
    anonymous = Client().get(download)
    assert anonymous.status_code == REDIRECT and anonymous["Location"].startswith(reverse("login"))


def test_pdf_evidence_downloads_as_an_attachment(client_for, staff_a, hood_a, period, ind):
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    upload = SimpleUploadedFile("bien-ban.pdf", pdf, content_type="application/pdf")
    response = post_values(client_for(staff_a), entry_url(period, hood_a), ind, {}, files={"III.1": upload})
    assert response.status_code == 302
    item = Evidence.objects.get()
    response = client_for(staff_a).get(reverse("campaigns:evidence", args=[item.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == pdf


def _docx_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "photo.jpg",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run",
            "“photo.jpg” is not a JPG or PNG photo or a PDF document.",
        ),
        (
            "ghi-chu.txt",
            "Biên bản họp tổ dân phố, không phải ảnh.".encode(),
            "“ghi-chu.txt” is not a JPG or PNG photo or a PDF document.",
        ),
        ("bien-ban.pdf", _docx_like(), "“bien-ban.pdf” is not a JPG or PNG photo or a PDF document."),
        ("big.png", png_bytes()[:64] + b"\0" * (MAX_EVIDENCE_BYTES + 1 - 64), "“big.png” is larger than 10 MB."),
    ],
    ids=["exe-renamed-jpg", "text", "docx-as-pdf", "over-10-MB"],
)
def test_bad_evidence_is_refused_and_nothing_is_saved(client_for, staff_a, hood_a, period, ind, name, content, message):
    url = entry_url(period, hood_a)
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = post_values(client_for(staff_a), url, ind, {"I.1": "95,5", "I.3": "1"}, files={"I.3": upload})
    assert response.status_code == 200
    assert message in messages_of(response)
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert not Result.objects.exists() and not Submission.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))  # no file left on disk either
    # What was typed is kept for the next try.
    assert input_value(response.content.decode(), f"v_{ind['I.1'].pk}") == "95,5"


def test_evidence_of_exactly_10_mb_is_accepted(client_for, staff_a, hood_a, period, ind):
    content = png_bytes()[:64] + b"\0" * (MAX_EVIDENCE_BYTES - 64)
    upload = SimpleUploadedFile("dung-10mb.png", content, content_type="image/png")
    response = post_values(client_for(staff_a), entry_url(period, hood_a), ind, {}, files={"I.3": upload})
    assert response.status_code == 302
    assert Evidence.objects.get().size == MAX_EVIDENCE_BYTES


def _renumber_from(first_pk, rows):
    """Give unreferenced rows new primary keys from `first_pk` on (ids above 999 print as 1.000 in Vietnamese)."""
    moved = []
    for n, row in enumerate(rows):
        old = row.pk
        row.pk = first_pk + n
        row.save(force_insert=True)
        type(row).objects.filter(pk=old).delete()
        moved.append(row)
    return moved


def test_ids_above_999_are_written_plainly_in_the_vietnamese_pages(client_for, staff_a, ward_a, hood_set, period):
    """In Vietnamese 2857 prints as "2.857"; a file input named "f_2.857" was never read by the view."""
    indicators = _renumber_from(2850, list(Indicator.objects.filter(criterion__criteria_set=hood_set)))
    ind = {i.code: i for i in indicators}
    hood = NeighbourhoodFactory(id=1234, ward=ward_a, name="Tổ dân phố Đình Hương 1")
    client = client_for(staff_a, language=None)
    owed = client.get(reverse("campaigns:owed", args=[ward_a.code, period.pk])).content.decode()
    assert 'data-unit="1234"' in owed
    page = client.get(entry_url(period, hood))
    html = page.content.decode()
    file_inputs = [e.get("name") for e in tinyhtml5.parse(html).iter() if e.get("type") == "file"]
    assert file_inputs == [f"f_{i.pk}" for i in indicators if not i.source]
    data = form_data(page)
    data[file_inputs[0]] = SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")
    assert client.post(entry_url(period, hood), data).status_code == 302
    assert Evidence.objects.get().result.indicator == ind["I.1"]


# --- scope and forged ids ---------------------------------------------------------------------------


def test_staff_of_another_ward_cannot_post_to_this_wards_form(client_for, staff_a, staff_b, hood_a, period, ind):
    data = {f"v_{ind['I.1'].pk}": "10", f"v_{ind['II.2'].pk}": "5", "submit": ""}
    response = client_for(staff_b).post(entry_url(period, hood_a), data)
    assert response.status_code == NOT_FOUND
    assert not Submission.objects.exists()
    make_submission(hood_a, period, staff_a)
    response = client_for(staff_b).post(entry_url(period, hood_a), data)
    assert response.status_code == NOT_FOUND
    assert stored(hood_a, period, "I.1") == Decimal("95.5")


@pytest.mark.parametrize("action", ["submit", "approve", "return", "reopen"])
def test_staff_of_another_ward_cannot_act_on_its_submission(client_for, staff_a, staff_b, hood_a, period, action):
    submission = make_submission(hood_a, period, staff_a, status=Submission.Status.SUBMITTED)
    response = client_for(staff_b).post(action_url(submission, action), {"reason": "giả mạo"})
    assert response.status_code == NOT_FOUND
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_staff_of_another_ward_cannot_read_its_results(client_for, staff_a, staff_b, hood_a, period):
    submission = make_submission(hood_a, period, staff_a)
    result = submission.results.get(indicator__code="I.1")
    detail = reverse("campaigns:result-detail", args=[result.pk])
    assert client_for(staff_b).get(detail).status_code == NOT_FOUND
    assert client_for(staff_b).get(detail + "?format=csv").status_code == NOT_FOUND
    assert client_for(staff_a).get(detail).status_code == OK


@pytest.mark.parametrize("who", ["city_leader", "leader_a"])
def test_readers_see_the_form_but_cannot_post_to_it(client_for, world, hood_a, period, ind, who):
    make_submission(hood_a, period, world["staff_a"])
    client = client_for(world[who])
    url = entry_url(period, hood_a)
    page = client.get(url)
    assert page.status_code == OK
    assert page.context["editable"] is False
    assert b'name="submit"' not in page.content and b'type="file"' not in page.content
    data = {f"v_{ind['I.1'].pk}": "10", f"ver_{ind['I.1'].pk}": "1", "save": ""}
    assert client.post(url, data).status_code == FORBIDDEN
    assert stored(hood_a, period, "I.1") == Decimal("95.5")


# The matrix: every results page × every role (like tests/portal/test_scope_matrix.py).
READ_A = {"staff_a": OK, "leader_a": OK, "staff_b": NOT_FOUND, "city_leader": OK, "admin": OK, "no_role": NOT_FOUND}
ROLES = list(READ_A)


@pytest.fixture
def results_world(world, no_role_user, hood_set, period):
    """World plus the ward-level set, a submitted neighbourhood submission with evidence, a ward submission."""
    criteria_set_load_file(WARD_SET)
    submission = make_submission(world["hood_a"], period, world["staff_a"], status=Submission.Status.SUBMITTED)
    result = submission.results.get(indicator__code="II.1")
    evidence = Evidence.objects.create(
        result=result,
        file=SimpleUploadedFile("a.png", png_bytes()),
        original_name="a.png",
        content_type="image/png",
        size=10,
        uploaded_by=world["staff_a"],
    )
    approved = make_submission(
        NeighbourhoodFactory(ward=world["ward_a"]), period, world["staff_a"], status=Submission.Status.SUBMITTED
    )
    services.submission_approve(submission=approved, user=world["leader_a"])
    approved.refresh_from_db()
    return {
        **world,
        "no_role": no_role_user,
        "period": period,
        "submission": submission,
        "result": result,
        "evidence": evidence,
        "approved": approved,
    }


PAGES = [
    ("owed-current", lambda w: reverse("campaigns:owed-current", args=[w["ward_a"].code])),
    ("owed", lambda w: reverse("campaigns:owed", args=[w["ward_a"].code, w["period"].pk])),
    ("review", lambda w: reverse("campaigns:review", args=[w["ward_a"].code, w["period"].pk])),
    ("entry-neighbourhood", lambda w: entry_url(w["period"], w["hood_a"])),
    ("entry-ward", lambda w: reverse("campaigns:entry-ward", args=[w["period"].pk, w["ward_a"].code])),
    ("result-detail", lambda w: reverse("campaigns:result-detail", args=[w["result"].pk])),
    ("result-history-csv", lambda w: reverse("campaigns:result-detail", args=[w["result"].pk]) + "?format=csv"),
    ("evidence", lambda w: reverse("campaigns:evidence", args=[w["evidence"].pk])),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_results_page_answers_each_role_by_its_scope(results_world, role, page, url):
    client = Client()
    client.force_login(results_world[role])
    response = client.get(url(results_world))
    assert response.status_code == READ_A[role], f"{page} as {role}"
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)


def _entry_post(w):
    """The whole form as its page shows it (values and versions), with I.1 changed."""
    data = {"save": ""}
    for result in w["submission"].results.select_related("indicator"):
        data[f"v_{result.indicator_id}"] = str(result.value.normalize())
        data[f"ver_{result.indicator_id}"] = str(result.version)
    data[f"v_{Indicator.objects.get(criterion__criteria_set__code='thon-tdp-van-hoa', code='I.1').pk}"] = "96"
    return data


def _ward_post(w):
    return {
        f"v_{i.pk}": "1"
        for i in Indicator.objects.filter(criterion__criteria_set__code="do-thi-van-minh", kind="boolean")
    } | {"save": ""}


EDIT = {
    "staff_a": REDIRECT,
    "leader_a": FORBIDDEN,
    "staff_b": NOT_FOUND,
    "city_leader": FORBIDDEN,
    "admin": REDIRECT,
    "no_role": NOT_FOUND,
}
REVIEW = {
    "staff_a": FORBIDDEN,
    "leader_a": REDIRECT,
    "staff_b": NOT_FOUND,
    "city_leader": FORBIDDEN,
    "admin": REDIRECT,
    "no_role": NOT_FOUND,
}
ADMIN_ONLY = {
    "staff_a": FORBIDDEN,
    "leader_a": FORBIDDEN,
    "staff_b": NOT_FOUND,
    "city_leader": FORBIDDEN,
    "admin": REDIRECT,
    "no_role": NOT_FOUND,
}
POSTS = [
    ("entry-neighbourhood", lambda w: entry_url(w["period"], w["hood_a"]), _entry_post, EDIT),
    (
        "entry-ward",
        lambda w: reverse("campaigns:entry-ward", args=[w["period"].pk, w["ward_a"].code]),
        _ward_post,
        EDIT,
    ),
    ("approve", lambda w: action_url(w["submission"], "approve"), lambda w: {}, REVIEW),
    ("return", lambda w: action_url(w["submission"], "return"), lambda w: {"reason": "Thiếu số liệu"}, REVIEW),
    ("reopen", lambda w: action_url(w["approved"], "reopen"), lambda w: {"reason": "Sửa sai"}, ADMIN_ONLY),
]


def _state():
    return (
        sorted(Submission.objects.values_list("pk", "status", "return_reason")),
        sorted(Result.objects.values_list("pk", "value", "version")),
        HistoryEntry.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "url", "data", "expected"), POSTS, ids=[p[0] for p in POSTS])
def test_results_posts_answer_each_role_by_its_scope(results_world, role, page, url, data, expected):
    if page == "entry-neighbourhood":  # a draft: the submitted one refuses saves whoever posts
        services.submission_return(
            submission=results_world["submission"], user=results_world["leader_a"], reason="Sửa lại"
        )
    before = _state()
    client = Client()
    client.force_login(results_world[role])
    response = client.post(url(results_world), data(results_world))
    assert response.status_code == expected[role], f"{page} as {role}"
    if expected[role] != REDIRECT:
        assert _state() == before, f"{page} as {role} changed something"
    else:
        assert _state() != before, f"{page} as {role} changed nothing"


ALL_URLS = [(name, url, "get") for name, url in PAGES] + [(name, url, "post") for name, url, _d, _e in POSTS]


@pytest.mark.parametrize(("page", "url", "method"), ALL_URLS, ids=[f"{p[0]}-{p[2]}" for p in ALL_URLS])
def test_anonymous_is_sent_to_login_from_every_results_url(results_world, page, url, method):
    before = _state()
    response = getattr(Client(), method)(url(results_world))
    assert response.status_code == REDIRECT, page
    assert response["Location"].startswith(reverse("login"))
    assert _state() == before


# --- history ------------------------------------------------------------------------------------------


def test_result_history_shows_old_and_new_and_exports_csv(client_for, staff_a, hood_a, period, ind):
    client = client_for(staff_a, language=None)  # Vietnamese: numbers are written 95,5
    url = entry_url(period, hood_a)
    assert post_values(client, url, ind, {"I.1": "95,5"}).status_code == 302
    assert post_values(client, url, ind, {"I.1": "97,25"}, extra={"reason": "Số liệu của hội nghị"}).status_code == 302
    result = Result.objects.get(submission__neighbourhood=hood_a, indicator=ind["I.1"])
    assert result.version == 2

    detail = reverse("campaigns:result-detail", args=[result.pk])
    page = client.get(detail)
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "95,5 → 97,25" in text
    assert "— → 95,5" in text
    assert "Số liệu của hội nghị" in text

    response = client.get(detail + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"lich-su-{result.pk}.csv" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3  # the header, the creation, the change
    created, changed = rows[1], rows[2]
    assert created[2:6] == ["Tạo mới", "Giá trị", "", "95,5"]  # actions and fields as people call them
    assert changed[2:7] == ["Sửa đổi", "Giá trị", "95,5", "97,25", "Số liệu của hội nghị"]
    assert changed[1] == "Hoa"
    # Times as people in Việt Nam read them, like on the page: 09:00 on 20/11/2026, not 02:00 UTC.
    assert re.fullmatch(r"20/11/2026 09:0\d", changed[0]), changed[0]


def test_history_csv_does_not_carry_formulas_into_excel(client_for, staff_a, hood_a, period, ind):
    client = client_for(staff_a)
    url = entry_url(period, hood_a)
    formula = '=HYPERLINK("http://evil.example","bấm vào đây")'
    assert (
        post_values(
            client, url, ind, {"I.1": "95,5"}, extra={f"n_{ind['I.1'].pk}": formula, "reason": "@SUM(1+1)"}
        ).status_code
        == 302
    )
    result = Result.objects.get(indicator=ind["I.1"])
    assert result.note == formula  # stored as typed; only the export is defused
    response = client.get(reverse("campaigns:result-detail", args=[result.pk]) + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    note_row = next(row for row in rows if row[3] in ("Ghi chú", "Note"))
    assert note_row[5] == "'" + formula and note_row[6] == "'@SUM(1+1)"
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


# --- queries stay flat as wards grow ------------------------------------------------------------------

# Measured (SQLite and PostgreSQL alike): the same for 5 and for 60 neighbourhoods. Session, user and the
# user's memberships are 3 of them. A change that makes a page grow with the ward fails here: find the
# query in a loop rather than raising the bound.
# (+1 since the navbar shows the unread notifications badge.)
# Programmes side by side: the grid +2 (the programmes of the ward's province, both levels in one query; the
# ward's own report in each ward-level programme) and +1 for the set's codes over time (Programme.set_codes).
OWED_QUERY_BOUND = 14
REVIEW_QUERY_BOUND = 7
# The entry form +2: the programmes the unit follows, and its reports of the year on another set version.
ENTRY_QUERY_BOUND = 17


def _ward_with(size, ward, period, staff, with_evidence=False):
    """`size` neighbourhoods of `ward`, each with a submission and every result, evaluated."""
    hoods = [NeighbourhoodFactory(ward=ward) for _ in range(size)]
    indicators = list(Indicator.objects.filter(criterion__criteria_set__code="thon-tdp-van-hoa"))
    for n, hood in enumerate(hoods):
        submission = services.submission_for(hood, period)
        Result.objects.bulk_create(
            Result(
                submission=submission,
                indicator=i,
                value=Decimal(1 if i.kind == "boolean" else 95 - n % 10),
                is_met=True,
                updated_by=staff,
            )
            for i in indicators
        )
        services.submission_evaluate(submission)
        if with_evidence:
            for result in submission.results.all()[:3]:
                Evidence.objects.create(
                    result=result,
                    file=SimpleUploadedFile("x.png", png_bytes()),
                    original_name="x.png",
                    content_type="image/png",
                    size=10,
                    uploaded_by=staff,
                )
    return hoods


@pytest.mark.parametrize("size", [5, 60])
def test_owed_grid_queries_do_not_grow_with_the_ward(
    client_for, staff_a, ward_a, period, size, django_assert_max_num_queries
):
    _ward_with(size, ward_a, period, staff_a)
    assert CriterionResult.objects.count() == size * 3
    client = client_for(staff_a)
    url = reverse("campaigns:owed", args=[ward_a.code, period.pk])
    with django_assert_max_num_queries(OWED_QUERY_BOUND):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("data-unit=") == size


@pytest.mark.parametrize("size", [5, 60])
def test_review_list_queries_do_not_grow_with_the_ward(
    client_for, staff_a, leader_a, ward_a, period, size, django_assert_max_num_queries
):
    for hood in _ward_with(size, ward_a, period, staff_a):
        services.submission_submit(submission=services.submission_for(hood, period), user=staff_a)
    client = client_for(leader_a)
    with django_assert_max_num_queries(REVIEW_QUERY_BOUND):
        response = client.get(reverse("campaigns:review", args=[ward_a.code, period.pk]))
    assert response.status_code == 200
    assert len(response.context["submissions"]) == size


@pytest.mark.parametrize("size", [5, 60])
def test_entry_form_queries_do_not_grow(client_for, staff_a, ward_a, period, size, django_assert_max_num_queries):
    hoods = _ward_with(size, ward_a, period, staff_a, with_evidence=True)
    client = client_for(staff_a)
    url = entry_url(period, hoods[-1])
    ind = {i.code: i for i in Indicator.objects.filter(criterion__criteria_set__code="thon-tdp-van-hoa")}
    for n in range(size // 5):  # the history grows with the size too
        assert post_values(client, url, ind, {"I.1": f"9{n % 10},5"}).status_code == 302
    with django_assert_max_num_queries(ENTRY_QUERY_BOUND):
        response = client.get(url)
    assert response.status_code == 200


# --- numbers shown in the form are read back as the same numbers ---------------------------------


@pytest.mark.parametrize("language", ["en", None])
def test_saving_an_untouched_form_keeps_large_numbers(client_for, staff_a, ward_a, period, language):
    """In English, 1234 shows as "1,234"; saved back unchanged it must stay 1234 (not 1.234, not refused)."""
    criteria_set_load_file(WARD_SET)
    codes = {i.code: i for i in Indicator.objects.filter(criterion__criteria_set__code="do-thi-van-minh")}
    client = client_for(staff_a, language=language)
    url = reverse("campaigns:entry-ward", args=[period.pk, ward_a.code])
    response = post_values(client, url, codes, {"3.2": "1.234", "6.2": "70.000.000,5"})
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    result = Result.objects.get(indicator=codes["3.2"])
    assert result.value == 1234
    page = client.get(url)
    response = client.post(url, form_data(page))
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert Result.objects.get(indicator=codes["3.2"]).value == 1234
    assert Result.objects.get(indicator=codes["6.2"]).value == Decimal("70000000.5")
    assert Result.objects.get(indicator=codes["3.2"]).version == 1
