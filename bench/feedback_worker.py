"""The measuring side of bench_feedback, run in a subprocess whose environment selects the database."""

import cProfile
import gc
import io
import json
import os
import pstats
import shutil
import socket
import subprocess
import sys
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path
from unittest import mock
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from bench.common import setup_django, summary, timed

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"open311": 100, "inbox": 100, "map": 200}  # p95 in ms
REPEAT = 30
POSTS, BASELINE_POSTS, CLIENT_THREADS = 2000, 600, 16
POST_SECONDS = 60  # each intake run stops after this long, whatever is left
BUSY_UNIT_OFFICER = "sxd.canbo"  # Sở Xây dựng: roads, drainage, flooding, construction
API_CLIENTS = 10  # Open311 apps, each with its key (a key is rate-limited to 600 requests a minute)


def check():
    """Are the three endpoints mounted? (No database needed.)"""
    setup_django()
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    missing = []
    for name in ("feedback:inbox", "feedback:map_data"):
        try:
            reverse(name)
        except NoReverseMatch:
            missing.append(name)
    try:
        if resolve("/open311/v2/requests.json").url_name in (None, "not_found"):
            missing.append("open311 requests")
    except Resolver404:
        missing.append("open311 requests")
    return {"ready": not missing, "missing": missing}


# --- The database and the dataset ----------------------------------------------------------------------


def _reset_database(backend):
    """Start from an empty database (a partial dataset cannot be trusted)."""
    from django.conf import settings
    from django.db import connection

    connection.close()
    if backend == "postgresql":
        import psycopg

        name = settings.DATABASES["default"]["NAME"]
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            pg.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _ensure_pg_database():
    import psycopg

    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as pg:
        if not pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            pg.execute(f'CREATE DATABASE "{name}"')


def _forget_posted_reports(notes):
    """Delete what earlier intake runs posted, so that every run reads the same million reports."""
    from ioc.feedback.models import Report

    posted = Report.objects.filter(channel="open311", reporter_email__startswith="bench")
    count = posted.count()
    if count:
        posted.delete()
        notes.append(f"Deleted {count} reports posted by an earlier intake run.")


