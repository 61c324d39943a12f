"""Indicator figures (*số liệu chỉ tiêu*): recording with revisions, province figures derived from communes,
and the calendar of reporting periods.

`record_observations` is the one way observations are written (file uploads, the push API, pulls, the demo):

- a figure equal to the current one (same value, same quality) writes nothing, so sending a file again is
  harmless;
- a different figure becomes revision n+1; the previous one stays in the history with `is_current=False` and
  `superseded_at`;
- when communes' figures change, the province figure of the same indicator and period is derived from the
  current commune figures by the indicator's `area_aggregation` (quality "derived"), unless the province figure
  was reported directly: a reported province figure is never replaced by a derived one, and it replaces a
  derived one when it arrives.

Everything is written in bulk (one query per step, not one per row), for files of tens of thousands of rows.
"""

import math
import re
from collections import defaultdict
from datetime import date, datetime
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from ioc.core.models import Area, AreaLevel

from . import signals
from .models import Aggregation, Frequency, Indicator, Observation, Quality

_CHUNK = 900
_FREQUENCY_FORMATS = {
    Frequency.YEARLY: "YYYY (ví dụ 2025)",
    Frequency.QUARTERLY: "Qn/YYYY hoặc YYYY-Qn (ví dụ Q1/2025)",
    Frequency.MONTHLY: "MM/YYYY hoặc YYYY-MM (ví dụ 03/2025)",
    Frequency.DAILY: "DD/MM/YYYY hoặc YYYY-MM-DD (ví dụ 15/03/2025)",
}


# --- Periods ---------------------------------------------------------------------------------------------


def period_start(day, frequency):
    """The first day of the period (day, month, quarter, year) of `frequency` that holds `day`."""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    if frequency == Frequency.YEARLY:
        return date(day.year, 1, 1)
    if frequency == Frequency.QUARTERLY:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if frequency == Frequency.MONTHLY:
        return date(day.year, day.month, 1)
    return day


def period_end(start, frequency):
    """The first day after the period starting `start`."""
    months = {Frequency.YEARLY: 12, Frequency.QUARTERLY: 3, Frequency.MONTHLY: 1}.get(frequency)
    if months is None:
        return date.fromordinal(start.toordinal() + 1)
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


_PATTERNS = [  # (regex, granularity, builder)
    (re.compile(r"^(\d{4})$"), Frequency.YEARLY, lambda m: (int(m[1]), 1, 1)),
    (re.compile(r"^(\d{4})\s*[-/ ]\s*Q([1-4])$", re.I), Frequency.QUARTERLY, lambda m: (int(m[1]), int(m[2]) * 3 - 2, 1)),
    (re.compile(r"^(?:Q|QUÝ\s*)([1-4])\s*[-/ ]\s*(\d{4})$", re.I), Frequency.QUARTERLY,
     lambda m: (int(m[2]), int(m[1]) * 3 - 2, 1)),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), Frequency.MONTHLY, lambda m: (int(m[1]), int(m[2]), 1)),
    (re.compile(r"^(\d{1,2})[/-](\d{4})$"), Frequency.MONTHLY, lambda m: (int(m[2]), int(m[1]), 1)),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), Frequency.DAILY, lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$"), Frequency.DAILY,
     lambda m: (int(m[3]), int(m[2]), int(m[1]))),
]
_FINENESS = {Frequency.YEARLY: 0, Frequency.QUARTERLY: 1, Frequency.MONTHLY: 2, Frequency.DAILY: 3}


def parse_period(text, frequency):
    """The start of the period written `text` for an indicator of `frequency`: "2025", "2025-Q1"/"Q1/2025",
    "2025-03"/"03/2025", "2025-03-15"/"15/03/2025". A finer date names the period holding it (15/03/2025 is
    March for a monthly indicator). Raises ValueError with a Vietnamese message."""
    if isinstance(text, datetime | date):
        return period_start(text, frequency)
    cleaned = str(text or "").strip()
    expected = _FREQUENCY_FORMATS.get(frequency, _FREQUENCY_FORMATS[Frequency.DAILY])
    if not cleaned:
        raise ValueError(f"Thiếu kỳ số liệu: cần dạng {expected}.")
    for pattern, granularity, build in _PATTERNS:
        match = pattern.match(cleaned)
        if match is None:
            continue
        year, month, day = build(match)
        try:
            if not 1900 <= year <= 2200:
                raise ValueError
            value = date(year, month, day)
        except ValueError:
            raise ValueError(f"Kỳ số liệu “{cleaned}” không phải ngày, tháng, quý hoặc năm có thật.") from None
        if _FINENESS[granularity] < _FINENESS.get(frequency, 3):
            raise ValueError(f"Kỳ số liệu “{cleaned}” chưa đủ chi tiết cho chỉ tiêu "
                             f"{Frequency(frequency).label}: cần dạng {expected}.")
        return period_start(value, frequency)
    raise ValueError(f"Không đọc được kỳ số liệu “{cleaned}”: cần dạng {expected}.")


# --- Aggregation -----------------------------------------------------------------------------------------


