"""Rollups (hour, day, month; per series, per commune, for the province) equal a direct computation over the
raw readings, whatever order the readings arrive in: late data and corrections included."""

import random
from collections import defaultdict
from datetime import datetime

import pytest

from ioc.core.models import Area, AreaLevel
from ioc.monitoring import storage
from ioc.monitoring.models import VN_TZ, AreaRollup, Metric, Reading, Series, SeriesRollup, Station, bucket_start
from tests.factories import make_unit

GRAINS = ("h", "d", "m")


@pytest.fixture
def network(province, commune):
    """Two communes of the province, four stations (one without a commune), two metrics, seven series."""
    other = Area.objects.create(code="07300", name="Xã Yên Dũng", short_name="Yên Dũng", kind="Xã",
                                level=AreaLevel.COMMUNE, parent=province)
    unit = make_unit("so-tnmt", "Sở Nông nghiệp và Môi trường")
    pm25 = Metric.objects.create(code="pm25", name="Bụi PM2.5", unit_of_measure="µg/m³")
    level = Metric.objects.create(code="waterLevel", name="Mực nước", unit_of_measure="m")
    stations = [
        Station.objects.create(code="s1", name="Trạm 1", kind="air_quality", latitude=21.2, longitude=106.1,
                               area=commune, owner_unit=unit),
        Station.objects.create(code="s2", name="Trạm 2", kind="air_quality", latitude=21.3, longitude=106.2,
                               area=commune, owner_unit=unit),
        Station.objects.create(code="s3", name="Trạm 3", kind="air_quality", latitude=21.1, longitude=106.0,
                               area=other, owner_unit=unit),
        Station.objects.create(code="s4", name="Trạm 4", kind="water_level", latitude=21.0, longitude=106.3,
                               area=None, owner_unit=unit),
    ]
    series = [Series.objects.create(station=st, metric=m) for st in stations[:3] for m in (pm25, level)]
    series.append(Series.objects.create(station=stations[3], metric=level))
    return {"province": province, "communes": [commune, other], "series": series}


def expected_rollups(network):
    """The rollups computed from scratch, in Python, from what monitoring_reading holds."""
    readings = defaultdict(dict)
    for series_id, t, value in Reading.objects.values_list("series_id", "t", "value"):
        readings[series_id][t] = value
    per_series = {}
    for series_id, points in readings.items():
        for grain in GRAINS:
            groups = defaultdict(list)
            for t, value in points.items():
                groups[bucket_start(t, grain)].append((t, value))
            for bucket, items in groups.items():
                values = [v for _, v in items]
                last_t, last_value = max(items)
                per_series[(series_id, grain, bucket)] = (len(values), sum(values), min(values), max(values),
                                                          last_t, last_value)
    places = {}
    for s in Series.objects.select_related("station"):
        places[s.pk] = ([s.station.area_id] if s.station.area_id else []) + [network["province"].pk], s.metric_id
    per_area = defaultdict(lambda: [0, 0.0, float("inf"), float("-inf"), 0])
    for (series_id, grain, bucket), (n, total, low, high, _, _) in per_series.items():
        areas, metric_id = places[series_id]
        for area_id in areas:
            row = per_area[(area_id, metric_id, grain, bucket)]
            row[0] += n
            row[1] += total
            row[2] = min(row[2], low)
            row[3] = max(row[3], high)
            row[4] += 1
    return per_series, {k: tuple(v) for k, v in per_area.items()}


def assert_rollups_match(network):
    per_series, per_area = expected_rollups(network)
    stored = {(r.series_id, r.grain, r.bucket): (r.count, r.sum, r.min, r.max, r.last_t, r.last_value)
              for r in SeriesRollup.objects.all()}
    assert stored.keys() == per_series.keys()
    for key, expected in per_series.items():
        assert stored[key] == pytest.approx(expected, rel=1e-6), key
    stored = {(r.area_id, r.metric_id, r.grain, r.bucket): (r.count, r.sum, r.min, r.max, r.stations)
              for r in AreaRollup.objects.all()}
    assert stored.keys() == per_area.keys()
    for key, expected in per_area.items():
        assert stored[key] == pytest.approx(expected, rel=1e-6), key


def vn(*args):
    return int(datetime(*args, tzinfo=VN_TZ).timestamp())


