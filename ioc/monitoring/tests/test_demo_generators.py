"""The demo generators make figures and readings with the seasons of northern Vietnam, and they are functions of
time: two windows agree on what they share, so a later seed run only appends."""

from datetime import date, datetime

import numpy as np
import pytest

from ioc.lib.lunar import lunar_to_solar
from ioc.monitoring.demo import catalogue, figures, sensors
from ioc.monitoring.models import VN_TZ, Frequency

STATIONS = {spec.code: spec for spec in catalogue.STATIONS}


def hours_between(start, end):
    """Epoch hours from start to end (aware datetimes), inclusive."""
    return np.arange(int(start.timestamp()) // 3600, int(end.timestamp()) // 3600 + 1, dtype=np.int64)


def local_hours(hours):
    return (hours + 7) % 24


@pytest.mark.parametrize("code", ["kk-kinh-bac", "mn-dap-cau", "mua-son-dong", "gt-ql1a-tu-son", "on-kinh-bac"])
def test_two_windows_agree_on_the_hours_they_share(code):
    long = sensors.station_values(STATIONS[code], hours_between(datetime(2026, 1, 1, tzinfo=VN_TZ),
                                                                datetime(2026, 3, 1, tzinfo=VN_TZ)))
    short = sensors.station_values(STATIONS[code], hours_between(datetime(2026, 2, 10, tzinfo=VN_TZ),
                                                                 datetime(2026, 2, 20, tzinfo=VN_TZ)))
    offset = (40 * 24) - 0  # 10 February is 40 days after 1 January
    for metric, values in short.items():
        assert np.allclose(values, long[metric][offset:offset + len(values)]), metric


def test_fine_dust_is_a_winter_and_rush_hour_problem():
    spec = STATIONS["kk-kinh-bac"]
    winter_hours = hours_between(datetime(2025, 12, 1, tzinfo=VN_TZ), datetime(2026, 2, 28, 23, tzinfo=VN_TZ))
    summer_hours = hours_between(datetime(2026, 6, 1, tzinfo=VN_TZ), datetime(2026, 8, 31, 23, tzinfo=VN_TZ))
    winter, summer = sensors.station_values(spec, winter_hours), sensors.station_values(spec, summer_hours)
    assert winter["pm25"].mean() > 2.5 * summer["pm25"].mean()
    assert winter["pm25"].mean() > 40 and summer["pm25"].mean() < 25
    evening = winter["pm25"][local_hours(winter_hours) == 21].mean()
    afternoon = winter["pm25"][local_hours(winter_hours) == 14].mean()
    assert evening > 1.3 * afternoon
    # Winter brings hours beyond QCVN 05:2023's 24-hour limit and beyond the critical threshold, not all of them.
    assert 0.1 < (winter["pm25"] > 50).mean() < 0.8
    assert (winter["pm25"] > 100).any() and (winter["aqi"] > 150).any()
    assert 15 < winter["temperature"].mean() < 20 < 28 < summer["temperature"].mean() < 32
    assert ((winter["aqi"] >= 0) & (winter["aqi"] <= 500)).all()


def test_the_aqi_follows_the_worst_pollutant():
    values = {"pm25": np.full(20, 60.0), "pm10": np.full(20, 50.0), "no2": np.full(20, 40.0),
              "o3": np.full(20, 30.0), "co": np.full(20, 1000.0), "so2": np.full(20, 10.0)}
    assert np.allclose(sensors.vn_aqi(values, 11), 100 + 50 * (60 - 50) / 30)  # PM2.5 between 50 and 80
    values["o3"] = np.full(20, 250.0)  # O3 between 200 and 300 → index 100 to 150
    assert np.allclose(sensors.vn_aqi(values, 11), 125)


def test_rivers_rise_above_the_alarm_levels_in_the_september_storm_only():
    spec = STATIONS["mn-dap-cau"]
    year = hours_between(datetime(2025, 11, 23, tzinfo=VN_TZ), datetime(2026, 11, 22, tzinfo=VN_TZ))
    level = sensors.station_values(spec, year)["water_level"]
    moments = [datetime.fromtimestamp(int(h) * 3600, VN_TZ) for h in year]
    months = np.array([m.month for m in moments])
    peak = moments[int(level.argmax())]
    assert peak.month == 9 and 8 <= peak.day <= 14
    assert level.max() > 5.3  # alarm level II at Đáp Cầu
    assert level[(months >= 12) | (months <= 4)].max() < 4.3  # the dry season stays below alarm level I
    assert level[months == 1].mean() < level[months == 8].mean()
    rain = sensors.station_values(STATIONS["mua-son-dong"], year)["rainfall"]
    assert 1200 < rain.sum() < 2600  # mm in a year
    assert rain[(months >= 5) & (months <= 9)].sum() > 0.75 * rain.sum()
    assert (rain > 30).sum() >= 1


def test_roads_have_rush_hours_quiet_weekends_and_empty_tet():
    spec = STATIONS["gt-ql1a-tu-son"]
    weeks = hours_between(datetime(2026, 3, 2, tzinfo=VN_TZ), datetime(2026, 3, 29, 23, tzinfo=VN_TZ))
    values = sensors.station_values(spec, weeks)
    moments = [datetime.fromtimestamp(int(h) * 3600, VN_TZ) for h in weeks]
    weekday = np.array([m.weekday() < 5 for m in moments])
    hour = np.array([m.hour for m in moments])
    rush, night = values["vehicles"][weekday & (hour == 8)].mean(), values["vehicles"][weekday & (hour == 3)].mean()
    assert rush > 4 * night
    assert values["vehicles"][~weekday & (hour == 8)].mean() < 0.8 * rush
    assert values["speed"][weekday & (hour == 8)].mean() < values["speed"][weekday & (hour == 3)].mean()

    tet = lunar_to_solar(1, 1, 2026)
    tet_days = hours_between(datetime(tet.year, tet.month, tet.day, tzinfo=VN_TZ),
                             datetime(tet.year, tet.month, tet.day + 3, 23, tzinfo=VN_TZ))
    assert sensors.station_values(spec, tet_days)["vehicles"].sum() < 0.6 * values["vehicles"][: len(tet_days)].sum()


def test_noise_is_louder_by_day():
    hours = hours_between(datetime(2026, 4, 1, tzinfo=VN_TZ), datetime(2026, 4, 30, 23, tzinfo=VN_TZ))
    noise = sensors.station_values(STATIONS["on-kinh-bac"], hours)["noise"]
    assert noise[local_hours(hours) == 17].mean() > noise[local_hours(hours) == 2].mean() + 5


def test_figures_of_a_period_do_not_depend_on_later_periods():
    communes = [figures.Commune(i, f"Xã {i}", i % 3 == 0, i % 5 == 0, i % 7 == 0, i < 3, i == 0, 20000 + 100 * i)
                for i in range(30)]
    first = date(2021, 12, 1)
    short = figures.periods_between(Frequency.MONTHLY, first, date(2025, 6, 1))
    long = figures.periods_between(Frequency.MONTHLY, first, date(2026, 10, 1))
    for code, generator in figures.GENERATORS.items():
        spec = next(s for s in catalogue.INDICATORS if s.code == code)
        if spec.frequency != Frequency.MONTHLY:
            continue
        a = generator(figures.Context(communes, short, Frequency.MONTHLY))
        b = generator(figures.Context(communes, long, Frequency.MONTHLY))
        assert np.allclose(a, b[: len(short), : a.shape[1]]), code


def test_tet_months_dip_and_spring_festivals_peak():
    communes = [figures.Commune(1, "Phường Kinh Bắc", True, False, False, True, True, 60000)]
    periods = figures.periods_between(Frequency.MONTHLY, date(2021, 12, 1), date(2026, 10, 1))
    ctx = figures.Context(communes, periods, Frequency.MONTHLY)
    exports = figures.exports(ctx)[:, 0]
    tourists = figures.tourists(ctx)[:, 0]
    for year in (2023, 2024, 2025, 2026):
        tet = lunar_to_solar(1, 1, year)
        i = periods.index(date(year, tet.month, 1))
        assert ctx.tet[i, 0] > 0.15
        assert exports[i] < exports[i + 2]  # the Tết month against two months later
        assert tourists[i] > 1.4 * tourists[periods.index(date(year, 10, 1))]


def test_last_complete_period():
    today = date(2026, 11, 22)
    assert figures.last_complete_period(Frequency.MONTHLY, today) == date(2026, 10, 1)
    assert figures.last_complete_period(Frequency.QUARTERLY, today) == date(2026, 7, 1)
    assert figures.last_complete_period(Frequency.YEARLY, today) == date(2025, 1, 1)
    assert figures.last_complete_period(Frequency.MONTHLY, date(2026, 1, 5)) == date(2025, 12, 1)
    assert figures.last_complete_period(Frequency.QUARTERLY, date(2026, 2, 5)) == date(2025, 10, 1)


def test_a_window_starting_at_any_hour_agrees_with_a_longer_one():
    spec = STATIONS["gt-ql1a-tu-son"]
    hours = hours_between(datetime(2026, 3, 1, tzinfo=VN_TZ), datetime(2026, 5, 1, tzinfo=VN_TZ))
    whole = sensors.station_values(spec, hours)
    incidents = np.flatnonzero(whole["speed"] < 15)
    assert len(incidents) > 3
    for start in incidents[:5] + 1:  # a window that starts just after an incident
        part = sensors.station_values(spec, hours[start:start + 48])
        assert np.allclose(part["speed"], whole["speed"][start:start + 48])
