"""The Vietnamese lunisolar calendar (*âm lịch*), converted to and from the Gregorian calendar.

This follows the astronomical method published by Hồ Ngọc Đức: months begin on the day of the new moon and
a lunar year's 11th month is the one that contains the winter solstice, both reckoned in Vietnam's time zone
(UTC+7). In a year with 13 months, the leap month is the first one after the 11th month that contains no
major solar term (*trung khí*). Because the reckoning is done at UTC+7, some dates differ from the Chinese
calendar (UTC+8), e.g. Tết 1985.

Dates are proleptic Gregorian (Python's `date`); the method is accurate for roughly 1800–2199.
"""

import math
from datetime import date

VIETNAM_UTC_OFFSET_HOURS = 7

_SYNODIC_MONTH = 29.530588853
# Julian day of the new moon of 1 January 1900, the epoch of the new moon count `k`.
_NEW_MOON_EPOCH = 2415021.076998695
# Julian day number = proleptic Gregorian ordinal + this constant.
_ORDINAL_TO_JDN = 1721425
_RAD = math.pi / 180


def _jdn(day: date) -> int:
    return day.toordinal() + _ORDINAL_TO_JDN


def _date_from_jdn(jdn: int) -> date:
    return date.fromordinal(jdn - _ORDINAL_TO_JDN)


def _new_moon(k: int) -> float:
    """Julian date (UT) of the k-th new moon after the epoch (Meeus' series, simplified)."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _RAD)
    sun_anomaly = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    moon_anomaly = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    latitude_arg = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    m, mp, f = sun_anomaly * _RAD, moon_anomaly * _RAD, latitude_arg * _RAD
    correction = (
        (0.1734 - 0.000393 * t) * math.sin(m)
        + 0.0021 * math.sin(2 * m)
        - 0.4068 * math.sin(mp)
        + 0.0161 * math.sin(2 * mp)
        - 0.0004 * math.sin(3 * mp)
        + 0.0104 * math.sin(2 * f)
        - 0.0051 * math.sin(m + mp)
        - 0.0074 * math.sin(m - mp)
        + 0.0004 * math.sin(2 * f + m)
        - 0.0004 * math.sin(2 * f - m)
        - 0.0006 * math.sin(2 * f + mp)
        + 0.0010 * math.sin(2 * f - mp)
        + 0.0005 * math.sin(2 * mp + m)
    )
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + correction - delta_t


def _new_moon_day(k: int, tz_hours: float = VIETNAM_UTC_OFFSET_HOURS) -> int:
    """Julian day number of the local civil day on which the k-th new moon falls."""
    return math.floor(_new_moon(k) + 0.5 + tz_hours / 24)


def _sun_longitude(jd: float) -> float:
    """The sun's apparent longitude in radians, in [0, 2π), at Julian date `jd` (UT)."""
    t = (jd - 2451545.0) / 36525
    t2 = t * t
    mean_anomaly = (357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * _RAD
    mean_longitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    equation_of_centre = (
        (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(mean_anomaly)
        + (0.019993 - 0.000101 * t) * math.sin(2 * mean_anomaly)
        + 0.000290 * math.sin(3 * mean_anomaly)
    )
    longitude = (mean_longitude + equation_of_centre) * _RAD
    return longitude - 2 * math.pi * math.floor(longitude / (2 * math.pi))


def _solar_term_sector(jdn: int, tz_hours: float = VIETNAM_UTC_OFFSET_HOURS) -> int:
    """Which 30° sector (0–11) the sun is in at the start of local day `jdn`; 9 = from the winter solstice."""
    return math.floor(_sun_longitude(jdn - 0.5 - tz_hours / 24) / math.pi * 6)


def _month_11_start(year: int) -> int:
    """Julian day number of the first day of lunar month 11 (the solstice month) that begins in `year`."""
    k = math.floor((_jdn(date(year, 12, 31)) - 2415021) / _SYNODIC_MONTH)
    start = _new_moon_day(k)
    if _solar_term_sector(start) >= 9:
        start = _new_moon_day(k - 1)
    return start


def _leap_month_offset(month_11_start: int) -> int:
    """How many months after month 11 the leap month comes, in a 13-month lunar year."""
    k = math.floor((month_11_start - _NEW_MOON_EPOCH) / _SYNODIC_MONTH + 0.5)
    offset = 1
    sector = _solar_term_sector(_new_moon_day(k + offset))
    while True:
        previous = sector
        offset += 1
        sector = _solar_term_sector(_new_moon_day(k + offset))
        if sector == previous or offset >= 14:
            return offset - 1


def solar_to_lunar(day: date) -> tuple[int, int, int, bool]:
    """The lunar (day, month, year, is_leap_month) of a Gregorian date."""
    jdn = _jdn(day)
    k = math.floor((jdn - _NEW_MOON_EPOCH) / _SYNODIC_MONTH)
    month_start = _new_moon_day(k + 1)
    # The mean month is only a first guess: a true new moon can be up to about half a day off it.
    while month_start > jdn:
        k -= 1
        month_start = _new_moon_day(k + 1)
    a11 = _month_11_start(day.year)
    b11 = a11
    if a11 >= month_start:
        lunar_year = day.year
        a11 = _month_11_start(day.year - 1)
    else:
        lunar_year = day.year + 1
        b11 = _month_11_start(day.year + 1)
    lunar_day = jdn - month_start + 1
    months_since_11 = math.floor((month_start - a11) / 29)
    is_leap = False
    lunar_month = months_since_11 + 11
    if b11 - a11 > 365:
        leap_offset = _leap_month_offset(a11)
        if months_since_11 >= leap_offset:
            lunar_month = months_since_11 + 10
            is_leap = months_since_11 == leap_offset
    if lunar_month > 12:
        lunar_month -= 12
    if lunar_month >= 11 and months_since_11 < 4:
        lunar_year -= 1
    return lunar_day, lunar_month, lunar_year, is_leap


def lunar_to_solar(day: int, month: int, year: int, leap: bool = False) -> date:
    """The Gregorian date of a lunar date. Raises ValueError for a leap month that year does not have."""
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise ValueError(f"invalid lunar date {day}/{month}/{year}")
    if month < 11:
        a11, b11 = _month_11_start(year - 1), _month_11_start(year)
    else:
        a11, b11 = _month_11_start(year), _month_11_start(year + 1)
    k = math.floor(0.5 + (a11 - _NEW_MOON_EPOCH) / _SYNODIC_MONTH)
    offset = (month - 11) % 12
    if b11 - a11 > 365:
        leap_offset = _leap_month_offset(a11)
        leap_month = (leap_offset + 9) % 12 + 1  # offset 1 → leap 11, 2 → leap 12, 3 → leap 1…
        if leap and month != leap_month:
            raise ValueError(f"lunar year {year} has no leap month {month}")
        if leap or offset >= leap_offset:
            offset += 1
    elif leap:
        raise ValueError(f"lunar year {year} has no leap month")
    month_start = _new_moon_day(k + offset)
    return _date_from_jdn(month_start + day - 1)
