from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import FileResponse, HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext


class LocaleMiddleware:
    """Vietnamese unless the person chose another language.

    Django's own LocaleMiddleware follows the browser's Accept-Language, and many
    officials' phones and office PCs are set to English; the portal speaks
    Vietnamese first and switches only on the language cookie set by the switcher.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        translation.deactivate()
        return response


# Browser features the portal never uses, refused for every page and anything a page might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "serial",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    """Sends the Permissions-Policy header, which Django's SecurityMiddleware does not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page a signed-in person sees and on every file download.

    Officials share office computers and proxies: a results page, a report or an evidence photo must
    not stay in a browser's or a proxy's cache after the person logs out. Static files are served
    above this middleware (WhiteNoise) and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if signed_in or is_file(response):
            add_never_cache_headers(response)
        return response


def is_file(response) -> bool:
    """A file the portal serves (evidence, attachments, scans, reports, exports), not a page."""
    return isinstance(response, FileResponse) or "attachment" in response.get("Content-Disposition", "")


# A file opened in the browser may do nothing: no script, no request, in a sandbox; the policy GitHub
# serves its users' raw files with. Inline styles there are the browser's own image viewer laying itself
# out; pages keep the site's policy (settings.CONTENT_SECURITY_POLICY), which has no 'unsafe-inline'.
FILE_POLICY = {
    "default-src": ["'none'"],
    "img-src": ["'self'"],
    "style-src": ["'unsafe-inline'"],
    "sandbox": True,
}


class FilePolicyMiddleware:
    """Gives files the sandboxed FILE_POLICY instead of the pages' policy (read by django-csp's
    CSPMiddleware, which must come before this one in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_file(response):
            response._csp_config = FILE_POLICY
        return response


class IdleSessionMiddleware:
    """Ends a signed-in session SESSION_COOKIE_AGE seconds after its last request.

    Django counts a session's age from its last save. SESSION_SAVE_EVERY_REQUEST would write the session
    row on every request (htmx polls included), add that write to every page's queries and, with two
    requests in flight, write a stale copy over the other's changes. Here a session in use is saved again
    only when its last save is a minute old (its expiry, kept by portal.sessions, says when that was), so
    the timeout is exact to the minute and most requests write nothing.
    """

    REFRESH = timedelta(seconds=60)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:  # reads the session, and its expiry with it
            expires = getattr(session, "expire_date", None)
            if expires is not None:
                saved = expires - timedelta(seconds=session.get_expiry_age())
                if timezone.now() - saved >= self.REFRESH:
                    session.modified = True  # saved by SessionMiddleware with a new expiry and cookie
        return self.get_response(request)


class NulByteMiddleware:
    """Answers 400 to a request whose query string or form holds a NUL character, in a name or a value.

    No form or filter of the portal takes one, and PostgreSQL refuses one in any text it is given: left to
    reach a search or a filter, a NUL byte is a server error, so it is refused here, once for every page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [request.GET]
        if request.method == "POST":
            fields.append(request.POST)
        for data in fields:
            if any("\0" in key or any("\0" in value for value in values) for key, values in data.lists()):
                return HttpResponseBadRequest(
                    gettext("Invalid request: it contains a NUL character."), content_type="text/plain; charset=utf-8"
                )
        return self.get_response(request)
