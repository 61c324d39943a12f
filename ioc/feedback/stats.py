"""Figures of the feedback module (*thống kê phản ánh*) and the data of the public map.

Everything here works on a queryset of reports the caller has already scoped (`Report.objects.public()` for the
public, `Report.objects.for_access(access)` for staff), so the same computations serve both audiences:

- `apply_filters(qs, filters)`: the filters of the public list, the map and the statistics pages;
- `compute(qs, ...)`: received, answered, on-time rate, median handling time and satisfaction, for the whole
  queryset and grouped by unit, category, commune and month (plus open, overdue, rejections and channels for staff);
- `map_payload(filters)`: the whole province's public reports as compact JSON arrays for the clustered map.

Results are cached for a short while under a data version that every saved report bumps (`connect_signals`,
called from the app's `ready()`), so a new report shows on the map and in the figures at once.
"""

import datetime
import functools
import gzip
import hashlib
import json
import statistics
import threading
import time
from array import array
from collections import OrderedDict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Aggregate, Avg, Case, CharField, Count, F, FloatField, Func, IntegerField, Q, TextField, Value, When,
)
from django.db.models.functions import Cast, Round, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ioc.core.models import Area, Unit
from ioc.lib.localized import localized

from .models import OPEN_STATUSES, Category, Channel, RejectionReason, Report, Status

# --- Status groups, as the public reads them ------------------------------------------------------

STATUS_GROUPS = ("open", "answered", "closed")
STATUS_GROUP_LABELS = {
    "open": gettext_lazy("Đang xử lý"),
    "answered": gettext_lazy("Đã trả lời"),
    "closed": gettext_lazy("Đã đóng"),
}
STATUSES_OF_GROUP = {
    "open": tuple(OPEN_STATUSES),
    "answered": (Status.ANSWERED,),
    "closed": (Status.CLOSED,),
}
GROUP_OF_STATUS = {status: group for group, members in STATUSES_OF_GROUP.items() for status in members}
GROUP_INDEX = {status: STATUS_GROUPS.index(group) for status, group in GROUP_OF_STATUS.items()}

MAP_CACHE_SECONDS = 60
STATS_CACHE_SECONDS = 300
VERSION_KEY = "feedback:data-version"


def status_group(status):
    """'open', 'answered' or 'closed' for a public status ('' for rejected)."""
    return GROUP_OF_STATUS.get(status, "")


# --- Filters --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Validated filters (the forms in views build them). Dates are local calendar days, both inclusive."""

    category: Category | None = None
    area: Area | None = None
    unit: Unit | None = None
    status_group: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    text: str = ""

    def as_dict(self):
        """Plain values, for cache keys, links and the audit log of exports."""
        values = {
            "category": self.category.code if self.category else "",
            "commune": self.area.code if self.area else "",
            "unit": self.unit.code if self.unit else "",
            "status": self.status_group,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "q": self.text,
        }
        return {k: v for k, v in values.items() if v}

    @classmethod
    def from_dict(cls, values):
        """The inverse of as_dict (codes back to rows), for background jobs."""
        def row(model, code, **extra):
            return model.objects.filter(code=code, **extra).first() if code else None

        def day(text):
            return datetime.date.fromisoformat(text) if text else None

        return cls(category=row(Category, values.get("category")),
                   area=row(Area, values.get("commune"), is_current=True),
                   unit=row(Unit, values.get("unit")), status_group=values.get("status", ""),
                   date_from=day(values.get("date_from")), date_to=day(values.get("date_to")),
                   text=values.get("q", ""))

    def key(self):
        raw = json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()[:24]


