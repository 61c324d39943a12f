"""The life of a report: one table of allowed moves, and the services that make them.

Every move goes through `transition()`, which checks the move is allowed, records it on the report's
timeline and in the audit log, and tells the people concerned. Services are keyword-only and are the only
code that changes a report's status.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core import audit, worktime
from ioc.core.access import get_access
from ioc.core.models import AuditAction, Unit

from .models import (
    HANDLING_STATUSES, OPEN_STATUSES, EventKind, ExtensionRequest, ExtensionStatus, FeedbackSettings, Follow, Priority, RejectionReason,
    Report, ReportEvent, Status,
)

S = Status

# (from, to) → who may make the move: "triage" = IOC operators and administrators; "unit" = staff of the
# lead unit (and the IOC); "reporter" = the citizen who sent the report (and the IOC).
ALLOWED_MOVES = {
    (S.RECEIVED, S.VERIFIED): "triage",
    (S.RECEIVED, S.REJECTED): "triage",
    (S.VERIFIED, S.ASSIGNED): "triage",
    (S.VERIFIED, S.REJECTED): "triage",
    (S.REJECTED, S.VERIFIED): "triage",
    (S.ASSIGNED, S.IN_PROGRESS): "unit",
    (S.ASSIGNED, S.ANSWERED): "unit",
    (S.ASSIGNED, S.VERIFIED): "unit",  # returned to the IOC: not this unit's competence
    (S.IN_PROGRESS, S.ANSWERED): "unit",
    (S.IN_PROGRESS, S.VERIFIED): "unit",
    (S.ANSWERED, S.CLOSED): "triage",
    (S.ANSWERED, S.REOPENED): "reporter",
    (S.CLOSED, S.REOPENED): "reporter",
    (S.REOPENED, S.IN_PROGRESS): "unit",
    (S.REOPENED, S.ANSWERED): "unit",
    (S.REOPENED, S.ASSIGNED): "triage",
}
# Transfer to another unit (kind TRANSFER): from a unit's handling statuses to ASSIGNED, by the lead unit or the IOC.
TRANSFERS = dict.fromkeys(HANDLING_STATUSES, "unit")


class TransitionError(ValidationError):
    """A refused move, with a message for the person who tried it."""


def allowed_targets(report, user):
    """The statuses this user may move the report to now."""
    return [to for (frm, to), who in ALLOWED_MOVES.items() if frm == report.status and _may(user, who, report)]


def _may(user, who, report):
    access = get_access(user)
    if who == "triage":
        return access.has("feedback.triage")
    if who == "unit":
        return access.has("feedback.triage") or (report.lead_unit_id is not None and access.has("feedback.handle")
                                                 and report.lead_unit_id in access.unit_ids)
    if who == "reporter":
        return access.has("feedback.triage") or (report.reporter_id is not None and access.owns(report.reporter_id))
    return False


def _audit_value(value):
    """A changed field as the audit log keeps it: a related row by its key, anything else as text."""
    return None if value is None else str(value.pk if hasattr(value, "pk") else value)


def _actor_unit(user, report):
    access = get_access(user)
    if report.lead_unit_id in access.unit_ids:
        return report.lead_unit_id
    return next(iter(sorted(access.unit_ids)), None)


@transaction.atomic
def transition(report, to, *, by, note="", public=True, kind=EventKind.TRANSITION, **changes):
    """Move report to status `to`, or raise TransitionError (not allowed) / PermissionDenied (not yours). The
    one place a status changes: moves (ALLOWED_MOVES) and transfers to another unit (kind TRANSFER, TRANSFERS)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if kind == EventKind.TRANSFER:
        who = TRANSFERS.get(report.status) if to == S.ASSIGNED else None
    else:
        who = ALLOWED_MOVES.get((report.status, to))
    if who is None:
        raise TransitionError(_("Không thể chuyển phản ánh từ trạng thái “%(from)s” sang “%(to)s”.")
                              % {"from": Status(report.status).label, "to": Status(to).label})
    if by is not None and not _may(by, who, report):
        raise PermissionDenied(_("Bạn không có quyền thực hiện bước này với phản ánh %(code)s.") % {"code": report.code})
    old = report.status
    now = timezone.now()
    report.status = to
    before = {field: getattr(report, field) for field in changes}
    for field, value in changes.items():
        setattr(report, field, value)
    stamp = {S.VERIFIED: "verified_at", S.ASSIGNED: "assigned_at", S.ANSWERED: "answered_at", S.CLOSED: "closed_at"}
    if to in stamp:
        setattr(report, stamp[to], now)
    if to == S.ANSWERED:
        report.answered_on_time = report.answer_due is None or now <= report.answer_due
        report.answered_by = by
    if to == S.REOPENED:
        # Handled again: a fresh answer deadline, watched (reminded, escalated) anew.
        report.closed_at = None
        report.answer_due = deadlines_for(report.category, report.priority, now)[1]
        report.reminded_at = report.escalated_at = None
    if old == S.RECEIVED:
        # A reminder or escalation for acceptance must not silence the ones for the answer.
        report.reminded_at = report.escalated_at = None
    report.save()
    ReportEvent.objects.create(report=report, at=now, actor=by, actor_unit_id=_actor_unit(by, report) if by else None,
                               kind=kind, from_status=old, to_status=to, note=note, is_public=public)
    audit.record(AuditAction.TRANSITION, obj=report, changes={"status": [old, to], **{
        k: [_audit_value(before[k]), _audit_value(v)] for k, v in changes.items() if k != "answer"}}, note=note)
    from .notify import report_moved

    transaction.on_commit(lambda: report_moved(report.pk, old, to))
    return report


