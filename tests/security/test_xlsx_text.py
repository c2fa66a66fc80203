"""Finding 5: characters XML cannot carry, and text that looks like a formula.

U+FFFE in one saved note made every workbook holding it unreadable (a ward's Excel template, the city's annual
report); a recognition title or decision number starting with "=" became a live formula in the annual XLSX.
Now every text field of every form refuses those characters (portal/text.py), and text saved before is still
exported: every workbook the portal writes opens, shows the text without them, and never as a formula.
"""

import io
from datetime import date
from decimal import Decimal

import django_filters
import pytest
from django import forms
from django.contrib.auth.forms import UsernameField
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from campaigns.movement.models import Recognition, Task, TaskUpdate
from campaigns.results import services
from campaigns.results.models import Period, Result
from portal.spreadsheets import text_cell_value, write_text
from portal.text import strip_illegal
from reports.exports import xlsx_bytes
from reports.summaries import annual_snapshot
from tests.security.conftest import assert_refused_in_vietnamese
from wards.models import Neighbourhood

# What XML 1.0 cannot carry (NUL aside: Django's own validator refuses it), each written as the message names it.
ILLEGAL = {
    "\x01": "U+0001",
    "\x08": "U+0008",
    "\x0b": "U+000B",
    "\x0c": "U+000C",
    "\x1f": "U+001F",
    "\ufffe": "U+FFFE",
    "\uffff": "U+FFFF",
    "\ud800": "U+D800",  # a lone surrogate
}
LEGAL = "Tab\tvà xuống dòng\r\nbiểu tượng 😀, ký tự thay thế \ufffd, \u00a0khoảng trắng"
FORMULA = '=HYPERLINK("http://evil.example","bấm vào đây")'
MESSAGE = "The text holds a character that cannot be saved (%s); delete it and type the text again."


@pytest.fixture
def _english():
    with translation.override("en"):
        yield


# --- refused where text comes in ---------------------------------------------------------------------------


def _fields() -> dict[str, forms.Field]:
    return {
        "char-field": forms.CharField(),
        "textarea": forms.CharField(widget=forms.Textarea, required=False),
        "model-form-field": modelform_factory(Recognition, fields=["decision_number"]).base_fields["decision_number"],
        "filter-field": django_filters.CharFilter().field,
        "username": UsernameField(),
    }


@pytest.mark.usefixtures("_english")
@pytest.mark.parametrize("char", ILLEGAL)
@pytest.mark.parametrize("name", list(_fields()))
def test_every_text_field_refuses_a_character_xml_cannot_carry(name, char):
    field = _fields()[name]
    with pytest.raises(ValidationError) as caught:
        field.clean(f"Quyết{char}định")  # inside the text: .strip() would take some away at its ends
    assert caught.value.messages == [MESSAGE % ILLEGAL[char]]


@pytest.mark.usefixtures("_english")
def test_legal_text_is_kept_and_nul_is_reported_once():
    assert forms.CharField(strip=False).clean(LEGAL) == LEGAL
    with pytest.raises(ValidationError) as caught:
        forms.CharField().clean("Quyết\x00định")
    assert caught.value.messages == ["Null characters are not allowed."]


def _task_update(w, value) -> dict:
    return {"text": value, "version": str(w.task.version)}


def _task_create(w, value) -> dict:
    return {
        "title": value,
        "ward": w.ward_a.pk,
        "neighbourhood": w.hood_a.pk,
        "start": "21/11/2026",
        "due": "30/11/2026",
        "target_value": "5",
        "progress": "0",
    }


TEXT_BOXES = {
    "task-update-text": (lambda w: reverse("campaigns:task-update", args=[w.task.pk]), _task_update, "text"),
    "task-create-title": (lambda w: reverse("campaigns:task-create", args=[w.campaign.pk]), _task_create, "title"),
    "entry-note": (
        lambda w: reverse("campaigns:entry-neighbourhood", args=[w.period.pk, w.hood_a.pk]),
        lambda w, value: {f"n_{w.indicators['I.1'].pk}": value, f"v_{w.indicators['I.1'].pk}": "95"},
        None,  # named after the indicator's id
    ),
}


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\x0b"])
@pytest.mark.parametrize("box", TEXT_BOXES)
def test_forms_refuse_the_characters_with_a_vietnamese_message_and_save_nothing(hostile_world, client_as, box, char):
    w = hostile_world
    url, post, field = TEXT_BOXES[box]
    field = field or f"n_{w.indicators['I.1'].pk}"
    before = (Task.objects.count(), TaskUpdate.objects.count(), Result.objects.count())
    response = client_as("staff_a").post(url(w), post(w, f"Đã xong{char} việc"))
    assert_refused_in_vietnamese(response, field)
    with translation.override("vi"):
        assert f"({ILLEGAL[char]})" in " ".join(str(e) for e in response.context["form"].errors[field])
    assert (Task.objects.count(), TaskUpdate.objects.count(), Result.objects.count()) == before


