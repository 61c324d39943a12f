"""Deadlines counted in working time: hours, lunch, weekends, Tết, make-up Saturdays, time zones, and the
cached calendar following an administrator's edits."""

import random
import time as wall_clock
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from django.urls import reverse

from ioc.core import worktime
from ioc.core.models import Holiday, WorkingCalendar
from ioc.core.worktime import (
    VIETNAM,
    WorkingTime,
    add_working_days,
    add_working_hours,
    is_working_moment,
    next_working_moment,
    working_time_between,
)

pytestmark = pytest.mark.django_db

DAY = timedelta(hours=7, minutes=30)  # 07:30–11:30 and 13:30–17:00


def vn(*args):
    return datetime(*args, tzinfo=VIETNAM)


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # Each test starts from the migrated data; drop what an earlier, rolled-back test may have cached.
    worktime.invalidate_cache()
    yield
    worktime.invalidate_cache()


# --- hours ----------------------------------------------------------------------------------------------


def test_eight_hours_from_friday_afternoon_end_on_monday_afternoon():
    # Friday 15:00–17:00 = 2 h, Monday 07:30–11:30 = 4 h, 13:30–15:30 = 2 h.
    assert add_working_hours(vn(2025, 3, 7, 15, 0), 8) == vn(2025, 3, 10, 15, 30)


def test_counting_skips_the_lunch_break():
    assert add_working_hours(vn(2025, 3, 10, 11, 0), 1) == vn(2025, 3, 10, 14, 0)
    assert add_working_hours(vn(2025, 3, 10, 11, 20), 0.25) == vn(2025, 3, 10, 13, 35)


def test_a_deadline_that_uses_up_the_day_ends_at_closing_time():
    assert add_working_hours(vn(2025, 3, 7, 15, 0), 2) == vn(2025, 3, 7, 17, 0)
    assert add_working_hours(vn(2025, 3, 10, 7, 30), 7.5) == vn(2025, 3, 10, 17, 0)


def test_a_start_outside_working_time_counts_from_the_next_period():
    assert add_working_hours(vn(2025, 3, 8, 9, 0), 1) == vn(2025, 3, 10, 8, 30)  # Saturday
    assert add_working_hours(vn(2025, 3, 10, 6, 0), 1) == vn(2025, 3, 10, 8, 30)  # before opening
    assert add_working_hours(vn(2025, 3, 10, 12, 0), 0.5) == vn(2025, 3, 10, 14, 0)  # lunch
    assert add_working_hours(vn(2025, 3, 7, 17, 0), 1) == vn(2025, 3, 10, 8, 30)  # closing time


def test_negative_hours_count_backwards():
    assert add_working_hours(vn(2025, 3, 10, 8, 30), -2) == vn(2025, 3, 7, 16, 0)
    assert add_working_hours(vn(2025, 3, 10, 14, 0), -1) == vn(2025, 3, 10, 11, 0)


def test_a_holiday_is_not_working_time():
    # Hùng Kings' day, Monday 7 April 2025.
    assert add_working_hours(vn(2025, 4, 4, 16, 0), 2) == vn(2025, 4, 8, 8, 30)
    assert not is_working_moment(vn(2025, 4, 7, 9, 0))


# --- days -----------------------------------------------------------------------------------------------


def test_five_working_days_across_tet_2026():
    # Thursday 12/2, Friday 13/2, then 14/2–22/2 off, then Monday 23 to Thursday 26 February.
    assert add_working_days(vn(2026, 2, 12, 10, 0), 5) == vn(2026, 2, 26, 10, 0)
    assert add_working_hours(vn(2026, 2, 13, 15, 0), 8) == vn(2026, 2, 23, 15, 30)


def test_working_days_skip_the_weekend_and_keep_the_time_of_day():
    assert add_working_days(vn(2025, 3, 6, 14, 15), 2) == vn(2025, 3, 10, 14, 15)
    assert add_working_days(vn(2025, 3, 10, 14, 15), -1) == vn(2025, 3, 7, 14, 15)
    assert add_working_days(vn(2025, 3, 10, 14, 15), 0) == vn(2025, 3, 10, 14, 15)


def test_working_days_from_outside_working_time_count_from_the_next_period():
    assert add_working_days(vn(2025, 3, 7, 18, 0), 1) == vn(2025, 3, 10, 17, 0)  # Friday evening → end of Monday
    assert add_working_days(vn(2025, 3, 10, 7, 30), 5) == vn(2025, 3, 14, 17, 0)  # Monday opening → Friday close
    assert add_working_days(vn(2025, 3, 10, 12, 0), 1) == vn(2025, 3, 11, 13, 30)  # lunch


def test_fractional_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(vn(2025, 3, 10, 9, 0), 1.5)


