"""The state machine: every allowed move succeeds for the right people and is recorded; every other move is
refused; the wrong people are refused; the services around it (reject, answer, reopen, transfer, return,
extensions, merge) keep their rules."""

from datetime import timedelta
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ioc.core import worktime
from ioc.core.models import AuditAction, AuditEvent, Notification
from tests.factories import make_user

from .. import workflow
from ..models import EventKind, ExtensionStatus, FeedbackSettings, Follow, Report, ReportEvent, Status
from ..workflow import ALLOWED_MOVES, TransitionError

REFUSED = sorted(set(product(Status.values, Status.values)) - {(a.value, b.value) for a, b in ALLOWED_MOVES})
MOVES = sorted((a.value, b.value, who) for (a, b), who in ALLOWED_MOVES.items())


@pytest.fixture
def report_at(make_report, people, units):
    """report_at(status): a report of unit a, sent by the citizen, put straight into a status."""

    def make(status, **fields):
        report = make_report(reporter=people["citizen"], **fields)
        Report.objects.filter(pk=report.pk).update(status=status, lead_unit=units["a"])
        return Report.objects.get(pk=report.pk)

    return make


def right_people(who, people):
    """Who may make a move of this kind: the IOC always; the lead unit's staff; the reporter."""
    return {"triage": ["operator", "admin"], "unit": ["officer", "head", "operator"],
            "reporter": ["citizen", "operator"]}[who]


def wrong_people(who, people):
    """Who must be refused: an officer of another unit on unit moves, a citizen (and unit staff) on triage
    moves, another citizen on reporter moves."""
    return {"triage": ["citizen", "officer", "leader"], "unit": ["other_officer", "citizen", "leader"],
            "reporter": ["stranger", "officer"]}[who]


@pytest.fixture
def everyone(people):
    return {**people, "stranger": make_user("stranger")}


def test_the_tests_cover_every_pair_of_statuses():
    assert len(MOVES) + len(REFUSED) == len(Status.values) ** 2
    assert {who for _frm, _to, who in MOVES} == {"triage", "unit", "reporter"}


@pytest.mark.parametrize("frm,to,who", MOVES)
def test_every_allowed_move_succeeds_for_the_right_people(report_at, everyone, frm, to, who):
    for name in right_people(who, everyone):
        report = report_at(frm)
        events, audits = report.events.count(), AuditEvent.objects.filter(action=AuditAction.TRANSITION).count()
        moved = workflow.transition(report, to, by=everyone[name], note="thử")
        assert moved.status == to, name
        assert Report.objects.get(pk=report.pk).status == to
        assert report.events.count() == events + 1
        event = report.events.order_by("-id").first()
        assert (event.from_status, event.to_status, event.actor) == (frm, to, everyone[name])
        assert AuditEvent.objects.filter(action=AuditAction.TRANSITION).count() == audits + 1
        audit = AuditEvent.objects.filter(action=AuditAction.TRANSITION).order_by("-id").first()
        assert audit.object_id == str(report.pk) and audit.changes["status"] == [frm, to]


@pytest.mark.parametrize("frm,to,who", MOVES)
def test_every_allowed_move_is_refused_to_the_wrong_people(report_at, everyone, frm, to, who):
    for name in wrong_people(who, everyone):
        report = report_at(frm)
        with pytest.raises(PermissionDenied):
            workflow.transition(report, to, by=everyone[name])
        assert Report.objects.get(pk=report.pk).status == frm
        assert not report.events.filter(to_status=to, from_status=frm).exists()


@pytest.mark.parametrize("frm,to", REFUSED)
def test_every_other_move_is_refused(report_at, people, frm, to):
    report = report_at(frm)
    with pytest.raises(TransitionError) as refused:
        workflow.transition(report, to, by=people["operator"])
    assert "Không thể chuyển phản ánh" in refused.value.messages[0]
    assert Report.objects.get(pk=report.pk).status == frm


# --- The services ----------------------------------------------------------------------------------


def test_reject_requires_a_reason(make_report, people):
    report = make_report()
    with pytest.raises(TransitionError):
        workflow.reject(report=report, by=people["operator"], reason="")
    workflow.reject(report=report, by=people["operator"], reason="spam", note="Quảng cáo.")
    report.refresh_from_db()
    assert report.status == Status.REJECTED and report.rejection_reason == "spam"
    assert "Quảng cáo." in report.events.last().note


def test_answer_requires_text(report_at, people):
    report = report_at(Status.IN_PROGRESS)
    for text in ("", "   ", "ngắn"):
        with pytest.raises(TransitionError):
            workflow.answer(report=report, by=people["officer"], text=text)
    workflow.answer(report=report, by=people["officer"], text="Đã thay bóng đèn mới, đèn sáng bình thường.")
    report.refresh_from_db()
    assert report.status == Status.ANSWERED and report.answered_by == people["officer"]
    assert report.answered_on_time is True


