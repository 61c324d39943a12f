"""Rule evaluation: new readings and observations against the active rules, and the minute-by-minute watch for
silent sources and events back to normal.

- `evaluate_series(series_ids, t_min, t_max)` runs after each batch of readings (`readings_written` → a huey
  task on commit). It reads the batch's readings of the matching series in one query over the readings'
  primary key (series, t), bounded to the last `LOOKBACK_SECONDS` before each series' latest reading: a
  back-filled year is not replayed as a year of alerts.
- `evaluate_observations(indicator_ids, area_ids, periods)` runs after observations are stored: each matching
  rule looks at the latest current figure of each touched area (and the period before it, for rates).
- `watch(now)` runs every minute: no-data rules (Series.last_t, Station.last_seen_at,
  DataSource.last_received_at, the latest observation) and the automatic resolution of quiet events.

A point is evaluated once per event: points at or before the event's latest breach (or its return to normal)
are skipped, so re-sent data does not inflate counts.
"""

import logging
from collections import defaultdict
from datetime import datetime, time

from django.db.models import Max, Q
from django.utils import timezone

from ioc.monitoring.models import (
    VN_TZ, DataSource, Observation, Reading, Series, Station, from_epoch,
)

from . import services
from .models import RATE_CONDITIONS, AlertEvent, AlertRule, Condition, EventStatus
from .services import Subject

log = logging.getLogger(__name__)

LOOKBACK_SECONDS = 6 * 3600
MAX_POINTS_PER_SERIES = 5000


# --- Sensor readings --------------------------------------------------------------------------------


def _covers(area_id, station_area):
    """Does the rule's area (a commune, or the province above it) hold a station of station_area?"""
    return station_area is not None and area_id in (station_area.pk, station_area.parent_id)


def _matches(rule, series):
    if rule.metric_id != series.metric_id:
        return False
    if rule.station_id and rule.station_id != series.station_id:
        return False
    if rule.area_id and not _covers(rule.area_id, series.station.area):
        return False
    return True


def _rate(rule, points, index):
    """The change at points[index] against the latest point at least window minutes older (within twice the
    window), as a percentage or an absolute difference; None without a reference point."""
    t, value = points[index]
    window = (rule.window_minutes or 0) * 60
    reference = None
    for j in range(index - 1, -1, -1):
        tj, vj = points[j]
        if tj <= t - window:
            if tj >= t - 2 * window:
                reference = vj
            break
    if reference is None:
        return None
    if rule.condition == Condition.RATE_PERCENT:
        if reference == 0:
            return None
        return (value - reference) / abs(reference) * 100
    return value - reference


def evaluate_series(series_ids, t_min=None, t_max=None, *, lookback=LOOKBACK_SECONDS,
                    max_points=MAX_POINTS_PER_SERIES):
    """Evaluate the value rules of the metrics of these series over the readings of [t_min, t_max]."""
    series_list = list(Series.objects.filter(pk__in=series_ids, last_t__isnull=False)
                       .select_related("station__area", "metric"))
    if not series_list:
        return 0
    rules = list(AlertRule.objects.active().filter(metric_id__in={s.metric_id for s in series_list})
                 .exclude(condition=Condition.NO_DATA).select_related("metric", "responsible_unit"))
    pairs = [(rule, s) for rule in rules for s in series_list if _matches(rule, s)]
    if not pairs:
        return 0
    longest_window = max((r.window_minutes or 0) * 60 for r, _s in pairs if r.condition in RATE_CONDITIONS) \
        if any(r.condition in RATE_CONDITIONS for r, _s in pairs) else 0
    starts = {}
    for rule, s in pairs:
        start = s.last_t - lookback
        if t_min is not None:
            start = max(start, t_min)
        starts[s.pk] = min(starts.get(s.pk, start), start)
    upper = max(s.last_t for _r, s in pairs)
    lower = min(starts.values()) - 2 * longest_window
    points = defaultdict(list)
    # One query over the primary key (series, t); bounded by the lookback.
    for series_id, t, value in (Reading.objects.filter(series_id__in=list(starts), t__gte=lower, t__lte=upper)
                                .order_by("series_id", "t").values_list("series_id", "t", "value")):
        points[series_id].append((t, value))
    events = {(e.rule_id, e.subject_key): e for e in AlertEvent.objects.active().filter(
        rule__in=[r for r, _s in pairs], subject_key__in=[f"series:{s.pk}" for _r, s in pairs]).select_related(
        "rule__metric", "series", "station", "area")}
    # Points up to the end of the latest resolved event were judged already: replaying them must not reopen it.
    ended = {(row["rule_id"], row["subject_key"]): row["last"] for row in AlertEvent.objects.filter(
        rule__in=[r for r, _s in pairs], subject_key__in=[f"series:{s.pk}" for _r, s in pairs],
        status=EventStatus.RESOLVED).values("rule_id", "subject_key").annotate(last=Max("resolved_at"))}
    changed = 0
    for rule, s in pairs:
        series_points = points.get(s.pk, [])[-max_points:]
        subject = Subject.for_series(s)
        event = events.get((rule.pk, subject.key))
        watermark = ended.get((rule.pk, subject.key))
        if watermark is not None:
            start = max(starts[s.pk], int(watermark.timestamp()) + 1)
        else:
            start = starts[s.pk]
        changed += _run(rule, subject, event, series_points, start=start)
    return changed


