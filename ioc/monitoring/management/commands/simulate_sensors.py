"""Publish live, plausible readings for the stations in the database, so the dashboards and the wall move.

Each metric follows a daily cycle in Vietnam's time (rush-hour peaks for traffic, PM2.5, NO₂, CO and noise; an
afternoon peak for temperature and ozone; humidity the other way round), with correlated noise, showers that
start and stop for rain gauges, slow drifts for river levels, and occasional spikes past the metric's warning or
critical threshold (`--spike-rate`) so alerts fire.

Transports: MQTT (`--mqtt URL`, or MQTT_URL; topic ioc/readings/{station}, the format `ingest_mqtt` reads), the
push API (`--push http://host:port --api-key KEY`), or storage directly (`--direct`). Ctrl-C stops cleanly.
"""

import json
import math
import random
import signal
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ioc.monitoring.models import VN_TZ, Direction, Metric, Station, StationKind, series_thresholds
from ioc.monitoring.mqtt import TOPIC_ROOT, make_client, parse_url

# Metrics a station of each kind reports when it has no series yet (the first that exist are used).
KIND_METRICS = {
    StationKind.AIR_QUALITY: ["aqi", "pm25", "pm10", "no2", "o3", "co", "so2", "temperature", "humidity"],
    StationKind.WATER_LEVEL: ["water_level"],
    StationKind.RAINFALL: ["rainfall"],
    StationKind.WATER_QUALITY: ["ph", "pH", "turbidity", "dissolvedOxygen", "temperature"],
    StationKind.TRAFFIC: ["vehicles", "speed"],
    StationKind.NOISE: ["noise"],
    StationKind.WEATHER: ["temperature", "humidity", "rainfall"],
}


def _bump(hour, centre, width):
    """A smooth peak of height 1 at `centre` (hours, circular over the day)."""
    distance = min(abs(hour - centre), 24 - abs(hour - centre))
    return math.exp(-(distance / width) ** 2)


def _rush(hour):
    return 0.45 + 0.9 * _bump(hour, 7.5, 1.5) + 0.8 * _bump(hour, 18, 2) + 0.35 * _bump(hour, 12, 3) - 0.3 * _bump(hour, 3, 3)


def _afternoon(hour):
    return 0.7 + 0.6 * _bump(hour, 14.5, 3.5)


# metric code → (typical level, daily shape, relative noise)
PROFILES = {
    "pm25": (38, _rush, 0.12), "pm10": (62, _rush, 0.12), "aqi": (85, _rush, 0.08), "no2": (45, _rush, 0.15),
    "co": (1800, _rush, 0.15), "so2": (35, lambda h: 0.9 + 0.2 * _bump(h, 10, 4), 0.15),
    "o3": (70, _afternoon, 0.12), "temperature": (26, lambda h: 0.85 + 0.25 * _bump(h, 14.5, 5), 0.02),
    "humidity": (78, lambda h: 1.1 - 0.25 * _bump(h, 14.5, 5), 0.03),
    "water_level": (2.2, lambda h: 1 + 0.05 * math.sin(h / 24 * 2 * math.pi), 0.01),
    "vehicles": (2600, lambda h: 0.15 + 1.5 * _bump(h, 7.5, 1.3) + 1.3 * _bump(h, 17.5, 1.6) + 0.6 * _bump(h, 12, 4),
                 0.08),
    "speed": (48, lambda h: 1 - 0.35 * _bump(h, 7.5, 1.3) - 0.3 * _bump(h, 17.5, 1.6), 0.06),
    "noise": (64, lambda h: 0.88 + 0.12 * _bump(h, 8, 2.5) + 0.12 * _bump(h, 18, 3) + 0.06 * _bump(h, 13, 4), 0.02),
}


@dataclass
class Series:
    station: str
    metric: Metric
    level: float  # station factor
    noise: float = 0.0
    raining: bool = False
    thresholds: tuple = (None, None)  # the station's own (warning, critical), else the metric's


