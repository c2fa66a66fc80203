"""Bulk actions: staff send many drafts at once, the ward leader approves many units after confirming.

Dates are pinned to 20/11/2026 (Hà Nội time): the current month is 11/2026. Clients read the site in
English (language cookie "en") so that messages are matched word for word; a few checks read the
Vietnamese the person sees.
"""

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import tinyhtml5
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.results import bulk, services
from campaigns.results.models import Period, Submission
from campaigns.results.periods import periods_ensure
from campaigns.results.views.bulk import OUTCOME_KEY
from portal.models import HistoryEntry
from portal.numbers import parse_number
from tests.factories import NeighbourhoodFactory, ProfileFactory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=HANOI)
HOOD_SET = Path(settings.BASE_DIR) / "campaigns/criteria/sets/nd-86-2023-thon-tdp-van-hoa.yaml"

# Every indicator staff enter in the neighbourhood set (I.2 is computed from the profile), all met.
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
Status = Submission.Status


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def hood_set(db):
    criteria_set, _outcome = criteria_set_load_file(HOOD_SET)
    return criteria_set


@pytest.fixture
def period(hood_set):
    periods_ensure(2026)
    return Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11)


def client_for(user, language="en") -> Client:
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def hood(ward, name):
    unit = NeighbourhoodFactory(ward=ward, name=name)
    ProfileFactory(neighbourhood=unit, year=2026)
    return unit


def draft(unit, period, user, values=ALL_MET) -> Submission:
    """The unit's submission with `values` saved through the service, as the entry form saves them."""
    submission = services.submission_for(unit, period)
    entered = {}
    for code, raw in values.items():
        indicator = Indicator.objects.get(criterion__criteria_set=submission.criteria_set, code=code)
        entered[indicator.pk] = {"value": parse_number(raw), "text": "", "note": ""}
    services.results_save(submission=submission, user=user, values=entered, versions={})
    submission.refresh_from_db()
    return submission


def status_of(submission) -> str:
    return Submission.objects.get(pk=submission.pk).status


def history(submission, action) -> int:
    return HistoryEntry.objects.for_object(submission).filter(action=action).count()


@pytest.fixture
def mixed(ward_a, staff_a, leader_a, period):
    """Six neighbourhoods of Phường Hạc Thành in every state a bulk send meets."""
    full = draft(hood(ward_a, "Tổ dân phố Đình Hương 1"), period, staff_a)
    returned = draft(hood(ward_a, "Tổ dân phố Đình Hương 2"), period, staff_a)
    services.submission_submit(submission=returned, user=staff_a)
    services.submission_return(submission=returned, user=leader_a, reason="Kiểm tra lại II.4")
    partial = draft(hood(ward_a, "Tổ dân phố Đình Hương 3"), period, staff_a, {"I.1": "95", "I.3": "1"})
    empty = services.submission_for(hood(ward_a, "Tổ dân phố Đình Hương 4"), period)
    sent = draft(hood(ward_a, "Tổ dân phố Đình Hương 5"), period, staff_a)
    services.submission_submit(submission=sent, user=staff_a)
    approved = draft(hood(ward_a, "Tổ dân phố Đình Hương 6"), period, staff_a)
    services.submission_submit(submission=approved, user=staff_a)
    services.submission_approve(submission=approved, user=leader_a)
    return {
        "full": full,
        "returned": returned,
        "partial": partial,
        "empty": empty,
        "sent": sent,
        "approved": approved,
    }


def ids(*submissions) -> list[int]:
    return [s.pk for s in submissions]


# --- the service: sending ------------------------------------------------------------------------


def test_bulk_submit_sends_the_ready_drafts_and_says_why_not_for_the_others(mixed, ward_a, staff_a, period):
    with translation.override("en"):
        outcome = bulk.submissions_submit(ward=ward_a, period=period, user=staff_a, submission_ids=ids(*mixed.values()))
    assert [s.pk for s in outcome.done] == ids(mixed["full"], mixed["returned"])
    assert status_of(mixed["full"]) == status_of(mixed["returned"]) == Status.SUBMITTED
    assert Submission.objects.get(pk=mixed["full"].pk).submitted_by == staff_a
    assert [(r.unit, r.reason) for r in outcome.refused] == [
        ("Tổ dân phố Đình Hương 3", "9 indicators have no value yet; open its form and check them"),
        ("Tổ dân phố Đình Hương 4", "nothing entered yet"),
        ("Tổ dân phố Đình Hương 5", "already sent to the ward leader"),
        ("Tổ dân phố Đình Hương 6", "already approved"),
    ]
    assert outcome.not_found == 0
    assert status_of(mixed["partial"]) == status_of(mixed["empty"]) == Status.DRAFT
    assert status_of(mixed["approved"]) == Status.APPROVED


