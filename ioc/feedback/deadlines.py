"""Deadline watch (run every 15 minutes): remind before a deadline, escalate when it passes, close answered
reports whose reopening window has ended."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ioc.core import worktime
from ioc.core.notifications import notify_each
from ioc.core.roles import Role

from .models import FeedbackSettings, Report, Status
from .notify import ioc_operators, staff_of
from .workflow import transition


def _due(report):
    return report.acceptance_due if report.status == Status.RECEIVED else report.answer_due


ACCEPTANCE_REMINDER_HOURS = 1  # working hours before the acceptance deadline (4 or 8 working hours after intake)


def _remind(reports, *, now, recipients, title, due_text, due_field):
    """Tell each report's recipients once that its deadline is near; mark it reminded."""
    count = 0
    for report in reports:
        due = worktime.to_local(getattr(report, due_field)).strftime("%H:%M %d/%m/%Y")
        notify_each(recipients=recipients(report), topic="feedback.due_soon",
                    render=lambda report=report, due=due: (_(title) % {"code": report.code},
                                                           _(due_text) % {"due": due}),
                    url=reverse("feedback:staff_report", args=[report.code]))
        Report.objects.filter(pk=report.pk).update(reminded_at=now)
        count += 1
    return count


def remind_acceptance_due_soon(*, now):
    """Remind the IOC operators once, a working hour before a new report's acceptance deadline."""
    horizon = worktime.add_working_hours(now, ACCEPTANCE_REMINDER_HOURS)
    reports = Report.objects.filter(status=Status.RECEIVED, merged_into__isnull=True, reminded_at__isnull=True,
                                    acceptance_due__gt=now, acceptance_due__lte=horizon)
    operators = list(ioc_operators())
    return _remind(reports, now=now, recipients=lambda report: operators, due_field="acceptance_due",
                   title=gettext_noop("Sắp đến hạn tiếp nhận phản ánh %(code)s"),
                   due_text=gettext_noop("Hạn tiếp nhận: %(due)s."))


def remind_due_soon(*, now):
    """Remind the handling unit once, a few working hours before the answer deadline."""
    hours = FeedbackSettings.current().reminder_hours_before
    horizon = worktime.add_working_hours(now, hours)
    reports = (Report.objects.open().filter(reminded_at__isnull=True, lead_unit__isnull=False,
                                            answer_due__gt=now, answer_due__lte=horizon)
               .exclude(status__in=[Status.RECEIVED, Status.VERIFIED]).select_related("lead_unit"))
    return _remind(reports, now=now, recipients=lambda report: staff_of([report.lead_unit_id]),
                   due_field="answer_due", title=gettext_noop("Sắp đến hạn trả lời phản ánh %(code)s"),
                   due_text=gettext_noop("Hạn trả lời: %(due)s."))


def escalate_overdue(*, now):
    """Tell the unit head and the IOC operators once when a report passes its deadline."""
    reports = Report.objects.overdue(now).filter(escalated_at__isnull=True).select_related("lead_unit")
    count = 0
    for report in reports:
        recipients = list(ioc_operators())
        if report.lead_unit_id and report.status not in (Status.RECEIVED, Status.VERIFIED):
            recipients += list(staff_of([report.lead_unit_id], roles=[Role.UNIT_HEAD]))
        notify_each(recipients=recipients, topic="feedback.overdue",
                    render=lambda report=report: (
                        _("Phản ánh %(code)s đã quá hạn") % {"code": report.code},
                        _("%(unit)s · hạn %(due)s") % {
                            "unit": report.lead_unit.name if report.lead_unit_id else _("Chưa chuyển xử lý"),
                            "due": worktime.to_local(_due(report)).strftime("%H:%M %d/%m/%Y")}),
                    url=reverse("feedback:staff_report", args=[report.code]))
        Report.objects.filter(pk=report.pk).update(escalated_at=now)
        count += 1
    return count


def close_answered(*, now):
    """Answered reports close by themselves once the reporter's window to reopen has passed."""
    window = timedelta(days=FeedbackSettings.current().reopen_window_days)
    count = 0
    for report in Report.objects.filter(status=Status.ANSWERED, answered_at__lt=now - window):
        transition(report, Status.CLOSED, by=None, note=_("Tự động đóng sau thời hạn yêu cầu xử lý lại."))
        count += 1
    return count
