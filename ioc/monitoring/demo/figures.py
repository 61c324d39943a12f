"""Made-up but plausible figures for Bắc Ninh's indicators, December 2021 to the last complete period.

Each generator returns an array of shape (periods, areas) – the communes for commune-level indicators, a
single column for province-only ones – drawn period-major from a generator seeded by the indicator's code, so
that the figures of a period do not depend on how many later periods exist: a second run months later adds
the new periods and agrees with the first on the old ones.

The shapes follow what the province's reports show: steady growth with the 2023 slowdown of the electronics
industry (Samsung), the dip of every Tết month, the spring-festival peak of tourists, the 2023–2024 shortage
of vaccines of the expanded immunisation programme, the workload of the new communes after the reorganisation
of 1 July 2025, Typhoon Yagi (September 2024), and the mountainous east (Sơn Động, Lục Ngạn) behind the rest.
"""

import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np

from ioc.lib.lunar import lunar_to_solar

from ..models import Frequency
from .catalogue import HOSPITAL_COMMUNES, INDUSTRIAL_COMMUNES, PROVINCIAL_HOSPITALS

FIRST_PERIOD = {Frequency.MONTHLY: date(2021, 12, 1), Frequency.QUARTERLY: date(2021, 10, 1),
                Frequency.YEARLY: date(2021, 1, 1)}
MERGER = date(2025, 7, 1)  # two-level local government; Bắc Giang and Bắc Ninh merged
PROVINCE_POPULATION_2022 = 3_560_000


def seed_of(*parts):
    return zlib.crc32("/".join(map(str, parts)).encode())


def periods_between(frequency, first, last):
    """The period starts from first to last inclusive."""
    step = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}[frequency]
    out, year, month = [], first.year, first.month
    while date(year, month, 1) <= last:
        out.append(date(year, month, 1))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return out


def last_complete_period(frequency, today):
    """The start of the latest period that has ended by `today` (figures are reported after the period)."""
    if frequency == Frequency.YEARLY:
        return date(today.year - 1, 1, 1)
    if frequency == Frequency.QUARTERLY:
        quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        month = quarter_start.month - 3
        return date(quarter_start.year + (month < 1) * -1, (month - 1) % 12 + 1, 1)
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


@dataclass
class Commune:
    id: int
    name: str
    urban: bool
    mountain: bool
    industrial: bool
    hospital: bool
    provincial_hospital: bool
    population: float  # 2022


def commune_profiles(areas):
    """Traits of each current commune from its kind, place and size: wards are dense, the hills of the east
    and the north are sparse; the population adds up to the province's (about 3.56 million in 2022)."""
    communes = []
    for area in areas:
        lon, lat = area.longitude or 106.1, area.latitude or 21.2
        urban = area.kind == "Phường"
        mountain = not urban and (lon > 106.42 or lat > 21.44)
        density = 2300 if urban else (230 if mountain else 1150)
        communes.append(Commune(area.pk, area.name, urban, mountain, area.name in INDUSTRIAL_COMMUNES,
                                area.name in HOSPITAL_COMMUNES, area.name in PROVINCIAL_HOSPITALS,
                                density * (area.area_km2 or 25)))
    scale = PROVINCE_POPULATION_2022 / sum(c.population for c in communes)
    for commune in communes:
        commune.population *= scale
    return communes