def test_the_reasons_are_said_in_vietnamese(mixed, ward_a, staff_a, period):
    with translation.override("vi"):
        outcome = bulk.submissions_submit(
            ward=ward_a, period=period, user=staff_a, submission_ids=ids(mixed["partial"], mixed["empty"])
        )
    reasons = [r.reason for r in outcome.refused]
    assert reasons == ["còn 9 chỉ tiêu chưa nhập; hãy mở phiếu của đơn vị để kiểm tra", "chưa nhập chỉ tiêu nào"]


def test_each_unit_sent_has_its_own_history_entry(mixed, ward_a, staff_a, period):
    before = {key: history(s, "submit") for key, s in mixed.items()}
    bulk.submissions_submit(ward=ward_a, period=period, user=staff_a, submission_ids=ids(*mixed.values()))
    after = {key: history(s, "submit") for key, s in mixed.items()}
    gained = {key: after[key] - before[key] for key in mixed}
    assert gained == {"full": 1, "returned": 1, "partial": 0, "empty": 0, "sent": 0, "approved": 0}
    entry = HistoryEntry.objects.for_object(mixed["full"]).get(action="submit")
    assert entry.user == staff_a


def test_a_unit_refused_midway_does_not_undo_those_sent_before_it(ward_a, staff_a, period, monkeypatch):
    first, second = (draft(hood(ward_a, f"Tổ dân phố Hạc Thành {n}"), period, staff_a) for n in (1, 2))
    real_submit = services.submission_submit

    def lock_after_the_first(*, submission, user):
        done = real_submit(submission=submission, user=user)
        Period.objects.filter(pk=period.pk).update(is_locked=True)  # an administrator locks the month meanwhile
        return done

    monkeypatch.setattr(services, "submission_submit", lock_after_the_first)
    with translation.override("en"):
        outcome = bulk.submissions_submit(ward=ward_a, period=period, user=staff_a, submission_ids=ids(first, second))
    assert [s.pk for s in outcome.done] == [first.pk]
    assert [(r.unit, r.reason) for r in outcome.refused] == [("Tổ dân phố Hạc Thành 2", "This period is locked.")]
    assert status_of(first) == Status.SUBMITTED and history(first, "submit") == 1
    assert status_of(second) == Status.DRAFT and history(second, "submit") == 0


def test_a_locked_period_refuses_every_unit(ward_a, staff_a, period):
    units = [draft(hood(ward_a, f"Tổ dân phố Hạc Thành {n}"), period, staff_a) for n in (1, 2)]
    Period.objects.filter(pk=period.pk).update(is_locked=True)
    with translation.override("en"):
        outcome = bulk.submissions_submit(ward=ward_a, period=period, user=staff_a, submission_ids=ids(*units))
    assert outcome.done == []
    assert [r.reason for r in outcome.refused] == ["the period is locked"] * 2
    assert {status_of(s) for s in units} == {Status.DRAFT}


def test_ids_of_another_ward_period_or_level_are_not_found_and_never_touched(
    ward_a, ward_b, staff_a, staff_b, period, hood_set
):
    own = draft(hood(ward_a, "Tổ dân phố Đình Hương 1"), period, staff_a)
    other_ward = draft(hood(ward_b, "Tổ dân phố Đông Cương 3"), period, staff_b)
    october = draft(own.neighbourhood, Period.objects.get(kind="month", year=2026, number=10), staff_a)
    outcome = bulk.submissions_submit(
        ward=ward_a, period=period, user=staff_a, submission_ids=ids(own, other_ward, october) + [987654]
    )
    assert [s.pk for s in outcome.done] == [own.pk]
    assert outcome.not_found == 3 and outcome.refused == []
    assert status_of(other_ward) == status_of(october) == Status.DRAFT
    assert history(other_ward, "submit") == history(october, "submit") == 0


