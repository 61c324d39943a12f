"""Two writers at once (PostgreSQL; SQLite serializes writers): the area rollup of a commune holds the
readings of both, whichever commits first."""

import threading
import time

import pytest
from django.db import connection, connections

from ioc.core.models import Area, AreaLevel
from ioc.monitoring import signals, storage
from ioc.monitoring.models import AreaRollup, Metric, Series, Station
from tests.factories import make_unit

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_commune_both_count():
    province = Area.objects.create(code="24", name="Tỉnh Bắc Ninh", short_name="Bắc Ninh", kind="Tỉnh",
                                   level=AreaLevel.PROVINCE)
    commune = Area.objects.create(code="07210", name="Phường Bắc Giang", short_name="Bắc Giang", kind="Phường",
                                  level=AreaLevel.COMMUNE, parent=province)
    unit = make_unit("snnmt")
    metric = Metric.objects.create(code="pm25", name="PM2.5")
    first, second = (Series.objects.create(metric=metric, station=Station.objects.create(
        code=code, name=code, kind="air_quality", latitude=21, longitude=106, area=commune, owner_unit=unit))
        for code in ("kk-1", "kk-2"))
    hour = int(time.time()) // 3600 * 3600 - 7200
    release, first_done = threading.Event(), threading.Event()

    def hold_first_open(sender, series_ids, **kwargs):
        if first.pk in series_ids:
            release.wait(5)  # the first writer keeps its transaction open here, its rollups computed

    def write(series, value, done=None):
        try:
            storage.write_readings([(series.pk, hour + 60, value)])
        finally:
            if done:
                done.set()
            connections.close_all()

    signals.readings_written.connect(hold_first_open)
    try:
        one = threading.Thread(target=write, args=(first, 10.0, first_done))
        one.start()
        time.sleep(0.5)
        two = threading.Thread(target=write, args=(second, 30.0))
        two.start()
        time.sleep(0.5)  # the second writer has computed (or is waiting to compute) its rollups
        release.set()
        one.join(10)
        two.join(10)
    finally:
        signals.readings_written.disconnect(hold_first_open)
    rollup = AreaRollup.objects.get(area=commune, metric=metric, grain="h", bucket=hour)
    assert (rollup.count, rollup.sum, rollup.stations) == (2, 40.0, 2)
    assert AreaRollup.objects.get(area=province, metric=metric, grain="h", bucket=hour).stations == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_is_late", [False, True])
def test_a_rebuild_and_an_in_order_write_of_one_commune_at_once(first_is_late):
    """One writer grows the commune's rollup by its in-order reading while the other rebuilds it for a late
    reading: whichever holds its transaction open, the commune ends with both."""
    province = Area.objects.create(code="24", name="Tỉnh Bắc Ninh", short_name="Bắc Ninh", kind="Tỉnh",
                                   level=AreaLevel.PROVINCE)
    commune = Area.objects.create(code="07210", name="Phường Bắc Giang", short_name="Bắc Giang", kind="Phường",
                                  level=AreaLevel.COMMUNE, parent=province)
    unit = make_unit("snnmt")
    metric = Metric.objects.create(code="pm25", name="PM2.5")
    in_order, late = (Series.objects.create(metric=metric, station=Station.objects.create(
        code=code, name=code, kind="air_quality", latitude=21, longitude=106, area=commune, owner_unit=unit))
        for code in ("kk-1", "kk-2"))
    hour = int(time.time()) // 3600 * 3600 - 7200
    storage.write_readings([(late.pk, hour + 600, 5.0)])
    rows = {in_order.pk: [(in_order.pk, hour + 60, 10.0)], late.pk: [(late.pk, hour + 30, 30.0)]}
    first, second = (late, in_order) if first_is_late else (in_order, late)
    release = threading.Event()

    def hold_first_open(sender, series_ids, **kwargs):
        if first.pk in series_ids:
            release.wait(5)

    def write(series):
        try:
            storage.write_readings(rows[series.pk])
        finally:
            connections.close_all()

    signals.readings_written.connect(hold_first_open)
    try:
        one = threading.Thread(target=write, args=(first,))
        one.start()
        time.sleep(0.5)
        two = threading.Thread(target=write, args=(second,))
        two.start()
        time.sleep(0.5)
        release.set()
        one.join(10)
        two.join(10)
    finally:
        signals.readings_written.disconnect(hold_first_open)
    for area in (commune, province):
        rollup = AreaRollup.objects.get(area=area, metric=metric, grain="h", bucket=hour)
        assert (rollup.count, rollup.sum, rollup.min, rollup.max, rollup.stations) == (3, 45.0, 5.0, 30.0, 2)
