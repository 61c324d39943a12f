"""Working time (*thời gian làm việc*): the clock that every deadline in every module runs on.

A `WorkingTime` knows the working weekdays and the daily working periods of a calendar, and the dates
that break the weekly pattern: holidays and days off in lieu are not worked, make-up days (*ngày làm bù*)
are worked even on a Saturday or Sunday. All arithmetic happens in Vietnam's time zone (no daylight
saving); aware datetimes in any zone are accepted, naive ones are read as Vietnam wall-clock time, and
results are aware datetimes in Asia/Ho_Chi_Minh. Working periods are half-open: with 13:30–17:00, 17:00
itself is not working time, but a deadline can fall exactly at 17:00.

The module-level functions use the default calendar and the Holiday table, loaded once and cached. The cache
is dropped when a Holiday or WorkingCalendar row is saved or deleted in this process (`connect_signals()`,
called once from the core app's `ready()`), and reloaded at least every few minutes so that other processes
(web workers, the task queue) see an administrator's edit soon.
"""

import threading
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models.signals import post_delete, post_save

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

_DAY = timedelta(days=1)
# A calendar with no working day in ten straight years is a configuration error, not a long wait.
_MAX_IDLE_DAYS = 3660


def _parse_time(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


class WorkingTime:
    """Working-time arithmetic over one calendar and one set of exceptional dates."""

    def __init__(self, *, weekdays, periods, days_off=(), working_days=()):
        self.weekdays = frozenset(int(d) for d in weekdays)
        self.periods = tuple(sorted((_parse_time(start), _parse_time(end)) for start, end in periods))
        if not self.periods:
            raise ValueError("a working calendar needs at least one working period")
        previous_end = time.min
        for start, end in self.periods:
            if not start < end or start < previous_end:
                raise ValueError(f"working periods must be increasing and must not overlap: {self.periods}")
            previous_end = end
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days) - self.days_off
        self.day_length = sum(
            (datetime.combine(date.min, end) - datetime.combine(date.min, start)
             for start, end in self.periods),
            timedelta(),
        )

    @classmethod
    def from_rows(cls, *, weekdays, periods, holidays):
        """Build from a calendar's fields and (date, kind) pairs of the Holiday table."""
        days_off, working_days = set(), set()
        for day, kind in holidays:
            (working_days if kind == "working_day" else days_off).add(day)
        return cls(weekdays=weekdays, periods=periods, days_off=days_off, working_days=working_days)

    # --- questions ----------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        return day not in self.days_off and day.weekday() in self.weekdays

    def is_working_moment(self, dt: datetime) -> bool:
        dt = to_local(dt)
        if not self.is_working_day(dt.date()):
            return False
        moment = dt.time()
        return any(start <= moment < end for start, end in self.periods)

    def next_working_moment(self, dt: datetime) -> datetime:
        """dt itself if it is working time, else the start of the next working period."""
        return self.add_working_time(dt, timedelta())

    # --- arithmetic ---------------------------------------------------------------------------------

    def add_working_hours(self, start: datetime, hours) -> datetime:
        """The moment `hours` working hours after start (fractions allowed; negative counts backwards).

        A start outside working time begins counting at the next working period (or, backwards, at the end
        of the previous one). A deadline that uses up a period exactly ends at that period's end (17:00),
        not at the start of the next one.
        """
        return self.add_working_time(start, timedelta(hours=float(hours)))

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """Like add_working_hours, with the amount as a timedelta."""
        start = to_local(start)
        if duration < timedelta():
            return self._subtract(start, -duration)
        remaining = duration
        for day in self._working_days_from(start.date(), step=1):
            day_start = self._at(day, self.periods[0][0])
            if start <= day_start and remaining > self.day_length:
                remaining -= self.day_length  # a whole working day, skipped in one step
                continue
            for period_start, period_end in self.periods:
                begin, end = max(self._at(day, period_start), start), self._at(day, period_end)
                if begin >= end:
                    continue
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        raise AssertionError("unreachable")  # _working_days_from never ends on its own

    def _subtract(self, end: datetime, remaining: timedelta) -> datetime:
        for day in self._working_days_from(end.date(), step=-1):
            day_end = self._at(day, self.periods[-1][1])
            if end >= day_end and remaining > self.day_length:
                remaining -= self.day_length
                continue
            for period_start, period_end in reversed(self.periods):
                begin, finish = self._at(day, period_start), min(self._at(day, period_end), end)
                if finish <= begin:
                    continue
                if remaining <= finish - begin:
                    return finish - remaining
                remaining -= finish - begin
        raise AssertionError("unreachable")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same point of the working day, `days` working days later (earlier if negative).

        A start outside working time is first moved to the start of the next working period, so a report
        received on Friday evening with one working day to answer is due at the end of Monday (17:00), which
        is the same working time as Tuesday 07:30 and reads as people expect.
        """
        if int(days) != days:
            raise ValueError("add_working_days counts whole days; use add_working_hours for fractions")
        days = int(days)
        origin = self.next_working_moment(start)
        if days == 0:
            return origin
        step = 1 if days > 0 else -1
        counted = 0
        for day in self._working_days_from(origin.date() + step * _DAY, step=step):
            counted += 1
            if counted == abs(days):
                due = self._at(day, origin.time())
                if days > 0 and origin.time() == self.periods[0][0]:
                    # Due at the opening of a working day is the same working time as the close of the
                    # previous one; people read "17:00 Friday", not "07:30 Monday".
                    previous = next(self._working_days_from(day - _DAY, step=-1))
                    due = self._at(previous, self.periods[-1][1])
                return due
        raise AssertionError("unreachable")

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """The working time from a to b; negative if b is before a.

        The days strictly between are counted by arithmetic, not one by one: staff lists show the remaining or
        overdue time of reports late by months or years, on every row.
        """
        a, b = to_local(a), to_local(b)
        if b < a:
            return -self.working_time_between(b, a)
        first, last = a.date(), b.date()
        total = self._worked_within(first, a, b)
        if last > first:
            total += self._worked_within(last, a, b)
            total += self._count_working_days(first + _DAY, last - _DAY) * self.day_length
        return total

    # --- internals ----------------------------------------------------------------------------------

    def _worked_within(self, day: date, a: datetime, b: datetime) -> timedelta:
        """The working time of one day that lies between a and b."""
        total = timedelta()
        if self.is_working_day(day):
            for period_start, period_end in self.periods:
                begin, end = max(self._at(day, period_start), a), min(self._at(day, period_end), b)
                if end > begin:
                    total += end - begin
        return total

    def _count_working_days(self, first: date, last: date) -> int:
        """Working days from first to last inclusive: whole weeks, the remainder, then the exceptions."""
        if last < first:
            return 0
        weeks, rest = divmod((last - first).days + 1, 7)
        count = weeks * len(self.weekdays)
        count += sum(1 for i in range(rest) if (first.weekday() + i) % 7 in self.weekdays)
        count -= sum(1 for d in self.days_off if first <= d <= last and d.weekday() in self.weekdays)
        count += sum(1 for d in self.working_days if first <= d <= last and d.weekday() not in self.weekdays)
        return count

    @staticmethod
    def _at(day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=VIETNAM)

    def _working_days_from(self, day: date, *, step: int):
        """Working days from `day` (included) onwards, or backwards with step=-1."""
        idle = 0
        while True:
            if self.is_working_day(day):
                idle = 0
                yield day
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError("the working calendar has no working day in ten years")
            day += step * _DAY


def to_local(dt: datetime) -> datetime:
    """dt as an aware datetime in Vietnam's time zone; a naive dt is taken as Vietnam wall-clock time."""
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=VIETNAM)
    return dt.astimezone(VIETNAM)