@pytest.mark.parametrize("who", ["leader_a", "city_leader", "staff_b"])
def test_only_ward_staff_may_send_in_bulk(mixed, ward_a, period, who, request):
    with pytest.raises(PermissionDenied):
        bulk.submissions_submit(
            ward=ward_a, period=period, user=request.getfixturevalue(who), submission_ids=ids(mixed["full"])
        )
    assert status_of(mixed["full"]) == Status.DRAFT


def test_posted_ids_are_read_as_ids_only():
    posted = ["3", "3", " 7 ", "x", "-1", "0", "1e3", "٣", "9" * 30, "9223372036854775808", ""]
    assert bulk.selected_ids(posted) == [3, 7]
    assert bulk.selected_ids([str(n) for n in range(1, 2000)]) == list(range(1, bulk.MAX_BATCH + 1))


# --- the service: approving ----------------------------------------------------------------------


def test_bulk_approve_approves_what_was_sent_and_says_why_not_for_the_others(mixed, ward_a, staff_a, leader_a, period):
    second = draft(hood(ward_a, "Tổ dân phố Đình Hương 7"), period, staff_a)
    services.submission_submit(submission=second, user=staff_a)
    with translation.override("en"):
        outcome = bulk.submissions_approve(
            ward=ward_a, period=period, user=leader_a, submission_ids=ids(*mixed.values(), second)
        )
    assert [s.pk for s in outcome.done] == ids(mixed["sent"], second)
    assert status_of(mixed["sent"]) == status_of(second) == Status.APPROVED
    assert history(mixed["sent"], "approve") == history(second, "approve") == 1
    assert [(r.unit, r.reason) for r in outcome.refused] == [
        ("Tổ dân phố Đình Hương 1", "not sent for review yet"),
        ("Tổ dân phố Đình Hương 2", "returned to ward staff for correction"),
        ("Tổ dân phố Đình Hương 3", "not sent for review yet"),
        ("Tổ dân phố Đình Hương 4", "not sent for review yet"),
        ("Tổ dân phố Đình Hương 6", "already approved"),
    ]


@pytest.mark.parametrize("who", ["staff_a", "city_leader"])
def test_only_the_ward_leader_may_approve_in_bulk(mixed, ward_a, period, who, request):
    with pytest.raises(PermissionDenied):
        bulk.submissions_approve(
            ward=ward_a, period=period, user=request.getfixturevalue(who), submission_ids=ids(mixed["sent"])
        )
    assert status_of(mixed["sent"]) == Status.SUBMITTED


def test_a_unit_returned_between_confirmation_and_approval_is_refused(mixed, ward_a, leader_a, period, monkeypatch):
    real_plan = bulk.approval_plan

    def returned_meanwhile(**kwargs):
        plan = real_plan(**kwargs)
        # Another leader returns the unit after this selection was read, before it is approved.
        services.submission_return(submission=mixed["sent"], user=leader_a, reason="Trả lại ở trang khác")
        return plan

    monkeypatch.setattr(bulk, "approval_plan", returned_meanwhile)
    with translation.override("en"):
        outcome = bulk.submissions_approve(ward=ward_a, period=period, user=leader_a, submission_ids=ids(mixed["sent"]))
    assert outcome.done == []
    assert [r.reason for r in outcome.refused] == ["This cannot be done while the results are “Returned”."]
    assert status_of(mixed["sent"]) == Status.RETURNED and history(mixed["sent"], "approve") == 0


# --- the views: sending from the grid ------------------------------------------------------------


def submit_url(ward, period):
    return reverse("campaigns:bulk-submit", args=[ward.code, period.pk])


def approve_url(ward, period):
    return reverse("campaigns:bulk-approve", args=[ward.code, period.pk])


def owed_url(ward, period):
    return reverse("campaigns:owed", args=[ward.code, period.pk])


