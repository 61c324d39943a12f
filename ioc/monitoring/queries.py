"""Fast reads behind the monitoring dashboards, the API and the video wall.

Everything here answers from the rollups and the latest values, never from raw readings:

- indicators reported per period (`Observation`) are read through the partial unique index
  (indicator, area, period) WHERE is_current;
- real-time indicators (`Indicator.metric`) read `AreaRollup` (per area and hour, day or month);
- stations read `Series.last_value` and, for their history, `SeriesRollup`.

Results are plain dicts and lists (ready for JSON and templates). The overview is cached briefly; the cache key
holds a data version that `readings_written` and `observations_written` bump on commit, so new figures show
at once.
"""

import math
import time
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ioc.core.models import Area, AreaLevel

from .models import (
    VN_TZ,
    Aggregation,
    AreaRollup,
    Direction,
    Frequency,
    Grain,
    Indicator,
    Metric,
    Observation,
    Series,
    SeriesRollup,
    Station,
    StationKind,
    Status,
    bucket_start,
    series_thresholds,
    status_for,
)
from .signals import observations_written, readings_written

OVERVIEW_TTL = 60  # seconds; new data invalidates sooner through the data version
VERSION_KEY = "monitoring:data-version"
# How many periods a card's sparkline shows, per frequency.
SPARK_PERIODS = {Frequency.DAILY: 30, Frequency.MONTHLY: 24, Frequency.QUARTERLY: 12, Frequency.YEARLY: 12}
REALTIME_SPARK_HOURS = 24
STATION_SILENT_AFTER = 2 * 3600  # a station that sent nothing for this long is shown as silent
STATUS_ORDER = {Status.CRITICAL: 3, Status.WARNING: 2, Status.OK: 1, Status.UNKNOWN: 0}
STATUS_COLOURS = {Status.OK: "#15803d", Status.WARNING: "#d97706", Status.CRITICAL: "#b91c1c",
                  Status.UNKNOWN: "#64748b", "silent": "#475569"}
HOUR, DAY = 3600, 86400


# --- Data version (cache invalidation) ------------------------------------------------------------


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_data_version():
    cache.set(VERSION_KEY, time.time_ns(), None)


@receiver(readings_written, dispatch_uid="monitoring.queries.readings")
@receiver(observations_written, dispatch_uid="monitoring.queries.observations")
def _on_data_written(sender, **kwargs):
    # Sent inside the writer's transaction: readers must not cache the old figures under the new version.
    transaction.on_commit(bump_data_version)


# --- Areas ----------------------------------------------------------------------------------------


def province():
    """The current province (the IOC serves one)."""
    return Area.objects.filter(level=AreaLevel.PROVINCE, is_current=True).order_by("pk").first()


def communes():
    """The current communes: [{id, code, name, short_name, kind, lat, lon, area_km2}], by name, cached."""
    key = f"monitoring:communes:{Area.objects.communes().count()}"
    rows = cache.get(key)
    if rows is None:
        rows = [
            {"id": pk, "code": code, "name": name, "short_name": short, "kind": kind, "lat": lat, "lon": lon,
             "area_km2": km2}
            for pk, code, name, short, kind, lat, lon, km2 in Area.objects.communes().order_by("name").values_list(
                "pk", "code", "name", "short_name", "kind", "latitude", "longitude", "area_km2")
        ]
        cache.set(key, rows, 600)
    return rows


def area_by_code(code):
    """A current province or commune by its code, or None."""
    if not code:
        return None
    return Area.objects.filter(code=code, is_current=True,
                               level__in=(AreaLevel.PROVINCE, AreaLevel.COMMUNE)).first()


