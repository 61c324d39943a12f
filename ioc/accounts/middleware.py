"""Two-factor enforcement: a signed-in user with a TOTP device, or a staff member when the policy
requires it, reaches nothing but the second-factor pages until verified."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ioc.core.access import get_access

from .twofactor import has_confirmed_device

EXEMPT_PREFIXES = ("/static/", "/healthz", "/i18n/", "/accounts/2fa/", "/accounts/logout/", "/prefs/",
                   "/api/v1/docs", "/api/v1/openapi.json")


class VietnameseFirstMiddleware:
    """Pages open in Vietnamese unless the visitor chose English (cookie), whatever the browser's language.

    The API still honours Accept-Language, so machine clients can ask for English problem messages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(EXEMPT_PREFIXES):
            if has_confirmed_device(user):
                return self._redirect(request, "accounts:otp_verify")
            if settings.IOC_REQUIRE_2FA_FOR_STAFF and get_access(user).is_staff_member:
                return self._redirect(request, "accounts:otp_setup")
        return self.get_response(request)

    def _redirect(self, request, url_name):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"type": "about:blank", "title": _("Cần xác thực hai lớp"), "status": 401,
                 "detail": _("Hãy hoàn tất bước xác thực hai lớp trước khi dùng API."), "instance": request.path},
                status=401, content_type="application/problem+json",
            )
        return redirect(f"{reverse(url_name)}?next={request.get_full_path()}")
