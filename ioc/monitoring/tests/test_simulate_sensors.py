"""simulate_sensors: valid MQTT messages for every active station, direct writes through storage, daily cycles
and threshold spikes."""

import json
import threading
import time
from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ..management.commands.simulate_sensors import Simulator, load_series
from ..models import VN_TZ, Reading, Series, Station, StationKind
from ..mqtt import make_client, parse_payload, parse_url
from .sensor_fixtures import metrics  # noqa: F401  (fixture)
from .test_mqtt import BROKER_URL, needs_broker


@pytest.fixture
def stations(units, commune, metrics):
    specs = [("kk-01", StationKind.AIR_QUALITY), ("gt-01", StationKind.TRAFFIC), ("mua-01", StationKind.RAINFALL),
             ("on-01", StationKind.NOISE)]
    for code, kind in specs:
        Station.objects.create(code=code, name=code, kind=kind, latitude=21.2, longitude=106.1, area=commune,
                               owner_unit=units["a"])
    Station.objects.create(code="old-01", name="old", kind=StationKind.NOISE, latitude=21.2, longitude=106.1,
                           owner_unit=units["a"], is_active=False)


def at_hour(hour):
    return int(datetime(2026, 11, 20, hour, 30, tzinfo=VN_TZ).timestamp())


def test_direct_writes_every_active_stations_metrics(stations, capsys):
    call_command("simulate_sensors", direct=True, count=2, interval=0.01, seed=3)
    per_station = {code: set(Series.objects.filter(station__code=code).values_list("metric__code", flat=True))
                   for code in ("kk-01", "gt-01", "mua-01", "on-01", "old-01")}
    assert per_station["kk-01"] == {"aqi", "pm25", "pm10", "temperature", "humidity"}
    assert per_station["gt-01"] == {"vehicles", "speed"} and per_station["mua-01"] == {"rainfall"}
    assert per_station["old-01"] == set()  # inactive stations stay silent
    # one reading per series and instant: two rounds within one second write the same instant twice (an upsert),
    # two rounds across a second boundary write two instants
    instants = set(Reading.objects.values_list("t", flat=True))
    assert len(instants) in (1, 2) and Reading.objects.count() == 9 * len(instants)
    assert not Series.objects.filter(last_t__isnull=True).exists()
    assert "Stopped after 2 rounds" in capsys.readouterr().out


def test_values_follow_the_day_and_stay_valid(stations):
    simulator = Simulator(load_series(), spike_rate=0, seed=1)
    by_hour = {}
    for hour in (3, 8, 14):
        samples = [dict(((s, m), v) for s, m, v in simulator.values(at_hour(hour))) for _ in range(30)]
        by_hour[hour] = {key: sum(s[key] for s in samples) / len(samples) for key in samples[0]}
    assert by_hour[8][("gt-01", "vehicles")] > 2 * by_hour[3][("gt-01", "vehicles")]
    assert by_hour[14][("kk-01", "temperature")] > by_hour[3][("kk-01", "temperature")]
    assert by_hour[8][("on-01", "noise")] > by_hour[3][("on-01", "noise")]
    for hour_values in by_hour.values():
        for (_station, metric), value in hour_values.items():
            assert 0 <= value <= {"humidity": 100}.get(metric, 20000)


def test_spikes_cross_thresholds_in_the_bad_direction(stations, metrics):
    simulator = Simulator([s for s in load_series() if s.metric.code in ("pm25", "speed")], spike_rate=1, seed=2)
    for _ in range(10):
        values = {m: v for _s, m, v in simulator.values(at_hour(10))}
        assert values["pm25"] > metrics["pm25"].warning_threshold
        assert values["speed"] < metrics["speed"].warning_threshold


def test_spikes_cross_the_stations_own_thresholds(stations, metrics):
    from ioc.monitoring.models import Series

    Series.objects.create(station=Station.objects.get(code="kk-01"), metric=metrics["pm25"],
                          warning_threshold=400, critical_threshold=500)
    simulator = Simulator([s for s in load_series() if s.metric.code == "pm25"], spike_rate=1, seed=3)
    for _ in range(10):
        assert [v for _s, _m, v in simulator.values(at_hour(10))][0] > 400


def test_it_needs_a_transport_and_stations(db, settings):
    settings.MQTT_URL = ""
    with pytest.raises(CommandError, match="transport"):
        call_command("simulate_sensors", count=1)
    with pytest.raises(CommandError, match="No active station"):
        call_command("simulate_sensors", direct=True, count=1)


@needs_broker
def test_it_publishes_valid_messages_for_each_station(stations):
    root = f"ioc-test/sim-{time.time_ns()}/readings"
    received, done = [], threading.Event()
    client, properties = make_client(parse_url(BROKER_URL), client_id=f"sim-check-{time.time_ns()}")

    def on_message(client, userdata, message):
        received.append((message.topic, message.payload))
        if len(received) >= 4:
            done.set()

    client.on_message = on_message
    subscribed = threading.Event()
    client.on_subscribe = lambda *args: subscribed.set()
    client.connect(*(lambda b: (b.host, b.port))(parse_url(BROKER_URL)), properties=properties)
    client.loop_start()
    client.subscribe(f"{root}/+", qos=1)
    try:
        assert subscribed.wait(5)
        call_command("simulate_sensors", mqtt=BROKER_URL, topic_root=root, count=1, seed=4)
        assert done.wait(5)
    finally:
        client.disconnect()
        client.loop_stop()
    topics = sorted(topic.rsplit("/", 1)[1] for topic, _ in received)
    assert topics == ["gt-01", "kk-01", "mua-01", "on-01"]
    now = int(time.time())
    for topic, payload in received:
        readings = parse_payload(payload, now)
        assert readings and all(abs(t - now) < 60 for _m, t, _v in readings)
        assert "values" in json.loads(payload)


def test_it_pushes_through_the_push_api_for_the_keys_unit(audit_flushable_db, live_server, units, commune, metrics):
    from .sensor_fixtures import make_key

    for code, unit in (("kk-01", units["a"]), ("kk-02", units["b"])):
        Station.objects.create(code=code, name=code, kind=StationKind.AIR_QUALITY, latitude=21.2, longitude=106.1,
                               area=commune, owner_unit=unit)
    key = make_key(units["a"])
    call_command("simulate_sensors", push=live_server.url, api_key=key, count=1, seed=5)
    stored = set(Reading.objects.values_list("series__station__code", "series__metric__code"))
    # only the key's unit's station, with the usual metrics of an air-quality station that exist here
    assert stored == {("kk-01", m) for m in ("aqi", "pm25", "pm10", "temperature", "humidity")}