def _analyze(notes):
    """Planner statistics (and, on PostgreSQL, the visibility map), as a maintained database has them: a
    migration that rebuilds a SQLite table drops its statistics; autovacuum may not yet have visited a table
    loaded in one transaction, and without it counts cannot be answered from an index alone."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("feedback_report", "feedback_reportevent", "feedback_report_cooperating_units"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            notes.append(f"postgresql: VACUUM (ANALYZE) of the feedback tables before measuring "
                         f"({time.perf_counter() - started:.0f} s), as autovacuum does on a live database.")
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'feedback_report'")
            if cursor.fetchone():
                return
        cursor.execute("ANALYZE")
    notes.append(f"sqlite: ANALYZE before measuring ({time.perf_counter() - started:.0f} s).")


def prepare(backend, target, notes):
    """Schema, static files, the province, its units and demo accounts, categories and routing; the dataset
    when missing. Returns dataset figures."""
    from django.core.management import call_command

    from bench import feedback_dataset
    from ioc.core.areas import load_province
    from ioc.core.demo import seed_demo_accounts, seed_units
    from ioc.feedback.demo import seed_reference
    from ioc.feedback.models import Report

    data_dir = Path(os.environ["IOC_DATA_DIR"])
    marker = data_dir / "bench-dataset.json"
    if backend == "postgresql":
        _ensure_pg_database()
    call_command("migrate", verbosity=0)
    built = json.loads(marker.read_text()) if marker.exists() else {}
    if Report.objects.count() < target or built.get("target") != target:
        print(f"building the dataset: {target:,} reports on {backend}…", flush=True)
        _reset_database(backend)
        marker.unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
        load_province("24")
        seed_units("24")
        seed_demo_accounts()
        seed_reference()
        built = feedback_dataset.build(target, log=lambda m: print(m, flush=True))
        built["target"] = target
        marker.write_text(json.dumps(built))
    else:
        notes.append(f"{backend}: dataset kept from an earlier run (built in {built['build_s']} s).")
    _forget_posted_reports(notes)
    if os.environ.get("REDIS_URL"):  # the benchmark's own Redis database: rate-limit counters, unconsumed jobs
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
        notes.append(f"{backend}: with Redis for the cache and the task queue (emptied before measuring).")
    _analyze(notes)
    if not (data_dir / "static" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    return built


# --- Naive baselines ---------------------------------------------------------------------------------


def naive_search(params):
    """Open311 search over full model instances, filtered as the specification asks."""
    from django.utils.dateparse import parse_datetime

    from ioc.feedback.models import DONE_STATUSES, OPEN_STATUSES, Report

    qs = Report.objects.filter(category__is_public=True, merged_into__isnull=True).exclude(status="rejected")
    qs = qs.filter(received_at__gte=parse_datetime(params["start_date"]),
                   received_at__lte=parse_datetime(params["end_date"]), category__code=params["service_code"])
    qs = qs.filter(status__in=OPEN_STATUSES if params["status"] == "open" else DONE_STATUSES)
    return list(qs.order_by("-received_at")[:1000])


def naive_serialize(report, *, request, language):
    """One instance at a time, following its relations (a query or three per row)."""
    note = report.events.filter(is_public=True).exclude(note="").order_by("-at").first()
    photo = report.photos.filter(kind="intake", is_ready=True).first()
    return {"service_request_id": report.code, "status": "open" if report.is_open else "closed",
            "status_notes": report.answer or (note.note if note else None), "service_name": report.category.name,
            "service_code": report.category.code, "description": report.description,
            "agency_responsible": report.lead_unit.name if report.lead_unit else None,
            "requested_datetime": report.received_at.isoformat(), "updated_datetime": report.updated_at.isoformat(),
            "expected_datetime": report.answer_due.isoformat() if report.answer_due else None,
            "address": report.address or (report.area.name if report.area else None), "lat": report.latitude,
            "long": report.longitude, "media_url": photo.image.url if photo else None}


@contextmanager
def _naive_open311(views):
    """The Open311 list view with the naive search and serializer in place of the real ones."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(views, "search", naive_search))
        if hasattr(views, "Serializer"):  # Serializer(request, language)(row)
            stack.enter_context(mock.patch.object(views, "Serializer", lambda request, language: (
                lambda report: naive_serialize(report, request=request, language=language))))
        else:
            stack.enter_context(mock.patch.object(views, "serialize", naive_serialize))
        yield


def naive_inbox_queryset(access, data, now):
    """Every report of the unit as an instance, filtered and sorted in Python, no select_related."""
    from ioc.feedback.models import Report

    handling = ("assigned", "in_progress", "reopened")
    rows = [r for r in Report.objects.filter(lead_unit_id__in=access.unit_ids) if r.status in handling]
    rows.sort(key=lambda r: (r.answer_due, r.id))
    return rows


def naive_page(request, rows):
    from django.core.paginator import Paginator

    return Paginator(rows, 50).get_page(request.GET.get("page"))


