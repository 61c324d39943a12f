"""Demo deadline extensions (*gia hạn*): demo officers ask for more time on open reports of their units, and the
demo IOC operator approves some, refuses some and leaves the rest pending for the demo.

The requests go through the workflow's own services (`request_extension`, `decide_extension`), so an approval
moves the answer deadline exactly as in real use and every step is on the timeline and in the audit log. Only the
moments are moved back afterwards, between the report's last move and the seed's `now`, so a seed of a past year
stays consistent.

`ExtensionRequest.requested_by` is PROTECT: `remove_demo_accounts` calls `forget_requests_of()` first, which
deletes the requests of demo accounts one by one with an audit event each. The report's timeline keeps its
"Đề nghị gia hạn…" events (their actor becomes empty), so the history of the deadline stays readable.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ioc.core import audit, worktime
from ioc.core.models import AuditAction, Membership, Notification
from ioc.core.roles import Role

from ..models import EventKind, ExtensionRequest, ExtensionStatus, Report, ReportEvent, Status
from ..workflow import decide_extension, request_extension
from .words import EXTENSION_APPROVALS, EXTENSION_REASONS, EXTENSION_REFUSALS

PENDING, APPROVED, REFUSED = ExtensionStatus.PENDING, ExtensionStatus.APPROVED, ExtensionStatus.REFUSED
# The life of the requests on each chosen report, most pressing deadline first. The first one stays pending,
# so the operator has something to decide in the demo; a refused request is sometimes followed by a new one.
HISTORIES = [(PENDING,), (APPROVED,), (REFUSED,), (REFUSED, PENDING), (APPROVED,), (APPROVED, PENDING)]
MAX_REPORTS = 12
EXTENSION_TOPIC = "feedback.extension"


def demo_extensions():
    """Extension requests on demo reports."""
    from . import DEMO_KEY_PREFIX

    return ExtensionRequest.objects.filter(report__idempotency_key__startswith=DEMO_KEY_PREFIX)


def _histories(count):
    """Which requests each of `count` reports gets, so that every outcome shows even with few reports."""
    if count == 1:
        return [(REFUSED, APPROVED, PENDING)]
    if count == 2:
        return [(REFUSED, PENDING), (APPROVED,)]
    return [HISTORIES[i % len(HISTORIES)] for i in range(count)]


def seed_extensions(*, now=None, seed=2026):
    """Create the demo extension requests unless some exist; return how many were created."""
    from . import DEMO_KEY_PREFIX

    now = now or timezone.now()
    if demo_extensions().exists():
        return 0
    operator = get_user_model().objects.filter(is_demo=True, is_active=True, username="dieuhanh").first()
    officers = {}  # unit id → the demo officer who writes the unit's requests
    for membership in (Membership.objects.filter(user__is_demo=True, user__is_active=True, role=Role.OFFICER)
                       .select_related("user").order_by("user__username")):
        officers.setdefault(membership.unit_id, membership.user)
    if operator is None or not officers:
        return 0
    reports = list(Report.objects.filter(
        idempotency_key__startswith=DEMO_KEY_PREFIX, lead_unit_id__in=officers, received_at__lte=now,
        status__in=(Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)).order_by("answer_due", "pk"))
    if not reports:
        return 0
    chosen = reports[:min(len(reports), max(3, len(reports) // 3), MAX_REPORTS)]
    rng = random.Random(seed)
    created = []
    for report, history in zip(chosen, _histories(len(chosen))):
        created += _play(report, history, officer=officers[report.lead_unit_id], operator=operator, now=now, rng=rng)
    ids = [ext.pk for ext in created]
    transaction.on_commit(lambda: settle_notifications(ids))
    return len(created)


def _moments(history, *, last_move, now, rng):
    """When each request and decision of history happens, in working time: a unit asks a few working hours
    after its last move, the IOC decides within the day, a refused unit asks again a day or two later. A request
    left pending is recent (the demo operator has it in the queue). Every moment lies in (last_move, now)."""
    latest = now - timedelta(minutes=2)
    moments, t = [], last_move
    for index, outcome in enumerate(history):
        t = worktime.add_working_hours(t, rng.uniform(1, 8) if index == 0 else rng.uniform(6, 16))
        if outcome == PENDING:  # within the last few working days
            start = latest - timedelta(days=4)
            hours = worktime.working_time_between(start, latest).total_seconds() / 3600
            t = max(t, worktime.add_working_hours(start, hours * rng.uniform(0.4, 0.95)))
        moments.append(t)
        if outcome != PENDING:
            t = worktime.add_working_hours(t, rng.uniform(0.5, 6))
            moments.append(t)
    if moments and moments[-1] <= latest:
        return moments
    # Not enough working time before now (a report assigned this morning): spread them evenly instead.
    room = latest - last_move
    if room <= timedelta(0):
        return None
    return [last_move + room * (i + 1) / (len(moments) + 1) for i in range(len(moments))]


def _play(report, history, *, officer, operator, now, rng):
    """Request (and decide) each extension of `history` on report through the workflow, at plausible moments."""
    last_move = report.events.order_by("-at").values_list("at", flat=True).first() or report.received_at
    moments = _moments(history, last_move=last_move, now=now, rng=rng)
    if moments is None:
        return []
    moments = iter(moments)
    made = []
    for outcome in history:
        days, reason = rng.choice(EXTENSION_REASONS)
        with audit.acting_as(officer):
            extension = _at(next(moments), report, lambda: request_extension(
                report=report, by=officer, days=days, reason=reason))
        extension.requested_at = extension.at  # decide_extension saves the whole row
        ExtensionRequest.objects.filter(pk=extension.pk).update(requested_at=extension.at)
        if outcome != PENDING:
            approve = outcome == APPROVED
            note = rng.choice(EXTENSION_APPROVALS if approve else EXTENSION_REFUSALS)
            with audit.acting_as(operator):
                decided_at = _at(next(moments), report, lambda: decide_extension(
                    extension=extension, by=operator, approve=approve, note=note)).at
            ExtensionRequest.objects.filter(pk=extension.pk).update(decided_at=decided_at)
        made.append(extension)
    # The timeline's last event is the report's last change (decide_extension stamps it with the real time).
    Report.objects.filter(pk=report.pk).update(updated_at=report.events.order_by("-at").values_list(
        "at", flat=True).first())
    return made


def _at(moment, report, action):
    """Run action, then date the timeline events it wrote to `moment`; return its result with `.at` set."""
    last_id = report.events.order_by("-id").values_list("id", flat=True).first() or 0
    result = action()
    ReportEvent.objects.filter(report=report, pk__gt=last_id, kind=EventKind.EXTENSION).update(at=moment)
    result.at = moment
    return result


def settle_notifications(extension_ids):
    """After the seed's commit: the operators' inbox messages about the demo requests carry the requests' dates,
    and those already decided are marked read, as if the operator had opened them when deciding."""
    for extension in ExtensionRequest.objects.filter(pk__in=extension_ids).select_related("report").order_by("pk"):
        url = reverse("feedback:staff_report", args=[extension.report.code])
        # One message per operator and request; a report's messages are matched to its requests in order.
        unsettled = Notification.objects.filter(topic=EXTENSION_TOPIC, url=url, created_at__gt=extension.requested_at)
        recipients = set(unsettled.values_list("recipient_id", flat=True))
        for recipient_id in recipients:
            first = unsettled.filter(recipient_id=recipient_id).order_by("id").first()
            first.created_at = extension.requested_at
            first.read_at = extension.decided_at if extension.status != PENDING else None
            first.save(update_fields=["created_at", "read_at"])


def forget_requests_of(users):
    """Delete the extension requests made by these (demo) accounts, which PROTECT would keep from being deleted;
    one audit event each. The reports' timelines keep the requests' events. Return how many were deleted."""
    requests = ExtensionRequest.objects.filter(requested_by__in=users).select_related("report", "requested_by")
    count = 0
    for extension in requests.order_by("pk"):
        audit.record(AuditAction.DELETE, obj=extension.report, changes={
            "extension_request": [extension.pk, None], "requested_by": [extension.requested_by.get_username(), None],
            "days": [extension.days, None], "status": [extension.status, None]},
            note="extension request of a demo account deleted with the account")
        extension.delete()
        count += 1
    return count
