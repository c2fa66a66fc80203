from django.conf import settings
from django.utils import translation


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
