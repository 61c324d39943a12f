"""write_readings: upsert by (series, t), corrections, de-duplication, latest values, what it refuses, and
series_ids_for."""

import time

import pytest
from django.utils import timezone

from ioc.monitoring import signals, storage
from ioc.monitoring.models import (DataSource, IngestBatch, Metric, Reading, Series, SeriesRollup, SourceKind,
                                   Station)
from tests.factories import make_unit

NOW = int(time.time()) // 3600 * 3600


@pytest.fixture
def unit(db):
    return make_unit("so-tnmt", "Sở Nông nghiệp và Môi trường")


@pytest.fixture
def series(commune, unit):
    station = Station.objects.create(code="kk-01", name="Trạm không khí 1", kind="air_quality", latitude=21.2,
                                     longitude=106.1, area=commune, owner_unit=unit)
    return Series.objects.create(station=station, metric=Metric.objects.create(code="pm25", name="PM2.5"))


def stored(series):
    return dict(Reading.objects.filter(series=series).values_list("t", "value"))


def hour_rollup(series, t):
    return SeriesRollup.objects.get(series=series, grain="h", bucket=t - t % 3600)


def test_sending_the_same_rows_again_changes_nothing(series):
    rows = [(series.pk, NOW - 600 * i, 10.0 + i) for i in range(6)]
    assert storage.write_readings(rows) == (6, 6)
    before = list(SeriesRollup.objects.order_by("grain", "bucket").values())
    assert storage.write_readings(rows) == (6, 0)
    assert stored(series) == {t: v for _, t, v in rows}
    assert list(SeriesRollup.objects.order_by("grain", "bucket").values()) == before


def test_a_different_value_for_the_same_time_is_a_correction(series):
    storage.write_readings([(series.pk, NOW, 10.0), (series.pk, NOW + 60, 20.0)])
    assert storage.write_readings([(series.pk, NOW, 40.0)]) == (1, 1)
    assert stored(series) == {NOW: 40.0, NOW + 60: 20.0}
    rollup = hour_rollup(series, NOW)
    assert (rollup.count, rollup.sum, rollup.min, rollup.max) == (2, 60.0, 20.0, 40.0)


def test_the_last_row_of_a_repeated_key_wins(series):
    assert storage.write_readings([(series.pk, NOW, 1.0), (series.pk, NOW, 2.0), (series.pk, NOW, 3.0)]) == (3, 1)
    assert stored(series) == {NOW: 3.0}


def test_latest_value_follows_the_newest_reading_only(series):
    storage.write_readings([(series.pk, NOW, 5.0), (series.pk, NOW - 60, 7.0)])
    series.refresh_from_db()
    assert (series.last_t, series.last_value) == (NOW, 5.0)
    storage.write_readings([(series.pk, NOW - 3600, 99.0)])  # late data does not move the latest value
    series.refresh_from_db()
    assert (series.last_t, series.last_value) == (NOW, 5.0)
    storage.write_readings([(series.pk, NOW, 6.5)])  # a correction of the latest reading does
    series.refresh_from_db()
    assert series.last_value == 6.5
    rollup = hour_rollup(series, NOW)
    assert (rollup.last_t, rollup.last_value) == (NOW, 6.5)


def test_station_and_source_are_marked_as_heard_from(series, unit):
    source = DataSource.objects.create(code="quan-trac", name="Quan trắc tự động", owner_unit=unit,
                                       kind=SourceKind.PUSH)
    batch = IngestBatch.objects.create(kind=SourceKind.PUSH, source=source, unit=unit)
    before = timezone.now()
    storage.write_readings([(series.pk, NOW, 1.0)], batch=batch)
    source.refresh_from_db()
    assert source.last_received_at >= before
    assert Station.objects.get(pk=series.station_id).last_seen_at >= before


def test_the_signal_names_the_series_and_the_time_span(series):
    received = []

    def receiver(sender, series_ids, t_min, t_max, **kwargs):
        received.append((series_ids, t_min, t_max))

    signals.readings_written.connect(receiver)
    try:
        storage.write_readings([(series.pk, NOW, 1.0), (series.pk, NOW - 7200, 2.0)])
        storage.write_readings([(series.pk, NOW, 1.0)])  # nothing new: no signal
    finally:
        signals.readings_written.disconnect(receiver)
    assert received == [({series.pk}, NOW - 7200, NOW)]


@pytest.mark.parametrize("rows", [
    [(1, "abc", 1.0)],
    [(1, 1.5, 1.0)],
    [(1, 100, "nhiều")],
    [(1, 100)],
    [(1, 100, float("nan"))],
    [(1, 100, float("inf"))],
])
def test_malformed_rows_are_refused_with_a_message(series, rows):
    rows = [(series.pk, *row[1:]) for row in rows]
    with pytest.raises(ValueError) as error:
        storage.write_readings(rows)
    assert str(error.value)
    assert not Reading.objects.exists()


def test_an_unknown_series_is_refused_and_nothing_is_written(series):
    with pytest.raises(ValueError, match="Không có chuỗi số liệu mã 987654"):
        storage.write_readings([(series.pk, NOW, 1.0), (987654, NOW, 1.0)])
    assert not Reading.objects.exists()


def test_readings_older_than_the_retention_period_are_not_written(series, settings):
    settings.IOC_READINGS_RETENTION_DAYS = 30
    old = NOW - 31 * 86400
    assert storage.write_readings([(series.pk, old, 1.0), (series.pk, NOW, 2.0)]) == (2, 1)
    assert stored(series) == {NOW: 2.0}


def test_a_stale_latest_time_falls_back_to_upserts(series):
    """Readings stored behind the service's back (Series.last_t not updated) must not break a write."""
    storage.write_readings([(series.pk, NOW, 1.0), (series.pk, NOW + 60, 2.0)])
    Series.objects.filter(pk=series.pk).update(last_t=None, last_value=None)
    assert storage.write_readings([(series.pk, NOW + 60, 3.0), (series.pk, NOW + 120, 4.0)]) == (2, 2)
    rollup = hour_rollup(series, NOW)
    assert (rollup.count, rollup.sum) == (3, 8.0)


def test_series_ids_for_creates_missing_series_and_leaves_unknown_codes_out(series, commune, unit):
    Station.objects.create(code="kk-02", name="Trạm 2", kind="air_quality", latitude=21.2, longitude=106.1,
                           area=commune, owner_unit=unit)
    Metric.objects.create(code="pm10", name="PM10")
    found = storage.series_ids_for([("kk-01", "pm25"), ("kk-02", "pm10"), ("kk-02", "khong-co"),
                                    ("tram-la", "pm25")])
    assert set(found) == {("kk-01", "pm25"), ("kk-02", "pm10")}
    assert found[("kk-01", "pm25")] == series.pk
    created = Series.objects.get(pk=found[("kk-02", "pm10")])
    assert (created.station.code, created.metric.code) == ("kk-02", "pm10")
    assert storage.series_ids_for([("kk-02", "pm10")]) == {("kk-02", "pm10"): created.pk}
