"""Signals the monitoring module sends after data is stored, so other modules (alerts) react without the
ingestion code knowing them. Receivers run inside the writer's transaction: queue work with on_commit."""

from django.dispatch import Signal

# Sent by storage.write_readings after a batch is stored: series_ids (set of Series ids written),
# t_min and t_max (epoch seconds of the earliest and latest reading in the batch).
readings_written = Signal()

# Sent by the observations service after observations are stored: indicator_ids (set), area_ids (set),
# periods (set of dates).
observations_written = Signal()
