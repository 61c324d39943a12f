"""The alerts demo: rules for Bắc Ninh on the seeded stations, events from the seeded readings (some active, some
handled with notes), and a second run that changes nothing."""

import pytest

from ioc.core.demo import seed_demo

from ..models import AlertEvent, AlertRule, EventNote, NoteKind


@pytest.mark.django_db(transaction=False)
def test_the_demo_creates_rules_and_events_and_is_idempotent(django_capture_on_commit_callbacks, monkeypatch):
    # A year of readings, as `make run` seeds: the summer floods and the winter smog are in it whatever today's
    # date (ten days of December hold neither a flood nor anything the demo staff could resolve).
    import ioc.monitoring.demo

    monkeypatch.setattr(ioc.monitoring.demo, "TESTING_READING_DAYS", 365)
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    rules = AlertRule.objects.count()
    events = AlertEvent.objects.count()
    notes = EventNote.objects.count()
    assert rules >= 8
    assert AlertRule.objects.filter(name__startswith="Bụi PM2.5", is_public=True).exists()
    assert AlertRule.objects.filter(name__contains="báo động III", severity="Extreme").exists()
    assert events > 0
    assert EventNote.objects.filter(kind=NoteKind.NOTE).exists()
    assert AlertEvent.objects.filter(status="resolved").exists()
    if AlertEvent.objects.filter(status__in=["open", "acknowledged"]).count() > 1:
        assert AlertEvent.objects.filter(status="acknowledged").exists()

    from ..demo import seed_alerts

    with django_capture_on_commit_callbacks(execute=True):
        result = seed_alerts()
    assert result["rules"] == 0 and result["handled"] == 0
    assert (AlertRule.objects.count(), AlertEvent.objects.count(), EventNote.objects.count()) == (rules, events, notes)
