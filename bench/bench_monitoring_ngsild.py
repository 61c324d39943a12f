"""NGSI-LD batch upsert (issue 4): ≥ 5,000 entity updates/s (FIWARE Orion-LD publishes about 3,500/s on 2 CPUs).

`POST /ngsi-ld/v1/entityOperations/upsert` with 1,000 AirQualityObserved entities × 6 attributes per request
(normalized form: Property with observedAt and unitCode, GeoProperty location), through the whole Django stack
in-process (the test Client calls the WSGI handler: middleware, API-key check, parsing, stations, storage with
rollups, IngestBatch and audit event). The first request creates the 1,000 stations (the commune of each found
from its location); the next rounds update them with new observations. Naive baseline in the same run: what a
simple agent does, one `PATCH /ngsi-ld/v1/entities/{id}/attrs` per entity. Then the same upserts over real HTTP,
as a server with 2 CPUs runs them (the setting of Orion-LD's figure): gunicorn with 2 workers, two agents each
sending its own 1,000 entities per request at the same time.

Each database is measured in its own worker process with a fresh database: SQLite in IOC_DATA_DIR/bench-ngsild/,
PostgreSQL (when it answers) in `ioc_bench_ngsild`. IOC_BENCH_NGSILD_ENTITIES and IOC_BENCH_NGSILD_ROUNDS change
the size (default 1,000 entities, 10 rounds; 200 entities for the baseline).
"""

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import data_root, fresh_postgres, postgres_answers, scratch_worker_env

ROOT = Path(__file__).resolve().parent.parent
ENTITIES = int(os.environ.get("IOC_BENCH_NGSILD_ENTITIES", "1000"))
ROUNDS = int(os.environ.get("IOC_BENCH_NGSILD_ROUNDS", "10"))
NAIVE_ENTITIES = int(os.environ.get("IOC_BENCH_NGSILD_NAIVE", "200"))
HTTP_ROUNDS = int(os.environ.get("IOC_BENCH_NGSILD_HTTP_ROUNDS", "10"))
PG_DATABASE = "ioc_bench_ngsild"
TITLE = "NGSI-LD batch upsert of Smart Data Models entities"
TARGET = 5_000
ATTRIBUTES = [("pm25", "GQ", 35.0), ("pm10", "GQ", 60.0), ("no2", "GQ", 40.0), ("o3", "GQ", 70.0),
              ("temperature", "CEL", 27.0), ("relativeHumidity", "P1", 75.0)]






def main():
    from bench.common import setup_django, write_results

    figures, notes = {}, []
    backends = ["sqlite"] + (["postgresql"] if postgres_answers() else [])
    if "postgresql" not in backends:
        notes.append("PostgreSQL skipped: nothing answers on 127.0.0.1:5432.")
    for backend in backends:
        print(f"-- {backend}")
        if backend == "postgresql":
            fresh_postgres(PG_DATABASE)
        out = data_root() / f"bench-ngsild-{backend}.json"
        out.unlink(missing_ok=True)
        completed = subprocess.run([sys.executable, "-m", "bench.bench_monitoring_ngsild", "measure", backend,
                                    str(out)], cwd=ROOT, env=scratch_worker_env("ngsild", backend, PG_DATABASE), timeout=3600)
        if completed.returncode != 0 or not out.exists():
            notes.append(f"The {backend} worker failed (exit {completed.returncode}).")
            continue
        result = json.loads(out.read_text())
        figures.update(result["figures"])
        notes += result["notes"]
    notes.append(f"Target: ≥ {TARGET:,} entity updates/s (an entity update = one entity with its "
                 f"{len(ATTRIBUTES)} attributes stored as {len(ATTRIBUTES)} readings).")
    setup_django()
    write_results("monitoring_ngsild", TITLE, figures, "\n".join(f"- {n}" for n in notes))


# --- Worker ----------------------------------------------------------------------------------------------


