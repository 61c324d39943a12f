from django.contrib import admin
from django.urls import include, path

from ioc.api import api

admin.site.site_header = "IOC Bắc Ninh"
admin.site.site_title = "IOC Bắc Ninh"

urlpatterns = [
    path("accounts/", include("ioc.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("ioc.core.urls")),
]

handler403 = "ioc.core.views.errors.forbidden"
handler404 = "ioc.core.views.errors.not_found"
handler500 = "ioc.core.views.errors.server_error"
