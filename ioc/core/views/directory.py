"""Directory of units and areas for staff."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from ..access import permission_required
from ..models import Area, AreaLevel, Unit, UnitKind


@permission_required("core.view_directory")
def units(request):
    qs = Unit.objects.select_related("parent").annotate(staff_count=Count("memberships__user", distinct=True))
    kind, query = request.GET.get("kind", ""), request.GET.get("q", "").strip()
    if kind in UnitKind.values:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(short_name__icontains=query))
    page = Paginator(qs.order_by("kind", "name"), 50).get_page(request.GET.get("page"))
    return render(request, "core/units.html", {"page": page, "kinds": UnitKind.choices, "kind": kind, "q": query,
                                               "query_string": urlencode({"q": query, "kind": kind})})


@permission_required("core.view_directory")
def unit_detail(request, code):
    unit = get_object_or_404(Unit.objects.select_related("parent"), code=code)
    return render(request, "core/unit_detail.html", {
        "unit": unit,
        "areas": unit.areas.order_by("name"),
        "children": unit.children.order_by("name"),
        "members": unit.memberships.select_related("user").order_by("role", "user__full_name"),
    })


@permission_required("core.view_directory")
def areas(request):
    show_former = request.GET.get("former") == "1"
    query = request.GET.get("q", "").strip()
    qs = Area.objects.select_related("parent", "successor").filter(is_current=not show_former)
    qs = qs.exclude(level=AreaLevel.PROVINCE)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(qs.order_by("parent__name", "name"), 100).get_page(request.GET.get("page"))
    province = Area.objects.filter(level=AreaLevel.PROVINCE, is_current=True).first()
    return render(request, "core/areas.html", {
        "page": page, "province": province, "show_former": show_former, "q": query,
        "query_string": urlencode({"q": query, "former": "1" if show_former else ""}),
        "current_count": Area.objects.communes().count(),
        "former_count": Area.objects.historical().filter(level=AreaLevel.COMMUNE).count(),
    })


@permission_required("core.view_directory")
def area_detail(request, code):
    area = get_object_or_404(Area.objects.select_related("parent", "successor"), code=code,
                             is_current=request.GET.get("former") != "1")
    return render(request, "core/area_detail.html", {
        "area": area,
        "predecessors": area.predecessors.select_related("parent").order_by("parent__name", "name"),
        "units": area.units.order_by("name"),
    })