def day_start(day):
    """The first instant of a local calendar day, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def category_with_descendants(category):
    """Ids of a category and every category below it (the tree is small: one query)."""
    children = {}
    for pk, parent_id in Category.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        if pk not in ids:
            ids.append(pk)
            todo.extend(children.get(pk, ()))
    return ids


def apply_filters(qs, filters):
    """Narrow a queryset of reports by the filters (received date, category with its subcategories, …)."""
    if filters.category is not None:
        ids = category_with_descendants(filters.category)
        qs = qs.filter(category_id__in=ids) if len(ids) > 1 else qs.filter(category_id=ids[0])
    if filters.area is not None:
        qs = qs.filter(area_id=filters.area.pk)
    if filters.unit is not None:
        qs = qs.filter(lead_unit_id=filters.unit.pk)
    if filters.status_group:
        qs = qs.filter(status__in=STATUSES_OF_GROUP[filters.status_group])
    if filters.date_from:
        qs = qs.filter(received_at__gte=day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(received_at__lt=day_start(filters.date_to + datetime.timedelta(days=1)))
    if filters.text:
        qs = qs.filter(description__icontains=filters.text)
    return qs


def overdue_q(now):
    """The condition of ReportQuerySet.overdue() as a Q, to count overdue reports inside an aggregate."""
    return Q(status__in=OPEN_STATUSES) & (Q(answer_due__lt=now) | Q(status=Status.RECEIVED, acceptance_due__lt=now))


# --- Data version and caching ---------------------------------------------------------------------


def data_version():
    """A number that changes whenever a report is saved; part of every cache key below."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, not 1: should the counter be evicted, old entries must not match again.
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def bump_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns() // 1000, timeout=None)


def _report_changed(sender, **kwargs):
    bump_version()
    # Bump again once the change is visible to other connections: a request that read the old rows between
    # the save and the commit must not keep its result under the new version.
    if connection.in_atomic_block:
        transaction.on_commit(bump_version)


def connect_signals():
    """Called from FeedbackConfig.ready(): saved or deleted reports and categories invalidate the cached
    map data and figures."""
    from django.db.models.signals import post_delete, post_save

    for model in (Report, Category):
        post_save.connect(_report_changed, sender=model, dispatch_uid=f"feedback-stats-{model.__name__}-save")
        post_delete.connect(_report_changed, sender=model, dispatch_uid=f"feedback-stats-{model.__name__}-delete")


_local = OrderedDict()  # key → (when the shared copy was last read, MapEntry): the last few maps of this process
_local_lock = threading.Lock()
LOCAL_ENTRIES = 6


