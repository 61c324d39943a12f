"""Validation and commit of delivered rows: the one path every ingestion channel goes through.

Files (`files.py`, `views/ingest.py`), the push API (`api_push.py`) and scheduled pulls (`pulls.py`) turn what they
receive into plain rows, then:

1. `find_replay(delivery, key)`: the same idempotency key from the same unit returns the batch it created;
2. `ObservationValidator` / `ReadingValidator` check every row and say what is wrong where
   (`{row, column, message}`, in the request's language), including rows the sender may not write
   (a unit writes only to the indicators and stations it owns; IOC operators and administrators to any);
3. `reject(...)` records a refused batch with its errors, or `commit(...)` writes everything in one
   transaction (all or nothing) through `storage.write_readings` / `observations.record_observations`, stores the
   `IngestBatch` and one audit event, and stamps the data sources that received data.

Validation of readings is a tight loop over parallel lists (no per-row objects): station and metric codes are
looked up once per batch, times are parsed once per distinct text.
"""

import math
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time as dt_time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core import audit
from ioc.core.access import Access
from ioc.core.areas import search_key
from ioc.core.models import Area, AreaLevel, AuditAction
from ioc.core.roles import Role

from .models import (VN_TZ, BatchStatus, DataSource, Frequency, IngestBatch, Indicator, Metric, OBSERVED_FREQUENCIES,
                     Quality, Station)

OBSERVATIONS = "observations"
READINGS = "readings"
TARGETS = (OBSERVATIONS, READINGS)

OBSERVATION_FIELDS = ("indicator", "area", "period", "value", "quality", "note")
OBSERVATION_REQUIRED = ("indicator", "area", "period", "value")
READING_FIELDS = ("station", "metric", "time", "value")

# Errors kept on a batch (and shown in its report); past this the rest are only counted.
MAX_STORED_ERRORS = 10_000
NOTE_MAX = 500
# A reading may be stamped at most this far ahead of the server's clock (devices drift a little).
FUTURE_SKEW_SECONDS = 3600
EARLIEST_READING = int(datetime(2000, 1, 1, tzinfo=VN_TZ).timestamp())
WRITE_ANYWHERE_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})
MAX_FLOAT = sys.float_info.max  # bounds that let every finite value through (and no infinity or NaN)
MAX_EXACT = 2 ** 53
PAIR_SHIFT = 36  # duplicate key of a reading: pair index << 36 | epoch seconds (< 2**36 until the year 4147)
AREA_CHOICE = re.compile(r"^\s*(\d{2,6})\s+[-–—]\s+\S")


def field_labels():
    """Vietnamese names of the row fields, as the templates' headers and the error reports show them."""
    return {
        "indicator": _("Mã chỉ tiêu"),
        "area": _("Địa bàn"),
        "period": _("Kỳ số liệu"),
        "value": _("Giá trị"),
        "quality": _("Chất lượng"),
        "note": _("Ghi chú"),
        "station": _("Mã trạm"),
        "metric": _("Mã đại lượng"),
        "time": _("Thời điểm đo"),
        "source": _("Nguồn dữ liệu"),
        "file": _("Tệp"),
    }


def row_error(row, column, message):
    return {"row": row, "column": column, "message": str(message)}


# --- Who sends ------------------------------------------------------------------------------------


@dataclass
class Delivery:
    """Who delivers data, for which unit, through which channel and (optionally) for which data source."""

    access: Access
    kind: str
    unit: Any = None
    user: Any = None
    api_key: Any = None
    source: DataSource | None = None

    @property
    def writes_anywhere(self):
        return bool(self.access.roles & WRITE_ANYWHERE_ROLES)

    def may_write(self, owner_unit_id) -> bool:
        return self.writes_anywhere or owner_unit_id in self.access.unit_ids

    def may_use_source(self, source) -> bool:
        return self.may_write(source.owner_unit_id)


def default_unit(access):
    """The unit a user's deliveries are recorded for: their only unit, or the first of several."""
    from ioc.core.models import Unit

    if not access.unit_ids:
        return None
    return Unit.objects.filter(pk__in=access.unit_ids).order_by("pk").first()


