from django.contrib import admin
from django.urls import include, path

from ioc.api import api

admin.site.site_header = "IOC Bắc Ninh"
admin.site.site_title = "IOC Bắc Ninh"


def _admin_site_permission(request):
    # The reference-data admin is for the administrator role (ioc.core.access), not Django's is_staff flag.
    from ioc.core.access import get_access

    return request.user.is_active and get_access(request.user).has("core.manage_reference")


admin.site.has_permission = _admin_site_permission

urlpatterns = [
    path("accounts/", include("ioc.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/", include("ioc.feedback.open311")),
    path("ngsi-ld/v1/", include("ioc.monitoring.ngsild")),
    path("", include("ioc.alerts.urls")),
    path("", include("ioc.monitoring.urls")),
    path("", include("ioc.feedback.urls")),
    path("", include("ioc.core.urls")),
]

handler403 = "ioc.core.views.errors.forbidden"
handler404 = "ioc.core.views.errors.not_found"
handler500 = "ioc.core.views.errors.server_error"
