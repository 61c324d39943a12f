"""Core API: the caller, areas, units, notifications and the audit log.

Areas are public reference data. The unit directory is for staff and API keys. Notifications are the
signed-in user's own. The audit log is for administrators; reading it is not itself audited (an export
would be, with AuditAction.EXPORT).
"""

import uuid
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ioc.api import Page, api_access, api_require, problem

from .areas import resolve_address, search_key
from .models import ApiKey, Area, AreaLevel, AuditAction, AuditEvent, Notification, Unit
from .roles import ROLE_PRECEDENCE

router = Router(tags=["core"])


# --- Schemas --------------------------------------------------------------------------------------


class MeUnit(Schema):
    code: str
    name: str
    role: str


class MeKey(Schema):
    name: str
    prefix: str


class MeOut(Schema):
    kind: str = Field(description="user: người dùng đăng nhập; api_key: ứng dụng dùng khóa API")
    username: str | None = None
    full_name: str | None = None
    roles: list[str]
    units: list[MeUnit]
    api_key: MeKey | None = None


class AreaOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    is_current: bool
    parent_code: str | None = None
    successor_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    area_km2: float | None = None

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_successor_code(obj):
        return obj.successor.code if obj.successor_id else None


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None = None
    phone: str
    email: str
    address: str
    website: str
    is_active: bool

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class NotificationOut(Schema):
    public_id: uuid.UUID
    topic: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None = None
    is_read: bool

    @staticmethod
    def resolve_is_read(obj):
        return obj.read_at is not None


class AuditEventOut(Schema):
    at: datetime
    actor: str = Field(description="Tên đăng nhập, hoặc 'API: <tên khóa>', hoặc 'system'")
    ip_address: str | None = None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    note: str

    @staticmethod
    def resolve_actor(obj):
        return obj.actor_label


# --- The caller -----------------------------------------------------------------------------------


@router.get("/me", response=MeOut, summary="Người gọi API: tài khoản, vai trò, đơn vị")
def me(request):
    access = api_access(request)
    roles = [str(role) for role in ROLE_PRECEDENCE if role in access.roles]
    if isinstance(request.auth, ApiKey):
        key = request.auth
        return {
            "kind": "api_key",
            "roles": roles,
            "units": [{"code": key.unit.code, "name": key.unit.name, "role": roles[0]}],
            "api_key": {"name": key.name, "prefix": key.key_prefix},
        }
    user = request.auth
    memberships = user.memberships.filter(unit__is_active=True).select_related("unit").order_by("unit__code")
    return {
        "kind": "user",
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "roles": roles,
        "units": [{"code": m.unit.code, "name": m.unit.name, "role": m.role} for m in memberships],
    }


# --- Areas (public) -------------------------------------------------------------------------------


@router.get("/areas", response=list[AreaOut], summary="Danh sách đơn vị hành chính", auth=None)
@paginate(Page)
def list_areas(request, level: AreaLevel | None = None, current: bool = True, parent: str | None = None,
               q: str | None = None):
    qs = Area.objects.select_related("parent", "successor").filter(is_current=current)
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    if q and q.strip():
        q = q.strip()
        # search_key is accent-free, so "bac giang" finds "Bắc Giang".
        qs = qs.filter(Q(code=q) | Q(name__icontains=q) | Q(short_name__icontains=q)
                       | Q(search_key__contains=search_key(q)))
    return qs.order_by("code")


# Declared before /areas/{code}, which would otherwise take "resolve" for a code.
@router.get("/areas/resolve", response=AreaOut, summary="Tìm xã, phường hiện hành của một địa chỉ", auth=None)
def resolve_area(request, address: str = Query(
        ..., min_length=1, max_length=500, description="Địa chỉ tự do, kiểu mới hoặc cũ, có hoặc không dấu")):
    area = resolve_address(address)
    if area is None:
        return problem(request, 404, _("Không xác định được xã, phường"),
                       _("Không tìm thấy đúng một xã, phường hiện hành khớp với địa chỉ này."))
    return Area.objects.select_related("parent", "successor").get(pk=area.pk)


@router.get("/areas/{code}", response=AreaOut, summary="Một đơn vị hành chính theo mã", auth=None)
def get_area(request, code: str):
    # A code may belong both to a current area and to a former one; the current one wins.
    area = (Area.objects.select_related("parent", "successor").filter(code=code)
            .order_by("-is_current").first())
    if area is None:
        raise Http404
    return area


# --- Units (staff and API keys) -------------------------------------------------------------------


@router.get("/units", response=list[UnitOut], summary="Danh bạ đơn vị")
@paginate(Page)
def list_units(request, kind: str | None = None, q: str | None = None):
    api_require(request, "core.view_directory")
    qs = Unit.objects.active().select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if q and q.strip():
        q = q.strip()
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(short_name__icontains=q))
    return qs.order_by("code")


@router.get("/units/{code}", response=UnitOut, summary="Một đơn vị theo mã")
def get_unit(request, code: str):
    api_require(request, "core.view_directory")
    return get_object_or_404(Unit.objects.active().select_related("parent"), code=code)


# --- Notifications (the signed-in user's own) -----------------------------------------------------


def _inbox_owner(request):
    if isinstance(request.auth, ApiKey):
        raise PermissionDenied(_("Khóa API không có hộp thư thông báo; thông báo chỉ dành cho người dùng."))
    api_require(request, "core.inbox")
    return request.auth


@router.get("/notifications", response=list[NotificationOut], summary="Thông báo của tôi")
@paginate(Page)
def list_notifications(request, unread: bool | None = None):
    qs = Notification.objects.filter(recipient=_inbox_owner(request))
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


@router.post("/notifications/{public_id}/read", response=NotificationOut, summary="Đánh dấu thông báo đã đọc")
def mark_notification_read(request, public_id: uuid.UUID):
    notification = get_object_or_404(Notification, public_id=public_id, recipient=_inbox_owner(request))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


# --- Audit log (administrators) -------------------------------------------------------------------


@router.get("/audit", response=list[AuditEventOut], summary="Nhật ký hệ thống (quản trị viên)")
@paginate(Page)
def list_audit_events(request, action: AuditAction | None = None, actor: str | None = None,
                      object_type: str | None = None, object_id: str | None = None,
                      since: datetime | None = None, until: datetime | None = None):
    api_require(request, "core.view_audit")
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(Q(actor__username=actor) | Q(actor_label=actor))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__gte=_aware(since))
    if until:
        qs = qs.filter(at__lt=_aware(until))
    return qs.order_by("-at", "-id")


def _aware(moment: datetime) -> datetime:
    # A time without an offset is read in the province's time zone, as people there write it.
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