# --- the default calendar, cached -----------------------------------------------------------------------

# Signals reach only this process; other processes pick up a change when their copy expires.
CACHE_SECONDS = 300

_lock = threading.Lock()
_cached: WorkingTime | None = None
_cached_at = 0.0
# Set while a change is saved but not committed: the data may still roll back, so nothing is cached.
_uncommitted_change = False


def _load() -> WorkingTime:
    from .models import Holiday, WorkingCalendar, default_working_periods

    calendar = WorkingCalendar.objects.filter(is_default=True).order_by("pk").first()
    return WorkingTime.from_rows(
        weekdays=calendar.weekdays if calendar else [0, 1, 2, 3, 4],
        periods=calendar.periods if calendar else default_working_periods(),
        holidays=Holiday.objects.values_list("date", "kind"),
    )


def default_working_time() -> WorkingTime:
    """The WorkingTime of the default calendar and the Holiday table."""
    global _cached, _cached_at, _uncommitted_change
    if _uncommitted_change and not transaction.get_connection().in_atomic_block:
        _uncommitted_change = False  # the transaction has ended, committed or rolled back: the data is final
    if _uncommitted_change:
        return _load()
    with _lock:
        if _cached is None or monotonic() - _cached_at > CACHE_SECONDS:
            _cached, _cached_at = _load(), monotonic()
        return _cached


def invalidate_cache():
    """Forget the cached calendar; the next call reloads it. Tests call it between transactions."""
    global _cached, _uncommitted_change
    with _lock:
        _cached = None
        _uncommitted_change = False


def _calendar_changed(sender, using=None, **kwargs):
    global _uncommitted_change
    invalidate_cache()
    if transaction.get_connection(using).in_atomic_block:
        _uncommitted_change = True
        transaction.on_commit(invalidate_cache, using=using)


def connect_signals():
    """Drop the cached calendar whenever a Holiday or WorkingCalendar row changes.

    Called once, from CoreConfig.ready().
    """
    from .models import Holiday, WorkingCalendar

    for model in (Holiday, WorkingCalendar):
        post_save.connect(_calendar_changed, sender=model, dispatch_uid="worktime-cache")
        post_delete.connect(_calendar_changed, sender=model, dispatch_uid="worktime-cache")


# --- shortcuts on the default calendar ------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    return default_working_time().is_working_day(day)


def is_working_moment(dt: datetime) -> bool:
    return default_working_time().is_working_moment(dt)


def next_working_moment(dt: datetime) -> datetime:
    return default_working_time().next_working_moment(dt)


def add_working_hours(start: datetime, hours) -> datetime:
    return default_working_time().add_working_hours(start, hours)


def add_working_days(start: datetime, days: int) -> datetime:
    return default_working_time().add_working_days(start, days)


def working_time_between(a: datetime, b: datetime) -> timedelta:
    return default_working_time().working_time_between(a, b)