@contextmanager
def _naive_inbox(views):
    """The inbox view with the naive list (and plain pagination of it) in place of the real query."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(views, "inbox_queryset", naive_inbox_queryset))
        if hasattr(views, "_page"):
            stack.enter_context(mock.patch.object(views, "_page", naive_page))
        yield


def naive_map_payload(filters):
    """Map data as a list of dicts built from full instances."""
    from ioc.feedback import stats
    from ioc.feedback.models import Report

    reports = stats.apply_filters(Report.objects.public(), filters).select_related("category")
    points = [{"lat": r.latitude, "lon": r.longitude, "status": r.status, "category": r.category.name,
               "code": r.code} for r in reports.iterator(chunk_size=2000) if r.latitude is not None]
    return json.dumps({"points": points}, ensure_ascii=False).encode()


# --- Latency ---------------------------------------------------------------------------------------


def _get(client, url, **headers):
    def call():
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        return response
    return call


def _profile(call, label, notes, calls=3):
    """What dominates a slow endpoint: database, template rendering, and the heaviest functions."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(calls):
        call()
    profile.disable()
    stats = pstats.Stats(profile, stream=io.StringIO()).stats

    def total(path_part, name):
        return sum(st[3] for fn, st in stats.items() if path_part in fn[0] and fn[2] == name) / calls * 1000

    wrappers = {"__call__", "wrapped", "view", "inner", "_view_wrapper", "get_response", "_get_response", "<lambda>"}
    own = sorted(((fn, st) for fn, st in stats.items() if "/ioc/" in fn[0] and fn[2] not in wrappers),
                 key=lambda item: -item[1][3])
    heavy = sorted(stats.items(), key=lambda item: -item[1][2])
    notes.append(
        f"{label}: per call, SQL {total('db/backends/utils', '_execute'):.0f} ms, template rendering "
        f"{total('template/backends/django', 'render'):.0f} ms; heaviest code (cumulative): "
        + ", ".join(f"{Path(fn[0]).name}:{fn[2]} {st[3] / calls * 1000:.0f} ms" for fn, st in own[:6])
        + "; most time spent in (own time): "
        + ", ".join(f"{Path(fn[0]).name}:{fn[2]} {st[2] / calls * 1000:.0f} ms" for fn, st in heavy[:5]))


def _attempt(label, notes, fn):
    """Run one measurement; a failure (an endpoint being rewritten, say) is noted, not fatal."""
    try:
        fn()
    except Exception as error:  # noqa: BLE001
        traceback.print_exc()
        notes.append(f"{label}: not measured ({type(error).__name__}: {str(error)[:200]}).")


def latency(backend, figures, notes):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from django.core.cache import cache
    from django.utils.translation import get_language

    from ioc.feedback import stats
    from ioc.feedback.open311 import views as open311_views
    from ioc.feedback.views import staff
    from ioc.feedback.views.publication import DEFAULT_PERIOD_DAYS as DEFAULT_MAP_DAYS

    db = "SQLite" if backend == "sqlite" else "PostgreSQL"
    now = timezone.now()
    window = {"start_date": (now - timedelta(days=30)).isoformat(), "end_date": now.isoformat()}
    client = Client()

    def record(name, durations, target=None, *, call=None):
        key = f"{db} · {name}"
        figures[key] = dict(summary(durations), **({"target_p95_ms": target} if target else {}))
        met = target is None or figures[key]["p95_ms"] <= target
        print(f"{key}: p50 {figures[key]['p50_ms']} ms, p95 {figures[key]['p95_ms']} ms"
              f"{'' if met else '  (target missed)'}", flush=True)
        if not met and call is not None:
            _profile(call, key, notes)

    def open311(status):
        # A service, a status and a 30-day window (a few hundred open; closed fills the 1,000-row page).
        url = "/open311/v2/requests.json?" + urlencode(dict(window, service_code="den-chieu-sang", status=status))
        call = _get(client, url)
        count = len(json.loads(call().content))
        call()
        record(f"Open311 GET requests.json ({status}, {count} rows)", timed(call, REPEAT), TARGETS["open311"],
               call=call)
        with _naive_open311(open311_views):
            call()
            record(f"Open311 GET requests.json ({status}) naive: instances one by one", timed(call, 3))

    def inbox():
        # An officer of the busiest unit, first page (handling statuses, nearest deadline first).
        staff_client = Client()
        staff_client.force_login(get_user_model().objects.get(username=BUSY_UNIT_OFFICER))
        call = _get(staff_client, "/xu-ly/")
        call()
        record("inbox /xu-ly/ (Sở Xây dựng, first page)", timed(call, REPEAT), TARGETS["inbox"], call=call)
        every = _get(staff_client, "/xu-ly/?status=all")
        every()
        record("inbox /xu-ly/?status=all (every report of the unit)", timed(every, 10), TARGETS["inbox"],
               call=every)
        with _naive_inbox(staff):
            call()
            record("inbox naive: the unit's reports filtered and sorted in Python", timed(call, 1))

    gzip_headers = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}

    def rebuilt(call):
        stats.bump_version()  # what every saved report does
        return call()

    def map_data():
        # What visitors get: the cached copy, and the first visit after a change (the last copy is served and
        # one background rebuild is queued); then the rebuild itself, which no visitor waits for.
        call = _get(client, "/phan-anh/ban-do.json", **gzip_headers)
        size = len(call().content)
        record(f"map data ban-do.json, cached (gzip {size // 1024} KiB)", timed(call, REPEAT), TARGETS["map"],
               call=call)
        province = stats.Filters(date_from=timezone.localdate() - timedelta(days=DEFAULT_MAP_DAYS))

        def first_visit_after_change():
            stats.bump_version()  # what every saved report does
            cache.delete(f"{stats._map_key(province, get_language() or '')}:rebuilding")  # the minute is over
            return call()

        record("map data ban-do.json, first visit after a change (last copy served, rebuild queued)",
               timed(first_visit_after_change, REPEAT), TARGETS["map"], call=first_visit_after_change)
        record("map data rebuild in the background (no visitor waits; at most once a minute)",
               timed(lambda: stats.build_map_entry(province), 3))

    def map_naive():
        # The naive way over the whole province would take minutes: compare both builds on the last three months.
        recent = stats.Filters(date_from=timezone.localdate() - timedelta(days=91))
        record("map data, last 3 months, built (JSON by the database, gzip)",
               timed(lambda: stats.build_map_entry(recent), 3))
        record("map data, last 3 months, naive: list of dicts from instances",
               timed(lambda: naive_map_payload(recent), 1))

    _attempt(f"{db} · Open311 open", notes, lambda: open311("open"))
    _attempt(f"{db} · Open311 closed", notes, lambda: open311("closed"))
    _attempt(f"{db} · inbox", notes, inbox)
    _attempt(f"{db} · map data", notes, map_data)
    _attempt(f"{db} · map data, 3 months", notes, map_naive)


