"""The deadline watch (every 15 minutes): a report past its deadline is escalated once to the unit head and
the IOC operators; the unit is reminded once before the answer deadline; answered reports close after the
reopening window."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ioc.core import worktime
from ioc.core.models import Notification

from .. import workflow
from ..deadlines import close_answered, escalate_overdue, remind_due_soon
from ..models import FeedbackSettings, Report, Status


def told(user, topic):
    return Notification.objects.filter(recipient=user, topic=topic)


def test_overdue_report_escalates_to_the_unit_head_and_the_ioc_once(assigned, people):
    report = assigned()
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(answer_due=now - timedelta(minutes=10))
    assert escalate_overdue(now=now) == 1
    for name in ("head", "operator"):
        notes = told(people[name], "feedback.overdue")
        assert notes.count() == 1, name
        assert report.code in notes.get().title
        assert notes.get().url == reverse("feedback:staff_report", args=[report.code])
    for name in ("officer", "other_officer", "citizen"):
        assert not told(people[name], "feedback.overdue").exists(), name
    # The next run (15 minutes later) says nothing again.
    assert escalate_overdue(now=now + timedelta(minutes=15)) == 0
    assert told(people["head"], "feedback.overdue").count() == 1
    assert told(people["operator"], "feedback.overdue").count() == 1


def test_report_not_accepted_in_time_escalates_to_the_ioc_only(make_report, routing, people):
    report = make_report()  # routing names unit a, but the report is still the IOC's
    now = report.acceptance_due + timedelta(minutes=1)
    assert escalate_overdue(now=now) == 1
    assert told(people["operator"], "feedback.overdue").count() == 1
    assert not told(people["head"], "feedback.overdue").exists()


def test_report_on_time_is_not_escalated(assigned, people):
    assigned()
    assert escalate_overdue(now=timezone.now()) == 0
    assert not Notification.objects.filter(topic="feedback.overdue").exists()


def test_answered_report_is_not_escalated(assigned, people):
    report = assigned()
    workflow.answer(report=report, by=people["officer"], text="Đã thay bóng đèn mới, đèn sáng bình thường.")
    assert escalate_overdue(now=report.answer_due + timedelta(days=1)) == 0


def test_accepted_late_then_answered_late_escalates_twice(make_report, people, units):
    report = make_report()
    assert escalate_overdue(now=report.acceptance_due + timedelta(minutes=1)) == 1
    workflow.verify(report=Report.objects.get(pk=report.pk), by=people["operator"])
    workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], by=people["operator"])
    assert escalate_overdue(now=report.answer_due + timedelta(minutes=1)) == 1
    assert told(people["head"], "feedback.overdue").count() == 1
    assert told(people["operator"], "feedback.overdue").count() == 2


def test_approved_extension_is_watched_anew(assigned, people):
    report = assigned()
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(answer_due=now - timedelta(minutes=10))
    escalate_overdue(now=now)
    extension = workflow.request_extension(report=Report.objects.get(pk=report.pk), by=people["officer"], days=2,
                                           reason="Chờ vật tư.")
    workflow.decide_extension(extension=extension, by=people["operator"], approve=True)
    report.refresh_from_db()
    assert report.escalated_at is None
    assert escalate_overdue(now=now) == 0  # within the new deadline
    assert escalate_overdue(now=report.answer_due + timedelta(minutes=1)) == 1


def test_unit_is_reminded_once_before_the_answer_deadline(assigned, people):
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"reminder_hours_before": 4})
    now = timezone.now()
    soon = assigned()
    later = assigned()
    Report.objects.filter(pk=soon.pk).update(answer_due=worktime.add_working_hours(now, 2))
    Report.objects.filter(pk=later.pk).update(answer_due=worktime.add_working_hours(now, 10))
    assert remind_due_soon(now=now) == 1
    for name in ("officer", "head"):
        notes = told(people[name], "feedback.due_soon")
        assert notes.count() == 1 and soon.code in notes.get().title, name
    assert not told(people["other_officer"], "feedback.due_soon").exists()
    assert remind_due_soon(now=now + timedelta(minutes=15)) == 0
    assert told(people["officer"], "feedback.due_soon").count() == 1


def test_reports_still_at_the_ioc_get_no_unit_reminder(make_report, routing, people):
    report = make_report()
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(answer_due=worktime.add_working_hours(now, 1))
    assert remind_due_soon(now=now) == 0


def test_answered_reports_close_after_the_reopening_window(assigned, people):
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"reopen_window_days": 7})
    old, recent = assigned(), assigned()
    for report in (old, recent):
        workflow.answer(report=report, by=people["officer"], text="Đã thay bóng đèn mới, đèn sáng bình thường.")
    now = timezone.now()
    Report.objects.filter(pk=old.pk).update(answered_at=now - timedelta(days=8))
    Report.objects.filter(pk=recent.pk).update(answered_at=now - timedelta(days=6))
    assert close_answered(now=now) == 1
    assert Report.objects.get(pk=old.pk).status == Status.CLOSED
    assert Report.objects.get(pk=recent.pk).status == Status.ANSWERED
    event = Report.objects.get(pk=old.pk).events.last()
    assert event.to_status == Status.CLOSED and event.actor is None
    assert close_answered(now=now) == 0


def test_the_periodic_task_runs_the_watch(assigned, people):
    from ..tasks import watch_deadlines

    report = assigned()
    Report.objects.filter(pk=report.pk).update(answer_due=timezone.now() - timedelta(minutes=1))
    watch_deadlines.call_local()
    assert told(people["head"], "feedback.overdue").count() == 1
    assert Report.objects.get(pk=report.pk).escalated_at is not None
