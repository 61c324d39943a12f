"""Dashboards: the leaders' overview (province, or one commune), an indicator's page (series, commune comparison
with a bar chart and a map, table, CSV and Excel download), the sensor map, and the public figures page.

Staff (monitoring.view) see every active indicator; the public pages show public indicators only, and an internal
indicator is a 404 there. Figures come from `queries.py` (rollups and latest values, never raw readings).
"""

import csv
import io
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ioc.core import audit
from ioc.core.access import ANONYMOUS, get_access, permission_required
from ioc.core.models import Area, AreaLevel, AuditAction

from .. import queries
from ..models import Indicator, Quality, Station, StationKind, Status

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Shared pieces --------------------------------------------------------------------------------


def map_base():
    """What every map draws without a tile server: the approximate province outline and the communes."""
    return {
        "tileUrl": settings.MAP_TILE_URL or "",
        "outline": queries.province_outline(),
        "communes": [[c["lat"], c["lon"], c["name"], c["code"]] for c in queries.communes()
                     if c["lat"] is not None and c["lon"] is not None],
    }


def status_legend():
    return [{"status": value, "label": str(label), "colour": queries.STATUS_COLOURS[value]}
            for value, label in Status.choices]


def _without_empty_cards(data):
    """A commune's overview without the indicators that have no figure at all for the commune (most are followed
    for the whole province only): (data, names of the indicators left out). The cached overview is not changed."""
    domains, left_out, counts = [], [], {}
    for domain in data["domains"]:
        cards = []
        for card in domain["cards"]:
            if card["value"] is None and not any(v is not None for v in card["spark"]):
                left_out.append(card["name"])
                continue
            cards.append(card)
            counts[card["status"]] = counts.get(card["status"], 0) + 1
        if cards:
            domains.append({**domain, "cards": cards})
    return {**data, "domains": domains, "counts": counts}, left_out


def _overview_context(access, area, *, public):
    data = queries.overview(access, area)
    left_out = []
    if area is not None and area.level == AreaLevel.COMMUNE:
        data, left_out = _without_empty_cards(data)
    return {
        "left_out": left_out,
        "data": data,
        "area": area,
        "communes": queries.communes(),
        "public": public,
        "legend": status_legend(),
        "counts": [{"status": s["status"], "label": s["label"], "colour": s["colour"],
                    "count": data["counts"].get(s["status"], 0)} for s in status_legend()],
    }


# --- Overview and commune -------------------------------------------------------------------------


@permission_required("monitoring.view")
@require_GET
def overview(request):
    """The leaders' overview of the province; `?area=<mã xã>` opens a commune's page (the area selector)."""
    code = request.GET.get("area", "")
    if code:
        area = queries.area_by_code(code)
        if area is not None and area.level == AreaLevel.COMMUNE:
            return redirect("monitoring:commune", code=area.code)
    access = get_access(request.user)
    area = queries.province()
    context = _overview_context(access, area, public=False)
    context["events"] = queries.open_events(access, 6)
    context["events_connected"] = context["events"] is not None
    context["feedback"] = queries.feedback_today()
    context["stations"] = _station_summary(queries.stations(access))
    context["can_wall"] = access.has("monitoring.wall")
    context["can_events"] = access.has("alerts.view")
    return render(request, "monitoring/overview.html", context)


def _table_rows(rows):
    """Stations for a table: the main reading (the one that sets the station's status, else the first metric)
    and the others, shown on demand, so a row stays one or two lines high."""
    out = []
    for row in rows:
        values = row["values"]
        main = None
        if values:
            fresh = [v for v in values if v["fresh"]]
            worst = max(fresh, key=lambda v: queries.STATUS_ORDER[v["status"]], default=None)
            main = worst if worst is not None and worst["status"] == row["status"] else values[0]
        out.append({**row, "main": main, "others": [v for v in values if v is not main]})
    return out


def _station_summary(rows):
    summary = {"total": len(rows), "silent": sum(1 for r in rows if r["silent"]),
               "warning": sum(1 for r in rows if not r["silent"] and r["status"] == Status.WARNING),
               "critical": sum(1 for r in rows if not r["silent"] and r["status"] == Status.CRITICAL)}
    summary["ok"] = summary["total"] - summary["silent"] - summary["warning"] - summary["critical"]
    return summary


