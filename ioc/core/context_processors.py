from django.conf import settings
from django.utils.translation import gettext as _

from .access import get_access
from .nav import menu_for


def ioc(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    prefs = request.COOKIES
    return {
        "site_name": settings.IOC_SITE_NAME or _("Trung tâm Giám sát, Điều hành Thông minh tỉnh Bắc Ninh"),
        "access": get_access(user) if signed_in else None,
        "nav_main": menu_for(user, "main") if signed_in else [],
        "nav_admin": menu_for(user, "admin") if signed_in else [],
        "unread_count": user.notifications.filter(read_at__isnull=True).count() if signed_in else 0,
        # Accessibility toggles persist on the account, and in a cookie for visitors.
        "large_text": user.large_text if signed_in else prefs.get("ioc_large_text") == "1",
        "high_contrast": user.high_contrast if signed_in else prefs.get("ioc_high_contrast") == "1",
        "map_tile_url": settings.MAP_TILE_URL,
    }
