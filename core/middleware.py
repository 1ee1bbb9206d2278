from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control

from .client_ip import is_trusted_proxy


class UserLanguageMiddleware:
    """Use the signed-in user's saved language unless the browser chose one by cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.language
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class TrustedProxyMiddleware:
    """Drop X-Forwarded-Proto unless the request comes from a proxy in TRUSTED_PROXIES.

    SECURE_PROXY_SSL_HEADER makes Django believe that header: a client reaching gunicorn
    directly could otherwise claim HTTPS (secure cookies, no redirect). X-Forwarded-For is
    read only through core.client_ip, which applies the same rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_FORWARDED_PROTO" in request.META and not is_trusted_proxy(
            request.META.get("REMOTE_ADDR")
        ):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)


class PrivatePagesNoStoreMiddleware:
    """Pages shown to a signed-in user are theirs alone: no shared or back-button cache keeps
    them. `Cache-Control: private, no-store` unless the view chose a policy itself; an HTML
    page always gets no-store (a view's "private, max-age" is meant for its files)."""

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        current = response.get("Cache-Control", "")
        if not current:
            response["Cache-Control"] = self.VALUE
        elif "no-store" not in current and _is_html(response):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _is_html(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() in {"text/html", ""}