@permission_required("monitoring.view")
@require_GET
def commune(request, code):
    """One commune: the same cards as the province, and the stations in the commune."""
    area = queries.area_by_code(code)
    if area is None or area.level != AreaLevel.COMMUNE:
        raise Http404
    access = get_access(request.user)
    context = _overview_context(access, area, public=False)
    station_rows = queries.stations(access, area=area)
    context.update({"station_rows": _table_rows(station_rows), "stations": _station_summary(station_rows),
                    "map_config": {**map_base(), "focus": [area.latitude, area.longitude],
                                   "stations": station_rows}})
    return render(request, "monitoring/commune.html", context)


# --- Indicator page -------------------------------------------------------------------------------

RANGE_LABELS = {
    "1y": gettext_lazy("1 năm"), "3y": gettext_lazy("3 năm"), "5y": gettext_lazy("5 năm"),
    "all": gettext_lazy("Toàn bộ"), "24h": gettext_lazy("24 giờ"), "7d": gettext_lazy("7 ngày"),
    "30d": gettext_lazy("30 ngày"),
}


class RangeForm(forms.Form):
    """Which area, which range (named or custom) and which period of the commune comparison."""

    area = forms.CharField(label=gettext_lazy("Địa bàn"), required=False, max_length=12)
    range = forms.CharField(label=gettext_lazy("Khoảng thời gian"), required=False, max_length=5)
    start = forms.DateField(label=gettext_lazy("Từ ngày"), required=False,
                            error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (định dạng năm-tháng-ngày).")})
    end = forms.DateField(label=gettext_lazy("Đến ngày"), required=False,
                          error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (định dạng năm-tháng-ngày).")})
    period = forms.DateField(label=gettext_lazy("Kỳ so sánh"), required=False,
                             error_messages={"invalid": gettext_lazy("Kỳ so sánh không hợp lệ.")})

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_area(self):
        code = self.cleaned_data.get("area")
        if not code:
            return queries.province()
        area = queries.area_by_code(code)
        if area is None:
            raise forms.ValidationError(_("Không có xã, phường mã %(code)s.") % {"code": code})
        return area

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["start"], data["end"] = queries.resolve_range(self.indicator, data.get("range"), data.get("start"),
                                                               data.get("end"))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return data


def _indicator_view_data(request, indicator, *, public):
    """The page's figures, or (None, form) when the filters are wrong."""
    form = RangeForm(request.GET, indicator=indicator)
    if not form.is_valid():
        return None, form
    data = form.cleaned_data
    area = data["area"] or queries.province()
    series = queries.indicator_series(indicator, area, data["start"], data["end"]) if area else {"points": []}
    comparison = queries.commune_comparison(indicator, data.get("period"))
    return {"area": area, "series": series, "comparison": comparison, "start": data["start"], "end": data["end"],
            "range": data.get("range") or ("" if request.GET.get("start") else queries.default_range(indicator))}, form


def _indicator_page(request, indicator, *, public):
    figures, form = _indicator_view_data(request, indicator, public=public)
    ranges = queries.REALTIME_RANGES if indicator.metric_id else queries.OBSERVED_RANGES
    periods = queries.comparison_periods(indicator)
    context = {
        "indicator": indicator, "form": form, "figures": figures, "public": public,
        "ranges": [(name, RANGE_LABELS[name]) for name in ranges],
        "communes": queries.communes(),
        "periods": periods,
        "has_commune_figures": bool(periods),
        "legend": status_legend(),
        "can_export": not public and get_access(request.user).has("monitoring.export"),
        "query_string": request.GET.urlencode(),
    }
    if figures:
        points = figures["series"]["points"]
        context["chart"] = {
            "unit": indicator.unit_label, "decimals": indicator.decimals, "name": indicator.label,
            "labels": [p["label"] for p in points], "values": [p["value"] for p in points],
            "target": indicator.target, "warning": indicator.warning_threshold,
            "critical": indicator.critical_threshold,
            "communes": [{"name": r["name"], "value": r["value"], "colour": r["colour"]}
                         for r in figures["comparison"]["rows"] if r["value"] is not None],
            "labelsText": {"value": _("Giá trị"), "target": _("Mục tiêu"), "warning": _("Ngưỡng cảnh báo"),
                           "critical": _("Ngưỡng nghiêm trọng"), "noData": _("Chưa có số liệu")},
        }
        context["map_config"] = {**map_base(), "points": [
            [r["lat"], r["lon"], r["name"], r["value"], r["colour"], queries.fmt(r["value"], indicator.decimals)]
            for r in figures["comparison"]["rows"] if r["lat"] is not None]}
        context["series_rows"] = [{**p, "text": queries.fmt(p["value"], indicator.decimals),
                                   "status_label": Status(p["status"]).label,
                                   # what a reader must know about a figure: not final, or corrected
                                   "notes": [str(label) for label in (
                                       Quality(p["quality"]).label if p.get("quality") not in (None, Quality.OFFICIAL)
                                       else None,
                                       _("đã điều chỉnh") if (p.get("revision") or 1) > 1 else None) if label]}
                                  for p in reversed(points)]
        context["comparison_rows"] = [{**r, "text": queries.fmt(r["value"], indicator.decimals),
                                       "status_label": Status(r["status"]).label}
                                      for r in figures["comparison"]["rows"] if r["value"] is not None]
    return render(request, "monitoring/indicator.html", context, status=200 if figures else 400)


@permission_required("monitoring.view")
@require_GET
def indicator_page(request, code):
    access = get_access(request.user)
    indicator = get_object_or_404(Indicator.objects.for_access(access).select_related("metric", "sector__domain",
                                                                                       "owner_unit"), code=code)
    return _indicator_page(request, indicator, public=False)


# --- Exports --------------------------------------------------------------------------------------


def _safe(value):
    """A cell value that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _export_rows(indicator, figures):
    area = figures["area"]
    yield [_("Chuỗi theo thời gian"), "", "", "", ""]
    for p in figures["series"]["points"]:
        yield [p["label"], area.code, area.name, p["value"], str(Status(p["status"]).label)]
    if not figures["comparison"]["with_values"]:
        return  # a province-only indicator (or a period without commune figures): no commune section
    yield [_("So sánh các xã, phường – %(period)s") % {"period": figures["comparison"]["period_phrase"]},
           "", "", "", ""]
    for r in figures["comparison"]["rows"]:
        yield [figures["comparison"]["period_label"], r["code"], r["name"], r["value"], str(Status(r["status"]).label)]


def _export(request, code, fmt):
    access = get_access(request.user)
    indicator = get_object_or_404(Indicator.objects.for_access(access).select_related("metric"), code=code)
    figures, form = _indicator_view_data(request, indicator, public=False)
    if figures is None:
        lines = [" ".join(errors) for errors in form.errors.values()]
        return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")
    filename = f"chi-tieu-{indicator.code}-{timezone.localdate():%Y%m%d}.{fmt}"
    audit.record(AuditAction.EXPORT, obj=indicator, object_repr=filename, changes={
        "area": figures["area"].code, "start": figures["start"].isoformat(), "end": figures["end"].isoformat(),
        "period": figures["comparison"]["period"], "format": fmt})
    header = [_("Kỳ"), _("Mã địa bàn"), _("Địa bàn"),
              _("Giá trị (%(unit)s)") % {"unit": indicator.unit_label} if indicator.unit_of_measure
              else _("Giá trị"), _("Tình trạng")]
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel reads the file as UTF-8 (Vietnamese diacritics)
        writer = csv.writer(out)
        writer.writerow([indicator.label])
        writer.writerow(header)
        for row in _export_rows(indicator, figures):
            writer.writerow(["" if v is None else _safe(v) for v in row])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Số liệu"))
        sheet.append([indicator.label])
        sheet.append([_("Lập lúc"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
        sheet.append(header)
        for row in _export_rows(indicator, figures):
            sheet.append([_safe(v) for v in row])
        data = io.BytesIO()
        book.save(data)
        response = HttpResponse(data.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("monitoring.export")
@require_GET
def indicator_export_csv(request, code):
    return _export(request, code, "csv")


@permission_required("monitoring.export")
@require_GET
def indicator_export_xlsx(request, code):
    return _export(request, code, "xlsx")


# --- Sensor map -----------------------------------------------------------------------------------


STATION_PAGE_SIZE = 50


class StationFilterForm(forms.Form):
    """Filters of the sensor map and its station list (a province may run hundreds of stations)."""

    STATES = [("", gettext_lazy("Tất cả")), (Status.OK, Status.OK.label), (Status.WARNING, Status.WARNING.label),
              (Status.CRITICAL, Status.CRITICAL.label), ("silent", gettext_lazy("Mất tín hiệu")),
              (Status.UNKNOWN, Status.UNKNOWN.label)]

    kind = forms.ChoiceField(label=gettext_lazy("Loại trạm"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("Tình trạng"), choices=STATES, required=False)
    area = forms.ModelChoiceField(label=gettext_lazy("Xã, phường"), queryset=Area.objects.none(), required=False,
                                  empty_label=gettext_lazy("Tất cả"), to_field_name="code")
    q = forms.CharField(label=gettext_lazy("Tìm theo tên, mã, địa chỉ trạm"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tất cả")), *StationKind.choices]
        self.fields["area"].queryset = Area.objects.communes().order_by("name")
        self.fields["kind"].error_messages["invalid_choice"] = _("Loại trạm không hợp lệ.")
        self.fields["state"].error_messages["invalid_choice"] = _("Tình trạng không hợp lệ.")
        self.fields["area"].error_messages["invalid_choice"] = _("Không có xã, phường này trong danh sách.")


def station_state(row):
    """ok, warning, critical, silent (stopped sending) or unknown (never sent) — as the station list shows it."""
    if row["silent"]:
        return "silent" if row["values"] else Status.UNKNOWN
    return row["status"]


def _filter_stations(rows, data):
    if data.get("area"):
        in_area = set(Station.objects.filter(area=data["area"]).values_list("code", flat=True))
        rows = [r for r in rows if r["code"] in in_area]
    if data.get("kind"):
        rows = [r for r in rows if r["kind"] == data["kind"]]
    if data.get("state"):
        rows = [r for r in rows if station_state(r) == data["state"]]
    if data.get("q"):
        needle = data["q"].casefold()
        rows = [r for r in rows if needle in r["name"].casefold() or needle in r["code"].casefold()
                or needle in (r.get("address") or "").casefold()]
    return rows


@permission_required("monitoring.view")
@require_GET
def sensor_map(request):
    """Stations coloured by status with their latest values; a click opens the station's history. Filters
    narrow the map and the list; the list is paged."""
    access = get_access(request.user)
    filters = StationFilterForm(request.GET or None)
    data = {}
    if filters.is_bound:
        filters.is_valid()  # a wrong value is reported at its field; the other filters still apply
        data = filters.cleaned_data
    everything = queries.stations(access)
    rows = _filter_stations(everything, data)
    page = Paginator(rows, STATION_PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(request, "monitoring/sensor_map.html", {
        "station_rows": _table_rows(page.object_list), "stations": _station_summary(everything),
        "filters": filters, "page": page, "query_string": query_string, "shown": len(rows),
        "filtered": any(data.get(name) for name in ("kind", "state", "area", "q")),
        "legend": status_legend(), "silent_colour": queries.STATUS_COLOURS["silent"],
        "map_config": {**map_base(), "stations": rows,
                       "historyUrl": reverse("api:station_history", kwargs={"code": "__code__"}),
                       "labels": {"history": _("Diễn biến 7 ngày qua"), "loading": _("Đang tải…"), "at": _("lúc"),
                                  "error": _("Không tải được số liệu."), "noData": _("Chưa có số liệu"),
                                  "warning": _("Ngưỡng cảnh báo"), "critical": _("Ngưỡng nghiêm trọng")}},
    })


# --- Public figures -------------------------------------------------------------------------------


@require_GET
def public_overview(request):
    """The public indicators of the province, for everyone (no internal figure, no personal data)."""
    context = _overview_context(ANONYMOUS, queries.province(), public=True)
    return render(request, "monitoring/public.html", context)


@require_GET
def public_indicator(request, code):
    indicator = get_object_or_404(Indicator.objects.public().select_related("metric", "sector__domain",
                                                                            "owner_unit"), code=code)
    return _indicator_page(request, indicator, public=True)


urlpatterns = [
    path("giam-sat/", overview, name="overview"),
    path("giam-sat/xa/<str:code>/", commune, name="commune"),
    path("giam-sat/chi-tieu/<slug:code>/", indicator_page, name="indicator"),
    path("giam-sat/chi-tieu/<slug:code>/tai-ve.csv", indicator_export_csv, name="indicator_export_csv"),
    path("giam-sat/chi-tieu/<slug:code>/tai-ve.xlsx", indicator_export_xlsx, name="indicator_export_xlsx"),
    path("giam-sat/ban-do-tram/", sensor_map, name="sensor_map"),
    path("so-lieu/", public_overview, name="public"),
    path("so-lieu/<slug:code>/", public_indicator, name="public_indicator"),
]
