"""Background jobs of the monitoring module. huey finds tasks in each app's `tasks` module, so the modules
that hold periodic jobs are imported here."""

from . import pulls  # noqa: F401  (scheduled pulls of data sources)