def province_outline():
    """An approximate outline of the province, drawn from the communes' centroids and areas (the shipped
    administrative data has no boundaries): the union of one circle per commune with the commune's area,
    closed and simplified. [[ [lat, lon], ... ], ...] rings, outer rings only."""
    rows = [c for c in communes() if c["lat"] is not None and c["lon"] is not None]
    if not rows:
        return []
    key = f"monitoring:outline:{len(rows)}:{round(sum(c['lat'] + c['lon'] for c in rows), 4)}"
    rings = cache.get(key)
    if rings is not None:
        return rings
    from shapely.geometry import Point
    from shapely.ops import unary_union

    lat0 = sum(c["lat"] for c in rows) / len(rows)
    kx, ky = 111.32 * math.cos(math.radians(lat0)), 110.57  # km per degree of longitude, latitude
    circles = []
    for c in rows:
        radius = math.sqrt((c["area_km2"] or 20.0) / math.pi) * 1.15  # a little larger: communes are not discs
        circles.append(Point(c["lon"] * kx, c["lat"] * ky).buffer(radius, 16))
    shape = unary_union(circles).buffer(2.5).buffer(-2.5).simplify(0.4)
    polygons = getattr(shape, "geoms", [shape])
    rings = [[[round(y / ky, 5), round(x / kx, 5)] for x, y in polygon.exterior.coords]
             for polygon in polygons if polygon.area > 5]
    cache.set(key, rings, 24 * 3600)
    return rings


# --- Periods and formatting -----------------------------------------------------------------------


