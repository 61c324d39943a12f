"""Deadlines in working time: the calendar arithmetic every staff list and every intake runs.

Fast path: ioc.core.worktime (skips whole days, holidays in a set). Naive baseline: stepping minute by
minute and asking the holiday table for each new day, as a straightforward implementation would.
"""

import random
from datetime import datetime, timedelta

from bench.common import setup_django, summary, timed, write_results


def naive_add_working_hours(start, hours, *, holidays, calendar):
    """Minute stepping with a holiday query per day: the baseline."""
    from ioc.core.models import Holiday

    remaining = int(hours * 60)
    moment = start.replace(second=0, microsecond=0)
    current_day, day_is_working = None, False
    while remaining > 0:
        if moment.date() != current_day:
            current_day = moment.date()
            holiday = Holiday.objects.filter(date=current_day).values_list("kind", flat=True).first()
            day_is_working = (holiday == "working_day") or (holiday is None and current_day.weekday() in calendar)
        if day_is_working and any(s <= moment.time() < e for s, e in holidays):
            remaining -= 1
        moment += timedelta(minutes=1)
    return moment


def main():
    setup_django()
    from ioc.core import worktime
    from ioc.core.models import WorkingCalendar

    rng = random.Random(2026)
    base = datetime(2026, 1, 1, 0, 0, tzinfo=worktime.VIETNAM)
    starts = [base + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(20000)]
    wt = worktime.default_working_time()
    cal = WorkingCalendar.objects.get(is_default=True)
    periods = [(datetime.strptime(s, "%H:%M").time(), datetime.strptime(e, "%H:%M").time()) for s, e in cal.periods]

    figures = {}
    fast = timed(lambda: [wt.add_working_hours(s, 40) for s in starts])[0]
    figures["fast add_working_hours(40 h) ×20,000"] = {"total_s": round(fast, 3),
                                                        "per_call_us": round(fast / len(starts) * 1e6, 2)}
    sample = starts[:200]
    slow = timed(lambda: [naive_add_working_hours(s, 40, holidays=periods, calendar=set(cal.weekdays))
                          for s in sample])[0]
    figures["naive minute stepping ×200"] = {"total_s": round(slow, 3),
                                             "per_call_us": round(slow / len(sample) * 1e6, 2)}
    for s in sample[:50]:  # both paths agree
        assert wt.add_working_hours(s, 40) == naive_add_working_hours(
            s, 40, holidays=periods, calendar=set(cal.weekdays)), s
    figures["speed-up"] = {"times": round((slow / len(sample)) / (fast / len(starts)), 1)}

    # An inbox page of 50 rows shows each item's remaining working time.
    now = datetime(2026, 6, 15, 9, 0, tzinfo=worktime.VIETNAM)
    pages = timed(lambda: [wt.working_time_between(now, s) for s in starts[:50]], repeat=200)
    figures["working_time_between for a 50-row page"] = summary(pages)
    write_results("worktime", "Working-time deadlines (ioc.core.worktime)", figures,
                  "Baseline and fast path give the same deadlines (checked on 50 samples).")


if __name__ == "__main__":
    main()
