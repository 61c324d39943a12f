"""Plain ORM data for the dashboard tests: a province with three communes, two domains, a quarterly public
indicator, a monthly internal one, a real-time one fed by PM2.5 stations, and their rollups."""

import time
from dataclasses import dataclass
from datetime import date

from ioc.core.models import Area, AreaLevel, Unit

from ..models import (
    Aggregation, AreaRollup, Direction, Domain, Frequency, Grain, Indicator, Metric, Observation, Sector, Series, SeriesRollup,
    Station, StationKind, bucket_start,
)


@dataclass
class World:
    province: Area
    communes: list
    unit: Unit
    grdp: Indicator
    budget: Indicator
    pm25: Indicator
    metric: Metric
    station: Station
    hidden_station: Station
    series: Series
    now: int


def make_world(province, commune, unit, *, rollups=True):
    """province and commune come from the root conftest fixtures; unit is any Unit. Without `rollups`, the
    series and area rollups are left for the caller to write (through storage.write_readings)."""
    communes = [commune]
    for code, name, lat, lon in (("09999", "Xã Yên Thế", 21.52, 106.12), ("09998", "Phường Từ Sơn", 21.12, 105.96)):
        communes.append(Area.objects.create(code=code, name=name, short_name=name.split(" ", 1)[1], kind="Xã",
                                            level=AreaLevel.COMMUNE, parent=province, latitude=lat, longitude=lon,
                                            area_km2=40.0))
    economy = Domain.objects.create(code="kinh-te", name="Kinh tế thông minh", order=1)
    environment = Domain.objects.create(code="moi-truong", name="Môi trường thông minh", order=2)
    finance = Sector.objects.create(code="tai-chinh", name="Tài chính", domain=economy)
    env = Sector.objects.create(code="moi-truong", name="Môi trường", domain=environment)
    grdp = Indicator.objects.create(
        code="grdp", name="Tăng trưởng GRDP", sector=finance, owner_unit=unit, unit_of_measure="%", decimals=1,
        frequency=Frequency.QUARTERLY, direction=Direction.UP, target=7.0, warning_threshold=6.0,
        critical_threshold=5.0, is_public=True)
    budget = Indicator.objects.create(
        code="thu-ngan-sach", name="Thu ngân sách", sector=finance, owner_unit=unit, unit_of_measure="tỷ đồng",
        decimals=0, frequency=Frequency.MONTHLY, direction=Direction.UP, is_public=False)
    metric = Metric.objects.create(code="pm25", name="Bụi mịn PM2.5", unit_of_measure="µg/m³", decimals=1,
                                   warning_threshold=50, critical_threshold=75, direction=Direction.DOWN)
    pm25 = Indicator.objects.create(
        code="pm25-tb", name="Bụi mịn PM2.5 trung bình", sector=env, owner_unit=unit, unit_of_measure="µg/m³",
        frequency=Frequency.REALTIME, direction=Direction.DOWN, warning_threshold=50, critical_threshold=75,
        metric=metric, is_public=True, time_aggregation=Aggregation.MEAN, area_aggregation=Aggregation.MEAN)

    # GRDP: the province's quarters of 2024–2025 (last 5.4 → warning, previous 6.5); communes for 2025-Q4
    for quarter, value in zip(("2024-07-01", "2024-10-01", "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"),
                              (7.2, 7.0, 6.8, 6.9, 6.5, 5.4)):
        Observation.objects.create(indicator=grdp, area=province, period=date.fromisoformat(quarter), value=value)
    # a superseded revision must not count
    Observation.objects.create(indicator=grdp, area=province, period=date(2025, 10, 1), value=9.9, revision=0,
                               is_current=False)
    for area, value in zip(communes, (8.1, 4.2, 6.3)):
        Observation.objects.create(indicator=grdp, area=area, period=date(2025, 10, 1), value=value)
    Observation.objects.create(indicator=budget, area=province, period=date(2025, 11, 1), value=1200)
    Observation.objects.create(indicator=budget, area=province, period=date(2025, 12, 1), value=1500)

    station = Station.objects.create(code="kk-bac-giang", name="Trạm không khí Bắc Giang", kind=StationKind.AIR_QUALITY,
                                     latitude=21.28, longitude=106.2, area=commune, owner_unit=unit)
    hidden = Station.objects.create(code="kk-noi-bo", name="Trạm nội bộ", kind=StationKind.AIR_QUALITY,
                                    latitude=21.3, longitude=106.1, area=commune, owner_unit=unit, is_public=False)
    now = int(time.time())
    if not rollups:
        series = Series.objects.create(station=station, metric=metric)
        Series.objects.create(station=hidden, metric=metric)
        return World(province=province, communes=communes, unit=unit, grdp=grdp, budget=budget, pm25=pm25,
                     metric=metric, station=station, hidden_station=hidden, series=series, now=now)
    series = Series.objects.create(station=station, metric=metric, last_t=now - 60, last_value=82.0)
    Series.objects.create(station=hidden, metric=metric, last_t=now - 60, last_value=20.0)
    hour = bucket_start(now, Grain.HOUR)
    # province and commune hourly rollups for the last 3 hours: means 40, 55, 80 (last → critical)
    for i, mean in enumerate((40.0, 55.0, 80.0)):
        bucket = hour - (2 - i) * 3600
        for area in (province, commune):
            AreaRollup.objects.create(area=area, metric=metric, grain=Grain.HOUR, bucket=bucket, count=10,
                                      sum=mean * 10, min=mean - 5, max=mean + 5, stations=1)
        SeriesRollup.objects.create(series=series, grain=Grain.HOUR, bucket=bucket, count=10, sum=mean * 10,
                                    min=mean - 5, max=mean + 5, last_t=bucket + 3000, last_value=mean)
    day = bucket_start(now, Grain.DAY)
    for area, mean in ((communes[0], 60.0), (communes[1], 30.0)):
        AreaRollup.objects.create(area=area, metric=metric, grain=Grain.DAY, bucket=day, count=24, sum=mean * 24,
                                  min=mean - 10, max=mean + 10, stations=1)
    for n, mean in enumerate((20.0, 30.0)):
        SeriesRollup.objects.create(series=series, grain=Grain.DAY, bucket=day - (1 - n) * 86400, count=24,
                                    sum=mean * 24, min=mean - 1, max=mean + 1, last_t=day, last_value=mean)
    return World(province=province, communes=communes, unit=unit, grdp=grdp, budget=budget, pm25=pm25,
                 metric=metric, station=station, hidden_station=hidden, series=series, now=now)