def period_label(period: date, frequency: str) -> str:
    if frequency == Frequency.YEARLY:
        return f"{period.year}"
    if frequency == Frequency.QUARTERLY:
        return _("Quý %(q)s/%(y)s") % {"q": (period.month - 1) // 3 + 1, "y": period.year}
    if frequency == Frequency.MONTHLY:
        return f"{period.month:02d}/{period.year}"
    return f"{period.day:02d}/{period.month:02d}/{period.year}"


def period_phrase(period: date, frequency: str) -> str:
    """The period named in a sentence: "quý 3/2026", "tháng 10/2026", "năm 2025", "ngày 22/11/2026"."""
    if frequency == Frequency.YEARLY:
        return _("năm %(y)s") % {"y": period.year}
    if frequency == Frequency.QUARTERLY:
        return _("quý %(q)s/%(y)s") % {"q": (period.month - 1) // 3 + 1, "y": period.year}
    if frequency == Frequency.MONTHLY:
        return _("tháng %(m)02d/%(y)s") % {"m": period.month, "y": period.year}
    return _("ngày %(d)s") % {"d": f"{period.day:02d}/{period.month:02d}/{period.year}"}


def bucket_label(bucket: int, grain: str) -> str:
    local = datetime.fromtimestamp(bucket, VN_TZ)
    if grain == Grain.HOUR:
        return local.strftime("%H:%M %d/%m")
    if grain == Grain.DAY:
        return local.strftime("%d/%m/%Y")
    return local.strftime("%m/%Y")


def shift_period(period: date, frequency: str, n: int) -> date:
    """The period n steps before (n < 0) or after this one."""
    if frequency == Frequency.DAILY:
        return period + timedelta(days=n)
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}.get(frequency, 1) * n
    index = period.year * 12 + period.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def vn_today() -> date:
    return datetime.now(VN_TZ).date()


def date_to_epoch(day: date) -> int:
    """Epoch seconds of midnight, Vietnam time, starting this day."""
    return int(datetime(day.year, day.month, day.day, tzinfo=VN_TZ).timestamp())


def realtime_value(indicator, count, total, low, high, stations=1):
    """One figure of a real-time indicator from an area rollup row, combined as the indicator says over time and
    over the stations of the area: a river's level is its highest gauge at the highest moment (max, max), rainfall
    the total of an average station (sum over time, mean over the area), PM2.5 the mean of the readings."""
    if not count:
        return None
    over_time, over_area = indicator.time_aggregation, indicator.area_aggregation
    if Aggregation.MAX in (over_time, over_area):
        return high
    if Aggregation.MIN in (over_time, over_area):
        return low
    if over_time == Aggregation.SUM:
        return total if over_area == Aggregation.SUM else total / (stations or 1)
    return total / count


def _round(value, decimals):
    return None if value is None else round(value, decimals)


def fmt(value, decimals=1):
    """A number as people of the active language write it (1.234,5 in Vietnamese, 1,234.5 in English), or an
    en dash when there is none."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if (get_language() or "vi").startswith("en"):
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _change(latest, previous, *, direction, unit):
    """Absolute change, relative change (not for percentages, where points are the change) and whether it is
    good news for the indicator's direction."""
    if latest is None or previous is None:
        return None, None, None
    change = latest - previous
    relative = None
    if previous and unit.strip() != "%":
        relative = change / abs(previous) * 100
    if change == 0 or direction == Direction.NEUTRAL:
        good = None
    else:
        good = (change > 0) == (direction == Direction.UP)
    return change, relative, good


def _target_met(value, target, direction):
    if value is None or target is None or direction == Direction.NEUTRAL:
        return None
    return value >= target if direction == Direction.UP else value <= target


# --- Indicator cards ------------------------------------------------------------------------------


def _labels():
    """Frequency and status labels in the active language, translated once per call, not once per card."""
    return ({value: str(label) for value, label in Frequency.choices},
            {value: str(label) for value, label in Status.choices})


def _card(indicator, points, *, realtime, labels=None):
    """A card from an indicator's points [(label, value)], oldest first (the last is the latest)."""
    frequency_labels, status_labels = labels or _labels()
    decimals = indicator.decimals
    latest = points[-1] if points else None
    previous = points[-2] if len(points) > 1 else None
    value = latest[1] if latest else None
    # Compared as shown (rounded), so a change too small to show is "■ 0", not "▼ -0,0".
    change, relative, good = _change(_round(value, decimals), _round(previous[1], decimals) if previous else None,
                                     direction=indicator.direction, unit=indicator.unit_label)
    status = indicator.status_for(value)
    return {
        "code": indicator.code,
        "name": indicator.label,
        "unit": indicator.unit_label,
        "decimals": decimals,
        "frequency": indicator.frequency,
        "frequency_label": frequency_labels.get(indicator.frequency, indicator.frequency),
        "realtime": realtime,
        "is_public": indicator.is_public,
        "direction": indicator.direction,
        "value": _round(value, decimals),
        "period_label": latest[0] if latest else "",
        "previous": _round(previous[1], decimals) if previous else None,
        "previous_label": previous[0] if previous else "",
        "change": _round(change, decimals),
        "change_pct": _round(relative, 1),
        "change_good": good,
        "trend": None if change is None else ("up" if change > 0 else "down" if change < 0 else "flat"),
        "status": status,
        "status_label": status_labels[status],
        "colour": STATUS_COLOURS[status],
        "target": indicator.target,
        "target_met": _target_met(value, indicator.target, indicator.direction),
        "warning": indicator.warning_threshold,
        "critical": indicator.critical_threshold,
        "value_text": fmt(value, decimals),
        "previous_text": fmt(previous[1], decimals) if previous else "",
        "change_text": ("+" if change and change > 0 else "") + fmt(change, decimals) if change is not None else "",
        "change_pct_text": ("+" if relative and relative > 0 else "") + fmt(relative, 1) if relative is not None else "",
        "target_text": fmt(indicator.target, decimals) if indicator.target is not None else "",
        "spark": [_round(v, decimals) for _label, v in points],
        "spark_labels": [label for label, _v in points],
    }


def _observed_points(indicators, area_id, today):
    """{indicator_id: [(label, value)]} for observed indicators, the last SPARK_PERIODS periods with data:
    one query for the recent window, one more only for indicators whose latest figure is older."""
    if not indicators:
        return {}
    by_id = {i.pk: i for i in indicators}
    windows = defaultdict(list)
    for indicator in indicators:
        n = SPARK_PERIODS.get(indicator.frequency, 24)
        windows[shift_period(today, indicator.frequency, -(n + 1))].append(indicator.pk)
    from django.db.models import Q

    condition = Q()
    for start, ids in windows.items():
        condition |= Q(indicator_id__in=ids, period__gte=start)
    rows = defaultdict(list)
    for indicator_id, period, value in (Observation.objects.filter(condition, area_id=area_id, is_current=True)
                                        .order_by("indicator_id", "period")
                                        .values_list("indicator_id", "period", "value")):
        rows[indicator_id].append((period, value))
    missing = [pk for pk in by_id if pk not in rows]
    if missing:
        # Indicators whose figures stopped before the window: their own latest periods.
        latest = dict(Observation.objects.filter(indicator_id__in=missing, area_id=area_id, is_current=True)
                      .values("indicator_id").annotate(last=Max("period")).values_list("indicator_id", "last"))
        condition = Q()
        for pk, last in latest.items():
            indicator = by_id[pk]
            start = shift_period(last, indicator.frequency, -SPARK_PERIODS.get(indicator.frequency, 24))
            condition |= Q(indicator_id=pk, period__gt=start)
        if latest:
            for indicator_id, period, value in (Observation.objects.filter(condition, area_id=area_id, is_current=True)
                                                .order_by("indicator_id", "period")
                                                .values_list("indicator_id", "period", "value")):
                rows[indicator_id].append((period, value))
    points = {}
    for pk, items in rows.items():
        indicator = by_id[pk]
        items = items[-SPARK_PERIODS.get(indicator.frequency, 24):]
        points[pk] = [(period_label(p, indicator.frequency), v) for p, v in items]
    return points


def _realtime_points(indicators, area_id, now):
    """{indicator_id: [(label, value)]} for real-time indicators: the area's hourly rollups of the last day
    (daily rollups of the last month when the area has no recent hour)."""
    if not indicators:
        return {}
    metric_ids = {i.metric_id for i in indicators}
    by_metric = defaultdict(dict)
    start = bucket_start(now, Grain.HOUR) - (REALTIME_SPARK_HOURS - 1) * HOUR
    for metric_id, bucket, count, total, low, high, n in (
            AreaRollup.objects.filter(area_id=area_id, metric_id__in=metric_ids, grain=Grain.HOUR, bucket__gte=start)
            .values_list("metric_id", "bucket", "count", "sum", "min", "max", "stations")):
        by_metric[(metric_id, Grain.HOUR)][bucket] = (count, total, low, high, n)
    silent = {m for m in metric_ids if (m, Grain.HOUR) not in by_metric}
    if silent:
        start = bucket_start(now, Grain.DAY) - 30 * DAY
        for metric_id, bucket, count, total, low, high, n in (
                AreaRollup.objects.filter(area_id=area_id, metric_id__in=silent, grain=Grain.DAY, bucket__gte=start)
                .values_list("metric_id", "bucket", "count", "sum", "min", "max", "stations")):
            by_metric[(metric_id, Grain.DAY)][bucket] = (count, total, low, high, n)
    points = {}
    for indicator in indicators:
        for grain in (Grain.HOUR, Grain.DAY):
            buckets = by_metric.get((indicator.metric_id, grain))
            if buckets:
                points[indicator.pk] = [(bucket_label(b, grain), realtime_value(indicator, *buckets[b]))
                                        for b in sorted(buckets)]
                break
    return points


def visible_indicators(access):
    return (Indicator.objects.for_access(access).select_related("sector__domain", "metric")
            .order_by("sector__domain__order", "sector__domain__name", "sector__order", "order", "code"))


def overview(access, area=None, *, use_cache=True):
    """Cards per domain for the province (or one commune): value, status, target, change, sparkline.
    {"area": {...}, "domains": [{code, name, icon, cards: [...]}], "counts": {status: n}}."""
    area = area or province()
    if area is None:
        return {"area": None, "domains": [], "counts": {}, "generated_at": timezone.now().isoformat()}
    scope = "staff" if access.is_staff_member else "public"
    key = f"monitoring:overview:{data_version()}:{area.pk}:{scope}:{get_language() or 'vi'}"
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return cached
    indicators = list(visible_indicators(access))
    now, today = int(time.time()), vn_today()
    observed = _observed_points([i for i in indicators if i.metric_id is None], area.pk, today)
    realtime = _realtime_points([i for i in indicators if i.metric_id is not None], area.pk, now)
    domains, counts = {}, defaultdict(int)
    labels = _labels()
    for indicator in indicators:
        domain = indicator.sector.domain
        group = domains.setdefault(domain.pk, {"code": domain.code, "name": domain.label, "icon": domain.icon,
                                               "cards": []})
        is_realtime = indicator.metric_id is not None
        card = _card(indicator, (realtime if is_realtime else observed).get(indicator.pk, []), realtime=is_realtime,
                     labels=labels)
        card["sector"] = indicator.sector.label
        group["cards"].append(card)
        counts[card["status"]] += 1
    result = {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "domains": list(domains.values()),
        "counts": dict(counts),
        "generated_at": timezone.now().isoformat(),
    }
    if use_cache:
        cache.set(key, result, OVERVIEW_TTL)
    return result


# --- One indicator --------------------------------------------------------------------------------

OBSERVED_RANGES = {"1y": 1, "3y": 3, "5y": 5, "all": None}
REALTIME_RANGES = {"24h": 1, "7d": 7, "30d": 30, "1y": 365}


def default_range(indicator):
    return "24h" if indicator.metric_id else "5y"


def resolve_range(indicator, name=None, start=None, end=None):
    """(start, end) dates of a named range or a custom one (end inclusive). Raises ValueError with a
    Vietnamese message when the custom range is wrong."""
    today = vn_today()
    if start or end:
        end = end or today
        start = start or shift_period(end, Frequency.YEARLY, -1)
        if start > end:
            raise ValueError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return start, end
    name = name or default_range(indicator)
    if indicator.metric_id:
        if name not in REALTIME_RANGES:
            raise ValueError(_("Khoảng thời gian không hợp lệ."))
        return today - timedelta(days=REALTIME_RANGES[name] - 1 if name != "24h" else 1), today
    if name not in OBSERVED_RANGES:
        raise ValueError(_("Khoảng thời gian không hợp lệ."))
    years = OBSERVED_RANGES[name]
    if years is None:
        return date(1900, 1, 1), today
    return shift_period(today, Frequency.YEARLY, -years), today


def grain_for(start: date, end: date) -> str:
    """Hour for up to 7 days, day for up to about 13 months, month beyond."""
    days = (end - start).days + 1
    if days <= 7:
        return Grain.HOUR
    if days <= 400:
        return Grain.DAY
    return Grain.MONTH


def indicator_series(indicator, area, start: date, end: date):
    """The indicator's values for one area from start to end (dates, end inclusive):
    {"grain", "points": [{"label", "period", "value", "quality"?, "revision"?, "status"}]} (observed indicators
    carry the figure's quality flag and its revision: 1, or more once corrected)."""
    decimals = indicator.decimals
    if indicator.metric_id is None:
        rows = (Observation.objects.filter(indicator=indicator, area=area, is_current=True,
                                           period__gte=start, period__lte=end)
                .order_by("period").values_list("period", "value", "quality", "revision"))
        points = [{"label": period_label(p, indicator.frequency), "period": p.isoformat(),
                   "value": _round(v, decimals), "quality": q, "revision": r, "status": indicator.status_for(v)}
                  for p, v, q, r in rows]
        return {"grain": indicator.frequency, "points": points}
    grain = grain_for(start, end)
    t0, t1 = date_to_epoch(start), date_to_epoch(end + timedelta(days=1))
    if grain == Grain.HOUR and indicator.metric_id and (end - start).days <= 1:
        # "24 giờ qua": the last 24 hours up to now, not two calendar days
        t1 = bucket_start(int(time.time()), Grain.HOUR) + HOUR
        t0 = t1 - 24 * HOUR
    rows = (AreaRollup.objects.filter(area_id=area.pk, metric_id=indicator.metric_id, grain=grain,
                                      bucket__gte=t0, bucket__lt=t1)
            .order_by("bucket").values_list("bucket", "count", "sum", "min", "max", "stations"))
    points = []
    for bucket, count, total, low, high, n in rows:
        value = realtime_value(indicator, count, total, low, high, n)
        points.append({"label": bucket_label(bucket, grain), "period": datetime.fromtimestamp(bucket, VN_TZ).isoformat(),
                       "value": _round(value, decimals), "min": _round(low, decimals),
                       "max": _round(high, decimals), "status": indicator.status_for(value)})
    return {"grain": grain, "points": points}


def latest_commune_period(indicator):
    """The latest period (a date, or a day bucket for real-time indicators) with commune figures."""
    ids = [c["id"] for c in communes()]
    if indicator.metric_id is None:
        return (Observation.objects.filter(indicator=indicator, is_current=True, area_id__in=ids)
                .order_by("-period").values_list("period", flat=True).first())
    bucket = (AreaRollup.objects.filter(area_id__in=ids, metric_id=indicator.metric_id, grain=Grain.DAY)
              .aggregate(last=Max("bucket"))["last"])
    return datetime.fromtimestamp(bucket, VN_TZ).date() if bucket is not None else None


def commune_comparison(indicator, period: date | None = None):
    """Every commune's value for one period (the latest with commune figures by default), with centroids:
    {"period", "period_label", "period_phrase" (for a sentence: "quý 3/2026"), "with_values", "without_values",
    "rows": [{code, name, lat, lon, value, status, colour}] largest first, then communes without a figure}."""
    rows_by_id = {c["id"]: c for c in communes()}
    period = period or latest_commune_period(indicator)
    values = {}
    if period is not None:
        if indicator.metric_id is None:
            period = _normalise_period(period, indicator.frequency)
            values = dict(Observation.objects.filter(indicator=indicator, is_current=True, period=period,
                                                     area_id__in=list(rows_by_id))
                          .values_list("area_id", "value"))
            label = period_label(period, indicator.frequency)
            phrase = period_phrase(period, indicator.frequency)
        else:
            bucket = date_to_epoch(period)
            values = {area_id: realtime_value(indicator, count, total, low, high, n)
                      for area_id, count, total, low, high, n in
                      AreaRollup.objects.filter(area_id__in=list(rows_by_id), metric_id=indicator.metric_id,
                                                grain=Grain.DAY, bucket=bucket)
                      .values_list("area_id", "count", "sum", "min", "max", "stations")}
            label = period_label(period, Frequency.DAILY)
            phrase = period_phrase(period, Frequency.DAILY)
    else:
        label = phrase = ""
    rows = []
    for area_id, commune in rows_by_id.items():
        value = values.get(area_id)
        status = indicator.status_for(value)
        rows.append({"code": commune["code"], "name": commune["name"], "lat": commune["lat"],
                     "lon": commune["lon"], "value": _round(value, indicator.decimals), "status": status,
                     "colour": STATUS_COLOURS[status]})
    rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["name"]))
    with_values = sum(1 for r in rows if r["value"] is not None)
    return {"period": period.isoformat() if period else None, "period_label": label, "period_phrase": phrase,
            "with_values": with_values, "without_values": len(rows) - with_values, "rows": rows}