def test_a_decision_number_with_u_fffe_is_refused(hostile_world, client_as):
    w = hostile_world
    proposed = Recognition.objects.create(ward=w.ward_a, neighbourhood=w.hood_a, year=2026, title="Tổ dân phố văn hóa")
    data = {"decision": "confirm", "decision_number": "15\ufffe/QĐ-UBND", "decision_date": "15/01/2027"}
    response = client_as("city_leader").post(reverse("campaigns:recognition-decide", args=[proposed.pk]), data)
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert (proposed.status, proposed.decision_number) == (Recognition.Status.PROPOSED, "")
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("(U+FFFE)" in m for m in shown), shown


# --- removed where text goes out ------------------------------------------------------------------------------


def test_the_text_cell_helper_keeps_text_as_text_without_illegal_characters():
    book = Workbook()
    cell = book.active["A1"]
    write_text(cell, "=1+1" + "".join(ILLEGAL) + LEGAL)
    assert (cell.value, cell.data_type) == ("=1+1" + LEGAL, "s")
    assert text_cell_value("\x00a\ud800b\ufffe") == strip_illegal("\x00a\ud800b\ufffe") == "ab"
    out = io.BytesIO()
    book.save(out)
    assert load_workbook(out)["Sheet"]["A1"].value == "=1+1" + LEGAL.replace("\r\n", "\n")


def _old_text(text: str) -> str:
    """Text as it may have been saved before the check: a formula, then U+FFFE, U+FFFF and a control character."""
    return f"{text}\ufffe\uffff\x01"


def _no_formula_anywhere(book) -> None:
    for sheet in book.worksheets:
        assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"], sheet.title


def test_the_annual_report_opens_and_shows_old_text_as_text(hostile_world):
    w = hostile_world
    Neighbourhood.objects.filter(pk=w.hood_a.pk).update(name=_old_text("=Tổ dân phố Đình Hương 1"))
    Recognition.objects.create(  # as saved before the forms refused these characters
        ward=w.ward_a,
        neighbourhood=w.hood_a,
        year=2026,
        title=_old_text(FORMULA),
        status=Recognition.Status.CONFIRMED,
        decision_number=_old_text("=1+1"),
        decision_date=date(2027, 1, 5),
    )
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
    snapshot = annual_snapshot(city=w.ward_a.city, ward=None, period=year, today=date(2027, 1, 10))

    book = load_workbook(io.BytesIO(xlsx_bytes(snapshot)))  # a corrupt workbook raises here

    (row,) = [r for r in book["Danh hiệu"].iter_rows(min_row=2) if r[3].value == FORMULA]
    assert [c.value for c in row[1:]] == ["=Tổ dân phố Đình Hương 1", w.ward_a.name, FORMULA, "=1+1 ngày 05/01/2027"]
    assert all(c.data_type == "s" for c in row[1:])
    _no_formula_anywhere(book)


def test_the_excel_template_opens_and_shows_old_text_as_text(hostile_world, client_as):
    w = hostile_world
    Neighbourhood.objects.filter(pk=w.hood_a.pk).update(name=_old_text("=Tổ dân phố Đình Hương 1"))
    submission = services.submission_for(w.hood_a, w.period)
    Result.objects.create(
        submission=submission, indicator=w.indicators["I.1"], value=Decimal("95"), note=_old_text(FORMULA)
    )
    response = client_as("staff_a").get(reverse("campaigns:excel-template", args=[w.ward_a.code, w.period.pk]))
    assert response.status_code == 200

    book = load_workbook(io.BytesIO(response.content))  # a corrupt workbook raises here

    (row,) = [r for r in book["Kết quả"].iter_rows(min_row=2) if r[0].value == w.hood_a.pk and r[2].value == "I.1"]
    assert (row[1].value, row[1].data_type) == ("=Tổ dân phố Đình Hương 1", "s")
    assert (row[5].value, row[6].value, row[6].data_type) == (95, FORMULA, "s")
    _no_formula_anywhere(book)
