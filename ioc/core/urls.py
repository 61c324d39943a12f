from django.urls import path

from .views import admin_pages, directory, home, notifications, prefs, system

app_name = "core"

urlpatterns = [
    path("", home.public_home, name="public_home"),
    path("home/", home.home, name="home"),
    path("healthz", system.healthz, name="healthz"),
    path("system/", system.system_status, name="system"),
    path("prefs/language/", prefs.set_language, name="pref_language"),
    path("prefs/<str:name>/", prefs.toggle, name="pref_toggle"),
    path("inbox/", notifications.inbox, name="inbox"),
    path("inbox/read-all/", notifications.mark_all_read, name="inbox_read_all"),
    path("inbox/<uuid:public_id>/", notifications.open_notification, name="notification_open"),
    path("inbox/settings/", notifications.preferences, name="notification_prefs"),
    path("units/", directory.units, name="units"),
    path("units/<slug:code>/", directory.unit_detail, name="unit_detail"),
    path("areas/", directory.areas, name="areas"),
    path("areas/<str:code>/", directory.area_detail, name="area_detail"),
    path("audit/", admin_pages.audit_log, name="audit"),
    path("audit/export.csv", admin_pages.audit_export, name="audit_export"),
    path("calendar/", admin_pages.calendar, name="calendar"),
]
