"""Hostile numbers in every numeric field of every form, in the filters' numbers and in the imports.

Finding 1 (number bombs: "1e9999999" made a worker spend its CPU converting it) and the number classes of
finding 7 (numeric overflow from 1e14, profile figures above 2³¹, a blank-space figure, integer digit
limits). Each field is listed with the database column it is saved to: the column, not the form, is the
oracle of what overflows. A refused number comes back as the form, with a Vietnamese message on the field,
and nothing saved.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from openpyxl import Workbook

from campaigns.criteria.models import Indicator
from campaigns.movement.models import PartyCellRating, Target, Task, TaskUpdate
from campaigns.results.models import Result
from portal import numbers
from portal.numbers import NumberError, NumberField, parse_number
from tests.security.conftest import VIETNAMESE, assert_refused_in_vietnamese
from wards.models import Neighbourhood, Profile

# --- the fields -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """One numeric field of a form: who posts it, where, a valid post around it and the column it is saved to."""

    id: str
    role: str
    url: Callable
    post: Callable  # the world → a post every other field of which is valid
    field: str  # the name it is posted under
    column: models.Field
    saved: Callable  # the world → what the form changes when it saves, to compare before and after


def _profile_post(w) -> dict:
    return {
        "households": "500",
        "people": "1.800",
        "poor_households": "3",
        "near_poor_households": "4",
        "party_members": "60",
        "version": "",
    }


def _hood_profile_post(w) -> dict:
    return {**_profile_post(w), "version": str(Profile.objects.get(neighbourhood=w.hood_a, year=2026).version)}


def _profiles(w):
    return list(Profile.objects.order_by("pk").values_list(*Profile.FIGURES, "version"))


def _results(w):
    return list(Result.objects.order_by("pk").values_list("indicator_id", "value", "version"))


def _campaign_post(w, **rows) -> dict:
    return {
        "name": "Tháng cao điểm vệ sinh môi trường",
        "kind": "thematic",
        "ward": w.ward_a.pk,
        "start": "01/12/2026",
        "end": "31/12/2026",
        "goal": "",
        "wards": [w.ward_a.pk],
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-name": "Thu gom rác thải",
        "targets-0-unit": "tấn",
        "targets-0-value": "12,5",
        **rows,
    }


def _campaign_edit_post(w) -> dict:
    return _campaign_post(
        w,
        **{
            "name": w.campaign.name,
            "start": "01/11/2026",
            "wards": [w.ward_a.pk, w.ward_b.pk],
            "targets-INITIAL_FORMS": "1",
            "targets-0-id": str(w.target.pk),
            "targets-0-name": w.target.name,
            "targets-0-value": "50",
        },
    )


def _campaigns(w):
    return list(Target.objects.order_by("pk").values_list("campaign_id", "value"))


def _task_post(w) -> dict:
    return {
        "title": "Treo băng rôn tại 5 tuyến phố",
        "ward": w.ward_a.pk,
        "neighbourhood": w.hood_a.pk,
        "start": "21/11/2026",
        "due": "30/11/2026",
        "target_value": "5",
        "progress": "0",
    }


def _tasks(w):
    return list(Task.objects.order_by("pk").values_list("target_value", "reached_value", "progress", "version"))


def _update_post(w) -> dict:
    return {"text": "Đã lắp 5 biển", "version": str(Task.objects.get(pk=w.task.pk).version)}


def _rating_post(w) -> dict:
    prefix = f"c{w.cell_a.pk}"
    return {"cell": w.cell_a.pk, f"{prefix}-score": "85,5", f"{prefix}-members": "14"}


def _ratings(w):
    return list(PartyCellRating.objects.order_by("pk").values_list("score", "members"))


def _indicators(w):
    return list(Indicator.objects.order_by("pk").values_list("threshold", "zone_thresholds"))


def _import_post(w) -> dict:
    name, content = _neighbourhood_file(w.ward_a.code, "210", "702", kind="csv")
    return {"file": SimpleUploadedFile(name, content), "year": "2026"}


def _hoods(w):
    return list(Neighbourhood.objects.order_by("pk").values_list("name", flat=True)), _profiles(w)


def _entry(unit: str, code: str) -> Box:
    def url(w):
        if unit == "ward":
            return reverse("campaigns:entry-ward", args=[w.period.pk, w.ward_a.code])
        return reverse("campaigns:entry-neighbourhood", args=[w.period.pk, w.hood_a.pk])

    return Box(
        f"entry-{unit}-{code}",
        "staff_a",
        url,
        lambda w: {},
        "",  # set per world: the field is named after the indicator's id
        Result._meta.get_field("value"),
        _results,
    )


def _field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)


def _profile_boxes() -> list[Box]:
    ward_url = lambda w: reverse("wards:ward-profile-edit", args=[w.ward_a.code, 2026])  # noqa: E731
    hood_url = lambda w: reverse("wards:neighbourhood-profile-edit", args=[w.hood_a.pk, 2026])  # noqa: E731
    return [
        *(
            Box(f"ward-profile-{f}", "staff_a", ward_url, _profile_post, f, _field(Profile, f), _profiles)
            for f in Profile.FIGURES
        ),
        *(
            Box(f"neighbourhood-profile-{f}", "staff_a", hood_url, _hood_profile_post, f, _field(Profile, f), _profiles)
            for f in Profile.FIGURES
        ),
    ]


BOXES = [
    *_profile_boxes(),
    _entry("ward", "3.2"),  # a count
    _entry("ward", "6.2"),  # an amount
    _entry("neighbourhood", "I.1"),  # a percentage
    Box(
        "campaign-create-target",
        "leader_a",
        lambda w: reverse("campaigns:campaign-create"),
        _campaign_post,
        "targets-0-value",
        _field(Target, "value"),
        _campaigns,
    ),
    Box(
        "campaign-edit-target",
        "admin",
        lambda w: reverse("campaigns:campaign-edit", args=[w.campaign.pk]),
        _campaign_edit_post,
        "targets-0-value",
        _field(Target, "value"),
        _campaigns,
    ),
    *(
        Box(
            f"task-create-{f}",
            "staff_a",
            lambda w: reverse("campaigns:task-create", args=[w.campaign.pk]),
            _task_post,
            f,
            _field(Task, f),
            _tasks,
        )
        for f in ("target_value", "progress")
    ),
    *(
        Box(
            f"task-update-{f}",
            "staff_a",
            lambda w: reverse("campaigns:task-update", args=[w.task.pk]),
            _update_post,
            f,
            _field(TaskUpdate, f),
            _tasks,
        )
        for f in ("figure", "progress")
    ),
    *(
        Box(
            f"party-cell-rating-{f}",
            "staff_a",
            lambda w: reverse("campaigns:party-cells", args=[w.ward_a.code, 2025]),
            _rating_post,
            f,
            _field(PartyCellRating, f),
            _ratings,
        )
        for f in ("score", "members")
    ),
    *(
        Box(
            f"indicator-{f}",
            "admin",
            lambda w: reverse("campaigns:indicator-edit", args=[w.indicators["I.1"].pk]),
            lambda w: {"threshold": "90", "reason": ""},
            f,
            _field(Indicator, "threshold"),
            _indicators,
        )
        for f in ("threshold", "zone_mien_nui")
    ),
    Box(
        "neighbourhood-import-year",
        "staff_a",
        lambda w: reverse("wards:neighbourhood-import", args=[w.ward_a.code]),
        _import_post,
        "year",
        _field(Profile, "year"),
        _hoods,
    ),
]
BOX_IDS = [b.id for b in BOXES]


def _posted_name(box: Box, w) -> str:
    if box.id.startswith("entry-"):
        return f"v_{w.indicators[box.id.rsplit('-', 1)[1]].pk}"
    field = box.field
    return f"c{w.cell_a.pk}-{field}" if box.id.startswith("party-cell-rating-") else field


def post_into(box: Box, w, client_as, value):
    name = _posted_name(box, w)
    data = {**box.post(w), name: value}
    return name, client_as(box.role).post(box.url(w), data)


def assert_refused(box: Box, w, client_as, value) -> None:
    before = box.saved(w)
    name, response = post_into(box, w, client_as, value)
    assert_refused_in_vietnamese(response, name)
    assert box.saved(w) == before, f"{box.id}: {value[:40]!r} changed what is saved"


def largest(column: models.Field) -> int:
    """One more than the largest whole number `column` holds on PostgreSQL (the oracle, not the form's bound)."""
    if isinstance(column, models.DecimalField):
        return 10 ** (column.max_digits - column.decimal_places)
    small = isinstance(column, (models.SmallIntegerField, models.PositiveSmallIntegerField))
    return 2**15 if small else 2**31


# --- finding 1: number bombs ------------------------------------------------------------------------------------

BOMBS = [
    "1e9999999",
    "9e999999999999999999",
    "-1E+99999999",
    "1e-9999999",
    "1" * 10_000,
    "9" * 4_300 + ",5",
    "1" + "0" * 60,
    "0," + "0" * 5_000 + "1",
    "１２３",  # full-width digits: str.isdigit() and Decimal() read them
    "١٢٣",  # Arabic-Indic digits
    "+5",
    "1_000",
    "NaN",
    "Infinity",
    "0x1F",
]


@pytest.mark.parametrize("bomb", BOMBS, ids=range(len(BOMBS)))
def test_number_bomb_is_refused_before_anything_converts_it(bomb):
    """A fixed-cost refusal: parse_number and NumberField never build a Decimal or int from such a text."""

    class NoConversion(Decimal):
        def __new__(cls, *args, **kwargs):
            raise AssertionError("converted before being checked")

    with mock.patch.object(numbers, "Decimal", NoConversion):
        with pytest.raises(NumberError):
            parse_number(bomb)
        for field in (NumberField(), NumberField(whole=True), NumberField(max_digits=18, decimal_places=4)):
            with pytest.raises(numbers.forms.ValidationError):
                field.clean(bomb)


def test_number_bomb_in_a_spreadsheet_cell_is_refused_without_writing_its_digits_out():
    """A number a program gives (an Excel cell) is bounded by its exponent: 1E+9999999 is never expanded."""
    with pytest.raises(NumberError):
        parse_number(Decimal("1E+9999999"), max_digits=18, decimal_places=4)
    with pytest.raises(NumberError):
        parse_number(float("inf"))
    assert parse_number(Decimal("1E+13"), max_digits=18, decimal_places=4) == 10**13


@pytest.mark.parametrize("box", BOXES, ids=BOX_IDS)
def test_number_bomb_gets_a_vietnamese_form_error_in_every_numeric_field(hostile_world, client_as, box):
    for bomb in BOMBS:
        assert_refused(box, hostile_world, client_as, bomb)


# --- finding 7: numeric overflow, profile figures above 2³¹, integer digit limits ---------------------------------


@pytest.mark.parametrize("box", BOXES, ids=BOX_IDS)
def test_numeric_overflow_of_the_column_gets_a_vietnamese_form_error(hostile_world, client_as, box):
    """One more than the column holds, written plainly and in Vietnamese groups; and 1e14 as people type it."""
    over = largest(box.column)
    grouped = f"{over:,}".replace(",", ".")
    for value in (str(over), grouped, str(over * 10**6), "1e14", "-" + str(over)):
        assert_refused(box, hostile_world, client_as, value)


@pytest.mark.parametrize("box", [b for b in BOXES if isinstance(b.column, models.DecimalField)], ids=lambda b: b.id)
def test_numeric_overflow_of_the_decimal_places_gets_a_form_error_not_a_silent_rounding(hostile_world, client_as, box):
    places = box.column.decimal_places
    assert_refused(box, hostile_world, client_as, "1," + "0" * places + "1")


@pytest.mark.parametrize("box", BOXES, ids=BOX_IDS)
def test_integer_digit_limit_is_a_form_error_not_a_server_error(hostile_world, client_as, box):
    """Python refuses int() of more than 4.300 digits with a ValueError; such a text never gets that far."""
    for value in ("9" * 4_301, "9" * 5_000, "1" + "0" * 50_000):
        assert_refused(box, hostile_world, client_as, value)


# --- finding 7: a blank-space figure -----------------------------------------------------------------------------

# Spaces that str.strip() removes and ones it keeps (a zero-width space, a byte-order mark).
BLANKS = ["\u3000", "\u00a0\u00a0", "\u2003", "\t", "\u200b", "\ufeff", "\u200b\u3000"]
REQUIRED = [b for b in BOXES if b.id.startswith(("ward-profile", "neighbourhood-profile", "campaign-", "party-"))]


@pytest.mark.parametrize("box", REQUIRED, ids=lambda b: b.id)
def test_blank_space_figure_gets_a_vietnamese_form_error(hostile_world, client_as, box):
    for blank in BLANKS:
        assert_refused(box, hostile_world, client_as, blank)


@pytest.mark.parametrize("box", [b for b in BOXES if b.id.startswith(("task-", "entry-"))], ids=lambda b: b.id)
def test_blank_space_in_an_optional_figure_is_nothing_entered_or_an_error(hostile_world, client_as, box):
    for blank in BLANKS:
        name, response = post_into(box, hostile_world, client_as, blank)
        assert response.status_code in (200, 302), f"{box.id}: {blank!r} answered {response.status_code}"


# --- finding 7: integer digit limits in the filters' numbers (?year=, ?period=, ?set=, ?request=) --------------

FILTERS = [
    ("city-detail", "staff_a", lambda w: reverse("wards:city-detail", args=[w.ward_a.city.code]), "year"),
    ("commitment-list", "staff_a", lambda w: reverse("campaigns:commitment-list"), "year"),
    ("commitment-create", "staff_a", lambda w: reverse("campaigns:commitment-create"), "request"),
    ("recognition-list", "city_leader", lambda w: reverse("campaigns:recognition-list"), "year"),
    ("dashboard-period", "city_leader", lambda w: reverse("reports:dashboard"), "period"),
    ("dashboard-set", "city_leader", lambda w: reverse("reports:dashboard"), "set"),
    ("ward-dashboard-period", "staff_a", lambda w: reverse("reports:ward-dashboard", args=[w.ward_a.code]), "period"),
    ("ward-dashboard-set", "staff_a", lambda w: reverse("reports:ward-dashboard", args=[w.ward_a.code]), "set"),
    ("task-list-page", "staff_a", lambda w: reverse("campaigns:task-list"), "page"),
    ("search-page", "staff_a", lambda w: reverse("wards:search") + "?q=dinh", "page"),
]
ID_BOMBS = ["9" * 5_000, "²", "١٢", "１２", "1e9999999", "-1", "99999999999999999999", "0"]


@pytest.mark.parametrize(("page", "role", "url", "param"), FILTERS, ids=[f[0] for f in FILTERS])
def test_integer_digit_limit_in_a_filter_number_is_no_server_error(hostile_world, client_as, page, role, url, param):
    client = client_as(role)
    for value in ID_BOMBS:
        response = client.get(url(hostile_world), {param: value})
        assert response.status_code == 200, f"{page} ?{param}={value[:20]!r}: {response.status_code}"


# --- finding 7: integer digit limits and overflow in the imports --------------------------------------------------


def _neighbourhood_file(code: str, households: str, people: str, kind: str) -> tuple[str, bytes]:
    rows = [["Mã phường/xã", "Tên", "Loại", "Số hộ", "Số nhân khẩu"], [code, "Phố Lê Lai", "phố", households, people]]
    if kind == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        return "thon.csv", text.getvalue().encode()
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return "thon.xlsx", out.getvalue()


IMPORT_ROWS = [
    ("9" * 5_000, "210", "702"),  # a ward code of thousands of digits
    ("14797", "9" * 5_000, "9" * 5_000),
    ("14797", "2.147.483.648", "3000000000"),  # above 2³¹
    ("14797", "1e9999999", "702"),
    ("14797", "\u3000", "702"),
    ("14797", "１２", "702"),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("row", IMPORT_ROWS, ids=range(len(IMPORT_ROWS)))
def test_integer_digit_limit_and_overflow_in_the_neighbourhood_import_are_row_errors(
    hostile_world, client_as, kind, row
):
    name, content = _neighbourhood_file(*row, kind=kind)
    before = _hoods(hostile_world)
    response = client_as("staff_a").post(
        reverse("wards:neighbourhood-import", args=[hostile_world.ward_a.code]),
        {"file": SimpleUploadedFile(name, content), "year": "2026"},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result is not None and result.errors
    assert all(VIETNAMESE.search(str(e.message)) for e in result.errors), [e.message for e in result.errors]
    assert _hoods(hostile_world) == before


def _results_workbook(w, unit, code, value) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả"
    sheet.append(["Mã thôn/TDP", "Thôn, tổ dân phố", "Mã chỉ tiêu", "Chỉ tiêu", "Ngưỡng", "Giá trị", "Ghi chú"])
    sheet.append([unit, w.hood_a.name, code, "", "", value, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXCEL_CELLS = [
    ("hood", "I.1", "1e9999999"),
    ("hood", "I.1", "9" * 5_000),
    ("hood", "I.1", "１２"),
    ("hood", "I.1", 1e300),
    ("9" * 5_000, "I.1", 95),  # a neighbourhood id of thousands of digits
    ("²", "I.1", 95),
]


@pytest.mark.parametrize(("unit", "code", "value"), EXCEL_CELLS, ids=range(len(EXCEL_CELLS)))
def test_integer_digit_limit_and_number_bombs_in_an_excel_upload_are_cell_errors(
    hostile_world, client_as, unit, code, value
):
    w = hostile_world
    content = _results_workbook(w, w.hood_a.pk if unit == "hood" else unit, code, value)
    before = _results(w)
    response = client_as("staff_a").post(
        reverse("campaigns:excel-upload", args=[w.ward_a.code, w.period.pk]),
        {"file": SimpleUploadedFile("ket-qua.xlsx", content)},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result is not None and result.errors and not response.context["token"]
    assert all(VIETNAMESE.search(str(e.message)) for e in result.errors), [e.message for e in result.errors]
    assert _results(w) == before
