"""Background jobs of the alerts module: evaluation after each batch of data, and the minute watch."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=2, retry_delay=10)
def evaluate_readings(series_ids, t_min=None, t_max=None):
    from .evaluation import evaluate_series

    return evaluate_series(series_ids, t_min, t_max)


@db_task(retries=2, retry_delay=10)
def evaluate_indicator_observations(indicator_ids, area_ids, periods=None):
    from .evaluation import evaluate_observations

    return evaluate_observations(indicator_ids, area_ids, periods)


@db_periodic_task(crontab(minute="*"))
def watch_alerts():
    """Silent sources (no-data rules) and events back to normal long enough to end by themselves."""
    from .evaluation import watch

    return watch()