# --- The moves, as people name them ---------------------------------------------------------------


def verify(*, report, by, note=""):
    return transition(report, S.VERIFIED, by=by, note=note)


def reject(*, report, by, reason, note=""):
    if reason not in RejectionReason.values:
        raise TransitionError(_("Hãy chọn lý do từ chối."))
    label = RejectionReason(reason).label
    return transition(report, S.REJECTED, by=by, note=f"{label}. {note}".strip(), rejection_reason=reason)


def assign(*, report, unit, by, cooperating=(), note=""):
    """Send a verified report to the unit that will handle it (and the units that cooperate)."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise TransitionError(_("Hãy chọn một đơn vị đang hoạt động."))
    report = transition(report, S.ASSIGNED, by=by,
                        note=note or _("Chuyển %(unit)s xử lý.") % {"unit": unit.name}, lead_unit=unit)
    report.cooperating_units.set([u for u in cooperating if u.pk != unit.pk])
    return report


def start(*, report, by, note=""):
    return transition(report, S.IN_PROGRESS, by=by, note=note)


def answer(*, report, by, text, note=""):
    text = (text or "").strip()
    if len(text) < 10:
        raise TransitionError(_("Nội dung trả lời cần ít nhất 10 ký tự."))
    return transition(report, S.ANSWERED, by=by, note=note, answer=text)


def close(*, report, by, note=""):
    return transition(report, S.CLOSED, by=by, note=note)


def reopen(*, report, by, reason, contact=False):
    """The reporter is not satisfied with the answer, within the configured window. `contact`: a reporter without
    an account, through the personal link of the answer message (the caller has checked it; `by` is None)."""
    if contact and report.reporter_id is not None:
        raise PermissionDenied  # account holders sign in
    if not (reason or "").strip():
        raise TransitionError(_("Hãy cho biết vì sao chưa hài lòng với kết quả xử lý."))
    window = timedelta(days=FeedbackSettings.current().reopen_window_days)
    done_at = report.answered_at or report.closed_at  # the window runs from the answer, not from the closing
    if done_at and timezone.now() - done_at > window and (contact or not get_access(by).has("feedback.triage")):
        raise TransitionError(_("Đã quá thời hạn %(days)d ngày để yêu cầu xử lý lại.")
                              % {"days": window.days})
    return transition(report, S.REOPENED, by=by, note=reason.strip())


def return_to_ioc(*, report, by, reason):
    """A unit hands a report back: not within its competence."""
    if not (reason or "").strip():
        raise TransitionError(_("Hãy nêu lý do trả lại."))
    return transition(report, S.VERIFIED, by=by, note=reason.strip(), lead_unit=None)


@transaction.atomic
def transfer(*, report, to_unit, by, reason):
    """Move a report in handling to another unit, with a reason. Keeps its status and deadline."""
    if not (reason or "").strip():
        raise TransitionError(_("Hãy nêu lý do chuyển đơn vị."))
    if not isinstance(to_unit, Unit) or not to_unit.is_active:
        raise TransitionError(_("Hãy chọn một đơn vị đang hoạt động."))
    if to_unit.pk == report.lead_unit_id:
        raise TransitionError(_("Phản ánh đang do chính đơn vị này xử lý."))
    if report.status not in TRANSFERS:
        raise TransitionError(_("Chỉ chuyển đơn vị khi phản ánh đang được xử lý."))
    old_unit = report.lead_unit
    return transition(report, S.ASSIGNED, by=by, kind=EventKind.TRANSFER, lead_unit=to_unit,
                      note=_("Chuyển từ %(old)s sang %(new)s: %(reason)s") % {
                          "old": old_unit.name if old_unit else "—", "new": to_unit.name, "reason": reason.strip()})


def add_note(*, report, by, text):
    """An internal note: staff only, never public."""
    text = (text or "").strip()
    if not text:
        raise TransitionError(_("Ghi chú không được để trống."))
    event = ReportEvent.objects.create(report=report, actor=by, actor_unit_id=_actor_unit(by, report),
                                       kind=EventKind.NOTE, note=text, is_public=False)
    audit.record(AuditAction.UPDATE, obj=report, note="internal note added")
    return event


@transaction.atomic
def set_priority(*, report, by, priority, reason):
    """The IOC marks a report urgent (or normal again) with a reason: its deadlines are those of the new priority,
    counted from its receipt, and watched anew (an internal note; the public sees the new deadline)."""
    if not get_access(by).has("feedback.triage"):
        raise PermissionDenied
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status not in OPEN_STATUSES:
        raise TransitionError(_("Chỉ đổi được mức độ của phản ánh đang xử lý."))
    if priority not in Priority.values:
        raise TransitionError(_("Hãy chọn mức độ."))
    if priority == report.priority:
        raise TransitionError(_("Phản ánh đã ở mức độ này."))
    if not (reason or "").strip():
        raise TransitionError(_("Hãy nêu lý do."))
    old = report.priority
    acceptance_due, answer_due = deadlines_for(report.category, priority, report.received_at)
    report.priority, report.acceptance_due = priority, acceptance_due
    if report.status != S.REOPENED:  # a reopened report keeps the fresh deadline of its second round
        report.answer_due = answer_due
    report.reminded_at = report.escalated_at = None
    report.save(update_fields=["priority", "acceptance_due", "answer_due", "reminded_at", "escalated_at",
                               "updated_at"])
    ReportEvent.objects.create(report=report, actor=by, actor_unit_id=_actor_unit(by, report), kind=EventKind.NOTE,
                               is_public=False, note=_("Đổi mức độ: %(old)s → %(new)s. %(reason)s") % {
                                   "old": Priority(old).label, "new": Priority(priority).label,
                                   "reason": reason.strip()})
    audit.record(AuditAction.UPDATE, obj=report, changes={"priority": [old, priority]}, note=reason.strip())
    return report


# --- Deadline extensions --------------------------------------------------------------------------


def request_extension(*, report, by, days, reason):
    if not _may(by, "unit", report) or not report.is_open:
        raise PermissionDenied
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not (1 <= days <= 30):
        raise TransitionError(_("Số ngày gia hạn từ 1 đến 30 ngày làm việc."))
    if not (reason or "").strip():
        raise TransitionError(_("Hãy nêu lý do xin gia hạn."))
    if report.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise TransitionError(_("Đã có một đề nghị gia hạn đang chờ duyệt."))
    ext = ExtensionRequest.objects.create(report=report, requested_by=by, days=int(days), reason=reason.strip())
    ReportEvent.objects.create(report=report, actor=by, actor_unit_id=_actor_unit(by, report),
                               kind=EventKind.EXTENSION, note=_("Đề nghị gia hạn %(days)d ngày làm việc: %(reason)s")
                               % {"days": ext.days, "reason": ext.reason}, is_public=False)
    audit.record(AuditAction.CREATE, obj=report, note=f"extension requested: {ext.days} days")
    from .notify import extension_requested

    transaction.on_commit(lambda: extension_requested(ext.pk))
    return ext


@transaction.atomic
def decide_extension(*, extension, by, approve, note=""):
    if not get_access(by).has("feedback.triage"):
        raise PermissionDenied
    if extension.status != ExtensionStatus.PENDING:
        raise TransitionError(_("Đề nghị gia hạn này đã được xử lý."))
    report = extension.report
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = by, timezone.now(), note
    extension.save()
    old_due = report.answer_due
    if approve:
        report.answer_due = worktime.add_working_days(report.answer_due or timezone.now(), extension.days)
        report.reminded_at = report.escalated_at = None  # the new deadline is watched anew
        report.save(update_fields=["answer_due", "reminded_at", "escalated_at", "updated_at"])
    ReportEvent.objects.create(report=report, actor=by, kind=EventKind.EXTENSION, is_public=approve, note=(
        _("Gia hạn trả lời thêm %(days)d ngày làm việc.") % {"days": extension.days} if approve
        else _("Không đồng ý gia hạn: %(note)s") % {"note": note}))
    audit.record(AuditAction.UPDATE, obj=report, changes={"answer_due": [
        old_due.isoformat() if old_due else None, report.answer_due.isoformat() if report.answer_due else None]},
        note="extension approved" if approve else "extension refused")
    from .notify import extension_decided

    transaction.on_commit(lambda: extension_decided(extension.pk))
    return extension


# --- Merging duplicates, rating, following --------------------------------------------------------


@transaction.atomic
def merge(*, duplicate, into, by):
    """Merge a duplicate into the main report: it follows the main report's answer; every reporter is told."""
    if not get_access(by).has("feedback.triage"):
        raise PermissionDenied
    if duplicate.pk == into.pk or into.merged_into_id:
        raise TransitionError(_("Không thể gộp phản ánh vào chính nó hoặc vào một phản ánh đã được gộp."))
    if duplicate.merged_into_id:
        raise TransitionError(_("Phản ánh này đã được gộp vào phản ánh khác."))
    if into.status == S.REJECTED:
        raise TransitionError(_("Không thể gộp vào phản ánh %(code)s vì phản ánh đó đã bị từ chối.")
                              % {"code": into.code})
    duplicate.merged_into = into
    duplicate.save(update_fields=["merged_into", "updated_at"])
    if duplicate.status in (S.RECEIVED, S.VERIFIED):
        transition(duplicate, S.REJECTED, by=by, rejection_reason=RejectionReason.DUPLICATE,
                   note=_("Trùng với phản ánh %(code)s; kết quả xử lý sẽ được gửi theo phản ánh đó.") % {"code": into.code})
    ReportEvent.objects.create(report=into, actor=by, kind=EventKind.MERGE, is_public=True,
                               note=_("Gộp phản ánh trùng %(code)s.") % {"code": duplicate.code})
    if duplicate.reporter_id:
        Follow.objects.get_or_create(report=into, user_id=duplicate.reporter_id)
    audit.record(AuditAction.UPDATE, obj=duplicate, changes={"merged_into": [None, into.code]})
    if into.status in (S.ANSWERED, S.CLOSED):  # already answered: the duplicate's reporter gets the answer now
        from .notify import share_answer

        transaction.on_commit(lambda: share_answer(duplicate.pk))
    return duplicate


