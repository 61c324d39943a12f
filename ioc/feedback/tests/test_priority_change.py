"""The IOC marks a report urgent (or normal again): the deadlines become those of the new priority, counted from
the receipt, are watched anew, and the change is in the internal timeline and the audit log; units and the
public cannot change it."""

import pytest
from django.core.exceptions import PermissionDenied

from ioc.core.models import AuditEvent

from .. import workflow
from ..models import EventKind, Priority, Report, Status
from ..workflow import TransitionError, deadlines_for


def test_the_ioc_marks_a_report_urgent_and_its_deadlines_follow(make_report, people, signed_in, units):
    report = make_report("lights")
    assert report.priority == Priority.NORMAL
    client = signed_in(people["operator"])
    page = client.get(f"/xu-ly/phan-anh/{report.code}/").content.decode()
    assert "Đổi mức độ" in page
    response = client.post(f"/xu-ly/phan-anh/{report.code}/priority/",
                           {"priority": Priority.URGENT, "reason": "Dây điện rơi xuống đường, nguy hiểm."})
    assert response.status_code == 302
    report.refresh_from_db()
    urgent = deadlines_for(report.category, Priority.URGENT, report.received_at)
    assert report.priority == Priority.URGENT and (report.acceptance_due, report.answer_due) == urgent
    note = report.events.filter(kind=EventKind.NOTE).get()
    assert not note.is_public and "Khẩn" in note.note and "Dây điện" in note.note
    assert AuditEvent.objects.filter(object_id=str(report.pk), changes__priority=["normal", "urgent"]).exists()


def test_the_same_priority_or_a_missing_reason_is_refused_at_the_form(make_report, people, signed_in):
    report = make_report("lights")
    client = signed_in(people["operator"])
    same = client.post(f"/xu-ly/phan-anh/{report.code}/priority/", {"priority": Priority.NORMAL, "reason": "Thử."})
    assert "Phản ánh đã ở mức độ này." in same.content.decode()
    bare = client.post(f"/xu-ly/phan-anh/{report.code}/priority/", {"priority": Priority.URGENT, "reason": ""})
    assert "Hãy nêu lý do." in bare.content.decode()
    assert Report.objects.get(pk=report.pk).priority == Priority.NORMAL


def test_units_and_closed_reports_cannot_change_it(make_report, people, units):
    report = make_report("lights")
    workflow.verify(report=report, by=people["operator"])
    report = workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], by=people["operator"])
    with pytest.raises(PermissionDenied):
        workflow.set_priority(report=report, by=people["officer"], priority=Priority.URGENT, reason="Gấp.")
    Report.objects.filter(pk=report.pk).update(status=Status.CLOSED)
    with pytest.raises(TransitionError):
        workflow.set_priority(report=Report.objects.get(pk=report.pk), by=people["operator"],
                              priority=Priority.URGENT, reason="Gấp.")