def test_a_make_up_saturday_is_a_working_day():
    # Friday 2/1/2026 was swapped for Saturday 10/1/2026.
    assert is_working_moment(vn(2026, 1, 10, 9, 0))
    assert not is_working_moment(vn(2026, 1, 17, 9, 0))
    assert not is_working_moment(vn(2026, 1, 2, 9, 0))
    assert add_working_hours(vn(2026, 1, 9, 15, 0), 8) == vn(2026, 1, 10, 15, 30)
    assert add_working_days(vn(2025, 12, 31, 10, 0), 1) == vn(2026, 1, 5, 10, 0)


# --- time between ---------------------------------------------------------------------------------------


def test_working_time_between_skips_lunch_and_nights():
    assert working_time_between(vn(2025, 3, 10, 10, 0), vn(2025, 3, 10, 14, 0)) == timedelta(hours=2)
    assert working_time_between(vn(2025, 3, 10, 10, 0), vn(2025, 3, 11, 10, 0)) == DAY


def test_working_time_between_over_a_holiday():
    # Friday 29/8/2025 09:00 → Wednesday 3/9 09:00; 1 and 2 September are National Day.
    expected = timedelta(hours=6) + timedelta(hours=1, minutes=30)
    assert working_time_between(vn(2025, 8, 29, 9, 0), vn(2025, 9, 3, 9, 0)) == expected
    assert working_time_between(vn(2025, 9, 3, 9, 0), vn(2025, 8, 29, 9, 0)) == -expected


def test_months_and_years_are_counted_quickly_and_exactly():
    wt = worktime.default_working_time()
    started = wall_clock.perf_counter()
    total = working_time_between(vn(2025, 1, 1, 0, 0), vn(2031, 1, 1, 0, 0))
    deadline = add_working_hours(vn(2025, 1, 1, 0, 0), 1500 * 7.5)
    assert wall_clock.perf_counter() - started < 0.5
    span = (date(2031, 1, 1) - date(2025, 1, 1)).days
    days = sum(1 for n in range(span) if wt.is_working_day(date(2025, 1, 1) + timedelta(days=n)))
    assert total == days * DAY
    assert working_time_between(vn(2025, 1, 1, 0, 0), deadline) == 1500 * DAY
    assert deadline.time() == vn(2025, 1, 1, 17, 0).time()


def test_adding_then_measuring_gives_back_the_same_hours():
    rng = random.Random(2026)
    for _ in range(300):
        start = vn(2025, 1, 1) + timedelta(minutes=rng.randrange(60 * 24 * 365 * 5))
        hours = rng.uniform(-300, 300)
        end = add_working_hours(start, hours)
        assert abs(working_time_between(start, end).total_seconds() - hours * 3600) < 0.01
        days = rng.randrange(-20, 20)
        later = add_working_days(start, days)
        # Inside working time, or at the close of a working day (a deadline at 17:00).
        assert is_working_moment(later) or (later.hour, later.minute) == (17, 0) and is_working_moment(
            later - timedelta(minutes=1))
        assert working_time_between(next_working_moment(start), later) == days * DAY


# --- time zones -----------------------------------------------------------------------------------------


def test_any_time_zone_is_accepted_and_vietnam_time_returned():
    friday_3pm_in_hanoi = datetime(2025, 3, 7, 8, 0, tzinfo=UTC)
    deadline = add_working_hours(friday_3pm_in_hanoi, 8)
    assert deadline == datetime(2025, 3, 10, 8, 30, tzinfo=UTC)
    assert deadline.utcoffset() == timedelta(hours=7)
    assert deadline.hour == 15 and deadline.minute == 30


def test_a_naive_datetime_is_read_as_vietnam_wall_clock():
    assert add_working_hours(datetime(2025, 3, 7, 15, 0), 8) == vn(2025, 3, 10, 15, 30)


def test_next_working_moment():
    assert next_working_moment(vn(2025, 3, 7, 17, 0)) == vn(2025, 3, 10, 7, 30)
    assert next_working_moment(vn(2025, 3, 7, 16, 59)) == vn(2025, 3, 7, 16, 59)
    assert next_working_moment(vn(2025, 3, 7, 11, 30)) == vn(2025, 3, 7, 13, 30)


# --- the cached calendar follows edits ------------------------------------------------------------------


def test_the_calendar_is_loaded_once(django_assert_num_queries):
    add_working_hours(vn(2025, 3, 7, 15, 0), 8)
    with django_assert_num_queries(0):
        add_working_hours(vn(2025, 3, 7, 15, 0), 8)
        working_time_between(vn(2025, 3, 7, 15, 0), vn(2025, 3, 17, 15, 0))


