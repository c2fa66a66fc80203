"""Security headers: a Content-Security-Policy the pages need no 'unsafe-inline' for, HSTS only when the
deployment declares HTTPS, a Permissions-Policy, and no-store on signed-in pages and downloads."""

import io
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from campaigns.movement.models import Campaign, Target, Task, TaskAttachment, TaskUpdate
from campaigns.results.models import Evidence, Period
from tests.reports.conftest import criteria_set as criteria_set  # noqa: F401 - fixture
from tests.reports.conftest import enter

# Scripts that are data, not code (json_script): a browser never runs them, so the policy does not apply.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=False):
        yield


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def journeys(world, criteria_set):  # noqa: F811
    """The pages of the main journeys, each with who opens it, on a province with results, evidence and a task."""
    from campaigns.results import periods

    periods.periods_ensure(2026)
    november = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=11)
    submission = enter(world["hood_b"], november, met=False)
    result = submission.results.get(indicator__code="II.1")
    evidence = Evidence.objects.create(
        result=result,
        file=SimpleUploadedFile("nha-van-hoa.png", _png()),
        original_name="nha-van-hoa.png",
        content_type="image/png",
        size=100,
    )
    campaign = Campaign.objects.create(
        name="60 ngày cao điểm xây dựng phường kiểu mẫu",
        city=world["ward_a"].city,
        start=date(2026, 10, 15),
        end=date(2026, 12, 15),
        goal="Mỗi tổ dân phố có biển tuyên truyền.\nMỗi nhà có số nhà.",
        created_by=world["admin"],
    )
    campaign.wards.set([world["ward_a"]])
    signs = Target.objects.create(campaign=campaign, name="Lắp biển tuyên truyền", unit="biển", value=50)
    task = Task.objects.create(
        campaign=campaign,
        target=signs,
        title="Lắp 20 biển tuyên truyền tại Đình Hương 1",
        ward=world["ward_a"],
        neighbourhood=world["hood_a"],
        start=date(2026, 10, 20),
        due=date(2026, 12, 10),
        target_value=20,
        reached_value=12,
        status=Task.Status.IN_PROGRESS,
        progress=60,
    )
    update = TaskUpdate.objects.create(task=task, author=world["staff_a"], text="Đã lắp 12 biển.\nCòn 8 biển.")
    attachment = TaskAttachment.objects.create(
        update=update,
        file=SimpleUploadedFile("bien-bao.png", _png()),
        original_name="bien-bao.png",
        content_type="image/png",
        size=100,
    )
    ward, hood = world["ward_a"], world["hood_a"]
    pages = {
        "login": (None, reverse("login")),
        "password-reset": (None, reverse("password_reset")),
        "home": ("staff_a", reverse("home")),
        "password-change": ("staff_a", reverse("password_change")),
        "owed": ("staff_a", reverse("campaigns:owed", args=[ward.code, november.pk])),
        "entry-form": ("staff_a", reverse("campaigns:entry-neighbourhood", args=[november.pk, hood.pk])),
        "ward-detail": ("staff_a", reverse("wards:ward-detail", args=[ward.code])),
        "neighbourhood-detail": ("staff_a", reverse("wards:neighbourhood-detail", args=[hood.pk])),
        "task-list": ("staff_a", reverse("campaigns:task-list")),
        "task-detail": ("staff_a", reverse("campaigns:task-detail", args=[task.pk])),
        "briefing": ("staff_a", reverse("campaigns:briefing", args=[ward.code])),
        "campaign-detail": ("city_leader", reverse("campaigns:campaign-detail", args=[campaign.pk])),
        "dashboard": ("city_leader", reverse("reports:dashboard") + f"?period={november.pk}"),
        "ward-dashboard": ("city_leader", reverse("reports:ward-dashboard", args=[world["ward_b"].code])),
        "report-list": ("city_leader", reverse("reports:report-list")),
        "result-detail": ("city_leader", reverse("campaigns:result-detail", args=[result.pk])),
        "recognition-candidates": ("city_leader", reverse("campaigns:recognition-candidates", args=[2026])),
        "city-list": ("city_leader", reverse("wards:city-list")),
        "admin": ("admin", reverse("admin:index")),
    }
    downloads = {
        "evidence": ("city_leader", reverse("campaigns:evidence", args=[evidence.pk])),
        "task-attachment": ("staff_a", reverse("campaigns:task-attachment", args=[attachment.pk])),
        "excel-template": ("staff_a", reverse("campaigns:excel-template", args=[ward.code, november.pk])),
    }
    return {"world": world, "pages": pages, "downloads": downloads}


