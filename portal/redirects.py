"""Where a form sends the person back to: the page it names in its "next" field, if that is a page of the portal."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, fallback: str) -> str:
    """The posted "next" when it is a path on this site, else `fallback`.

    Only a path is taken ("/results/ward/14797/"): never another site, a scheme, a line break that would
    split the Location header, or a bare word, which django.shortcuts.redirect() would look up as a URL name
    and fail on.
    """
    target = request.POST.get("next", "")
    on_site = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if on_site and target.startswith("/") and target.isprintable() else fallback