def review_url(ward, period):
    return reverse("campaigns:review", args=[ward.code, period.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def text_of_testid(html: str, testid: str) -> str | None:
    for element in tinyhtml5.parse(html).iter():
        if element.get("data-testid") == testid:
            return " ".join("".join(element.itertext()).split())
    return None


def checkboxes(html: str) -> list[str]:
    """The values of the ticked-or-not unit boxes a form would post (name="submission")."""
    return [
        e.get("value")
        for e in tinyhtml5.parse(html).iter()
        if e.tag.endswith("input") and e.get("name") == "submission" and e.get("type") == "checkbox"
    ]


def test_sending_from_the_grid_comes_back_with_the_summary(mixed, ward_a, staff_a, period):
    client = client_for(staff_a)
    response = client.post(submit_url(ward_a, period), {"submission": ids(*mixed.values())})
    assert response.status_code == 302 and response["Location"] == owed_url(ward_a, period)
    assert messages_of(response) == ["Sent 2 neighbourhoods to the ward leader."]
    grid = client.get(owed_url(ward_a, period)).content.decode()
    refused = text_of_testid(grid, "bulk-refused")
    assert refused.startswith("4 units were not sent:")
    assert "Tổ dân phố Đình Hương 3: 9 indicators have no value yet" in refused
    assert "Tổ dân phố Đình Hương 5: already sent to the ward leader" in refused
    # Said once: the next visit of the grid is the grid alone.
    assert text_of_testid(client.get(owed_url(ward_a, period)).content.decode(), "bulk-refused") is None


def test_the_summary_is_in_vietnamese_by_default(mixed, ward_a, staff_a, period):
    client = client_for(staff_a, language=None)
    response = client.post(submit_url(ward_a, period), {"submission": ids(mixed["full"], mixed["empty"])})
    assert messages_of(response) == ["Đã gửi 1 thôn, tổ dân phố lên lãnh đạo phường."]
    refused = text_of_testid(client.get(owed_url(ward_a, period)).content.decode(), "bulk-refused")
    assert refused == "1 đơn vị chưa gửi được: Tổ dân phố Đình Hương 4: chưa nhập chỉ tiêu nào"


def test_a_forged_id_of_another_ward_is_only_counted_as_not_found(ward_a, ward_b, staff_a, staff_b, period):
    own = draft(hood(ward_a, "Tổ dân phố Đình Hương 1"), period, staff_a)
    foreign = draft(hood(ward_b, "Tổ dân phố Đông Cương 3"), period, staff_b)
    client = client_for(staff_a)
    response = client.post(submit_url(ward_a, period), {"submission": [own.pk, foreign.pk]})
    assert response.status_code == 302
    assert status_of(own) == Status.SUBMITTED and status_of(foreign) == Status.DRAFT
    grid = client.get(owed_url(ward_a, period)).content.decode()
    assert text_of_testid(grid, "bulk-refused") == (
        "1 unit was not sent: 1 selected unit was not found in this ward and period."
    )
    assert "Đông Cương" not in grid


def test_posting_nothing_ticked_says_so_and_changes_nothing(mixed, ward_a, staff_a, period):
    response = client_for(staff_a).post(submit_url(ward_a, period), {"submission": ["", "abc"]})
    assert response.status_code == 302
    assert messages_of(response) == ["Tick the neighbourhoods to send first."]
    assert status_of(mixed["full"]) == Status.DRAFT


def _state():
    return sorted(Submission.objects.values_list("pk", "status")), HistoryEntry.objects.count()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("staff_a", 302), ("admin_user", 302), ("leader_a", 403), ("city_leader", 403), ("staff_b", 404)],
)
def test_bulk_submit_answers_each_role_by_its_scope(mixed, ward_a, period, who, expected, request):
    before = _state()
    response = client_for(request.getfixturevalue(who)).post(
        submit_url(ward_a, period), {"submission": ids(mixed["full"])}
    )
    assert response.status_code == expected
    assert (_state() != before) == (expected == 302)


@pytest.mark.parametrize("url", [submit_url, approve_url])
def test_anonymous_posts_are_sent_to_login(mixed, ward_a, period, url):
    before = _state()
    response = client_for(None).post(url(ward_a, period), {"submission": ids(mixed["full"], mixed["sent"])})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert _state() == before


@pytest.mark.parametrize(("url", "who"), [(submit_url, "staff_a"), (approve_url, "leader_a")])
def test_bulk_actions_answer_only_posts(mixed, ward_a, period, url, who, request):
    assert client_for(request.getfixturevalue(who)).get(url(ward_a, period)).status_code == 405


