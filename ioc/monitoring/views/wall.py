"""The IOC's video wall: full-screen dark pages that rotate through panels operators chose (WallLayout,
WallPanel), and the configuration pages for those layouts.

The wall page loads once; its script polls a light JSON endpoint every 2–3 seconds with If-None-Match, so new
figures show within seconds of arriving, without reloading. A 1080p layout shows one panel at a time; a 2160p
layout shows four (2 × 2), each drawn at the size of a 1080p panel so type stays legible from five metres.
"""

import hashlib
import json

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ioc.core.access import get_access, permission_required

from .. import queries
from ..models import Domain, Indicator, PanelKind, WallLayout, WallPanel, WallResolution
from .dashboards import map_base

POLL_SECONDS = 2.5
MAX_DOMAIN_CARDS = 8
MAX_COMMUNE_BARS = 15


# --- Which panels -----------------------------------------------------------------------------------


def default_panels():
    """Without a configured layout: each domain, the sensor map, events and citizen feedback, 20 s each."""
    panels = [{"id": f"domain-{d.code}", "kind": PanelKind.DOMAIN, "title": d.label, "seconds": 20, "domain": d.code,
               "indicator": None} for d in Domain.objects.filter(sectors__indicators__is_active=True).distinct()]
    for kind in (PanelKind.SENSORS, PanelKind.EVENTS, PanelKind.FEEDBACK):
        panels.append({"id": kind, "kind": kind, "title": str(PanelKind(kind).label), "seconds": 20, "domain": None,
                       "indicator": None})
    return panels


def layout_panels(layout):
    if layout is None:
        return default_panels()
    return [{"id": p.pk, "kind": p.kind, "title": p.title or _panel_title(p), "seconds": p.seconds,
             "domain": p.domain.code if p.domain_id else None,
             "indicator": p.indicator.code if p.indicator_id else None}
            for p in layout.panels.select_related("domain", "indicator")]


def _panel_title(panel):
    if panel.kind == PanelKind.DOMAIN and panel.domain_id:
        return panel.domain.label
    if panel.kind == PanelKind.INDICATOR and panel.indicator_id:
        return panel.indicator.label
    return str(panel.get_kind_display())


def chosen_layout(request):
    layout_id = request.GET.get("layout", "")
    qs = WallLayout.objects.all()
    if layout_id.isdigit():
        return qs.filter(pk=int(layout_id)).first()
    return qs.filter(is_default=True).first() or qs.first()


# --- Panel data -------------------------------------------------------------------------------------


def panel_data(panel, access, cache):
    """What one panel shows. `cache` shares the overview and stations between panels of one poll."""
    kind = panel["kind"]
    if kind == PanelKind.DOMAIN:
        if "overview" not in cache:
            cache["overview"] = queries.overview(access)
        for domain in cache["overview"]["domains"]:
            if domain["code"] == panel["domain"]:
                cards = domain["cards"][:MAX_DOMAIN_CARDS]
                return {"cards": [_wall_card(c) for c in cards], "more": len(domain["cards"]) - len(cards)}
        return {"cards": [], "more": 0}
    if kind == PanelKind.INDICATOR:
        indicator = Indicator.objects.for_access(access).select_related("metric").filter(
            code=panel["indicator"]).first()
        if indicator is None:
            return {"missing": True}
        comparison = queries.commune_comparison(indicator)
        rows = [r for r in comparison["rows"] if r["value"] is not None]
        if "overview" not in cache:
            cache["overview"] = queries.overview(access)
        card = next((c for d in cache["overview"]["domains"] for c in d["cards"] if c["code"] == indicator.code), None)
        return {"card": _wall_card(card) if card else None, "period_label": comparison["period_phrase"],
                "unit": indicator.unit_label,
                "bars": [[r["name"], r["value"], r["colour"]] for r in rows[:MAX_COMMUNE_BARS]],
                "points": [[r["lat"], r["lon"], r["name"], r["value"], r["colour"]] for r in comparison["rows"]
                           if r["lat"] is not None]}
    if kind == PanelKind.SENSORS:
        if "stations" not in cache:
            cache["stations"] = queries.stations(access)
        rows = cache["stations"]
        alarming = sorted((s for s in rows if not s["silent"] and s["status"] in ("warning", "critical")),
                          key=lambda s: (s["status"] != "critical", s["name"]))
        return {
            "stations": [[s["lat"], s["lon"], s["name"], s["colour"], s["code"]] for s in rows],
            "alarming": [{"name": s["name"], "status": s["status"], "status_label": s["status_label"],
                          "values": [f"{v['name']}: {queries.fmt(v['value'], 1)} {v['unit']}" for v in s["values"]
                                     if v["status"] in ("warning", "critical")]} for s in alarming[:4]],
            "alarming_more": max(0, len(alarming) - 4),
            "counts": {"total": len(rows), "silent": sum(1 for s in rows if s["silent"]),
                       "warning": sum(1 for s in rows if not s["silent"] and s["status"] == "warning"),
                       "critical": sum(1 for s in rows if not s["silent"] and s["status"] == "critical")},
        }
    if kind == PanelKind.EVENTS:
        events = queries.open_events(access, 8)
        return {"connected": events is not None, "events": events or []}
    if kind == PanelKind.FEEDBACK:
        return queries.feedback_today()
    return {}


