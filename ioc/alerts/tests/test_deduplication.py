"""At most one active event per rule and subject: repeats update it, a flapping sensor opens one event, data sent
again does not inflate the count, and the database refuses a second active event."""

import pytest
from django.db import IntegrityError, transaction

from ioc.monitoring.models import from_epoch

from ..models import AlertEvent, EventStatus
from .conftest import BASE


def test_repeated_breaches_update_one_event(make_rule, series, write):
    rule = make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 60.0)])
    write(series["kinh_bac"], [(10, 85.0)])
    write(series["kinh_bac"], [(20, 70.0)])
    [event] = AlertEvent.objects.filter(rule=rule)
    assert event.trigger_count == 3
    assert event.trigger_value == 60.0 and event.worst_value == 85.0 and event.last_value == 70.0
    assert event.first_triggered_at == from_epoch(BASE) and event.last_triggered_at == from_epoch(BASE + 20 * 60)


def test_a_flapping_sensor_opens_one_event(make_rule, series, write):
    rule = make_rule(threshold=50, resolve_after_minutes=60)
    # Dancing around the threshold every 10 minutes for three hours: never 60 minutes normal in a row.
    for minute in range(0, 180, 10):
        write(series["kinh_bac"], [(minute, 55.0 if (minute // 10) % 2 == 0 else 45.0)])
    assert AlertEvent.objects.filter(rule=rule).count() == 1
    event = AlertEvent.objects.get(rule=rule)
    assert event.status == EventStatus.OPEN and event.trigger_count == 9


def test_sending_the_same_readings_again_counts_nothing(make_rule, series, write):
    rule = make_rule(threshold=50)
    points = [(0, 60.0), (10, 65.0)]
    write(series["kinh_bac"], points)
    # storage writes nothing new (idempotent), so it sends no signal; evaluate explicitly as a re-run would.
    from ..evaluation import evaluate_series

    evaluate_series([series["kinh_bac"].pk])
    evaluate_series([series["kinh_bac"].pk])
    assert AlertEvent.objects.get(rule=rule).trigger_count == 2


def test_each_series_has_its_own_event(make_rule, series, write):
    rule = make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 60.0)])
    write(series["tu_son"], [(0, 70.0)])
    assert AlertEvent.objects.filter(rule=rule).count() == 2


def test_the_database_refuses_a_second_active_event(make_rule, series, write):
    rule = make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 60.0)])
    event = AlertEvent.objects.get(rule=rule)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertEvent.objects.create(rule=rule, subject_key=event.subject_key, responsible_unit=event.responsible_unit,
                                  severity=event.severity, first_triggered_at=event.first_triggered_at,
                                  last_triggered_at=event.last_triggered_at, headline="x")
