"""Raw readings older than IOC_READINGS_RETENTION_DAYS are deleted nightly; the rollups stay."""

import time

import pytest

from ioc.monitoring import storage, tasks
from ioc.monitoring.models import AreaRollup, Metric, Reading, Series, SeriesRollup, Station
from tests.factories import make_unit

DAY = 86400


@pytest.fixture
def series(commune):
    station = Station.objects.create(code="mn-01", name="Trạm đo mực nước", kind="water_level", latitude=21.2,
                                     longitude=106.1, area=commune, owner_unit=make_unit("snnmt"))
    return Series.objects.create(station=station, metric=Metric.objects.create(code="waterLevel", name="Mực nước"))


def test_the_nightly_task_deletes_old_readings_and_keeps_rollups(series, settings):
    now = int(time.time()) // 3600 * 3600
    settings.IOC_READINGS_RETENTION_DAYS = 100
    rows = [(series.pk, now - d * DAY, float(d)) for d in range(0, 99, 7)]
    rows += [(series.pk, now - d * DAY, float(d)) for d in (90, 91, 92)]
    storage.write_readings(rows)
    rollups_before = list(SeriesRollup.objects.order_by("grain", "bucket").values())
    areas_before = AreaRollup.objects.count()

    settings.IOC_READINGS_RETENTION_DAYS = 45  # shorten the retention: what is older than 45 days must go
    deleted = tasks.purge_old_readings_nightly.call_local()

    kept = sorted(Reading.objects.values_list("t", flat=True))
    expected = sorted({t for _, t, _ in rows if t >= storage.readings_cutoff()})
    assert kept == expected
    assert deleted == len({t for _, t, _ in rows}) - len(expected)
    assert list(SeriesRollup.objects.order_by("grain", "bucket").values()) == rollups_before
    assert AreaRollup.objects.count() == areas_before


def test_deletion_goes_in_chunks_across_a_long_history(series, settings):
    settings.IOC_READINGS_RETENTION_DAYS = 0
    now = int(time.time()) // 3600 * 3600
    storage.write_readings([(series.pk, now - h * 3600, 1.0) for h in range(0, 24 * 60, 5)])
    settings.IOC_READINGS_RETENTION_DAYS = 10
    deleted = storage.purge_old_readings(window_days=3)
    assert deleted > 0
    assert Reading.objects.filter(t__lt=storage.readings_cutoff()).count() == 0
    assert Reading.objects.filter(t__gte=storage.readings_cutoff()).count() == len(range(0, 24 * 10 + 1, 5))


def test_retention_off_keeps_everything(series, settings):
    settings.IOC_READINGS_RETENTION_DAYS = 0
    storage.write_readings([(series.pk, 1_000_000_000, 1.0)])
    assert storage.purge_old_readings() == 0
    assert Reading.objects.count() == 1
