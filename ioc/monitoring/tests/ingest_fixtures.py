"""Shared set-up for the ingestion tests (files, push API, pulls, sources page): two departments each owning an
indicator and a station, the province with two current communes, a former commune merged into one of them and a
former district, metrics with valid ranges, and an API key per department.

Import the fixtures with `from .ingest_fixtures import *` in a test module."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ioc.core.models import ApiKey, Area, AreaLevel
from ioc.monitoring.models import (VN_TZ, DataSource, Domain, Frequency, Indicator, Metric, Sector, SourceKind,
                                   Station, StationKind)

__all__ = ["world", "api_keys", "media", "recent_hour", "iso"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(db, province, commune, units, people):
    tan_my = Area.objects.create(code="07220", name="Xã Tân Mỹ", short_name="Tân Mỹ", kind="Xã",
                                 level=AreaLevel.COMMUNE, parent=province)
    district = Area.objects.create(code="213", name="Huyện Yên Dũng", short_name="Yên Dũng", kind="Huyện",
                                   level=AreaLevel.DISTRICT, is_current=False)
    former = Area.objects.create(code="07300", name="Xã Song Khê", short_name="Song Khê", kind="Xã",
                                 level=AreaLevel.COMMUNE, parent=district, is_current=False, successor=commune)
    domain = Domain.objects.create(code="cu-dan", name="Cư dân thông minh")
    building = Sector.objects.create(code="xay-dung", name="Xây dựng", domain=domain)
    health = Sector.objects.create(code="y-te", name="Y tế", domain=domain)
    housing = Indicator.objects.create(code="nha-o-kien-co", name="Tỷ lệ nhà ở kiên cố", sector=building,
                                       owner_unit=units["a"], frequency=Frequency.MONTHLY, unit_of_measure="%")
    permits = Indicator.objects.create(code="giay-phep-xay-dung", name="Giấy phép xây dựng đã cấp", sector=building,
                                       owner_unit=units["a"], frequency=Frequency.QUARTERLY)
    beds = Indicator.objects.create(code="giuong-benh", name="Công suất sử dụng giường bệnh", sector=health,
                                    owner_unit=units["b"], frequency=Frequency.MONTHLY, unit_of_measure="%")
    pm25 = Metric.objects.create(code="pm25", name="Bụi PM2.5", unit_of_measure="µg/m³", min_valid=0,
                                 max_valid=1000)
    pm10 = Metric.objects.create(code="pm10", name="Bụi PM10", unit_of_measure="µg/m³", min_valid=0, max_valid=2000)
    realtime = Indicator.objects.create(code="bui-pm25", name="Bụi PM2.5 trung bình", sector=building,
                                        owner_unit=units["a"], frequency=Frequency.REALTIME, metric=pm25)
    station_a = Station.objects.create(code="KK-01", name="Trạm Bắc Giang", kind=StationKind.AIR_QUALITY,
                                       latitude=21.28, longitude=106.2, area=commune, owner_unit=units["a"])
    station_b = Station.objects.create(code="KK-02", name="Trạm Tân Mỹ", kind=StationKind.AIR_QUALITY,
                                       latitude=21.3, longitude=106.1, area=tan_my, owner_unit=units["b"])
    push_a = DataSource.objects.create(code="xd-push", name="Hệ thống Sở Xây dựng", owner_unit=units["a"],
                                       kind=SourceKind.PUSH, stale_after_minutes=60)
    push_b = DataSource.objects.create(code="yt-push", name="Hệ thống Sở Y tế", owner_unit=units["b"],
                                       kind=SourceKind.PUSH)
    return {
        "province": province, "commune": commune, "tan_my": tan_my, "former": former, "district": district,
        "housing": housing, "permits": permits, "beds": beds, "realtime": realtime, "pm25": pm25, "pm10": pm10,
        "station_a": station_a, "station_b": station_b, "push_a": push_a, "push_b": push_b,
        "units": units, "people": people,
    }


@pytest.fixture
def api_keys(world):
    keys = {}
    for name in ("a", "b"):
        key = ApiKey(name=f"key-{name}", unit=world["units"][name])
        raw = key.set_new_key()
        key.save()
        keys[name] = raw
    return keys


def recent_hour(hours_ago=2):
    """An hour boundary a little in the past, as an aware datetime in Vietnam's time."""
    moment = timezone.now().astimezone(VN_TZ).replace(minute=0, second=0, microsecond=0)
    return moment - timedelta(hours=hours_ago)


def iso(moment):
    return moment.isoformat()