def _get(journeys, name, kind="pages"):
    role, url = journeys[kind][name]
    client = Client()
    if role is not None:
        client.force_login(journeys["world"][role])
    response = client.get(url)
    assert response.status_code == 200, f"{name} ({url}) answered {response.status_code}"
    return response


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


class InlineCode(HTMLParser):
    """Everything in a page that a policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}"> at line {self.getpos()[0]}')
            if name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}"> at line {self.getpos()[0]}')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f'<{tag} {name}="{value}"> at line {self.getpos()[0]}')


PAGES = [
    "login",
    "password-reset",
    "home",
    "password-change",
    "owed",
    "entry-form",
    "ward-detail",
    "neighbourhood-detail",
    "task-list",
    "task-detail",
    "briefing",
    "campaign-detail",
    "dashboard",
    "ward-dashboard",
    "report-list",
    "result-detail",
    "recognition-candidates",
    "city-list",
    "admin",
]


@pytest.mark.parametrize("page", ["home", "dashboard", "entry-form"])
def test_the_content_security_policy_allows_no_inline_code(journeys, page):
    directives = _directives(_get(journeys, page))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    policy = " ".join(value for values in directives.values() for value in values)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


@pytest.mark.parametrize("page", PAGES)
def test_pages_of_the_main_journeys_carry_no_inline_script_or_style(journeys, page):
    response = _get(journeys, page)
    assert "Content-Security-Policy" in response
    parser = InlineCode()
    parser.feed(response.content.decode())
    assert parser.found == []


def test_the_pages_draw_progress_bars_and_line_breaks_with_classes(journeys):
    task = _get(journeys, "task-detail").content.decode()
    assert 'class="progress-bar pct-60"' in task
    assert "pre-line" in task
    campaign = _get(journeys, "campaign-detail").content.decode()
    assert re.search(r'class="progress-bar pct-\d+"', campaign)


@pytest.mark.parametrize(
    ("percent", "css_class"),
    [(0, "pct-0"), (60, "pct-60"), (Decimal("33.5"), "pct-34"), (140, "pct-100"), (-5, "pct-0"), (None, "pct-0")],
)
def test_a_progress_bar_width_is_a_class_in_whole_percent(percent, css_class):
    from portal.templatetags.portal import progress_class

    assert progress_class(percent) == css_class


def test_htmx_is_told_not_to_inject_its_style_element(journeys):
    html = _get(journeys, "home").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in html


@pytest.mark.parametrize("page", ["login", "home", "dashboard"])
def test_a_permissions_policy_refuses_camera_microphone_and_location(journeys, page):
    policy = _get(journeys, page)["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.mark.parametrize("page", ["home", "dashboard", "entry-form", "password-change", "admin"])
def test_signed_in_pages_are_not_stored(journeys, page):
    assert "no-store" in _get(journeys, page)["Cache-Control"]


@pytest.mark.parametrize("download", ["evidence", "task-attachment", "excel-template"])
def test_downloads_are_not_stored(journeys, download):
    response = _get(journeys, download, kind="downloads")
    response.close()  # a FileResponse holds its file open until closed
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("download", ["evidence", "task-attachment", "excel-template"])
def test_files_get_a_sandboxed_policy_that_runs_nothing(journeys, download):
    response = _get(journeys, download, kind="downloads")
    response.close()
    directives = _directives(response)
    assert directives["default-src"] == ["'none'"] and "sandbox" in directives
    assert "script-src" not in directives and "connect-src" not in directives


def test_static_files_stay_cacheable(journeys, settings):
    """WhiteNoise answers static files above the no-store middleware, even to a signed-in person."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()
    client.force_login(journeys["world"]["staff_a"])
    response = client.get("/static/portal/portal.js")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_hsts_and_the_https_redirect_wait_for_the_deployment_to_declare_https(journeys, settings):
    response = _get(journeys, "login")
    assert "Strict-Transport-Security" not in response
    assert not settings.SECURE_SSL_REDIRECT


def test_with_https_declared_the_settings_turn_on_hsts_redirect_and_secure_cookies():
    """PORTAL_HTTPS=1 is read when the settings load: load them again in a fresh interpreter."""
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('upgrade-insecure-requests', False), "
        "settings.SECURE_REDIRECT_EXEMPT]))"
    )
    # PYTEST_VERSION (inherited) keeps the production checks of portal/environment.py out of this.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "PORTAL_HTTPS": "1", "DEBUG": "0"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    redirect, hsts, session_secure, csrf_secure, upgrade, exempt = json.loads(out.stdout.strip().splitlines()[-1])
    assert redirect and hsts >= 31_536_000 and session_secure and csrf_secure and upgrade
    assert any("healthz" in pattern for pattern in exempt)


def test_with_https_declared_a_response_carries_hsts(journeys, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
