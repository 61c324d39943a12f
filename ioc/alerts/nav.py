from django.utils.translation import gettext_lazy as _

from ioc.core.nav import NavItem, register

register(
    NavItem(_("Sự kiện cảnh báo"), "alerts:events", permission="alerts.view", order=25, icon="bell"),
    NavItem(_("Quy tắc cảnh báo"), "alerts:rules", permission="alerts.manage_rules", section="admin", order=42,
            icon="gear"),
)