def test_editing_a_holiday_changes_deadlines():
    thursday = vn(2027, 3, 4, 10, 0)
    assert add_working_days(thursday, 1) == vn(2027, 3, 5, 10, 0)

    holiday = Holiday.objects.create(date=date(2027, 3, 5), name="Nghỉ đột xuất", kind="day_off")
    assert add_working_days(thursday, 1) == vn(2027, 3, 8, 10, 0)

    holiday.date = date(2027, 3, 8)
    holiday.save()
    assert add_working_days(thursday, 1) == vn(2027, 3, 5, 10, 0)
    assert add_working_days(thursday, 2) == vn(2027, 3, 9, 10, 0)

    holiday.delete()
    assert add_working_days(thursday, 2) == vn(2027, 3, 8, 10, 0)


def test_correcting_a_preloaded_holiday_changes_deadlines():
    # Suppose the government picks Wednesday 1 September 2027 instead of Friday the 3rd.
    before = working_time_between(vn(2027, 8, 30, 7, 30), vn(2027, 9, 6, 7, 30))
    adjacent = Holiday.objects.get(date=date(2027, 9, 3))
    adjacent.date = date(2027, 9, 1)
    adjacent.save()
    assert not is_working_moment(vn(2027, 9, 1, 9, 0))
    assert is_working_moment(vn(2027, 9, 3, 9, 0))
    assert working_time_between(vn(2027, 8, 30, 7, 30), vn(2027, 9, 6, 7, 30)) == before


def test_a_rolled_back_change_leaves_no_trace():
    friday = vn(2027, 3, 5, 9, 0)
    with pytest.raises(RuntimeError), transaction.atomic():
        Holiday.objects.create(date=date(2027, 3, 5), name="Nghỉ đột xuất", kind="day_off")
        assert not is_working_moment(friday)
        raise RuntimeError("the admin form failed after saving")
    assert is_working_moment(friday)


def test_after_a_committed_change_the_calendar_is_cached_again(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=date(2027, 3, 5), name="Nghỉ đột xuất", kind="day_off")
    assert not is_working_moment(vn(2027, 3, 5, 9, 0))
    with django_assert_num_queries(0):
        assert not is_working_moment(vn(2027, 3, 5, 9, 0))


def test_editing_the_working_hours_changes_deadlines():
    calendar = WorkingCalendar.objects.get(is_default=True)
    calendar.periods = [["08:00", "12:00"], ["13:00", "17:00"]]
    calendar.save()
    assert next_working_moment(vn(2025, 3, 10, 7, 45)) == vn(2025, 3, 10, 8, 0)
    assert add_working_hours(vn(2025, 3, 10, 11, 0), 2) == vn(2025, 3, 10, 14, 0)

    calendar.weekdays = [0, 1, 2, 3, 4, 5]
    calendar.save()
    assert is_working_moment(vn(2025, 3, 8, 9, 0))


def test_without_a_calendar_row_office_hours_apply():
    WorkingCalendar.objects.all().delete()
    assert add_working_hours(vn(2025, 3, 7, 15, 0), 8) == vn(2025, 3, 10, 15, 30)


def test_a_holiday_added_in_the_admin_is_respected(people, signed_in):
    client = signed_in(people["admin"])
    tuesday = vn(2027, 3, 9, 10, 0)
    assert is_working_moment(tuesday)
    form = {"date": "2027-03-09", "name": "Nghỉ theo quyết định của UBND tỉnh", "kind": "day_off"}
    response = client.post(reverse("admin:core_holiday_add"), form)
    assert response.status_code == 302
    assert Holiday.objects.filter(date=date(2027, 3, 9)).exists()
    assert not is_working_moment(tuesday)
    assert add_working_days(vn(2027, 3, 8, 10, 0), 1) == vn(2027, 3, 10, 10, 0)


# --- calendars built directly ---------------------------------------------------------------------------


def test_a_calendar_without_working_days_fails_loudly():
    wt = WorkingTime(weekdays=[], periods=[["07:30", "11:30"]])
    with pytest.raises(ValueError):
        wt.add_working_hours(vn(2025, 3, 10, 9, 0), 1)


def test_overlapping_periods_are_refused():
    with pytest.raises(ValueError):
        WorkingTime(weekdays=[0, 1, 2, 3, 4], periods=[["07:30", "12:00"], ["11:00", "17:00"]])


@pytest.mark.parametrize("weekdays,periods,field", [
    ([0, 1, 9], [["07:30", "11:30"]], "weekdays"),
    ([0, 1], [["11:30", "07:30"]], "periods"),
    ([0, 1], [["07:30", "12:00"], ["11:00", "17:00"]], "periods"),
    ([0, 1], "07:30-17:00", "periods"),
])
def test_bad_working_hours_are_refused_with_a_message(weekdays, periods, field):
    from django.core.exceptions import ValidationError

    from ioc.core.models import WorkingCalendar

    with pytest.raises(ValidationError) as error:
        WorkingCalendar(name="x", weekdays=weekdays, periods=periods).full_clean()
    assert field in error.value.message_dict
