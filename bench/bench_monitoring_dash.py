"""Monitoring dashboards with 10,000,000 readings stored (issue 4): the overview and indicator-page API p95
≤ 50 ms on SQLite and PostgreSQL, each beside a naive baseline computing the same figures from raw readings in
the same run.

The dataset is the storage benchmark's (bench/monitoring_dataset.py: 110 stations, 290 series every 15 minutes
for a year, 18 indicators with five years of commune figures), built once and kept. Each database is measured in
a worker subprocess whose Django points at it; requests go through Django's test Client (the whole middleware
stack and the API, signed in as the IOC operator, no network). "cold" clears the overview cache before every
call (as right after new data arrives); "warm" is a cached overview. IOC_BENCH_READINGS shrinks the dataset for
a quick trial.
"""

import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Monitoring dashboards with 10,000,000 readings: overview and indicator-page API"
CALLS, NAIVE_CALLS = 40, 3


def main():
    from bench.monitoring_dataset import TARGET_READINGS, ensure_dataset, postgres_answers

    figures, notes = {}, []
    for vendor in ["sqlite"] + (["postgresql"] if postgres_answers() else []):
        info = ensure_dataset(vendor)
        out = ROOT / "var" / f"bench-monitoring-dash-{vendor}.json"
        out.parent.mkdir(exist_ok=True)
        out.unlink(missing_ok=True)
        completed = subprocess.run([sys.executable, "-m", "bench.bench_monitoring_dash", "worker", str(out)],
                                   cwd=ROOT, env=info["env"], timeout=3600)
        if completed.returncode != 0 or not out.exists():
            figures[f"{vendor}: worker failed"] = {"exit": completed.returncode}
            continue
        for case, values in json.loads(out.read_text()).items():
            figures[f"{vendor} · {case}"] = values
        notes.append(f"{vendor}: {info.get('readings', TARGET_READINGS):,} readings, {info.get('series')} series, "
                     f"{info.get('observations', 0):,} observations.")
    from bench.common import setup_django, write_results

    setup_django()
    method = ("Latency through Django's test Client in-process, signed in as the IOC operator; "
              f"{CALLS} calls after a warm-up (naive: {NAIVE_CALLS}). Naive baselines compute the same figures "
              "from raw readings (Python aggregation of every reading in the window) and read observations one "
              "indicator at a time.")
    write_results("monitoring_dash", TITLE, figures, notes="\n\n".join([method, *notes]))


# --- Worker (inside a process whose Django points at the dataset) -------------------------------------


def _measure(fn, calls):
    from bench.common import summary

    fn()  # warm-up
    durations = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        durations.append(time.perf_counter() - started)
    return summary(durations)


def _get(client, url):
    def call():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response

    return call


def naive_overview(access, area):
    """The same cards computed the slow way: observations per indicator, real-time values from raw readings."""
    from ioc.monitoring import queries
    from ioc.monitoring.models import Grain, Observation, Reading, Series, bucket_start

    now = int(time.time())
    cards = []
    for indicator in queries.visible_indicators(access):
        if indicator.metric_id is None:
            rows = list(Observation.objects.filter(indicator=indicator, area=area, is_current=True)
                        .order_by("period"))[-24:]
            points = [(str(o.period), o.value) for o in rows]
        else:
            series_ids = list(Series.objects.filter(metric_id=indicator.metric_id).values_list("pk", flat=True))
            start = bucket_start(now, Grain.HOUR) - 23 * 3600
            hours = defaultdict(list)
            for t, value in Reading.objects.filter(series_id__in=series_ids, t__gte=start).values_list("t", "value"):
                hours[t - t % 3600].append(value)
            points = [(h, sum(v) / len(v)) for h, v in sorted(hours.items())]
        cards.append(queries._card(indicator, points, realtime=indicator.metric_id is not None))
    return cards


def naive_series(indicator, days):
    """A real-time indicator's daily means over `days` from raw readings."""
    from ioc.monitoring.models import Reading, Series

    series_ids = list(Series.objects.filter(metric_id=indicator.metric_id).values_list("pk", flat=True))
    start = int(time.time()) - days * 86400
    by_day = defaultdict(list)
    for t, value in Reading.objects.filter(series_id__in=series_ids, t__gte=start).values_list("t", "value"):
        by_day[(t + 7 * 3600) // 86400].append(value)
    return [(d, sum(v) / len(v)) for d, v in sorted(by_day.items())]


def worker(out):
    from bench.common import setup_django

    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from ioc.core.access import get_access
    from ioc.monitoring import queries
    from ioc.monitoring.models import Indicator, Reading

    settings.ALLOWED_HOSTS = ["*"]
    user = get_user_model().objects.get(username="dieuhanh")
    client = Client()
    client.force_login(user)
    access = get_access(user)
    province = queries.province()
    realtime = Indicator.objects.filter(metric__code="pm25").first()
    observed = Indicator.objects.filter(metric__isnull=True, frequency="monthly").order_by("code").first()
    commune = queries.communes()[0]["code"]
    station = Reading.objects.values_list("series__station__code", flat=True).first()
    api = "/api/v1/monitoring"
    results = {}

    def cold(url):
        call = _get(client, url)

        def run():
            queries.bump_data_version()
            call()

        return run

    results["overview, province (cold cache)"] = _measure(cold(f"{api}/overview"), CALLS)
    results["overview, province (cached)"] = _measure(_get(client, f"{api}/overview"), CALLS)
    results["overview, one commune (cold cache)"] = _measure(cold(f"{api}/overview?area={commune}"), CALLS)
    results["indicator page: real-time series, 1 year (daily rollups)"] = _measure(
        _get(client, f"{api}/indicators/{realtime.code}/series?range=1y"), CALLS)
    results["indicator page: real-time series, 7 days (hourly rollups)"] = _measure(
        _get(client, f"{api}/indicators/{realtime.code}/series?range=7d"), CALLS)
    results["indicator page: real-time commune comparison"] = _measure(
        _get(client, f"{api}/indicators/{realtime.code}/communes"), CALLS)
    results["indicator page: monthly series, 5 years"] = _measure(
        _get(client, f"{api}/indicators/{observed.code}/series?range=5y"), CALLS)
    results["indicator page: monthly commune comparison"] = _measure(
        _get(client, f"{api}/indicators/{observed.code}/communes"), CALLS)
    results["stations with latest values"] = _measure(_get(client, f"{api}/stations?page_size=500"), CALLS)
    results["station history, 30 days (daily rollups)"] = _measure(
        _get(client, f"{api}/stations/{station}/history?days=30"), CALLS)
    results["naive: overview from raw readings"] = _measure(lambda: naive_overview(access, province), NAIVE_CALLS)
    results["naive: real-time series, 1 year, from raw readings"] = _measure(
        lambda: naive_series(realtime, 365), NAIVE_CALLS)
    for name in ("overview, province (cold cache)", "indicator page: real-time series, 1 year (daily rollups)"):
        naive = ("naive: overview from raw readings" if name.startswith("overview")
                 else "naive: real-time series, 1 year, from raw readings")
        results[name]["x_faster_than_naive"] = round(results[naive]["p50_ms"] / results[name]["p50_ms"], 1)
        results[name]["target_p95_le_50ms"] = "yes" if results[name]["p95_ms"] <= 50 else "NO"
    Path(out).write_text(json.dumps(results))


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        worker(sys.argv[2])
    else:
        main()
