"""Display preferences: language, larger text and high contrast. Stored on the account, or in a
cookie for visitors, so they persist across visits."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

TOGGLES = {"large_text": "ioc_large_text", "high_contrast": "ioc_high_contrast"}
YEAR = 365 * 24 * 3600


def _back(request):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)


@require_POST
def toggle(request, name):
    if name not in TOGGLES:
        raise Http404
    user = request.user
    if user.is_authenticated:
        value = not getattr(user, name)
        setattr(user, name, value)
        user.save(update_fields=[name])
    else:
        value = request.COOKIES.get(TOGGLES[name]) != "1"
    response = _back(request)
    response.set_cookie(TOGGLES[name], "1" if value else "0", max_age=YEAR, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)
    return response


@require_POST
def set_language(request):
    language = request.POST.get("language")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = _back(request)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response
