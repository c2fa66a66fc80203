"""Accessibility of every other page a person can reach, in a real browser, on a desktop and on a phone: axe-core
finds no critical or serious violation, and on a phone every control is a tap target of at least 44 px.

test_accessibility.py checks the pages people use most, one test a page; here each role logs in once and goes
through all of its other pages in one test, and every failure of every page is reported together. Some pages
are shown after a form is sent (an Excel file with errors and its preview, an import with errors, the
confirmation of a bulk approval, the lockout): the test sends it as a person would, then checks what is shown.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from openpyxl import load_workbook
from playwright.sync_api import expect

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.movement.models import Recognition
from campaigns.movement.services import commitments as commitment_services
from campaigns.movement.services import ratings as rating_services
from campaigns.results import excel
from campaigns.results.models import Result, Submission
from reports import schedules
from tests.e2e.axe_pages import DESKTOP, MIN_TARGET_PX, PHONE, blocking_violations, describe, small_targets
from tests.e2e.axe_pages import _in_november as _in_november  # noqa: F401 - autouse fixture
from tests.e2e.axe_pages import criteria_set as criteria_set  # noqa: F401 - fixture
from tests.e2e.axe_pages import ward_world as ward_world  # noqa: F401 - fixture
from tests.factories import PartyCellFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WARD_SET = "campaigns/criteria/sets/qd-04-2022-do-thi-van-minh.yaml"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _schedule_pk() -> int:
    """A schedule an administrator may change; the data migrations' rows, made again if a flush took them."""
    from importlib import import_module

    from django.apps import apps

    if not schedules.editable().exists():
        for module, step in (
            ("reports.migrations.0002_schedules", "create"),
            ("reports.migrations.0006_lease_sweep_schedule", "create"),
            ("campaigns.migrations.0004_reminder_schedule", "create"),
            ("campaigns.movement.migrations.0002_reminder_task_name", "forward"),
        ):
            getattr(import_module(module), step)(apps, None)
    return schedules.editable().order_by("pk").values_list("pk", flat=True)[0]


@pytest.fixture
def more_world(ward_world, city, ward_a, hood_a, staff_a, city_leader):
    """ward_world and what the other pages show: a party cell rated, a commitment with its scan, a request
    to sign, a proposed title, a ward criteria set without results (its indicators may still be changed)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    cell = PartyCellFactory(ward=ward_a, neighbourhood=hood_a, name="Chi bộ Đình Hương 1")
    rating_services.party_cell_rate(user=staff_a, party_cell=cell, year=2026, score=92, members=31, note="")
    asked = commitment_services.commitment_request_create(
        user=city_leader,
        city=city,
        data={
            "topic": "fireworks",
            "title": "Cam kết không sử dụng pháo nổ Tết Đinh Mùi 2027",
            "period_start": date(2026, 12, 1),
            "period_end": date(2027, 2, 28),
            "deadline": date(2026, 12, 15),
        },
        wards=[ward_a],
    )
    commitment = commitment_services.commitment_record(
        user=staff_a,
        data={
            "ward": ward_a,
            "topic": "security",
            "signer": "Lê Văn Nam",
            "signer_title": "Chủ tịch UBND phường",
            "signed_on": date(2026, 1, 1),
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "request": None,
        },
        document=SimpleUploadedFile("cam-ket.pdf", PDF, content_type="application/pdf"),
    )
    Recognition.objects.create(ward=ward_a, neighbourhood=hood_a, year=2026, title="Tổ dân phố văn hóa")
    ward_set = criteria_set_load_file(WARD_SET)[0]
    staff_a.email = "canbo1@example.vn"
    staff_a.save(update_fields=["email"])
    waiting = Submission.objects.get(neighbourhood=ward_world["hoods"][0], period=ward_world["november"])
    return {
        **ward_world,
        "cell": cell,
        "request": asked,
        "commitment": commitment,
        "ward_set": ward_set,
        "indicator": Indicator.objects.filter(criterion__criteria_set=ward_set, kind="percent").order_by("pk").first(),
        "result": Result.objects.filter(submission=waiting, evidence__isnull=False).first(),
        "criterion": ward_world["criteria_set"].criteria.order_by("pk").first(),
        "staff": staff_a,
    }


@dataclass(frozen=True)
class Visit:
    """A page to check: its address from the world, and what a person does there first (send a form)."""

    name: str
    path: Callable[[dict], str]
    then: Callable[[object, dict, object], None] | None = None


def _ward(w) -> str:
    return w["ward"].code


def _excel_file(w, tmp_path, *, bad: bool) -> str:
    """The ward's Excel template for November with one value typed in: a wrong one, or a good one."""
    book = load_workbook(io.BytesIO(excel.template_build(ward=w["ward"], period=w["november"])))
    sheet = book["Kết quả"]
    hood = w["hoods"][3].name  # not started: its values may be changed
    for cells in sheet.iter_rows(min_row=2):
        if cells[1].value == hood and cells[2].value == "II.2":
            cells[5].value = "nhiều" if bad else "97"
            break
    else:
        raise AssertionError("the template has no row for II.2 of Thôn Đông Sơn")
    path = tmp_path / ("sai.xlsx" if bad else "dung.xlsx")
    book.save(path)
    return str(path)