class Context:
    """Periods and communes shared by the generators; `years` counts from January 2022."""

    def __init__(self, communes, periods, frequency=Frequency.MONTHLY):
        self.communes = communes
        self.periods = periods
        self.n = len(periods)
        self.years = np.array([(p.year - 2022) + (p.month - 1) / 12 for p in periods])[:, None]
        self.month = np.array([p.month for p in periods])[:, None]
        self.urban = np.array([c.urban for c in communes])[None, :]
        self.mountain = np.array([c.mountain for c in communes])[None, :]
        self.lowland = ~self.urban & ~self.mountain
        self.industrial = np.array([c.industrial for c in communes])[None, :]
        self.population = np.array([c.population for c in communes])[None, :]
        self.tet = self._tet_share() if frequency == Frequency.MONTHLY else np.zeros((self.n, 1))

    def _tet_share(self):
        """The share of each month lost to the Tết holiday (the nine days from the 28th of the last lunar
        month to the 6th of the first)."""
        share = np.zeros((self.n, 1))
        for i, period in enumerate(self.periods):
            tet = lunar_to_solar(1, 1, period.year).toordinal()
            days = [d for d in range(tet - 3, tet + 6) if date.fromordinal(d).replace(day=1) == period]
            share[i, 0] = len(days) / 30
        return share

    def after(self, day):
        return np.array([p >= day for p in self.periods])[:, None]

    def rng(self, name):
        """A generator for one draw only: drawn period-major, so a period's numbers do not depend on how many
        periods follow (a second draw from the same generator would)."""
        return np.random.default_rng(seed_of("figures", name))

    def normal(self, name, sd, columns=None):
        return self.rng(name).normal(0, sd, (self.n, columns or len(self.communes)))

    def uniform(self, name, columns=1):
        return self.rng(name).random((self.n, columns))

    def poisson(self, name, mean):
        return self.rng(name).poisson(np.broadcast_to(mean, (self.n, mean.shape[1]))).astype(float)

    def commune_offsets(self, code, sd):
        """A fixed offset per commune (some communes do better than others, every period)."""
        return np.random.default_rng(seed_of("communes", code)).normal(0, sd, (1, len(self.communes)))

    def shares(self, weights):
        weights = np.asarray(weights, dtype=float)
        return weights / weights.sum()


def _interp_months(ctx, knots):
    """Piecewise-linear path through {(year, month): value}, evaluated at each period."""
    xs = [y * 12 + m for (y, m) in knots]
    ys = list(knots.values())
    at = np.array([p.year * 12 + p.month for p in ctx.periods])
    return np.interp(at, xs, ys)[:, None]


