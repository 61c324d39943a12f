"""No-data rules (a silent source): a series, a station or a data source quiet for longer than N minutes opens an
event in the minute watch, which ends by itself when data arrives again. Never-seen subjects are not in service
yet and raise nothing."""

from datetime import timedelta

from django.utils import timezone

from ioc.monitoring.models import DataSource, SourceKind, Station, from_epoch

from ..evaluation import watch
from ..models import AlertEvent, AlertRule, Condition, EventStatus, Resolution
from .conftest import BASE


def test_a_silent_series_opens_one_event_and_ends_when_data_returns(make_rule, series, write):
    rule = make_rule(name="Trạm không khí mất dữ liệu", condition=Condition.NO_DATA, threshold=None,
                     window_minutes=60)
    write(series["kinh_bac"], [(0, 30.0)])
    last = from_epoch(BASE)
    assert watch(now=last + timedelta(minutes=59)) == 0
    watch(now=last + timedelta(minutes=61))
    watch(now=last + timedelta(minutes=62))
    [event] = AlertEvent.objects.filter(rule=rule)
    assert event.status == EventStatus.OPEN and event.series == series["kinh_bac"]
    assert event.trigger_count == 1 and event.last_value == 62  # minutes of silence, not one event per minute
    assert "Mất dữ liệu" in event.headline
    write(series["kinh_bac"], [(70, 31.0)])
    watch(now=last + timedelta(minutes=71))
    event.refresh_from_db()
    assert event.status == EventStatus.RESOLVED and event.resolution == Resolution.AUTO


def test_a_silent_series_of_a_province_rule_opens_an_event(make_rule, series, province, write):
    rule = make_rule(name="Mất dữ liệu toàn tỉnh", condition=Condition.NO_DATA, threshold=None, window_minutes=60,
                     area=province)
    write(series["kinh_bac"], [(0, 30.0)])
    watch(now=from_epoch(BASE) + timedelta(minutes=61))
    assert [e.series for e in AlertEvent.objects.filter(rule=rule)] == [series["kinh_bac"]]


def test_series_that_never_reported_raise_nothing(make_rule, series):
    make_rule(condition=Condition.NO_DATA, threshold=None, window_minutes=60)
    assert watch(now=timezone.now()) == 0
    assert not AlertEvent.objects.exists()


def test_a_silent_station_and_a_silent_data_source(units, stations, db):
    now = timezone.now()
    station = stations["tu_son"]
    Station.objects.filter(pk=station.pk).update(last_seen_at=now - timedelta(hours=3))
    source = DataSource.objects.create(code="quan-trac-moi-truong", name="Hệ thống quan trắc môi trường",
                                       owner_unit=units["a"], kind=SourceKind.PUSH,
                                       last_received_at=now - timedelta(minutes=10))
    AlertRule.objects.create(name="Trạm Từ Sơn im lặng", station=station, condition=Condition.NO_DATA,
                             window_minutes=120, responsible_unit=units["a"])
    source_rule = AlertRule.objects.create(name="Nguồn quan trắc im lặng", source=source,
                                           condition=Condition.NO_DATA, window_minutes=30,
                                           responsible_unit=units["a"])
    watch(now=now)
    assert list(AlertEvent.objects.values_list("subject_key", flat=True)) == [f"station:{station.pk}"]
    watch(now=now + timedelta(minutes=25))
    assert AlertEvent.objects.filter(rule=source_rule, subject_key=f"source:{source.pk}").exists()


def test_an_inactive_station_is_not_watched(make_rule, series, stations, write):
    rule = make_rule(condition=Condition.NO_DATA, threshold=None, window_minutes=60)
    write(series["kinh_bac"], [(0, 30.0)])
    Station.objects.filter(pk=stations["kinh_bac"].pk).update(is_active=False)
    watch(now=from_epoch(BASE) + timedelta(hours=5))
    assert not AlertEvent.objects.filter(rule=rule).exists()
