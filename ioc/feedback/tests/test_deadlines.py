"""Deadlines in working time: acceptance in working hours and the answer in working days, per category and
priority, across a weekend and across Tết 2026 (the holidays preloaded by migration core/0003)."""

from datetime import date, datetime, timedelta

import pytest

from ioc.core import worktime
from ioc.core.models import Holiday
from ioc.core.worktime import VIETNAM

from ..models import Priority
from ..workflow import deadlines_for


def at(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM)


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    worktime.invalidate_cache()
    yield
    worktime.invalidate_cache()


def test_the_preloaded_table_gives_tet_2026_from_14_to_22_february(db):
    tet = set(Holiday.objects.filter(date__range=(date(2026, 2, 14), date(2026, 2, 22)), kind="holiday")
              .values_list("date", flat=True))
    assert {date(2026, 2, d) for d in range(16, 21)} <= tet  # Monday 16 to Friday 20 February
    off = [date(2026, 2, 13) + timedelta(days=n) for n in range(11)]
    assert [worktime.is_working_day(d) for d in off] == [True] + [False] * 9 + [True]  # Fri 13 ... Mon 23


def test_normal_report_received_before_tet(categories):
    received = at(date(2026, 2, 13), 10)  # Friday morning, the last working day before Tết
    acceptance, answer = deadlines_for(categories["lights"], Priority.NORMAL, received)
    # 1 h 30 before noon, 3 h 30 in the afternoon, then 3 h on Monday 23 February.
    assert acceptance == at(date(2026, 2, 23), 10, 30)
    # Five working days: Monday 23 … Friday 27 February, same time of day.
    assert answer == at(date(2026, 2, 27), 10)


def test_urgent_report_received_before_tet(categories):
    received = at(date(2026, 2, 13), 16)
    acceptance, answer = deadlines_for(categories["flooding"], Priority.URGENT, received)
    assert acceptance == at(date(2026, 2, 23), 10, 30)  # 1 h on Friday, 3 h on Monday after Tết
    assert answer == at(date(2026, 2, 24), 16)  # two working days


def test_report_received_during_tet_starts_counting_after_it(categories):
    received = at(date(2026, 2, 17), 9)  # Tết holiday
    acceptance, answer = deadlines_for(categories["lights"], Priority.NORMAL, received)
    assert acceptance == at(date(2026, 2, 24), 8, 0)  # 7 h 30 on Monday 23, 30 min on Tuesday 24
    assert answer == at(date(2026, 2, 27), 17, 0)  # five full working days 23–27 February: Friday at close


def test_normal_report_across_a_weekend(categories):
    received = at(date(2026, 3, 6), 15)  # Friday afternoon
    acceptance, answer = deadlines_for(categories["lights"], Priority.NORMAL, received)
    assert acceptance == at(date(2026, 3, 9), 15, 30)  # 2 h Friday, 4 h + 2 h Monday
    assert answer == at(date(2026, 3, 13), 15)


def test_urgent_report_uses_the_urgent_figures(categories):
    received = at(date(2026, 3, 6), 15)
    acceptance, answer = deadlines_for(categories["lights"], Priority.URGENT, received)
    assert acceptance == at(date(2026, 3, 9), 9, 30)  # 4 working hours: 2 h Friday, 2 h Monday
    assert answer == at(date(2026, 3, 10), 15)  # 2 working days


def test_deadlines_follow_the_category_figures(categories):
    lights = categories["lights"]
    lights.acceptance_hours, lights.answer_days = 16, 10
    received = at(date(2026, 3, 9), 7, 30)  # Monday morning
    acceptance, answer = deadlines_for(lights, Priority.NORMAL, received)
    day = worktime.default_working_time().day_length
    assert worktime.working_time_between(received, acceptance) == timedelta(hours=16)
    assert acceptance == at(date(2026, 3, 11), 8, 30)  # two 7 h 30 days and 1 h
    assert worktime.working_time_between(received, answer) == 10 * day


def test_intake_stores_the_deadlines_of_the_category_and_its_priority(make_report):
    received = at(date(2026, 2, 13), 10)
    normal = make_report(received_at=received)
    assert (normal.acceptance_due, normal.answer_due) == (at(date(2026, 2, 23), 10, 30), at(date(2026, 2, 27), 10))
    urgent = make_report(category="flooding", description="Ngập sâu ở ngã tư", received_at=received)
    assert urgent.priority == Priority.URGENT  # the category's default priority
    assert urgent.acceptance_due == at(date(2026, 2, 13), 16)  # 4 working hours, before Tết
    assert urgent.answer_due == at(date(2026, 2, 24), 10)
