"""Sensor readings storage: bulk upsert of raw readings and the rollups kept beside them.

`write_readings` is the one way readings enter the database (push API, files, NGSI-LD, MQTT, pulls, demo):

1. the rows of a batch are checked for type, de-duplicated (the last value of a (series, t) wins) and written
   into `monitoring_reading`: readings after their series' latest one (sensors reporting in order) by a plain
   COPY (PostgreSQL) or executemany (SQLite), the others (late data, corrections) upserted: COPY into a
   temporary table and INSERT … SELECT … ON CONFLICT on PostgreSQL, executemany of INSERT … ON CONFLICT on
   SQLite;
2. every hour, day and month bucket the batch touched is rebuilt, set-based, from what is stored: hours from the
   raw readings, days from the hours, months from the days, and the area rollups (each commune, and the
   province) from the series rollups of the same bucket. Late and corrected readings therefore give the same
   rollups as a computation from scratch. A batch costs a handful of statements whatever its size;
3. `Series.last_t/last_value`, `Station.last_seen_at` and the source's `last_received_at` are updated and
   `signals.readings_written` is sent, inside the same transaction.

Raw readings older than `settings.IOC_READINGS_RETENTION_DAYS` are deleted nightly (`purge_old_readings`); the
rollups stay. Readings older than that horizon are not written: their hour may already have lost its raw
readings, and rebuilding it from what is left would corrupt a rollup that is final.
"""