def cached(parts, timeout, compute_fn):
    """compute_fn() cached under the data version, the language and the given key parts."""
    key = ":".join(["feedback", str(data_version()), get_language() or "", *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute_fn()
        cache.set(key, value, timeout)
    return value


# --- The map --------------------------------------------------------------------------------------


def map_categories():
    """The public categories in map order: the index of a category in this list is its number in the points."""
    return [(pk, code, localized(name, name_en)) for pk, code, name, name_en in
            Category.objects.filter(is_public=True).order_by("order", "name")
            .values_list("id", "code", "name", "name_en")]


class PointArray(Aggregate):
    """The JSON text of an array of rows, each row a JSON array of the expressions, built by the database: for a
    year of a province's reports (about 85,000 points) this takes about 60 % of the time of fetching tuples and
    serializing them in Python, on SQLite and on PostgreSQL."""

    function = None
    output_field = TextField()
    contains_aggregate = True

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="json_group_array(json_array(%(expressions)s))",
                              **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection,
                              template="COALESCE(json_agg(json_build_array(%(expressions)s))::text, '[]')",
                              **extra_context)


def _map_columns(categories):
    status_index = Case(*[When(status__in=STATUSES_OF_GROUP[group], then=Value(i))
                          for i, group in enumerate(STATUS_GROUPS)], output_field=IntegerField())
    category_index = Case(*[When(category_id=pk, then=Value(i)) for i, (pk, _code, _name) in enumerate(categories)],
                          output_field=IntegerField())
    # Five decimals of a degree are about a metre: enough for a pin, and a third shorter than full floats.
    return [Cast(Round("latitude", 5), FloatField()), Cast(Round("longitude", 5), FloatField()), status_index,
            category_index, "code"]


def build_map_payload(filters):
    """JSON (bytes) of every public report with coordinates matching the filters:
    {"points": [[lat, lon, status_group_index, category_index, code], ...], "categories": [...], "statuses": [...]}.
    """
    categories = map_categories()
    points = "[]"
    if categories:
        # No ORDER BY: sorting the whole province costs more than the rest.
        qs = (apply_filters(Report.objects.public(), filters)
              .filter(latitude__isnull=False, longitude__isnull=False).order_by())
        columns = _map_columns(categories)
        if connection.vendor in ("sqlite", "postgresql"):
            points = qs.aggregate(points=PointArray(*columns))["points"] or "[]"
            # PostgreSQL writes ", " between items; the points hold no text with a comma, so this is safe.
            points = points.replace(", ", ",")
        else:
            points = json.dumps(list(qs.values_list(*columns)), separators=(",", ":"))
    rest = json.dumps({
        "categories": [{"code": code, "name": name} for _pk, code, name in categories],
        "statuses": [{"code": g, "name": str(STATUS_GROUP_LABELS[g])} for g in STATUS_GROUPS],
    }, ensure_ascii=False, separators=(",", ":"))
    return ('{"points":' + points + "," + rest[1:]).encode()


MAP_REBUILD_SECONDS = 60  # at most one background rebuild of a map per minute
MAP_KEEP_SECONDS = 7 * 86400


@dataclass(frozen=True)
class MapEntry:
    version: int  # the data version the payload was built from
    raw: bytes
    gz: bytes


def _map_key(filters, language):
    return f"feedback:map:{language}:{filters.key()}"


def build_map_entry(filters, version=None):
    """Build a map payload (plain and gzip level 1: a fifth of the level-5 time for a few percent more bytes) and
    store it as the last copy of its filters."""
    version = data_version() if version is None else version
    raw = build_map_payload(filters)
    entry = MapEntry(version, raw, gzip.compress(raw, compresslevel=1))
    cache.set(_map_key(filters, get_language() or ""), entry, MAP_KEEP_SECONDS)
    return entry


def map_entry(filters):
    """The map of these filters: the last copy built, even when reports were saved since (stale while
    revalidating). A stale copy queues one background rebuild (at most one per MAP_REBUILD_SECONDS and filters),
    so the map is never rebuilt while a visitor waits, except the very first time; a saved report shows within
    about a minute."""
    from . import tasks

    language = get_language() or ""
    key = _map_key(filters, language)
    version = data_version()
    entry, checked = _local_map_get(key)
    # The shared copy (megabytes) is read again only when the data changed since this process last looked, or
    # every few seconds while a rebuild is pending, not on every request.
    if entry is None or (entry.version != version and checked != (version, int(time.monotonic() // 5))):
        entry = cache.get(key) or entry
    if entry is None:
        entry = build_map_entry(filters, version)
    elif entry.version != version and cache.add(f"{key}:rebuilding", 1, MAP_REBUILD_SECONDS):
        tasks.rebuild_map(filters.as_dict(), language)
        entry = cache.get(key) or entry  # already rebuilt when tasks run at once (tests, no worker)
    _local_map_put(key, entry, (version, int(time.monotonic() // 5)))
    return entry


def map_payload(filters, *, compressed=False):
    """The JSON bytes of the map, gzip-compressed if asked (see map_entry for freshness)."""
    entry = map_entry(filters)
    return entry.gz if compressed else entry.raw


def _local_map_get(key):
    """(entry, (data version, 5-second slot) when the shared cache was last read) kept in this process."""
    hit = _local.get(key)
    return (hit[1], hit[0]) if hit is not None else (None, None)


def _local_map_put(key, entry, checked):
    with _local_lock:
        _local[key] = (checked, entry)
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def commune_markers():
    """The current communes with a centroid: [[lat, lon, name, area_km2], ...] for the offline base map."""
    return [[round(lat, 5), round(lon, 5), name, area or 0] for lat, lon, name, area in
            Area.objects.communes().filter(latitude__isnull=False, longitude__isnull=False)
            .order_by("name").values_list("latitude", "longitude", "name", "area_km2")]


# --- Figures --------------------------------------------------------------------------------------

DIMENSIONS = {
    # dimension → the column (or annotation) grouped on
    "unit": "lead_unit_id",
    "category": "category_id",
    "area": "area_id",
    "month": "month",
}


def _aggregates(staff, now):
    aggregates = {
        "received": Count("id"),
        "answered": Count("id", filter=Q(answered_at__isnull=False)),
        "on_time": Count("id", filter=Q(answered_on_time=True)),
        "timed": Count("id", filter=Q(answered_on_time__isnull=False)),
        "rated": Count("rating"),
        "rating_avg": Avg("rating"),
    }
    if staff:
        aggregates.update({
            "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
            "overdue": Count("id", filter=overdue_q(now)),
            "rejected": Count("id", filter=Q(status=Status.REJECTED)),
        })
    return aggregates


def totals(qs, *, now=None):
    """The total figures of a queryset of reports, without medians or groups (the home page's summary)."""
    return _figures(qs.order_by().aggregate(**_aggregates(False, now or timezone.now())), None, False)


def _figures(row, median_seconds, staff):
    """The figures of one group (or the total) as plain, JSON-ready values."""
    timed = row["timed"]
    figures = {
        "received": row["received"],
        "answered": row["answered"],
        "on_time": row["on_time"],
        "on_time_rate": round(100 * row["on_time"] / timed, 1) if timed else None,
        "median_hours": round(median_seconds / 3600, 1) if median_seconds is not None else None,
        "median_days": round(median_seconds / 86400, 1) if median_seconds is not None else None,
        "rating_avg": round(row["rating_avg"], 2) if row["rating_avg"] is not None else None,
        "rated": row["rated"],
    }
    if staff:
        figures.update({"open": row["open"], "overdue": row["overdue"], "rejected": row["rejected"]})
    return figures


def _month_expression():
    """The local calendar month of received_at: TruncMonth in the current time zone.

    On SQLite Django computes TruncMonth in Python, row by row, which makes a year of reports take seconds; when the
    zone keeps one UTC offset (Vietnam: UTC+7 since 1975) the same month comes from SQLite's own strftime.
    """
    zone = timezone.get_current_timezone()
    if connection.vendor == "sqlite":
        offset = _fixed_offset_minutes(zone)
        if offset is not None:
            return Func(Value("%Y-%m"), F("received_at"), Value(f"{offset:+d} minutes"), function="strftime",
                        output_field=CharField())
    return TruncMonth("received_at", tzinfo=zone)


@functools.lru_cache(maxsize=8)
def _fixed_offset_minutes(zone):
    """The zone's UTC offset in minutes if it was the same in every January and July since 2000, else None."""
    offsets = {datetime.datetime(year, month, 1, 12, tzinfo=zone).utcoffset()
               for year in range(2000, datetime.date.today().year + 2) for month in (1, 7)}
    if len(offsets) != 1:
        return None
    return int(offsets.pop().total_seconds() // 60)


def _month_key(value):
    """'2026-03' from what TruncMonth gives back (an aware datetime, or a date on some back ends)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}"


class SecondsBetween(Func):
    """end − start in seconds, as a float, computed by the database itself (Django's generic datetime subtraction
    runs a Python function per row on SQLite)."""

    output_field = FloatField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s)) * 86400.0)",
                           arg_joiner=") - julianday(", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))::float8",
                           arg_joiner=" - ", **extra_context)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor not in ("sqlite", "postgresql") and "template" not in extra_context:
            raise NotImplementedError("SecondsBetween supports SQLite and PostgreSQL.")
        return super().as_sql(compiler, connection, **extra_context)


def handling_medians(qs, dimensions):
    """Median handling time (answered_at − received_at, in seconds) of the answered reports: overall and per
    group of each dimension. One streaming pass over two to five columns; durations are kept as C doubles."""
    columns = [DIMENSIONS[d] for d in dimensions]
    qs = qs.filter(answered_at__isnull=False).order_by()
    if "month" in dimensions:
        qs = qs.annotate(month=_month_expression())
    rows = qs.annotate(handling=SecondsBetween("answered_at", "received_at")).values_list(*columns, "handling")
    overall = array("d")
    groups = {d: {} for d in dimensions}
    for row in rows.iterator(chunk_size=5000):
        seconds = row[-1]
        if seconds is None:
            continue
        overall.append(seconds)
        for dimension, key in zip(dimensions, row[:-1]):
            if dimension == "month":
                key = _month_key(key)
            bucket = groups[dimension].get(key)
            if bucket is None:
                bucket = groups[dimension][key] = array("d")
            bucket.append(seconds)

    def median(values):
        return statistics.median(values) if values else None

    return median(overall), {d: {k: median(v) for k, v in groups[d].items()} for d in dimensions}


def _labels(dimension, keys):
    keys = [k for k in keys if k is not None]
    if dimension == "unit":
        return dict(Unit.objects.filter(pk__in=keys).values_list("id", "name"))
    if dimension == "category":
        return {pk: localized(name, name_en) for pk, name, name_en in
                Category.objects.filter(pk__in=keys).values_list("id", "name", "name_en")}
    if dimension == "area":
        return dict(Area.objects.filter(pk__in=keys).values_list("id", "name"))
    return {k: f"{k[5:7]}/{k[:4]}" for k in keys}


def _codes(dimension, keys):
    keys = [k for k in keys if k is not None]
    if dimension == "unit":
        return dict(Unit.objects.filter(pk__in=keys).values_list("id", "code"))
    if dimension == "category":
        return dict(Category.objects.filter(pk__in=keys).values_list("id", "code"))
    if dimension == "area":
        return dict(Area.objects.filter(pk__in=keys).values_list("id", "code"))
    return {k: k for k in keys}


NO_GROUP_LABELS = {
    "unit": gettext_lazy("Chưa giao đơn vị"),
    "category": gettext_lazy("Không rõ lĩnh vực"),
    "area": gettext_lazy("Chưa xác định xã, phường"),
    "month": gettext_lazy("Không rõ tháng"),
}


def compute(qs, *, dimensions=("category", "area", "month"), staff=False, now=None):
    """Figures of a queryset of reports: totals and one table per dimension.

    Returns {"totals": {...}, "by_<dimension>": [{"key", "code", "label", ...figures}], …}; with staff=True also
    open, overdue and rejected counts, and "by_status", "by_channel", "rejections". Plain values only (cacheable,
    and ready for json_script).
    """
    now = now or timezone.now()
    qs = qs.order_by()
    aggregates = _aggregates(staff, now)
    overall_median, medians = handling_medians(qs, dimensions)
    result = {"totals": _figures(qs.aggregate(**aggregates), overall_median, staff)}
    for dimension in dimensions:
        grouped = qs.annotate(month=_month_expression()) if dimension == "month" else qs
        rows = list(grouped.values(DIMENSIONS[dimension]).annotate(**aggregates))
        for row in rows:
            row["key"] = _month_key(row["month"]) if dimension == "month" else row[DIMENSIONS[dimension]]
        keys = [row["key"] for row in rows]
        labels, codes = _labels(dimension, keys), _codes(dimension, keys)
        table = []
        for row in rows:
            key = row["key"]
            table.append({
                "code": codes.get(key, "") if key is not None else "",
                "label": labels.get(key, "") if key is not None else str(NO_GROUP_LABELS[dimension]),
                **_figures(row, medians[dimension].get(key), staff),
            })
        if dimension == "month":
            table.sort(key=lambda r: r["code"] or "")
        else:
            table.sort(key=lambda r: (-r["received"], r["label"]))
        result[f"by_{dimension}"] = table
    if staff:
        result["by_status"] = _counted(qs, "status", Status)
        result["by_channel"] = _counted(qs, "channel", Channel)
        result["rejections"] = _counted(qs.filter(status=Status.REJECTED), "rejection_reason", RejectionReason)
    return result


def _counted(qs, field_name, choices):
    counts = dict(qs.values(field_name).annotate(n=Count("id")).values_list(field_name, "n"))
    labels = dict(choices.choices)
    rows = [{"code": value, "label": str(labels.get(value) or _("Không rõ")), "count": n}
            for value, n in counts.items() if n]
    return sorted(rows, key=lambda r: -r["count"])


def public_figures(filters):
    """The public statistics page: public reports only, by category, commune and month (cached)."""
    return cached(("public-stats", filters.key()), STATS_CACHE_SECONDS,
                  lambda: compute(apply_filters(Report.objects.public(), filters)))


def scoped_reports(access):
    """Reports a staff member may see, without the duplicates the cooperating-units join makes."""
    if access.province_wide:
        return Report.objects.all()
    return Report.objects.filter(pk__in=Report.objects.for_access(access).values("pk"))


def staff_figures(access, filters):
    """The staff statistics of the reports this person may see (cached per scope and filters)."""
    scope = "all" if access.province_wide else "-".join(map(str, sorted(access.unit_ids))) or "none"
    return cached(("staff-stats", scope, filters.key()), STATS_CACHE_SECONDS, lambda: compute(
        apply_filters(scoped_reports(access), filters), dimensions=("unit", "category", "area", "month"), staff=True))