def test_random_readings_late_data_and_corrections_give_the_direct_computation(network, settings):
    settings.IOC_READINGS_RETENTION_DAYS = 0  # the readings are years old
    rng = random.Random(4)
    series_ids = [s.pk for s in network["series"]]
    # Around a month end in Vietnam's time: 31/01 20:00 → 02/02 04:00, every 10 minutes, with gaps.
    start = vn(2025, 1, 31, 20)
    rows = [(s, start + i * 600 + rng.randrange(0, 600), round(rng.uniform(0, 300), 3))
            for s in series_ids for i in range(0, 192) if rng.random() < 0.8]
    rng.shuffle(rows)
    head, late = rows[: len(rows) * 2 // 3], rows[len(rows) * 2 // 3:]
    for chunk in range(0, len(head), 97):
        storage.write_readings(head[chunk:chunk + 97])
    assert_rollups_match(network)
    storage.write_readings(late)  # late data, into buckets that already have rollups
    assert_rollups_match(network)
    corrections = [(s, t, v + 1000) for s, t, v in rng.sample(rows, 60)]
    result = storage.write_readings(corrections)
    assert result == (60, 60)
    assert_rollups_match(network)
    assert Reading.objects.count() == len({(s, t) for s, t, _ in rows})


def test_vietnamese_day_and_month_boundaries(network, settings):
    settings.IOC_READINGS_RETENTION_DAYS = 0
    series = network["series"][0]
    # 16:59 and 17:00 UTC on 31 January are the last minute of 31/01 and the first of 01/02 in Vietnam.
    before, after = vn(2025, 1, 31, 23, 59), vn(2025, 2, 1, 0, 0)
    storage.write_readings([(series.pk, before, 10.0), (series.pk, after, 30.0)])
    days = dict(SeriesRollup.objects.filter(series=series, grain="d").values_list("bucket", "sum"))
    assert days == {vn(2025, 1, 31): 10.0, vn(2025, 2, 1): 30.0}
    months = dict(SeriesRollup.objects.filter(series=series, grain="m").values_list("bucket", "count"))
    assert months == {vn(2025, 1, 1): 1, vn(2025, 2, 1): 1}


def test_province_and_commune_rollups(network, settings):
    settings.IOC_READINGS_RETENTION_DAYS = 0
    s1_pm, _, s2_pm, _, s3_pm, _, s4_level = network["series"]
    hour = vn(2025, 6, 1, 8)
    storage.write_readings([(s1_pm.pk, hour + 60, 10.0), (s1_pm.pk, hour + 120, 20.0), (s2_pm.pk, hour, 60.0),
                            (s3_pm.pk, hour + 5, 5.0), (s4_level.pk, hour, 2.5)])
    commune, other = network["communes"]
    pm25 = s1_pm.metric_id
    got = {(r.area_id, r.metric_id): (r.count, r.sum, r.min, r.max, r.stations)
           for r in AreaRollup.objects.filter(grain="h", bucket=hour)}
    assert got == {
        (commune.pk, pm25): (3, 90.0, 10.0, 60.0, 2),
        (other.pk, pm25): (1, 5.0, 5.0, 5.0, 1),
        (network["province"].pk, pm25): (4, 95.0, 5.0, 60.0, 3),
        (network["province"].pk, s4_level.metric_id): (1, 2.5, 2.5, 2.5, 1),  # a station without a commune
    }


@pytest.fixture
def wide_network(network):
    """The network plus 60 stations × 3 metrics (one station in six without a commune): 187 series."""
    commune, other = network["communes"]
    unit = network["series"][0].station.owner_unit
    metrics = list(Metric.objects.all()) + [Metric.objects.create(code="temperature", name="Nhiệt độ")]
    for n in range(60):
        area = None if n % 6 == 5 else (commune if n % 2 else other)
        station = Station.objects.create(code=f"w{n}", name=f"Trạm {n}", kind="air_quality", latitude=21.2,
                                         longitude=106.1, area=area, owner_unit=unit)
        network["series"] += [Series.objects.create(station=station, metric=m) for m in metrics]
    return network


def test_wide_in_order_batches_across_hour_day_and_month_boundaries(wide_network, settings):
    """One reading per series and batch, batches every 5 minutes from 31/01 22:40 to 01/02 01:10 in Vietnam
    (an hour, a day and a month boundary; a new series joining half way), then late data, corrections and
    in-order readings in one batch, then a Series.last_t left behind the stored readings."""
    settings.IOC_READINGS_RETENTION_DAYS = 0
    network = wide_network
    rng = random.Random(7)
    series_ids = [s.pk for s in network["series"]]
    start = vn(2025, 1, 31, 22, 40)
    for step in range(31):
        t = start + step * 300
        present = series_ids if step >= 15 else series_ids[:-20]  # 20 series start after the month boundary
        rows = [(s, t + rng.randrange(0, 60), round(rng.uniform(-50, 300), 3)) for s in present
                if rng.random() < 0.9]
        result = storage.write_readings(rows)
        assert result == (len(rows), len(rows))
        if step in (2, 3, 15, 16, 30):
            assert_rollups_match(network)
    latest = dict(Series.objects.values_list("pk", "last_t"))
    assert latest == {s: t for s, t in Reading.objects.values_list("series_id", "t").order_by("t")}
    # Late data and corrections for some series, in-order readings for the others, in the same batch.
    stored = list(Reading.objects.values_list("series_id", "t", "value"))
    late = [(s, t - 7, 1.0) for s, t, _ in rng.sample(stored, 40)]
    corrected = [(s, t, v + 500) for s, t, v in rng.sample(stored, 40)]
    touched = {s for s, _, _ in late + corrected}
    fresh = [(s, start + 31 * 300 + 30, round(rng.uniform(0, 100), 3)) for s in series_ids if s not in touched]
    storage.write_readings(late + corrected + fresh)
    assert_rollups_match(network)
    # Series.last_t behind what is stored (written outside write_readings): the general path all the same.
    behind = series_ids[:5]
    Series.objects.filter(pk__in=behind).update(last_t=start)
    storage.write_readings([(s, start + 32 * 300, 42.0) for s in series_ids])
    assert_rollups_match(network)
    assert set(Series.objects.filter(pk__in=behind).values_list("last_t", flat=True)) == {start + 32 * 300}
    # …and behind inside an hour that holds later readings: the reading is late after all.
    hour = vn(2025, 2, 1, 0)
    rows = []
    for s in behind:
        times = sorted(Reading.objects.filter(series_id=s, t__gte=hour, t__lt=hour + 3600)
                       .values_list("t", flat=True))
        Series.objects.filter(pk=s).update(last_t=times[1])
        rows.append((s, times[1] + 1, -99.0))
    assert storage.write_readings(rows) == (5, 5)
    assert_rollups_match(network)
