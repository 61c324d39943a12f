from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "ioc.monitoring"
    label = "monitoring"
    verbose_name = _("Giám sát, điều hành")

    def ready(self):
        from ioc.core import audit

        from . import queries  # noqa: F401  (clears the dashboard cache on readings_written / observations_written)
        from .models import DataSource, Domain, Indicator, Metric, Sector, Station, WallLayout, WallPanel

        # Reference data and configuration. Observations and readings are audited per batch (IngestBatch
        # plus one audit event), not per row: millions of rows must not become millions of audit rows.
        for model in (Domain, Sector, Indicator, Metric, Station, DataSource, WallLayout, WallPanel):
            audit.track(model)
