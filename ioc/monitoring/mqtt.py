"""MQTT ingestion of sensor readings (`python manage.py ingest_mqtt`).

Devices publish JSON to `ioc/readings/{station code}`:

- one reading: `{"metric": "pm25", "value": 35.2, "time": "2026-11-22T10:00:00+07:00"}`;
- several metrics at one time: `{"time": "…", "values": {"pm25": 35, "pm10": 60}}`;
- or a list of either.

`time` is ISO 8601 (without an offset it is Vietnam's time, UTC+7) or epoch seconds (milliseconds above 10¹¹);
without `time` the reception time is used. Metric names are metric codes or their Smart Data Models names
(`relativeHumidity` for `humidity`…). A message is stored whole or not at all.

Nothing acknowledged is lost: the ingester connects with MQTT 5, a fixed client id, `clean_start=False` and a
session that outlives it, subscribes with QoS 1 and acknowledges manually (paho's `manual_ack`) — a message is
acknowledged only after the transaction holding its readings is committed. Messages received but not yet
committed when the process dies are sent again by the broker on the next connection; storage upserts make that
harmless. Messages are written in batches (every `batch_size` messages or `flush_ms` milliseconds). Invalid
messages are counted, logged (a sample) and acknowledged so they do not come back forever. paho reconnects by
itself with a growing delay; a failing database is retried with backoff while the messages wait unacknowledged.

Broker settings matter: Mosquitto keeps at most `max_queued_messages` (default 1,000) messages per session
beyond those in flight, for a subscriber that is away or behind, and drops the rest. Production brokers should
raise it (for example `max_queued_messages 1000000`) so that a restart of the ingester loses nothing published
meanwhile. Two ingesters must not share a client id (the broker would hand the session back and forth).

Bulk data is audited per `IngestBatch` (kind mqtt): one batch per ingester and hour, its counters and first
errors updated at every flush, and one audit event when it opens.
"""

import json
import logging
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import VN_TZ, BatchStatus, DataSource, IngestBatch, SourceKind, Station

log = logging.getLogger("ioc.mqtt")

TOPIC_ROOT = "ioc/readings"
DEFAULT_CLIENT_ID = "ioc-ingest-mqtt"
SESSION_EXPIRY = 7 * 86400  # the broker keeps our subscription and queued messages this long while we are away
RECEIVE_MAXIMUM = 20_000  # unacknowledged messages the broker may send us (MQTT 5 Receive Maximum)
MAX_ITEMS = 10_000  # readings per message
EARLIEST = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())
FUTURE_SLACK = 3600
MAX_ERRORS_KEPT = 100  # per IngestBatch
BATCH_HOURS = 1
UNKNOWN_STATION_TTL = 60  # seconds before a station code that was not found is looked up again


