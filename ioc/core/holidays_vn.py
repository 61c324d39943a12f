"""Vietnam's public holidays for civil servants (*cán bộ, công chức, viên chức*), year by year.

The legal days are those of the Labor Code 2019, art. 112:
- Tết Dương lịch: 1 January;
- Tết Nguyên đán: 5 days, which the government sets each year; by the usual rule the last day of the old
  lunar year and the first four days of the new one;
- Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month;
- 30 April and 1 May;
- Quốc khánh: 2 September and one adjacent day (1 or 3 September), chosen by the Prime Minister.

Civil servants rest on Saturday and Sunday; a holiday that falls on one of those days is made up by a day off
on the next working day (art. 111(3)). The government often swaps a working day squeezed between a holiday and
a weekend for a Saturday worked some other week; such swaps cannot be predicted and are only listed here for
years whose official decisions are known (`OFFICIAL_ARRANGEMENTS`). Other years follow the rules above; an
administrator corrects them in the Holiday table when a decision is published.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from ioc.lib.lunar import lunar_to_solar, solar_to_lunar

HOLIDAY = "holiday"
DAY_OFF = "day_off"
WORKING_DAY = "working_day"

NEW_YEAR = "Tết Dương lịch"
TET = "Tết Nguyên đán"
HUNG_KINGS = "Giỗ Tổ Hùng Vương"
REUNIFICATION = "Ngày Giải phóng miền Nam, thống nhất đất nước"
LABOUR_DAY = "Ngày Quốc tế Lao động"
NATIONAL_DAY = "Quốc khánh"

_WEEKLY_REST = (5, 6)  # Saturday, Sunday


@dataclass(frozen=True)
class Swap:
    """A working day taken off (*nghỉ hoán đổi*) in exchange for a Saturday worked (*làm bù*)."""

    day_off: date
    make_up: date


@dataclass(frozen=True)
class Arrangement:
    """What the government decided for one year, where it differs from or specifies the rules."""

    source: str
    tet_days: tuple[date, ...] = ()
    national_day_extra: date | None = None
    swaps: tuple[Swap, ...] = field(default=())


def _days(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


OFFICIAL_ARRANGEMENTS = {
    2025: Arrangement(
        source="Công văn 8726/VPCP-KGVX ngày 26/11/2024",
        # 28 tháng Chạp to mùng 3; with the weekends, 25/1–2/2/2025 off.
        tet_days=_days(date(2025, 1, 27), date(2025, 1, 31)),
        national_day_extra=date(2025, 9, 1),
        # 30/4–4/5/2025 off, Friday 2/5 worked on Saturday 26/4.
        swaps=(Swap(day_off=date(2025, 5, 2), make_up=date(2025, 4, 26)),),
    ),
    2026: Arrangement(
        source=(
            "Công văn 12729/VPCP-KGVX ngày 25/12/2025 (Tết Dương lịch); "
            "thông báo của Bộ Nội vụ về nghỉ Tết Âm lịch và Quốc khánh năm 2026"
        ),
        # 29 tháng Chạp to mùng 4; with the weekends, 14/2–22/2/2026 off.
        tet_days=_days(date(2026, 2, 16), date(2026, 2, 20)),
        national_day_extra=date(2026, 9, 1),
        swaps=(
            Swap(day_off=date(2026, 1, 2), make_up=date(2026, 1, 10)),  # 1/1–4/1/2026 off
            Swap(day_off=date(2026, 8, 31), make_up=date(2026, 8, 22)),  # 29/8–2/9/2026 off
        ),
    ),
}

# The adjacent National Day holiday by weekday of 2 September (0 = Monday), following recent decisions:
# the day that joins the holiday to a weekend (2021 Thu → 3/9, 2022 Fri → 1/9, 2023 Sat → 1/9, 2024 Mon → 3/9,
# 2025 Tue → 1/9); a Wednesday takes the day before, as in 2026; a Sunday takes Monday 3/9.
_NATIONAL_DAY_EXTRA_DAY_OF_SEPTEMBER = {0: 3, 1: 1, 2: 1, 3: 3, 4: 1, 5: 1, 6: 3}


def tet_days(year: int) -> tuple[date, ...]:
    """The five Tết days by the usual rule: the last day of the old lunar year and mùng 1 to mùng 4."""
    new_year = lunar_to_solar(1, 1, year)
    return _days(new_year - timedelta(days=1), new_year + timedelta(days=3))


def _tet_day_name(day: date) -> str:
    lunar_day, lunar_month, _, _ = solar_to_lunar(day)
    if lunar_month == 1:
        return f"{TET} (mùng {lunar_day} tháng Giêng)"
    return f"{TET} ({lunar_day} tháng Chạp)"


def _legal_holidays(year: int) -> list[tuple[date, str, str]]:
    """The art. 112 days of `year` as (date, name, base name), before any day off in lieu."""
    arrangement = OFFICIAL_ARRANGEMENTS.get(year)
    days = [(date(year, 1, 1), NEW_YEAR, NEW_YEAR)]
    tet = arrangement.tet_days if arrangement and arrangement.tet_days else tet_days(year)
    days += [(day, _tet_day_name(day), TET) for day in tet]
    days.append((lunar_to_solar(10, 3, year), f"{HUNG_KINGS} (10/3 âm lịch)", HUNG_KINGS))
    days.append((date(year, 4, 30), REUNIFICATION, REUNIFICATION))
    days.append((date(year, 5, 1), LABOUR_DAY, LABOUR_DAY))
    national_day = date(year, 9, 2)
    extra = arrangement.national_day_extra if arrangement and arrangement.national_day_extra else None
    if extra is None:
        extra = date(year, 9, _NATIONAL_DAY_EXTRA_DAY_OF_SEPTEMBER[national_day.weekday()])
    days.append((national_day, NATIONAL_DAY, NATIONAL_DAY))
    days.append((extra, f"{NATIONAL_DAY} (ngày nghỉ liền kề)", NATIONAL_DAY))
    return sorted(days)


def holidays_for_year(year: int) -> list[tuple[date, str, str]]:
    """Every date of `year` that breaks the Monday–Friday week, as (date, Vietnamese name, kind), by date.

    kind is "holiday" for a legal holiday, "day_off" for a day off in lieu or by swap, "working_day" for a
    Saturday worked in exchange.
    """
    entries: dict[date, tuple[str, str]] = {}
    arrangement = OFFICIAL_ARRANGEMENTS.get(year)
    for swap in arrangement.swaps if arrangement else ():
        entries[swap.day_off] = (f"Nghỉ hoán đổi (làm bù thứ Bảy {swap.make_up:%d/%m/%Y})", DAY_OFF)
        entries[swap.make_up] = (f"Làm bù cho ngày nghỉ {swap.day_off:%d/%m/%Y}", WORKING_DAY)

    lost = []  # holidays that fall on a day already off, each owed a day off on the next working day
    for day, name, base_name in _legal_holidays(year):
        if day in entries:
            previous_name, _ = entries[day]
            entries[day] = (f"{previous_name}; {name}", HOLIDAY)
            lost.append((day, base_name))
        else:
            entries[day] = (name, HOLIDAY)
            if day.weekday() in _WEEKLY_REST:
                lost.append((day, base_name))

    for day, base_name in lost:
        in_lieu = day + timedelta(days=1)
        while in_lieu.weekday() in _WEEKLY_REST or in_lieu in entries:
            in_lieu += timedelta(days=1)
        entries[in_lieu] = (f"Nghỉ bù {base_name} ({day:%d/%m/%Y})", DAY_OFF)

    return [(day, name, kind) for day, (name, kind) in sorted(entries.items())]