def _run(rule, subject, event, points, *, start):
    """Walk the points in time order, opening, updating and auto-resolving the subject's event."""
    dirty = False
    transitions = 0
    resolve_after = rule.resolve_after_minutes * 60
    for index, (t, raw) in enumerate(points):
        if t < start:
            continue
        at = from_epoch(t)
        value = _rate(rule, points, index) if rule.condition in RATE_CONDITIONS else raw
        if value is None:
            continue
        if event is not None and at <= max(event.last_triggered_at, event.normal_since or event.last_triggered_at):
            continue
        if rule.breaches(value):
            if event is None:
                event, created = services.open_event(rule=rule, subject=subject, value=value, at=at)
                transitions += 1
                if not created:  # another worker opened it meanwhile
                    services.note_breach(event, value=value, at=at)
                    dirty = True
            else:
                if services.note_breach(event, value=value, at=at):
                    transitions += 1
                dirty = True
        elif event is not None:
            if event.normal_since is None:
                event.normal_since = at
                dirty = True
            elif (at - event.normal_since).total_seconds() >= resolve_after:
                if dirty:
                    services.save_progress(event)
                services.auto_resolve(event, at=at)
                transitions += 1
                event, dirty = None, False
    if event is not None and dirty:
        services.save_progress(event)
    return transitions


# --- Indicator observations -------------------------------------------------------------------------


def _period_moment(period):
    return datetime.combine(period, time.min, tzinfo=VN_TZ)


def evaluate_observations(indicator_ids, area_ids, periods=None):
    """Evaluate indicator rules on the latest current figure of each touched area."""
    rules = list(AlertRule.objects.active().filter(indicator_id__in=indicator_ids)
                 .exclude(condition=Condition.NO_DATA).select_related("indicator", "area", "responsible_unit"))
    changed = 0
    for rule in rules:
        areas = [rule.area_id] if rule.area_id else list(area_ids)
        if rule.area_id and rule.area_id not in area_ids:
            continue
        latest = defaultdict(list)
        for obs in (Observation.objects.current().filter(indicator_id=rule.indicator_id, area_id__in=areas)
                    .select_related("area").order_by("area_id", "-period")):
            if len(latest[obs.area_id]) < 2:
                latest[obs.area_id].append(obs)
        for area_id, rows in latest.items():
            changed += _evaluate_indicator(rule, rows)
    return changed