def test_the_grid_offers_a_box_for_each_draft_or_returned_unit(mixed, ward_a, staff_a, period):
    html = client_for(staff_a).get(owed_url(ward_a, period)).content.decode()
    assert checkboxes(html) == [
        str(pk) for pk in ids(mixed["full"], mixed["returned"], mixed["partial"], mixed["empty"])
    ]
    assert f'action="{submit_url(ward_a, period)}"' in html
    assert 'data-select-all="send"' in html and "campaigns/bulk.js" in html
    parsed = tinyhtml5.parse(html)
    button = next(
        e for e in parsed.iter() if e.tag.endswith("button") and "Send the selected units" in "".join(e.itertext())
    )
    assert button.get("type") == "submit"
    # What each draft still lacks, so staff know which to open before sending.
    partial_row = next(e for e in parsed.iter() if e.get("data-unit") == str(mixed["partial"].neighbourhood_id))
    assert "9 indicators not entered" in " ".join("".join(partial_row.itertext()).split())


@pytest.mark.parametrize("who", ["leader_a", "city_leader"])
def test_readers_of_the_grid_get_no_boxes(mixed, ward_a, period, who, request):
    html = client_for(request.getfixturevalue(who)).get(owed_url(ward_a, period)).content.decode()
    assert checkboxes(html) == [] and submit_url(ward_a, period) not in html


def test_a_locked_period_offers_no_boxes(mixed, ward_a, staff_a, period):
    Period.objects.filter(pk=period.pk).update(is_locked=True)
    html = client_for(staff_a).get(owed_url(ward_a, period)).content.decode()
    assert checkboxes(html) == []


def test_met_and_not_met_cells_are_announced_by_text_not_by_a_bare_icon(ward_a, staff_a, period):
    unit = hood(ward_a, "Tổ dân phố Đình Hương 1")
    draft(unit, period, staff_a, {**ALL_MET, "II.4": "50"})  # criterion II not met
    html = client_for(staff_a, language=None).get(owed_url(ward_a, period)).content.decode()
    icons = [e for e in tinyhtml5.parse(html).iter() if e.tag.endswith("}i") or e.tag == "i"]
    assert icons and all(i.get("aria-label") is None for i in icons)
    grid_icons = [i for i in icons if "bi-check-lg" in i.get("class", "") or "bi-x-lg" in i.get("class", "")]
    assert len(grid_icons) == 3 and all(i.get("aria-hidden") == "true" for i in grid_icons)
    row = next(e for e in tinyhtml5.parse(html).iter() if e.get("data-unit") == str(unit.pk))
    hidden = ["".join(e.itertext()) for e in row.iter() if "visually-hidden" in (e.get("class") or "").split()]
    assert hidden[-3:] == ["đạt", "chưa đạt", "đạt"]


# --- the views: approving from the review page ----------------------------------------------------


def test_review_offers_a_box_for_each_unit_sent_and_a_distinct_button(mixed, ward_a, leader_a, period):
    html = client_for(leader_a).get(review_url(ward_a, period)).content.decode()
    assert checkboxes(html) == [str(mixed["sent"].pk)]
    parsed = tinyhtml5.parse(html)
    heading = next(" ".join("".join(e.itertext()).split()) for e in parsed.iter() if e.tag.endswith("h1"))
    button = next(
        " ".join("".join(e.itertext()).split())
        for e in parsed.iter()
        if e.tag.endswith("button") and e.get("type") == "submit" and "Approve" in "".join(e.itertext())
    )
    assert heading == "Results awaiting review for Month 11/2026"
    assert button == "Approve the selected units"
    assert f'action="{approve_url(ward_a, period)}"' in html and 'data-select-all="approve"' in html


@pytest.mark.parametrize("who", ["staff_a", "city_leader"])
def test_review_offers_no_boxes_to_those_who_do_not_review(mixed, ward_a, period, who, request):
    html = client_for(request.getfixturevalue(who)).get(review_url(ward_a, period)).content.decode()
    assert checkboxes(html) == [] and approve_url(ward_a, period) not in html


