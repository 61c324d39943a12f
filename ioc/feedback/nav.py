from django.utils.translation import gettext_lazy as _

from ioc.core.nav import NavItem, register

register(
    NavItem(_("Tiếp nhận, phân loại"), "feedback:triage", permission="feedback.triage", order=10),
    NavItem(_("Ghi nhận cuộc gọi 1022"), "feedback:hotline", permission="feedback.hotline", order=11),
    NavItem(_("Phản ánh cần xử lý"), "feedback:inbox", permission="feedback.view_staff", order=12),
    NavItem(_("Thống kê phản ánh"), "feedback:staff_stats", permission="feedback.view_staff", order=13),
)