def _quarter_path(ctx, table, default, name, sd):
    values = np.array([table.get((p.year, (p.month - 1) // 3 + 1), default) for p in ctx.periods])[:, None]
    return values + ctx.normal(name, sd, 1)


def _season(ctx, factors):
    return np.array(factors)[ctx.month - 1]


def _smooth_dip(ctx, start, peak, end, depth):
    """A dip that deepens from `start` to `peak` and recovers by `end` (dates), in the units of the value."""
    at = np.array([p.toordinal() for p in ctx.periods])
    return -depth * np.interp(at, [start.toordinal(), peak.toordinal(), end.toordinal()], [0, 1, 0])[:, None]


# --- Province-only figures ------------------------------------------------------------------------------------

GRDP_GROWTH = {
    (2021, 4): 6.4, (2022, 1): 7.6, (2022, 2): 9.1, (2022, 3): 10.4, (2022, 4): 6.2,
    (2023, 1): -2.3, (2023, 2): 1.4, (2023, 3): 5.6, (2023, 4): 8.7,
    (2024, 1): 7.4, (2024, 2): 8.3, (2024, 3): 9.5, (2024, 4): 10.9,
    (2025, 1): 10.3, (2025, 2): 11.6, (2025, 3): 12.1, (2025, 4): 11.8,
    (2026, 1): 10.6, (2026, 2): 10.9, (2026, 3): 11.4,
}

UNEMPLOYMENT = {
    (2021, 4): 2.38, (2022, 1): 2.06, (2022, 2): 1.93, (2022, 3): 1.86, (2022, 4): 1.81,
    (2023, 1): 2.64, (2023, 2): 2.74, (2023, 3): 2.36, (2023, 4): 2.12,
    (2024, 1): 1.98, (2024, 2): 1.86, (2024, 3): 1.79, (2024, 4): 1.72,
    (2025, 1): 1.74, (2025, 2): 1.66, (2025, 3): 1.71, (2025, 4): 1.61,
    (2026, 1): 1.66, (2026, 2): 1.58, (2026, 3): 1.55,
}

ONLINE_PROCEDURES = {  # share of procedures offered fully online
    (2021, 4): 38.5, (2022, 1): 41.2, (2022, 2): 44.0, (2022, 3): 47.9, (2022, 4): 52.3,
    (2023, 1): 55.0, (2023, 2): 57.6, (2023, 3): 61.8, (2023, 4): 64.2,
    (2024, 1): 66.5, (2024, 2): 69.9, (2024, 3): 72.4, (2024, 4): 75.1,
    (2025, 1): 77.3, (2025, 2): 79.0, (2025, 3): 81.6, (2025, 4): 83.9,
    (2026, 1): 85.2, (2026, 2): 86.4, (2026, 3): 87.1,
}

PAR_INDEX = {2021: 88.27, 2022: 89.06, 2023: 89.91, 2024: 90.64, 2025: 91.35}


def grdp_growth(ctx):
    return _quarter_path(ctx, GRDP_GROWTH, 10.8, "grdp", 0.05)


def budget_revenue(ctx):
    level = 3100 * 1.14 ** ctx.years
    season = _season(ctx, [1.18, 0.8, 0.93, 1.02, 0.94, 1.06, 0.95, 0.9, 0.96, 1.0, 1.04, 1.42])
    land_auctions = 1 + 0.5 * (ctx.uniform("budget/events") < 0.1)
    return level * season * (1 - 0.35 * ctx.tet) * land_auctions * np.exp(ctx.normal("budget/noise", 0.1, 1))


def fdi(ctx):
    level = 270 * 1.12 ** ctx.years
    big_projects = 1 + 2.5 * (ctx.uniform("fdi/events") < 0.08)
    return level * (1 - 0.6 * ctx.tet) * big_projects * np.exp(ctx.normal("fdi/noise", 0.45, 1))


def exports(ctx):
    level = _interp_months(ctx, {(2021, 12): 5250, (2022, 6): 5400, (2022, 12): 5150, (2023, 6): 4650,
                                 (2023, 12): 5600, (2024, 6): 6500, (2024, 12): 7300, (2025, 6): 7800,
                                 (2025, 12): 8400, (2026, 6): 8700, (2026, 12): 9000})
    season = _season(ctx, [0.95, 0.9, 0.97, 0.96, 0.96, 0.99, 1.0, 1.03, 1.07, 1.1, 1.08, 1.06])
    return level * season * (1 - 0.45 * ctx.tet) * np.exp(ctx.normal("exports/noise", 0.035, 1))


def cpi(ctx):
    path = _interp_months(ctx, {(2021, 12): 1.9, (2022, 6): 3.2, (2022, 12): 4.25, (2023, 3): 3.9,
                                (2023, 9): 3.15, (2023, 12): 3.4, (2024, 5): 4.1, (2024, 7): 4.62,
                                (2024, 9): 3.6, (2024, 12): 3.0, (2025, 6): 3.4, (2025, 12): 3.3,
                                (2026, 6): 3.8, (2026, 9): 4.05, (2026, 12): 4.2})
    return path + ctx.normal("cpi", 0.08, 1)


def unemployment(ctx):
    return _quarter_path(ctx, UNEMPLOYMENT, 1.6, "unemployment", 0.02)


def online_procedures(ctx):
    return np.minimum(_quarter_path(ctx, ONLINE_PROCEDURES, 88.0, "online", 0.1), 100)


def par_index(ctx):
    values = np.array([PAR_INDEX.get(p.year, 91.8) for p in ctx.periods])[:, None]
    return values + ctx.normal("par", 0.05, 1)


def traffic_deaths(ctx):
    mean = 21 * 0.96 ** ctx.years * _season(ctx, [1.1, 1.0, 1.0, 0.95, 1.0, 0.95, 1.0, 1.0, 0.95, 1.0, 1.0, 1.15])
    return ctx.poisson("deaths", mean * (1 + 1.1 * ctx.tet))


def bus_passengers(ctx):
    level = _interp_months(ctx, {(2021, 12): 380, (2022, 12): 520, (2023, 12): 600, (2024, 12): 660,
                                 (2025, 12): 740, (2026, 12): 800})
    season = _season(ctx, [1.0, 1.0, 1.05, 1.05, 1.0, 0.86, 0.82, 0.84, 1.05, 1.08, 1.06, 1.04])
    return level * season * (1 - 0.9 * ctx.tet) * np.exp(ctx.normal("bus", 0.03, 1))


def saidi(ctx):
    level = 58 * 0.9 ** ctx.years
    season = _season(ctx, [0.8, 0.8, 0.9, 1.0, 1.3, 1.6, 1.7, 1.6, 1.3, 0.9, 0.8, 0.8])
    values = level * season * np.exp(ctx.normal("saidi/noise", 0.15, 1))
    yagi = np.array([p == date(2024, 9, 1) for p in ctx.periods])[:, None]
    return np.where(yagi, 436.0, values)


def tourists(ctx):
    level = _interp_months(ctx, {(2021, 12): 140, (2022, 6): 230, (2022, 12): 300, (2023, 12): 390,
                                 (2024, 12): 470, (2025, 12): 540, (2026, 12): 600})
    spring = np.zeros((ctx.n, 1))
    for i, period in enumerate(ctx.periods):
        tet = lunar_to_solar(1, 1, period.year)
        months_after = (period.year * 12 + period.month) - (tet.year * 12 + tet.month)
        spring[i] = {0: 0.9, 1: 1.0, 2: 0.35}.get(months_after, 0.0)
    lychee = _season(ctx, [0, 0, 0, 0, 0, 0.3, 0.2, 0, 0, 0, 0, 0])
    autumn = _season(ctx, [0, 0, 0, 0, 0, 0, 0, 0, -0.2, -0.25, -0.2, -0.05])
    return level * (1 + spring + lychee + autumn) * np.exp(ctx.normal("tourists/noise", 0.05, 1))


def crimes_solved(ctx):
    return np.minimum(89.5 + ctx.normal("solved", 2.2, 1), 100)


def fires(ctx):
    season = _season(ctx, [1.4, 1.3, 1.2, 1.0, 0.8, 0.8, 0.8, 0.8, 0.8, 1.0, 1.2, 1.4])
    return ctx.poisson("fires", 8.5 * season * (1 + 1.2 * ctx.tet))


# --- Figures per commune ---------------------------------------------------------------------------------------


def population(ctx):
    growth = np.where(ctx.urban, 1.022, np.where(ctx.mountain, 1.004, 1.01))
    return np.round(ctx.population * growth ** ctx.years)


def new_enterprises(ctx):
    weight = ctx.population * np.where(ctx.industrial, 3.0, 1.0) * np.where(
        ctx.urban, 2.0, np.where(ctx.mountain, 0.35, 0.8))
    total = 300 * 1.09 ** ctx.years * _season(ctx, [0.9, 0.75, 1.1, 1.05, 1.0, 1.0, 0.95, 0.95, 1.0, 1.0, 1.05,
                                                  1.25]) * (1 - 0.8 * ctx.tet)
    return ctx.poisson("enterprises", total * ctx.shares(weight))


def vaccination(ctx):
    base = np.where(ctx.urban, 97.6, np.where(ctx.mountain, 90.6, 96.6)) + ctx.commune_offsets("vacc", 1.0)
    shortage = _smooth_dip(ctx, date(2023, 4, 1), date(2023, 10, 1), date(2024, 5, 1), 6.5)
    shortage = shortage * np.where(ctx.mountain, 1.5, 1.0)
    return np.clip(base + 0.3 * ctx.years + shortage + ctx.normal("vaccination", 0.7), 60, 100)


def bed_occupancy(ctx):
    provincial = np.array([c.provincial_hospital for c in ctx.communes])[None, :]
    base = np.where(provincial, 99.0, 81.0) + ctx.commune_offsets("beds", 3.0) * ~provincial
    season = _season(ctx, [6, 3, 5, 2, 0, 1, 2, 3, 5, 6, 3, 2])
    omicron = _smooth_dip(ctx, date(2022, 1, 1), date(2022, 3, 1), date(2022, 5, 1), -9)
    return np.clip(base + season + omicron - 18 * ctx.tet + ctx.normal("beds", 2.5), 30, 140)


def health_insurance(ctx):
    # The state pays the cards of people in the poor mountain communes: they are the best covered.
    base = np.where(ctx.mountain, 98.6, np.where(ctx.urban, 93.2, 91.4)) + ctx.commune_offsets("bhyt", 0.9)
    return np.clip(base + 0.85 * ctx.years + ctx.normal("bhyt", 0.3), 80, 100)


def population_quarterly(ctx):
    return population(ctx)


def preschool(ctx):
    base = np.where(ctx.urban, 97.8, np.where(ctx.mountain, 91.5, 96.8)) + ctx.commune_offsets("preschool", 0.8)
    return np.clip(base + 0.5 * ctx.years + ctx.normal("preschool", 0.4), 70, 100)


def poverty(ctx):
    base = np.where(ctx.urban, 0.45, np.where(ctx.mountain, 11.0, 1.6)) * np.exp(ctx.commune_offsets("poverty", 0.35))
    return np.maximum(base * 0.82 ** ctx.years * np.exp(ctx.normal("poverty", 0.04)), 0.02)


def dossiers_received(ctx):
    base = (400 + ctx.population / 55) * np.where(ctx.industrial, 1.25, 1.0)
    merger = np.where(ctx.after(MERGER), 1.45, 1.0)
    season = _season(ctx, [1.05, 0.85, 1.05, 1.0, 1.0, 0.98, 1.0, 0.97, 1.0, 1.02, 1.03, 1.1])
    return np.round(base * 1.05 ** ctx.years * merger * season * (1 - 0.9 * ctx.tet)
                    * np.exp(ctx.normal("dossiers", 0.06)))


def dossiers_on_time(ctx):
    base = np.where(ctx.urban, 98.9, np.where(ctx.mountain, 97.4, 98.5)) + ctx.commune_offsets("on-time", 0.5)
    weak = np.random.default_rng(seed_of("weak", "on-time")).random((1, len(ctx.communes))) < 0.08
    merger = _smooth_dip(ctx, date(2025, 6, 1), date(2025, 8, 1), date(2025, 12, 1), 4.2) * np.where(weak, 2.2, 1.0)
    return np.clip(base - 2.5 * weak + 0.2 * ctx.years + merger - 1.5 * ctx.tet + ctx.normal("on-time", 0.6), 50, 100)


def online_dossiers(ctx):
    logistic = 14 + 70 / (1 + np.exp(-(ctx.years - 2.2) * 1.6))
    offset = np.where(ctx.urban, 6, np.where(ctx.mountain, -12, 0)) + ctx.commune_offsets("online-dossiers", 4)
    return np.clip(logistic + offset + ctx.normal("online-dossiers", 1.8), 1, 100)


def satisfaction(ctx):
    base = 87.8 + 1.2 * ctx.urban + ctx.commune_offsets("satisfaction", 1.8)
    merger = _smooth_dip(ctx, date(2025, 4, 1), date(2025, 7, 1), date(2026, 1, 1), 4.5)
    return np.clip(base + 0.6 * ctx.years + merger + ctx.normal("satisfaction", 1.1), 50, 100)


def traffic_accidents(ctx):
    weight = ctx.population * np.where(ctx.industrial, 1.7, 1.0) * np.where(ctx.mountain, 0.7, 1.0)
    total = 40 * 0.96 ** ctx.years * _season(ctx, [1.1, 1.0, 1.0, 0.95, 1.0, 0.95, 1.0, 1.0, 0.95, 1.0, 1.0, 1.15])
    return ctx.poisson("accidents", total * (1 + 1.2 * ctx.tet) * ctx.shares(weight))


def waste_collection(ctx):
    base = np.where(ctx.urban, 98.9, np.where(ctx.mountain, 80.5, 93.5)) + ctx.commune_offsets("waste", 1.6)
    return np.clip(base + 1.0 * ctx.years - 2.0 * ctx.tet + ctx.normal("waste", 0.7), 40, 100)


def clean_water(ctx):
    start = np.where(ctx.urban, 97.0, np.where(ctx.mountain, 34.0, 71.0)) + ctx.commune_offsets("water", 5)
    pace = np.where(ctx.urban, 0.6, np.where(ctx.mountain, 4.0, 5.0))
    values = np.clip(start + pace * ctx.years + ctx.normal("water", 0.6), 5, 100)
    return np.maximum.accumulate(values, axis=0)  # pipes once laid stay laid


def security_incidents(ctx):
    weight = ctx.population * np.where(ctx.urban, 1.5, 1.0) * np.where(ctx.industrial, 1.4, 1.0)
    total = 180 * 0.97 ** ctx.years * (1 + 0.7 * ctx.tet)
    return ctx.poisson("security", total * ctx.shares(weight))


GENERATORS = {
    "tang-truong-grdp": grdp_growth, "thu-ngan-sach": budget_revenue, "von-fdi-dang-ky": fdi,
    "kim-ngach-xuat-khau": exports, "cpi": cpi, "doanh-nghiep-thanh-lap-moi": new_enterprises,
    "dan-so": population, "ty-le-that-nghiep": unemployment, "tiem-chung-day-du": vaccination,
    "cong-suat-giuong-benh": bed_occupancy, "bao-phu-bhyt": health_insurance, "dan-so-quy": population_quarterly,
    "tre-mau-giao": preschool, "ty-le-ho-ngheo": poverty, "ho-so-tiep-nhan": dossiers_received,
    "ho-so-dung-han": dossiers_on_time, "ho-so-truc-tuyen": online_dossiers,
    "dvc-truc-tuyen-toan-trinh": online_procedures,
    "hai-long-nguoi-dan": satisfaction, "chi-so-par": par_index, "tai-nan-giao-thong": traffic_accidents,
    "tu-vong-giao-thong": traffic_deaths, "hanh-khach-xe-buyt": bus_passengers, "thu-gom-rac": waste_collection,
    "cap-nuoc-sach": clean_water, "mat-dien-saidi": saidi, "khach-du-lich": tourists,
    "vu-viec-trat-tu": security_incidents, "dieu-tra-lam-ro": crimes_solved, "chay-no": fires,
}

# Figures first published as preliminary and corrected later (revision 2): indicator, area ("province" or a
# commune's name), which period counting back from the latest (1 = latest), preliminary value = f(final), note.
REVISIONS = [
    ("tang-truong-grdp", "province", 2, lambda v: v - 0.38,
     "Điều chỉnh theo số liệu chính thức của cơ quan thống kê."),
    ("thu-ngan-sach", "province", 3, lambda v: v * 0.955,
     "Bổ sung khoản thu tiền sử dụng đất hạch toán muộn."),
    ("ho-so-dung-han", "Phường Kinh Bắc", 2, lambda v: v - 2.6,
     "Loại trừ hồ sơ tạm dừng theo đề nghị của công dân, tính lại tỷ lệ."),
]