def rate(*, report, by, stars, comment="", contact=False):
    """The reporter rates the answer, 1 to 5 stars. `contact`: a reporter without an account, through the personal
    link of the answer message (the caller has checked it; `by` is None)."""
    if contact:
        if report.reporter_id is not None:
            raise PermissionDenied  # account holders sign in
    elif report.reporter_id is None or not get_access(by).owns(report.reporter_id):
        raise PermissionDenied
    if report.status not in (S.ANSWERED, S.CLOSED):
        raise TransitionError(_("Chỉ đánh giá được khi phản ánh đã có trả lời."))
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise TransitionError(_("Hãy chọn từ 1 đến 5 sao."))
    report.rating, report.rating_comment, report.rated_at = stars, (comment or "").strip()[:2000], timezone.now()
    report.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    ReportEvent.objects.create(report=report, actor=by, kind=EventKind.RATING, is_public=True,
                               note=_("Người phản ánh đánh giá %(n)d/5.") % {"n": stars})
    audit.record(AuditAction.UPDATE, obj=report, changes={"rating": [None, stars]})
    return report


def follow(*, report, user):
    Follow.objects.get_or_create(report=report, user=user)


def unfollow(*, report, user):
    Follow.objects.filter(report=report, user=user).delete()


def deadlines_for(category, priority, received_at):
    """(acceptance_due, answer_due) in working time for a report of this category and priority."""
    urgent = priority == Priority.URGENT
    hours = category.acceptance_hours_urgent if urgent else category.acceptance_hours
    days = category.answer_days_urgent if urgent else category.answer_days
    return worktime.add_working_hours(received_at, hours), worktime.add_working_days(received_at, days)
