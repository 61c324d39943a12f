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
