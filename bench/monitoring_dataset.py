"""The monitoring benchmarks' database and dataset: 10,000,000 sensor readings plus indicators and their
observations, built once through the storage services and kept between runs.

Layout: 110 stations spread over Bắc Ninh's communes (40 air-quality stations with PM2.5, PM10, NO₂,
temperature and humidity; 20 water-level, 20 rain, 20 traffic-counting stations with flow and speed, 10 noise
stations): 290 series reporting every 15 minutes for the last 360 days (10,022,400 readings, written through
`storage.write_readings` in batches of two days × 290 series = 55,680 rows, so the rollups are built as in
production). Indicators of the six domains: monthly figures per commune for five years (derived province values
through `observations.record_observations`), quarterly and yearly province figures, and real-time indicators
fed by the sensor metrics.

Databases (the same as the ingest benchmark, which uses its own metrics and stations):
- SQLite: IOC_DATA_DIR=var/bench-monitoring (the file var/bench-monitoring/ioc.sqlite3);
- PostgreSQL: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ioc_bench_monitoring, created when missing,
  IOC_DATA_DIR=var/bench-monitoring-pg.

Use from another benchmark (it runs a subprocess when the dataset is missing, and returns at once otherwise):

    from bench.monitoring_dataset import ensure_dataset
    info = ensure_dataset("postgresql")     # or "sqlite"
    subprocess.run([...], env=info["env"])  # a worker process whose Django points at the dataset

`info["env"]` is os.environ plus DJANGO_SETTINGS_MODULE, PYTHONPATH, IOC_DATA_DIR and (PostgreSQL)
DATABASE_URL; start Django in a process with that environment. `info` also holds the dataset's figures
(readings, series, stations, observations, time span, build time). From a shell:

    python -m bench.monitoring_dataset sqlite|postgresql|all

IOC_BENCH_READINGS changes the size (for a quick trial; the dataset is rebuilt when the size differs).
"""

import json
import math
import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench.common import PG_SERVER, data_root, postgres_answers  # noqa: F401  (re-exported to the benchmarks)

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "ioc_bench_monitoring"
TARGET_READINGS = int(os.environ.get("IOC_BENCH_READINGS", "10000000"))
CADENCE = 900  # seconds between two readings of a series
BATCH_DAYS = 2
MARKER = "bench-monitoring-dataset.json"
SEED = 2026
STATION_PREFIX = "ds-"

# (station kind, how many, [(metric code, baseline, daily swing, yearly swing, noise)])
STATION_KINDS = [
    ("air_quality", 40, [("pm25", 38, 12, 20, 9), ("pm10", 62, 18, 28, 14), ("no2", 28, 10, 6, 6),
                         ("temperature", 24.5, 4, 7, 1.2), ("relativeHumidity", 78, 9, 6, 5)]),
    ("water_level", 20, [("waterLevel", 2.6, 0.15, 1.4, 0.08)]),
    ("rainfall", 20, [("precipitation", 0, 0, 0, 0)]),
    ("traffic", 20, [("intensity", 820, 640, 40, 90), ("averageVehicleSpeed", 38, 9, 1, 4)]),
    ("noise", 10, [("noiseLevel", 62, 8, 1, 3)]),
]

