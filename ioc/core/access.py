"""Who may do what: the one place where the permission rules of the IOC live.

Every page and API route asks `get_access(user)` and its methods; lists start from a queryset scoped
by the same rules. Modules add their named permissions to PERMISSIONS below.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from .roles import PROVINCE_WIDE_ROLES, ROLE_PRECEDENCE, STAFF_ROLES, Role

ANY_STAFF = STAFF_ROLES
EVERYONE_SIGNED_IN = STAFF_ROLES | {Role.CITIZEN}

# Named permission → roles that hold it.
PERMISSIONS: dict[str, frozenset] = {
    "core.staff_area": ANY_STAFF,
    "core.view_directory": ANY_STAFF,
    "core.view_audit": frozenset({Role.ADMIN}),
    "core.manage_reference": frozenset({Role.ADMIN}),
    "core.manage_api_keys": frozenset({Role.ADMIN}),
    "core.view_system_health": frozenset({Role.ADMIN, Role.OPERATOR}),
    "core.manage_calendar": frozenset({Role.ADMIN}),
    "core.view_province": frozenset({Role.LEADER, Role.OPERATOR, Role.ADMIN}),
    "core.inbox": EVERYONE_SIGNED_IN,
    # feedback (phản ánh, kiến nghị)
    "feedback.triage": frozenset({Role.OPERATOR, Role.ADMIN}),
    "feedback.hotline": frozenset({Role.OPERATOR, Role.ADMIN}),
    "feedback.handle": frozenset({Role.OFFICER, Role.UNIT_HEAD, Role.OPERATOR, Role.ADMIN}),
    "feedback.view_staff": ANY_STAFF,
    # who reported an anonymous report: the IOC's staff only (the form promises it; Decree 13/2023/NĐ-CP)
    "feedback.see_reporter": frozenset({Role.OPERATOR, Role.ADMIN}),
    "feedback.export": frozenset({Role.UNIT_HEAD, Role.OPERATOR, Role.LEADER, Role.ADMIN}),
    # monitoring (giám sát): staff see every indicator; officers send their own unit's data
    "monitoring.view": ANY_STAFF,
    "monitoring.ingest": frozenset({Role.OFFICER, Role.UNIT_HEAD, Role.OPERATOR, Role.ADMIN}),
    "monitoring.manage_sources": frozenset({Role.OPERATOR, Role.ADMIN}),
    "monitoring.wall": frozenset({Role.OPERATOR, Role.LEADER, Role.ADMIN}),
    "monitoring.configure_wall": frozenset({Role.OPERATOR, Role.ADMIN}),
    "monitoring.export": ANY_STAFF,
    # alerts (cảnh báo): rules by the IOC; events handled by the responsible unit and the IOC
    "alerts.view": ANY_STAFF,
    "alerts.handle": frozenset({Role.OFFICER, Role.UNIT_HEAD, Role.OPERATOR, Role.ADMIN}),
    "alerts.manage_rules": frozenset({Role.OPERATOR, Role.ADMIN}),
}


@dataclass(frozen=True)
class Access:
    """What one user may do, computed once per request from their memberships."""

    user_id: int | None
    roles: frozenset = field(default_factory=frozenset)
    unit_ids: frozenset = field(default_factory=frozenset)
    head_unit_ids: frozenset = field(default_factory=frozenset)

    @property
    def is_authenticated(self):
        return self.user_id is not None

    @property
    def is_staff_member(self):
        return bool(self.roles & STAFF_ROLES)

    @property
    def province_wide(self):
        return bool(self.roles & PROVINCE_WIDE_ROLES)

    @property
    def primary_role(self):
        for role in ROLE_PRECEDENCE:
            if role in self.roles:
                return role
        return None

    def has(self, permission: str) -> bool:
        try:
            allowed = PERMISSIONS[permission]
        except KeyError:
            raise KeyError(f"Unknown permission {permission!r}: declare it in ioc.core.access.PERMISSIONS") from None
        return bool(self.roles & allowed)

    def can_see_unit(self, unit_id) -> bool:
        """Officers and unit heads see their own units' items; province-wide roles see all."""
        return self.province_wide or unit_id in self.unit_ids

    def can_manage_unit(self, unit_id) -> bool:
        """Assigning and approving inside a unit: its heads, and the IOC operators and administrators."""
        return bool(self.roles & {Role.OPERATOR, Role.ADMIN}) or unit_id in self.head_unit_ids

    def owns(self, owner_id) -> bool:
        return self.user_id is not None and owner_id == self.user_id


ANONYMOUS = Access(user_id=None)


def get_access(user) -> Access:
    """The Access of a user, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_ioc_access", None)
    if cached is not None:
        return cached
    roles, unit_ids, head_unit_ids = {Role.CITIZEN}, set(), set()
    for unit_id, role in user.memberships.filter(unit__is_active=True).values_list("unit_id", "role"):
        roles.add(role)
        unit_ids.add(unit_id)
        if role == Role.UNIT_HEAD:
            head_unit_ids.add(unit_id)
    if user.is_superuser:
        roles.add(Role.ADMIN)
    if roles & STAFF_ROLES:
        roles.discard(Role.CITIZEN)
    access = Access(user.pk, frozenset(roles), frozenset(unit_ids), frozenset(head_unit_ids))
    user._ioc_access = access
    return access


def require(user, permission: str) -> Access:
    """Return the user's Access, or raise PermissionDenied when they lack the permission."""
    access = get_access(user)
    if not access.has(permission):
        raise PermissionDenied
    return access


def permission_required(permission: str):
    """View decorator: visitors go to the sign-in page; signed-in users without the permission get 403."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
