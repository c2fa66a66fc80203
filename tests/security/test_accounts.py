"""Accounts: the login lockout and its unlock, changing and resetting a password, and the idle timeout."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

PASSWORD = "kieumau2024"
NEW_PASSWORD = "Hac-Thanh-2026-mua-xuan"
LOCKED = "Đăng nhập bị khóa"  # start of the Vietnamese lockout message


@pytest.fixture(autouse=True)
def _a_fixed_morning():
    with time_machine.travel("2026-11-20 09:00 +07:00", tick=False) as traveller:
        yield traveller


def _login(client: Client, username: str, password: str, address: str = "203.113.131.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def _fail(client, username, times, address="203.113.131.7"):
    for _ in range(times):
        response = _login(client, username, "sai-mat-khau", address)
        assert response.status_code in (200, 429)
    return response


# --- lockout -----------------------------------------------------------------------------------------------------


def test_the_lockout_is_five_failures_for_thirty_minutes_by_default():
    assert settings.LOGIN_FAILURE_LIMIT == 5 and settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_four_wrong_passwords_then_the_right_one_logs_in(client, staff_a):
    response = _fail(client, "canbo1", 4)
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()
    response = _login(client, "canbo1", PASSWORD)
    assert response.status_code == 302 and _signed_in(client)


def test_five_wrong_passwords_then_the_right_one_is_refused_in_vietnamese(client, staff_a):
    response = _fail(client, "canbo1", 5)
    assert response.status_code == 429
    response = _login(client, "canbo1", PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    text = response.content.decode()
    assert LOCKED in text and "5 lần" in text and "30 phút" in text
    assert reverse("password_reset") in text


def test_the_lock_is_per_user_name_from_any_address(client, staff_a, leader_a):
    _fail(client, "canbo1", 5, address="203.113.131.7")
    assert _login(Client(), "canbo1", PASSWORD, address="14.160.32.9").status_code == 429
    # Another person, from another address, is not affected.
    other = Client()
    assert _login(other, "phuong1", PASSWORD, address="14.160.32.9").status_code == 302


def test_the_lock_is_per_address_across_user_names(client, staff_a, leader_a):
    for username in ("canbo1", "phuong1", "khong-co", "admin", "root"):
        _fail(client, username, 1, address="45.76.1.1")
    # From that address, even a right password of a user who never failed is refused ...
    assert _login(Client(), "phuong1", PASSWORD, address="45.76.1.1").status_code == 429
    # ... but that user logs in from the office.
    assert _login(Client(), "phuong1", PASSWORD, address="203.113.131.7").status_code == 302


def test_a_successful_login_clears_its_address_so_an_office_is_not_locked_by_typos(client, staff_a, leader_a):
    _fail(client, "canbo1", 3)
    assert _login(client, "canbo1", PASSWORD).status_code == 302
    other = Client()
    _fail(other, "phuong1", 4)
    assert _login(other, "phuong1", PASSWORD).status_code == 302


def test_the_lock_ends_after_thirty_minutes(client, staff_a, _a_fixed_morning):
    _fail(client, "canbo1", 5)
    _a_fixed_morning.shift(timedelta(minutes=29))
    assert _login(Client(), "canbo1", PASSWORD).status_code == 429
    _a_fixed_morning.shift(timedelta(minutes=2))
    assert _login(Client(), "canbo1", PASSWORD).status_code == 302


def test_tries_during_the_lock_do_not_extend_it(client, staff_a, _a_fixed_morning):
    _fail(client, "canbo1", 5)
    _a_fixed_morning.shift(timedelta(minutes=20))
    _fail(client, "canbo1", 3)
    _a_fixed_morning.shift(timedelta(minutes=11))
    assert _login(Client(), "canbo1", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(client, admin_user):
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "quantri", "password": "sai"}, REMOTE_ADDR="1.2.3.4")
    response = client.post(reverse("admin:login"), {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR="1.2.3.4")
    assert response.status_code == 429


def test_an_administrator_unlocks_a_user_in_the_admin(client, staff_a, admin_user):
    _fail(client, "canbo1", 5)
    admin = Client()
    admin.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    listed = admin.get(changelist, {"q": "canbo1"})
    assert listed.status_code == 200 and "canbo1" in listed.content.decode()
    attempts = AccessAttempt.objects.filter(username="canbo1")
    response = admin.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert response.status_code == 302
    assert _login(Client(), "canbo1", PASSWORD).status_code == 302


def test_an_administrator_unlocks_a_user_from_the_command_line(client, staff_a):
    _fail(client, "canbo1", 5)
    call_command("axes_reset_username", "canbo1", stdout=None)
    assert _login(Client(), "canbo1", PASSWORD, address="14.160.32.9").status_code == 302


def test_ward_staff_cannot_see_the_login_attempts(client, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, staff_a, settings):
    from portal.accounts import client_address

    settings.TRUSTED_PROXY_COUNT = 1

    class Request:
        META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.113.131.7"}

    assert client_address(Request) == "203.113.131.7"  # "1.1.1.1" was written by the client: not trusted
    Request.META = {"REMOTE_ADDR": "10.0.0.2"}
    assert client_address(Request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 0
    Request.META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.113.131.7"}
    assert client_address(Request) == "10.0.0.2"


# --- changing a password -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff_a", "leader_a", "city_leader", "admin"])
def test_every_role_finds_change_password_in_the_user_menu(world, role):
    client = Client()
    client.force_login(world[role])
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("password_change")}"' in html and "Đổi mật khẩu" in html


def test_ward_staff_change_their_password_and_stay_logged_in(client, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "Mật khẩu cũ" in page.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "Đã đổi mật khẩu" in client.get(response["Location"]).content.decode()
    staff_a.refresh_from_db()
    assert staff_a.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200  # the session survives its own password change


def test_a_wrong_current_password_changes_nothing(client, staff_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    staff_a.refresh_from_db()
    assert staff_a.check_password(PASSWORD)


def test_changing_a_password_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- resetting a forgotten password ------------------------------------------------------------------------------


def test_the_login_page_links_to_forgotten_passwords(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html and "Quên mật khẩu?" in html


def _ask_for_a_reset(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")


def _link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/account/reset/\S+/)", message.body).group(1)


def test_a_forgotten_password_is_reset_through_an_e_mailed_link(client, staff_a):
    staff_a.email = "canbo1@hacthanh.thanhhoa.gov.vn"
    staff_a.save()
    _ask_for_a_reset(client, "CANBO1@hacthanh.thanhhoa.gov.vn")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["canbo1@hacthanh.thanhhoa.gov.vn"]
    assert "mật khẩu" in message.subject.lower() and "canbo1" in message.body
    link = _link_in(message)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    assert _login(Client(), "canbo1", NEW_PASSWORD).status_code == 302
    # The link works once.
    again = client.get(link, follow=True)
    assert not again.context["validlink"] and "không còn hiệu lực" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, staff_a):
    _ask_for_a_reset(client, "khong-ai@example.com")
    assert mail.outbox == []


def test_a_reset_lifts_the_lockout_of_that_user(client, staff_a):
    staff_a.email = "canbo1@hacthanh.thanhhoa.gov.vn"
    staff_a.save()
    _fail(client, "canbo1", 5, address="45.76.1.1")  # an attacker elsewhere locked the account
    _ask_for_a_reset(client, staff_a.email)
    form = client.get(_link_in(mail.outbox[0]), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert _login(Client(), "canbo1", NEW_PASSWORD).status_code == 302


def test_a_mail_server_that_fails_is_logged_not_a_server_error(client, staff_a, settings, caplog):
    staff_a.email = "canbo1@hacthanh.thanhhoa.gov.vn"
    staff_a.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    settings.EMAIL_USE_TLS = False
    _ask_for_a_reset(client, staff_a.email)
    assert "Failed to send password reset email" in caplog.text  # logged by Django's form


def test_e_mail_goes_to_the_console_under_debug_and_to_smtp_otherwise():
    """EMAIL_BACKEND is chosen when the settings load: load them again in a fresh interpreter."""
    import os
    import subprocess
    import sys

    code = "import django; from django.conf import settings; django.setup(); print(settings.EMAIL_BACKEND)"
    # PYTEST_VERSION (inherited) keeps the production checks of portal/environment.py out of this.
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    base.pop("EMAIL_BACKEND", None)

    def backend(**env):
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={**base, **env},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip().splitlines()[-1]

    assert backend(DEBUG="1") == "django.core.mail.backends.console.EmailBackend"
    assert backend(DEBUG="0") == "django.core.mail.backends.smtp.EmailBackend"


# --- idle timeout ------------------------------------------------------------------------------------------------


def test_sessions_end_after_thirty_idle_minutes_by_default():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert "portal.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE


def test_an_idle_session_ends_and_a_used_one_lives_on(staff_a, _a_fixed_morning):
    used, idle = Client(), Client()
    for client in (used, idle):
        assert _login(client, "canbo1", PASSWORD).status_code == 302
    for _ in range(4):  # 4 × 10 minutes of work: 40 minutes after logging in
        _a_fixed_morning.shift(timedelta(minutes=10))
        assert used.get(reverse("home")).status_code == 200
    assert idle.get(reverse("home")).status_code == 302  # 40 minutes without a request
    _a_fixed_morning.shift(timedelta(minutes=31))
    response = used.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_session_is_written_at_most_once_a_minute(client, staff_a, _a_fixed_morning):
    from django.contrib.sessions.models import Session

    client.force_login(staff_a)
    client.get(reverse("home"))
    expiry = Session.objects.get().expire_date
    _a_fixed_morning.shift(timedelta(seconds=30))
    client.get(reverse("home"))
    assert Session.objects.get().expire_date == expiry
    _a_fixed_morning.shift(timedelta(seconds=31))
    client.get(reverse("home"))
    assert Session.objects.get().expire_date == timezone.now() + timedelta(minutes=30)
