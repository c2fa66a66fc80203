"""No URL opens to an anonymous user unless it is on the allow-list."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {
    "login",
    "set_language",
    "javascript-catalog",
    # Forgotten passwords: asked for and set before logging in, by a link e-mailed to the account.
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # For load balancers: says only whether the database, broker, worker and beat are well (tests/deploy).
    "healthz",
}
SAMPLE_ARGS = {"str": "14797", "int": "1", "slug": "x", "path": "x"}


def _patterns(resolvers, namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _sample_url(name, pattern):
    converters = getattr(pattern.pattern, "converters", {})
    kwargs = {
        key: SAMPLE_ARGS.get(type(conv).__name__.replace("Converter", "").lower(), "1")
        for key, conv in converters.items()
    }
    return reverse(name, kwargs=kwargs)


def test_every_named_url_needs_login(client, db):
    checked = 0
    for name, pattern in _patterns(get_resolver().url_patterns):
        if name in PUBLIC:
            continue
        url = _sample_url(name, pattern)
        response = client.get(url)
        assert response.status_code in (302, 405), f"{name} ({url}) answered {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), name
        checked += 1
    assert checked >= 8


def test_admin_needs_a_staff_login(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_migrations_are_complete():
    from io import StringIO

    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
