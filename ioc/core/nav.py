"""Navigation: each module declares its entries once, in its own nav.py; menus show only what the user may open."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import get_access


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # None: everyone signed in
    section: str = "main"
    order: int = 100
    icon: str = ""


_registry: list[NavItem] = []


def register(*items: NavItem):
    for item in items:
        if item not in _registry:
            _registry.append(item)


def menu_for(user, section="main"):
    """The entries of a section that this user may open, with their URLs."""
    if not user.is_authenticated:
        return []
    access = get_access(user)
    items = [i for i in _registry if i.section == section and (i.permission is None or access.has(i.permission))]
    return [{"label": i.label, "url": reverse(i.url_name), "icon": i.icon, "url_name": i.url_name}
            for i in sorted(items, key=lambda i: i.order)]


register(
    NavItem(_("Trang chủ"), "core:home", order=0, icon="home"),
    NavItem(_("Hộp thư thông báo"), "core:inbox", permission="core.inbox", order=90, icon="bell"),
    NavItem(_("Danh bạ đơn vị"), "core:units", permission="core.view_directory", order=80, icon="building"),
    NavItem(_("Địa bàn"), "core:areas", permission="core.view_directory", order=81, icon="map"),
    NavItem(_("Nhật ký hệ thống"), "core:audit", permission="core.view_audit", section="admin", order=10,
            icon="list"),
    NavItem(_("Lịch làm việc, ngày nghỉ"), "core:calendar", permission="core.view_directory", order=85,
            icon="calendar"),
    NavItem(_("Danh mục dùng chung"), "admin:index", permission="core.manage_reference", section="admin",
            order=90, icon="gear"),
    NavItem(_("Tình trạng hệ thống"), "core:system", permission="core.view_system_health", section="admin",
            order=30, icon="pulse"),
)
