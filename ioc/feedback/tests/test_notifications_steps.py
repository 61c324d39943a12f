"""Who is told at the steps the first version left silent: the IOC before a new report's acceptance deadline and
when a unit hands a report back; the reporter when work starts and when the report is closed; the unit when its
extension is decided; a duplicate's reporter when it is merged into a report that already has its answer. And the
reopening window runs from the answer, not from the (automatic) closing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ioc.core import worktime
from ioc.core.models import Notification

from .. import workflow
from ..deadlines import remind_acceptance_due_soon, remind_due_soon
from ..models import FeedbackSettings, Report, Status
from ..workflow import TransitionError


def told(user, topic=None):
    notes = Notification.objects.filter(recipient=user)
    return notes.filter(topic=topic) if topic else notes


def fresh(report):
    return Report.objects.get(pk=report.pk)


def test_the_ioc_is_reminded_once_before_the_acceptance_deadline(make_report, people, assigned):
    now = timezone.now()
    soon, later = make_report(), make_report()
    Report.objects.filter(pk=soon.pk).update(acceptance_due=worktime.add_working_hours(now, 0.5))
    Report.objects.filter(pk=later.pk).update(acceptance_due=worktime.add_working_hours(now, 3))
    assert remind_acceptance_due_soon(now=now) == 1
    notes = told(people["operator"], "feedback.due_soon")
    assert notes.count() == 1 and soon.code in notes.get().title and "tiếp nhận" in notes.get().title
    assert not told(people["officer"], "feedback.due_soon").exists()
    assert remind_acceptance_due_soon(now=now + timedelta(minutes=15)) == 0
    # Once accepted and assigned, the answer deadline is still reminded to the unit.
    workflow.verify(report=fresh(soon), by=people["operator"])
    report = workflow.assign(report=fresh(soon), unit=people["officer"].memberships.get().unit, by=people["operator"])
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"reminder_hours_before": 4})
    Report.objects.filter(pk=report.pk).update(answer_due=worktime.add_working_hours(now, 2))
    assert remind_due_soon(now=now) == 1


def test_the_reporter_hears_when_work_starts_and_when_the_report_is_closed(assigned, people,
                                                                           django_capture_on_commit_callbacks):
    report = assigned(reporter=people["citizen"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.start(report=fresh(report), by=people["officer"])
    assert told(people["citizen"], "feedback.in_progress").filter(title__contains=report.code).exists()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer(report=fresh(report), by=people["officer"], text="Đã thay bóng đèn, đèn sáng trở lại.")
        workflow.close(report=fresh(report), by=people["operator"])
    assert told(people["citizen"], "feedback.closed").filter(title__contains=report.code).exists()


def test_a_report_handed_back_tells_the_ioc_not_the_reporter(assigned, people, django_capture_on_commit_callbacks):
    report = assigned(reporter=people["citizen"])
    before = told(people["citizen"]).count()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_to_ioc(report=fresh(report), by=people["officer"], reason="Không thuộc thẩm quyền của Sở.")
    note = told(people["operator"], "feedback.returned").get()
    assert report.code in note.title and "Sở Xây dựng" in note.title and note.body == "Không thuộc thẩm quyền của Sở."
    assert told(people["citizen"]).count() == before  # not "verified" a second time


@pytest.mark.parametrize("approve", [True, False])
def test_the_unit_hears_whether_its_extension_was_granted(assigned, people, approve,
                                                         django_capture_on_commit_callbacks):
    report = assigned()
    extension = workflow.request_extension(report=fresh(report), by=people["officer"], days=3, reason="Chờ vật tư.")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.decide_extension(extension=extension, by=people["operator"], approve=approve,
                                  note="" if approve else "Việc đơn giản, không cần thêm thời gian.")
    for name in ("officer", "head"):
        note = told(people[name], "feedback.extension_decided").get()
        assert report.code in note.title and ("Đồng ý" in note.title) == approve, name
    assert not told(people["other_officer"], "feedback.extension_decided").exists()


def test_merging_into_an_answered_report_sends_its_answer_now(assigned, make_report, people,
                                                              django_capture_on_commit_callbacks):
    main = assigned()
    workflow.answer(report=fresh(main), by=people["officer"], text="Đơn vị đã thay bóng đèn mới.")
    with_account = make_report(reporter=people["citizen"])
    contact_only = make_report(reporter_email="hoa@example.vn")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.merge(duplicate=with_account, into=fresh(main), by=people["operator"])
        workflow.merge(duplicate=contact_only, into=fresh(main), by=people["operator"])
    note = told(people["citizen"], "feedback.answered").get()
    assert main.code in note.title and note.body == "Đơn vị đã thay bóng đèn mới."
    assert any("hoa@example.vn" in m.to and "Đơn vị đã thay bóng đèn mới." in m.body for m in mail.outbox)


def test_a_report_cannot_be_merged_into_a_rejected_one(make_report, people, signed_in):
    rejected = make_report()
    workflow.reject(report=rejected, by=people["operator"], reason="spam", note="Quảng cáo.")
    duplicate = make_report()
    with pytest.raises(TransitionError):
        workflow.merge(duplicate=duplicate, into=fresh(rejected), by=people["operator"])
    response = signed_in(people["operator"]).post(f"/xu-ly/phan-anh/{duplicate.code}/merge/",
                                                  {"into": rejected.code})
    assert "đã bị từ chối" in response.content.decode()
    assert fresh(duplicate).merged_into_id is None


def test_the_reopening_window_runs_from_the_answer(assigned, people):
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"reopen_window_days": 7})
    report = assigned(reporter=people["citizen"])
    workflow.answer(report=fresh(report), by=people["officer"], text="Đã xử lý xong.")
    workflow.close(report=fresh(report), by=people["operator"])
    # Answered 8 days ago, closed yesterday: the week to ask again is over.
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(answered_at=now - timedelta(days=8), closed_at=now - timedelta(days=1))
    with pytest.raises(TransitionError):
        workflow.reopen(report=fresh(report), by=people["citizen"], reason="Đèn lại hỏng.")
