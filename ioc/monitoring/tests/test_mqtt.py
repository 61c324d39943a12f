"""MQTT ingestion against the local Mosquitto (skipped when no broker answers): published readings are stored,
a restart resumes the persistent session without losing or repeating acknowledged messages, invalid payloads
are counted and acknowledged, and the command runs and stops."""

import json
import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from ..models import IngestBatch, Reading, Series, SourceKind, Station, StationKind
from ..mqtt import Ingester, PayloadError, make_client, parse_payload, parse_url
from .sensor_fixtures import metrics  # noqa: F401  (fixture)

BROKER_URL = os.environ.get("MQTT_URL") or "mqtt://127.0.0.1:1883"


def broker_answers(url=BROKER_URL):
    broker = parse_url(url)
    try:
        with socket.create_connection((broker.host, broker.port), timeout=1):
            return True
    except OSError:
        return False


needs_broker = pytest.mark.skipif(not broker_answers(), reason=(
    f"No MQTT broker answers at {BROKER_URL}: start Mosquitto (or set MQTT_URL) to run the MQTT ingestion tests."))


@pytest.fixture
def session():
    """A topic root and a client id of this test only; the broker forgets the session afterwards."""
    tag = uuid.uuid4().hex[:10]
    names = {"topic_root": f"ioc-test/{tag}/readings", "client_id": f"ioc-test-{tag}"}
    yield names
    client, properties = make_client(parse_url(BROKER_URL), client_id=names["client_id"])
    client.connect(*_address(), clean_start=True, properties=properties)  # session expiry 0: dropped on close
    client.disconnect()


def _address():
    broker = parse_url(BROKER_URL)
    return broker.host, broker.port


@pytest.fixture
def publish(session):
    client, properties = make_client(parse_url(BROKER_URL), client_id=f"pub-{session['client_id']}")
    client.connect(*_address(), properties=properties)
    client.loop_start()

    def send(station, payload):
        raw = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        client.publish(f"{session['topic_root']}/{station}", raw, qos=1).wait_for_publish(5)

    yield send
    client.disconnect()
    client.loop_stop()


@pytest.fixture
def stations(units, commune, metrics):
    for code, kind in (("kk-01", StationKind.AIR_QUALITY), ("mua-01", StationKind.RAINFALL)):
        Station.objects.create(code=code, name=code, kind=kind, latitude=21.2, longitude=106.1, area=commune,
                               owner_unit=units["a"])


def ingester_for(session, **options):
    return Ingester(BROKER_URL, client_id=session["client_id"], topic_root=session["topic_root"], flush_ms=50,
                    **options).start()


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def drain(ingester, messages, seconds=10):
    """Flush until `messages` have been handled."""
    deadline = time.monotonic() + seconds
    while ingester.stats.received < messages and time.monotonic() < deadline:
        ingester.wait_for_batch(0.1)
        ingester.flush_pending()
    return ingester.stats


def hour_ago_local():
    moment = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    return moment, moment.astimezone().isoformat()


# --- Payloads (no broker needed) ----------------------------------------------------------------------


def test_payload_forms_and_times():
    now = int(time.time())
    assert parse_payload(b'{"metric": "pm25", "value": 35.2, "time": "2026-01-01T10:00:00+07:00"}', now) == [
        ("pm25", int(datetime(2026, 1, 1, 3, tzinfo=UTC).timestamp()), 35.2)]
    # without an offset: Vietnam's time; epoch seconds and milliseconds; no time: now
    naive = parse_payload(b'{"time": "2026-01-01T10:00:00", "values": {"pm25": 35, "pm10": 60}}', now)
    assert naive == [("pm25", 1767236400, 35.0), ("pm10", 1767236400, 60.0)]
    assert parse_payload(b'[{"metric": "a", "value": 1, "time": 1767236400000}, {"metric": "b", "value": 2}]',
                         now) == [("a", 1767236400, 1.0), ("b", now, 2.0)]


@pytest.mark.parametrize("raw,words", [
    (b"not json", "JSON"), (b"[]", "trống"), (b'{"value": 3}', "metric"), (b'{"metric": "pm25"}', "value"),
    (b'{"metric": "pm25", "value": "3"}', "số"), (b'{"values": {}}', "values"),
    ('{"metric": "pm25", "value": 3, "time": "hôm qua"}'.encode(), "ISO 8601"),
    (b'{"metric": "pm25", "value": 3, "time": "2999-01-01T00:00:00Z"}', "ngoài khoảng"),
    (b'{"metric": "pm25", "value": NaN}', "số"),
])
def test_bad_payloads_say_why(raw, words):
    with pytest.raises(PayloadError) as error:
        parse_payload(raw, int(time.time()))
    assert words in str(error.value)


def test_broker_url_forms():
    assert parse_url("mqtt://user:p%40ss@broker.local:1884") == parse_url("mqtt://user:p%40ss@broker.local:1884")
    broker = parse_url("mqtts://user:p%40ss@broker.local")
    assert (broker.host, broker.port, broker.username, broker.password, broker.tls) == (
        "broker.local", 8883, "user", "p@ss", True)
    with pytest.raises(ValueError):
        parse_url("http://broker")


