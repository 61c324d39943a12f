"""Who is told what, at each step of a report. Called after commit; every send runs in a background job."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ioc.core.models import Membership
from ioc.core.notifications import notify_each
from ioc.core.roles import Role

from .models import HANDLING_STATUSES, Report, Status

User = get_user_model()

# Marked for translation here, rendered in each recipient's language when sent.
REPORTER_MESSAGES = {
    Status.RECEIVED: (gettext_noop("Đã tiếp nhận phản ánh %(code)s"),
                      gettext_noop("Trung tâm đã tiếp nhận phản ánh của bạn. Theo dõi kết quả bằng mã %(code)s.")),
    Status.VERIFIED: (gettext_noop("Phản ánh %(code)s đã được xác minh"),
                      gettext_noop("Phản ánh của bạn đã được xác minh và đang được chuyển xử lý.")),
    Status.REJECTED: (gettext_noop("Phản ánh %(code)s không được tiếp nhận xử lý"), gettext_noop("Lý do: %(note)s")),
    Status.ASSIGNED: (gettext_noop("Phản ánh %(code)s đã được chuyển xử lý"), gettext_noop("Đơn vị xử lý: %(unit)s.")),
    Status.IN_PROGRESS: (gettext_noop("Phản ánh %(code)s đang được xử lý"),
                         gettext_noop("%(unit)s đã bắt đầu xử lý phản ánh của bạn.")),
    Status.ANSWERED: (gettext_noop("Phản ánh %(code)s đã có trả lời"), "%(answer)s"),
    Status.REOPENED: (gettext_noop("Phản ánh %(code)s được xử lý lại"),
                      gettext_noop("Yêu cầu xử lý lại của bạn đã được ghi nhận.")),
    Status.CLOSED: (gettext_noop("Phản ánh %(code)s đã kết thúc"),
                    gettext_noop("Phản ánh của bạn đã được giải quyết xong. Cảm ơn bạn đã phản ánh.")),
}


CONTACT_SALT = "ioc.feedback.contact-link"


def tracking_path(report):
    return reverse("feedback:track", args=[report.code])


def contact_key(report):
    """The key of a report's personal link, sent in the answer message to a reporter without an account: a signature
    of this report (SECRET_KEY), so it cannot be guessed and opens nothing else."""
    return signing.Signer(salt=CONTACT_SALT).signature(f"{report.pk}:{report.code}")


def contact_path(report):
    return reverse("feedback:contact", args=[report.code, contact_key(report)])


def staff_of(unit_ids, roles=(Role.OFFICER, Role.UNIT_HEAD)):
    return User.objects.filter(is_active=True, memberships__unit_id__in=unit_ids,
                               memberships__role__in=roles).distinct()


def ioc_operators():
    return User.objects.filter(is_active=True, memberships__role=Role.OPERATOR).distinct()


def _tell_one(report, topic, render, url, personal=False):
    """Tell report's own reporter: through the notification service when they have an account, else by e-mail or
    SMS in a background job (in the default language, Vietnamese). `personal`: a contact gets their own link."""
    if report.reporter_id:
        notify_each(recipients=[report.reporter], topic=topic, render=render, url=url)
    elif report.reporter_email or report.reporter_phone:
        from .tasks import message_contact, queue

        title, body = render()
        queue(message_contact, report.pk, title, body, personal)


def _tell_reporter(report, status, note=""):
    template = REPORTER_MESSAGES.get(status)
    if template is None:
        return
    values = {"code": report.code, "note": note, "unit": report.lead_unit.name if report.lead_unit_id else "",
              "answer": report.answer}
    def render():
        return _(template[0]) % values, _(template[1]) % values

    # The answer carries a contact's personal link: rate it, or ask for it to be handled again.
    _tell_one(report, f"feedback.{status}", render, tracking_path(report), personal=status == Status.ANSWERED)
    followers = [f.user for f in report.followers.select_related("user") if f.user_id != report.reporter_id]
    if followers:
        notify_each(recipients=followers, topic=f"feedback.{status}", render=render, url=tracking_path(report))
    if status == Status.ANSWERED:
        # Reporters of merged duplicates share the answer. Those with an account follow this report (told
        # above); those who left only an e-mail or a phone number are told through their own report.
        for merged in report.merged_reports.filter(reporter__isnull=True).exclude(reporter_email="", reporter_phone=""):
            _tell_one(merged, f"feedback.{status}", render, tracking_path(report))


def report_received(report_id):
    report = Report.objects.select_related("reporter").get(pk=report_id)
    _tell_reporter(report, Status.RECEIVED)


def report_moved(report_id, old, new):
    report = Report.objects.select_related("reporter", "lead_unit").get(pk=report_id)
    last = report.events.select_related("actor_unit").order_by("-at", "-id").first()
    staff_url = reverse("feedback:staff_report", args=[report.code])
    if new == Status.VERIFIED and old in HANDLING_STATUSES:
        # A unit handed the report back: the IOC must route it again; the reporter has nothing new to hear.
        unit = last.actor_unit.name if last and last.actor_unit_id else ""
        notify_each(recipients=ioc_operators(), topic="feedback.returned", url=staff_url,
                    render=lambda: (_("%(unit)s trả lại phản ánh %(code)s") % {"unit": unit or _("Đơn vị"),
                                                                              "code": report.code},
                                    last.note if last else ""))
        return
    _tell_reporter(report, new, note=last.note if last else "")
    if new == Status.ASSIGNED and report.lead_unit_id:
        unit_ids = [report.lead_unit_id, *report.cooperating_units.values_list("pk", flat=True)]
        notify_each(recipients=staff_of(unit_ids), topic="feedback.assigned", url=staff_url,
                    render=lambda: (_("Phản ánh mới cần xử lý: %(code)s") % {"code": report.code},
                                    report.description[:300]))
    if new == Status.REOPENED:
        notify_each(recipients=[*ioc_operators(), *staff_of([report.lead_unit_id] if report.lead_unit_id else [])],
                    topic="feedback.reopened", url=staff_url,
                    render=lambda: (_("Người dân yêu cầu xử lý lại %(code)s") % {"code": report.code},
                                    last.note if last else ""))


def share_answer(duplicate_id):
    """A duplicate merged into a report that already has its answer: its reporter gets that answer now."""
    duplicate = Report.objects.select_related("reporter", "merged_into").get(pk=duplicate_id)
    main = duplicate.merged_into
    if main is None or not main.answer:
        return
    def render():
        return _(REPORTER_MESSAGES[Status.ANSWERED][0]) % {"code": main.code}, main.answer

    _tell_one(duplicate, f"feedback.{Status.ANSWERED}", render, tracking_path(main))


def extension_decided(extension_id):
    """The unit hears whether its extension was granted (and the new deadline)."""
    from ioc.core import worktime

    from .models import ExtensionRequest, ExtensionStatus

    ext = ExtensionRequest.objects.select_related("report", "requested_by").get(pk=extension_id)
    report = ext.report
    recipients = list(staff_of([report.lead_unit_id])) if report.lead_unit_id else []
    if ext.requested_by_id and ext.requested_by not in recipients:
        recipients.append(ext.requested_by)

    def render():
        if ext.status == ExtensionStatus.APPROVED:
            return (_("Đồng ý gia hạn phản ánh %(code)s") % {"code": report.code},
                    _("Hạn trả lời mới: %(due)s.") % {
                        "due": worktime.to_local(report.answer_due).strftime("%H:%M %d/%m/%Y")})
        return (_("Không đồng ý gia hạn phản ánh %(code)s") % {"code": report.code}, ext.decision_note)

    notify_each(recipients=recipients, topic="feedback.extension_decided", render=render,
                url=reverse("feedback:staff_report", args=[report.code]))


def extension_requested(extension_id):
    from .models import ExtensionRequest

    ext = ExtensionRequest.objects.select_related("report").get(pk=extension_id)
    notify_each(recipients=ioc_operators(), topic="feedback.extension",
                render=lambda: (_("Đề nghị gia hạn phản ánh %(code)s") % {"code": ext.report.code}, ext.reason),
                url=reverse("feedback:staff_report", args=[ext.report.code]))
