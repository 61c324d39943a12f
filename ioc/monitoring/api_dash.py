"""Dashboard API under /api/v1/monitoring/: the overview cards, indicators, their series and commune
comparison, stations with their latest values and history, a commune's drill-down.

Anyone may call it: the public (no key, no session) sees the public indicators and public stations only, and an
internal indicator answers 404 to them as if it did not exist; staff (session) and API keys see every active
indicator. Everything is read from the rollups (`queries.py`).
"""

from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ioc.api import AUTH, Page, api_access, problem
from ioc.core.models import AreaLevel

from . import queries
from .models import Indicator, Station

router = Router(tags=["monitoring"])


class PublicOrAuthenticated:
    """Callers without credentials are the public. A wrong key is still refused (401), never downgraded."""

    def __call__(self, request):
        if request.headers.get("X-API-Key") or request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        return AnonymousUser()


OPEN = [*AUTH, PublicOrAuthenticated()]


def indicator_for(access, code) -> Indicator:
    """The indicator the caller may see, or 404 (internal indicators do not exist for the public)."""
    return get_object_or_404(Indicator.objects.for_access(access).select_related("metric", "sector__domain",
                                                                                  "owner_unit"), code=code)


def area_or_404(code):
    if not code:
        return queries.province()
    area = queries.area_by_code(code)
    if area is None:
        raise Http404
    return area


# --- Schemas --------------------------------------------------------------------------------------


class IndicatorOut(Schema):
    code: str
    name: str
    domain: str
    sector: str
    unit: str
    frequency: str
    realtime: bool
    direction: str
    target: float | None
    warning_threshold: float | None
    critical_threshold: float | None
    is_public: bool
    owner: str


class StationValue(Schema):
    metric: str
    name: str
    unit: str
    value: float | None
    time: str
    status: str
    fresh: bool


class StationOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    lat: float
    lon: float
    commune: str
    last_seen: str | None
    status: str
    status_label: str
    colour: str
    silent: bool
    values: list[StationValue]


class RangeQuery(Schema):
    area: str | None = None
    range: str | None = None
    start: date | None = None
    end: date | None = None


# --- Endpoints ------------------------------------------------------------------------------------


@router.get("/overview", response=dict[str, Any], auth=OPEN, summary="Tổng quan chỉ tiêu theo lĩnh vực")
def overview(request, area: str | None = None):
    """Cards per domain for the province, or for one commune with `?area=<mã xã>`: latest value and period,
    previous value and change, status against the thresholds, target, sparkline."""
    access = api_access(request)
    # Already plain JSON types: serialised directly, without validating every card again.
    return JsonResponse(queries.overview(access, area_or_404(area)), json_dumps_params={"ensure_ascii": False})


@router.get("/indicators", response=list[IndicatorOut], auth=OPEN, summary="Danh sách chỉ tiêu")
@paginate(Page)
def indicators(request, domain: str | None = None):
    access = api_access(request)
    qs = queries.visible_indicators(access).select_related("owner_unit")
    if domain:
        qs = qs.filter(sector__domain__code=domain)
    return [{
        "code": i.code, "name": i.label, "domain": i.sector.domain.label, "sector": i.sector.label,
        "unit": i.unit_label, "frequency": i.frequency, "realtime": i.metric_id is not None,
        "direction": i.direction, "target": i.target, "warning_threshold": i.warning_threshold,
        "critical_threshold": i.critical_threshold, "is_public": i.is_public, "owner": i.owner_unit.name,
    } for i in qs]


@router.get("/indicators/{code}/series", response=dict[str, Any], auth=OPEN, summary="Chuỗi số liệu của chỉ tiêu")
def indicator_series(request, code: str, params: Query[RangeQuery]):
    """Values of one area (the province by default) over a range: `range` = 1y, 3y, 5y, all (chỉ tiêu định
    kỳ) or 24h, 7d, 30d, 1y (thời gian thực), or `start` and `end` dates. Real-time indicators are read from
    hourly, daily or monthly rollups chosen from the length of the range."""
    access = api_access(request)
    indicator = indicator_for(access, code)
    area = area_or_404(params.area)
    try:
        start, end = queries.resolve_range(indicator, params.range, params.start, params.end)
    except ValueError as error:
        return problem(request, 400, _("Khoảng thời gian không hợp lệ"), str(error))
    data = queries.indicator_series(indicator, area, start, end)
    return {"indicator": indicator.code, "area": area.code, "start": start.isoformat(), "end": end.isoformat(),
            **data}


@router.get("/indicators/{code}/communes", response=dict[str, Any], auth=OPEN,
            summary="So sánh các xã, phường theo một kỳ")
def indicator_communes(request, code: str, period: date | None = None):
    """Every commune's value for one period (the latest with commune figures by default), with the communes'
    centroids for a map."""
    access = api_access(request)
    indicator = indicator_for(access, code)
    return {"indicator": indicator.code, **queries.commune_comparison(indicator, period)}


@router.get("/stations", response=list[StationOut], auth=OPEN, summary="Trạm quan trắc và giá trị mới nhất")
@paginate(Page)
def stations(request, area: str | None = None):
    access = api_access(request)
    return queries.stations(access, area=area_or_404(area) if area else None)


@router.get("/stations/{code}/history", response=dict[str, Any], auth=OPEN, summary="Lịch sử đo của một trạm")
def station_history(request, code: str, days: int = 7, metric: str | None = None):
    """Hourly means, minimums and maximums for up to 7 days, daily ones for longer (`days` ≤ 3660)."""
    access = api_access(request)
    station = get_object_or_404(Station.objects.for_access(access), code=code)
    if days < 1 or days > 3660:
        return problem(request, 400, _("Số ngày không hợp lệ"), _("Số ngày phải từ 1 đến 3660."))
    return {"station": station.code, "name": station.name, **queries.station_history(station, metric, days=days)}


@router.get("/areas/{code}", response=dict[str, Any], auth=OPEN, summary="Số liệu của một xã, phường")
def commune(request, code: str):
    """Drill-down to one commune: the same cards as the overview, and the stations in the commune."""
    access = api_access(request)
    area = queries.area_by_code(code)
    if area is None or area.level != AreaLevel.COMMUNE:
        raise Http404
    return {**queries.overview(access, area), "stations": queries.stations(access, area=area)}
