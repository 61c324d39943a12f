from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ioc.core"
    label = "core"
    verbose_name = _("Nền tảng")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.backends.signals import connection_created
        from django.utils.module_loading import autodiscover_modules

        from ioc.lib.pg_loaders import use_c_loader

        from . import audit, checks, signals, worktime  # noqa: F401
        from .models import ApiKey, Area, Holiday, Membership, Unit, WorkingCalendar

        for model in (Area, Unit, Membership, Holiday, WorkingCalendar, ApiKey):
            audit.track(model)
        audit.track(get_user_model(), exclude={"last_login", "date_joined"})
        from .areas import COMMUNE_CENTROIDS
        from .models import ACTIVE_API_KEYS

        COMMUNE_CENTROIDS.connect()  # intake's nearest_commune reloads when an area changes
        ACTIVE_API_KEYS.connect()  # API clients' keys: reloaded when a key is revoked or its unit changes
        # PostgreSQL: timestamptz parsed in C, not by Django's pure-Python loader (ioc/lib/pg_loaders.py).
        connection_created.connect(use_c_loader, dispatch_uid="ioc-pg-c-timestamptz-loader")
        worktime.connect_signals()  # reload the calendar when holidays or working hours change
        # Each module declares its menu entries in <app>/nav.py.
        autodiscover_modules("nav")
        # … and the summaries on the home page in <app>/home.py (ioc/core/panels.py).
        autodiscover_modules("home")
