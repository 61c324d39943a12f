"""The event life cycle: allowed moves only, by the right people, stamped, on the timeline and in the audit log."""

import pytest
from django.core.exceptions import PermissionDenied

from ioc.core.models import AuditAction, AuditEvent

from .. import services
from ..models import AlertEvent, EventStatus, NoteKind, Resolution
from ..services import TransitionError


@pytest.fixture
def event(make_rule, series, write):
    make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 60.0)])
    return AlertEvent.objects.get()


def test_open_acknowledged_resolved(event, people):
    services.acknowledge(event=event, by=people["officer"], note="Đã cử cán bộ kiểm tra nguồn thải.")
    event.refresh_from_db()
    assert event.status == EventStatus.ACKNOWLEDGED and event.acknowledged_by == people["officer"]
    services.resolve(event=event, by=people["head"], note="Đã xử lý cơ sở đốt rơm rạ.")
    event.refresh_from_db()
    assert event.status == EventStatus.RESOLVED and event.resolution == Resolution.MANUAL
    assert event.resolved_by == people["head"]
    assert list(event.notes.values_list("kind", flat=True)) == [NoteKind.OPENED, NoteKind.ACKNOWLEDGED,
                                                                NoteKind.RESOLVED]
    moves = AuditEvent.objects.filter(action=AuditAction.TRANSITION, object_id=str(event.pk))
    assert sorted(tuple(m.changes["status"]) for m in moves) == [("acknowledged", "resolved"),
                                                                 ("open", "acknowledged")]


def test_open_can_be_resolved_directly(event, people):
    services.resolve(event=event, by=people["operator"], note="Cảm biến lỗi, đã hiệu chuẩn lại.")
    event.refresh_from_db()
    assert event.status == EventStatus.RESOLVED


@pytest.mark.parametrize("first,second", [
    (EventStatus.RESOLVED, EventStatus.OPEN),
    (EventStatus.RESOLVED, EventStatus.ACKNOWLEDGED),
    (EventStatus.RESOLVED, EventStatus.RESOLVED),
    (EventStatus.ACKNOWLEDGED, EventStatus.ACKNOWLEDGED),
    (EventStatus.ACKNOWLEDGED, EventStatus.OPEN),
])
def test_refused_moves(event, people, first, second):
    services.transition(event, first, by=people["operator"], note="Kết quả xử lý.")
    with pytest.raises(TransitionError) as refused:
        services.transition(event, second, by=people["operator"])
    assert "Không thể chuyển sự kiện" in refused.value.messages[0]
    event.refresh_from_db()
    assert event.status == first


def test_resolving_by_hand_needs_a_result(event, people):
    with pytest.raises(TransitionError):
        services.resolve(event=event, by=people["operator"], note="  ")


def test_the_system_may_only_resolve(event):
    with pytest.raises(TransitionError):
        services.transition(event, EventStatus.ACKNOWLEDGED, by=None)


@pytest.mark.parametrize("who", ["other_officer", "leader", "citizen"])
def test_people_outside_the_responsible_unit_may_not_act(event, people, who):
    with pytest.raises(PermissionDenied):
        services.acknowledge(event=event, by=people[who])
    with pytest.raises(PermissionDenied):
        services.add_note(event=event, by=people[who], text="Ghi chú")
    event.refresh_from_db()
    assert event.status == EventStatus.OPEN and event.notes.count() == 1


def test_notes_are_on_the_timeline_and_audited(event, people):
    services.add_note(event=event, by=people["officer"], text="Đoàn kiểm tra đã đến hiện trường.")
    assert event.notes.filter(kind=NoteKind.NOTE, author=people["officer"]).exists()
    assert AuditEvent.objects.filter(object_type="alerts.alertevent", object_id=str(event.pk),
                                     actor=people["officer"]).exists()
    with pytest.raises(Exception):
        services.add_note(event=event, by=people["officer"], text="   ")


def test_rule_changes_are_audited(make_rule, people):
    rule = make_rule()
    rule.threshold = 75
    rule.save()
    assert AuditEvent.objects.filter(object_type="alerts.alertrule", object_id=str(rule.pk),
                                     action=AuditAction.UPDATE).exists()
