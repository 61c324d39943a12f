"""The roles of the IOC. A user's roles come from their memberships; no membership means citizen."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Người dân, doanh nghiệp")
    OFFICER = "officer", _("Cán bộ, chuyên viên")
    UNIT_HEAD = "unit_head", _("Lãnh đạo đơn vị")
    OPERATOR = "operator", _("Điều hành viên IOC")
    LEADER = "leader", _("Lãnh đạo tỉnh")
    ADMIN = "admin", _("Quản trị hệ thống")

    @classmethod
    def staff_choices(cls):
        return [(value, label) for value, label in cls.choices if value != cls.CITIZEN]


STAFF_ROLES = frozenset({Role.OFFICER, Role.UNIT_HEAD, Role.OPERATOR, Role.LEADER, Role.ADMIN})
# Roles that see and act across the whole province rather than within their own unit.
PROVINCE_WIDE_ROLES = frozenset({Role.OPERATOR, Role.LEADER, Role.ADMIN})
# When a user holds several roles, the home page follows the first of these they hold.
ROLE_PRECEDENCE = [Role.ADMIN, Role.LEADER, Role.OPERATOR, Role.UNIT_HEAD, Role.OFFICER, Role.CITIZEN]