def _upload(bad: bool):
    def _send(page, w, tmp_path):
        page.locator("input[type=file][name=file]").set_input_files(_excel_file(w, tmp_path, bad=bad))
        with page.expect_navigation():
            page.locator('form[enctype="multipart/form-data"] button[type=submit]').click()
        expect(page.locator("table.excel-errors" if bad else "table.excel-preview")).to_be_visible()

    return _send


def _confirm_upload(page, w, tmp_path):
    """Upload a good file and confirm it: the page comes back with the next step, sending the drafts."""
    _upload(bad=False)(page, w, tmp_path)
    with page.expect_navigation():
        page.locator("button[name=confirm]").click()
    expect(page.get_by_test_id("excel-next-step")).to_be_visible()


def _import_with_errors(page, w, tmp_path):
    path = tmp_path / "to-dan-pho.csv"
    path.write_text("Mã phường,Tên,Loại,Số hộ,Số dân\n99999,,tổ,nhiều,-1\n", encoding="utf-8")
    page.locator("input[type=file][name=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.locator('form[enctype="multipart/form-data"] button[type=submit]').click()
    expect(page.locator(".alert-danger").first).to_be_visible()


def _send_wrong(page, w, tmp_path):
    """Send the page's form with every text field reading "x": it comes back with its errors shown."""
    form = page.locator("main form[method=post]").last
    for field in form.locator("input[type=text]:visible, input:not([type]):visible").all():
        field.fill("x")
    with page.expect_navigation():
        form.locator("button[type=submit], button:not([type])").last.click()
    expect(page.locator("main :is(.invalid-feedback, .errorlist, .alert-danger)").first).to_be_visible()


def _tick_and_approve(page, w, tmp_path):
    """On the review page: tick the neighbourhood waiting, press the bulk approval; the confirmation shows."""
    waiting = Submission.objects.get(neighbourhood=w["hoods"][0], period=w["november"])
    page.locator(f"#approve-{waiting.pk}").check()
    with page.expect_navigation():
        page.locator("#bulk-approve button[type=submit]").click()
    expect(page.get_by_test_id("approve-confirm")).to_be_visible()


def _lock_out(page, w, tmp_path):
    """Wrong passwords until the lockout page shows (it is the last page of its test: the address is locked)."""
    for _attempt in range(8):
        page.fill("#id_username", "khach-sai")
        page.fill("#id_password", "sai-mat-khau")
        with page.expect_navigation() as navigation:
            page.click("form button[type=submit]")
        if navigation.value is not None and navigation.value.status == 429:
            return
    raise AssertionError("no lockout page after 8 wrong passwords")


def _new_password_form(page, w, tmp_path):
    """The e-mailed link leads on to the form that sets a new password."""
    expect(page.locator("#id_new_password1")).to_be_visible()


def _reset_link(w) -> str:
    user = w["staff"]
    return reverse(
        "password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )


ROLES: dict[str | None, list[Visit]] = {
    # Ward staff: the unit pages and forms, the Excel month, commitments, party cells, tasks.
    "canbo1": [
        Visit("ward", lambda w: reverse("wards:ward-detail", args=[_ward(w)])),
        Visit("neighbourhood", lambda w: reverse("wards:neighbourhood-detail", args=[w["hoods"][0].pk])),
        Visit("city", lambda w: reverse("wards:city-detail", args=[w["ward"].city.code])),
        Visit("search", lambda w: reverse("wards:search") + "?q=Đình+Hương"),
        Visit("ward-profile-errors", lambda w: reverse("wards:ward-profile-edit", args=[_ward(w), 2026]), _send_wrong),
        Visit(
            "neighbourhood-profile",
            lambda w: reverse("wards:neighbourhood-profile-edit", args=[w["hoods"][0].pk, 2026]),
        ),
        Visit("import", lambda w: reverse("wards:neighbourhood-import", args=[_ward(w)])),
        Visit("import-errors", lambda w: reverse("wards:neighbourhood-import", args=[_ward(w)]), _import_with_errors),
        Visit("excel-upload", lambda w: reverse("campaigns:excel-upload", args=[_ward(w), w["november"].pk])),
        Visit(
            "excel-errors",
            lambda w: reverse("campaigns:excel-upload", args=[_ward(w), w["november"].pk]),
            _upload(bad=True),
        ),
        Visit(
            "excel-preview",
            lambda w: reverse("campaigns:excel-upload", args=[_ward(w), w["november"].pk]),
            _upload(bad=False),
        ),
        Visit(
            "excel-saved",
            lambda w: reverse("campaigns:excel-upload", args=[_ward(w), w["november"].pk]),
            _confirm_upload,
        ),
        Visit("result-history", lambda w: reverse("campaigns:result-detail", args=[w["result"].pk])),
        Visit("campaign-list", lambda w: reverse("campaigns:campaign-list")),
        Visit("campaign-new-errors", lambda w: reverse("campaigns:campaign-create"), _send_wrong),
        Visit("task-new-errors", lambda w: reverse("campaigns:task-create", args=[w["campaign"].pk]), _send_wrong),
        Visit("commitment-list", lambda w: reverse("campaigns:commitment-list")),
        Visit("commitment", lambda w: reverse("campaigns:commitment-detail", args=[w["commitment"].pk])),
        Visit(
            "commitment-new-errors",
            lambda w: reverse("campaigns:commitment-create") + f"?request={w['request'].pk}&ward={_ward(w)}",
            _send_wrong,
        ),
        Visit("commitment-request", lambda w: reverse("campaigns:commitment-request-detail", args=[w["request"].pk])),
        Visit("party-cells", lambda w: reverse("campaigns:party-cells", args=[_ward(w), 2026])),
        Visit("notifications", lambda w: reverse("campaigns:notifications")),
        Visit("briefing", lambda w: reverse("campaigns:briefing", args=[_ward(w)])),
        Visit("recognitions", lambda w: reverse("campaigns:recognition-list")),
        Visit("password-change-errors", lambda w: reverse("password_change"), _send_wrong),
        Visit("password-changed", lambda w: reverse("password_change_done")),
    ],
    # The ward leader: approving in bulk, the ward's own reports' addressee and signer, the briefing.
    "phuong1": [
        Visit("home", lambda w: reverse("home")),
        Visit(
            "bulk-approve-confirm",
            lambda w: reverse("campaigns:review", args=[_ward(w), w["november"].pk]),
            _tick_and_approve,
        ),
        Visit("briefing", lambda w: reverse("campaigns:briefing", args=[_ward(w)])),
        Visit("ward-documents", lambda w: reverse("reports:document-settings", args=[_ward(w)])),
        Visit("month-grid", lambda w: reverse("campaigns:owed-current", args=[_ward(w)])),
    ],
    # The city's leader: cities, requests to sign, titles, the criterion drill-down, the city's documents.
    "lanhdao": [
        Visit("home", lambda w: reverse("home")),
        Visit("city-list", lambda w: reverse("wards:city-list")),
        Visit("city", lambda w: reverse("wards:city-detail", args=[w["ward"].city.code])),
        Visit("ward", lambda w: reverse("wards:ward-detail", args=[_ward(w)])),
        Visit("commitment-list", lambda w: reverse("campaigns:commitment-list")),
        Visit("commitment-request-new-errors", lambda w: reverse("campaigns:commitment-request-create"), _send_wrong),
        Visit("commitment-request", lambda w: reverse("campaigns:commitment-request-detail", args=[w["request"].pk])),
        Visit("recognitions", lambda w: reverse("campaigns:recognition-list")),
        Visit("recognition-candidates", lambda w: reverse("campaigns:recognition-candidates", args=[2026])),
        Visit(
            "criterion-units",
            lambda w: reverse("reports:criterion-units", args=[w["criterion"].pk]) + f"?period={w['november'].pk}",
        ),
        Visit("city-documents", lambda w: reverse("reports:document-settings", args=[w["ward"].city.code])),
        Visit("campaign-list", lambda w: reverse("campaigns:campaign-list")),
    ],
    # The administrator: criteria, indicator thresholds, schedules, campaigns of the city.
    "quantri": [
        Visit("home", lambda w: reverse("home")),
        Visit("criteria-sets", lambda w: reverse("campaigns:set-list")),
        Visit("criteria-set-ward", lambda w: reverse("campaigns:set-detail", args=[w["ward_set"].pk])),
        Visit("indicator-errors", lambda w: reverse("campaigns:indicator-edit", args=[w["indicator"].pk]), _send_wrong),
        Visit("schedule", lambda w: reverse("reports:schedule-edit", args=[_schedule_pk()])),
        Visit("report-list", lambda w: reverse("reports:report-list")),
        Visit("campaign-new", lambda w: reverse("campaigns:campaign-create")),
        Visit("campaign-edit", lambda w: reverse("campaigns:campaign-edit", args=[w["campaign"].pk])),
        Visit("ward-entry", lambda w: reverse("campaigns:entry-ward", args=[w["november"].pk, _ward(w)])),
    ],
    # Before logging in: a forgotten password, and the lockout (last: it locks the address).
    None: [
        Visit("login-errors", lambda w: reverse("login"), _send_wrong),
        Visit("password-reset", lambda w: reverse("password_reset")),
        Visit("password-reset-sent", lambda w: reverse("password_reset_done")),
        Visit("password-reset-link", _reset_link, _new_password_form),
        Visit("password-reset-bad-link", lambda w: reverse("password_reset_confirm", args=["MQ", "sai-ma"])),
        Visit("password-reset-done", lambda w: reverse("password_reset_complete")),
        Visit("lockout", lambda w: reverse("login"), _lock_out),
    ],
}


def _check(page, live_server, world, visit: Visit, tmp_path, *, phone: bool) -> list[str]:
    """Open the page (and do what the visit does there); what axe-core and the tap targets find wrong."""
    path = visit.path(world)
    response = page.goto(f"{live_server.url}{path}")
    if response is None or response.status != 200:
        return [f"{visit.name} ({path}): answered {response and response.status}"]
    if visit.then is not None:
        visit.then(page, world, tmp_path)
    elif urlsplit(page.url).path != urlsplit(path).path:  # sent elsewhere: the page itself was never seen
        return [f"{visit.name} ({path}): redirected to {page.url}"]
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    failures = []
    blocking = blocking_violations(page)
    if blocking:
        failures.append(f"axe-core on {visit.name} ({path}, {width}px wide):\n{describe(blocking)}")
    if phone:
        offenders = small_targets(page)
        if offenders:
            failures.append(
                f"tap targets under {MIN_TARGET_PX} px on {visit.name} ({path}):\n"
                + "\n".join(f"- {offender}" for offender in offenders)
            )
    return failures


@pytest.mark.parametrize("context_options", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
@pytest.mark.parametrize("role", list(ROLES), ids=[role or "anonymous" for role in ROLES])
def test_every_other_page_has_no_serious_axe_violation_and_44px_targets_on_a_phone(
    role, context_options, more_world, login, page, live_server, tmp_path
):
    if role:
        login(role)
    phone = bool(context_options.get("is_mobile"))
    failures = []
    for visit in ROLES[role]:
        failures += _check(page, live_server, more_world, visit, tmp_path, phone=phone)
    assert failures == [], f"{len(failures)} page(s) fail for {role or 'anonymous'}:\n\n" + "\n\n".join(failures)