def aggregate_over_time(values, how):
    """One figure for a longer period from the figures of its sub-periods (a quarter from its months, a year
    from its quarters) by the indicator's `time_aggregation`. `values` are numbers in time order, or
    (period, value) pairs in any order; None values are ignored. None when there is nothing to aggregate."""
    items = [v for v in values if v is not None]
    if items and isinstance(items[0], tuple):
        items = [value for _, value in sorted(items, key=lambda pair: pair[0]) if value is not None]
    if not items:
        return None
    if how == Aggregation.SUM:
        return math.fsum(items)
    if how in (Aggregation.MEAN, Aggregation.WEIGHTED_MEAN):
        return math.fsum(items) / len(items)
    if how == Aggregation.MIN:
        return min(items)
    if how == Aggregation.MAX:
        return max(items)
    if how == Aggregation.LAST:
        return items[-1]
    raise ValueError(f"Cách tổng hợp không hợp lệ: {how}")


def aggregate_by_period(pairs, frequency, how):
    """{period start: figure} of `frequency` from (period, value) pairs of a finer frequency (monthly figures
    to quarters or years), by `how` (the indicator's time_aggregation)."""
    groups = defaultdict(list)
    for period, value in pairs:
        groups[period_start(period, frequency)].append((period, value))
    return {start: aggregate_over_time(items, how) for start, items in sorted(groups.items())}


def aggregate_over_areas(values, how, weights=None):
    """The province figure from the communes' figures {area_id: value} by `how` (the indicator's
    area_aggregation); `weights` {area_id: weight} for a weighted mean (communes without a weight are left out;
    with no weight at all, the plain mean). None for LAST, which has no meaning across areas."""
    items = {a: v for a, v in values.items() if v is not None}
    if not items or how == Aggregation.LAST:
        return None
    if how == Aggregation.WEIGHTED_MEAN and weights:
        weighted = [(v, weights[a]) for a, v in items.items() if weights.get(a)]
        total = math.fsum(w for _, w in weighted)
        if total:
            return math.fsum(v * w for v, w in weighted) / total
        how = Aggregation.MEAN
    return aggregate_over_time(list(items.values()), Aggregation.MEAN if how == Aggregation.WEIGHTED_MEAN else how)


# --- Recording -------------------------------------------------------------------------------------------


class RecordResult(NamedTuple):
    received: int  # rows given
    written: int  # new figures and revisions written (derived ones included)
    unchanged: int  # rows equal to the current figure
    derived: int  # province figures derived from communes (included in written)


def _chunks(items, size=_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _current(keys):
    """{(indicator_id, area_id, period): Observation} of the current figures for the given keys."""
    by_indicator = defaultdict(set)
    for indicator_id, area_id, period in keys:
        by_indicator[indicator_id].add(period)
    found = {}
    for indicator_id, periods in by_indicator.items():
        areas = {a for i, a, _ in keys if i == indicator_id}
        for period_chunk in _chunks(periods):
            query = Observation.objects.filter(indicator_id=indicator_id, period__in=period_chunk, is_current=True)
            if len(areas) <= _CHUNK:
                query = query.filter(area_id__in=areas)
            for obs in query.only("pk", "indicator_id", "area_id", "period", "value", "quality", "revision"):
                key = (obs.indicator_id, obs.area_id, obs.period)
                if key in keys:
                    found[key] = obs
    return found


def _write(wanted, *, source, batch, now):
    """Write {key: (value, quality, note)} as new current revisions where they differ from the current
    figures. Returns (written keys, unchanged count)."""
    current = _current(wanted.keys())
    superseded, created, unchanged = [], [], 0
    for key, (value, quality, note) in wanted.items():
        old = current.get(key)
        if old is not None and old.value == value and old.quality == quality:
            unchanged += 1
            continue
        if old is not None:
            superseded.append(old.pk)
        indicator_id, area_id, period = key
        created.append(Observation(indicator_id=indicator_id, area_id=area_id, period=period, value=value,
                                   quality=quality, note=note[:500], revision=(old.revision + 1) if old else 1,
                                   is_current=True, source=source, batch=batch, recorded_at=now))
    for chunk in _chunks(superseded):
        Observation.objects.filter(pk__in=chunk).update(is_current=False, superseded_at=now)
    Observation.objects.bulk_create(created, batch_size=2000)
    return [(o.indicator_id, o.area_id, o.period) for o in created], unchanged


def _weights(weight_indicator_id, pairs):
    """{(area_id, period): weight} from the weight indicator: the figure of the same period, or else the latest
    one before it (population is yearly while the weighted figure may be monthly)."""
    periods = {period for _, period in pairs}
    latest = max(periods)
    by_area = defaultdict(list)
    for area_id, period, value in Observation.objects.filter(
            indicator_id=weight_indicator_id, is_current=True, period__lte=latest).values_list(
            "area_id", "period", "value"):
        by_area[area_id].append((period, value))
    weights = {}
    for area_id, history in by_area.items():
        history.sort()
        for period in periods:
            before = [v for p, v in history if p <= period]
            if before:
                weights[(area_id, period)] = before[-1]
    return weights


def _derive(touched, *, batch, now):
    """Province figures derived from the current commune figures of every touched (indicator, period) whose
    province figure is not a reported one. Returns the keys written."""
    if not touched:
        return []
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in={i for i, _ in touched})}
    provinces = dict(Area.objects.filter(level=AreaLevel.COMMUNE, is_current=True, parent__level=AreaLevel.PROVINCE,
                                         parent__is_current=True).values_list("pk", "parent_id"))
    communes = defaultdict(dict)  # (indicator, province, period) → {commune: value}
    by_indicator = defaultdict(set)
    for indicator_id, period in touched:
        by_indicator[indicator_id].add(period)
    for indicator_id, periods in by_indicator.items():
        for chunk in _chunks(periods):
            for area_id, period, value in Observation.objects.filter(
                    indicator_id=indicator_id, period__in=chunk, is_current=True,
                    area__level=AreaLevel.COMMUNE).values_list("area_id", "period", "value"):
                if area_id in provinces:
                    communes[(indicator_id, provinces[area_id], period)][area_id] = value
    if not communes:
        return []
    reported = {  # province figures someone reported: never replaced by a derived one
        (o.indicator_id, o.area_id, o.period)
        for o in _current(set(communes)).values() if o.quality != Quality.DERIVED
    }
    weights = {}
    for indicator_id, indicator in indicators.items():
        if indicator.area_aggregation == Aggregation.WEIGHTED_MEAN and indicator.weight_indicator_id:
            pairs = {(a, p) for (i, _, p), values in communes.items() if i == indicator_id for a in values}
            if pairs:
                weights[indicator_id] = _weights(indicator.weight_indicator_id, pairs)
    wanted = {}
    for key, values in communes.items():
        if key in reported:
            continue
        indicator_id, _, period = key
        indicator = indicators[indicator_id]
        area_weights = {a: weights.get(indicator_id, {}).get((a, period)) for a in values}
        value = aggregate_over_areas(values, indicator.area_aggregation, area_weights)
        if value is None:
            continue
        decimals = max(indicator.decimals, 0) + 2  # a little more precision than shown
        wanted[key] = (round(value, decimals), Quality.DERIVED, f"Tổng hợp từ {len(values)} xã, phường.")
    written, _ = _write(wanted, source=None, batch=batch, now=now)
    return written