# --- Throughput ----------------------------------------------------------------------------------------


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api_keys():
    from ioc.core.models import ApiKey, Unit

    ApiKey.objects.filter(name__startswith="Bench Open311").delete()
    unit = Unit.objects.get(code="so-khoa-hoc-cong-nghe")
    keys = []
    for n in range(API_CLIENTS):
        key = ApiKey(name=f"Bench Open311 app {n + 1}", unit=unit)
        keys.append(key.set_new_key())
        key.save()
    return keys


def _forms(count, keys):
    from ioc.core.models import Area

    communes = list(Area.objects.communes().values_list("latitude", "longitude"))
    codes = ["den-chieu-sang", "hu-hong-mat-duong", "rac-thai", "thoat-nuoc", "lan-chiem-via-he", "cap-nuoc"]
    forms = []
    for n in range(count):
        lat, lon = communes[n % len(communes)]
        forms.append(urlencode({
            "api_key": keys[n % len(keys)], "service_code": codes[n % len(codes)],
            "lat": f"{lat + (n % 7 - 3) * 0.001:.6f}", "long": f"{lon + (n % 5 - 2) * 0.001:.6f}",
            "description": f"Phản ánh thử tải số {n}: đèn đường trước số nhà {n % 300 + 1} không sáng.",
            # Contacts never repeat: each e-mail and phone may send only a few reports an hour.
            "first_name": "Thị Lan", "last_name": "Nguyễn", "email": f"bench-{uuid.uuid4().hex[:12]}@example.com",
            "phone": f"09{uuid.uuid4().int % 10 ** 8:08d}", "idempotency_key": uuid.uuid4().hex,
        }).encode())
    return forms