def prepare():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ioc.core.models import ApiKey, Area, AreaLevel, Unit, UnitKind
    from ioc.monitoring.models import Metric

    province = Area.objects.create(code="24", name="Tỉnh Bắc Ninh", short_name="Bắc Ninh", kind="Tỉnh",
                                   level=AreaLevel.PROVINCE, latitude=21.24, longitude=106.16)
    for i in range(40):
        Area.objects.create(code=f"9{i:04d}", name=f"Xã {i}", short_name=f"{i}", kind="Xã", level=AreaLevel.COMMUNE,
                            parent=province, latitude=21.0 + (i % 8) * 0.06, longitude=105.9 + (i // 8) * 0.1,
                            area_km2=40)
    unit = Unit.objects.create(code="so-nnmt", name="Sở Nông nghiệp và Môi trường", kind=UnitKind.DEPARTMENT)
    for code, unit_of_measure in (("pm25", "µg/m³"), ("pm10", "µg/m³"), ("no2", "µg/m³"), ("o3", "µg/m³"),
                                  ("temperature", "°C"), ("humidity", "%")):
        Metric.objects.create(code=code, name=code, unit_of_measure=unit_of_measure, min_valid=-50, max_valid=5000)
    key = ApiKey(name="FIWARE IoT Agent", unit=unit)
    raw = key.set_new_key()
    key.save()
    return raw


def entity(i, at, round_no):
    iso = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    data = {
        "id": f"urn:ngsi-ld:AirQualityObserved:BN-{i:05d}", "type": "AirQualityObserved",
        "location": {"type": "GeoProperty", "value": {"type": "Point",
                                                      "coordinates": [105.9 + (i % 50) * 0.01, 21.0 + (i // 50) * 0.02]}},
    }
    for n, (name, unit_code, level) in enumerate(ATTRIBUTES):
        data[name] = {"type": "Property", "value": round(level * (0.8 + ((i * 7 + n * 13 + round_no * 31) % 40) / 100), 1),
                      "observedAt": iso, "unitCode": unit_code}
    return data


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_throughput(raw_key, first_at, agents=2, workers=2):
    """Entity updates per second through gunicorn (`workers` sync workers on a free local port) with `agents`
    client threads, each sending HTTP_ROUNDS upserts of its own 1,000 entities (bodies built beforehand)."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import Request, urlopen

    bodies = [[json.dumps([entity(agent * ENTITIES + i, first_at + timedelta(minutes=5 * r), r)
                           for i in range(ENTITIES)]).encode() for r in range(HTTP_ROUNDS + 1)]
              for agent in range(agents)]
    port = _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen([gunicorn, "ioc.wsgi:application", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "--timeout", "120"], cwd=ROOT, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}/ngsi-ld/v1/entityOperations/upsert"
    headers = {"Content-Type": "application/json", "X-API-Key": raw_key}

    def post(body):
        with urlopen(Request(url, data=body, method="POST", headers=headers), timeout=120) as response:
            if response.status not in (201, 204):
                raise RuntimeError(f"upsert answered {response.status}")

    try:
        for _ in range(120):
            try:
                with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        with ThreadPoolExecutor(agents) as pool:  # warm-up: both workers' connections and caches
            list(pool.map(post, [agent_bodies[0] for agent_bodies in bodies]))
            started = time.perf_counter()
            list(pool.map(lambda agent_bodies: [post(body) for body in agent_bodies[1:]], bodies))
            elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    updates = agents * ENTITIES * HTTP_ROUNDS
    return {"requests": agents * HTTP_ROUNDS, "seconds": round(elapsed, 2),
            "mean_ms_per_request": round(elapsed / HTTP_ROUNDS * 1000, 1),
            "entity_updates_per_s": round(updates / elapsed), "readings_per_s": round(updates * len(ATTRIBUTES) / elapsed),
            "target": TARGET}


def measure(backend):
    from bench.common import setup_django

    setup_django()
    raw_key = prepare()
    from django.db import connection
    from django.test import Client

    from ioc.monitoring.models import IngestBatch, Reading, Station

    from ioc.monitoring import storage

    client = Client(HTTP_X_API_KEY=raw_key)
    # How much of each request storage.write_readings takes (readings, rollups, latest values), to tell the
    # NGSI-LD layer's cost from the storage's.
    storage_seconds = [0.0]
    write_readings = storage.write_readings

    def timed_write(*args, **kwargs):
        started = time.perf_counter()
        try:
            return write_readings(*args, **kwargs)
        finally:
            storage_seconds[0] += time.perf_counter() - started

    storage.write_readings = timed_write
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=ROUNDS + 3)
    vendor = connection.vendor
    figures, notes = {}, []

    def upsert(round_no, count=ENTITIES, offset=0):
        at = start + timedelta(minutes=5 * round_no)
        body = json.dumps([entity(offset + i, at, round_no) for i in range(count)])
        started = time.perf_counter()
        response = client.post("/ngsi-ld/v1/entityOperations/upsert", body, content_type="application/json")
        elapsed = time.perf_counter() - started
        if response.status_code not in (201, 204):
            raise RuntimeError(f"upsert answered {response.status_code}: {response.content[:300]!r}")
        return elapsed, len(body)

    created, size = upsert(0)
    figures[f"{vendor}: first upsert, creates {ENTITIES:,} stations"] = {
        "seconds": round(created, 3), "entities_per_s": round(ENTITIES / created), "request_kb": round(size / 1024)}
    storage_seconds[0] = 0.0
    durations = [upsert(r)[0] for r in range(1, ROUNDS + 1)]
    total, in_storage = sum(durations), storage_seconds[0]
    fast = ENTITIES * ROUNDS / total
    figures[f"{vendor}: batch upsert, {ENTITIES:,} entities × {len(ATTRIBUTES)} attributes per request"] = {
        "requests": ROUNDS, "mean_ms": round(total / ROUNDS * 1000, 1), "max_ms": round(max(durations) * 1000, 1),
        "of_which_storage_ms": round(in_storage / ROUNDS * 1000, 1),
        "entity_updates_per_s": round(fast), "readings_per_s": round(fast * len(ATTRIBUTES)),
        "without_storage_entities_per_s": round(ENTITIES * ROUNDS / (total - in_storage)),
    }

    # Naive: one PATCH per entity (stations exist already, so every attribute is an update).
    at = (start + timedelta(minutes=5 * (ROUNDS + 1))).strftime("%Y-%m-%dT%H:%M:%SZ")
    started = time.perf_counter()
    for i in range(NAIVE_ENTITIES):
        attrs = {name: {"type": "Property", "value": level, "observedAt": at, "unitCode": unit_code}
                 for name, unit_code, level in ATTRIBUTES}
        response = client.patch(f"/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:BN-{i:05d}/attrs",
                                 json.dumps(attrs), content_type="application/json")
        if response.status_code != 204:
            raise RuntimeError(f"PATCH answered {response.status_code}: {response.content[:300]!r}")
    naive_seconds = time.perf_counter() - started
    naive = NAIVE_ENTITIES / naive_seconds
    figures[f"{vendor}: naive, one PATCH …/attrs per entity"] = {
        "entities": NAIVE_ENTITIES, "mean_ms": round(naive_seconds / NAIVE_ENTITIES * 1000, 2),
        "entity_updates_per_s": round(naive)}

    # Re-sending the last round: idempotent, nothing new written.
    before = Reading.objects.count()
    resend = upsert(ROUNDS)[0]
    figures[f"{vendor}: re-sending the last batch (idempotent)"] = {
        "seconds": round(resend, 3), "readings_added": Reading.objects.count() - before,
        "rows_written": IngestBatch.objects.order_by("-pk").values_list("rows_written", flat=True).first()}
    # Served as in production: gunicorn with one worker per CPU, two agents sending at once (each its own
    # 1,000 devices), so one request's parsing runs beside another's storage.
    served = None
    try:
        upsert(0, offset=ENTITIES)  # the second agent's stations
        served = http_throughput(raw_key, start + timedelta(minutes=5 * (ROUNDS + 2)))
        figures[f"{vendor}: HTTP, gunicorn 2 workers, 2 agents × 1,000 entities per request"] = served
    except Exception as error:  # noqa: BLE001 - a failed run is reported, not fatal to the other figures
        notes.append(f"{vendor}: the HTTP run failed: {error}")
    best = max(fast, served["entity_updates_per_s"] if served else 0)
    figures[f"{vendor}: result"] = {"times_naive": round(fast / naive, 1), "target_met": best >= TARGET,
                                    "stations": Station.objects.count(), "readings": Reading.objects.count()}
    if best < TARGET:
        notes.append(f"{vendor}: below the target; storage.write_readings takes "
                     f"{in_storage / total:.0%} of each request (one reading for each of "
                     f"{ENTITIES * len(ATTRIBUTES):,} series per batch: hour, day and month rollups of every series and the commune and province rollups "
                     f"are updated for each).")
    return {"figures": figures, "notes": notes}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "measure":
        Path(sys.argv[3]).write_text(json.dumps(measure(sys.argv[2]), ensure_ascii=False, indent=1))
    else:
        main()