def _evaluate_indicator(rule, rows):
    current = rows[0]
    value = current.value
    if rule.condition in RATE_CONDITIONS:
        if len(rows) < 2:
            return 0
        previous = rows[1].value
        if rule.condition == Condition.RATE_PERCENT:
            if previous == 0:
                return 0
            value = (current.value - previous) / abs(previous) * 100
        else:
            value = current.value - previous
    subject = Subject.for_indicator(rule.indicator, current.area)
    at = _period_moment(current.period)
    event = services.active_event(rule, subject.key)
    if rule.breaches(value):
        if event is None:
            if AlertEvent.objects.filter(rule=rule, subject_key=subject.key, status=EventStatus.RESOLVED,
                                         last_triggered_at__gte=at).exists():
                return 0  # this period's breach was handled and resolved already
            services.open_event(rule=rule, subject=subject, value=value, at=at)
            return 1
        if at < event.last_triggered_at:
            return 0  # a correction of an older period: the latest figure decides
        escalated = services.note_breach(event, value=value, at=at, count=at > event.last_triggered_at)
        services.save_progress(event)
        return int(escalated)
    if event is not None and at >= event.last_triggered_at:
        # A period's figure is final: a normal latest figure ends the event at once.
        services.auto_resolve(event, at=timezone.now())
        return 1
    return 0


# --- Silence and quiet events (every minute) --------------------------------------------------------


def _silence(rule, subject, last_seen, now):
    """Open, update or end a no-data event for one subject; `last_seen` None means never (not yet in service)."""
    if last_seen is None:
        return 0
    minutes = (now - last_seen).total_seconds() / 60
    event = services.active_event(rule, subject.key)
    if rule.breaches(minutes):
        if event is None:
            services.open_event(rule=rule, subject=subject, value=round(minutes), at=now)
            return 1
        escalated = services.note_breach(event, value=round(minutes), at=now, count=False)
        services.save_progress(event)
        return int(escalated)
    if event is not None:
        services.auto_resolve(event, at=now, note=_data_back_note())
        return 1
    return 0


def _data_back_note():
    from django.utils.translation import gettext as _

    return _("Đã nhận lại dữ liệu; sự kiện tự kết thúc.")


def check_silent_sources(*, now=None):
    now = now or timezone.now()
    changed = 0
    rules = AlertRule.objects.active().filter(condition=Condition.NO_DATA).select_related(
        "metric", "station__area", "indicator", "source", "area", "responsible_unit")
    for rule in rules:
        if rule.metric_id:
            series = Series.objects.filter(metric_id=rule.metric_id, station__is_active=True).select_related(
                "station__area", "metric")
            if rule.station_id:
                series = series.filter(station_id=rule.station_id)
            if rule.area_id:  # the commune, or the province above the stations' communes
                series = series.filter(Q(station__area_id=rule.area_id) | Q(station__area__parent_id=rule.area_id))
            for s in series:
                last = from_epoch(s.last_t) if s.last_t is not None else None
                changed += _silence(rule, Subject.for_series(s), last, now)
        elif rule.indicator_id:
            latest = Observation.objects.filter(indicator_id=rule.indicator_id)
            if rule.area_id:
                latest = latest.filter(area_id=rule.area_id)
            last = latest.aggregate(last=Max("recorded_at"))["last"]
            changed += _silence(rule, Subject.for_indicator(rule.indicator, rule.area), last, now)
        elif rule.station_id:
            station = Station.objects.select_related("area").get(pk=rule.station_id)
            if station.is_active:
                changed += _silence(rule, Subject.for_station(station), station.last_seen_at, now)
        elif rule.source_id:
            source = DataSource.objects.get(pk=rule.source_id)
            if source.is_active:
                changed += _silence(rule, Subject.for_source(source), source.last_received_at, now)
    return changed


def watch(*, now=None):
    """The minute job: silent sources, then events that have been back to normal long enough."""
    now = now or timezone.now()
    return check_silent_sources(now=now) + services.resolve_quiet_events(now=now)


def replay(series_ids, *, since_t):
    """Evaluate everything since `since_t` (epoch seconds): used by the demo to turn seeded history into events."""
    now_t = int(timezone.now().timestamp())
    return evaluate_series(series_ids, t_min=since_t, lookback=max(0, now_t - since_t) + 3600,
                           max_points=400 * 24 * 4)
