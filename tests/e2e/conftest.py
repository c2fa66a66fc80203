"""End-to-end fixtures: one headless Debian Chromium for all browser tests, a fresh context and page per test.

While Playwright's sync API runs, its asyncio event loop counts as running in the test thread
(asyncio.get_running_loop() returns it), so Django's "async unsafe" guard would refuse ORM calls
from fixtures, tests and the transactional_db flush. DJANGO_ALLOW_ASYNC_UNSAFE=true lifts the
guard for as long as the browser lives, and only then: the browser is package-scoped, so it is
stopped, and the guard restored, once the last test of tests/e2e is done, and the rest of the
suite never runs beside a "running" loop (pytest-django runs the tests without a database after
the live-server tests). The live server runs in its own thread and is not affected.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The machine's network is closed: without these Chromium keeps trying to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
PASSWORD = "kieumau2024"
DEFAULT_TIMEOUT_MS = 15_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="package")
def browser():
    """Chromium, started once for every test under tests/e2e (package scope: see the module docstring)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if _in_ci():
            pytest.fail(f"{message}; browser tests must not be skipped in CI (CI is set).", pytrace=False)
        pytest.skip(message)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context_options(request):
    """Options for browser.new_context(); a test changes them with
    @pytest.mark.parametrize("context_options", [{...}], indirect=True)."""
    return getattr(request, "param", {"viewport": {"width": 1280, "height": 900}})


@pytest.fixture
def context(browser, context_options):
    ctx = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **context_options)
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context, transactional_db, live_server):
    """A blank page of a fresh context, with the live server running against a transactional DB.

    Whatever the browser refuses under the Content-Security-Policy (an inline script or style, an eval)
    fails the test that met it: Chromium reports each refusal on the console.
    """
    page = context.new_page()
    refused: list[str] = []

    def _refused(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", _refused)
    try:
        yield page
    finally:
        page.close()
    assert refused == [], "refused by the Content-Security-Policy:\n" + "\n".join(refused)


@pytest.fixture
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def login(page, live_server):
    """Log in through the real form, as a person would; the page is then wherever the login led."""

    def _login(username: str, password: str = PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        # The form posts to its own URL: a success redirects away, a failure renders the form again.
        with page.expect_navigation():
            page.click("form button[type=submit]")
        expect(page, f"{username} could not log in").not_to_have_url(re.compile(r"/login/"))
        return page

    return _login
