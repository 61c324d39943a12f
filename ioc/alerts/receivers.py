"""Receivers of the monitoring signals: queue evaluation once the writer's transaction commits, so a rolled-back
batch alerts no one and ingestion never waits for rule evaluation."""

from django.db import transaction


def on_readings_written(sender, series_ids=(), t_min=None, t_max=None, **kwargs):
    ids = sorted({int(i) for i in series_ids})
    if not ids:
        return
    from .tasks import evaluate_readings

    transaction.on_commit(lambda: evaluate_readings(ids, t_min, t_max))


def on_observations_written(sender, indicator_ids=(), area_ids=(), periods=(), **kwargs):
    indicators = sorted({int(i) for i in indicator_ids})
    if not indicators:
        return
    areas = sorted({int(a) for a in area_ids})
    from .tasks import evaluate_indicator_observations

    transaction.on_commit(lambda: evaluate_indicator_observations(indicators, areas, None))