class Simulator:
    """The next reading of every series at time t (epoch seconds)."""

    def __init__(self, series, *, spike_rate, seed=None):
        self.series = series
        self.spike_rate = spike_rate
        self.random = random.Random(seed)

    def values(self, t):
        hour = datetime.fromtimestamp(t, VN_TZ)
        hour = hour.hour + hour.minute / 60
        readings = []
        for item in self.series:
            value = self._value(item, hour)
            metric = item.metric
            if metric.min_valid is not None:
                value = max(value, metric.min_valid)
            if metric.max_valid is not None:
                value = min(value, metric.max_valid)
            readings.append((item.station, metric.code, round(value, max(metric.decimals, 0) + 1)))
        return readings

    def _value(self, item, hour):
        metric, rnd = item.metric, self.random
        if metric.code in ("rainfall", "precipitation", "rain"):
            if item.raining:
                item.raining = rnd.random() > 0.08
            else:
                item.raining = rnd.random() < 0.015
            if rnd.random() < self.spike_rate:
                return self._spike(item, 2.0) or 35.0
            return rnd.gammavariate(1.5, 1.6) * item.level if item.raining else 0.0
        level, shape, spread = PROFILES.get(metric.code, (None, lambda h: 1.0, 0.08))
        if level is None:
            level = 0.55 * metric.warning_threshold if metric.warning_threshold else (
                (metric.min_valid or 0) + ((metric.max_valid or 100) - (metric.min_valid or 0)) * 0.3)
        item.noise = 0.8 * item.noise + rnd.gauss(0, spread)
        value = level * item.level * shape(hour) * (1 + item.noise)
        if rnd.random() < self.spike_rate:
            spike = self._spike(item, rnd.uniform(1.02, 1.25))
            if spike is not None:
                value = spike
        return value

    def _spike(self, item, factor):
        """A value past the warning (or, one time in three, the critical) threshold of the series, in the bad
        direction."""
        metric = item.metric
        warning, critical = series_thresholds(metric, *item.thresholds)
        limit = critical if self.random.random() < 0.33 else warning
        limit = limit if limit is not None else warning
        if limit is None:
            return None
        return limit / factor if metric.direction == Direction.UP else limit * factor


def load_series(codes=None, unit=None):
    """The series to simulate: each active station's metrics (its Series, else the usual ones of its kind)."""
    stations = Station.objects.active().prefetch_related("series__metric").order_by("code")
    if codes:
        stations = stations.filter(code__in=codes)
    if unit is not None:
        stations = stations.filter(owner_unit=unit)
    metrics = {m.code: m for m in Metric.objects.all()}
    rnd = random.Random(7)
    series = []
    for station in stations:
        own = {s.metric.code: (s.warning_threshold, s.critical_threshold) for s in station.series.all()}
        chosen = ([s.metric for s in station.series.all()] or
                  [metrics[c] for c in KIND_METRICS.get(station.kind, []) if c in metrics])
        level = rnd.uniform(0.85, 1.2)
        series += [Series(station.code, metric, level, thresholds=own.get(metric.code, (None, None)))
                   for metric in chosen]
    return series


def iso_local(t):
    return datetime.fromtimestamp(t, VN_TZ).isoformat()


