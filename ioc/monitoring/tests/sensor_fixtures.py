"""Metrics, stations and API keys for the NGSI-LD, MQTT and simulator tests (plain ORM set-up)."""

import pytest

from ioc.core.models import ApiKey

from ..models import Direction, Metric, Station, StationKind

METRICS = [
    # code, unit, warning, critical, min, max
    ("aqi", "", 100, 150, 0, 500),
    ("pm25", "µg/m³", 50, 100, 0, 1000),
    ("pm10", "µg/m³", 100, 200, 0, 1500),
    ("temperature", "°C", 37, 39, -5, 50),
    ("humidity", "%", None, None, 0, 100),
    ("water_level", "m", 4.3, 5.3, -2, 15),
    ("rainfall", "mm", 30, 50, 0, 200),
    ("vehicles", "xe/giờ", 5000, 6000, 0, 20000),
    ("speed", "km/h", 30, 15, 0, 150),
    ("noise", "dBA", 70, 75, 20, 140),
]


def make_metrics():
    return {code: Metric.objects.create(code=code, name=code, unit_of_measure=unit, warning_threshold=warning,
                                        critical_threshold=critical, min_valid=low, max_valid=high,
                                        direction=Direction.UP if code == "speed" else Direction.DOWN)
            for code, unit, warning, critical, low, high in METRICS}


def make_key(unit, name="agent"):
    key = ApiKey(name=name, unit=unit)
    raw = key.set_new_key()
    key.save()
    return raw


@pytest.fixture
def metrics(db):
    return make_metrics()


@pytest.fixture
def keys(units):
    return {"a": make_key(units["a"], "agent-a"), "b": make_key(units["b"], "agent-b")}


@pytest.fixture
def station_b(units, commune, metrics):
    """A station of unit b that no NGSI-LD agent has named yet."""
    return Station.objects.create(code="kk-bac-giang", name="Trạm không khí Bắc Giang", kind=StationKind.AIR_QUALITY,
                                  latitude=21.28, longitude=106.2, area=commune, owner_unit=units["b"])