class PayloadError(ValueError):
    """A message that cannot be stored; the text says why (Vietnamese, for the batch's error list)."""


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @property
    def label(self):
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def parse_url(url: str) -> Broker:
    """mqtt://[user:pass@]host[:port] or mqtts://… (TLS, port 8883 by default)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl") or not parts.hostname:
        raise ValueError(f"MQTT_URL must look like mqtt://user:password@host:1883 (got {url!r}).")
    tls = parts.scheme in ("mqtts", "ssl")
    try:
        port = parts.port or (8883 if tls else 1883)
    except ValueError:
        raise ValueError(f"MQTT_URL has an invalid port: {url!r}.") from None
    return Broker(host=parts.hostname, port=port, username=unquote(parts.username) if parts.username else None,
                  password=unquote(parts.password) if parts.password else None, tls=tls)


def make_client(broker: Broker, *, client_id: str, manual_ack=False, persistent=False, receive_maximum=None):
    """A paho client (MQTT 5) for the broker; not yet connected. Returns (client, connect properties)."""
    from paho.mqtt.client import CallbackAPIVersion, MQTTv5
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    client = _fast_client_class()(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=MQTTv5,
                                  manual_ack=manual_ack)
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    if broker.tls:
        client.tls_set()
    client.reconnect_delay_set(min_delay=1, max_delay=60)
    properties = Properties(PacketTypes.CONNECT)
    if persistent:
        properties.SessionExpiryInterval = SESSION_EXPIRY
    if receive_maximum:
        properties.ReceiveMaximum = receive_maximum
    return client, properties


class _BufferedSocket:
    """paho reads every packet with three recv() calls (command byte, length, body) and one select() per packet,
    which caps a Python subscriber near 25,000 messages/s and leaves little CPU for writing them. This wrapper
    serves those small reads from one large recv(); `pending()` (paho's hook for TLS sockets) tells paho's loop
    not to wait in select() while buffered bytes remain."""

    def __init__(self, sock):
        self._socket = sock
        self._buffer = b""
        self._position = 0

    def recv(self, size):
        available = len(self._buffer) - self._position
        if available <= 0:
            self._buffer, self._position = self._socket.recv(65536), 0  # BlockingIOError passes through
            available = len(self._buffer)
            if not available:
                return b""
        start = self._position
        self._position = start + min(size, available)
        return self._buffer[start:self._position]

    def pending(self):
        inner = getattr(self._socket, "pending", None)
        return len(self._buffer) - self._position + (inner() if inner else 0)

    def __getattr__(self, name):
        return getattr(self._socket, name)


_FAST_CLIENT = None


def _fast_client_class():
    """paho's Client with buffered reads, many packets per loop turn, and acknowledgements sent in one write."""
    global _FAST_CLIENT
    if _FAST_CLIENT is not None:
        return _FAST_CLIENT
    import struct

    from paho.mqtt.client import PUBACK, Client, MQTTErrorCode

    class FastClient(Client):
        def _create_socket(self):
            return _BufferedSocket(super()._create_socket())

        def loop_read(self, max_packets=1):
            for _ in range(1000):  # paho itself reads one packet per select()
                if self._sock is None:
                    return MQTTErrorCode.MQTT_ERR_NO_CONN
                rc = self._packet_read()
                if rc > 0:
                    return self._loop_rc_handle(rc)
                if rc == MQTTErrorCode.MQTT_ERR_AGAIN:
                    break
            return MQTTErrorCode.MQTT_ERR_SUCCESS

        def ack_many(self, mids):
            """PUBACK every QoS 1 message id in `mids`, in order, queued as one write."""
            if mids:
                packet = b"".join(struct.pack("!BBH", PUBACK, 2, mid) for mid in mids)
                self._packet_queue(PUBACK, packet, mids[-1], 1)

    _FAST_CLIENT = FastClient
    return FastClient


# --- Payloads -----------------------------------------------------------------------------------------


def _number(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PayloadError(f"giá trị của “{str(name)[:40]}” phải là số (nhận được {str(value)[:30]!r})")
    return float(value)


def parse_time(value, now: int) -> int:
    if value is None:
        return now
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        t = int(value / 1000) if value > 1e11 else int(value)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise PayloadError(f"thời điểm “{value[:40]}” không theo ISO 8601 (ví dụ 2026-11-22T10:00:00+07:00)") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VN_TZ)
        t = int(moment.timestamp())
    else:
        raise PayloadError("“time” phải là chuỗi ISO 8601 hoặc số giây epoch")
    if t < EARLIEST or t > now + FUTURE_SLACK:
        raise PayloadError(f"thời điểm {value!s:.40} nằm ngoài khoảng hợp lệ (từ năm 2000 đến hiện tại)")
    return t


def parse_payload(raw: bytes, now: int):
    """[(metric name, t, value)] of one message, or PayloadError."""
    try:
        data = json.loads(raw.decode() if isinstance(raw, bytes) else raw)  # (bytes make json sniff the encoding)
    except (UnicodeDecodeError, ValueError):
        raise PayloadError("nội dung không phải JSON hợp lệ") from None
    items = data if isinstance(data, list) else [data]
    if not items:
        raise PayloadError("mảng giá trị đang trống")
    readings = []
    for item in items:
        if not isinstance(item, dict):
            raise PayloadError("mỗi phần tử phải là một đối tượng JSON")
        t = parse_time(item.get("time"), now)
        values = item.get("values")
        if values is not None:
            if not isinstance(values, dict) or not values:
                raise PayloadError("“values” phải là đối tượng {đại lượng: giá trị} không rỗng")
            for name, value in values.items():
                readings.append((name, t, _number(value, name)))
        elif "metric" in item:
            name = item["metric"]
            if not isinstance(name, str) or not name:
                raise PayloadError("“metric” phải là mã đại lượng")
            if "value" not in item:
                raise PayloadError(f"thiếu “value” của {name[:40]}")
            readings.append((name, t, _number(item["value"], name)))
        else:
            raise PayloadError("cần “metric” và “value”, hoặc “values”")
        if len(readings) > MAX_ITEMS:
            raise PayloadError(f"quá {MAX_ITEMS} giá trị trong một tin")
    return readings


# --- Series resolution -----------------------------------------------------------------------------------


class SeriesCache:
    """(station code, metric code) → series id, resolved once per process (missing Series rows are created by
    storage.series_ids_for). Unknown station codes are remembered for a minute."""

    def __init__(self):
        from .ngsild.mapping import MetricIndex

        self.metrics = MetricIndex.load()
        self.metrics_loaded = time.monotonic()
        self.series = {}
        self.sources = {}  # station code → DataSource id
        self.unknown_stations = {}  # code → monotonic time it was found missing

    def metric(self, name):
        metric = self.metrics.find(name)
        if metric is None and time.monotonic() - self.metrics_loaded > 60:
            from .ngsild.mapping import MetricIndex

            self.metrics, self.metrics_loaded = MetricIndex.load(), time.monotonic()
            metric = self.metrics.find(name)
        return metric

    def station_unknown(self, code):
        seen = self.unknown_stations.get(code)
        if seen is None:
            return False
        if time.monotonic() - seen > UNKNOWN_STATION_TTL:
            del self.unknown_stations[code]
            return False
        return True

    def resolve(self, pairs):
        """Look up the pairs not cached yet; codes of stations that do not exist go to unknown_stations."""
        from . import storage

        missing = {pair for pair in pairs if pair not in self.series}
        if not missing:
            return
        found = storage.series_ids_for(missing)
        self.series.update(found)
        codes = {code for code, _metric in missing}
        known = dict(Station.objects.filter(code__in=codes).values_list("code", "source_id"))
        self.sources.update(known)
        for code in codes - set(known):
            self.unknown_stations[code] = time.monotonic()

    def clear(self):
        self.series.clear()
        self.sources.clear()


# --- The ingester ----------------------------------------------------------------------------------------


@dataclass
class Stats:
    received: int = 0  # messages
    stored: int = 0  # messages committed
    invalid: int = 0  # messages refused (acknowledged all the same)
    readings: int = 0  # readings given to storage
    written: int = 0  # readings new or changed
    flushes: int = 0
    failures: int = 0  # flushes that failed and were retried
    connects: int = 0
    write_seconds: float = 0.0  # time spent writing (parsing, storage, commit)
    last_errors: deque = field(default_factory=lambda: deque(maxlen=20))


@dataclass
class Message:
    generation: int
    mid: int
    qos: int
    topic: str
    payload: bytes


class Ingester:
    """Subscribes, batches, writes and acknowledges. `start()` connects (paho's network thread), `run()` flushes
    in the calling thread until `stop()`; `flush_pending()` does one flush (tests drive it directly)."""

    def __init__(self, url, *, client_id=DEFAULT_CLIENT_ID, topic_root=TOPIC_ROOT, batch_size=5000,
                 flush_ms=200, receive_maximum=RECEIVE_MAXIMUM):
        self.broker = parse_url(url)
        self.client_id = client_id
        self.topic_root = topic_root.rstrip("/")
        self.batch_size = batch_size
        self.flush_seconds = flush_ms / 1000
        self.receive_maximum = receive_maximum
        self.stats = Stats()
        self.pending = deque()
        self.condition = threading.Condition()
        self.generation = 0
        self.connected = threading.Event()  # connected and subscribed
        self.stopping = threading.Event()
        self.cache = None
        self.batch = None
        self.batch_errors = []
        self.client = None
        self.checked_connection = 0.0

    # paho callbacks (network thread)

    def on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT: %s refused the connection: %s", self.broker.label, reason_code)
            return
        with self.condition:
            self.generation += 1
        self.stats.connects += 1
        client.subscribe(f"{self.topic_root}/+", qos=1)
        log.info("MQTT: connected to %s as %s (session %s), subscribing to %s/+", self.broker.label, self.client_id,
                 "resumed" if flags.session_present else "new", self.topic_root)

    def on_subscribe(self, client, userdata, mid, reason_codes, properties):
        if any(code.is_failure for code in reason_codes):
            log.error("MQTT: %s refused the subscription to %s/+: %s", self.broker.label, self.topic_root,
                      reason_codes)
            return
        self.connected.set()

    def on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        if not self.stopping.is_set():
            log.warning("MQTT: disconnected from %s (%s); reconnecting", self.broker.label, reason_code)

    def on_message(self, client, userdata, message):
        with self.condition:
            self.pending.append(Message(self.generation, message.mid, message.qos, message.topic, message.payload))
            if len(self.pending) >= self.batch_size:
                self.condition.notify()

    # life cycle

    def start(self):
        client, properties = make_client(self.broker, client_id=self.client_id, manual_ack=True, persistent=True,
                                         receive_maximum=self.receive_maximum)
        client.on_connect = self.on_connect
        client.on_disconnect = self.on_disconnect
        client.on_message = self.on_message
        client.on_subscribe = self.on_subscribe
        client.connect_async(self.broker.host, self.broker.port, keepalive=30, clean_start=False,
                             properties=properties)
        client.loop_start()  # connects, and reconnects with backoff, in paho's thread
        self.client = client
        return self

    def stop(self):
        """Write what was received, acknowledge it, close the connection (the session stays on the broker)."""
        self.stopping.set()
        with self.condition:
            self.condition.notify()
        if self.client is None:
            return
        try:
            while self.pending and self.flush_pending():
                pass
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            self.client = None

    def run(self, *, duration=None, report_every=60.0):
        """Flush until stop() (or `duration` seconds), logging figures every `report_every` seconds."""
        deadline = time.monotonic() + duration if duration else None
        next_report = time.monotonic() + report_every
        last = Stats()
        while not self.stopping.is_set():
            if deadline and time.monotonic() >= deadline:
                break
            self.wait_for_batch(timeout=0.5)
            if self.pending:
                self.flush_pending()
            if time.monotonic() >= next_report:
                s = self.stats
                log.info("MQTT: %d messages in the last %.0f s: %d stored, %d invalid; %d readings written",
                         s.received - last.received, report_every, s.stored - last.stored, s.invalid - last.invalid,
                         s.written - last.written)
                last = Stats(**{k: getattr(s, k) for k in ("received", "stored", "invalid", "written")})
                next_report = time.monotonic() + report_every

    def wait_for_batch(self, timeout):
        """Wait until a batch is full or `flush_ms` have passed since its first message was seen, or `timeout`
        seconds without any message."""
        with self.condition:
            if not self.pending:
                self.condition.wait(timeout)
            if not self.pending:
                return
            deadline = time.monotonic() + self.flush_seconds
            while len(self.pending) < self.batch_size and not self.stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.condition.wait(remaining)

    # writing

    def flush_pending(self):
        """Write up to batch_size received messages, commit, then acknowledge them. Returns messages handled."""
        with self.condition:
            count = min(len(self.pending), self.batch_size)
            messages = [self.pending.popleft() for _ in range(count)]
        if not messages:
            return 0
        self.stats.received += len(messages)
        delay = 1.0
        while True:
            try:
                started = time.perf_counter()
                self._write(messages)
                self.stats.write_seconds += time.perf_counter() - started
                break
            except DatabaseError:
                self.stats.failures += 1
                log.exception("MQTT: the database refused a batch of %d messages; retrying in %.0f s",
                              len(messages), delay)
                if not connection.in_atomic_block:
                    connection.close()
                if self.stopping.wait(delay) and delay > 4:
                    # Stopping with the database down: leave the messages unacknowledged for the next run.
                    return 0
                delay = min(delay * 2, 30)
        self._acknowledge(messages)
        return len(messages)

    def _write(self, messages):
        from . import storage

        if not connection.in_atomic_block and time.monotonic() - self.checked_connection > 60:
            # Drop a broken or expired connection now and then, not at every flush: reconnecting costs more
            # than a flush. (Tests drive the ingester inside their own transaction.)
            close_old_connections()
            self.checked_connection = time.monotonic()
        if self.cache is None:
            self.cache = SeriesCache()
        now = int(time.time())
        parsed, errors = [], []
        for message in messages:
            code = message.topic[len(self.topic_root) + 1:] if message.topic.startswith(self.topic_root + "/") else ""
            try:
                if not code or "/" in code:
                    raise PayloadError(f"chủ đề “{message.topic[:80]}” không có dạng {self.topic_root}/<mã trạm>")
                if self.cache.station_unknown(code):
                    raise PayloadError(f"không có trạm mã “{code[:60]}”")
                readings = []
                for name, t, value in parse_payload(message.payload, now):
                    metric = self.cache.metric(name)
                    if metric is None:
                        raise PayloadError(f"không có đại lượng “{str(name)[:40]}”")
                    if (metric.min_valid is not None and value < metric.min_valid) or (
                            metric.max_valid is not None and value > metric.max_valid):
                        raise PayloadError(f"{metric.code} = {value} nằm ngoài khoảng hợp lệ")
                    readings.append((metric.code, t, value))
                parsed.append((message, code, readings))
            except PayloadError as error:
                errors.append((message, str(error)))
        self.cache.resolve({(code, metric) for _m, code, readings in parsed for metric, _t, _v in readings})
        rows, stored_messages, sources = [], 0, set()
        for message, code, readings in parsed:
            if self.cache.station_unknown(code):
                errors.append((message, f"không có trạm mã “{code[:60]}”"))
                continue
            ids = [self.cache.series.get((code, metric)) for metric, _t, _v in readings]
            if None in ids:
                errors.append((message, f"không ghi được vào trạm “{code[:60]}”"))
                continue
            rows.extend((series_id, t, value) for series_id, (_m, t, value) in zip(ids, readings))
            stored_messages += 1
            if self.cache.sources.get(code):
                sources.add(self.cache.sources[code])
        batch = self._current_batch()  # committed on its own: a failed flush must not take the batch with it
        with transaction.atomic():
            result = storage.write_readings(rows, batch=batch) if rows else None
            written = result.written if result else 0
            new_errors = [{"row": None, "column": message.topic[:120], "message": text} for message, text in errors]
            room = MAX_ERRORS_KEPT - len(self.batch_errors)
            if new_errors and room > 0:
                self.batch_errors.extend(new_errors[:room])
            IngestBatch.objects.filter(pk=batch.pk).update(
                rows_received=F("rows_received") + len(rows) + len(errors), rows_written=F("rows_written") + written,
                finished_at=timezone.now(), **({"errors": self.batch_errors} if new_errors and room > 0 else {}))
            if sources:
                DataSource.objects.filter(pk__in=sources).update(last_received_at=timezone.now())
        self.stats.flushes += 1
        self.stats.stored += stored_messages
        self.stats.invalid += len(errors)
        self.stats.readings += len(rows)
        self.stats.written += written
        for message, text in errors[:3]:
            log.warning("MQTT: invalid message on %s: %s", message.topic[:120], text)
            self.stats.last_errors.append((message.topic, text))
        if len(errors) > 3:
            log.warning("MQTT: %d more invalid messages in this batch", len(errors) - 3)

    def _current_batch(self):
        """This hour's IngestBatch of this ingester, opened (and audited) when needed."""
        now = timezone.now()
        if self.batch is None or now - self.batch.created_at >= timedelta(hours=BATCH_HOURS):
            from ioc.core import audit
            from ioc.core.models import AuditAction

            self.batch = IngestBatch.objects.create(
                kind=SourceKind.MQTT, target="readings", status=BatchStatus.COMMITTED, created_at=now,
                summary={"client_id": self.client_id, "broker": self.broker.label, "topic": f"{self.topic_root}/+"})
            self.batch_errors = []
            audit.record(AuditAction.CREATE, obj=self.batch, note=(
                f"MQTT ingestion by {self.client_id} from {self.broker.label}, topic {self.topic_root}/+"))
        return self.batch

    def _acknowledge(self, messages):
        """PUBACK each message, in the order received, unless it came on an earlier connection (the broker
        sends those again; its packet id may now name another message)."""
        client = self.client
        if client is None:
            return
        current = self.generation
        mids = [m.mid for m in messages if m.qos == 1 and m.generation == current]
        if hasattr(client, "ack_many"):
            client.ack_many(mids)
        else:
            for mid in mids:
                client.ack(mid, 1)
