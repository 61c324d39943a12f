"""Alerts fixtures: a metric, two stations with series, rules, and a writer that stores readings through the
storage service (as ingestion does), so the signal → task → evaluation path is the real one."""

import time

import pytest

from ioc.monitoring.models import Metric, Series, Station, StationKind
from ioc.monitoring.storage import write_readings

from ..models import AlertRule, Condition, Severity

# Two days ago at a whole hour: inside any retention window, and in the past (the minute watch runs "now").
BASE = int(time.time()) // 3600 * 3600 - 2 * 86400


@pytest.fixture
def pm25(db):
    return Metric.objects.create(code="pm25", name="Bụi PM2.5", unit_of_measure="µg/m³", warning_threshold=50,
                                 critical_threshold=75)


@pytest.fixture
def stations(units, commune, pm25):
    kinh_bac = Station.objects.create(code="kk-kinh-bac", name="Trạm quan trắc không khí Kinh Bắc",
                                      kind=StationKind.AIR_QUALITY, latitude=21.1861, longitude=106.0763,
                                      area=commune, owner_unit=units["a"])
    tu_son = Station.objects.create(code="kk-tu-son", name="Trạm quan trắc không khí Từ Sơn",
                                    kind=StationKind.AIR_QUALITY, latitude=21.1167, longitude=105.9611,
                                    owner_unit=units["a"])
    return {"kinh_bac": kinh_bac, "tu_son": tu_son}


@pytest.fixture
def series(stations, pm25):
    return {name: Series.objects.create(station=station, metric=pm25) for name, station in stations.items()}


@pytest.fixture
def make_rule(units, pm25):
    def make(**fields):
        fields.setdefault("name", "PM2.5 vượt QCVN 05:2023")
        fields.setdefault("metric", pm25)
        fields.setdefault("condition", Condition.ABOVE)
        fields.setdefault("threshold", 50)
        fields.setdefault("severity", Severity.MODERATE)
        fields.setdefault("responsible_unit", units["a"])
        fields.setdefault("resolve_after_minutes", 60)
        return AlertRule.objects.create(**fields)

    return make


@pytest.fixture
def write(django_capture_on_commit_callbacks):
    """write(series, [(minutes after BASE, value), ...]) through storage.write_readings, running the on-commit
    evaluation task (huey runs immediately in tests)."""

    def do(series, points):
        with django_capture_on_commit_callbacks(execute=True):
            write_readings([(series.pk, BASE + minutes * 60, value) for minutes, value in points])

    return do
