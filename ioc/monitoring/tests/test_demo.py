"""The monitoring demo data: six domains of indicators with figures per commune, stations in their communes with
hourly readings and rollups, breaches to show, the wall layouts; idempotent, and only appending when run later."""

from collections import defaultdict
from datetime import datetime, timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max, Min, Sum

from ioc.core.areas import haversine_km, load_province, nearest_commune
from ioc.core.demo import seed_units
from ioc.core.models import Area, AreaLevel, AuditEvent
from ioc.monitoring.demo import catalogue, seed_monitoring, sensors
from ioc.monitoring.models import (
    VN_TZ, AreaRollup, DataSource, Domain, IngestBatch, Indicator, Metric, Observation, PanelKind, Quality, Reading,
    Sector, Series, SeriesRollup, Station, WallLayout, WallPanel, WallResolution, bucket_start, status_for,
)

NOW = datetime(2026, 1, 20, 9, 40, tzinfo=VN_TZ)  # winter: the season of fine dust
END = int(NOW.timestamp()) // 3600 * 3600
MODELS = (Domain, Sector, Indicator, Metric, DataSource, Station, Series, Observation, Reading, SeriesRollup,
          AreaRollup, WallLayout, WallPanel, IngestBatch, AuditEvent)


@pytest.fixture
def bac_ninh(db, settings):
    settings.IOC_READINGS_RETENTION_DAYS = 0  # the clock is pinned to January 2026: keep its readings whatever the date
    load_province("24")
    seed_units("24")
    return Area.objects.get(code="24", level=AreaLevel.PROVINCE, is_current=True)


@pytest.fixture
def seeded(bac_ninh):
    return seed_monitoring(now=NOW)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "current": Observation.objects.filter(is_current=True).count(),
        "values": Reading.objects.aggregate(total=Sum("value"))["total"],
    }


def test_seeding_twice_changes_nothing(seeded):
    assert seeded["created"]["indicators"] == len(catalogue.INDICATORS)
    assert seeded["created"]["observations"] > 5_000 and seeded["created"]["readings"] > 3_000
    before = counts()
    again = seed_monitoring(now=NOW)
    assert set(again["created"].values()) == {0}
    assert counts() == before