def test_approving_asks_for_confirmation_listing_the_units_first(mixed, ward_a, leader_a, period):
    client = client_for(leader_a)
    before = _state()
    page = client.post(approve_url(ward_a, period), {"submission": ids(mixed["sent"], mixed["full"])})
    assert page.status_code == 200 and _state() == before  # nothing approved yet
    html = page.content.decode()
    confirm = text_of_testid(html, "approve-confirm")
    assert "Tổ dân phố Đình Hương 5" in confirm and "Approve 1 unit" in confirm
    assert (
        text_of_testid(html, "approve-skipped")
        == "Not in this approval: Tổ dân phố Đình Hương 1: not sent for review yet"
    )
    hidden = [
        e.get("value")
        for e in tinyhtml5.parse(html).iter()
        if e.get("type") == "hidden" and e.get("name") == "submission"
    ]
    assert hidden == [str(mixed["sent"].pk)]

    done = client.post(approve_url(ward_a, period), {"submission": hidden, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == review_url(ward_a, period)
    assert messages_of(done) == ["Approved 1 unit; its results are now locked."]
    assert status_of(mixed["sent"]) == Status.APPROVED and history(mixed["sent"], "approve") == 1


def test_a_selection_with_nothing_to_approve_goes_back_with_the_reasons(mixed, ward_a, leader_a, period):
    client = client_for(leader_a)
    response = client.post(approve_url(ward_a, period), {"submission": ids(mixed["approved"])})
    assert response.status_code == 302 and response["Location"] == review_url(ward_a, period)
    refused = text_of_testid(client.get(review_url(ward_a, period)).content.decode(), "bulk-refused")
    assert refused == "1 unit was not approved: Tổ dân phố Đình Hương 6: already approved"


def test_the_outcome_of_one_page_is_not_shown_on_another(mixed, ward_a, staff_a, admin_user, period):
    client = client_for(admin_user)
    client.post(submit_url(ward_a, period), {"submission": ids(mixed["sent"])})
    assert text_of_testid(client.get(review_url(ward_a, period)).content.decode(), "bulk-refused") is None
    assert client.session.get(OUTCOME_KEY)  # still waiting for the grid it belongs to
    assert text_of_testid(client.get(owed_url(ward_a, period)).content.decode(), "bulk-refused")


@pytest.mark.parametrize(
    ("who", "confirm", "expected"),
    [
        ("leader_a", "", 200),
        ("leader_a", "1", 302),
        ("admin_user", "1", 302),
        ("staff_a", "", 403),
        ("staff_a", "1", 403),
        ("city_leader", "1", 403),
        ("staff_b", "1", 404),
    ],
)
def test_bulk_approve_answers_each_role_by_its_scope(mixed, ward_a, period, who, confirm, expected, request):
    before = _state()
    response = client_for(request.getfixturevalue(who)).post(
        approve_url(ward_a, period), {"submission": ids(mixed["sent"]), "confirm": confirm}
    )
    assert response.status_code == expected
    assert (_state() != before) == (expected == 302)


# --- after an Excel upload: the next step ----------------------------------------------------------


def filled_template(content: bytes, skip: set[tuple[int, str]] = frozenset()) -> bytes:
    """The downloaded template with every entered indicator filled in as staff write it, except `skip`."""
    book = load_workbook(io.BytesIO(content))
    for cells in book["Kết quả"].iter_rows(min_row=2):
        key = (cells[0].value, cells[2].value)
        if key[1] in ALL_MET and key not in skip:
            cells[5].value = "Có" if ALL_MET[key[1]] == "1" else ALL_MET[key[1]]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_confirmed_excel_upload_leads_to_sending_its_drafts(ward_a, staff_a, period):
    units = [hood(ward_a, f"Tổ dân phố Đình Hương {n}") for n in (1, 2)]
    client = client_for(staff_a)
    template = client.get(reverse("campaigns:excel-template", args=[ward_a.code, period.pk])).content
    content = filled_template(template, skip={(units[1].pk, "III.2")})
    upload_url = reverse("campaigns:excel-upload", args=[ward_a.code, period.pk])
    preview = client.post(upload_url, {"file": SimpleUploadedFile("ket-qua.xlsx", content)})
    assert preview.context["token"], preview.context["result"].errors
    saved = client.post(upload_url, {"token": preview.context["token"], "digest": preview.context["result"].digest})
    assert saved.status_code == 302 and saved["Location"] == upload_url

    page = client.get(upload_url).content.decode()
    block = text_of_testid(page, "excel-next-step")
    assert "Send all 2 drafts to the ward leader" in block and "1 indicator not entered" in block
    drafts = {s.neighbourhood_id: s for s in Submission.objects.filter(period=period)}
    assert checkboxes(page) == [str(drafts[u.pk].pk) for u in units]
    assert f'action="{submit_url(ward_a, period)}"' in page and owed_url(ward_a, period) in page
    # Shown once: the next visit is the upload form alone.
    assert text_of_testid(client.get(upload_url).content.decode(), "excel-next-step") is None

    sent = client.post(submit_url(ward_a, period), {"submission": checkboxes(page)})
    assert messages_of(sent) == ["Sent 1 neighbourhood to the ward leader."]
    assert status_of(drafts[units[0].pk]) == Status.SUBMITTED and status_of(drafts[units[1].pk]) == Status.DRAFT


def test_the_next_step_is_not_offered_for_another_ward_or_period(ward_a, staff_a, period):
    client = client_for(staff_a)
    session = client.session
    session["campaigns_excel_saved"] = {"ward": ward_a.code, "period": period.pk - 1, "units": [1]}
    session.save()
    page = client.get(reverse("campaigns:excel-upload", args=[ward_a.code, period.pk])).content.decode()
    assert text_of_testid(page, "excel-next-step") is None


# --- queries stay flat as wards grow ---------------------------------------------------------------

# Sending writes each unit through services.submission_submit in a savepoint of its own: two savepoints
# and their release, the locked read, the update and the history entry, 7 queries (PER_UNIT_SUBMIT), which
# no bulk action can share. Everything else is a fixed cost (measured 7, and 8 with the content type not yet
# cached): session, user, memberships, ward, period, and ONE read of the selection with what each draft
# lacks; then the batch's transaction and the ward's rollups, counted once at its end (12 on PostgreSQL with
# its advisory lock: test_rollups.REFRESH_QUERIES).
# A read per unit added to the plan fails here: with 12 units it costs 12 queries, not 1.
SUBMIT_BASE, PER_UNIT_SUBMIT = 8 + 12, 7
OWED_QUERY_BOUND = 14  # the grid's bound in test_entry_views.py: the boxes and what each draft lacks cost nothing
CONFIRM_QUERY_BOUND = 7  # as the review page: session, user, memberships, ward, period, selection, badge


def _drafts(ward, period, staff, size):
    return [draft(hood(ward, f"Tổ dân phố số {n}"), period, staff) for n in range(size)]


@pytest.mark.parametrize("size", [3, 12])
def test_bulk_submit_reads_in_a_fixed_number_of_queries(ward_a, staff_a, period, size, django_assert_max_num_queries):
    units = _drafts(ward_a, period, staff_a, size)
    client = client_for(staff_a)
    with django_assert_max_num_queries(SUBMIT_BASE + PER_UNIT_SUBMIT * size):
        response = client.post(submit_url(ward_a, period), {"submission": ids(*units)})
    assert response.status_code == 302
    assert {status_of(s) for s in units} == {Status.SUBMITTED}


@pytest.mark.parametrize("size", [3, 12])
def test_the_grid_with_drafts_to_tick_stays_flat(ward_a, staff_a, period, size, django_assert_max_num_queries):
    _drafts(ward_a, period, staff_a, size)
    client = client_for(staff_a)
    with django_assert_max_num_queries(OWED_QUERY_BOUND):
        response = client.get(owed_url(ward_a, period))
    assert len(checkboxes(response.content.decode())) == size


@pytest.mark.parametrize("size", [3, 12])
def test_the_approval_confirmation_stays_flat(ward_a, staff_a, leader_a, period, size, django_assert_max_num_queries):
    units = _drafts(ward_a, period, staff_a, size)
    for unit in units:
        services.submission_submit(submission=unit, user=staff_a)
    client = client_for(leader_a)
    with django_assert_max_num_queries(CONFIRM_QUERY_BOUND):
        response = client.post(approve_url(ward_a, period), {"submission": ids(*units)})
    assert response.status_code == 200 and len(response.context["plan"].ready) == size