def record_observations(rows, *, source=None, batch=None, quality=Quality.OFFICIAL):
    """Record indicator figures: rows of (indicator_id, area_id, period date, value, quality or None, note).
    Periods are normalised to the start of the indicator's period; the last row of a repeated key wins.
    Returns RecordResult(received, written, unchanged, derived). Raises ValueError on an unknown indicator or
    area, or a value that is not a finite number."""
    rows = list(rows)
    indicator_ids = {row[0] for row in rows}
    frequencies = dict(Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "frequency"))
    if unknown := indicator_ids - frequencies.keys():
        raise ValueError(f"Không có chỉ tiêu mã {', '.join(map(str, sorted(unknown)[:10]))}.")
    area_ids = {row[1] for row in rows}
    levels = {}
    for chunk in _chunks(area_ids):
        levels.update(Area.objects.filter(pk__in=chunk).values_list("pk", "level"))
    if unknown := area_ids - levels.keys():
        raise ValueError(f"Không có địa bàn mã {', '.join(map(str, sorted(unknown)[:10]))}.")
    wanted = {}
    for indicator_id, area_id, period, value, row_quality, note in rows:
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"Giá trị “{value}” không phải là số.") from None
        if not math.isfinite(value):
            raise ValueError(f"Giá trị “{value}” không hợp lệ.")
        key = (indicator_id, area_id, period_start(period, frequencies[indicator_id]))
        wanted[key] = (value, row_quality or quality, note or "")
    if not wanted:
        return RecordResult(len(rows), 0, 0, 0)
    now = timezone.now()
    with transaction.atomic():
        written, unchanged = _write(wanted, source=source, batch=batch, now=now)
        communes_changed = {(i, p) for i, a, p in written if levels[a] == AreaLevel.COMMUNE}
        # Figures weighted by a changed indicator (population) follow it.
        if communes_changed:
            dependants = defaultdict(set)
            for pk, weight_id in Indicator.objects.filter(
                    weight_indicator_id__in={i for i, _ in communes_changed},
                    area_aggregation=Aggregation.WEIGHTED_MEAN).values_list("pk", "weight_indicator_id"):
                dependants[weight_id].add(pk)
            for indicator_id, period in list(communes_changed):
                for dependant in dependants.get(indicator_id, ()):
                    later = Observation.objects.filter(indicator_id=dependant, is_current=True,
                                                       area__level=AreaLevel.COMMUNE, period__gte=period)
                    communes_changed |= {(dependant, p) for p in later.values_list("period", flat=True).distinct()}
        derived = _derive(communes_changed, batch=batch, now=now)
        written += derived
        if written:
            signals.observations_written.send(
                sender=Observation, indicator_ids={i for i, _, _ in written}, area_ids={a for _, a, _ in written},
                periods={p for _, _, p in written})
    return RecordResult(len(rows), len(written), unchanged, len(derived))

