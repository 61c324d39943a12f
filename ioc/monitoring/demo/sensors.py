"""Hourly readings of Bắc Ninh's demo stations, made up from the weather and habits of northern Vietnam.

Every value is a pure function of the station and the hour (counter-based noise: a hash of the hour, not a
random stream), so a window ending at any "now" agrees with every other window on the hours they share: a
second seed run later only appends the hours that are missing, and they join the old ones seamlessly.

- Air: fine dust is high in winter (November–February: temperature inversions, straw burning, little rain),
  worse in the morning and evening rush and at night, low in the summer rainy season and washed out by rain;
  ozone peaks on sunny afternoons; NO₂ and CO follow traffic; the paper and aluminium-recycling villages
  (Phong Khê, Văn Môn) add SO₂. The hourly VN_AQI is computed from the pollutants (Quyết định 1459/QĐ-TCMT,
  dust on a 12-hour mean).
- Rain: showers from May to September, mostly in the afternoon and evening, with a tropical-storm trough in late
  July and a typhoon in early September every year; the rivers rise a day or two after the rain and fall over a
  week or more, above alarm level I in the July flood and above alarm level II in the September one.
- Traffic: morning and evening rush hours, quieter weekends, the rush home before Tết and the empty roads of
  Tết itself; now and then an incident slows a road to a crawl.
- Noise: the day–night rhythm of the street.
"""

from datetime import date

import numpy as np

from ioc.lib.lunar import lunar_to_solar

from ..models import VN_OFFSET, StationKind
from .figures import seed_of

HOUR = 3600
RAIN_MEMORY_HOURS = 24 * 20  # how far back rain still raises the rivers

_M1, _M2, _M3 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def uniform(seed, index):
    """A uniform number in [0, 1) for each integer of `index`, the same every time (splitmix64)."""
    with np.errstate(over="ignore"):
        x = index.astype(np.uint64) * _M1 + np.uint64(seed)
        x ^= x >> np.uint64(30)
        x *= _M2
        x ^= x >> np.uint64(27)
        x *= _M3
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def normal(seed, index):
    u1 = np.maximum(uniform(seed, index), 1e-12)
    u2 = uniform(seed ^ 0x5BD1E995, index)
    return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)


def smooth(seed, hours, scale):
    """Standard-normal noise that drifts over `scale` hours (random knots, eased in between)."""
    knot = hours // scale
    frac = (hours % scale) / scale
    frac = frac * frac * (3 - 2 * frac)
    return normal(seed, knot) * (1 - frac) + normal(seed, knot + 1) * frac


def bell(x, centre, width):
    return np.exp(-(((x - centre) / width) ** 2))