METRICS = {
    # code: (name, English name, unit, decimals, time aggregation, direction, warning, critical, min, max)
    "pm25": ("Bụi mịn PM2.5", "PM2.5", "µg/m³", 1, "mean", "down", 50, 75, 0, 1000),
    "pm10": ("Bụi PM10", "PM10", "µg/m³", 1, "mean", "down", 100, 150, 0, 2000),
    "no2": ("Nitơ điôxít (NO₂)", "Nitrogen dioxide", "µg/m³", 1, "mean", "down", 100, 200, 0, 2000),
    "temperature": ("Nhiệt độ", "Temperature", "°C", 1, "mean", "neutral", 37, 40, -10, 60),
    "relativeHumidity": ("Độ ẩm", "Relative humidity", "%", 0, "mean", "neutral", None, None, 0, 100),
    "waterLevel": ("Mực nước", "Water level", "m", 2, "max", "down", 4.5, 5.5, -2, 15),
    "precipitation": ("Lượng mưa", "Precipitation", "mm", 1, "sum", "down", 50, 100, 0, 500),
    "intensity": ("Lưu lượng xe", "Traffic flow", "xe/giờ", 0, "sum", "down", 2000, 2600, 0, 20000),
    "averageVehicleSpeed": ("Tốc độ trung bình", "Average speed", "km/h", 0, "mean", "up", 20, 10, 0, 200),
    "noiseLevel": ("Độ ồn", "Noise level", "dBA", 0, "mean", "down", 70, 80, 0, 150),
}

KIND_NAMES = {"air_quality": "Trạm quan trắc không khí", "water_level": "Trạm đo mực nước",
              "rainfall": "Trạm đo mưa", "traffic": "Điểm đếm lưu lượng xe", "noise": "Trạm đo tiếng ồn"}




def django_env(vendor, base=None):
    """The environment of a process whose Django uses the benchmark database of `vendor`."""
    base = dict(os.environ if base is None else base)
    root = Path(base.get("IOC_DATA_DIR") or ROOT / "var").resolve()
    env = {k: v for k, v in base.items() if k not in ("DATABASE_URL", "REDIS_URL", "IOC_TESTING")}
    env["DJANGO_SETTINGS_MODULE"] = "ioc.settings"
    env["PYTHONPATH"] = str(ROOT)
    if vendor == "postgresql":
        env["IOC_DATA_DIR"] = str(root / "bench-monitoring-pg")
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    else:
        env["IOC_DATA_DIR"] = str(root / "bench-monitoring")
    return env


# --- Inside a process configured by django_env() -------------------------------------------------------


def _ensure_pg_database():
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as pg:
        if not pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            pg.execute(f'CREATE DATABASE "{name}"')