# --- Against the broker ------------------------------------------------------------------------------


@needs_broker
def test_published_readings_are_stored_in_one_hourly_batch(session, publish, stations):
    moment, local = hour_ago_local()
    ingester = ingester_for(session)
    try:
        assert ingester.connected.wait(5)
        publish("kk-01", {"metric": "pm25", "value": 35.2, "time": local})
        publish("kk-01", {"time": local, "values": {"pm10": 60, "relativeHumidity": 71}})
        publish("mua-01", [{"metric": "rainfall", "value": 1.5, "time": local},
                           {"metric": "rainfall", "value": 2.5, "time": int(moment.timestamp()) + 600}])
        stats = drain(ingester, 3)
    finally:
        ingester.stop()
    assert (stats.stored, stats.invalid, stats.written) == (3, 0, 5)
    t = int(moment.timestamp())
    assert Series.objects.get(station__code="kk-01", metric__code="pm25").last_value == 35.2
    assert Series.objects.get(station__code="kk-01", metric__code="humidity").last_t == t
    assert Series.objects.get(station__code="mua-01", metric__code="rainfall").last_value == 2.5
    assert Reading.objects.count() == 5
    batch = IngestBatch.objects.get()
    assert (batch.kind, batch.rows_received, batch.rows_written) == (SourceKind.MQTT, 5, 5)


@needs_broker
def test_invalid_payloads_are_counted_logged_and_acknowledged(session, publish, stations, caplog):
    _moment, local = hour_ago_local()
    ingester = ingester_for(session)
    try:
        assert ingester.connected.wait(5)
        publish("kk-01", b"{broken")
        publish("kk-01", {"metric": "radon", "value": 3, "time": local})
        publish("kk-99", {"metric": "pm25", "value": 3, "time": local})
        publish("kk-01", {"metric": "pm25", "value": 99999, "time": local})
        publish("kk-01", {"metric": "pm25", "value": 20, "time": local})
        stats = drain(ingester, 5)
    finally:
        ingester.stop()
    assert (stats.received, stats.stored, stats.invalid) == (5, 1, 4)
    errors = [e["message"] for e in IngestBatch.objects.get().errors]
    assert len(errors) == 4 and any("radon" in e for e in errors) and any("kk-99" in e for e in errors)
    assert "invalid message" in caplog.text
    assert Reading.objects.count() == 1

    again = ingester_for(session)  # everything was acknowledged: nothing comes back
    try:
        assert again.connected.wait(5)
        time.sleep(0.5)
        assert not again.pending
    finally:
        again.stop()


@needs_broker
def test_restart_resumes_the_session_and_loses_nothing_acknowledged(session, publish, stations):
    moment, _local = hour_ago_local()
    t = int(moment.timestamp())
    first = ingester_for(session)
    assert first.connected.wait(5)
    for i in range(2):
        publish("kk-01", {"metric": "pm25", "value": 10 + i, "time": t + i})
    assert drain(first, 2).stored == 2  # written and acknowledged
    time.sleep(0.2)
    for i in range(2, 5):
        publish("kk-01", {"metric": "pm25", "value": 10 + i, "time": t + i})
    assert wait_for(lambda: len(first.pending) == 3)
    # The process dies before writing those three: they were never acknowledged.
    first.stopping.set()
    first.client.disconnect()
    first.client.loop_stop()
    for i in range(5, 7):  # sent while no ingester runs: the broker keeps them for the session
        publish("kk-01", {"metric": "pm25", "value": 10 + i, "time": t + i})

    second = ingester_for(session)
    try:
        stats = drain(second, 5)
        time.sleep(0.3)
        second.flush_pending()
    finally:
        second.stop()
    assert stats.received == 5  # the 3 unacknowledged and the 2 queued, not the 2 acknowledged ones
    assert sorted(Reading.objects.values_list("value", flat=True)) == [float(10 + i) for i in range(7)]


@needs_broker
def test_the_command_stores_what_waited_in_its_session(session, publish, stations, capsys):
    _moment, local = hour_ago_local()
    subscriber = ingester_for(session)  # the session and its subscription exist before the command runs
    assert subscriber.connected.wait(5)
    subscriber.stop()
    publish("kk-01", {"metric": "pm25", "value": 42, "time": local})
    publish("kk-01", b"[1, 2]")
    call_command("ingest_mqtt", url=BROKER_URL, client_id=session["client_id"], topic_root=session["topic_root"],
                 flush_ms=50, duration=1.5)
    assert "2 messages, 1 stored, 1 invalid" in capsys.readouterr().out
    assert list(Reading.objects.values_list("value", flat=True)) == [42.0]


def test_the_command_needs_a_broker_address(settings):
    from django.core.management.base import CommandError

    settings.MQTT_URL = ""
    with pytest.raises(CommandError, match="MQTT_URL"):
        call_command("ingest_mqtt")
    with pytest.raises(CommandError, match="mqtt://"):
        call_command("ingest_mqtt", url="http://nope")