class Clock:
    """Local (UTC+7) calendar of each hour of a window."""

    def __init__(self, hours):
        self.hours = hours  # epoch hours (t // 3600)
        local = hours * HOUR + VN_OFFSET
        self.day = local // 86400  # local day number
        self.hour = (local // HOUR) % 24
        self.weekday = (self.day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        days = self.day.astype("datetime64[D]")
        years = days.astype("datetime64[Y]")
        self.year = years.astype(np.int64) + 1970
        self.doy = (days - years.astype("datetime64[D]")).astype(np.int64)
        self.tet_day = self._days_from_tet()

    def _days_from_tet(self):
        """Days from the nearest Tết (negative before it)."""
        epoch = date(1970, 1, 1).toordinal()
        tets = np.array([lunar_to_solar(1, 1, y).toordinal() - epoch
                         for y in range(int(self.year.min()) - 1, int(self.year.max()) + 2)])
        nearest = tets[np.abs(self.day[:, None] - tets[None, :]).argmin(axis=1)]
        return self.day - nearest

    def season(self, peak_doy, amplitude):
        return amplitude * np.cos(2 * np.pi * (self.doy - peak_doy) / 365.25)

    def storm(self, month, day, hour, width, peak):
        """A storm every year centred at that local date and hour, `width` hours wide, mm/h at its peak."""
        epoch = date(1970, 1, 1).toordinal()
        centres = np.array([(date(int(y), month, day).toordinal() - epoch) * 24 + hour
                            for y in range(int(self.year.min()), int(self.year.max()) + 1)])
        local_hours = self.day * 24 + self.hour
        return peak * bell(local_hours[:, None], centres[None, :], width).sum(axis=1)


# --- Shared weather ---------------------------------------------------------------------------------------------


def regional_rain(clock):
    """Rainfall over the province (mm/h) before local showers: fronts, monsoon rain and the yearly storms."""
    wet_season = 0.02 + 0.1 * bell(clock.doy, 210, 75)
    evening = 1 + 0.9 * bell(clock.hour, 17, 3.5)
    wet_spell = np.exp(1.1 * smooth(seed_of("wet-spell"), clock.hours, 40))
    raining = uniform(seed_of("rain"), clock.hours) < wet_season * evening * wet_spell
    amount = -np.log(np.maximum(uniform(seed_of("rain-amount"), clock.hours), 1e-9))
    amount *= 0.35 + 1.4 * bell(clock.doy, 210, 80)
    storms = clock.storm(7, 21, 6, 14, 5.5) + clock.storm(9, 8, 2, 16, 11.0)
    gusts = np.exp(0.45 * normal(seed_of("storm-gusts"), clock.hours))
    return raining * amount + storms * gusts


def temperature(clock, seed):
    cold_surge = 2.3 * smooth(seed_of("synoptic"), clock.hours, 72)
    return (23.6 + clock.season(200, 6.9) + 3.6 * np.cos(2 * np.pi * (clock.hour - 14) / 24) + cold_surge
            + 0.4 * normal(seed, clock.hours))


def synoptic(clock):
    """Stagnant (+) or ventilated (−) air over the province: multi-day spells."""
    return 0.36 * smooth(seed_of("stagnation"), clock.hours, 72) + 0.18 * smooth(seed_of("stagnation-24"),
                                                                                   clock.hours, 24)


# --- Air quality -----------------------------------------------------------------------------------------------

# VN_AQI breakpoints (Quyết định 1459/QĐ-TCMT): concentrations (µg/m³) for index 0, 50, 100, 150, 200, 300, 400, 500.
AQI_LEVELS = [0, 50, 100, 150, 200, 300, 400, 500]
AQI_BREAKPOINTS = {
    "pm25": [0, 25, 50, 80, 150, 250, 350, 500],  # 24-hour (here on a 12-hour mean)
    "pm10": [0, 50, 150, 250, 350, 420, 500, 600],
    "no2": [0, 100, 200, 700, 1200, 2350, 3100, 3850],  # 1-hour
    "o3": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "co": [0, 10000, 30000, 45000, 60000, 90000, 120000, 150000],
    "so2": [0, 125, 350, 550, 800, 1600, 2100, 2630],
}


def traffic_shape(clock):
    """Relative traffic by hour: two rush hours on weekdays, a flatter weekend."""
    weekday = 0.15 + 0.85 * np.maximum(bell(clock.hour, 7.6, 1.5), bell(clock.hour, 17.6, 1.7)) \
        + 0.55 * bell(clock.hour, 12.5, 4.5)
    weekend = 0.15 + 0.75 * bell(clock.hour, 15, 5.5)
    shape = np.where(clock.weekday >= 5, weekend, weekday)
    tet = np.where((clock.tet_day >= 0) & (clock.tet_day <= 4), 0.4, 1.0)
    return shape * tet


def air_quality(clock, code, profile, rain):
    seed = seed_of("station", code)
    stagnant = synoptic(clock)
    washout = np.exp(-0.09 * rain)
    night = 1 + 0.22 * bell(clock.hour, 8, 2) + 0.42 * bell(clock.hour, 21.5, 3) - 0.25 * bell(clock.hour, 14, 3)
    sunday = np.where(clock.weekday == 6, 0.92, 1.0)
    tet = np.where((clock.tet_day >= 0) & (clock.tet_day <= 4), 0.82, 1.0)
    local = np.exp(0.16 * smooth(seed, clock.hours, 6) + 0.09 * normal(seed + 1, clock.hours))
    pm25 = ((31 + clock.season(10, 19)) * night * np.exp(stagnant) * washout * sunday * tet * local
            * profile.get("level", 1.0))
    pm25 = np.maximum(pm25, 2.0)
    dry = 1 + 0.12 * bell(clock.doy % 365, 20, 60)
    pm10 = pm25 * (1.5 + 0.12 * normal(seed + 2, clock.hours)) * dry
    traffic = traffic_shape(clock) * profile.get("traffic", 1.0)
    no2 = ((14 + 26 * traffic) * (1 + clock.season(15, 0.25)) * np.exp(0.5 * stagnant) * profile.get("no2", 1.0)
           * np.exp(0.12 * normal(seed + 3, clock.hours)))
    co = ((550 + 900 * traffic + 11 * pm25) * profile.get("co", 1.0) * np.exp(0.1 * normal(seed + 4, clock.hours)))
    so2 = ((7 + clock.season(15, 3)) * profile.get("so2", 1.0) * np.exp(0.3 * stagnant)
           * np.exp(0.25 * normal(seed + 5, clock.hours)))
    sunny = 1 + clock.season(170, 0.25)
    o3 = ((22 + 78 * bell(clock.hour, 14, 3.2) * sunny * np.exp(-0.6 * np.maximum(rain, 0) ** 0.5))
          * np.exp(0.2 * normal(seed + 6, clock.hours)) * (1 - 0.3 * stagnant))
    o3 = np.maximum(o3, 3.0)
    temp = temperature(clock, seed + 7)
    humidity = np.clip(79 + clock.season(75, 7) - 11 * np.cos(2 * np.pi * (clock.hour - 14) / 24)
                       + 6 * np.minimum(rain, 3) + 3 * normal(seed + 8, clock.hours), 30, 100)
    return {"pm25": pm25, "pm10": pm10, "no2": no2, "co": co, "so2": so2, "o3": o3, "temperature": temp,
            "humidity": humidity}


def vn_aqi(values, lookback):
    """Hourly VN_AQI: dust on the mean of the last 12 hours, gases on the hour; the worst sub-index wins.
    `lookback` leading hours are only history and are dropped from the result."""
    indices = []
    for name, breakpoints in AQI_BREAKPOINTS.items():
        series = values[name]
        if name in ("pm25", "pm10"):
            kernel = np.ones(12) / 12
            series = np.convolve(series, kernel)[: len(series)]
            series[:11] = values[name][:11]
        indices.append(np.interp(series, breakpoints, AQI_LEVELS))
    return np.max(indices, axis=0)[lookback:]


# --- Rivers, rain, roads, noise -----------------------------------------------------------------------------------


def river_kernel():
    """How a millimetre of rain raises the river over the following hours: a rise of a day or two, then a long
    recession."""
    hours = np.arange(RAIN_MEMORY_HOURS, dtype=float)
    shape = (hours / 30) ** 2 * np.exp(-hours / 30) + 0.35 * np.exp(-hours / 160)
    return shape / shape.sum()


def water_level(clock, profile, rain):
    """Water level (m) from the rain of the past weeks; `rain` covers RAIN_MEMORY_HOURS more hours at the start."""
    base = profile["dry"] + (profile["wet"] - profile["dry"]) * bell(clock.doy, 225, 55)
    response = np.convolve(rain, river_kernel())[: len(rain)][RAIN_MEMORY_HOURS:]
    return base + profile.get("gain", 1.0) * 1.85 * response ** 0.65


def rain_gauge(clock, code, profile, rain):
    seed = seed_of("station", code)
    wet_season = 0.003 + 0.02 * bell(clock.doy, 200, 55)
    shower = uniform(seed, clock.hours) < wet_season * (1 + 1.5 * bell(clock.hour, 16, 3))
    shower_amount = -np.log(np.maximum(uniform(seed + 1, clock.hours), 1e-9)) * 4.5
    local = rain * np.exp(0.35 * normal(seed + 2, clock.hours)) * profile.get("wet", 1.0)
    return np.where(local < 0.1, 0.0, local) + shower * shower_amount


def traffic(clock, code, profile):
    seed = seed_of("station", code)
    shape = traffic_shape(clock)
    homecoming = np.where((clock.tet_day >= -6) & (clock.tet_day <= -1), 1.22, 1.0)
    after_tet = np.where((clock.tet_day >= 5) & (clock.tet_day <= 8), 1.12, 1.0)
    growth = 1.05 ** ((clock.day - 20454) / 365.25)  # 20454 = 2026-01-01
    vehicles = (profile["peak"] * shape * homecoming * after_tet * growth
                * np.exp(0.06 * normal(seed, clock.hours)))
    incident = uniform(seed + 1, clock.hours) < 0.0035
    lasting = (uniform(seed + 1, clock.hours - 1) < 0.0035) & (uniform(seed + 2, clock.hours) < 0.6)
    incident |= lasting  # some incidents last two hours
    load = vehicles / profile["capacity"]
    speed = profile["free"] * (1 - 0.62 * load ** 3) * np.exp(0.05 * normal(seed + 3, clock.hours))
    speed = np.where(incident, speed * (0.15 + 0.1 * uniform(seed + 4, clock.hours)), speed)
    vehicles = np.where(incident, vehicles * 0.55, vehicles)
    return {"vehicles": np.round(vehicles), "speed": np.maximum(speed, 3.0)}


def noise(clock, code, profile):
    seed = seed_of("station", code)
    shape = traffic_shape(clock)
    level = profile["day"] - 10 + 10 * np.log10(1 + 9 * shape)
    event = uniform(seed, clock.hours) < 0.002  # festivals, night works
    return np.clip(level + 7 * event + 1.1 * normal(seed + 1, clock.hours), 35, 110)


def station_values(spec, hours):
    """{metric code: values} for one station over `hours` (epoch hours)."""
    kind = spec.kind
    if kind == StationKind.TRAFFIC:
        return traffic(Clock(hours), spec.code, spec.profile)
    if kind == StationKind.NOISE:
        return {"noise": noise(Clock(hours), spec.code, spec.profile)}
    if kind == StationKind.RAINFALL:
        clock = Clock(hours)
        return {"rainfall": rain_gauge(clock, spec.code, spec.profile, regional_rain(clock))}
    if kind == StationKind.WATER_LEVEL:
        history = np.arange(hours[0] - RAIN_MEMORY_HOURS, hours[-1] + 1)
        rain = regional_rain(Clock(history))
        return {"water_level": water_level(Clock(hours), spec.profile, rain)}
    if kind == StationKind.AIR_QUALITY:
        lookback = 11
        extended = np.arange(hours[0] - lookback, hours[-1] + 1)
        clock = Clock(extended)
        values = air_quality(clock, spec.code, spec.profile, regional_rain(clock))
        aqi = vn_aqi(values, lookback)
        out = {name: series[lookback:] for name, series in values.items()}
        out["aqi"] = aqi
        return out
    raise ValueError(f"unknown station kind {kind}")
