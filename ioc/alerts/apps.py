from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "ioc.alerts"
    label = "alerts"
    verbose_name = _("Cảnh báo, sự kiện")

    def ready(self):
        from ioc.core import audit
        from ioc.monitoring.signals import observations_written, readings_written

        from .models import AlertRule
        from .receivers import on_observations_written, on_readings_written

        audit.track(AlertRule)  # events are audited by their services (audit.record), not field by field
        readings_written.connect(on_readings_written, dispatch_uid="alerts.readings_written")
        observations_written.connect(on_observations_written, dispatch_uid="alerts.observations_written")
