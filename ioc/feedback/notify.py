"""Who is told what, at each step of a report. Called after commit; every send runs in a background job."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from ioc.core.models import Membership
from ioc.core.notifications import notify
from ioc.core.roles import Role

from .models import Report, Status

User = get_user_model()

REPORTER_MESSAGES = {
    Status.RECEIVED: ("Đã tiếp nhận phản ánh %(code)s",
                      "Trung tâm đã tiếp nhận phản ánh của bạn. Theo dõi kết quả bằng mã %(code)s."),
    Status.VERIFIED: ("Phản ánh %(code)s đã được xác minh", "Phản ánh của bạn đã được xác minh và đang được chuyển xử lý."),
    Status.REJECTED: ("Phản ánh %(code)s không được tiếp nhận xử lý", "Lý do: %(note)s"),
    Status.ASSIGNED: ("Phản ánh %(code)s đã được chuyển xử lý", "Đơn vị xử lý: %(unit)s."),
    Status.ANSWERED: ("Phản ánh %(code)s đã có trả lời", "%(answer)s"),
    Status.REOPENED: ("Phản ánh %(code)s được xử lý lại", "Yêu cầu xử lý lại của bạn đã được ghi nhận."),
}


def tracking_path(report):
    return reverse("feedback:track", args=[report.code])


def staff_of(unit_ids, roles=(Role.OFFICER, Role.UNIT_HEAD)):
    return User.objects.filter(is_active=True, memberships__unit_id__in=unit_ids,
                               memberships__role__in=roles).distinct()


def ioc_operators():
    return User.objects.filter(is_active=True, memberships__role=Role.OPERATOR).distinct()


def _tell_reporter(report, status, note=""):
    template = REPORTER_MESSAGES.get(status)
    if template is None:
        return
    values = {"code": report.code, "note": note, "unit": report.lead_unit.name if report.lead_unit_id else "",
              "answer": report.answer}
    title, body = _(template[0]) % values, _(template[1]) % values
    if report.reporter_id:
        notify(recipients=[report.reporter], topic=f"feedback.{status}", title=title, body=body,
               url=tracking_path(report))
    elif report.reporter_email or report.reporter_phone:
        from .tasks import message_contact

        message_contact(report.pk, title, body)
    followers = [f.user for f in report.followers.select_related("user") if f.user_id != report.reporter_id]
    if followers:
        notify(recipients=followers, topic=f"feedback.{status}", title=title, body=body, url=tracking_path(report))
    if status == Status.ANSWERED:
        # Reporters of merged duplicates share the answer. Those with an account follow this report (told
        # above); those who left only an e-mail or a phone number are told through their own report.
        from .tasks import message_contact

        for merged in report.merged_reports.filter(reporter__isnull=True).exclude(reporter_email="", reporter_phone=""):
            message_contact(merged.pk, title, body)


def report_received(report_id):
    report = Report.objects.select_related("reporter").get(pk=report_id)
    _tell_reporter(report, Status.RECEIVED)


def report_moved(report_id, old, new):
    report = Report.objects.select_related("reporter", "lead_unit").get(pk=report_id)
    last = report.events.order_by("-at", "-id").first()
    _tell_reporter(report, new, note=last.note if last else "")
    staff_url = reverse("feedback:staff_report", args=[report.code])
    if new == Status.ASSIGNED and report.lead_unit_id:
        unit_ids = [report.lead_unit_id, *report.cooperating_units.values_list("pk", flat=True)]
        notify(recipients=staff_of(unit_ids), topic="feedback.assigned",
               title=_("Phản ánh mới cần xử lý: %(code)s") % {"code": report.code},
               body=report.description[:300], url=staff_url)
    if new == Status.REOPENED:
        notify(recipients=[*ioc_operators(), *staff_of([report.lead_unit_id] if report.lead_unit_id else [])],
               topic="feedback.reopened", title=_("Người dân yêu cầu xử lý lại %(code)s") % {"code": report.code},
               body=last.note if last else "", url=staff_url)


def extension_requested(extension_id):
    from .models import ExtensionRequest

    ext = ExtensionRequest.objects.select_related("report").get(pk=extension_id)
    notify(recipients=ioc_operators(), topic="feedback.extension",
           title=_("Đề nghị gia hạn phản ánh %(code)s") % {"code": ext.report.code},
           body=ext.reason, url=reverse("feedback:staff_report", args=[ext.report.code]))