def _post_all(url, forms, seconds):
    """POST the forms from CLIENT_THREADS threads, stopping after `seconds`; (elapsed, statuses, durations)."""
    statuses, durations, pending = {}, [], iter(forms)
    deadline = time.perf_counter() + seconds

    def client():
        while time.perf_counter() < deadline:
            body = next(pending, None)
            if body is None:
                return
            started = time.perf_counter()
            try:
                with urlopen(Request(url, data=body, method="POST", headers={
                        "Content-Type": "application/x-www-form-urlencoded"}), timeout=120) as response:
                    status = response.status
                    response.read()
            except HTTPError as error:
                status = error.code
            except OSError:
                status = "connection error"
            durations.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        for future in [pool.submit(client) for _ in range(CLIENT_THREADS)]:
            future.result()
    return time.perf_counter() - started, statuses, durations


def throughput(backend, workers, count, keys):
    """Reports per second through gunicorn with `workers` sync workers."""
    port = _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen([gunicorn, "ioc.wsgi:application", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "--timeout", "120"], cwd=ROOT, env=os.environ.copy())
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                with urlopen(f"{base}/open311/discovery.json", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not answer")
        # Warm up: both workers' connections and reference caches, and the database's pages on the insert path
        # (a cold start after the latency measurements would otherwise count against whichever run comes first).
        _post_all(f"{base}/open311/v2/requests.json", _forms(200, keys), POST_SECONDS)
        elapsed, statuses, durations = _post_all(f"{base}/open311/v2/requests.json", _forms(count, keys),
                                                 POST_SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    created = statuses.get(201, 0)
    return dict(summary(durations), requests=sum(statuses.values()), created=created, seconds=round(elapsed, 2),
                reports_per_s=round(created / elapsed, 1), statuses={str(k): v for k, v in statuses.items()})


def _profile_intake(keys, label, notes, count=30):
    """Where a POST's time goes, in-process (the Django test Client, no network)."""
    from django.test import Client

    client = Client()
    forms = _forms(count + 5, keys)

    def post(body):
        response = client.post("/open311/v2/requests.json", data=body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 201, response.status_code

    for body in forms[:5]:
        post(body)
    started = time.perf_counter()
    for body in forms[5:count // 2 + 5]:
        post(body)
    notes.append(f"{label}: {(time.perf_counter() - started) / (count // 2) * 1000:.0f} ms per request "
                 "without the profiler.")
    remaining = iter(forms[count // 2 + 5:])
    _profile(lambda: post(next(remaining)), label, notes, calls=count - count // 2)


def measure(backend, target):
    setup_django()
    figures, notes = {}, []
    built = prepare(backend, target, notes)
    from ioc.feedback.models import Report, ReportEvent

    db = "SQLite" if backend == "sqlite" else "PostgreSQL"
    figures[f"{db} · dataset"] = {"reports": Report.objects.count(), "events": ReportEvent.objects.count(),
                                  "cooperating_links": built.get("cooperating"), "build_s": built.get("build_s")}
    load = os.getloadavg()
    gc.freeze()  # as ioc/wsgi.py does in each server worker once the project is loaded
    latency(backend, figures, notes)
    keys = _api_keys()
    for workers, count in ((2, POSTS), (1, BASELINE_POSTS)):
        name = f"{db} · Open311 POST intake, {workers} gunicorn worker{'s' if workers > 1 else ''}"

        def intake(workers=workers, count=count, name=name):
            result = throughput(backend, workers, count, keys)
            if workers == 2:
                result["target_reports_per_s"] = 200
            figures[name + ("" if workers == 2 else " (baseline)")] = result
            print(f"{name}: {result['reports_per_s']} reports/s ({result['statuses']})", flush=True)
            if workers == 2 and result["reports_per_s"] < 200:
                _profile_intake(keys, f"{name}, one request in-process", notes)

        _attempt(name, notes, intake)
    notes.append(f"{db}: load average {load[0]:.1f} before and {os.getloadavg()[0]:.1f} after the measurements "
                 f"on {os.cpu_count()} CPUs (other work on the machine slows every figure).")
    return {"figures": figures, "notes": notes}