class Command(BaseCommand):
    help = "Publish live simulated sensor readings (MQTT, push API or directly into storage)."

    def add_arguments(self, parser):
        transport = parser.add_mutually_exclusive_group()
        transport.add_argument("--mqtt", metavar="URL", help="Publish to this broker (default: MQTT_URL).")
        transport.add_argument("--push", metavar="URL", help="POST to this IOC's push API (needs --api-key).")
        transport.add_argument("--direct", action="store_true", help="Write through storage.write_readings.")
        parser.add_argument("--api-key", help="API key for --push (its unit's stations are simulated).")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between rounds (default 5).")
        parser.add_argument("--count", type=int, default=0, help="Stop after this many rounds (default: never).")
        parser.add_argument("--stations", help="Comma-separated station codes (default: every active station).")
        parser.add_argument("--spike-rate", type=float, default=0.01,
                            help="Chance per reading of a spike past a threshold (default 0.01).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for repeatable runs.")
        parser.add_argument("--topic-root", default=TOPIC_ROOT, help="MQTT topics are <root>/<station code>.")

    def handle(self, *args, mqtt, push, direct, api_key, interval, count, stations, spike_rate, seed, topic_root,
               **options):
        if interval <= 0 or not 0 <= spike_rate <= 1:
            raise CommandError("--interval must be positive and --spike-rate between 0 and 1.")
        if push and not api_key:
            raise CommandError("--push needs --api-key.")
        mqtt = mqtt or (None if push or direct else settings.MQTT_URL)
        if not (mqtt or push or direct):
            raise CommandError("Choose a transport: --mqtt URL (or set MQTT_URL), --push URL --api-key KEY, "
                               "or --direct.")
        unit = None
        if push:
            from ioc.core.models import ApiKey

            key = ApiKey.find(api_key)
            unit = key.unit if key else None  # a key of another installation: send everything, it will judge
        codes = [c.strip() for c in stations.split(",") if c.strip()] if stations else None
        series = load_series(codes, unit)
        if not series:
            raise CommandError("No active station to simulate (run seed_demo, or check --stations / the key's unit).")
        send = self._mqtt_sender(mqtt, topic_root) if mqtt else self._push_sender(push, api_key) if push else \
            self._direct_sender()
        simulator = Simulator(series, spike_rate=spike_rate, seed=seed)
        where = mqtt and f"MQTT {parse_url(mqtt).label} ({topic_root}/…)" or push and f"push API {push}" or "storage"
        self.stdout.write(f"Simulating {len(series)} series of {len({s.station for s in series})} stations every "
                          f"{interval:g} s to {where}. Ctrl-C stops.")
        stop = {"now": False}

        def on_signal(*_):
            stop["now"] = True

        previous = signal.signal(signal.SIGTERM, on_signal)
        rounds, sent = 0, 0
        try:
            while not stop["now"]:
                started = time.monotonic()
                t = int(time.time())
                readings = simulator.values(t)
                sent += send(t, readings)
                rounds += 1
                if options.get("verbosity", 1) > 1:
                    self.stdout.write(f"{iso_local(t)}: {len(readings)} readings")
                if count and rounds >= count:
                    break
                pause = interval - (time.monotonic() - started)
                end = time.monotonic() + max(0.0, pause)
                while not stop["now"] and time.monotonic() < end:
                    time.sleep(max(0.0, min(0.2, end - time.monotonic())))
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            closer = getattr(send, "close", None)
            if closer:
                closer()
        self.stdout.write(f"Stopped after {rounds} rounds, {sent} readings sent.")

    # transports: each returns a callable (t, readings) → readings sent

    def _mqtt_sender(self, url, topic_root):
        try:
            broker = parse_url(url)
        except ValueError as error:
            raise CommandError(str(error)) from None
        client, properties = make_client(broker, client_id=f"ioc-simulator-{random.randrange(16**6):06x}")
        try:
            client.connect(broker.host, broker.port, keepalive=30, properties=properties)
        except OSError as error:
            raise CommandError(f"Cannot reach the MQTT broker {broker.label}: {error}") from None
        client.loop_start()

        def send(t, readings):
            by_station = {}
            for station, metric, value in readings:
                by_station.setdefault(station, {})[metric] = value
            infos = [client.publish(f"{topic_root}/{station}", json.dumps({"time": iso_local(t), "values": values}),
                                    qos=1) for station, values in by_station.items()]
            for info in infos:
                try:
                    info.wait_for_publish(timeout=10)
                except RuntimeError:
                    pass  # not connected right now: paho sends it after reconnecting
            return len(readings)

        def close():
            client.disconnect()
            client.loop_stop()

        send.close = close
        return send

    def _push_sender(self, base, api_key):
        url = base.rstrip("/") + "/api/v1/monitoring/readings"

        def send(t, readings):
            body = {"readings": [{"station": s, "metric": m, "time": iso_local(t), "value": v} for s, m, v in readings]}
            request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
                "Content-Type": "application/json", "X-API-Key": api_key})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                return len(readings)
            except urllib.error.HTTPError as error:
                self.stderr.write(f"Push API refused the batch ({error.code}): {error.read()[:500].decode(errors='replace')}")
            except OSError as error:
                self.stderr.write(f"Push API unreachable: {error}")
            return 0

        return send

    def _direct_sender(self):
        from ioc.monitoring import storage

        def send(t, readings):
            ids = storage.series_ids_for({(s, m) for s, m, _ in readings})
            rows = [(ids[(s, m)], t, v) for s, m, v in readings if (s, m) in ids]
            storage.write_readings(rows)
            return len(rows)

        return send
