"""Citizen feedback at scale (issue 3): with 1,000,000 reports, on SQLite and on PostgreSQL,

- Open311 `GET requests.json` with service_code + status + a 30-day window, p95 ≤ 100 ms;
- a busy unit's inbox (/xu-ly/, first page, an officer of Sở Xây dựng), p95 ≤ 100 ms;
- the public map data of the whole province (/phan-anh/ban-do.json), ≤ 200 ms;
- intake through Open311 POST with two gunicorn workers, ≥ 200 reports/s;

each beside a naive baseline in the same run. Latency goes through Django's test Client (in-process, the whole
middleware stack); throughput through real HTTP to gunicorn on a free local port.

Each database is measured in a subprocess with its own settings: SQLite in IOC_DATA_DIR/bench-feedback/, and
PostgreSQL (when it answers on 127.0.0.1:5432) in the database `ioc_bench`, with IOC_DATA_DIR/bench-feedback-pg/
for its files. The dataset is built once (bench/feedback_dataset.py) and kept between runs.
IOC_BENCH_REPORTS changes its size (for a quick trial).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import PG_SERVER, data_root, postgres_answers, redis_answers

ROOT = Path(__file__).resolve().parent.parent
TARGET_REPORTS = int(os.environ.get("IOC_BENCH_REPORTS", "1000000"))
PG_DATABASE = "ioc_bench"
TITLE = "Citizen feedback with 1,000,000 reports: Open311, unit inbox, public map, intake"
ROUTE_WAIT_SECONDS, ROUTE_WAIT_TRIES = 300, 12
BENCH_REDIS = "redis://127.0.0.1:6379/5"  # a database of its own: tests use 0




def worker_env(backend):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "IOC_TESTING")}
    env["DJANGO_SETTINGS_MODULE"] = "ioc.settings"
    env["PYTHONPATH"] = str(ROOT)
    if backend == "postgresql":
        env["IOC_DATA_DIR"] = str(data_root() / "bench-feedback-pg")
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
        if redis_answers():  # a PostgreSQL deployment has Redis for its cache and task queue (PRODUCT.md)
            env["REDIS_URL"] = BENCH_REDIS
    else:
        env["IOC_DATA_DIR"] = str(data_root() / "bench-feedback")
    return env


def run_worker(backend, mode):
    """Run this module as a worker for one database; return its JSON output."""
    out = data_root() / f"bench-feedback-{backend}-{mode}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.bench_feedback", mode, backend, str(out)]
    completed = subprocess.run(command, cwd=ROOT, env=worker_env(backend), timeout=3 * 3600)
    if completed.returncode != 0 or not out.exists():
        return {"error": f"the {backend} worker failed (exit {completed.returncode})"}
    return json.loads(out.read_text())


METHOD = [
    "Dataset: 1,000,000 reports over four years ending today (Bắc Ninh's categories, routing and communes, "
    "about 2% open, 8.5% rejected, 2% merged), 5.6 million timeline events, 206,000 cooperating-unit links; "
    "written once with executemany (SQLite) or COPY (PostgreSQL) and kept between runs.",
    "Latency: Django's test Client in-process (the whole middleware stack, no network; the loaded objects "
    "frozen out of the garbage collector's sight, as ioc/wsgi.py does in each server worker), 30 calls after warm-up "
    "(10 for the unit's full list). Naive baselines: the same views with naive functions patched in (Open311: "
    "model instances serialized one by one, following relations; inbox: every report of the unit loaded and "
    "filtered and sorted in Python; map: a list of dicts from full instances), 1 to 3 calls.",
    "Throughput: gunicorn sync workers (measured faster here than `manage.py serve`'s 4 threads per worker, "
    "which keep a slow client from holding a whole worker) on a free local port, 16 client threads (urllib) in the benchmark "
    "process on the same machine, 10 API keys; a run stops after 2,000 requests (600 for the one-worker "
    "baseline) or 60 s. SQLite runs as the embedded default (cache and task queue in SQLite files); "
    "PostgreSQL as deployed, with Redis for the cache and the task queue when it answers.",
]


def main():
    figures, notes = {}, list(METHOD)
    backends = ["sqlite"]
    if postgres_answers():
        backends.append("postgresql")
    else:
        notes.append("PostgreSQL skipped: nothing answers on 127.0.0.1:5432 (start it to measure both databases).")
    for tries in range(ROUTE_WAIT_TRIES):  # the endpoints may still be under construction
        check = run_worker("sqlite", "check")
        if check.get("ready"):
            break
        print(f"feedback routes not ready ({check.get('missing')}); waiting {ROUTE_WAIT_SECONDS} s")
        time.sleep(ROUTE_WAIT_SECONDS)
    else:
        notes.append("The feedback routes never became ready; nothing measured.")
        backends = []
    for backend in backends:
        print(f"-- {backend}")
        result = run_worker(backend, "measure")
        if "error" in result:
            notes.append(result["error"])
            continue
        figures.update(result["figures"])
        notes += result["notes"]

    from bench.common import setup_django, write_results

    setup_django()
    write_results("feedback", TITLE, figures, "\n".join(f"- {n}" for n in notes))


if __name__ == "__main__":
    if len(sys.argv) == 4:
        from bench.feedback_worker import check, measure

        mode, backend, out = sys.argv[1:]
        result = check() if mode == "check" else measure(backend, TARGET_REPORTS)
        Path(out).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        main()