def test_assign_sets_the_units(make_report, people, units):
    report = make_report()
    workflow.verify(report=report, by=people["operator"])
    report = workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["b"],
                             cooperating=[units["a"], units["b"]], by=people["operator"])
    assert report.lead_unit == units["b"] and list(report.cooperating_units.all()) == [units["a"]]
    units["a"].is_active = False
    units["a"].save()
    other = make_report()
    workflow.verify(report=other, by=people["operator"])
    with pytest.raises(TransitionError):
        workflow.assign(report=Report.objects.get(pk=other.pk), unit=units["a"], by=people["operator"])


def test_reopen_within_the_window_only(report_at, people):
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"reopen_window_days": 7})
    report = report_at(Status.ANSWERED)
    Report.objects.filter(pk=report.pk).update(answered_at=timezone.now() - timedelta(days=8))
    report.refresh_from_db()
    with pytest.raises(TransitionError):
        workflow.reopen(report=report, by=people["citizen"], reason="Đèn vẫn chưa sáng.")
    with pytest.raises(TransitionError):
        workflow.reopen(report=report, by=people["operator"], reason="")
    workflow.reopen(report=report, by=people["operator"], reason="Người dân gọi 1022: đèn vẫn chưa sáng.")
    assert Report.objects.get(pk=report.pk).status == Status.REOPENED

    recent = report_at(Status.ANSWERED)
    Report.objects.filter(pk=recent.pk).update(answered_at=timezone.now() - timedelta(days=6))
    recent.refresh_from_db()
    workflow.reopen(report=recent, by=people["citizen"], reason="Đèn vẫn chưa sáng.")
    recent.refresh_from_db()
    assert recent.status == Status.REOPENED
    assert recent.answer_due > timezone.now()  # a fresh deadline for the second round
    assert recent.escalated_at is None


def test_transfer_moves_the_report_to_another_unit(report_at, people, units):
    report = report_at(Status.IN_PROGRESS)
    with pytest.raises(TransitionError):
        workflow.transfer(report=report, to_unit=units["b"], by=people["officer"], reason="")
    with pytest.raises(TransitionError):
        workflow.transfer(report=report, to_unit=units["a"], by=people["officer"], reason="Nhầm.")
    with pytest.raises(PermissionDenied):
        workflow.transfer(report=report, to_unit=units["b"], by=people["other_officer"], reason="Không phải của tôi.")
    audits = AuditEvent.objects.count()
    workflow.transfer(report=report, to_unit=units["b"], by=people["officer"], reason="Thuộc lĩnh vực y tế.")
    report.refresh_from_db()
    assert report.lead_unit == units["b"] and report.status == Status.ASSIGNED
    event = report.events.get(kind=EventKind.TRANSFER)
    assert "Thuộc lĩnh vực y tế." in event.note and "Sở Y tế" in event.note
    assert (event.from_status, event.to_status) == (Status.IN_PROGRESS, Status.ASSIGNED)  # through transition()
    audit = AuditEvent.objects.filter(object_id=str(report.pk)).order_by("-pk").first()
    assert AuditEvent.objects.count() > audits
    assert audit.changes["lead_unit"] == [str(units["a"].pk), str(units["b"].pk)]  # from which unit to which
    # The new unit handles it now; the old one has no hold on it any more.
    workflow.start(report=report, by=people["other_officer"])
    with pytest.raises(PermissionDenied):
        workflow.answer(report=Report.objects.get(pk=report.pk), by=people["officer"], text="Nội dung trả lời đủ dài.")


def test_return_to_the_ioc_needs_a_reason_and_clears_the_unit(report_at, people):
    report = report_at(Status.ASSIGNED)
    with pytest.raises(TransitionError):
        workflow.return_to_ioc(report=report, by=people["officer"], reason=" ")
    workflow.return_to_ioc(report=report, by=people["officer"], reason="Không thuộc thẩm quyền của Sở.")
    report.refresh_from_db()
    assert report.status == Status.VERIFIED and report.lead_unit is None
    assert report.events.last().note == "Không thuộc thẩm quyền của Sở."


