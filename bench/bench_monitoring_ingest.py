"""Bulk ingest of sensor readings through `storage.write_readings`, rollups included (hour, day, month; per
series, per commune and for the province), on SQLite and on PostgreSQL: target ≥ 100,000 readings/s on this
2-CPU machine, and ≥ 20 times the naive path (one ORM `Reading(...).save()` per row, then the rollups updated
row by row through the ORM), measured on a smaller sample in the same run.

Each database is measured in a subprocess whose Django points at the monitoring benchmark database (see
bench/monitoring_dataset.py: var/bench-monitoring/ioc.sqlite3, and postgresql://…/ioc_bench_monitoring created
when missing). The benchmark uses its own metrics and stations (codes starting "bench-ingest"), deletes their
readings and rollups before measuring, and leaves the 10-million-reading dataset, when built, untouched (its
tables are then as big as in production, which is the point).

A "wide" case adds batches of one reading for each of 6,000 series (1,000 stations × 6 metrics: what an
NGSI-LD batch upsert or an MQTT flush looks like), every 5 minutes, so that most batches land in hours, days
and months that already hold readings; target ≤ 80 ms a batch (5,000 entity updates/s × 6 attributes).

Environment: IOC_BENCH_INGEST_BATCHES (batches of 50,000 per case, default 20), IOC_BENCH_INGEST_NAIVE (rows
of the naive sample, default 600), IOC_BENCH_INGEST_WIDE_BATCHES (wide batches, default 24).
"""

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCHES = int(os.environ.get("IOC_BENCH_INGEST_BATCHES", "20"))
NAIVE_ROWS = int(os.environ.get("IOC_BENCH_INGEST_NAIVE", "600"))
BATCH_ROWS = 50_000
STATIONS, METRICS_PER_STATION = 50, 4  # 200 series
TARGET_RATE, TARGET_RATIO = 100_000, 20
PREFIX = "bench-ingest"
WIDE_STATIONS, WIDE_METRICS = 1000, 6  # 6,000 series, one reading each per batch
WIDE_BATCHES = int(os.environ.get("IOC_BENCH_INGEST_WIDE_BATCHES", "24"))
WIDE_TARGET_MS = 80  # 5,000 NGSI-LD entity updates/s × 6 attributes: 6,000 readings in ≤ 80 ms of storage
TITLE = "Sensor readings bulk ingest (write_readings, rollups included)"


# --- Worker side (Django configured for one database) ----------------------------------------------------


def _fixtures():
    """200 series (50 stations × 4 metrics of the benchmark's own) spread over the communes; empty."""
    from django.db import connection

    from ioc.core.models import Area, Unit
    from ioc.monitoring.models import AreaRollup, Metric, Series, SeriesRollup, Station

    unit = Unit.objects.get(code="so-nong-nghiep-moi-truong")
    communes = list(Area.objects.communes().order_by("code"))
    metrics = [Metric.objects.get_or_create(code=f"{PREFIX}-{n}", defaults={"name": f"Đại lượng thử {n}"})[0]
               for n in range(METRICS_PER_STATION + 1)]  # the last one is the naive path's
    series = []
    for n in range(STATIONS):
        area = communes[n * 3 % len(communes)]
        station, _ = Station.objects.get_or_create(code=f"{PREFIX}-{n:03d}", defaults=dict(
            name=f"Trạm thử tải {n}", kind="air_quality", latitude=area.latitude or 21.2,
            longitude=area.longitude or 106.1, area=area, owner_unit=unit))
        for metric in metrics:
            series.append(Series.objects.get_or_create(station=station, metric=metric)[0])
    ids = [s.pk for s in series]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM monitoring_reading WHERE series_id IN ({marks})", chunk)
    SeriesRollup.objects.filter(series_id__in=ids).delete()
    AreaRollup.objects.filter(metric__in=metrics).delete()
    Series.objects.filter(pk__in=ids).update(last_t=None, last_value=None)
    fast = [s.pk for s in series if s.metric_id != metrics[-1].pk]
    naive = [s.pk for s in series if s.metric_id == metrics[-1].pk]
    return fast, naive


