from django.utils.translation import gettext_lazy as _

from ioc.core.nav import NavItem, register

register(
    NavItem(_("Tổng quan chỉ tiêu"), "monitoring:overview", permission="monitoring.view", order=20, icon="chart"),
    NavItem(_("Bản đồ trạm quan trắc"), "monitoring:sensor_map", permission="monitoring.view", order=21,
            icon="map"),
    NavItem(_("Màn hình lớn"), "monitoring:wall", permission="monitoring.wall", order=22, icon="screen"),
    NavItem(_("Nhập số liệu"), "monitoring:upload", permission="monitoring.ingest", order=23, icon="upload"),
    NavItem(_("Nguồn dữ liệu"), "monitoring:sources", permission="monitoring.manage_sources", section="admin",
            order=40, icon="pulse"),
    NavItem(_("Cấu hình màn hình lớn"), "monitoring:wall_layouts", permission="monitoring.configure_wall",
            section="admin", order=41, icon="gear"),
)