def test_extension_approved_moves_the_answer_deadline_by_working_days(report_at, people):
    report = report_at(Status.IN_PROGRESS)
    due = report.answer_due
    extension = workflow.request_extension(report=report, by=people["officer"], days=3, reason="Chờ vật tư.")
    assert report.events.filter(kind=EventKind.EXTENSION, is_public=False).exists()
    with pytest.raises(TransitionError):
        workflow.request_extension(report=report, by=people["officer"], days=2, reason="Lần nữa.")
    with pytest.raises(PermissionDenied):
        workflow.decide_extension(extension=extension, by=people["head"], approve=True)
    workflow.decide_extension(extension=extension, by=people["operator"], approve=True)
    report.refresh_from_db()
    assert report.answer_due == worktime.add_working_days(due, 3)
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    with pytest.raises(TransitionError):
        workflow.decide_extension(extension=extension, by=people["operator"], approve=True)


def test_extension_refused_leaves_the_deadline(report_at, people):
    report = report_at(Status.IN_PROGRESS)
    due = report.answer_due
    extension = workflow.request_extension(report=report, by=people["officer"], days=5, reason="Chờ vật tư.")
    workflow.decide_extension(extension=extension, by=people["operator"], approve=False, note="Vụ việc đơn giản.")
    report.refresh_from_db()
    assert report.answer_due == due
    assert ExtensionStatus.REFUSED == extension.__class__.objects.get(pk=extension.pk).status


def test_extension_rules(report_at, people):
    report = report_at(Status.IN_PROGRESS)
    for days in (0, 31, "nhiều"):
        with pytest.raises(TransitionError):
            workflow.request_extension(report=report, by=people["officer"], days=days, reason="Chờ vật tư.")
    with pytest.raises(TransitionError):
        workflow.request_extension(report=report, by=people["officer"], days=2, reason="")
    with pytest.raises(PermissionDenied):
        workflow.request_extension(report=report, by=people["other_officer"], days=2, reason="Chờ vật tư.")


def test_internal_notes_are_never_public(report_at, people):
    report = report_at(Status.IN_PROGRESS)
    with pytest.raises(TransitionError):
        workflow.add_note(report=report, by=people["officer"], text="")
    event = workflow.add_note(report=report, by=people["officer"], text="Đã gọi cho tổ dân phố.")
    assert event.is_public is False and event.kind == EventKind.NOTE


# --- Merging duplicates ----------------------------------------------------------------------------


def test_merge_links_the_duplicate_to_the_main_report(make_report, people, units,
                                                      django_capture_on_commit_callbacks):
    other_citizen = make_user("hoa")
    main = make_report(reporter=people["citizen"])
    duplicate = make_report(reporter=other_citizen, description="Đèn đường số 12 Lý Thái Tổ hỏng.")
    with pytest.raises(PermissionDenied):
        workflow.merge(duplicate=duplicate, into=main, by=people["officer"])
    with pytest.raises(TransitionError):
        workflow.merge(duplicate=main, into=main, by=people["operator"])

    with django_capture_on_commit_callbacks(execute=True):
        workflow.merge(duplicate=duplicate, into=main, by=people["operator"])
    duplicate.refresh_from_db()
    assert duplicate.merged_into == main
    assert duplicate.status == Status.REJECTED and duplicate.rejection_reason == "duplicate"
    assert ReportEvent.objects.filter(report=main, kind=EventKind.MERGE, note__contains=duplicate.code).exists()
    assert Follow.objects.filter(report=main, user=other_citizen).exists()
    with pytest.raises(TransitionError):
        workflow.merge(duplicate=make_report(), into=duplicate, by=people["operator"])  # into a merged one

    # The main report is handled and answered: both reporters are told.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verify(report=main, by=people["operator"])
        workflow.assign(report=Report.objects.get(pk=main.pk), unit=units["a"], by=people["operator"])
        workflow.answer(report=Report.objects.get(pk=main.pk), by=people["officer"],
                        text="Đơn vị đã thay bóng đèn mới, đèn sáng bình thường.")
    for reporter in (people["citizen"], other_citizen):
        told = Notification.objects.filter(recipient=reporter, topic="feedback.answered")
        assert told.count() == 1, reporter
        assert "Đơn vị đã thay bóng đèn mới" in told.get().body


def test_merge_tells_a_duplicate_reporter_without_an_account(make_report, people, units, settings,
                                                             django_capture_on_commit_callbacks):
    from django.core import mail

    main = make_report()
    duplicate = make_report(reporter_email="hoa@example.vn", description="Đèn đường số 12 Lý Thái Tổ hỏng.")
    workflow.merge(duplicate=duplicate, into=main, by=people["operator"])
    workflow.verify(report=main, by=people["operator"])
    workflow.assign(report=Report.objects.get(pk=main.pk), unit=units["a"], by=people["operator"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer(report=Report.objects.get(pk=main.pk), by=people["officer"],
                        text="Đơn vị đã thay bóng đèn mới, đèn sáng bình thường.")
    assert any("hoa@example.vn" in m.to for m in mail.outbox)
