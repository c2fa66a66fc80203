"""Signing in safely: the lockout page, the client's address the lockout counts, and what a password
reset adds to Django's own views (portal/urls.py).

Django's reset form already logs a mail server that fails and shows the same "check your e-mail" page,
so a broken SMTP server is neither a server error nor a way to learn which addresses have an account.
"""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str | None:
    """The address a login comes from, as the lockout counts it.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each proxy appends the address it was reached from to
    X-Forwarded-For, so the client is that many entries from the right; anything further left was
    written by the client and is not trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page shown instead of a login while its user name or address is locked (django-axes)."""
    context = {"limit": settings.LOGIN_FAILURE_LIMIT, "minutes": settings.LOGIN_LOCKOUT_MINUTES}
    return render(request, "registration/locked_out.html", context, status=429)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link also lifts a lockout of that user name:
    whoever holds the mailbox is the account's owner, and should not wait out a lock an attacker caused."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=self.user.get_username())
        return response