def prepare_database():
    """Create (PostgreSQL) and migrate the database; load the province's areas, agencies and demo accounts
    when missing. Call with Django set up."""
    from django.core.management import call_command
    from django.db import connection

    from ioc.core.areas import load_province
    from ioc.core.demo import seed_demo_accounts, seed_units
    from ioc.core.models import Area, Unit

    Path(os.environ["IOC_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        _ensure_pg_database()
    call_command("migrate", verbosity=0)
    if not Area.objects.communes().exists():
        load_province("24")
    if not Unit.objects.filter(code="so-nong-nghiep-moi-truong").exists():
        seed_units("24")
        seed_demo_accounts()


def _metric_objects():
    from ioc.monitoring.models import Metric

    metrics = {}
    for order, (code, (name, name_en, unit, decimals, agg, direction, warning, critical, low, high)) in enumerate(
            METRICS.items()):
        metrics[code], _ = Metric.objects.update_or_create(code=code, defaults=dict(
            name=name, name_en=name_en, unit_of_measure=unit, decimals=decimals, time_aggregation=agg,
            direction=direction, warning_threshold=warning, critical_threshold=critical, min_valid=low,
            max_valid=high, order=order))
    return metrics


def _stations(rng):
    """The stations and their series; returns [(series_id, metric spec, station index)]."""
    from ioc.core.models import Area, Unit
    from ioc.monitoring.models import Series, Station

    metrics = _metric_objects()
    communes = list(Area.objects.communes().filter(latitude__isnull=False).order_by("code"))
    owners = {"air_quality": "so-nong-nghiep-moi-truong", "water_level": "so-nong-nghiep-moi-truong",
              "rainfall": "so-nong-nghiep-moi-truong", "traffic": "so-xay-dung", "noise": "so-nong-nghiep-moi-truong"}
    units = {u.code: u for u in Unit.objects.filter(code__in=owners.values())}
    series = []
    for kind, count, specs in STATION_KINDS:
        for n in range(count):
            commune = communes[(n * 7 + len(kind)) % len(communes)]
            station, _ = Station.objects.update_or_create(
                code=f"{STATION_PREFIX}{kind.replace('_', '-')}-{n + 1:03d}",
                defaults=dict(name=f"{KIND_NAMES[kind]} {commune.short_name} {n + 1}", kind=kind,
                              latitude=round(commune.latitude + rng.uniform(-0.02, 0.02), 6),
                              longitude=round(commune.longitude + rng.uniform(-0.02, 0.02), 6),
                              area=commune, owner_unit=units[owners[kind]],
                              address=f"{commune.kind} {commune.short_name}"))
            for spec in specs:
                s, _ = Series.objects.get_or_create(station=station, metric=metrics[spec[0]])
                series.append((s.pk, spec, len(series)))
    return series


def _value(spec, t, phase, rng, state):
    """A plausible reading: yearly and daily cycles, noise, rain showers, rush hours."""
    code, base, daily, yearly, noise = spec
    local_hour = ((t + 7 * 3600) % 86400) / 3600
    year_angle = 2 * math.pi * (t / 86400 % 365.25) / 365.25
    if code == "precipitation":
        wet = 0.5 - 0.45 * math.cos(year_angle - 0.5)  # rainy summer
        if state.get("rain", 0) > 0:
            state["rain"] -= 1
            return round(rng.expovariate(1 / (4 + 14 * wet)), 1)
        if rng.random() < 0.004 * (0.3 + wet):
            state["rain"] = rng.randrange(2, 16)
        return 0.0
    if code == "intensity":
        rush = math.exp(-((local_hour - 7.5) ** 2) / 1.5) + math.exp(-((local_hour - 17.5) ** 2) / 2)
        night = 0.15 if local_hour < 5 or local_hour > 22 else 1
        return max(0.0, round(base * night * (0.6 + rush) * phase + rng.gauss(0, noise)))
    seasonal = yearly * math.cos(year_angle - (0.3 if code in ("pm25", "pm10", "no2") else 3.6))
    diurnal = daily * math.cos(2 * math.pi * (local_hour - (8 if code != "temperature" else 14)) / 24)
    value = base * phase + seasonal + diurnal + rng.gauss(0, noise)
    if code in ("pm25", "pm10") and rng.random() < 0.0005:
        value *= 2.5  # an episode above the thresholds
    return round(max(0.0, value), 2)


def build_readings(target, *, log=print):
    from ioc.monitoring import storage

    rng = random.Random(SEED)
    series = _stations(rng)
    points = max(1, target // len(series))
    end = int(time.time()) // 3600 * 3600
    start = end - points * CADENCE
    phases = {pk: rng.uniform(0.8, 1.2) for pk, _, _ in series}
    states = {pk: {} for pk, _, _ in series}
    written, started = 0, time.perf_counter()
    step = BATCH_DAYS * 86400
    for chunk_start in range(start, end, step):
        chunk_end = min(end, chunk_start + step)
        rows = [(pk, t, _value(spec, t, phases[pk], rng, states[pk]))
                for pk, spec, _ in series for t in range(chunk_start, chunk_end, CADENCE)]
        written += storage.write_readings(rows).written
        if written // 1_000_000 != (written - len(rows)) // 1_000_000:
            log(f"  {written:,} readings ({time.perf_counter() - started:.0f} s)")
    return {"readings": written, "series": len(series), "stations": sum(c for _, c, _ in STATION_KINDS),
            "first_t": start, "last_t": end - CADENCE, "readings_s": round(time.perf_counter() - started, 1)}


# (code, sector, domain, name, unit, owner, frequency, time agg., area agg., direction, target, warning,
#  critical, per commune, base value, weight indicator, public)
INDICATORS = [
    ("dan-so", "thong-ke", "cu-dan", "Dân số trung bình", "người", "van-phong-ubnd", "yearly", "last", "sum",
     "neutral", None, None, None, True, 36000, None, True),
    ("ty-le-dvc-truc-tuyen", "chinh-quyen-so", "quan-tri", "Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình", "%",
     "so-khoa-hoc-cong-nghe", "monthly", "mean", "weighted_mean", "up", 80, 70, 60, True, 72, "dan-so", True),
    ("ho-so-dung-han", "chinh-quyen-so", "quan-tri", "Tỷ lệ hồ sơ giải quyết đúng hạn", "%", "van-phong-ubnd",
     "monthly", "mean", "mean", "up", 98, 95, 90, True, 96.5, None, True),
    ("thu-ngan-sach", "tai-chinh", "kinh-te", "Thu ngân sách nhà nước", "tỷ đồng", "so-tai-chinh", "monthly",
     "sum", "sum", "up", None, None, None, True, 38, None, True),
    ("cong-suat-giuong-benh", "y-te", "cuoc-song", "Công suất sử dụng giường bệnh", "%", "so-y-te", "monthly",
     "mean", "mean", "down", 90, 95, 105, True, 84, None, False),
    ("tiem-chung-day-du", "y-te", "cuoc-song", "Tỷ lệ trẻ em tiêm chủng đầy đủ", "%", "so-y-te", "monthly",
     "mean", "weighted_mean", "up", 95, 92, 90, True, 95.5, "dan-so", True),
    ("tai-nan-giao-thong", "giao-thong", "di-chuyen", "Số vụ tai nạn giao thông", "vụ", "cong-an-tinh", "monthly",
     "sum", "sum", "down", None, 3, 5, True, 1.1, None, True),
    ("rac-thu-gom", "moi-truong", "moi-truong", "Tỷ lệ rác thải sinh hoạt được thu gom", "%",
     "so-nong-nghiep-moi-truong", "monthly", "mean", "mean", "up", 98, 95, 90, True, 96, None, True),
    ("tang-truong-grdp", "kinh-te-tong-hop", "kinh-te", "Tốc độ tăng trưởng GRDP", "%", "so-tai-chinh",
     "quarterly", "mean", "last", "up", 10, 8, 6, False, 9.5, None, True),
    ("von-fdi", "kinh-te-tong-hop", "kinh-te", "Vốn FDI đăng ký", "triệu USD", "so-tai-chinh", "quarterly",
     "sum", "sum", "up", None, None, None, False, 1100, None, True),
    ("kim-ngach-xuat-khau", "cong-thuong", "kinh-te", "Kim ngạch xuất khẩu", "triệu USD", "so-cong-thuong",
     "monthly", "sum", "sum", "up", None, None, None, False, 5200, None, True),
    ("chi-so-gia-cpi", "cong-thuong", "kinh-te", "Chỉ số giá tiêu dùng (CPI) so với cùng kỳ", "%",
     "so-tai-chinh", "monthly", "last", "last", "down", 4, 4.5, 6, False, 3.4, None, True),
    ("ty-le-that-nghiep", "lao-dong", "cu-dan", "Tỷ lệ thất nghiệp", "%", "so-noi-vu", "quarterly", "mean",
     "last", "down", 2, 2.5, 3, False, 1.9, None, True),
    ("hoc-sinh-ra-lop", "giao-duc", "cu-dan", "Tỷ lệ trẻ 6 tuổi vào lớp 1", "%", "so-giao-duc-dao-tao", "yearly",
     "last", "mean", "up", 100, 99, 97, True, 99.7, None, True),
]

SECTORS = {  # code: (name, domain)
    "thong-ke": ("Thống kê dân số", "cu-dan"), "chinh-quyen-so": ("Chính quyền số", "quan-tri"),
    "tai-chinh": ("Tài chính, ngân sách", "kinh-te"), "y-te": ("Y tế", "cuoc-song"),
    "giao-thong": ("Giao thông", "di-chuyen"), "moi-truong": ("Môi trường", "moi-truong"),
    "kinh-te-tong-hop": ("Kinh tế tổng hợp", "kinh-te"), "cong-thuong": ("Công thương", "kinh-te"),
    "lao-dong": ("Lao động, việc làm", "cu-dan"), "giao-duc": ("Giáo dục", "cu-dan"),
    "quan-trac": ("Quan trắc tự động", "moi-truong"),
}
DOMAINS = [("kinh-te", "Kinh tế thông minh", "Smart economy"), ("cu-dan", "Cư dân thông minh", "Smart people"),
           ("quan-tri", "Quản trị thông minh", "Smart governance"),
           ("di-chuyen", "Di chuyển thông minh", "Smart mobility"),
           ("moi-truong", "Môi trường thông minh", "Smart environment"),
           ("cuoc-song", "Cuộc sống thông minh", "Smart living")]
REALTIME = [("aqi-pm25", "Nồng độ bụi mịn PM2.5 trung bình", "pm25", "so-nong-nghiep-moi-truong"),
            ("muc-nuoc-song", "Mực nước sông cao nhất", "waterLevel", "so-nong-nghiep-moi-truong"),
            ("luu-luong-giao-thong", "Lưu lượng xe qua các điểm đếm", "intensity", "so-xay-dung"),
            ("do-on-do-thi", "Độ ồn đô thị", "noiseLevel", "so-nong-nghiep-moi-truong")]
YEARS = 5


def _periods(frequency, years, today):
    first = date(today.year - years + 1, 1, 1)
    months = {"monthly": 1, "quarterly": 3, "yearly": 12}[frequency]
    period = first
    while period <= today.replace(day=1):
        yield period
        month = period.month - 1 + months
        period = date(period.year + month // 12, month % 12 + 1, 1)


def build_indicators(*, log=print):
    """Domains, sectors, indicators and five years of observations; returns figures."""
    from ioc.core.models import Area, Unit
    from ioc.monitoring import observations
    from ioc.monitoring.models import Domain, Indicator, Sector

    rng = random.Random(SEED + 1)
    started = time.perf_counter()
    domains = {}
    for order, (code, name, name_en) in enumerate(DOMAINS):
        domains[code], _ = Domain.objects.update_or_create(code=code, defaults=dict(name=name, name_en=name_en,
                                                                                    order=order))
    sectors = {}
    for order, (code, (name, domain)) in enumerate(SECTORS.items()):
        sectors[code], _ = Sector.objects.update_or_create(code=code, defaults=dict(
            name=name, domain=domains[domain], order=order))
    units = {u.code: u for u in Unit.objects.all()}
    metrics = _metric_objects()
    indicators = {}
    for order, (code, sector, _, name, unit, owner, frequency, time_agg, area_agg, direction, target, warning,
                critical, per_commune, base, weight, public) in enumerate(INDICATORS):
        indicators[code], _ = Indicator.objects.update_or_create(code=code, defaults=dict(
            name=name, sector=sectors[sector], unit_of_measure=unit, owner_unit=units[owner], frequency=frequency,
            time_aggregation=time_agg, area_aggregation=area_agg, direction=direction, target=target,
            warning_threshold=warning, critical_threshold=critical, is_public=public, order=order,
            weight_indicator=indicators.get(weight)))
    for order, (code, name, metric, owner) in enumerate(REALTIME):
        m = metrics[metric]
        Indicator.objects.update_or_create(code=code, defaults=dict(
            name=name, sector=sectors["quan-trac"], unit_of_measure=m.unit_of_measure, owner_unit=units[owner],
            frequency="realtime", time_aggregation=m.time_aggregation, area_aggregation="mean",
            direction=m.direction, warning_threshold=m.warning_threshold, critical_threshold=m.critical_threshold,
            metric=m, is_public=True, order=100 + order))
    communes = list(Area.objects.communes().order_by("code"))
    province = Area.objects.get(level="province", is_current=True)
    today = date.today()
    total = 0
    for spec in INDICATORS:
        code, frequency, per_commune, base = spec[0], spec[6], spec[13], spec[14]
        indicator = indicators[code]
        areas = communes if per_commune else [province]
        scale = {c.pk: rng.uniform(0.6, 1.4) for c in areas}
        rows = []
        for n, period in enumerate(_periods(frequency, YEARS, today)):
            trend = 1 + 0.01 * n if indicator.unit_of_measure != "%" else 1
            season = 1 + 0.08 * math.sin(2 * math.pi * period.month / 12)
            for area in areas:
                value = base * trend * season * (scale[area.pk] if indicator.unit_of_measure != "%" else 1)
                if indicator.unit_of_measure == "%":
                    value = min(100.0, value + rng.gauss(0, 1.5))
                else:
                    value *= rng.uniform(0.9, 1.1)
                rows.append((indicator.pk, area.pk, period, round(value, 2), None, ""))
        total += observations.record_observations(rows).written
    log(f"  {total:,} observations ({time.perf_counter() - started:.0f} s)")
    return {"observations": total, "indicators": len(INDICATORS) + len(REALTIME),
            "observations_s": round(time.perf_counter() - started, 1)}


def _reset_database():
    from django.conf import settings
    from django.db import connection

    connection.close()
    if connection.vendor == "postgresql":
        import psycopg

        name = settings.DATABASES["default"]["NAME"]
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            pg.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def build_here(target=TARGET_READINGS, *, log=print):
    """In a process set up with django_env(): build the dataset unless a complete one of this size exists.
    Returns its figures (the marker file's content)."""
    from bench.common import setup_django

    setup_django()
    from django.db import connection

    marker = Path(os.environ["IOC_DATA_DIR"]) / MARKER
    built = json.loads(marker.read_text()) if marker.exists() else {}
    if built.get("target") == target:
        prepare_database()
        return built
    log(f"building the monitoring dataset: {target:,} readings on {connection.vendor}…")
    marker.unlink(missing_ok=True)
    Path(os.environ["IOC_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        _ensure_pg_database()
    _reset_database()  # a partial dataset cannot be trusted
    prepare_database()
    started = time.perf_counter()
    built = {"target": target, "vendor": connection.vendor}
    built.update(build_readings(target, log=log))
    built.update(build_indicators(log=log))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    built["build_s"] = round(time.perf_counter() - started, 1)
    marker.write_text(json.dumps(built))
    return built


def ensure_dataset(vendor, target=TARGET_READINGS):
    """Build the dataset of `vendor` ("sqlite" or "postgresql") in a subprocess unless it exists; return
    {"vendor", "env", "database", **figures}. Raises RuntimeError when the build fails."""
    env = django_env(vendor)
    env["IOC_BENCH_READINGS"] = str(target)
    marker = Path(env["IOC_DATA_DIR"]) / MARKER
    built = json.loads(marker.read_text()) if marker.exists() else {}
    if built.get("target") != target:
        completed = subprocess.run([sys.executable, "-m", "bench.monitoring_dataset", "--here"], cwd=ROOT,
                                   env=env, timeout=6 * 3600)
        if completed.returncode != 0 or not marker.exists():
            raise RuntimeError(f"building the {vendor} monitoring dataset failed (exit {completed.returncode})")
        built = json.loads(marker.read_text())
    database = env.get("DATABASE_URL") or str(Path(env["IOC_DATA_DIR"]) / "ioc.sqlite3")
    return {"vendor": vendor, "env": env, "database": database, **built}


if __name__ == "__main__":
    if sys.argv[1:] == ["--here"]:
        print(json.dumps(build_here(TARGET_READINGS, log=lambda m: print(m, flush=True))))
    else:
        vendors = sys.argv[1:] or ["all"]
        if vendors == ["all"]:
            vendors = ["sqlite"] + (["postgresql"] if postgres_answers() else [])
        for vendor in vendors:
            info = ensure_dataset(vendor)
            print(vendor, {k: v for k, v in info.items() if k != "env"})