def _wall_card(card):
    keys = ("code", "name", "unit", "value_text", "period_label", "status", "status_label", "colour", "trend",
            "change_text", "change_pct_text", "change_good", "previous_label", "target_text", "target_met", "spark",
            "realtime")
    return {k: card[k] for k in keys}


def wall_payload(request, layout):
    access = get_access(request.user)
    panels = layout_panels(layout)
    shared = {}
    for panel in panels:
        panel["data"] = panel_data(panel, access, shared)
    return {
        "layout": layout.pk if layout else None,
        "resolution": layout.resolution if layout else WallResolution.FULL_HD,
        "layout_version": layout.updated_at.isoformat() if layout else "",
        "panels": panels,
    }


# --- Pages --------------------------------------------------------------------------------------------


@permission_required("monitoring.wall")
@require_GET
def wall(request):
    layout = chosen_layout(request)
    data_url = reverse("monitoring:wall_data") + (f"?layout={layout.pk}" if layout else "")
    return render(request, "monitoring/wall/display.html", {
        "layout": layout,
        "config": {
            "dataUrl": data_url, "pollMs": int(POLL_SECONDS * 1000),
            "resolution": layout.resolution if layout else WallResolution.FULL_HD,
            "map": map_base(),
            "labels": {
                "noData": _("Chưa có số liệu"), "notConnected": _("Phân hệ cảnh báo chưa cung cấp dữ liệu sự kiện."),
                "noEvents": _("Không có sự kiện cảnh báo nào đang mở."), "comparedWith": _("so với"),
                "target": _("Mục tiêu"), "stations": _("trạm"), "silent": _("mất tín hiệu"),
                "warning": _("cảnh báo"), "critical": _("nghiêm trọng"), "allNormal": _("Tất cả các trạm bình thường."),
                "receivedToday": _("phản ánh tiếp nhận hôm nay"), "open": _("đang xử lý"), "overdue": _("quá hạn"),
                "period": _("Kỳ"), "more": _("chỉ tiêu khác trên trang tổng quan"), "offline": _("Mất kết nối máy chủ"),
                "missing": _("Chỉ tiêu không còn được theo dõi."), "updated": _("Cập nhật"),
                "communes": _("So sánh các xã, phường"), "hour": _("Lúc"),
                "moreStations": _("trạm khác đang cảnh báo"),
                "held": _("Đang giữ màn hình này (phím cách để tiếp tục chuyển)"),
                "weekdays": [_("Chủ nhật"), _("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"),
                             _("Thứ Bảy")],
            },
        },
    })


@permission_required("monitoring.wall")
@require_GET
def wall_data(request):
    """The wall's figures. The ETag is a hash of the body: an unchanged wall costs a 304 and no rendering."""
    layout = chosen_layout(request)
    body = json.dumps(wall_payload(request, layout), cls=DjangoJSONEncoder, ensure_ascii=False,
                      separators=(",", ":"))
    etag = '"' + hashlib.blake2b(body.encode(), digest_size=12).hexdigest() + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache, private"
    return response


# --- Configuration ----------------------------------------------------------------------------------


class LayoutForm(forms.ModelForm):
    class Meta:
        model = WallLayout
        fields = ["name", "resolution", "is_default"]


