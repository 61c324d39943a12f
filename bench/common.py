"""Timing helpers and result files shared by the benchmarks."""

import json
import os
import platform
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ioc.settings")
    import django

    django.setup()


def timed(fn, repeat=1):
    """Per-call durations in seconds."""
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        durations.append(time.perf_counter() - started)
    return durations


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(durations):
    return {
        "n": len(durations),
        "mean_ms": round(statistics.fmean(durations) * 1000, 4),
        "p50_ms": round(percentile(durations, 50) * 1000, 4),
        "p95_ms": round(percentile(durations, 95) * 1000, 4),
    }


def write_results(name, title, figures, notes=""):
    """Write bench/results/<name>.json and a short Markdown table for people."""
    from django.db import connection

    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"database": connection.vendor, "python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "measured_at": time.strftime("%Y-%m-%d %H:%M:%S %z")}
    (RESULTS / f"{name}.json").write_text(json.dumps({"title": title, "meta": meta, "figures": figures,
                                                      "notes": notes}, ensure_ascii=False, indent=2))
    lines = [f"# {title}", "", f"{meta['measured_at']} · {meta['database']} · Python {meta['python']} · "
             f"{meta['cpus']} CPUs", "", "| case | figures |", "|---|---|"]
    for case, values in figures.items():
        lines.append(f"| {case} | " + ", ".join(f"{k}={v}" for k, v in values.items()) + " |")
    if notes:
        lines += ["", notes]
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


# --- Databases and worker processes shared by the benchmarks ----------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def data_root():
    """Where benchmarks keep their databases and files: IOC_DATA_DIR, else ./var."""
    return Path(os.environ.get("IOC_DATA_DIR") or ROOT / "var").resolve()


def redis_answers():
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def postgres_answers():
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


def fresh_postgres(database):
    """Drop and create a benchmark database."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {database}")


def scratch_worker_env(name, backend, database):
    """The environment of a worker process on an empty database: SQLite in IOC_DATA_DIR/bench-<name>/ (its
    files removed), or PostgreSQL `database` (IOC_DATA_DIR/bench-<name>-pg/ for its files). No Redis, no MQTT."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "IOC_TESTING", "MQTT_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "ioc.settings"
    env["PYTHONPATH"] = str(ROOT)
    directory = data_root() / (f"bench-{name}-pg" if backend == "postgresql" else f"bench-{name}")
    directory.mkdir(parents=True, exist_ok=True)
    env["IOC_DATA_DIR"] = str(directory)
    if backend == "postgresql":
        env["DATABASE_URL"] = f"{PG_SERVER}/{database}"
    else:
        for filename in ("ioc.sqlite3", "ioc.sqlite3-wal", "ioc.sqlite3-shm"):
            (directory / filename).unlink(missing_ok=True)
    return env
