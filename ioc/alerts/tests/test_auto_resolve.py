"""Automatic resolution: after the rule's resolve-after time back within the threshold, by the next readings or by
the minute watch; a breach after resolution opens a new event."""

from datetime import timedelta

from ioc.monitoring.models import from_epoch

from ..evaluation import watch
from ..models import AlertEvent, EventStatus, NoteKind, Resolution
from .conftest import BASE


def test_readings_normal_for_the_resolve_after_time_resolve_the_event(make_rule, series, write):
    rule = make_rule(threshold=50, resolve_after_minutes=30)
    write(series["kinh_bac"], [(0, 70.0), (10, 40.0), (20, 41.0)])
    event = AlertEvent.objects.get(rule=rule)
    assert event.status == EventStatus.OPEN and event.normal_since == from_epoch(BASE + 10 * 60)
    write(series["kinh_bac"], [(40, 39.0)])  # 30 minutes after it became normal
    event.refresh_from_db()
    assert event.status == EventStatus.RESOLVED and event.resolution == Resolution.AUTO
    assert event.resolved_by is None and event.resolved_at == from_epoch(BASE + 40 * 60)
    assert event.notes.filter(kind=NoteKind.RESOLVED).exists()


def test_the_minute_watch_resolves_events_that_went_quiet_when_normal(make_rule, series, write):
    rule = make_rule(threshold=50, resolve_after_minutes=30)
    write(series["kinh_bac"], [(0, 70.0), (10, 40.0)])
    event = AlertEvent.objects.get(rule=rule)
    watch(now=event.normal_since + timedelta(minutes=29))
    event.refresh_from_db()
    assert event.status == EventStatus.OPEN
    watch(now=event.normal_since + timedelta(minutes=30))
    event.refresh_from_db()
    assert event.status == EventStatus.RESOLVED and event.resolution == Resolution.AUTO


def test_a_breach_after_resolution_opens_a_new_event(make_rule, series, write):
    rule = make_rule(threshold=50, resolve_after_minutes=30)
    write(series["kinh_bac"], [(0, 70.0), (10, 40.0), (40, 40.0)])
    first = AlertEvent.objects.get(rule=rule)
    assert first.status == EventStatus.RESOLVED
    write(series["kinh_bac"], [(50, 75.0)])
    second = AlertEvent.objects.exclude(pk=first.pk).get(rule=rule)
    assert second.status == EventStatus.OPEN and second.public_id != first.public_id
    first.refresh_from_db()
    assert first.status == EventStatus.RESOLVED and first.trigger_count == 1


def test_acknowledged_events_also_resolve_themselves(make_rule, series, write, people):
    from .. import services

    rule = make_rule(threshold=50, resolve_after_minutes=30)
    write(series["kinh_bac"], [(0, 70.0)])
    services.acknowledge(event=AlertEvent.objects.get(rule=rule), by=people["officer"])
    write(series["kinh_bac"], [(10, 40.0), (40, 40.0)])
    event = AlertEvent.objects.get(rule=rule)
    assert event.status == EventStatus.RESOLVED and event.acknowledged_by == people["officer"]


def test_evaluating_the_same_readings_again_does_not_reopen_resolved_events(make_rule, series, write):
    from ..evaluation import replay

    rule = make_rule(threshold=50, resolve_after_minutes=30)
    write(series["kinh_bac"], [(0, 70.0), (10, 40.0), (40, 40.0), (50, 45.0)])
    assert AlertEvent.objects.filter(rule=rule).count() == 1
    replay([series["kinh_bac"].pk], since_t=BASE - 3600)
    replay([series["kinh_bac"].pk], since_t=BASE - 3600)
    assert AlertEvent.objects.filter(rule=rule).count() == 1


def test_a_manual_resolution_is_not_undone_by_older_readings(make_rule, series, write, people):
    from .. import services
    from ..evaluation import evaluate_series

    rule = make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 70.0), (10, 75.0)])
    services.resolve(event=AlertEvent.objects.get(rule=rule), by=people["operator"], note="Cảm biến lỗi.")
    evaluate_series([series["kinh_bac"].pk])
    assert AlertEvent.objects.filter(rule=rule).count() == 1