import math
import struct
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
    if not wanted:
        return {}

    def existing():
        found = {}
        for chunk in _chunks({station_id for station_id, _ in wanted}):
            for pk, station_id, metric_id in Series.objects.filter(station_id__in=chunk).values_list(
                    "pk", "station_id", "metric_id"):
                if (station_id, metric_id) in wanted:
                    found[wanted[(station_id, metric_id)]] = pk
        return found

    found = existing()
    if len(found) < len(wanted):
        missing = [Series(station_id=st, metric_id=me) for (st, me), pair in wanted.items() if pair not in found]
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
    the province (the current province that is the commune's parent; for a station without a commune, the
    province when there is only one)."""
    metric_ids = set()
    for chunk in _chunks(set(series_ids)):
        metric_ids.update(Series.objects.filter(pk__in=chunk).values_list("metric_id", flat=True))
    provinces = set(Area.objects.filter(level=AreaLevel.PROVINCE, is_current=True).values_list("pk", flat=True))
    default_province = next(iter(provinces)) if len(provinces) == 1 else None
    rows = []
    for pk, metric_id, area_id, level, parent_id in Series.objects.filter(metric_id__in=metric_ids).values_list(
            "pk", "metric_id", "station__area_id", "station__area__level", "station__area__parent_id"):
        if area_id is None:
            province = default_province
        elif level == AreaLevel.PROVINCE:
            province, area_id = area_id, None
        else:
            rows.append((pk, area_id, metric_id))
            province = parent_id if parent_id in provinces else None
        if province is not None:
            rows.append((pk, province, metric_id))
    return rows


# The temporary tables of one write (one set per database connection, emptied at each write).
_TEMP_TABLES = {
    "_ioc_readings_in": "series_id bigint NOT NULL, t bigint NOT NULL, value double precision NOT NULL",
    "_ioc_keys": "series_id bigint NOT NULL, grain varchar(1) NOT NULL, bucket bigint NOT NULL, "
                 "bucket_end bigint NOT NULL",
    "_ioc_series_area": "series_id bigint NOT NULL, area_id bigint NOT NULL, metric_id bigint NOT NULL",
    "_ioc_area_keys": "area_id bigint NOT NULL, metric_id bigint NOT NULL, grain varchar(1) NOT NULL, "
                      "bucket bigint NOT NULL",
}
_TEMP_INDEXES = [
    "CREATE INDEX IF NOT EXISTS _ioc_series_area_series ON _ioc_series_area (series_id)",
    "CREATE INDEX IF NOT EXISTS _ioc_series_area_group ON _ioc_series_area (area_id, metric_id)",
]

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


_READING_ROW = struct.Struct(">hiqiqid")  # binary COPY: 3 fields (series_id int8, t int8, value float8)
_ROLLUP_ROW = struct.Struct(">h" + "iq" + "i1s" + "iq" + "ii" + "id" * 3 + "iq" + "id")  # _ROLLUP_COLUMNS
_ROLLUP_COLUMNS = 'series_id, grain, bucket, "count", "sum", "min", "max", last_t, last_value'
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_COPY_TRAILER = struct.pack(">h", -1)


class _Writer:
    """Vendor-specific plumbing: the temporary tables and how rows reach the database."""

    def __init__(self, cursor):
        self.cursor = cursor  # Django's cursor wrapper
        self.raw = cursor.cursor  # the driver's cursor (executemany / COPY without per-row overhead)
        self.postgresql = connection.vendor == "postgresql"
        if self.postgresql:
            for name, columns in _TEMP_TABLES.items():
                cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DELETE ROWS")
            cursor.execute("TRUNCATE " + ", ".join(_TEMP_TABLES))
        else:
            for name, columns in _TEMP_TABLES.items():
                if name != "_ioc_readings_in":
                    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
                    cursor.execute(f"DELETE FROM {name}")
        for sql in _TEMP_INDEXES:
            cursor.execute(sql)

    def latest_times(self, series_ids):
        """{series_id: last_t} of the given series, locked against concurrent writers (PostgreSQL; SQLite
        serializes writers already)."""
        found = {}
        lock = " FOR UPDATE" if self.postgresql else ""
        for chunk in _chunks(sorted(series_ids)):
            marks = ", ".join(["%s"] * len(chunk))
            self.cursor.execute(f"SELECT id, last_t FROM monitoring_series WHERE id IN ({marks}) "
                                f"ORDER BY id{lock}", chunk)
            found.update(self.cursor.fetchall())
        return found

    def fill(self, table, columns, types, rows):
        if self.postgresql:
            with self.raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def insert_new(self, readings, hour_rollups):
        """Plain inserts of readings after their series' latest one and of the rollups of hours that had no
        reading before (IntegrityError if either existed after all)."""
        if self.postgresql:
            pack = _READING_ROW.pack
            payload = b"".join([pack(3, 8, s, 8, t, 8, v) for s, t, v in readings])
            with self.raw.copy("COPY monitoring_reading (series_id, t, value) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(_COPY_HEADER + payload + _COPY_TRAILER)
            if hour_rollups:
                pack = _ROLLUP_ROW.pack
                payload = b"".join([pack(9, 8, s, 1, b"h", 8, h, 4, n, 8, total, 8, low, 8, high, 8, lt, 8, lv)
                                    for s, h, n, total, low, high, lt, lv in hour_rollups])
                with self.raw.copy(f"COPY monitoring_seriesrollup ({_ROLLUP_COLUMNS}) FROM STDIN (FORMAT BINARY)"
                                   ) as copy:
                    copy.write(_COPY_HEADER + payload + _COPY_TRAILER)
        else:
            self.raw.executemany("INSERT INTO monitoring_reading (series_id, t, value) VALUES (?, ?, ?)", readings)
            self.raw.executemany(f"INSERT INTO monitoring_seriesrollup ({_ROLLUP_COLUMNS}) "
                                 "VALUES (?, 'h', ?, ?, ?, ?, ?, ?, ?)", hour_rollups)

    def upsert_readings(self, readings):
        """Insert or correct readings; returns the number of rows inserted or changed."""
        if self.postgresql:
            self.fill("_ioc_readings_in", ("series_id", "t", "value"), ("int8", "int8", "float8"), readings)
            self.cursor.execute(_UPSERT_READINGS_PG)
            return self.cursor.rowcount
        self.raw.executemany(_UPSERT_READINGS_SQLITE, readings)
        return self.raw.rowcount


def write_readings(rows, *, batch=None):
    """Store readings `(series_id, t epoch seconds, value)`: upsert, rebuild the touched rollups, update the
    latest values, send `readings_written`. Raises ValueError (Vietnamese) on malformed rows or unknown series.

    Readings after their series' latest one (the usual case: sensors report in order) are plain inserts, and
    the hours holding only such readings get their rollups straight from the batch; everything else (late
    data, corrections) is upserted and its hours rebuilt from the stored readings. Both rely on
    Series.last_t being the latest stored reading, which holds as long as readings are written here only; if
    a plain insert meets an existing row all the same, the whole batch takes the general path."""
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

    with transaction.atomic(), connection.cursor() as cursor:
        writer = _Writer(cursor)
        previous = writer.latest_times(distinct_series)
        if unknown := distinct_series - previous.keys():
            raise ValueError(f"Không có chuỗi số liệu mã {', '.join(map(str, sorted(unknown)[:10]))}.")
        plan = _Plan(series_ids, times, values, previous)
        written = 0
        if plan.new_readings:
            try:
                with transaction.atomic():
                    writer.insert_new(plan.new_readings, plan.new_hour_rollups)
                written = len(plan.new_readings)
            except (IntegrityError, connection.Database.IntegrityError):
                # Series.last_t was behind the stored readings: no shortcut for this batch.
                plan = _Plan(series_ids, times, values, {})
        if plan.other_readings:
            written += writer.upsert_readings(plan.other_readings)
        if written:
            _rebuild_rollups(writer, plan)
            _update_latest(cursor, series_ids, times, values)
        now = timezone.now()
        Station.objects.filter(series__pk__in=distinct_series).update(last_seen_at=now)
        if batch is not None and batch.source_id:
            DataSource.objects.filter(pk=batch.source_id).update(last_received_at=now)
        if written:
            signals.readings_written.send(sender=Reading, series_ids=distinct_series, t_min=min(times),
                                          t_max=max(times))
    return WriteResult(received, written)


class _Plan:
    """How one batch is written: which readings are plain inserts (after the series' latest reading) and
    which are upserts; which hours get their rollups from the batch itself and which are rebuilt."""

    def __init__(self, series_ids, times, values, previous):
        first = dict(zip(reversed(series_ids), reversed(times)))  # each series' earliest time in the batch
        if previous and all(previous[s] is None or t > previous[s] for s, t in first.items()):
            self.new_readings = list(zip(series_ids, times, values))
            self.other_readings = []
        else:
            last = [previous.get(s) for s in series_ids]
            new_rows = [i for i, (t, p) in enumerate(zip(times, last)) if p is None or t > p] if previous else []
            is_new = bytearray(len(times))
            for i in new_rows:
                is_new[i] = 1
            self.new_readings = [(series_ids[i], times[i], values[i]) for i in new_rows]
            self.other_readings = [(s, t, v) for s, t, v, n in zip(series_ids, times, values, is_new) if not n]
        # Hour groups: rows are sorted by (series, t), so each (series, hour) is a contiguous run.
        hours = [t - t % HOUR for t in times]
        count = len(times)
        starts = [0] + [i for i in range(1, count) if hours[i] != hours[i - 1] or series_ids[i] != series_ids[i - 1]]
        ends = starts[1:] + [count]
        self.new_hour_rollups, self.rebuilt_hours = [], []
        for i, j in zip(starts, ends):
            s, h = series_ids[i], hours[i]
            p = previous[s] if previous else h
            if p is None or h > p:  # no reading of this hour was stored before
                chunk = values[i:j]
                self.new_hour_rollups.append((s, h, j - i, math.fsum(chunk), min(chunk), max(chunk),
                                              times[j - 1], values[j - 1]))
            else:
                self.rebuilt_hours.append((s, h))
        self.touched_hours = [(series_ids[i], hours[i]) for i in starts]
        self.series_ids = set(series_ids)

    def keys(self):
        """(series_id, grain, bucket, bucket_end) to rebuild: the hours not written from the batch, and every
        day and month touched."""
        days = {(s, h - (h + VN_OFFSET) % DAY) for s, h in self.touched_hours}
        months = {(s, _month_of_day(d)) for s, d in days}
        keys = [(s, "h", h, h + HOUR) for s, h in self.rebuilt_hours]
        keys += [(s, "d", d, d + DAY) for s, d in days]
        keys += [(s, "m", start, end) for s, (start, end) in months]
        return keys


def _rebuild_rollups(writer, plan):
    writer.fill("_ioc_keys", ("series_id", "grain", "bucket", "bucket_end"), ("int8", "text", "int8", "int8"),
                plan.keys())
    mapping = _area_mapping(plan.series_ids)
    writer.fill("_ioc_series_area", ("series_id", "area_id", "metric_id"), ("int8", "int8", "int8"), mapping)
    cursor = writer.cursor
    for grain in ("h", "d", "m"):
        if grain != "h" or plan.rebuilt_hours:
            cursor.execute(_SERIES_ROLLUP_SQL[(grain, writer.postgresql)])
    # The area rollups of every touched bucket, hours written from the batch included.
    writer.fill("_ioc_keys", ("series_id", "grain", "bucket", "bucket_end"), ("int8", "text", "int8", "int8"),
                [(s, "h", h, h + HOUR) for s, h, *_ in plan.new_hour_rollups])
    if writer.postgresql:
        # An area rollup sums series that concurrent writers may be changing: one writer per metric at a time
        # from here to the commit, so that each rebuild sees the series rollups the others committed (series
        # rows are locked first, metrics after, both in order: no deadlock).
        for metric_id in sorted({metric_id for _, _, metric_id in mapping}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_AREA_LOCK, metric_id])
    cursor.execute(_AREA_KEYS_SQL)
    cursor.execute(_AREAS_SQL)  # (a LATERAL form measured slower on PostgreSQL: 440 ms against 75 ms)


def _update_latest(cursor, series_ids, times, values):
    """Series.last_t/last_value when the batch holds a reading at least as recent (a correction of the latest
    reading counts): one UPDATE … FROM (VALUES …) per 300 series."""
    latest = {s: (t, v) for s, t, v in zip(series_ids, times, values)}  # rows are sorted: the last t wins
    for chunk in _chunks(latest.items(), 300):
        rows = ", ".join(["(%s, %s, %s)"] * len(chunk))
        params = [x for s, (t, v) in chunk for x in (s, t, v)]
        cursor.execute(
            f"WITH latest (id, t, value) AS (VALUES {rows}) "
            "UPDATE monitoring_series SET last_t = latest.t, last_value = latest.value FROM latest "
            "WHERE monitoring_series.id = latest.id AND (monitoring_series.last_t IS NULL "
            "OR monitoring_series.last_t <= latest.t)", params)
