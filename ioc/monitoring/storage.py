"""Sensor readings storage: bulk upsert of raw readings and the rollups kept beside them.

`write_readings` is the one way readings enter the database (push API, files, NGSI-LD, MQTT, pulls, demo):

1. the rows of a batch are checked for type, de-duplicated (the last value of a (series, t) wins) and written
   into `monitoring_reading`: readings after their series' latest one (sensors reporting in order) by a plain
   COPY (PostgreSQL) or executemany (SQLite), the others (late data, corrections) upserted: COPY into a
   temporary table and INSERT … SELECT … ON CONFLICT on PostgreSQL, executemany of INSERT … ON CONFLICT on
   SQLite;
2. the rollups follow. A series whose readings in the batch all come after its latest stored one (sensors
   reporting in order: the usual case, and all of a wide NGSI-LD or MQTT batch of one reading per series) has
   its hour, day and month rollups grown by the batch's figures (count, sum, min, max, last), set-based from
   a temporary table, and the rollups of its commune and of the province grown by the deltas of the batch
   summed per (area, metric, bucket) (`stations` + 1 for each series new to the bucket). For every other
   series (late data, corrections) each touched hour, day and month is rebuilt from what is stored: hours
   from the raw readings, days from the hours, months from the days, and the area rollups of those buckets
   (each commune, and the province) from the series rollups. Late and corrected readings therefore give the
   same rollups as a computation from scratch. A batch costs a handful of statements whatever its size. On
   PostgreSQL, writers of one metric take turns (advisory lock) from the area rollups to the commit;
3. `Series.last_t/last_value`, `Station.last_seen_at` and the source's `last_received_at` are updated and
   `signals.readings_written` is sent, inside the same transaction.

Raw readings older than `settings.IOC_READINGS_RETENTION_DAYS` are deleted nightly (`purge_old_readings`); the
rollups stay. Readings older than that horizon are not written: their hour may already have lost its raw
readings, and rebuilding it from what is left would corrupt a rollup that is final.
"""

import math
import struct
import weakref
from array import array
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ioc.core.models import Area, AreaLevel

from . import signals
from .models import VN_OFFSET, DataSource, Grain, Metric, Reading, Series, Station, bucket_start

HOUR, DAY = 3600, 86400
LATEST_EPOCH = 253402300800  # 10000-01-01: beyond it datetime (and month buckets) cannot follow
_IN_CHUNK = 900  # ids per IN (...) list
_AREA_LOCK = 0x10C4  # PostgreSQL advisory lock class of the area rollups (the second key is the metric id)


class WriteResult(NamedTuple):
    received: int  # rows given
    written: int  # distinct (series, t) rows inserted or whose value changed


# --- Retention ----------------------------------------------------------------------------------------


def readings_cutoff(now=None):
    """Epoch second before which raw readings are not kept (aligned to an hour, so an hour is always whole
    or gone), or None when retention is off (IOC_READINGS_RETENTION_DAYS ≤ 0)."""
    days = settings.IOC_READINGS_RETENTION_DAYS
    if not days or days <= 0:
        return None
    t = int((now or timezone.now()).timestamp()) - days * DAY
    return t - t % HOUR


def purge_old_readings(*, now=None, window_days=7):
    """Delete raw readings older than the retention horizon, series by series and `window_days` at a time,
    each chunk in its own transaction so the database is never locked for long. Returns rows deleted."""
    cutoff = readings_cutoff(now)
    if cutoff is None:
        return 0
    table = Reading._meta.db_table
    deleted = 0
    for series_id in Series.objects.order_by("pk").values_list("pk", flat=True):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MIN(t) FROM {table} WHERE series_id = %s", [series_id])
            oldest = cursor.fetchone()[0]
        while oldest is not None and oldest < cutoff:
            upto = min(cutoff, oldest + window_days * DAY)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE series_id = %s AND t < %s", [series_id, upto])
                deleted += cursor.rowcount
            oldest = upto
    return deleted


# --- Series lookup -----------------------------------------------------------------------------------


