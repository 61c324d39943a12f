"""HTTP batch push of sensor readings (`POST /api/v1/monitoring/readings`, 50,000 readings per request) end to
end: the request goes through Django's whole WSGI stack (Django's test Client in-process: middleware, API-key
authentication, the ninja router), the JSON is parsed, every row validated, series resolved, and the batch written
by `storage.write_readings` with its rollups, the IngestBatch and its audit event. Target ≥ 50,000 readings/s on
SQLite and on PostgreSQL.

Beside it, in the same run, the naive path on a smaller sample: a pydantic model validated per row, the station,
metric and series looked up through the ORM per row, and one ORM `Reading(...).save()` per row (no rollups at all,
which flatters it).

Each database is measured in a subprocess pointed at the monitoring benchmark database (bench/monitoring_dataset.py:
var/bench-monitoring/ and postgresql://…/ioc_bench_monitoring). The benchmark uses its own stations and metrics
(codes starting "bench-push"), deletes their readings and rollups before and after measuring, and leaves the rest of
the database untouched.

Environment: IOC_BENCH_PUSH_REQUESTS (requests of 50,000 per format, default 6), IOC_BENCH_PUSH_NAIVE (rows of the
naive sample, default 2,000).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("IOC_BENCH_PUSH_REQUESTS", "6"))
NAIVE_ROWS = int(os.environ.get("IOC_BENCH_PUSH_NAIVE", "2000"))
BATCH_ROWS = 50_000
STATIONS, METRICS = 100, 5  # 500 series: 100 readings each per request
TARGET_RATE = 50_000
PREFIX = "bench-push"
TITLE = "HTTP batch push of readings (50,000 per request, end to end)"


# --- Worker side (Django configured for one database) ----------------------------------------------------


def _fixtures():
    """The benchmark's stations and metrics (created once), emptied of readings; an API key of their unit."""
    from django.db import connection

    from ioc.core.models import ApiKey, Area, Unit
    from ioc.monitoring.models import AreaRollup, Metric, Series, SeriesRollup, Station

    unit = Unit.objects.get(code="so-nong-nghiep-moi-truong")
    communes = list(Area.objects.communes().order_by("code"))
    metrics = [Metric.objects.get_or_create(code=f"{PREFIX}-{n}", defaults={
        "name": f"Đại lượng thử {n}", "min_valid": 0, "max_valid": 10_000})[0] for n in range(METRICS + 1)]
    stations = []
    for n in range(STATIONS):
        area = communes[n * 7 % len(communes)]
        stations.append(Station.objects.get_or_create(code=f"{PREFIX}-{n:03d}", defaults=dict(
            name=f"Trạm thử đẩy dữ liệu {n}", kind="air_quality", latitude=area.latitude or 21.2,
            longitude=area.longitude or 106.1, area=area, owner_unit=unit))[0])
    series = list(Series.objects.filter(station__in=stations).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for start in range(0, len(series), 500):
            chunk = series[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM monitoring_reading WHERE series_id IN ({marks})", chunk)
    SeriesRollup.objects.filter(series_id__in=series).delete()
    AreaRollup.objects.filter(metric__in=metrics).delete()
    Series.objects.filter(pk__in=series).update(last_t=None, last_value=None)
    ApiKey.objects.filter(name=PREFIX, revoked_at__isnull=True).update(revoked_at=time_now())
    key = ApiKey(name=PREFIX, unit=unit)
    raw = key.set_new_key()
    key.save()
    return [s.code for s in stations], [m.code for m in metrics], raw


def time_now():
    from django.utils import timezone

    return timezone.now()


def _iso(t):
    from datetime import datetime, timedelta, timezone

    return datetime.fromtimestamp(t, timezone(timedelta(hours=7))).isoformat()


def _body(layout, stations, metrics, first_t, cadence, salt):
    """One request of 50,000 readings: every station × metric, 100 consecutive times."""
    per_series = BATCH_ROWS // (len(stations) * len(metrics))
    times = [first_t + i * cadence for i in range(per_series)]
    texts = [_iso(t) for t in times]
    value = lambda s, m, i: round((s * 7 + m * 13 + i * 3 + salt) % 500 + 0.25, 2)  # noqa: E731
    if layout == "objects":
        rows = [{"station": st, "metric": me, "time": texts[i], "value": value(a, b, i)}
                for a, st in enumerate(stations) for b, me in enumerate(metrics) for i in range(per_series)]
        return json.dumps({"readings": rows}).encode()
    if layout == "arrays":
        rows = [[st, me, texts[i], value(a, b, i)]
                for a, st in enumerate(stations) for b, me in enumerate(metrics) for i in range(per_series)]
        return json.dumps({"readings": rows}).encode()
    cols = {"station": [], "metric": [], "time": [], "value": []}
    for a, st in enumerate(stations):
        for b, me in enumerate(metrics):
            for i in range(per_series):
                cols["station"].append(st)
                cols["metric"].append(me)
                cols["time"].append(times[i])
                cols["value"].append(value(a, b, i))
    return json.dumps({"columns": cols}).encode()


def _measure_layout(client, key, layout, stations, metrics, start, figures, db, storage_time):
    cadence = 300
    per_series = BATCH_ROWS // (len(stations) * len(metrics))
    durations, rows, in_storage = [], 0, 0.0
    for n in range(REQUESTS):
        body = _body(layout, stations, metrics, start + n * per_series * cadence, cadence, n)
        storage_time[0] = 0.0
        started = time.perf_counter()
        response = client.post("/api/v1/monitoring/readings", data=body, content_type="application/json",
                               HTTP_X_API_KEY=key)
        durations.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{layout}: HTTP {response.status_code}: {response.content[:500]!r}")
        answer = response.json()
        rows += answer["received"]
        in_storage += storage_time[0]
    elapsed = sum(durations)
    rate = rows / elapsed
    figures[f"{db} · push, {layout} rows, 50,000 per request"] = {
        "requests": len(durations), "rows": rows, "seconds": round(elapsed, 2), "readings_per_s": round(rate),
        "request_p50_ms": round(sorted(durations)[len(durations) // 2] * 1000),
        "write_readings_share": f"{in_storage / elapsed:.0%}", "target": TARGET_RATE}
    print(f"{db} {layout}: {rate:,.0f} readings/s (write_readings {in_storage / elapsed:.0%} of the time)", flush=True)
    return rate, start + REQUESTS * per_series * cadence


def naive_push(body, unit_id):
    """What a first implementation would do: a pydantic model per row and one ORM save per reading."""
    from datetime import datetime

    from django.db import transaction
    from pydantic import BaseModel

    from ioc.monitoring.models import Metric, Reading, Series, Station

    class ReadingIn(BaseModel):
        station: str
        metric: str
        time: datetime
        value: float

    rows = [ReadingIn(**r) for r in json.loads(body)["readings"]]
    with transaction.atomic():
        for row in rows:
            station = Station.objects.get(code=row.station)
            if station.owner_unit_id != unit_id:
                raise PermissionError(row.station)
            metric = Metric.objects.get(code=row.metric)
            series, _ = Series.objects.get_or_create(station=station, metric=metric)
            Reading(series=series, t=int(row.time.timestamp()), value=row.value).save()
    return len(rows)


def measure(backend):
    from bench.common import setup_django

    setup_django()
    from django.test import Client

    from bench.monitoring_dataset import prepare_database
    from ioc.core.models import Unit
    from ioc.monitoring import storage

    prepare_database()
    db = "SQLite" if backend == "sqlite" else "PostgreSQL"
    figures, notes = {}, []
    stations, metrics, key = _fixtures()
    fast_metrics, naive_metric = metrics[:-1], metrics[-1]
    # Time spent inside write_readings, to tell the HTTP/validation share from the storage share.
    storage_time = [0.0]
    original = storage.write_readings

    def timed_write(rows, **kwargs):
        started = time.perf_counter()
        try:
            return original(rows, **kwargs)
        finally:
            storage_time[0] += time.perf_counter() - started

    storage.write_readings = timed_write
    client = Client()
    start = (int(time.time()) - 40 * 86400) // 3600 * 3600
    # Warm-up: imports, caches, the first connection.
    warm = _body("arrays", stations[:2], fast_metrics[:1], start - 86400, 300, 0)
    client.post("/api/v1/monitoring/readings", data=warm, content_type="application/json", HTTP_X_API_KEY=key)
    rates = {}
    for layout in ("objects", "arrays", "columns"):
        rates[layout], start = _measure_layout(client, key, layout, stations, fast_metrics, start, figures, db,
                                               storage_time)
    storage.write_readings = original
    # The naive path on a smaller sample, its own metric.
    per_station = max(1, NAIVE_ROWS // len(stations))
    rows = [{"station": st, "metric": naive_metric, "time": _iso(start + i * 300), "value": 1.5}
            for st in stations for i in range(per_station)]
    body = json.dumps({"readings": rows}).encode()
    unit_id = Unit.objects.get(code="so-nong-nghiep-moi-truong").pk
    started = time.perf_counter()
    written = naive_push(body, unit_id)
    naive_rate = written / (time.perf_counter() - started)
    figures[f"{db} · naive: pydantic per row + ORM lookups + one save per reading (no rollups)"] = {
        "rows": written, "seconds": round(written / naive_rate, 2), "readings_per_s": round(naive_rate)}
    best = rates["objects"]
    figures[f"{db} · ratio push (objects) / naive"] = {"ratio": round(best / naive_rate, 1)}
    missed = [layout for layout, rate in rates.items() if rate < TARGET_RATE]
    verdict = "every layout meets" if not missed else f"MISSED by {', '.join(missed)}:"
    notes.append(f"{db}: target {TARGET_RATE:,} readings/s {verdict} (objects {rates['objects']:,.0f}, "
                 f"arrays {rates['arrays']:,.0f}, columns {rates['columns']:,.0f}); machine load average "
                 f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs when measured.")
    _fixtures()  # leave the database as found
    return {"figures": figures, "notes": notes}


# --- Orchestration --------------------------------------------------------------------------------------


METHOD = [
    "Each request: 50,000 readings (100 stations × 5 metrics × 100 five-minute times, ISO 8601 times with "
    "+07:00, or epoch seconds in the columnar layout), new data each time (no idempotent shortcut), posted with "
    "an API key through Django's test Client (the whole middleware stack and the ninja router, in-process, no "
    "network). Timed: the request, from the WSGI call to the response (JSON parsing, validation, series look-up, "
    "write_readings with rollups, the IngestBatch and its audit event). Not timed: encoding the body on the "
    "client side.",
    "Layouts: `objects` = {\"readings\": [{station, metric, time, value}, …]}; `arrays` = "
    "{\"readings\": [[station, metric, time, value], …]}; `columns` = {\"columns\": {station: […], metric: […], "
    "time: […], value: […]}}.",
    "Naive baseline: the same kind of body parsed, validated with a pydantic model per row, station, metric and "
    "series fetched through the ORM per row, one Reading.save() per row, in one transaction, called directly "
    "(without the HTTP stack and without rollups, both in its favour).",
]


def run_worker(backend):
    from bench.monitoring_dataset import data_root, django_env

    out = data_root() / f"bench-push-{backend}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.bench_monitoring_push", "measure", backend, str(out)]
    completed = subprocess.run(command, cwd=ROOT, env=django_env(backend), timeout=3600)
    if completed.returncode != 0 or not out.exists():
        return {"error": f"the {backend} worker failed (exit {completed.returncode})"}
    return json.loads(out.read_text())


def main():
    from bench.monitoring_dataset import postgres_answers

    figures, notes = {}, list(METHOD)
    backends = ["sqlite"] + (["postgresql"] if postgres_answers() else [])
    if "postgresql" not in backends:
        notes.append("PostgreSQL skipped: nothing answers on 127.0.0.1:5432.")
    for backend in backends:
        print(f"-- {backend}", flush=True)
        result = run_worker(backend)
        if "error" in result:
            notes.append(result["error"])
            continue
        figures.update(result["figures"])
        notes += result["notes"]
    from bench.common import setup_django, write_results

    setup_django()
    write_results("monitoring_push", TITLE, figures, "\n".join(f"- {n}" for n in notes))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "measure":
        backend, out = sys.argv[2], sys.argv[3]
        Path(out).write_text(json.dumps(measure(backend), ensure_ascii=False, indent=1))
    else:
        main()
