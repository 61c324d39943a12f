"""Indicator rules run when observations are stored (`observations_written`): the latest figure of each touched
area against the threshold, the change from the previous period, and a normal latest figure ends the event."""

from datetime import date

import pytest

from ioc.monitoring.models import Domain, Frequency, Indicator, Observation, Sector
from ioc.monitoring.signals import observations_written

from ..models import AlertEvent, AlertRule, Condition, EventStatus


def make_indicator(units):
    domain = Domain.objects.create(code="cuoc-song", name="Cuộc sống")
    sector = Sector.objects.create(code="y-te", name="Y tế", domain=domain)
    return Indicator.objects.create(code="cong-suat-giuong-benh", name="Công suất sử dụng giường bệnh",
                                    sector=sector, unit_of_measure="%", owner_unit=units["b"],
                                    frequency=Frequency.MONTHLY)


@pytest.fixture
def indicator(units):
    return make_indicator(units)


@pytest.fixture
def store(django_capture_on_commit_callbacks, commune):
    def do(indicator, period, value, area=None):
        area = area or commune
        Observation.objects.filter(indicator=indicator, area=area, period=period, is_current=True).update(
            is_current=False)
        revision = Observation.objects.filter(indicator=indicator, area=area, period=period).count() + 1
        Observation.objects.create(indicator=indicator, area=area, period=period, value=value, revision=revision)
        with django_capture_on_commit_callbacks(execute=True):
            observations_written.send(sender=Observation, indicator_ids={indicator.pk}, area_ids={area.pk},
                                      periods={period})

    return do


def test_an_overloaded_hospital_opens_an_event_that_ends_with_a_normal_month(indicator, store, units, commune):
    rule = AlertRule.objects.create(name="Bệnh viện quá tải", indicator=indicator, condition=Condition.ABOVE,
                                    threshold=95, responsible_unit=units["b"])
    store(indicator, date(2026, 1, 1), 90)
    assert not AlertEvent.objects.exists()
    store(indicator, date(2026, 2, 1), 104)
    event = AlertEvent.objects.get(rule=rule)
    assert event.area == commune and event.trigger_value == 104 and event.subject_key.startswith("indicator:")
    store(indicator, date(2026, 2, 1), 106)  # a corrected figure for the same month: same event, worse value
    event.refresh_from_db()
    assert event.trigger_count == 1 and event.worst_value == 106
    store(indicator, date(2026, 3, 1), 88)
    event.refresh_from_db()
    assert event.status == EventStatus.RESOLVED


def test_change_from_the_previous_period(indicator, store, units):
    rule = AlertRule.objects.create(name="Tăng đột biến", indicator=indicator, condition=Condition.RATE_PERCENT,
                                    threshold=20, responsible_unit=units["b"])
    store(indicator, date(2026, 1, 1), 70)
    store(indicator, date(2026, 2, 1), 80)  # +14 %
    assert not AlertEvent.objects.exists()
    store(indicator, date(2026, 3, 1), 100)  # +25 %
    assert AlertEvent.objects.get(rule=rule).trigger_value == pytest.approx(25)


def test_a_rule_for_another_area_ignores_this_one(indicator, store, units, province):
    AlertRule.objects.create(name="Toàn tỉnh", indicator=indicator, area=province, condition=Condition.ABOVE,
                             threshold=95, responsible_unit=units["b"])
    store(indicator, date(2026, 2, 1), 120)
    assert not AlertEvent.objects.exists()


def test_a_resolved_period_is_not_reopened_by_a_correction_elsewhere(indicator, store, units, people):
    from .. import services

    rule = AlertRule.objects.create(name="Bệnh viện quá tải", indicator=indicator, condition=Condition.ABOVE,
                                    threshold=95, responsible_unit=units["b"])
    store(indicator, date(2026, 2, 1), 104)
    services.resolve(event=AlertEvent.objects.get(rule=rule), by=people["operator"], note="Đã điều chuyển giường.")
    store(indicator, date(2026, 1, 1), 91)  # a correction of an older month re-runs the rule
    assert AlertEvent.objects.filter(rule=rule).count() == 1
    store(indicator, date(2026, 3, 1), 101)  # a new month over the threshold is a new event
    assert AlertEvent.objects.filter(rule=rule).count() == 2