def test_a_later_run_appends_only_what_is_missing(seeded):
    series = Series.objects.count()
    old = list(Reading.objects.filter(t__lt=END - 48 * 3600).order_by("series_id", "t")
               .values_list("series_id", "t", "value")[:50])
    later = seed_monitoring(now=NOW + timedelta(hours=5))
    assert later["created"]["readings"] == 5 * series
    assert set(Series.objects.values_list("last_t", flat=True)) == {END + 5 * 3600}
    for series_id, t, value in old:  # what was there is untouched
        assert Reading.objects.get(series_id=series_id, t=t).value == value
    assert later["created"]["observations"] == 0  # no period has ended in five hours

    # The appended hours are those a single run over the whole span would have made.
    spec = next(s for s in catalogue.STATIONS if s.code == "kk-kinh-bac")
    hours = np.arange(END // 3600 - 30, END // 3600 + 6, dtype=np.int64)
    expected = np.round(sensors.station_values(spec, hours)["pm25"], 1)
    stored = dict(Reading.objects.filter(series__station__code="kk-kinh-bac", series__metric__code="pm25",
                                         t__gte=hours[0] * 3600).values_list("t", "value"))
    assert [stored[int(h) * 3600] for h in hours] == pytest.approx(expected.tolist())

    observations = Observation.objects.count()
    next_month = seed_monitoring(now=NOW + timedelta(days=31))
    assert next_month["created"]["observations"] > 0
    assert Observation.objects.filter(period="2026-01-01").exists()
    assert not Observation.objects.filter(period="2026-02-01").exists()
    assert Observation.objects.filter(revision__gt=1).exclude(quality=Quality.DERIVED).count() == 3
    assert Observation.objects.count() == observations + next_month["created"]["observations"]


def test_every_domain_has_indicators_of_its_sectors(seeded):
    assert Domain.objects.count() == 6
    assert set(Domain.objects.values_list("name", flat=True)) == {
        "Kinh tế thông minh", "Cư dân thông minh", "Quản trị thông minh", "Di chuyển thông minh",
        "Môi trường thông minh", "Cuộc sống thông minh"}
    for domain in Domain.objects.all():
        indicators = Indicator.objects.filter(sector__domain=domain)
        assert indicators.count() >= 4, domain
        assert domain.name_en.startswith("Smart")
    assert 25 <= Indicator.objects.count() <= 35
    for indicator in Indicator.objects.select_related("owner_unit", "weight_indicator", "metric"):
        assert indicator.name and indicator.name_en and indicator.owner_unit.code
        if indicator.area_aggregation == "weighted_mean":
            assert indicator.weight_indicator.frequency == indicator.frequency
        assert (indicator.metric is not None) == (indicator.frequency == "realtime")
    assert Indicator.objects.filter(is_public=False).exists() and Indicator.objects.filter(is_public=True).count() > 25
    owners = dict(Indicator.objects.values_list("code", "owner_unit__code"))
    assert owners["tang-truong-grdp"] == "so-tai-chinh" and owners["tiem-chung-day-du"] == "so-y-te"
    assert owners["tai-nan-giao-thong"] == "cong-an-tinh" and owners["chi-so-aqi"] == "so-nong-nghiep-moi-truong"


def test_commune_level_indicators_have_figures_for_every_commune(seeded, bac_ninh):
    communes = set(Area.objects.communes().filter(parent=bac_ninh).values_list("pk", flat=True))
    assert len(communes) == 99
    by_scope = defaultdict(list)
    for spec in catalogue.INDICATORS:
        by_scope[spec.scope].append(spec.code)
    for code in by_scope["commune"]:
        observations = Observation.objects.current().filter(indicator__code=code)
        latest = observations.aggregate(latest=Max("period"))["latest"]
        areas = set(observations.filter(period=latest).values_list("area_id", flat=True))
        assert areas == communes | {bac_ninh.pk}, code
        province = observations.get(period=latest, area=bac_ninh)
        assert province.quality == Quality.DERIVED
    hospitals = Observation.objects.current().filter(indicator__code="cong-suat-giuong-benh").exclude(area=bac_ninh)
    assert hospitals.values("area").distinct().count() == len(catalogue.HOSPITAL_COMMUNES)
    for code in by_scope["province"]:
        assert set(Observation.objects.filter(indicator__code=code).values_list("area_id", flat=True)) == {bac_ninh.pk}
    # Monthly figures run to the last complete month, quarterly ones to the last complete quarter.
    assert Observation.objects.filter(indicator__code="ho-so-dung-han").aggregate(p=Max("period"))["p"].isoformat() \
        == "2025-12-01"
    assert Observation.objects.filter(indicator__code="tang-truong-grdp").aggregate(p=Max("period"))["p"].isoformat() \
        == "2025-10-01"


def test_province_figures_add_up_from_the_communes(seeded, bac_ninh):
    latest = Observation.objects.filter(indicator__code="tai-nan-giao-thong").aggregate(p=Max("period"))["p"]
    current = Observation.objects.current().filter(period=latest)
    accidents = current.filter(indicator__code="tai-nan-giao-thong")
    assert accidents.get(area=bac_ninh).value == pytest.approx(
        accidents.exclude(area=bac_ninh).aggregate(total=Sum("value"))["total"])
    on_time = dict(current.filter(indicator__code="ho-so-dung-han").exclude(area=bac_ninh)
                   .values_list("area_id", "value"))
    received = dict(current.filter(indicator__code="ho-so-tiep-nhan").exclude(area=bac_ninh)
                    .values_list("area_id", "value"))
    weighted = sum(on_time[a] * received[a] for a in on_time) / sum(received[a] for a in on_time)
    assert current.get(indicator__code="ho-so-dung-han", area=bac_ninh).value == pytest.approx(weighted, abs=0.06)


def test_corrected_figures_keep_their_history(seeded, bac_ninh):
    revised = Observation.objects.filter(revision=2).exclude(quality=Quality.DERIVED).select_related("indicator")
    assert {o.indicator.code for o in revised} == {"tang-truong-grdp", "thu-ngan-sach", "ho-so-dung-han"}
    for correction in revised:
        first = Observation.objects.get(indicator=correction.indicator, area=correction.area,
                                        period=correction.period, revision=1)
        assert correction.is_current and not first.is_current and first.superseded_at is not None
        assert first.quality == Quality.PRELIMINARY and correction.quality == Quality.OFFICIAL
        assert first.value != correction.value and correction.note
    kinh_bac = revised.get(indicator__code="ho-so-dung-han")
    assert kinh_bac.area.name == "Phường Kinh Bắc"


def test_some_figures_breach_their_thresholds_but_most_do_not(seeded):
    statuses = defaultdict(int)
    breached = set()
    for o in Observation.objects.current().select_related("indicator"):
        status = o.indicator.status_for(o.value)
        statuses[status] += 1
        if status == "critical":
            breached.add(o.indicator.code)
    assert len(breached) >= 3
    assert statuses["critical"] < 0.1 * sum(statuses.values())
    assert statuses["ok"] > 0.6 * sum(statuses.values())


def test_readings_cover_the_window_and_rollups_match_them(seeded):
    series = Series.objects.select_related("station", "metric")
    assert {s.station.code for s in series} == {"kk-kinh-bac", "mn-dap-cau", "mua-son-dong", "gt-ql1a-tu-son",
                                                "on-kinh-bac"}
    assert series.count() == 9 + 1 + 1 + 2 + 1
    spans = Reading.objects.values("series_id").annotate(n=Count("t"), first=Min("t"), last=Max("t"))
    for span in spans:
        assert span["n"] == 240 and span["last"] == END and span["first"] == END - 239 * 3600
    for s in series:
        assert s.last_t == END and s.last_value is not None and s.station.last_seen_at is not None
    for grain in ("h", "d", "m"):
        rolled = SeriesRollup.objects.filter(grain=grain).aggregate(n=Sum("count"), total=Sum("sum"))
        assert rolled["n"] == Reading.objects.count(), grain
        assert rolled["total"] == pytest.approx(Reading.objects.aggregate(total=Sum("value"))["total"])
    pm25 = Series.objects.get(station__code="kk-kinh-bac", metric__code="pm25")
    day = bucket_start(END - 3 * 86400, "d")
    values = list(Reading.objects.filter(series=pm25, t__gte=day, t__lt=day + 86400).values_list("value", flat=True))
    rollup = SeriesRollup.objects.get(series=pm25, grain="d", bucket=day)
    assert (rollup.count, rollup.min, rollup.max) == (24, min(values), max(values))
    assert rollup.sum == pytest.approx(sum(values))
    province_pm25 = AreaRollup.objects.filter(metric__code="pm25", grain="d", bucket=day,
                                              area__level=AreaLevel.PROVINCE).get()
    assert province_pm25.count == 24 and province_pm25.stations == 1


def test_river_gauges_have_their_rivers_alarm_levels(seeded):
    gauge = Series.objects.get(station__code="mn-dap-cau", metric__code="water_level")
    assert (gauge.warning_threshold, gauge.critical_threshold) == (4.3, 5.3)  # sông Cầu: báo động I and II
    gauge.warning_threshold, gauge.critical_threshold = 4.0, 5.0  # an administrator's edit…
    gauge.save()
    from ioc.monitoring.demo import seed_station_thresholds

    assert seed_station_thresholds() == 0  # …stays
    gauge.refresh_from_db()
    assert gauge.thresholds() == (4.0, 5.0)


def test_winter_readings_breach_the_air_quality_thresholds(seeded):
    pm25 = Metric.objects.get(code="pm25")
    assert (pm25.warning_threshold, pm25.critical_threshold) == (50, 100)  # QCVN 05:2023/BTNMT, 24 hours: 50
    values = list(Reading.objects.filter(series__metric=pm25).values_list("value", flat=True))
    critical = [v for v in values if status_for(v, direction=pm25.direction, warning=pm25.warning_threshold,
                                                critical=pm25.critical_threshold) == "critical"]
    assert critical and len(critical) < 0.3 * len(values)
    for metric in Metric.objects.all():
        stored = Reading.objects.filter(series__metric=metric).aggregate(low=Min("value"), high=Max("value"))
        if stored["low"] is not None:
            assert metric.min_valid <= stored["low"] <= stored["high"] <= metric.max_valid, metric.code


def test_every_station_sits_in_its_commune_and_writes_to_its_owners_source(bac_ninh):
    seed_monitoring(now=NOW, reading_days=1, all_stations=True, history_months=1)
    communes = list(Area.objects.communes().filter(parent=bac_ninh))
    lats = [c.latitude for c in communes]
    lons = [c.longitude for c in communes]
    assert Station.objects.count() == len(catalogue.STATIONS) == 20
    for station in Station.objects.select_related("area", "source", "owner_unit"):
        assert min(lats) - 0.1 < station.latitude < max(lats) + 0.1
        assert min(lons) - 0.1 < station.longitude < max(lons) + 0.1
        assert station.area.parent_id == bac_ninh.pk
        assert nearest_commune(station.latitude, station.longitude).pk == station.area_id, station.code
        assert haversine_km(station.latitude, station.longitude, station.area.latitude,
                            station.area.longitude) < 1.0
        assert station.source.owner_unit_id == station.owner_unit_id  # an agency writes only to its own sources
        assert station.series.count() == len(catalogue.STATION_METRICS[station.kind])
    kinds = set(Station.objects.values_list("kind", flat=True))
    assert kinds == {"air_quality", "water_level", "rainfall", "traffic", "noise"}
    assert Station.objects.filter(ngsi_id__startswith="urn:ngsi-ld:AirQualityObserved:").count() == 7
    for source in DataSource.objects.filter(stations__isnull=False).distinct():
        assert source.last_received_at is not None and not source.is_stale()
        assert source.batches.filter(target="readings", rows_written__gt=0).exists()


def test_the_wall_has_a_full_hd_and_a_4k_layout(seeded):
    default = WallLayout.objects.get(is_default=True)
    assert default.resolution == WallResolution.FULL_HD
    kinds = list(default.panels.values_list("kind", flat=True))
    assert {PanelKind.SENSORS, PanelKind.EVENTS, PanelKind.FEEDBACK, PanelKind.INDICATOR} <= set(kinds)
    assert set(default.panels.filter(kind=PanelKind.DOMAIN).values_list("domain__code", flat=True)) == {
        code for code, *_ in catalogue.DOMAINS}
    assert WallLayout.objects.filter(resolution=WallResolution.UHD, is_default=False).count() == 1
    assert not WallPanel.objects.filter(kind=PanelKind.INDICATOR, indicator__isnull=True).exists()


def test_the_command_prints_a_summary_in_vietnamese(bac_ninh):
    out = StringIO()
    call_command("seed_monitoring", "--days", "2", stdout=out)
    text = out.getvalue()
    assert "Đã tạo dữ liệu trình diễn giám sát" in text
    assert f"chỉ tiêu: {len(catalogue.INDICATORS)}" in text and "Trạm quan trắc: 5" in text
    assert Reading.objects.count() == 14 * 48
    with pytest.raises(CommandError, match="Số ngày"):
        call_command("seed_monitoring", "--days", "0")


def test_it_needs_the_province_and_refuses_production(db, settings):
    with pytest.raises(CommandError, match="seed_demo"):
        seed_monitoring(now=NOW)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="vận hành thật"):
        seed_monitoring(now=NOW)


def test_readings_stay_within_the_retention_horizon(bac_ninh, settings):
    settings.IOC_READINGS_RETENTION_DAYS = 3
    result = seed_monitoring(reading_days=10, history_months=1)
    assert result["created"]["readings"] == Reading.objects.count() == 14 * 3 * 24


def test_units_of_measure_have_english_names_and_an_edit_is_kept(seeded):
    budget = Indicator.objects.filter(unit_of_measure="tỷ đồng").first()
    assert budget is not None and budget.unit_of_measure_en == "billion VND"
    assert Metric.objects.get(code="vehicles").unit_of_measure_en == "vehicles/hour"
    assert not Indicator.objects.filter(unit_of_measure__in=catalogue.UNITS_EN, unit_of_measure_en="").exists()
    Indicator.objects.filter(pk=budget.pk).update(unit_of_measure_en="bn VND")  # an administrator's choice
    Indicator.objects.exclude(pk=budget.pk).update(unit_of_measure_en="")  # as seeded before units had English
    seed_monitoring(now=NOW)
    budget.refresh_from_db()
    assert budget.unit_of_measure_en == "bn VND"
    assert not Indicator.objects.filter(unit_of_measure__in=catalogue.UNITS_EN, unit_of_measure_en="").exists()
