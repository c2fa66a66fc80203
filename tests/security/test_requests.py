"""Hostile requests: NUL bytes in any query or form, a "next" that is not a URL, an out-of-range ?week=.

Classes of finding 7: NUL bytes in six GET parameters (PostgreSQL refuses a NUL in any text it is given, so
any filter or search that passed one on was a server error), a "next" value that is not a URL in
recognitions, and an out-of-range ?week= on the giao ban page.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from campaigns.movement.models import Campaign, Notification, Recognition, Target, Task, TaskUpdate
from campaigns.results import services
from campaigns.results.models import Submission
from wards.models import Profile

BAD_REQUEST = "Yêu cầu không hợp lệ"

# --- NUL bytes -----------------------------------------------------------------------------------------------------

# Every query parameter a page or a filter of the portal reads, and "next", which the login page reads.
GET_PARAMETERS = [
    "q",
    "page",
    "year",
    "week",
    "status",
    "kind",
    "zone",
    "ward",
    "city",
    "period",
    "set",
    "sort",
    "format",
    "table",
    "met",
    "title",
    "request",
    "neighbourhood",
    "campaign",
    "due_from",
    "due_to",
    "topic",
    "outcome",
    "next",
]


def _named_patterns(resolvers, namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def every_page(w) -> list[str]:
    """Every named URL of the site (the admin's aside), with the world's own codes and ids where it takes them."""
    by_converter = {"str": w.ward_a.code, "int": str(w.task.pk), "slug": "x", "path": "x"}
    special = {"year": "2026", "period_pk": str(w.period.pk), "hood_pk": str(w.hood_a.pk), "fmt": "pdf"}
    urls = []
    for name, pattern in _named_patterns(get_resolver().url_patterns):
        converters = getattr(pattern.pattern, "converters", {})
        kwargs = {
            key: special.get(key, by_converter.get(type(conv).__name__.replace("Converter", "").lower(), "1"))
            for key, conv in converters.items()
        }
        urls.append(reverse(name, kwargs=kwargs))
    return urls


def _refused(response) -> bool:
    return response.status_code == 400 and BAD_REQUEST in response.content.decode()


@pytest.mark.parametrize("parameter", GET_PARAMETERS)
def test_nul_byte_in_a_get_parameter_gets_400_on_every_page(hostile_world, client_as, parameter):
    urls = every_page(hostile_world)
    assert len(urls) > 40
    clients = {"staff": client_as("staff_a"), "anonymous": Client()}
    for who, client in clients.items():
        for url in urls:
            for query in ({parameter: "dinh\x00huong"}, {f"{parameter}\x00": "1"}, {parameter: "\x00"}):
                response = client.get(url, query)
                assert _refused(response), f"{who} {url} {query!r}: {response.status_code}"


def _text_posts(w) -> list[tuple[str, str, dict, str]]:
    """(who, url, a valid post, the text field to put a NUL into) for the forms that take text."""
    return [
        ("staff_a", reverse("wards:search"), {"q": "dinh"}, "q"),
        (
            "staff_a",
            reverse("wards:ward-profile-edit", args=[w.ward_a.code, 2026]),
            {"households": "5", "people": "9", "poor_households": "0", "near_poor_households": "0", "version": ""},
            "party_members",
        ),
        ("staff_a", reverse("campaigns:task-update", args=[w.task.pk]), {"version": str(w.task.version)}, "text"),
        (
            "staff_a",
            reverse("campaigns:task-create", args=[w.campaign.pk]),
            {"ward": w.ward_a.pk, "start": "21/11/2026", "due": "30/11/2026"},
            "title",
        ),
        ("leader_a", reverse("campaigns:campaign-create"), {"kind": "thematic", "ward": w.ward_a.pk}, "name"),
        ("staff_a", reverse("campaigns:commitment-create"), {"topic": "fireworks"}, "signer"),
        ("city_leader", reverse("campaigns:recognition-candidates", args=[2025]), {}, "title"),
        ("staff_a", reverse("reports:report-list"), {}, "ward"),
        ("staff_a", reverse("campaigns:entry-ward", args=[w.period.pk, w.ward_a.code]), {}, "reason"),
    ]


def test_nul_byte_in_a_posted_field_gets_400_and_saves_nothing(hostile_world, client_as):
    w = hostile_world
    before = _everything()
    for who, url, post, field in _text_posts(w):
        for data in ({**post, field: "Đình\x00Hương"}, {**post, f"{field}\x00": "1"}):
            response = client_as(who).post(url, data)
            assert _refused(response), f"{url} {field}: {response.status_code}"
    # The login form too: its user name goes straight into a query.
    response = Client().post(reverse("login"), {"username": "canbo1\x00", "password": "x"})
    assert _refused(response)
    assert _everything() == before


def _everything():
    return [
        list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in (Profile, Campaign, Target, Task, TaskUpdate)
    ] + [list(Task.objects.values_list("title", "version"))]


# --- "next" --------------------------------------------------------------------------------------------------------

# Not a page of this site: a bare word (django's redirect() looks it up as a URL name), a URL name, a header
# split, a broken IPv6 host, other schemes and sites, blanks and separators.
NOT_A_PAGE = [
    "foo",
    "campaigns:notifications",
    "reports:report-detail",
    "/results/\r\nSet-Cookie: a=b",
    "/results/\nx",
    "http://[::1",
    "http://[",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    " ",
    "\u2028/results/",
    "\x7f/results/",
    "%0d%0a",
    ".",
    "a" * 5_000,
]


def _next_forms(w, client_as):
    """(a client, the URL that takes "next", a valid post, the page it goes back to without one)."""
    recognition = Recognition.objects.create(ward=w.ward_a, neighbourhood=w.hood_a, year=2025, title="Tổ văn hóa")
    decide = reverse("campaigns:recognition-decide", args=[recognition.pk])
    candidates = reverse("campaigns:recognition-candidates", args=[2025])
    notification = Notification.objects.create(
        user=w.staff_a, day=date(2026, 11, 20), kind=Notification.Kind.DIGEST, title="Việc của Hoa", body="•"
    )
    submission = services.submission_for(w.hood_a, w.period)
    services.results_save(submission=submission, user=w.staff_a, values={}, versions={})
    submission = Submission.objects.get(pk=submission.pk)
    return [
        (client_as("city_leader"), decide, {"decision": "reject", "note": "Chưa đủ hồ sơ"}, candidates),
        (
            client_as("staff_a"),
            reverse("campaigns:notification-read", args=[notification.pk]),
            {},
            reverse("campaigns:notifications"),
        ),
        (
            client_as("staff_a"),
            reverse("campaigns:submission-action", args=[submission.pk, "submit"]),
            {},
            reverse("campaigns:entry-neighbourhood", args=[w.period.pk, w.hood_a.pk]),
        ),
    ]


@pytest.mark.parametrize("target", NOT_A_PAGE, ids=range(len(NOT_A_PAGE)))
def test_next_that_is_not_a_url_of_the_site_goes_back_to_the_page_instead(hostile_world, client_as, target):
    for client, url, post, back in _next_forms(hostile_world, client_as):
        response = client.post(url, {**post, "next": target})
        assert response.status_code == 302, f"{url} next={target[:30]!r}: {response.status_code}"
        assert response["Location"].startswith(back), f"{url} next={target[:30]!r} → {response['Location']!r}"


def test_next_that_is_a_page_of_the_site_is_followed(hostile_world, client_as):
    for client, url, post, _back in _next_forms(hostile_world, client_as):
        own = reverse("campaigns:task-list") + "?status=overdue"
        assert client.post(url, {**post, "next": own})["Location"] == own


# --- ?week= on the giao ban page -------------------------------------------------------------------------------------

WEEKS = ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-27", "1900-02-28", "2200-01-01", "0000-00-00", "x" * 5_000]


@pytest.mark.parametrize("role", ["staff_a", "leader_a", "city_leader", "admin"])
def test_out_of_range_week_on_the_briefing_shows_the_nearest_week(hostile_world, client_as, role):
    client = client_as(role)
    url = reverse("campaigns:briefing", args=[hostile_world.ward_a.code])
    for week in WEEKS:
        response = client.get(url, {"week": week})
        assert response.status_code == 200, f"?week={week[:20]}: {response.status_code}"
        monday = response.context["monday"]
        assert monday.weekday() == 0 and date(1999, 12, 27) <= monday <= date(2100, 12, 27)
        for link in ("previous_week", "following_week"):
            assert client.get(url, {"week": response.context[link].isoformat()}).status_code == 200