def _normalise_period(period: date, frequency):
    if frequency == Frequency.YEARLY:
        return date(period.year, 1, 1)
    if frequency == Frequency.QUARTERLY:
        return date(period.year, (period.month - 1) // 3 * 3 + 1, 1)
    if frequency == Frequency.MONTHLY:
        return date(period.year, period.month, 1)
    return period


def comparison_periods(indicator, limit=24):
    """Recent periods with commune figures (for the period selector), newest first: [(iso, label)]."""
    ids = [c["id"] for c in communes()]
    if indicator.metric_id is None:
        periods = (Observation.objects.filter(indicator=indicator, is_current=True, area_id__in=ids)
                   .order_by("-period").values_list("period", flat=True).distinct()[:limit])
        return [(p.isoformat(), period_label(p, indicator.frequency)) for p in periods]
    latest = latest_commune_period(indicator)
    if latest is None:
        return []
    return [((latest - timedelta(days=n)).isoformat(), period_label(latest - timedelta(days=n), Frequency.DAILY))
            for n in range(min(limit, 31))]


# --- Stations -------------------------------------------------------------------------------------


def stations(access, *, area=None, now=None):
    """Stations the caller may see with their latest values and status:
    [{code, name, kind, kind_label, lat, lon, commune, last_seen, status, colour, silent, values: [...]}]."""
    now = now or int(time.time())
    qs = Station.objects.for_access(access).filter(is_active=True)
    if area is not None and area.level == AreaLevel.COMMUNE:
        qs = qs.filter(area=area)
    stations_by_id = {}
    kinds = {value: str(label) for value, label in StationKind.choices}
    for station in qs.select_related("area").order_by("kind", "code"):
        stations_by_id[station.pk] = {
            "code": station.code, "name": station.name, "kind": station.kind,
            "kind_label": kinds.get(station.kind, station.kind), "lat": station.latitude, "lon": station.longitude,
            "commune": station.area.name if station.area else "", "address": station.address,
            "last_seen": station.last_seen_at.isoformat() if station.last_seen_at else None,
            "values": [], "status": Status.UNKNOWN, "silent": True,
        }
    metrics = {m.pk: m for m in Metric.objects.all()}
    labels = {pk: (m.label, m.unit_label) for pk, m in metrics.items()}
    order = {pk: (m.order, m.code) for pk, m in metrics.items()}
    rows = sorted(Series.objects.filter(station_id__in=list(stations_by_id))
                  .values_list("station_id", "metric_id", "last_t", "last_value", "warning_threshold",
                               "critical_threshold"), key=lambda r: order[r[1]])
    for station_id, metric_id, last_t, last_value, own_warning, own_critical in rows:
        entry = stations_by_id[station_id]
        metric = metrics[metric_id]
        warning, critical = series_thresholds(metric, own_warning, own_critical)
        status = status_for(last_value, direction=metric.direction, warning=warning, critical=critical)
        fresh = last_t is not None and now - last_t <= STATION_SILENT_AFTER
        name, unit = labels[metric_id]
        entry["values"].append({
            "metric": metric.code, "name": name, "unit": unit,
            "value": _round(last_value, metric.decimals), "t": last_t,
            "time": datetime.fromtimestamp(last_t, VN_TZ).strftime("%H:%M %d/%m/%Y") if last_t else "",
            "status": status, "colour": STATUS_COLOURS[status], "fresh": fresh,
            "warning": warning, "critical": critical,
        })
        if fresh:
            entry["silent"] = False
            if STATUS_ORDER[status] > STATUS_ORDER[entry["status"]]:
                entry["status"] = status
    result = list(stations_by_id.values())
    for entry in result:
        entry["colour"] = STATUS_COLOURS["silent"] if entry["silent"] else STATUS_COLOURS[entry["status"]]
        entry["status_label"] = (str(_("Mất tín hiệu")) if entry["silent"] and entry["values"]
                                 else str(Status(entry["status"]).label))
    return result


def station_history(station, metric_code=None, *, days=7, end=None):
    """A station's history from its rollups: hourly for up to 7 days, daily for longer.
    {"grain", "series": [{metric, name, unit, points: [[label, mean, min, max]]}]}."""
    days = max(1, min(int(days), 3660))
    end = end or int(time.time())
    grain = Grain.HOUR if days <= 7 else Grain.DAY
    start = bucket_start(end - days * DAY, grain)
    series = list(Series.objects.filter(station=station).select_related("metric").order_by("metric__order",
                                                                                            "metric__code"))
    if metric_code:
        series = [s for s in series if s.metric.code == metric_code]
    by_series = defaultdict(list)
    for series_id, bucket, count, total, low, high in (
            SeriesRollup.objects.filter(series_id__in=[s.pk for s in series], grain=grain, bucket__gte=start,
                                        bucket__lte=end)
            .order_by("series_id", "bucket").values_list("series_id", "bucket", "count", "sum", "min", "max")):
        by_series[series_id].append((bucket, count, total, low, high))
    out = []
    for s in series:
        d = s.metric.decimals
        warning, critical = s.thresholds()
        out.append({
            "metric": s.metric.code, "name": s.metric.label, "unit": s.metric.unit_label,
            "warning": warning, "critical": critical,
            "points": [[bucket_label(b, grain), _round(total / count if count else None, d), _round(low, d),
                        _round(high, d)] for b, count, total, low, high in by_series.get(s.pk, [])],
        })
    return {"grain": grain, "days": days, "series": out}


# --- Other modules' figures for the wall ----------------------------------------------------------


def open_events(access, limit=8):
    """Active alert events the caller may see, from the alerts module, as plain dicts; None when the alerts
    module does not provide them (the panels then say so instead of showing an empty list as if all were well)."""
    try:
        from ioc.alerts.queries import open_events as alerts_open_events
    except ImportError:
        return None
    events = []
    for event in alerts_open_events(access=access, limit=limit):
        severe = event.severity in ("Severe", "Extreme")
        events.append({
            "title": event.headline, "severity": "critical" if severe else "warning",
            "severity_label": str(event.get_severity_display()), "status_label": str(event.get_status_display()),
            "area": event.place or (event.area.name if event.area_id else ""),
            "opened_at_text": timezone.localtime(event.last_triggered_at).strftime("%H:%M %d/%m/%Y"),
            "url": getattr(event, "url", ""),
        })
    return events


def feedback_today():
    """Citizen reports received today (Vietnam time) by status, every report still open and the overdue ones."""
    from django.db.models import Count

    from ioc.feedback.models import OPEN_STATUSES, Report
    from ioc.feedback.models import Status as ReportStatus

    start = datetime.combine(vn_today(), datetime.min.time(), tzinfo=VN_TZ)
    counts = dict(Report.objects.filter(received_at__gte=start).values("status").annotate(n=Count("id"))
                  .values_list("status", "n"))
    by_status = [{"status": value, "label": str(label), "count": counts.get(value, 0)}
                 for value, label in ReportStatus.choices]
    return {"received_today": sum(counts.values()), "by_status": by_status,
            "open": Report.objects.filter(status__in=OPEN_STATUSES).count(),
            "overdue": Report.objects.overdue().count()}

