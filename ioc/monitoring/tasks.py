"""Background jobs of the monitoring module. huey finds tasks in each app's `tasks` module, so the modules
that hold periodic jobs are imported here."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import pulls  # noqa: F401  (scheduled pulls of data sources)
from . import storage

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="40", hour="1"))
def purge_old_readings_nightly():
    """Delete raw readings older than IOC_READINGS_RETENTION_DAYS (the rollups stay)."""
    deleted = storage.purge_old_readings()
    if deleted:
        logger.info("Deleted %s raw readings older than the retention period", deleted)
    return deleted
