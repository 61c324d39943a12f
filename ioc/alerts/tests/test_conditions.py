"""Every condition is evaluated correctly on readings stored through the storage service: above, below, rate of
change in % and absolute (rises and falls), station and area scopes, inactive rules."""

from datetime import timedelta

import pytest

from ioc.monitoring.models import from_epoch

from ..models import AlertEvent, Condition, EventStatus
from .conftest import BASE


def events_of(rule):
    return list(AlertEvent.objects.filter(rule=rule).order_by("pk"))


def test_above_opens_an_event_with_the_breaching_value(make_rule, series, write):
    rule = make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 42.0), (10, 50.0)])  # 50 is not above 50
    assert events_of(rule) == []
    write(series["kinh_bac"], [(20, 63.5)])
    [event] = events_of(rule)
    assert event.status == EventStatus.OPEN and event.trigger_value == 63.5
    assert event.first_triggered_at == from_epoch(BASE + 20 * 60)
    assert event.series == series["kinh_bac"] and event.station == series["kinh_bac"].station
    assert event.subject_key == f"series:{series['kinh_bac'].pk}"
    assert "Kinh Bắc" in event.place and "63,5 µg/m³" in event.headline


def test_below_opens_only_under_the_threshold(make_rule, series, write):
    rule = make_rule(name="Nồng độ oxy hòa tan thấp", condition=Condition.BELOW, threshold=4)
    write(series["kinh_bac"], [(0, 4.0), (10, 5.2)])
    assert events_of(rule) == []
    write(series["kinh_bac"], [(20, 3.1)])
    assert [e.trigger_value for e in events_of(rule)] == [3.1]


def test_rate_percent_rise_compares_with_the_value_a_window_ago(make_rule, series, write):
    rule = make_rule(condition=Condition.RATE_PERCENT, threshold=50, window_minutes=60)
    write(series["kinh_bac"], [(0, 40.0), (30, 44.0), (60, 55.0)])  # +37.5 % over an hour: no
    assert events_of(rule) == []
    write(series["kinh_bac"], [(120, 90.0)])  # against 55 at minute 60: +63.6 %
    [event] = events_of(rule)
    assert event.trigger_value == pytest.approx((90 - 55) / 55 * 100)


def test_rate_absolute_fall_uses_a_negative_threshold(make_rule, series, write):
    rule = make_rule(name="Mực nước rút nhanh", condition=Condition.RATE_ABSOLUTE, threshold=-0.5, window_minutes=30)
    write(series["kinh_bac"], [(0, 3.0), (30, 2.8)])  # −0.2
    assert events_of(rule) == []
    write(series["kinh_bac"], [(60, 2.2)])  # −0.6 against minute 30
    [event] = events_of(rule)
    assert event.trigger_value == pytest.approx(-0.6)


def test_rate_needs_a_reference_point_within_twice_the_window(make_rule, series, write):
    rule = make_rule(condition=Condition.RATE_ABSOLUTE, threshold=10, window_minutes=30)
    write(series["kinh_bac"], [(0, 10.0), (200, 90.0)])  # the only earlier point is far too old
    assert events_of(rule) == []


def test_rule_for_one_station_ignores_the_others(make_rule, series, stations, write):
    rule = make_rule(station=stations["tu_son"])
    write(series["kinh_bac"], [(0, 99.0)])
    assert events_of(rule) == []
    write(series["tu_son"], [(0, 99.0)])
    assert [e.station for e in events_of(rule)] == [stations["tu_son"]]


def test_rule_for_one_area_watches_only_its_stations(make_rule, series, commune, write):
    rule = make_rule(area=commune)  # Kinh Bắc station is in the commune, Từ Sơn station has no area
    write(series["tu_son"], [(0, 99.0)])
    write(series["kinh_bac"], [(0, 99.0)])
    assert [e.series for e in events_of(rule)] == [series["kinh_bac"]]


def test_a_rule_for_the_province_watches_the_stations_of_its_communes(make_rule, series, province, write):
    rule = make_rule(area=province)  # the rule form offers the province; stations sit in communes
    write(series["kinh_bac"], [(0, 99.0)])
    write(series["tu_son"], [(0, 99.0)])  # no commune: not known to be in the province
    assert [e.series for e in events_of(rule)] == [series["kinh_bac"]]


def test_inactive_rules_and_other_metrics_are_ignored(make_rule, series, write, db):
    from ioc.monitoring.models import Metric

    inactive = make_rule(is_active=False)
    other = make_rule(metric=Metric.objects.create(code="pm10", name="Bụi PM10"))
    write(series["kinh_bac"], [(0, 500.0)])
    assert events_of(inactive) == [] and events_of(other) == []


def test_a_spike_inside_one_batch_is_not_missed(make_rule, series, write):
    rule = make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 30.0), (5, 80.0), (10, 30.0)])  # the batch ends normal
    [event] = events_of(rule)
    assert event.trigger_value == 80.0 and event.normal_since == from_epoch(BASE + 10 * 60)


def test_backfilled_history_beyond_the_lookback_is_not_replayed(make_rule, series, write):
    rule = make_rule(threshold=50)
    # A day of data in one batch: only the last six hours before the newest reading are evaluated.
    write(series["kinh_bac"], [(0, 99.0)] + [(m, 20.0) for m in range(60, 24 * 60, 60)])
    assert events_of(rule) == []


def test_escalation_threshold_raises_the_severity(make_rule, series, write):
    rule = make_rule(threshold=50, severity="Moderate", escalation_threshold=75, escalation_severity="Severe")
    write(series["kinh_bac"], [(0, 80.0)])
    [event] = events_of(rule)
    assert event.severity == "Severe"
    assert event.first_triggered_at + timedelta(0) == from_epoch(BASE)


def test_a_batch_of_several_metrics_meets_only_each_metrics_rules(make_rule, series, stations, db,
                                                                 django_capture_on_commit_callbacks):
    from ioc.monitoring.models import Metric, Series
    from ioc.monitoring.storage import write_readings

    rain = Metric.objects.create(code="rainfall", name="Lượng mưa", unit_of_measure="mm")
    rain_series = Series.objects.create(station=stations["kinh_bac"], metric=rain)
    dust_rule = make_rule(threshold=50)
    rain_rule = make_rule(name="Mưa lớn", metric=rain, threshold=30)
    with django_capture_on_commit_callbacks(execute=True):
        write_readings([(series["kinh_bac"].pk, BASE, 40.0), (rain_series.pk, BASE, 45.0)])
    assert events_of(dust_rule) == []  # 40 µg/m³ is fine; 45 mm of rain must not count as dust
    assert [e.series for e in events_of(rain_rule)] == [rain_series]
