"""The Vietnamese lunar calendar, the public holidays generated from it, their preloading, and the page
that shows them."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from ioc.core.holidays_vn import holidays_for_year
from ioc.core.models import Holiday, WorkingCalendar
from ioc.lib.lunar import lunar_to_solar, solar_to_lunar

TET = {
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    # The new moon falls at 23:07 on 2 February in Hà Nội but 00:07 on the 3rd in Beijing,
    # so China's New Year is a day later.
    2030: date(2030, 2, 2),
}
TET_NAME = "Tết Nguyên đán"
LEGAL_HOLIDAYS_PER_YEAR = 11  # 1/1, five Tết days, Giỗ Tổ, 30/4, 1/5, 2/9 and the adjacent day


# --- the lunar calendar -------------------------------------------------------------------------------


@pytest.mark.parametrize("year, new_year", TET.items())
def test_tet_falls_on_the_known_date(year, new_year):
    assert lunar_to_solar(1, 1, year) == new_year
    assert solar_to_lunar(new_year) == (1, 1, year, False)
    assert solar_to_lunar(new_year - timedelta(days=1))[1:] == (12, year - 1, False)


@pytest.mark.parametrize("year, day", [(2025, date(2025, 4, 7)), (2026, date(2026, 4, 26))])
def test_hung_kings_day_is_the_tenth_of_the_third_lunar_month(year, day):
    assert lunar_to_solar(10, 3, year) == day
    assert solar_to_lunar(day) == (10, 3, year, False)


def test_the_calendar_is_reckoned_at_utc_plus_7_not_china_time():
    assert lunar_to_solar(1, 1, 2007) == date(2007, 2, 17)  # China: 18 February
    assert lunar_to_solar(1, 1, 1985) == date(1985, 1, 21)  # China: 20 February, a whole month later


def test_leap_months_are_told_apart_from_the_ordinary_month():
    assert lunar_to_solar(1, 2, 2023) == date(2023, 2, 20)
    assert lunar_to_solar(1, 2, 2023, leap=True) == date(2023, 3, 22)
    assert solar_to_lunar(date(2023, 3, 22)) == (1, 2, 2023, True)
    assert solar_to_lunar(date(2025, 7, 25)) == (1, 6, 2025, True)
    assert lunar_to_solar(1, 6, 2025, leap=True) == date(2025, 7, 25)


def test_a_leap_month_the_year_does_not_have_is_refused():
    with pytest.raises(ValueError):
        lunar_to_solar(1, 2, 2025, leap=True)
    with pytest.raises(ValueError):
        lunar_to_solar(1, 5, 2026, leap=True)


def test_every_day_converts_there_and_back():
    day = date(2024, 1, 1)
    while day < date(2032, 1, 1):
        lunar_day, month, year, leap = solar_to_lunar(day)
        assert 1 <= lunar_day <= 30
        assert lunar_to_solar(lunar_day, month, year, leap) == day
        day += timedelta(days=1)


# --- the holidays ---------------------------------------------------------------------------------------


def _by_date(year):
    return {day: (name, kind) for day, name, kind in holidays_for_year(year)}


@pytest.mark.parametrize("year", range(2025, 2031))
def test_every_year_has_the_labor_code_holidays(year):
    days = _by_date(year)
    assert days[date(year, 1, 1)] == ("Tết Dương lịch", "holiday")
    assert days[TET[year]] == ("Tết Nguyên đán (mùng 1 tháng Giêng)", "holiday")
    tet_days = [d for d, (name, kind) in days.items() if kind == "holiday" and name.startswith(TET_NAME)]
    assert len(tet_days) == 5
    assert max(tet_days) - min(tet_days) == timedelta(days=4)
    assert days[lunar_to_solar(10, 3, year)] == ("Giỗ Tổ Hùng Vương (10/3 âm lịch)", "holiday")
    assert days[date(year, 4, 30)] == ("Ngày Giải phóng miền Nam, thống nhất đất nước", "holiday")
    assert days[date(year, 5, 1)] == ("Ngày Quốc tế Lao động", "holiday")
    assert days[date(year, 9, 2)] == ("Quốc khánh", "holiday")
    next_to_national_day = [days.get(date(year, 9, d), ("", ""))[0] for d in (1, 3)]
    assert sum(name.startswith("Quốc khánh") for name in next_to_national_day) == 1
    assert sum(1 for _, kind in days.values() if kind == "holiday") == LEGAL_HOLIDAYS_PER_YEAR


@pytest.mark.parametrize("year", range(2025, 2031))
def test_a_holiday_on_a_weekend_is_made_up_on_a_following_weekday(year):
    rows = holidays_for_year(year)
    weekend_holidays = [day for day, _, kind in rows if kind == "holiday" and day.weekday() >= 5]
    in_lieu = [(day, name) for day, name, kind in rows if kind == "day_off" and name.startswith("Nghỉ bù")]
    assert len(in_lieu) == len(weekend_holidays)
    for (day, _), holiday in zip(in_lieu, weekend_holidays, strict=True):
        assert day.weekday() < 5
        assert day > holiday


def test_2025_follows_the_governments_decision():
    days = _by_date(2025)
    # Tết: 25/1–2/2/2025 off, that is Monday 27 to Friday 31 January and the two weekends.
    assert [d for d in days if date(2025, 1, 25) <= d <= date(2025, 2, 2)] == [
        date(2025, 1, 27), date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30), date(2025, 1, 31)]
    assert days[date(2025, 1, 27)] == ("Tết Nguyên đán (28 tháng Chạp)", "holiday")
    # 30/4–4/5/2025: Friday 2 May off, worked on Saturday 26 April.
    assert days[date(2025, 5, 2)][1] == "day_off"
    assert days[date(2025, 4, 26)][1] == "working_day"
    # National Day: 30/8–2/9/2025, Monday 1 September being the adjacent day.
    assert days[date(2025, 9, 1)][1] == "holiday"
    assert date(2025, 9, 3) not in days


def test_2026_follows_the_governments_decisions():
    days = _by_date(2026)
    assert days[date(2026, 1, 2)][1] == "day_off"  # New Year 1/1–4/1/2026 …
    assert days[date(2026, 1, 10)][1] == "working_day"  # … made up on Saturday 10 January
    assert [d for d in days if date(2026, 2, 14) <= d <= date(2026, 2, 22)] == [
        date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19), date(2026, 2, 20)]
    assert days[date(2026, 4, 26)][1] == "holiday"  # Giỗ Tổ on a Sunday …
    assert days[date(2026, 4, 27)] == ("Nghỉ bù Giỗ Tổ Hùng Vương (26/04/2026)", "day_off")  # … off on Monday
    assert days[date(2026, 9, 1)][1] == "holiday"
    assert days[date(2026, 8, 31)][1] == "day_off"
    assert days[date(2026, 8, 22)][1] == "working_day"


def test_years_without_a_decision_follow_the_rules():
    days = _by_date(2027)  # Tết on Saturday 6 February 2027
    assert days[date(2027, 2, 5)][1] == "holiday"  # the last day of the old year
    assert days[date(2027, 2, 10)] == ("Nghỉ bù Tết Nguyên đán (06/02/2027)", "day_off")
    assert days[date(2027, 2, 11)] == ("Nghỉ bù Tết Nguyên đán (07/02/2027)", "day_off")
    assert days[date(2027, 5, 3)][1] == "day_off"  # 1 May on a Saturday
    assert days[date(2027, 9, 3)][1] == "holiday"  # 2 September on a Thursday: Friday joins the weekend
    assert not any(kind == "working_day" for _, kind in days.values())

    days = _by_date(2028)
    assert days[date(2028, 1, 3)][1] == "day_off"  # 1 January on a Saturday
    assert days[date(2028, 5, 2)][1] == "day_off"  # 30 April on a Sunday; Monday is already 1 May


# --- the preloaded data and the page ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_preloads_the_calendar_and_six_years_of_holidays():
    calendar = WorkingCalendar.objects.get(is_default=True)
    assert calendar.name == "Lịch làm việc hành chính"
    assert calendar.weekdays == [0, 1, 2, 3, 4]
    assert calendar.periods == [["07:30", "11:30"], ["13:30", "17:00"]]
    for year in range(2025, 2031):
        stored = set(Holiday.objects.filter(date__year=year).values_list("date", "name", "kind"))
        assert stored == set(holidays_for_year(year))


@pytest.mark.django_db
def test_the_calendar_page_shows_hours_and_the_chosen_years_holidays(people, signed_in):
    response = signed_in(people["officer"]).get(reverse("core:calendar"), {"year": "2026"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "07:30" in page and "17:00" in page
    assert "17/02/2026" in page
    assert "Tết Nguyên đán (mùng 1 tháng Giêng)" in page
    assert "Làm bù cho ngày nghỉ 02/01/2026" in page
    assert "29/01/2025" not in page  # another year's Tết
    assert '<option value="2026" selected>' in page
    assert reverse("admin:core_holiday_changelist") not in page


@pytest.mark.django_db
def test_the_administrator_is_offered_the_holiday_editor(people, signed_in):
    response = signed_in(people["admin"]).get(reverse("core:calendar"))
    assert reverse("admin:core_holiday_changelist") in response.content.decode()


@pytest.mark.django_db
def test_a_citizen_cannot_see_the_calendar_page(people, signed_in):
    assert signed_in(people["citizen"]).get(reverse("core:calendar")).status_code == 403