class PanelForm(forms.ModelForm):
    class Meta:
        model = WallPanel
        fields = ["kind", "title", "domain", "indicator", "seconds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.active().order_by("name")
        self.fields["seconds"].min_value = 5
        self.fields["seconds"].widget.attrs.update({"min": 5, "max": 600})

    def clean_seconds(self):
        seconds = self.cleaned_data["seconds"]
        if not 5 <= seconds <= 600:
            raise forms.ValidationError(_("Thời gian hiển thị phải từ 5 đến 600 giây."))
        return seconds

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == PanelKind.DOMAIN and not data.get("domain"):
            self.add_error("domain", _("Hãy chọn lĩnh vực cho màn hình này."))
        if kind == PanelKind.INDICATOR and not data.get("indicator"):
            self.add_error("indicator", _("Hãy chọn chỉ tiêu cho màn hình này."))
        if kind != PanelKind.DOMAIN:
            data["domain"] = None
        if kind != PanelKind.INDICATOR:
            data["indicator"] = None
        return data


def _save_layout(form):
    with transaction.atomic():
        layout = form.save()
        if layout.is_default:
            for other in WallLayout.objects.filter(is_default=True).exclude(pk=layout.pk):
                other.is_default = False
                other.save(update_fields=["is_default", "updated_at"])
    return layout


@permission_required("monitoring.configure_wall")
@require_http_methods(["GET", "POST"])
def wall_layouts(request):
    form = LayoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        layout = _save_layout(form)
        messages.success(request, _("Đã tạo bố cục “%(name)s”. Hãy thêm các màn hình.") % {"name": layout.name})
        return redirect("monitoring:wall_layout", pk=layout.pk)
    return render(request, "monitoring/wall/layouts.html", {
        "layouts": WallLayout.objects.all().prefetch_related("panels"), "form": form,
    }, status=400 if form.errors else 200)


def _touch(layout):
    # The wall reloads its panels when the layout's version changes.
    layout.save(update_fields=["updated_at"])


@permission_required("monitoring.configure_wall")
@require_http_methods(["GET", "POST"])
def wall_layout(request, pk):
    layout = get_object_or_404(WallLayout, pk=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    layout_form = LayoutForm(request.POST if action == "layout" else None, instance=layout, prefix="layout")
    panel_form = PanelForm(request.POST if action == "add" else None, prefix="panel")
    if action == "layout" and layout_form.is_valid():
        _save_layout(layout_form)
        messages.success(request, _("Đã lưu bố cục."))
        return redirect("monitoring:wall_layout", pk=layout.pk)
    if action == "add" and panel_form.is_valid():
        panel = panel_form.save(commit=False)
        panel.layout = layout
        panel.order = (layout.panels.aggregate(m=Max("order"))["m"] or 0) + 1
        panel.save()
        _touch(layout)
        messages.success(request, _("Đã thêm màn hình “%(title)s”.") % {"title": _panel_title(panel)})
        return redirect("monitoring:wall_layout", pk=layout.pk)
    if action in ("up", "down", "remove", "seconds"):
        panel = get_object_or_404(WallPanel, pk=request.POST.get("panel") or 0, layout=layout)
        if action == "remove":
            panel.delete()
            messages.success(request, _("Đã bỏ màn hình khỏi bố cục."))
        elif action == "seconds":
            try:
                seconds = int(request.POST.get("seconds", ""))
            except ValueError:
                seconds = 0
            if not 5 <= seconds <= 600:
                messages.error(request, _("Thời gian hiển thị phải từ 5 đến 600 giây."))
                return redirect("monitoring:wall_layout", pk=layout.pk)
            panel.seconds = seconds
            panel.save(update_fields=["seconds"])
            messages.success(request, _("Đã đổi thời gian hiển thị."))
        else:
            _move(layout, panel, -1 if action == "up" else 1)
        _touch(layout)
        return redirect("monitoring:wall_layout", pk=layout.pk)
    if action == "delete":
        name = layout.name
        layout.delete()
        messages.success(request, _("Đã xóa bố cục “%(name)s”.") % {"name": name})
        return redirect("monitoring:wall_layouts")
    invalid = bool(layout_form.errors or panel_form.errors) or (request.method == "POST")
    return render(request, "monitoring/wall/layout.html", {
        "layout": layout, "panels": layout.panels.select_related("domain", "indicator"),
        "layout_form": layout_form, "panel_form": panel_form,
    }, status=400 if invalid else 200)


def _move(layout, panel, step):
    panels = list(layout.panels.all())
    index = next(i for i, p in enumerate(panels) if p.pk == panel.pk)
    other = index + step
    if not 0 <= other < len(panels):
        return
    panels[index], panels[other] = panels[other], panels[index]
    with transaction.atomic():
        for order, p in enumerate(panels, start=1):
            if p.order != order:
                p.order = order
                p.save(update_fields=["order"])


urlpatterns = [
    path("giam-sat/man-hinh-lon/", wall, name="wall"),
    path("giam-sat/man-hinh-lon/du-lieu/", wall_data, name="wall_data"),
    path("giam-sat/man-hinh-lon/cau-hinh/", wall_layouts, name="wall_layouts"),
    path("giam-sat/man-hinh-lon/cau-hinh/<int:pk>/", wall_layout, name="wall_layout"),
]
