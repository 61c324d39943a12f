"""Core API: the signed-in user, areas, units, notifications and the audit log."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from ioc.api import Page

from .access import get_access
from .models import Area, Unit

router = Router(tags=["core"])


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
    is_active: bool

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


@router.get("/areas", response=list[AreaOut], summary="Đơn vị hành chính", auth=None)
@paginate(Page)
def list_areas(request, level: str | None = None, current: bool = True, parent: str | None = None):
    qs = Area.objects.select_related("parent", "successor").filter(is_current=current)
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs.order_by("code")


@router.get("/areas/{code}", response=AreaOut, summary="Một đơn vị hành chính", auth=None)
def get_area(request, code: str):
    return get_object_or_404(Area.objects.select_related("parent", "successor"), code=code, is_current=True)


@router.get("/units", response=list[UnitOut], summary="Danh bạ đơn vị")
@paginate(Page)
def list_units(request, kind: str | None = None):
    qs = Unit.objects.active().select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("code")