class SourceError(Exception):
    def __init__(self, message, *, forbidden=False):
        super().__init__(message)
        self.forbidden = forbidden


def resolve_source(delivery, code):
    """The DataSource named by code, checked against the sender; None when no code is given."""
    if code in (None, ""):
        return None
    if not isinstance(code, str):
        raise SourceError(_("Mã nguồn dữ liệu phải là chuỗi ký tự."))
    source = DataSource.objects.filter(code=code.strip()).first()
    if source is None or not source.is_active:
        raise SourceError(_("Không có nguồn dữ liệu đang sử dụng với mã “%(code)s”.") % {"code": code})
    if not delivery.may_use_source(source):
        raise SourceError(_("Nguồn dữ liệu “%(code)s” thuộc đơn vị khác; đơn vị của bạn không được gửi số liệu "
                            "cho nguồn này.") % {"code": code}, forbidden=True)
    return source


# --- Values ---------------------------------------------------------------------------------------


def parse_number(raw) -> float:
    """A number written with a dot or a comma as decimal mark ("12,5", "12.5", "1.234,5", "1,234.5").

    Raises ValueError for text that is not a finite number."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if not text or "_" in text:
            raise ValueError(raw)
        commas, dots = text.count(","), text.count(".")
        if commas and dots:
            # The later mark is the decimal one; the other groups thousands.
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif commas == 1:
            text = text.replace(",", ".")
        elif commas > 1:
            text = text.replace(",", "")
        elif dots > 1:
            text = text.replace(".", "")
        value = float(text)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


_VN_DATETIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M")


def parse_time(raw) -> int:
    """Epoch seconds from ISO 8601 text (with an offset, or without one meaning Vietnam's time), a Vietnamese
    "dd/mm/yyyy hh:mm" text, a datetime, or epoch seconds (milliseconds accepted). Raises ValueError."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError(raw)
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            raise ValueError(raw)
        return int(raw / 1000) if raw > 1e11 else int(raw)
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime.combine(raw, dt_time())
    else:
        text = str(raw).strip()
        if not text:
            raise ValueError(raw)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _VN_DATETIME_FORMATS:
                try:
                    moment = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                raise
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return int(moment.timestamp())


def period_text(raw, frequency):
    """What an Excel cell holds as a period, as the text `parse_period` reads: a date cell becomes "2025-03"
    for a monthly indicator when it is the first of a month, "2025-Q1" for a quarter, "2025" for a year."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        if frequency == Frequency.MONTHLY and raw.day == 1:
            return f"{raw.year:04d}-{raw.month:02d}"
        if frequency == Frequency.QUARTERLY and raw.day == 1 and raw.month in (1, 4, 7, 10):
            return f"{raw.year:04d}-Q{(raw.month - 1) // 3 + 1}"
        if frequency == Frequency.YEARLY and (raw.month, raw.day) == (1, 1):
            return f"{raw.year:04d}"
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def period_hint(frequency):
    return {
        Frequency.DAILY: _("ngày, ví dụ 2025-03-15 hoặc 15/03/2025"),
        Frequency.MONTHLY: _("tháng, ví dụ 2025-03 hoặc 03/2025"),
        Frequency.QUARTERLY: _("quý, ví dụ 2025-Q1 hoặc Q1/2025"),
        Frequency.YEARLY: _("năm, ví dụ 2025"),
    }.get(frequency, "")


QUALITY_INPUTS = (Quality.OFFICIAL, Quality.PRELIMINARY, Quality.ESTIMATED, Quality.SUSPECT)


def _quality_lookup():
    lookup = {}
    for choice in QUALITY_INPUTS:
        lookup[choice.value] = choice.value
        lookup[search_key(str(choice.label))] = choice.value
    # The Vietnamese labels, whatever the active language.
    lookup.update({"chinh thuc": Quality.OFFICIAL.value, "so bo": Quality.PRELIMINARY.value,
                   "uoc tinh": Quality.ESTIMATED.value, "can kiem tra": Quality.SUSPECT.value})
    return lookup


def _text(raw):
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


# --- Areas ----------------------------------------------------------------------------------------


class AreaResolver:
    """Areas as people write them: the official code or the name (with or without diacritics) of the province
    or of a current commune; a former commune's code or name resolves to the commune it became part of."""

    AMBIGUOUS = object()

    def __init__(self):
        rows = list(Area.objects.values_list("id", "code", "name", "short_name", "level", "is_current",
                                             "successor_id"))
        current_ids = {r[0] for r in rows if r[5] and r[4] in (AreaLevel.PROVINCE, AreaLevel.COMMUNE)}
        self.by_code = {}
        self.district_keys = set()
        names = ({}, {})  # key -> area ids: current names first, then former names (resolved to successors)
        # Current areas first, so a former unit's code never shadows a current one.
        for current_pass, by_name in ((True, names[0]), (False, names[1])):
            for area_id, code, name, short_name, level, is_current, successor_id in rows:
                if bool(is_current) != current_pass:
                    continue
                if level == AreaLevel.DISTRICT:
                    self.district_keys.update({code, search_key(name), search_key(short_name)})
                    continue
                target = area_id if is_current else successor_id
                if target not in current_ids:
                    continue
                self.by_code.setdefault(code, target)
                for key in {search_key(name), search_key(short_name)} - {""}:
                    by_name.setdefault(key, set()).add(target)
        province = [r[0] for r in rows if r[5] and r[4] == AreaLevel.PROVINCE]
        if len(province) == 1:
            for key in ("toan tinh", "tinh"):
                names[0].setdefault(key, {province[0]})
        self.by_name = {}
        for key, ids in names[1].items():
            self.by_name[key] = next(iter(ids)) if len(ids) == 1 else self.AMBIGUOUS
        for key, ids in names[0].items():
            self.by_name[key] = next(iter(ids)) if len(ids) == 1 else self.AMBIGUOUS

    def resolve(self, raw):
        """(area_id, None) or (None, message)."""
        text = _text(raw)
        if not text:
            return None, _("Thiếu địa bàn.")
        choice = AREA_CHOICE.match(text)  # "07210 - Phường Bắc Giang", as the template's drop-down writes it
        if choice:
            text = choice.group(1)
        area_id = self.by_code.get(text)
        if area_id is None and text.isdigit():
            area_id = self.by_code.get(text.zfill(5)) or self.by_code.get(text.zfill(2))
        if area_id is None:
            key = search_key(text)
            area_id = self.by_name.get(key)
            if area_id is self.AMBIGUOUS:
                return None, _("Tên địa bàn “%(text)s” trùng với nhiều xã, phường; hãy ghi mã đơn vị hành chính.") \
                    % {"text": text}
            if area_id is None and (text in self.district_keys or key in self.district_keys):
                return None, _("“%(text)s” là huyện cũ, không còn từ 1/7/2025; hãy ghi số liệu theo xã, phường "
                               "hoặc toàn tỉnh.") % {"text": text}
        if area_id is None:
            return None, _("Không tìm thấy địa bàn “%(text)s” (mã hoặc tên tỉnh, xã, phường).") % {"text": text}
        return area_id, None


# --- Validation -----------------------------------------------------------------------------------


@dataclass
class Validated:
    """What validation of one batch found: clean rows ready to write, errors, and figures for people."""

    target: str
    received: int = 0
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    errors_total: int = 0
    forbidden_rows: int = 0
    summary: dict = field(default_factory=dict)
    source_ids: set = field(default_factory=set)

    @property
    def ok(self):
        return self.errors_total == 0

    def add(self, row, column, message, *, forbidden=False):
        self.errors_total += 1
        if forbidden:
            self.forbidden_rows += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(row_error(row, column, message))


class ObservationValidator:
    """Checks observation rows (dicts with the OBSERVATION_FIELDS keys) for one sender."""

    def __init__(self, delivery):
        self.delivery = delivery
        self.indicators = {}
        self._areas = None
        self._quality = _quality_lookup()

    @property
    def areas(self):
        if self._areas is None:
            self._areas = AreaResolver()
        return self._areas

    def _indicator(self, code):
        if code not in self.indicators:
            ind = Indicator.objects.filter(code=code).select_related("owner_unit").first()
            if ind is None:
                ind = Indicator.objects.filter(code__iexact=code).select_related("owner_unit").first()
            self.indicators[code] = ind
        return self.indicators[code]

    def validate(self, rows):
        """rows: iterable of (row number, dict). Returns a Validated with rows of
        (indicator_id, area_id, period, value, quality | None, note)."""
        from .observations import parse_period

        result = Validated(OBSERVATIONS)
        seen = {}
        indicator_codes, periods, area_ids = set(), set(), set()
        for row, data in rows:
            result.received += 1
            problems = len(result.errors), result.errors_total
            code = _text(data.get("indicator"))
            indicator = None
            if not code:
                result.add(row, "indicator", _("Thiếu mã chỉ tiêu."))
            else:
                indicator = self._indicator(code)
                if indicator is None:
                    result.add(row, "indicator", _("Không có chỉ tiêu mã “%(code)s”.") % {"code": code})
                elif not indicator.is_active:
                    result.add(row, "indicator", _("Chỉ tiêu “%(code)s” đã ngừng theo dõi.") % {"code": code})
                    indicator = None
                elif indicator.frequency not in OBSERVED_FREQUENCIES:
                    result.add(row, "indicator", _("Chỉ tiêu “%(code)s” là chỉ tiêu thời gian thực, lấy số liệu từ "
                                                   "các trạm quan trắc; không nhập theo kỳ.") % {"code": code})
                    indicator = None
                elif not self.delivery.may_write(indicator.owner_unit_id):
                    result.add(row, "indicator", _("Chỉ tiêu “%(code)s” do %(unit)s chủ trì; đơn vị của bạn không "
                                                   "được ghi số liệu chỉ tiêu này.")
                               % {"code": code, "unit": indicator.owner_unit.name}, forbidden=True)
                    indicator = None
            area_id, message = self.areas.resolve(data.get("area"))
            if message:
                result.add(row, "area", message)
            period = None
            raw_period = data.get("period")
            if raw_period in (None, ""):
                result.add(row, "period", _("Thiếu kỳ số liệu."))
            elif indicator is not None:
                text = period_text(raw_period, indicator.frequency)
                try:
                    period = parse_period(text, indicator.frequency)
                except (ValueError, TypeError, OverflowError):
                    result.add(row, "period", _("Kỳ “%(text)s” không đúng: chỉ tiêu “%(code)s” báo cáo theo %(hint)s.")
                               % {"text": text, "code": indicator.code, "hint": period_hint(indicator.frequency)})
            value = None
            raw_value = data.get("value")
            if raw_value is None or (isinstance(raw_value, str) and not raw_value.strip()):
                result.add(row, "value", _("Thiếu giá trị."))
            else:
                try:
                    value = parse_number(raw_value)
                except (ValueError, TypeError, OverflowError):
                    result.add(row, "value", _("Giá trị “%(text)s” không phải là số (dùng dấu phẩy hoặc dấu chấm "
                                               "để ghi phần thập phân).") % {"text": _text(raw_value)})
            quality = None
            raw_quality = _text(data.get("quality"))
            if raw_quality:
                quality = self._quality.get(raw_quality) or self._quality.get(search_key(raw_quality))
                if quality is None:
                    result.add(row, "quality", _("Chất lượng “%(text)s” không hợp lệ; dùng: %(choices)s.")
                               % {"text": raw_quality,
                                  "choices": ", ".join(str(q.label) for q in QUALITY_INPUTS)})
            note = _text(data.get("note"))
            if len(note) > NOTE_MAX:
                result.add(row, "note", _("Ghi chú dài quá %(n)s ký tự.") % {"n": NOTE_MAX})
            if result.errors_total != problems[1]:
                continue
            key = (indicator.pk, area_id, period)
            first = seen.get(key)
            if first is not None:
                result.add(row, "period", _("Trùng với dòng %(first)s (cùng chỉ tiêu, địa bàn và kỳ).")
                           % {"first": first})
                continue
            seen[key] = row
            result.rows.append((indicator.pk, area_id, period, value, quality, note))
            indicator_codes.add(indicator.code)
            periods.add(period)
            area_ids.add(area_id)
        result.summary = {
            "indicators": sorted(indicator_codes),
            "areas": len(area_ids),
            "period_from": min(periods).isoformat() if periods else None,
            "period_to": max(periods).isoformat() if periods else None,
        }
        return result


class ReadingValidator:
    """Checks readings given as parallel lists (station codes, metric codes, times, values) for one sender."""

    def __init__(self, delivery, *, now=None):
        self.delivery = delivery
        self.now = now

    def _stations(self, codes):
        found = {}
        for pk, code, owner_unit_id, is_active, source_id, owner_name in Station.objects.filter(
                code__in=codes).values_list("pk", "code", "owner_unit_id", "is_active", "source_id",
                                            "owner_unit__name"):
            found[code] = (pk, owner_unit_id, is_active, source_id, owner_name)
        return found

    def _metrics(self, codes):
        return {code: (pk, lo, hi) for pk, code, lo, hi in Metric.objects.filter(code__in=codes).values_list(
            "pk", "code", "min_valid", "max_valid")}

    def validate(self, stations, metrics, times, values, row_numbers=None):
        """Returns a Validated whose rows become (series_id, t, value) through `series_rows()` once every row is
        valid (series are looked up, and created for known stations and metrics, only then).

        The loop is the hot path of the push API: per row, one look-up of the (station, metric) pair and one of
        the time text in caches filled on first sight, a range check and a duplicate check on an integer key.
        Anything unusual falls to `_row_problems`, which says what is wrong."""
        n = len(stations)
        result = Validated(READINGS, received=n)
        from .storage import readings_cutoff

        now = self.now if self.now is not None else timezone.now()
        self._latest = int(now.timestamp()) + FUTURE_SKEW_SECONDS
        # Raw readings older than the retention horizon are not kept: say so rather than drop them silently.
        self._earliest = max(EARLIEST_READING, readings_cutoff(now) or 0)
        self._station_info = self._stations({s for s in set(stations) if type(s) is str} if n else set())
        self._metric_info = self._metrics({m for m in set(metrics) if type(m) is str} if n else set())
        self._allowed_units = {}
        pair_ok = {}  # (station, metric) → (key base, lowest, highest valid value)
        time_ok = {}  # raw time → epoch seconds (valid ones only)
        self._pairs = pairs = []
        seen = {}
        keys, vals = [], []
        add_key, add_val = keys.append, vals.append
        for i, (s, m, raw_t, v) in enumerate(zip(stations, metrics, times, values)):
            try:
                info = pair_ok.get((s, m))
                t = time_ok.get(raw_t)
            except TypeError:  # unhashable: a list or an object where a code or a time belongs
                info = t = None
            if info is None:
                info = self._pair(s, m)
                if info is not None:
                    pair_ok[(s, m)] = info
                    pairs.append((s, m))
            if t is None:
                t = self._time(raw_t)
                if t is not None:
                    try:
                        time_ok[raw_t] = t
                    except TypeError:
                        pass
            tv = type(v)
            if tv is not float:
                v = float(v) if tv is int and -MAX_EXACT < v < MAX_EXACT else _value_or_none(v)
            if info is None or t is None or v is None or not (info[1] <= v <= info[2]):
                self._row_problems(result, i, row_numbers, s, m, raw_t, values[i])
                continue
            key = info[0] + t
            first = seen.setdefault(key, i)
            if first != i:
                row = i + 1 if row_numbers is None else row_numbers[i]
                result.add(row, "time", _("Trùng với dòng %(first)s (cùng trạm, đại lượng và thời điểm).")
                           % {"first": first + 1 if row_numbers is None else row_numbers[first]})
                continue
            add_key(key)
            add_val(v)
        valid_times = list(time_ok.values())
        result.summary = {
            "stations": len({s for s, _m in pairs}),
            "metrics": sorted({m for _s, m in pairs}),
            "time_from": min(valid_times) if valid_times else None,
            "time_to": max(valid_times) if valid_times else None,
        }
        result.source_ids = {self._station_info[s][3] for s, _m in pairs if self._station_info[s][3]}
        self._keys, self._vals = keys, vals
        return result

    def _pair(self, s, m):
        """(key base, lowest, highest) for a writable station and a known metric, else None."""
        st = self._station_info.get(s) if type(s) is str else None
        mt = self._metric_info.get(m) if type(m) is str else None
        if st is None or mt is None or not st[2] or not self._may_write_unit(st[1]):
            return None
        lo = -MAX_FLOAT if mt[1] is None else mt[1]
        hi = MAX_FLOAT if mt[2] is None else mt[2]
        return len(self._pairs) << PAIR_SHIFT, lo, hi

    def _may_write_unit(self, unit_id):
        allowed = self._allowed_units.get(unit_id)
        if allowed is None:
            allowed = self._allowed_units[unit_id] = self.delivery.may_write(unit_id)
        return allowed

    def _time(self, raw_t):
        try:
            t = parse_time(raw_t)
        except (ValueError, TypeError, OverflowError):
            return None
        return t if self._earliest <= t <= self._latest else None

    def _row_problems(self, result, i, row_numbers, s, m, raw_t, v):
        """Say everything that is wrong with one row."""
        row = i + 1 if row_numbers is None else row_numbers[i]
        before = result.errors_total
        self._describe(result.add, row, s, m, raw_t, v)
        if result.errors_total == before:  # never let a refused row pass unexplained
            result.add(row, "", _("Dòng không hợp lệ."))

    def _describe(self, add, row, s, m, raw_t, v):
        st = self._station_info.get(s) if type(s) is str else None
        if st is None:
            code = _text(s) if not isinstance(s, (dict, list)) else ""
            add(row, "station", _("Không có trạm mã “%(code)s”.") % {"code": code} if code else _("Thiếu mã trạm."))
        elif not self._may_write_unit(st[1]):
            add(row, "station", _("Trạm “%(code)s” do %(unit)s quản lý; đơn vị của bạn không được ghi số liệu của "
                                  "trạm này.") % {"code": s, "unit": st[4]}, forbidden=True)
        elif not st[2]:
            add(row, "station", _("Trạm “%(code)s” đã ngừng hoạt động.") % {"code": s})
        mt = self._metric_info.get(m) if type(m) is str else None
        if mt is None:
            code = _text(m) if not isinstance(m, (dict, list)) else ""
            add(row, "metric", _("Không có đại lượng đo mã “%(code)s”.") % {"code": code} if code
                else _("Thiếu mã đại lượng đo."))
        shown = _text(raw_t) if not isinstance(raw_t, (dict, list)) else ""
        try:
            t = parse_time(raw_t)
        except (ValueError, TypeError, OverflowError):
            add(row, "time", _("Thời điểm “%(text)s” không đúng; dùng ISO 8601, ví dụ 2025-03-15T08:00:00+07:00 "
                               "(không ghi múi giờ là giờ Việt Nam).") % {"text": shown})
        else:
            if t > self._latest:
                add(row, "time", _("Thời điểm “%(text)s” ở tương lai.") % {"text": shown})
            elif t < self._earliest:
                add(row, "time", _("Thời điểm “%(text)s” cũ hơn thời hạn lưu giá trị đo (từ %(earliest)s).")
                    % {"text": shown,
                       "earliest": datetime.fromtimestamp(self._earliest, VN_TZ).strftime("%d/%m/%Y")})
        value = _value_or_none(v) if type(v) is not float else (v if math.isfinite(v) else None)
        if value is None:
            add(row, "value", _("Thiếu giá trị.") if v is None or v == ""
                else _("Giá trị “%(text)s” không phải là số hữu hạn.") % {
                    "text": _text(v) if not isinstance(v, (dict, list)) else ""})
        elif mt is not None:
            lo, hi = mt[1], mt[2]
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                add(row, "value", _("Giá trị %(value)s nằm ngoài khoảng hợp lệ của “%(metric)s” (%(lo)s – %(hi)s).")
                    % {"value": _text(value), "metric": m, "lo": "−∞" if lo is None else _text(lo),
                       "hi": "+∞" if hi is None else _text(hi)})

    def series_rows(self):
        """The (series_id, t, value) rows of the last valid batch; missing series are created here."""
        from .storage import series_ids_for

        ids = series_ids_for(self._pairs)
        by_index = [ids[pair] for pair in self._pairs]
        mask = (1 << PAIR_SHIFT) - 1
        return [(by_index[k >> PAIR_SHIFT], k & mask, v) for k, v in zip(self._keys, self._vals)]


def _value_or_none(raw):
    try:
        return parse_number(raw)
    except (ValueError, TypeError, OverflowError):
        return None


# --- Batches --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """The answer to one delivery: the batch, and whether it was written now, before (a replay) or refused."""

    batch: IngestBatch
    replayed: bool = False
    errors_total: int = 0
    forbidden: bool = False

    @property
    def committed(self):
        return self.batch.status == BatchStatus.COMMITTED

    def as_dict(self, *, max_errors=1000):
        batch = self.batch
        errors = batch.errors or []
        total = max(self.errors_total, batch.summary.get("errors_total", len(errors)))
        return {
            "batch": str(batch.public_id),
            "status": batch.status,
            "target": batch.target,
            "source": batch.source.code if batch.source_id and batch.source else None,
            "received": batch.rows_received,
            "written": batch.rows_written,
            "replayed": self.replayed,
            "errors_total": total,
            "errors": errors[:max_errors],
        }


def find_replay(delivery, idempotency_key):
    """The batch an earlier delivery with this key from the same unit created, or None."""
    if not idempotency_key:
        return None
    batch = (IngestBatch.objects.filter(unit=delivery.unit, kind=delivery.kind, idempotency_key=idempotency_key)
             .select_related("source").first())
    return batch


def find_committed_content(delivery, content_hash, target):
    """An already committed batch with the same content from the same unit (a file sent twice)."""
    if not content_hash:
        return None
    return (IngestBatch.objects.filter(unit=delivery.unit, content_hash=content_hash, target=target,
                                       status=BatchStatus.COMMITTED).order_by("-created_at").first())


def clean_idempotency_key(raw):
    key = (raw or "").strip()
    if len(key) > 100 or not re.fullmatch(r"[\x21-\x7e]*", key):
        raise ValueError(_("Khóa chống gửi trùng (Idempotency-Key) phải là chuỗi ASCII không dấu cách, "
                           "tối đa 100 ký tự."))
    return key


def new_batch(delivery, target, *, status, received, idempotency_key="", content_hash="", filename="",
              summary=None, errors=None, errors_total=0):
    summary = dict(summary or {})
    summary["errors_total"] = errors_total
    return IngestBatch(
        kind=delivery.kind, source=delivery.source, unit=delivery.unit, user=delivery.user,
        api_key=delivery.api_key, idempotency_key=idempotency_key, content_hash=content_hash, filename=filename,
        target=target, status=status, rows_received=received, errors=list(errors or []), summary=summary,
    )


def reject(delivery, validated, *, idempotency_key="", content_hash="", filename="", extra_summary=None):
    """Record a refused delivery with its errors. The key is not kept: the sender may fix the data and send
    again with the same key."""
    summary = {**validated.summary, **(extra_summary or {})}
    if idempotency_key:
        summary["idempotency_key"] = idempotency_key
    batch = new_batch(delivery, validated.target, status=BatchStatus.REJECTED, received=validated.received,
                      content_hash=content_hash, filename=filename, summary=summary, errors=validated.errors,
                      errors_total=validated.errors_total)
    batch.finished_at = timezone.now()
    batch.save()
    # A refused delivery is part of the record too: who sent what, and how many errors it had.
    audit.record(AuditAction.CREATE, obj=batch, changes={
        "target": [None, validated.target], "status": [None, BatchStatus.REJECTED],
        "errors_total": [None, validated.errors_total],
        "source": [None, delivery.source.code if delivery.source else None]}, note=_audit_note(batch, delivery))
    return Outcome(batch, errors_total=validated.errors_total, forbidden=validated.forbidden_rows > 0)


def _write(target, validated, *, validator, batch, source):
    if target == READINGS:
        from .storage import write_readings

        result = write_readings(validator.series_rows(), batch=batch)
    else:
        from .observations import record_observations

        result = record_observations(validated.rows, source=source, batch=batch)
    return _count_written(result, len(validated.rows))


def _count_written(result, default):
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    for attribute in ("written", "rows_written", "created"):
        value = getattr(result, attribute, None)
        if isinstance(value, int):
            return value
    if isinstance(result, dict):
        for attribute in ("written", "rows_written", "created"):
            if isinstance(result.get(attribute), int):
                return result[attribute]
    return default


def commit(delivery, validated, *, validator, batch=None, idempotency_key="", content_hash="", filename="",
           extra_summary=None):
    """Write a valid batch, all or nothing, and record it (IngestBatch + one audit event).

    `batch` is an existing preview batch (a file confirmed after preview); otherwise a new batch is created,
    holding the idempotency key, so a concurrent delivery with the same key gets the first one's result."""
    assert validated.ok, "commit() needs a batch without errors"
    target = validated.target
    now = timezone.now()
    try:
        with transaction.atomic():
            if batch is None:
                batch = new_batch(delivery, target, status=BatchStatus.COMMITTED, received=validated.received,
                                  idempotency_key=idempotency_key, content_hash=content_hash, filename=filename,
                                  summary={**validated.summary, **(extra_summary or {})})
                batch.save()
            else:
                batch.status = BatchStatus.COMMITTED
                batch.rows_received = validated.received
                batch.errors = []
                batch.summary = {**batch.summary, **validated.summary, **(extra_summary or {}), "errors_total": 0}
            batch.rows_written = _write(target, validated, validator=validator, batch=batch, source=delivery.source)
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "rows_received", "rows_written", "errors", "summary", "finished_at"])
            source_ids = set(validated.source_ids)
            if delivery.source is not None:
                source_ids.add(delivery.source.pk)
            if source_ids:
                DataSource.objects.filter(pk__in=source_ids).update(last_received_at=now)
            audit.record(AuditAction.CREATE, obj=batch, changes={
                "target": [None, target], "rows_written": [None, batch.rows_written],
                "source": [None, delivery.source.code if delivery.source else None],
            }, note=_audit_note(batch, delivery))
    except IntegrityError:
        if not idempotency_key:
            raise
        replay = find_replay(delivery, idempotency_key)
        if replay is None:
            raise
        return Outcome(replay, replayed=True)
    return Outcome(batch)


def _audit_note(batch, delivery):
    label = dict(IngestBatch._meta.get_field("kind").choices).get(batch.kind, batch.kind)
    text = f"{label}: {batch.rows_written}/{batch.rows_received} {batch.target}"
    if batch.filename:
        text += f" ({batch.filename})"
    if delivery.api_key is not None:
        text += f" · API {delivery.api_key.name}"
    return text


def observation_rows(records, *, first_row=1):
    """(row number, dict) pairs from dicts or from lists in OBSERVATION_FIELDS order."""
    for offset, record in enumerate(records):
        if isinstance(record, dict):
            yield first_row + offset, record
        elif isinstance(record, (list, tuple)):
            yield first_row + offset, dict(zip(OBSERVATION_FIELDS, record))
        else:
            yield first_row + offset, {}


def max_rows():
    return getattr(settings, "IOC_PUSH_MAX_ROWS", 50_000)
