"""Demo deadline extensions: demo officers ask for more time on open reports of their units through the workflow,
the demo operator approves, refuses or has yet to decide; deadlines move as in real use; seeding twice adds
nothing; and the demo accounts can still be removed."""

from datetime import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from ioc.core import worktime
from ioc.core.areas import load_province
from ioc.core.demo import seed_demo_accounts, seed_units
from ioc.core.models import AuditEvent, Notification

from ..demo import seed_feedback
from ..demo.extensions import demo_extensions, seed_extensions, settle_notifications
from ..models import EventKind, ExtensionRequest, ExtensionStatus, Report, ReportEvent, Status
from ..workflow import ALLOWED_MOVES

User = get_user_model()
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=worktime.VIETNAM)  # a Monday morning
COUNT = 400


@pytest.fixture
def seeded(db):
    load_province("24")
    seed_units("24")
    seed_demo_accounts()
    return seed_feedback(report_count=COUNT, now=NOW)


def test_every_outcome_is_seeded_by_demo_officers_and_decided_by_the_operator(seeded):
    requests = list(ExtensionRequest.objects.select_related("report", "requested_by", "decided_by"))
    assert seeded["extensions"] == len(requests) >= 3
    assert {e.status for e in requests} == set(ExtensionStatus.values)
    operator = User.objects.get(username="dieuhanh")
    for ext in requests:
        assert ext.requested_by.is_demo
        assert ext.requested_by.memberships.filter(unit=ext.report.lead_unit, role="officer").exists()
        assert ext.report.idempotency_key.startswith("demo-") and ext.report.is_open
        assert ext.report.status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)
        assert 1 <= ext.days <= 30 and any(ch in ext.reason for ch in "ầếộ")  # Vietnamese, with diacritics
        if ext.status == ExtensionStatus.PENDING:
            assert ext.decided_by is None and ext.decided_at is None
        else:
            assert ext.decided_by == operator and ext.requested_at < ext.decided_at <= NOW
        assert ext.report.received_at < ext.requested_at < NOW
    # At most one pending request per report, as the workflow allows.
    pending = [e.report_id for e in requests if e.status == ExtensionStatus.PENDING]
    assert len(pending) == len(set(pending))


def test_approvals_move_the_deadline_in_working_days(seeded):
    approved = ExtensionRequest.objects.filter(status=ExtensionStatus.APPROVED).select_related("report")
    assert approved.exists()
    for ext in approved:
        audit = AuditEvent.objects.get(object_type="feedback.report", object_id=str(ext.report_id),
                                       note="extension approved", changes__answer_due__isnull=False)
        old, new = audit.changes["answer_due"]
        assert datetime.fromisoformat(new) == worktime.add_working_days(datetime.fromisoformat(old), ext.days)
        assert ext.report.answer_due == datetime.fromisoformat(new)
    refused = AuditEvent.objects.filter(note="extension refused")
    assert refused.count() == ExtensionRequest.objects.filter(status=ExtensionStatus.REFUSED).count()
    for event in refused:
        old, new = event.changes["answer_due"]
        assert old == new  # a refusal keeps the deadline


def test_timeline_events_are_dated_between_the_last_move_and_now(seeded):
    for report in Report.objects.filter(extensions__isnull=False).distinct().prefetch_related("events"):
        events = list(report.events.all())
        requests = [e for e in events if e.kind == EventKind.EXTENSION and e.note.startswith("Đề nghị gia hạn")]
        decisions = [e for e in events if e.kind == EventKind.EXTENSION and e not in requests]
        assert len(requests) == report.extensions.count()
        assert len(decisions) == report.extensions.exclude(status=ExtensionStatus.PENDING).count()
        assert all(not e.is_public for e in requests)  # a request is internal; an approval is public
        for ext in report.extensions.all():
            assert any(e.at == ext.requested_at for e in requests)
            if ext.decided_at:
                decision = next(e for e in decisions if e.at == ext.decided_at)
                assert decision.is_public == (ext.status == ExtensionStatus.APPROVED)
        moves = [e for e in events if e.kind == EventKind.TRANSITION]
        assert max(e.at for e in moves) < min(e.at for e in requests)
        assert max(e.at for e in events) <= NOW
        assert report.updated_at == max(e.at for e in events)
        status = Status.RECEIVED
        for event in moves[1:]:
            assert (status, event.to_status) in ALLOWED_MOVES
            status = event.to_status
        assert status == report.status


def test_seeding_twice_adds_no_request(seeded):
    before = (ExtensionRequest.objects.count(), ReportEvent.objects.count(), AuditEvent.objects.count())
    again = seed_feedback(report_count=COUNT, now=NOW)
    assert again["extensions"] == 0 and seed_extensions(now=NOW) == 0
    assert (ExtensionRequest.objects.count(), ReportEvent.objects.count(), AuditEvent.objects.count()) == before


def test_seeding_extensions_on_reports_seeded_before_them(db):
    """A demo database seeded before extensions existed gets them on the next seed."""
    load_province("24")
    seed_units("24")
    seed_demo_accounts()
    seed_feedback(report_count=COUNT, now=NOW)
    demo_extensions().delete()
    assert seed_feedback(report_count=COUNT, now=NOW)["extensions"] >= 3


def test_operator_inbox_matches_the_requests_after_commit(seeded):
    operator = User.objects.get(username="dieuhanh")
    from ..notify import extension_requested

    requests = list(ExtensionRequest.objects.select_related("report").order_by("pk"))
    for ext in requests:  # what the on-commit callbacks of request_extension do
        extension_requested(ext.pk)
    settle_notifications([e.pk for e in requests])
    inbox = Notification.objects.filter(recipient=operator, topic="feedback.extension")
    assert inbox.count() == len(requests)
    assert sorted(inbox.values_list("created_at", flat=True)) == sorted(e.requested_at for e in requests)
    unread = inbox.filter(read_at__isnull=True).count()
    assert unread == sum(1 for e in requests if e.status == ExtensionStatus.PENDING)


def test_remove_demo_accounts_deletes_their_requests_and_keeps_the_timeline(seeded):
    requests = list(ExtensionRequest.objects.values_list("pk", "report_id"))
    events_before = ReportEvent.objects.filter(kind=EventKind.EXTENSION).count()
    out = StringIO()
    call_command("remove_demo_accounts", stdout=out)
    assert f"Kèm {len(requests)} đề nghị gia hạn" in out.getvalue()
    assert not User.objects.filter(is_demo=True).exists()
    assert not ExtensionRequest.objects.exists()
    assert ReportEvent.objects.filter(kind=EventKind.EXTENSION).count() == events_before
    assert not ReportEvent.objects.filter(kind=EventKind.EXTENSION, actor__isnull=False).exists()
    logged = AuditEvent.objects.filter(note="extension request of a demo account deleted with the account")
    assert sorted(int(e.object_id) for e in logged) == sorted(report_id for _pk, report_id in requests)


def test_seed_is_all_or_nothing(db, monkeypatch):
    """A failure while deciding leaves no half-seeded requests behind (the seed is one transaction)."""
    load_province("24")
    seed_units("24")
    seed_demo_accounts()
    from ..demo import extensions

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(extensions, "decide_extension", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        seed_feedback(report_count=COUNT, now=NOW)
    assert not ExtensionRequest.objects.exists() and not Report.objects.exists()