def _chunks(items, size=_IN_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def in_list(sql, values):
    """(statement, parameters) pairs that run `sql` + " IN (values)" over many values: one array parameter on
    PostgreSQL (a thousand placeholders cost its driver more than the query), chunks of placeholders on
    SQLite."""
    values = list(values)
    if connection.vendor == "postgresql":
        yield f"{sql} = ANY(%s)", [values]
        return
    for chunk in _chunks(values):
        yield f"{sql} IN ({', '.join(['%s'] * len(chunk))})", chunk


def series_ids_for(pairs):
    """{(station_code, metric_code): series_id} for the pairs whose station and metric exist, creating the
    missing Series rows. Pairs naming an unknown station or metric are left out: callers report them."""
    pairs = set(pairs)
    if not pairs:
        return {}
    stations, metrics = {}, {}
    for chunk in _chunks({station for station, _ in pairs}):
        stations.update(Station.objects.filter(code__in=chunk).values_list("code", "pk"))
    for chunk in _chunks({metric for _, metric in pairs}):
        metrics.update(Metric.objects.filter(code__in=chunk).values_list("code", "pk"))
    wanted = {(stations[s], metrics[m]): (s, m) for s, m in pairs if s in stations and m in metrics}
    return {wanted[key]: series_id for key, series_id in series_ids_by_keys(wanted).items()}


def series_ids_by_keys(keys):
    """{(station_id, metric_id): series_id} for existing stations and metrics, creating the missing Series
    rows."""
    keys = set(keys)
    if not keys:
        return {}
    table = Series._meta.db_table

    def existing():
        found = {}
        with connection.cursor() as cursor:
            for sql, params in in_list(f"SELECT station_id, metric_id, id FROM {table} WHERE station_id",
                                       {station_id for station_id, _ in keys}):
                cursor.execute(sql, params)
                found.update(((station_id, metric_id), pk) for station_id, metric_id, pk in cursor.fetchall())
        return {key: pk for key, pk in found.items() if key in keys}

    found = existing()
    if len(found) < len(keys):
        missing = [Series(station_id=st, metric_id=me) for st, me in keys if (st, me) not in found]
        Series.objects.bulk_create(missing, ignore_conflicts=True, batch_size=1000)  # a racing writer is fine
        found = existing()
    return found


# --- Writing readings ----------------------------------------------------------------------------------


def _columns(rows):
    """De-duplicated rows as three arrays sorted by (series, t): typed, finite, in range."""
    if not isinstance(rows, (list, tuple)):
        rows = list(rows)
    try:
        latest = {(series_id, t): value for series_id, t, value in rows}
    except (TypeError, ValueError) as error:
        raise ValueError(f"Mỗi dòng giá trị đo phải gồm (mã chuỗi, thời điểm, giá trị): {error}") from None
    keys = sorted(latest)  # sorted input fills the B-trees in order: measurably faster on both databases
    try:
        series_ids = array("q", [k[0] for k in keys])
        times = array("q", [k[1] for k in keys])
        values = array("d", [latest[k] for k in keys])
    except (TypeError, OverflowError) as error:
        raise ValueError(f"Mã chuỗi và thời điểm phải là số nguyên, giá trị phải là số: {error}") from None
    if values:
        try:
            finite = math.isfinite(math.fsum(values))
        except OverflowError:
            finite = False
        if not finite:
            bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
            if bad is not None:
                raise ValueError(f"Giá trị không hợp lệ ({values[bad]}) tại chuỗi {series_ids[bad]}, "
                                 f"thời điểm {times[bad]}.")
        if min(times) < 0 or max(times) >= LATEST_EPOCH:
            raise ValueError("Thời điểm đo nằm ngoài khoảng cho phép.")
    return len(rows), series_ids, times, values


_month_cache = {}


def _month_of_day(day):
    """(start, end) of the Vietnamese month holding the Vietnamese day starting at `day`."""
    span = _month_cache.get(day)
    if span is None:
        start = bucket_start(day, Grain.MONTH)
        span = _month_cache[day] = (start, bucket_start(start + 32 * DAY, Grain.MONTH))
    return span


def _area_mapping(series_ids):
    """(series_id, area_id, metric_id) rows placing every series of the touched metrics in its commune and in
    the province (see `_area_placer`)."""
    metric_ids = set()
    for chunk in _chunks(set(series_ids)):
        metric_ids.update(Series.objects.filter(pk__in=chunk).values_list("metric_id", flat=True))
    area_of = _area_placer()
    rows = []
    for pk, metric_id, area_id, level, parent_id in Series.objects.filter(metric_id__in=metric_ids).values_list(
            "pk", "metric_id", "station__area_id", "station__area__level", "station__area__parent_id"):
        rows += [(pk, area, metric_id) for area in area_of(area_id, level, parent_id)]
    return rows


# The temporary tables of one write (one set per database connection, emptied at each write).
_TEMP_TABLES = {
    "_ioc_readings_in": "series_id bigint NOT NULL, t bigint NOT NULL, value double precision NOT NULL",
    "_ioc_keys": "series_id bigint NOT NULL, grain varchar(1) NOT NULL, bucket bigint NOT NULL, "
                 "bucket_end bigint NOT NULL",
    "_ioc_series_area": "series_id bigint NOT NULL, area_id bigint NOT NULL, metric_id bigint NOT NULL",
    "_ioc_area_keys": "area_id bigint NOT NULL, metric_id bigint NOT NULL, grain varchar(1) NOT NULL, "
                      "bucket bigint NOT NULL",
    "_ioc_latest": "series_id bigint NOT NULL, t bigint NOT NULL, value double precision NOT NULL",
    "_ioc_grown": "series_id bigint NOT NULL, grain varchar(1) NOT NULL, bucket bigint NOT NULL, "
                  '"count" integer NOT NULL, "sum" double precision NOT NULL, "min" double precision NOT NULL, '
                  '"max" double precision NOT NULL, last_t bigint NOT NULL, last_value double precision NOT NULL, '
                  "prev_t bigint NOT NULL",
    "_ioc_area_deltas": "area_id bigint NOT NULL, metric_id bigint NOT NULL, grain varchar(1) NOT NULL, "
                        'bucket bigint NOT NULL, "count" integer NOT NULL, "sum" double precision NOT NULL, '
                        '"min" double precision NOT NULL, "max" double precision NOT NULL, stations integer NOT NULL',
    "_ioc_months": "day bigint NOT NULL, month bigint NOT NULL",
    "_ioc_wide": "series_id bigint NOT NULL, t bigint NOT NULL, value double precision NOT NULL, prev_t bigint, "
                 "hour bigint NOT NULL, day bigint NOT NULL, month bigint NOT NULL, metric_id bigint NOT NULL, "
                 "station_id bigint NOT NULL",
}
_TEMP_INDEXES = [
    "CREATE INDEX IF NOT EXISTS _ioc_series_area_series ON _ioc_series_area (series_id)",
    "CREATE INDEX IF NOT EXISTS _ioc_series_area_group ON _ioc_series_area (area_id, metric_id)",
]

_ROLLUP_COLUMNS = 'series_id, grain, bucket, "count", "sum", "min", "max", last_t, last_value'
_ROLLUP_SET = ('"count" = excluded."count", "sum" = excluded."sum", "min" = excluded."min", '
               '"max" = excluded."max"')

# Hours from raw readings, days from hours, months from days. The last value is looked up by primary key at
# the latest time of the group (no per-group sort). PostgreSQL gets a LATERAL join, which keeps it on the
# primary-key index for each key: with a plain join its planner may hash the whole rollup table (measured:
# 520 ms instead of 6 ms for 400 day keys beside 2.5 million rollups). SQLite loops over the keys anyway.
_SOURCES = {  # grain: (table, value column, last value column, time column, finer grain or None, its span)
    "h": ("monitoring_reading", "value", "value", "t", None, 0),
    "d": ("monitoring_seriesrollup", None, "last_value", "bucket", "h", HOUR),
    "m": ("monitoring_seriesrollup", None, "last_value", "bucket", "d", DAY),
}


def _series_rollup_sql(grain, *, lateral):
    table, value, last_value, time_column, finer, finer_span = _SOURCES[grain]
    if value:  # from raw readings
        aggregates = (f'COUNT(*) AS n, SUM(r.{value}) AS total, MIN(r.{value}) AS low, MAX(r.{value}) AS high, '
                      f'MAX(r.t) AS last_t')
        last = f"(SELECT r.{last_value} FROM {table} r WHERE r.series_id = g.series_id AND r.t = g.last_t)"
        finer_filter = ""
    else:  # from the finer rollups
        aggregates = ('SUM(r."count") AS n, SUM(r."sum") AS total, MIN(r."min") AS low, MAX(r."max") AS high, '
                      'MAX(r.last_t) AS last_t')
        last = (f"(SELECT r.{last_value} FROM {table} r WHERE r.series_id = g.series_id AND r.grain = '{finer}' "
                f"AND r.bucket <= g.last_t AND r.bucket > g.last_t - {finer_span})")
        finer_filter = f" AND r.grain = '{finer}'"
    match = (f"r.series_id = k.series_id{finer_filter} AND r.{time_column} >= k.bucket "
             f"AND r.{time_column} < k.bucket_end")
    if lateral:
        groups = (f"(SELECT k.series_id AS series_id, k.bucket AS bucket, a.n, a.total, a.low, a.high, a.last_t "
                  f"FROM _ioc_keys k CROSS JOIN LATERAL (SELECT {aggregates} FROM {table} r WHERE {match}) a "
                  f"WHERE k.grain = '{grain}' AND a.n > 0) g")
    else:
        groups = (f"(SELECT k.series_id AS series_id, k.bucket AS bucket, {aggregates} "
                  f"FROM _ioc_keys k JOIN {table} r ON {match} WHERE k.grain = '{grain}' "
                  f"GROUP BY k.series_id, k.bucket) g")
    return f"""
INSERT INTO monitoring_seriesrollup (series_id, grain, bucket, "count", "sum", "min", "max", last_t, last_value)
SELECT g.series_id, '{grain}', g.bucket, g.n, g.total, g.low, g.high, g.last_t, {last}
FROM {groups}
WHERE true
ON CONFLICT (series_id, grain, bucket) DO UPDATE SET {_ROLLUP_SET},
    last_t = excluded.last_t, last_value = excluded.last_value
"""


_SERIES_ROLLUP_SQL = {(grain, lateral): _series_rollup_sql(grain, lateral=lateral)
                      for grain in _SOURCES for lateral in (False, True)}

_AREA_KEYS_SQL = """
INSERT INTO _ioc_area_keys (area_id, metric_id, grain, bucket)
SELECT DISTINCT m.area_id, m.metric_id, k.grain, k.bucket
FROM _ioc_keys k JOIN _ioc_series_area m ON m.series_id = k.series_id
"""

_AREAS_SQL = f"""
INSERT INTO monitoring_arearollup (area_id, metric_id, grain, bucket, "count", "sum", "min", "max", stations)
SELECT a.area_id, a.metric_id, a.grain, a.bucket, SUM(r."count"), SUM(r."sum"), MIN(r."min"), MAX(r."max"),
       COUNT(*)
FROM _ioc_area_keys a
JOIN _ioc_series_area m ON m.area_id = a.area_id AND m.metric_id = a.metric_id
JOIN monitoring_seriesrollup r ON r.series_id = m.series_id AND r.grain = a.grain AND r.bucket = a.bucket
WHERE true
GROUP BY a.area_id, a.metric_id, a.grain, a.bucket
ON CONFLICT (area_id, metric_id, grain, bucket) DO UPDATE SET {_ROLLUP_SET}, stations = excluded.stations
"""

_UPSERT_READINGS_SQLITE = (
    "INSERT INTO monitoring_reading (series_id, t, value) VALUES (?, ?, ?) "
    "ON CONFLICT (series_id, t) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value"
)
_UPSERT_READINGS_PG = (
    "INSERT INTO monitoring_reading (series_id, t, value) SELECT series_id, t, value FROM _ioc_readings_in "
    "ON CONFLICT (series_id, t) DO UPDATE SET value = excluded.value "
    "WHERE monitoring_reading.value IS DISTINCT FROM excluded.value"
)

# In-order readings: the rollups of the buckets that already held readings grow by the batch's figures. The
# guard (the stored rollup ends at the series' previous latest reading) makes a rollup that does not match
# Series.last_t count as not updated: the caller then takes the general path for the whole batch.
_GROW_SERIES_SQL = """
UPDATE monitoring_seriesrollup SET "count" = monitoring_seriesrollup."count" + g."count",
    "sum" = monitoring_seriesrollup."sum" + g."sum", "min" = {least}(monitoring_seriesrollup."min", g."min"),
    "max" = {greatest}(monitoring_seriesrollup."max", g."max"), last_t = g.last_t, last_value = g.last_value
FROM _ioc_grown g
WHERE monitoring_seriesrollup.series_id = g.series_id AND monitoring_seriesrollup.grain = g.grain
    AND monitoring_seriesrollup.bucket = g.bucket AND monitoring_seriesrollup.last_t = g.prev_t
"""

# …and the area rollups by the deltas of the batch (the buckets rebuilt from the series rollups excepted).
_GROW_AREAS_SQL = """
INSERT INTO monitoring_arearollup (area_id, metric_id, grain, bucket, "count", "sum", "min", "max", stations)
SELECT d.area_id, d.metric_id, d.grain, d.bucket, d."count", d."sum", d."min", d."max", d.stations
FROM _ioc_area_deltas d
WHERE NOT EXISTS (SELECT 1 FROM _ioc_area_keys k WHERE k.area_id = d.area_id AND k.metric_id = d.metric_id
                  AND k.grain = d.grain AND k.bucket = d.bucket)
ON CONFLICT (area_id, metric_id, grain, bucket) DO UPDATE SET
    "count" = monitoring_arearollup."count" + excluded."count", "sum" = monitoring_arearollup."sum" + excluded."sum",
    "min" = {least}(monitoring_arearollup."min", excluded."min"),
    "max" = {greatest}(monitoring_arearollup."max", excluded."max"),
    stations = monitoring_arearollup.stations + excluded.stations
"""

# Wide batches (one reading per series, each after its series' latest one: NGSI-LD, MQTT) are written from
# the temporary tables by the statements below, so no row of the batch goes through Python again. _ioc_wide
# holds each reading with its hour, Vietnamese day and Vietnamese month (looked up in _ioc_months) and its
# series' previous latest reading (monitoring_series is updated last, by _UPDATE_LATEST_SQL); on PostgreSQL
# the series are locked in order, as `series_info` locks them.
_WIDE_FILL_SQL = f"""
{{locked}}
INSERT INTO _ioc_wide (series_id, t, value, prev_t, hour, day, month, metric_id, station_id)
SELECT l.series_id, l.t, l.value, s.last_t, l.t - l.t % {HOUR}, l.t - (l.t + {VN_OFFSET}) % {DAY},
       (SELECT mo.month FROM _ioc_months mo WHERE mo.day = l.t - (l.t + {VN_OFFSET}) % {DAY}), s.metric_id,
       s.station_id
FROM _ioc_latest l JOIN {{series}} s ON s.id = l.series_id
"""
_WIDE_LOCKED_PG = """WITH locked AS MATERIALIZED (
    SELECT s.id, s.last_t, s.metric_id, s.station_id FROM monitoring_series s
    WHERE s.id IN (SELECT series_id FROM _ioc_latest) ORDER BY s.id FOR UPDATE OF s)"""

# The batch summed per (metric, station area, hour, day, month), with how many of its readings come after
# their series' latest one and how many are new to their hour, day and month: whether the batch is in order,
# and the deltas of the area rollups.
_WIDE_PLAN_SQL = """
SELECT w.metric_id, st.area_id, a.level, a.parent_id, w.hour, w.day, w.month, COUNT(*),
       SUM(CASE WHEN w.prev_t IS NULL OR w.prev_t < w.t THEN 1 ELSE 0 END),
       SUM(w.value), MIN(w.value), MAX(w.value),
       SUM(CASE WHEN w.prev_t IS NULL OR w.prev_t < w.hour THEN 1 ELSE 0 END),
       SUM(CASE WHEN w.prev_t IS NULL OR w.prev_t < w.day THEN 1 ELSE 0 END),
       SUM(CASE WHEN w.prev_t IS NULL OR w.prev_t < w.month THEN 1 ELSE 0 END)
FROM _ioc_wide w JOIN monitoring_station st ON st.id = w.station_id LEFT JOIN {area} a ON a.id = st.area_id
GROUP BY w.metric_id, st.area_id, a.level, a.parent_id, w.hour, w.day, w.month
"""
_WIDE_READINGS_SQL = "INSERT INTO monitoring_reading (series_id, t, value) SELECT series_id, t, value FROM _ioc_latest"
# Rollups of buckets new to their series (IntegrityError if one exists after all)…
_WIDE_NEW_SQL = f"""
INSERT INTO monitoring_seriesrollup ({_ROLLUP_COLUMNS})
SELECT series_id, 'h', hour, 1, value, value, value, t, value FROM _ioc_wide WHERE prev_t IS NULL OR prev_t < hour
UNION ALL
SELECT series_id, 'd', day, 1, value, value, value, t, value FROM _ioc_wide WHERE prev_t IS NULL OR prev_t < day
UNION ALL
SELECT series_id, 'm', month, 1, value, value, value, t, value FROM _ioc_wide WHERE prev_t IS NULL OR prev_t < month
"""
# …and the others grown, when they end at the series' previous latest reading (the caller counts the rows).
# One statement per grain: measured faster than one over the three (no subquery to scan) on both databases.
_WIDE_GROWN_SQL = [f"""
UPDATE monitoring_seriesrollup SET "count" = monitoring_seriesrollup."count" + 1,
    "sum" = monitoring_seriesrollup."sum" + w.value, "min" = {{least}}(monitoring_seriesrollup."min", w.value),
    "max" = {{greatest}}(monitoring_seriesrollup."max", w.value), last_t = w.t, last_value = w.value
FROM _ioc_wide w
WHERE w.prev_t >= w.{bucket} AND monitoring_seriesrollup.series_id = w.series_id
    AND monitoring_seriesrollup.grain = '{grain}' AND monitoring_seriesrollup.bucket = w.{bucket}
    AND monitoring_seriesrollup.last_t = w.prev_t
""" for grain, bucket in (("h", "hour"), ("d", "day"), ("m", "month"))]

_SERIES_INFO_SQL = """
SELECT s.id, s.last_t, s.metric_id, st.area_id, a.level, a.parent_id
FROM monitoring_series s JOIN monitoring_station st ON st.id = s.station_id
LEFT JOIN {area} a ON a.id = st.area_id
WHERE s.id IN (SELECT series_id FROM _ioc_latest)
ORDER BY s.id{lock}
"""

_UPDATE_LATEST_SQL = """
UPDATE monitoring_series SET last_t = l.t, last_value = l.value FROM _ioc_latest l
WHERE monitoring_series.id = l.series_id AND (monitoring_series.last_t IS NULL OR monitoring_series.last_t <= l.t)
"""

_STATIONS_SEEN_SQL = """
UPDATE monitoring_station SET last_seen_at = %s
WHERE id IN (SELECT s.station_id FROM monitoring_series s JOIN _ioc_latest l ON l.series_id = s.id)
"""


class _Stale(Exception):
    """Series.last_t is behind the stored readings: no shortcut for this batch."""


_READING_ROW = struct.Struct(">hiqiqid")  # binary COPY: 3 fields (series_id int8, t int8, value float8)
_ROLLUP_ROW = struct.Struct(">h" + "iq" + "i1s" + "iq" + "ii" + "id" * 3 + "iq" + "id")  # _ROLLUP_COLUMNS
_GROWN_ROW = struct.Struct(_ROLLUP_ROW.format + "iq")  # _ROLLUP_COLUMNS, prev_t
_GRAIN_BYTES = {"h": b"h", "d": b"d", "m": b"m"}
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_COPY_TRAILER = struct.pack(">h", -1)


_TEMP_READY = weakref.WeakSet()  # PostgreSQL connections whose temporary tables were committed


class _Writer:
    """Vendor-specific plumbing: the temporary tables and how rows reach the database."""

    def __init__(self, cursor, *, outermost):
        self.cursor = cursor  # Django's cursor wrapper
        self.raw = cursor.cursor  # the driver's cursor (executemany / COPY without per-row overhead)
        self.postgresql = connection.vendor == "postgresql"
        if self.postgresql:
            raw_connection = connection.connection
            if outermost and raw_connection in _TEMP_READY:
                return  # created by a committed transaction, and emptied at every commit and rollback since
            for name, columns in _TEMP_TABLES.items():
                cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DELETE ROWS")
            cursor.execute("TRUNCATE " + ", ".join(_TEMP_TABLES))
            transaction.on_commit(lambda: _TEMP_READY.add(raw_connection))
        else:
            for name, columns in _TEMP_TABLES.items():
                if name != "_ioc_readings_in":
                    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
                    cursor.execute(f"DELETE FROM {name}")
        for sql in _TEMP_INDEXES:
            cursor.execute(sql)

    def series_info(self):
        """{series_id: (last_t, metric_id, area_id, area level, area parent)} of the series in _ioc_latest,
        locked against concurrent writers (PostgreSQL; SQLite serializes writers already)."""
        lock = " FOR UPDATE OF s" if self.postgresql else ""
        self.cursor.execute(_SERIES_INFO_SQL.format(area=Area._meta.db_table, lock=lock))
        return {row[0]: row[1:] for row in self.cursor.fetchall()}

    def wide_plan(self, times):
        """For a batch of one reading per series (in _ioc_latest): fills _ioc_wide and returns the batch's
        figures per (metric, station area, grain, bucket) (see `_WIDE_PLAN_SQL`) when every series exists and
        each reading comes after its series' latest one; else None."""
        self.fill("_ioc_months", ("day", "month"), ("int8", "int8"), _months(times))
        if self.postgresql:
            # Short statements over temporary tables without statistics: a wrong row estimate must not make
            # PostgreSQL compile them (measured: 835 ms of JIT for a 25 ms query). Bulk batches keep JIT.
            self.cursor.execute("SET LOCAL jit = off")
            self.cursor.execute(_WIDE_FILL_SQL.format(locked=_WIDE_LOCKED_PG, series="locked"))
        else:
            self.cursor.execute(_WIDE_FILL_SQL.format(locked="", series="monitoring_series"))
        if self.cursor.rowcount != len(times):
            return None  # unknown series
        self.cursor.execute(_WIDE_PLAN_SQL.format(area=Area._meta.db_table))
        groups = self.cursor.fetchall()
        if sum(g[8] for g in groups) != len(times):
            return None
        return groups

    def write_wide(self, readings):
        """The readings and series rollups of a wide batch; IntegrityError or _Stale when Series.last_t was
        behind what is stored."""
        self.cursor.execute(_WIDE_READINGS_SQL)
        self.cursor.execute(_WIDE_NEW_SQL)
        inserted, total = self.cursor.rowcount, 3 * readings
        grown = 0
        if inserted < total:
            for sql in _WIDE_GROWN_SQL:
                self.cursor.execute(sql.format(**self.functions))
                grown += self.cursor.rowcount
        if inserted + grown != total:
            raise _Stale

    def fill(self, table, columns, types, rows):
        if self.postgresql:
            with self.raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def fill_readings(self, table, readings):
        """(series_id, t, value) rows into a table with these three columns."""
        if self.postgresql:
            pack = _READING_ROW.pack
            payload = b"".join([pack(3, 8, s, 8, t, 8, v) for s, t, v in readings])
            with self.raw.copy(f"COPY {table} (series_id, t, value) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(_COPY_HEADER + payload + _COPY_TRAILER)
        else:
            self.raw.executemany(f"INSERT INTO {table} (series_id, t, value) VALUES (?, ?, ?)", readings)

    def insert_new(self, readings, rollups):
        """Plain inserts of readings after their series' latest one and of the rollups of buckets that had no
        reading before (IntegrityError if either existed after all)."""
        self.fill_readings("monitoring_reading", readings)
        if self.postgresql:
            if rollups:
                pack, grains = _ROLLUP_ROW.pack, _GRAIN_BYTES
                payload = b"".join([pack(9, 8, s, 1, grains[g], 8, b, 4, n, 8, total, 8, low, 8, high, 8, lt, 8, lv)
                                    for s, g, b, n, total, low, high, lt, lv in rollups])
                with self.raw.copy(f"COPY monitoring_seriesrollup ({_ROLLUP_COLUMNS}) FROM STDIN (FORMAT BINARY)"
                                   ) as copy:
                    copy.write(_COPY_HEADER + payload + _COPY_TRAILER)
        else:
            self.raw.executemany(f"INSERT INTO monitoring_seriesrollup ({_ROLLUP_COLUMNS}) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rollups)

    def grow_series(self, grown):
        """Add the batch's figures to the rollups of buckets that held readings already; _Stale unless every
        one of them ended at the series' previous latest reading."""
        if not grown:
            return
        if self.postgresql:
            pack, grains = _GROWN_ROW.pack, _GRAIN_BYTES
            payload = b"".join([pack(10, 8, s, 1, grains[g], 8, b, 4, n, 8, total, 8, low, 8, high, 8, lt, 8, lv,
                                     8, p) for s, g, b, n, total, low, high, lt, lv, p in grown])
            with self.raw.copy(f"COPY _ioc_grown ({_ROLLUP_COLUMNS}, prev_t) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(_COPY_HEADER + payload + _COPY_TRAILER)
        else:
            self.raw.executemany(f"INSERT INTO _ioc_grown ({_ROLLUP_COLUMNS}, prev_t) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", grown)
        self.cursor.execute(_GROW_SERIES_SQL.format(**self.functions))
        if self.cursor.rowcount != len(grown):
            raise _Stale

    def grow_areas(self, deltas):
        if not deltas:
            return
        self.fill("_ioc_area_deltas", ("area_id", "metric_id", "grain", "bucket", '"count"', '"sum"', '"min"',
                                       '"max"', "stations"),
                  ("int8", "int8", "text", "int8", "int4", "float8", "float8", "float8", "int4"), deltas)
        self.cursor.execute(_GROW_AREAS_SQL.format(**self.functions))

    @property
    def functions(self):
        return {"least": "LEAST", "greatest": "GREATEST"} if self.postgresql else {"least": "MIN",
                                                                                   "greatest": "MAX"}

    def upsert_readings(self, readings):
        """Insert or correct readings; returns the number of rows inserted or changed."""
        if self.postgresql:
            self.fill("_ioc_readings_in", ("series_id", "t", "value"), ("int8", "int8", "float8"), readings)
            self.cursor.execute(_UPSERT_READINGS_PG)
            return self.cursor.rowcount
        self.raw.executemany(_UPSERT_READINGS_SQLITE, readings)
        return self.raw.rowcount


def write_readings(rows, *, batch=None):
    """Store readings `(series_id, t epoch seconds, value)`: upsert, update the touched rollups, update the
    latest values, send `readings_written`. Raises ValueError (Vietnamese) on malformed rows or unknown series.

    A series whose readings in the batch all come after its latest stored one (the usual case: sensors report
    in order) gets plain inserts, and its hour, day and month rollups and those of its areas grow by the
    batch's figures (count, sum, min, max, last; a bucket new to the series adds one to the area's
    `stations`). A wide batch (one reading per series, all in order) does all of this in SQL from the
    temporary table of the batch. Every other series (late data, corrections) is upserted and its touched
    buckets rebuilt from the stored readings, and the area rollups of those buckets from the series rollups.
    The shortcut relies on Series.last_t being the latest stored reading, which holds as long as readings are
    written here only; if a plain insert meets an existing row or a rollup does not end at Series.last_t all
    the same, the whole batch takes the general path."""
    received, series_ids, times, values = _columns(rows)
    cutoff = readings_cutoff()
    if cutoff is not None and times and min(times) < cutoff:
        kept = [i for i, t in enumerate(times) if t >= cutoff]
        series_ids = array("q", [series_ids[i] for i in kept])
        times = array("q", [times[i] for i in kept])
        values = array("d", [values[i] for i in kept])
    if not times:
        return WriteResult(received, 0)
    distinct_series = set(series_ids)
    wide = len(distinct_series) == len(times)

    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        writer = _Writer(cursor, outermost=outermost)
        if wide:
            writer.fill_readings("_ioc_latest", zip(series_ids, times, values))
        else:
            latest = {s: (t, v) for s, t, v in zip(series_ids, times, values)}  # sorted rows: the last t wins
            writer.fill_readings("_ioc_latest", [(s, t, v) for s, (t, v) in latest.items()])
        written = None
        shortcut = True
        groups = writer.wide_plan(times) if wide else None
        if groups is not None:
            try:
                with transaction.atomic():
                    writer.write_wide(len(times))
                written = len(times)
            except (IntegrityError, connection.Database.IntegrityError, _Stale):
                shortcut = False  # Series.last_t was behind the stored readings: the general path
        if written is not None:
            _lock_area_rollups(writer, {group[0] for group in groups})
            writer.grow_areas(_wide_area_deltas(groups))
        else:
            written = _write_general(writer, series_ids, times, values, distinct_series, shortcut=shortcut)
        if written:
            cursor.execute(_UPDATE_LATEST_SQL)
        now = timezone.now()
        cursor.execute(_STATIONS_SEEN_SQL, [connection.ops.adapt_datetimefield_value(now)])
        if batch is not None and batch.source_id:
            DataSource.objects.filter(pk=batch.source_id).update(last_received_at=now)
        if written:
            signals.readings_written.send(sender=Reading, series_ids=distinct_series, t_min=min(times),
                                          t_max=max(times))
    return WriteResult(received, written)


def _write_general(writer, series_ids, times, values, distinct_series, *, shortcut):
    """Readings and rollups of any batch (see `_Plan`); returns the rows inserted or changed."""
    info = writer.series_info()
    if unknown := distinct_series - info.keys():
        raise ValueError(f"Không có chuỗi số liệu mã {', '.join(map(str, sorted(unknown)[:10]))}.")
    plan = _Plan(series_ids, times, values, info, shortcut=shortcut)
    written = 0
    if plan.new_readings:
        try:
            with transaction.atomic():
                writer.insert_new(plan.new_readings, plan.new_rollups)
                writer.grow_series(plan.grown_rollups)
            written = len(plan.new_readings)
        except (IntegrityError, connection.Database.IntegrityError, _Stale):
            # Series.last_t was behind the stored readings: no shortcut for this batch.
            plan = _Plan(series_ids, times, values, info, shortcut=False)
    if plan.other_readings:
        written += writer.upsert_readings(plan.other_readings)
    if written:
        _update_areas(writer, plan)
    return written


def _wide_area_deltas(groups):
    """The area rollup deltas (area, metric, grain, bucket, count, sum, min, max, stations) of a wide batch from
    its groups (see `_WIDE_PLAN_SQL`): each station area's figures added to its commune and province."""
    area_of = _area_placer()
    deltas = {}
    for metric_id, area_id, level, parent_id, hour, day, month, n, _, total, low, high, *new in groups:
        for area in area_of(area_id, level, parent_id):
            for grain, bucket, stations in zip("hdm", (hour, day, month), new):
                _add_delta(deltas, (area, metric_id, grain, bucket), n, total, low, high, stations)
    return [key + tuple(row) for key, row in deltas.items()]


def _add_delta(deltas, key, n, total, low, high, stations):
    """Add one group's figures (count, sum, min, max, new stations) to the delta under key."""
    row = deltas.get(key)
    if row is None:
        deltas[key] = [n, total, low, high, stations]
    else:
        row[0] += n
        row[1] += total
        row[2] = min(row[2], low)
        row[3] = max(row[3], high)
        row[4] += stations


def _months(times):
    """(day, month) rows: the Vietnamese month of each Vietnamese day holding one of `times`."""
    days = {t - (t + VN_OFFSET) % DAY for t in set(times)}
    return [(day, _month_of_day(day)[0]) for day in sorted(days)]


def _lock_area_rollups(writer, metric_ids):
    """PostgreSQL: an area rollup sums series that concurrent writers may be changing, so one writer per metric
    at a time from here to the commit: each rebuild then sees the series rollups the others committed, and no
    delta is added to a rollup that a rebuild then overwrites (series rows are locked first, metrics after,
    both in order: no deadlock)."""
    if writer.postgresql:
        for metric_id in sorted(metric_ids):
            writer.cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_AREA_LOCK, metric_id])


def _area_placer():
    """A function (station's area id, its level, its parent id) → the areas whose rollups count the station:
    its commune and the province (the current province that is the commune's parent; for a station without a
    commune, the province when there is only one), as `_area_mapping` places them."""
    provinces = set(Area.objects.filter(level=AreaLevel.PROVINCE, is_current=True).values_list("pk", flat=True))
    default_province = (next(iter(provinces)),) if len(provinces) == 1 else ()
    province_level = str(AreaLevel.PROVINCE)

    def areas_of(area_id, level, parent_id):
        if area_id is None:
            return default_province
        if level == province_level:
            return (area_id,)
        if parent_id in provinces:
            return (area_id, parent_id)
        return (area_id,)

    return areas_of


def _places(info):
    """{series_id: (metric_id, (area ids))} of the series of `info` (see `_area_placer`)."""
    area_of = _area_placer()
    by_area = {}  # station area: the areas of a series whose station is there
    places = {}
    for series_id, (_, metric_id, area_id, level, parent_id) in info.items():
        areas = by_area.get(area_id)
        if areas is None:
            areas = by_area[area_id] = area_of(area_id, level, parent_id)
        places[series_id] = (metric_id, areas)
    return places


class _Plan:
    """How one batch is written. A series whose readings all come after its latest stored one is
    "in order": plain inserts, and for each (grain, bucket) it touches, a rollup that is new (`new_rollups`)
    or one that grows (`grown_rollups`, when the bucket held the series' latest reading). The other series'
    readings are upserted (`other_readings`) and their touched buckets rebuilt (`keys()`)."""

    def __init__(self, series_ids, times, values, info, *, shortcut=True):
        count = len(times)
        starts = [0] + [i for i in range(1, count) if series_ids[i] != series_ids[i - 1]]
        ends = starts[1:] + [count]
        self.new_readings, self.other_readings = [], []
        self.new_rollups, self.grown_rollups = [], []
        self.grown = []  # (series_id, grain, bucket, n, sum, min, max, bucket new to the series) for the areas
        self.rebuilt_series, self.touched_hours = set(), []
        self.info = info
        if shortcut and len(starts) == count and self._one_reading_each(series_ids, times, values, info):
            return
        new_readings, new_rollups, grown_rollups, grown = (self.new_readings, self.new_rollups,
                                                           self.grown_rollups, self.grown)
        for i, j in zip(starts, ends):
            s = series_ids[i]
            p = info[s][0]
            if not shortcut or (p is not None and times[i] <= p):
                self.rebuilt_series.add(s)
                rows = list(zip(series_ids[i:j], times[i:j], values[i:j]))
                self.other_readings += rows
                hours = sorted({t - t % HOUR for t in times[i:j]})
                self.touched_hours += [(s, h) for h in hours]
                continue
            if j - i == 1:  # the wide batches: one reading per series
                t, v = times[i], values[i]
                new_readings.append((s, t, v))
                h = t - t % HOUR
                d = h - (h + VN_OFFSET) % DAY
                groups = (("h", h, 1, v, v, v, t, v), ("d", d, 1, v, v, v, t, v),
                          ("m", _month_of_day(d)[0], 1, v, v, v, t, v))
            else:
                new_readings += zip(series_ids[i:j], times[i:j], values[i:j])
                groups = _groups(times, values, i, j)
            for grain, bucket, n, total, low, high, last_t, last_value in groups:
                row = (s, grain, bucket, n, total, low, high, last_t, last_value)
                is_new = p is None or p < bucket
                if is_new:
                    new_rollups.append(row)
                else:
                    grown_rollups.append(row + (p,))
                grown.append((s, grain, bucket, n, total, low, high, int(is_new)))

    def _one_reading_each(self, series_ids, times, values, info):
        """The wide batches (one reading per series), all in order: the same plan, list by list. False (and
        nothing planned) when one series is not in order."""
        previous = [info[s][0] for s in series_ids]
        if not all(p is None or t > p for t, p in zip(times, previous)):
            return False
        self.new_readings = list(zip(series_ids, times, values))
        hours = [t - t % HOUR for t in times]
        days = [h - (h + VN_OFFSET) % DAY for h in hours]
        months = [_month_of_day(d)[0] for d in days]
        for grain, buckets in (("h", hours), ("d", days), ("m", months)):
            for s, bucket, t, v, p in zip(series_ids, buckets, times, values, previous):
                is_new = p is None or p < bucket
                if is_new:
                    self.new_rollups.append((s, grain, bucket, 1, v, v, v, t, v))
                else:
                    self.grown_rollups.append((s, grain, bucket, 1, v, v, v, t, v, p))
                self.grown.append((s, grain, bucket, 1, v, v, v, int(is_new)))
        return True

    def keys(self):
        """(series_id, grain, bucket, bucket_end) to rebuild: every hour, day and month touched by a series
        that is not written in order."""
        days = {(s, h - (h + VN_OFFSET) % DAY) for s, h in self.touched_hours}
        months = {(s, _month_of_day(d)) for s, d in days}
        keys = [(s, "h", h, h + HOUR) for s, h in self.touched_hours]
        keys += [(s, "d", d, d + DAY) for s, d in days]
        keys += [(s, "m", start, end) for s, (start, end) in months]
        return keys


def _groups(times, values, i, j):
    """(grain, bucket, count, sum, min, max, last_t, last_value) of rows i..j of one series (sorted by t):
    hours from the readings, days from the hours, months from the days."""
    hours = []
    start = i
    for k in range(i + 1, j + 1):
        if k == j or times[k] - times[k] % HOUR != times[start] - times[start] % HOUR:
            chunk = values[start:k]
            hours.append((times[start] - times[start] % HOUR, k - start, math.fsum(chunk), min(chunk), max(chunk),
                          times[k - 1], values[k - 1]))
            start = k
    days = _merge(hours, lambda h: h - (h + VN_OFFSET) % DAY)
    months = _merge(days, lambda d: _month_of_day(d)[0])
    return ([("h",) + g for g in hours] + [("d",) + g for g in days] + [("m",) + g for g in months])


def _merge(groups, coarser):
    """Groups (bucket, count, sum, min, max, last_t, last_value), in time order, merged into coarser buckets."""
    merged = []
    for bucket, n, total, low, high, last_t, last_value in groups:
        bucket = coarser(bucket)
        if merged and merged[-1][0] == bucket:
            _, n0, total0, low0, high0, _, _ = merged[-1]
            merged[-1] = (bucket, n0 + n, total0 + total, min(low0, low), max(high0, high), last_t, last_value)
        else:
            merged.append((bucket, n, total, low, high, last_t, last_value))
    return merged


def _update_areas(writer, plan):
    """Rebuild the rollups of the series not written in order and the area rollups of their buckets, then
    grow the other area rollups by the deltas of the series written in order."""
    cursor = writer.cursor
    places = _places(plan.info)
    metric_ids = {metric_id for metric_id, _ in places.values()}
    if plan.rebuilt_series:
        writer.fill("_ioc_keys", ("series_id", "grain", "bucket", "bucket_end"), ("int8", "text", "int8", "int8"),
                    plan.keys())
        for grain in ("h", "d", "m"):
            cursor.execute(_SERIES_ROLLUP_SQL[(grain, writer.postgresql)])
    _lock_area_rollups(writer, metric_ids)
    if plan.rebuilt_series:
        mapping = _area_mapping(plan.rebuilt_series)
        writer.fill("_ioc_series_area", ("series_id", "area_id", "metric_id"), ("int8", "int8", "int8"), mapping)
        cursor.execute(_AREA_KEYS_SQL)
        cursor.execute(_AREAS_SQL)  # (a LATERAL form measured slower on PostgreSQL: 440 ms against 75 ms)
    if plan.grown:
        # Summed per (areas of the station, metric, grain, bucket) first: the series of one commune share them.
        sums = {}
        for s, grain, bucket, n, total, low, high, is_new in plan.grown:
            metric_id, areas = places[s]
            _add_delta(sums, (areas, metric_id, grain, bucket), n, total, low, high, is_new)
        deltas = {}
        for (areas, metric_id, grain, bucket), (n, total, low, high, stations) in sums.items():
            for area_id in areas:
                _add_delta(deltas, (area_id, metric_id, grain, bucket), n, total, low, high, stations)
        writer.grow_areas([key + tuple(row) for key, row in deltas.items()])