def _wide_fixtures():
    """6,000 series (1,000 stations × 6 metrics of the benchmark's own, what one NGSI-LD batch upsert or MQTT
    flush touches) spread over the communes; their readings and rollups deleted."""
    from django.db import connection

    from ioc.core.models import Area, Unit
    from ioc.monitoring.models import AreaRollup, Metric, Series, SeriesRollup, Station

    unit = Unit.objects.get(code="so-nong-nghiep-moi-truong")
    communes = list(Area.objects.communes().order_by("code"))
    metrics = [Metric.objects.get_or_create(code=f"{PREFIX}-wide-{n}", defaults={"name": f"Đại lượng rộng {n}"})[0]
               for n in range(WIDE_METRICS)]
    Station.objects.bulk_create([
        Station(code=f"{PREFIX}-wide-{n:04d}", name=f"Trạm thử tải rộng {n}", kind="air_quality",
                latitude=communes[n % len(communes)].latitude or 21.2,
                longitude=communes[n % len(communes)].longitude or 106.1, area=communes[n % len(communes)],
                owner_unit=unit) for n in range(WIDE_STATIONS)], ignore_conflicts=True)
    stations = list(Station.objects.filter(code__startswith=f"{PREFIX}-wide-").values_list("pk", flat=True))
    Series.objects.bulk_create([Series(station_id=st, metric=m) for st in stations for m in metrics],
                               ignore_conflicts=True)
    ids = sorted(Series.objects.filter(metric__in=metrics).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM monitoring_reading WHERE series_id IN ({marks})", chunk)
            cursor.execute(f"DELETE FROM monitoring_seriesrollup WHERE series_id IN ({marks})", chunk)
    AreaRollup.objects.filter(metric__in=metrics).delete()
    Series.objects.filter(pk__in=ids).update(last_t=None, last_value=None)
    return ids


def _batches(series_ids, cadence, count, start, rng):
    """`count` batches of 50,000 rows: every series, consecutive times `cadence` seconds apart."""
    per_series = BATCH_ROWS // len(series_ids)
    for b in range(count):
        first = start + b * per_series * cadence
        yield [(s, first + i * cadence, round(rng.uniform(0, 200), 2)) for s in series_ids
               for i in range(per_series)]


def _measure_case(batches, figures, key):
    from ioc.monitoring import storage

    rows = elapsed = 0
    durations = []
    for batch in batches:
        started = time.perf_counter()
        result = storage.write_readings(batch)
        durations.append(time.perf_counter() - started)
        rows += result.received
        elapsed += durations[-1]
    rate = rows / elapsed
    figures[key] = {"rows": rows, "batches": len(durations), "seconds": round(elapsed, 2),
                    "readings_per_s": round(rate), "batch_p50_ms": round(sorted(durations)[len(durations) // 2] * 1000)}
    print(f"{key}: {rate:,.0f} readings/s", flush=True)
    return rate


def _profile(batch, label, notes):
    """Where one batch's time goes: the slowest SQL statements, and the rest (row preparation in Python, the
    COPY or executemany of the rows, which go to the driver directly)."""
    from django.db import connection

    from ioc.monitoring import storage

    statements = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, " ".join(sql.split())[:60]))

    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        storage.write_readings(batch)
    total = time.perf_counter() - started
    top = sorted(statements, reverse=True)[:4]
    rest = total - sum(d for d, _ in statements)
    notes.append(f"{label}, one batch of {len(batch):,}: {total * 1000:.0f} ms = "
                 + "; ".join(f"{d * 1000:.0f} ms {sql}…" for d, sql in top)
                 + f"; {rest * 1000:.0f} ms row preparation and COPY/executemany of the rows; "
                 f"{len(statements)} statements in all.")


def naive_write(rows):
    """What a first implementation would do: one ORM save per reading, then each rollup of the reading's hour,
    day and month updated through the ORM, and the area rollups recomputed from the series rollups."""
    from django.db import transaction
    from django.db.models import Count, Max, Min, Sum

    from ioc.monitoring.models import AreaRollup, Reading, Series, SeriesRollup, bucket_start

    with transaction.atomic():
        for series_id, t, value in rows:
            Reading(series_id=series_id, t=t, value=value).save()
            series = Series.objects.select_related("station__area").get(pk=series_id)
            for grain in ("h", "d", "m"):
                bucket = bucket_start(t, grain)
                rollup = SeriesRollup.objects.filter(series_id=series_id, grain=grain, bucket=bucket).first()
                if rollup is None:
                    SeriesRollup.objects.create(series_id=series_id, grain=grain, bucket=bucket, count=1, sum=value,
                                                min=value, max=value, last_t=t, last_value=value)
                else:
                    rollup.count += 1
                    rollup.sum += value
                    rollup.min, rollup.max = min(rollup.min, value), max(rollup.max, value)
                    if t >= rollup.last_t:
                        rollup.last_t, rollup.last_value = t, value
                    rollup.save()
                area = series.station.area
                for area_id in (area.pk, area.parent_id):
                    peers = Series.objects.filter(metric_id=series.metric_id)
                    if area_id == area.pk:
                        peers = peers.filter(station__area_id=area_id)
                    agg = SeriesRollup.objects.filter(series__in=peers, grain=grain, bucket=bucket).aggregate(
                        n=Sum("count"), total=Sum("sum"), low=Min("min"), high=Max("max"), stations=Count("pk"))
                    AreaRollup.objects.update_or_create(
                        area_id=area_id, metric_id=series.metric_id, grain=grain, bucket=bucket,
                        defaults=dict(count=agg["n"], sum=agg["total"], min=agg["low"], max=agg["high"],
                                      stations=agg["stations"]))
            if series.last_t is None or t >= series.last_t:
                series.last_t, series.last_value = t, value
                series.save(update_fields=["last_t", "last_value"])


def measure(backend):
    from bench.common import setup_django

    setup_django()
    from django.db import connection

    from bench.monitoring_dataset import prepare_database
    from ioc.monitoring.models import Reading

    prepare_database()
    db = "SQLite" if backend == "sqlite" else "PostgreSQL"
    figures, notes = {}, []
    fast, naive = _fixtures()
    existing = Reading.objects.count()
    notes.append(f"{db}: monitoring_reading held {existing:,} other readings when measuring.")
    rng = random.Random(7)
    start = (int(time.time()) - 60 * 86400) // 3600 * 3600
    # 5-minute readings, batches in arrival order: each batch adds 250 readings to each of 200 series.
    rate = _measure_case(_batches(fast, 300, BATCHES, start, rng), figures,
                         f"{db} · write_readings, 200 series × 5-minute readings, batches of 50,000")
    _profile(next(_batches(fast, 300, 1, start + BATCHES * 250 * 300, rng)), f"{db} · 5-minute readings", notes)
    # Hourly readings: every row is its own hour, the worst case for the rollups.
    hourly_start = start - 150 * 86400  # 52 days of hours, before the 5-minute ones
    _measure_case(_batches(fast, 3600, max(2, BATCHES // 4), hourly_start, rng), figures,
                  f"{db} · write_readings, hourly readings (each row its own hour bucket)")
    # The same batches again: idempotent, nothing written, no rollup rebuilt.
    _measure_case(_batches(fast, 300, max(2, BATCHES // 4), start, random.Random(7)), figures,
                  f"{db} · the same batches sent again (idempotent)")
    # Corrections: every value of earlier batches changed (late data into existing buckets).
    _measure_case(_batches(fast, 300, max(2, BATCHES // 4), start, rng), figures,
                  f"{db} · corrections of earlier batches (every bucket rebuilt)")
    # Wide batches: one reading for each of 6,000 series, every 5 minutes.
    wide = _wide_fixtures()
    wide_start = start + BATCHES * 250 * 300 + 86400
    wide_batches = ([(s, wide_start + b * 300 + i % 60, round(rng.uniform(0, 200), 2)) for i, s in enumerate(wide)]
                    for b in range(WIDE_BATCHES))
    key = f"{db} · wide batches: one reading for each of 6,000 series, every 5 minutes"
    _measure_case(wide_batches, figures, key)
    figures[key]["batch_p50_target_ms"] = WIDE_TARGET_MS
    _profile([(s, wide_start + WIDE_BATCHES * 300 + 7, 1.0) for s in wide], f"{db} · wide batch", notes)
    _wide_fixtures()
    # Naive baseline on a smaller sample, its own series (same metric layout and communes).
    per_series = max(1, NAIVE_ROWS // len(naive))
    rows = [(s, start + i * 300, round(rng.uniform(0, 200), 2)) for i in range(per_series) for s in naive]
    started = time.perf_counter()
    naive_write(rows)
    naive_rate = len(rows) / (time.perf_counter() - started)
    figures[f"{db} · naive: one ORM save per reading + rollups row by row"] = {
        "rows": len(rows), "seconds": round(len(rows) / naive_rate, 2), "readings_per_s": round(naive_rate)}
    figures[f"{db} · ratio write_readings / naive"] = {"ratio": round(rate / naive_rate, 1),
                                                       "target": TARGET_RATIO}
    met = rate >= TARGET_RATE and rate / naive_rate >= TARGET_RATIO
    print(f"{db}: naive {naive_rate:,.0f} readings/s, ratio {rate / naive_rate:.0f}×"
          f"{'' if met else '  (target missed)'}", flush=True)
    _fixtures()  # leave the database as found (no benchmark readings)
    connection.close()
    return {"figures": figures, "notes": notes}


# --- Driver ------------------------------------------------------------------------------------------------


METHOD = [
    "Each batch is 50,000 (series, t, value) rows given to storage.write_readings in one call: type checks, "
    "de-duplication; for series written in order (after their latest reading) plain COPY (PostgreSQL) or "
    "executemany (SQLite, WITHOUT ROWID tables) of the readings, and their hour/day/month rollups and those of "
    "their commune and province grown by the batch's figures; for the others (idempotent re-sends, "
    "corrections, late data) COPY into a temporary table then INSERT … ON CONFLICT (executemany of INSERT … ON "
    "CONFLICT on SQLite) and a rebuild of every touched hour/day/month rollup per series, per commune and for "
    "the province from the stored readings; latest values, signal. The rate is rows over the time spent in "
    "write_readings (the generation of the rows is not counted).",
    "Naive: for each reading Reading(...).save(), the hour/day/month series rollups read, changed and saved, "
    "the commune and province rollups recomputed from the series rollups with the ORM, Series.save(); all in "
    "one transaction.",
]


def main():
    from bench.monitoring_dataset import django_env, postgres_answers

    figures, notes = {}, list(METHOD)
    backends = ["sqlite"] + (["postgresql"] if postgres_answers() else [])
    if len(backends) == 1:
        notes.append("PostgreSQL skipped: nothing answers on 127.0.0.1:5432.")
    for backend in backends:
        print(f"-- {backend}", flush=True)
        env = django_env(backend)
        out = Path(env["IOC_DATA_DIR"]) / "bench-monitoring-ingest.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        completed = subprocess.run([sys.executable, "-m", "bench.bench_monitoring_ingest", backend, str(out)],
                                   cwd=ROOT, env=env, timeout=3 * 3600)
        if completed.returncode != 0 or not out.exists():
            notes.append(f"the {backend} worker failed (exit {completed.returncode})")
            continue
        result = json.loads(out.read_text())
        figures.update(result["figures"])
        notes += result["notes"]

    from bench.common import setup_django, write_results

    setup_django()
    write_results("monitoring_ingest", TITLE, figures, "\n".join(f"- {n}" for n in notes))


if __name__ == "__main__":
    if len(sys.argv) == 3:
        backend, out = sys.argv[1:]
        Path(out).write_text(json.dumps(measure(backend), ensure_ascii=False, indent=1))
    else:
        main()
