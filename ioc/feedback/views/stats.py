"""Statistics pages of the feedback module: the public figures, the staff figures (scoped to what the person may
see) and their CSV and XLSX exports. Exports hold aggregate figures and public fields of reports only — never the
reporter's name, e-mail, phone or account — and each one is written to the audit log."""

import csv
import io

from django import forms
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ioc.core import audit
from ioc.core.access import get_access, permission_required
from ioc.core.models import AuditAction, Unit
from ioc.lib.localized import localized

from .. import stats
from ..models import Category, Channel, Priority, Status
from .publication import CHOICE_ERRORS, DEFAULT_PERIOD_DAYS, CategoryChoiceField, PeriodForm, filter_query_string

XLSX_MAX_REPORTS = 50_000  # beyond this, the report-level CSV export (streamed) is the tool
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOP_AREAS_IN_CHART = 20


class PublicStatsForm(PeriodForm):
    category = CategoryChoiceField(label=gettext_lazy("Lĩnh vực"), required=False, to_field_name="code",
                                   queryset=Category.objects.filter(is_public=True).select_related("parent"),
                                   empty_label=gettext_lazy("Tất cả lĩnh vực"), error_messages=CHOICE_ERRORS)

    field_order = ["category", "date_from", "date_to"]

    def filters(self, **extra):
        return super().filters(category=self.cleaned_data.get("category"), **extra)


class StaffStatsForm(PeriodForm):
    """Staff filters: period, unit (among the units this person may see) and any category."""

    unit = forms.ModelChoiceField(label=gettext_lazy("Đơn vị chủ trì"), required=False, to_field_name="code",
                                  queryset=Unit.objects.none(), empty_label=gettext_lazy("Tất cả đơn vị"),
                                  error_messages=CHOICE_ERRORS)
    category = CategoryChoiceField(label=gettext_lazy("Lĩnh vực"), required=False, to_field_name="code",
                                   queryset=Category.objects.select_related("parent"),
                                   empty_label=gettext_lazy("Tất cả lĩnh vực"), error_messages=CHOICE_ERRORS)

    field_order = ["unit", "category", "date_from", "date_to"]

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.active().order_by("name")
        if not access.province_wide:
            units = units.filter(pk__in=access.unit_ids)
        self.fields["unit"].queryset = units

    def filters(self, **extra):
        data = self.cleaned_data
        return super().filters(unit=data.get("unit"), category=data.get("category"), **extra)


def chart_data(figures, dimensions):
    """What charts.js draws: per dimension, labels and series (the tables on the page hold the same figures)."""
    charts = {}
    for dimension in dimensions:
        rows = figures[f"by_{dimension}"]
        if dimension == "area":
            rows = rows[:TOP_AREAS_IN_CHART]
        charts[dimension] = {
            "labels": [r["label"] for r in rows],
            "received": [r["received"] for r in rows],
            "answered": [r["answered"] for r in rows],
            "on_time_rate": [r["on_time_rate"] for r in rows],
        }
    charts["series"] = {"received": _("Tiếp nhận"), "answered": _("Đã trả lời"),
                        "on_time_rate": _("Tỷ lệ đúng hạn (%)")}
    return charts


# --- Pages ----------------------------------------------------------------------------------------


@require_GET
def public_stats(request):
    """Province figures of public reports: totals, by category, commune and month."""
    form = PublicStatsForm(request.GET, default_days=DEFAULT_PERIOD_DAYS)
    figures = charts = None
    if form.is_valid():
        figures = stats.public_figures(form.filters())
        charts = chart_data(figures, ("month", "category", "area"))
    return render(request, "feedback/stats/public.html", {"form": form, "figures": figures, "charts": charts})


@permission_required("feedback.view_staff")
@require_GET
def staff_stats(request):
    """Figures of every report this person may see, by unit, category, commune and month, with the overdue."""
    access = get_access(request.user)
    form = StaffStatsForm(request.GET, access=access, default_days=DEFAULT_PERIOD_DAYS)
    figures = charts = None
    counts = []
    query_string = ""
    if form.is_valid():
        filters = form.filters()
        figures = stats.staff_figures(access, filters)
        charts = chart_data(figures, ("month", "unit", "category"))
        counts = [(_("Theo trạng thái"), figures["by_status"]), (_("Theo kênh tiếp nhận"), figures["by_channel"]),
                  (_("Lý do từ chối"), figures["rejections"])]
        query_string = filter_query_string(filters)
    return render(request, "feedback/stats/staff.html", {
        "form": form, "figures": figures, "charts": charts, "counts": counts, "query_string": query_string,
        "can_export": access.has("feedback.export"),
    })


# --- Exports --------------------------------------------------------------------------------------


def _export_scope(request):
    """(access, filters, None) of an export request, or (access, None, a 400 response saying what is wrong)."""
    access = get_access(request.user)
    form = StaffStatsForm(request.GET, access=access, default_days=DEFAULT_PERIOD_DAYS)
    if not form.is_valid():
        lines = [f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
                 for name, errors in form.errors.items()]
        return access, None, HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")
    return access, form.filters(), None


def _audit_export(filters, *, filename, kind, fmt):
    audit.record(AuditAction.EXPORT, object_type="feedback.report", object_repr=filename,
                 changes={"filters": filters.as_dict(), "kind": kind, "format": fmt})


def _filename(stem, ext):
    return f"{stem}-{timezone.localdate():%Y%m%d}.{ext}"


def _safe(value):
    """A cell value that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


FIGURE_COLUMNS = [
    ("received", gettext_lazy("Tiếp nhận")),
    ("answered", gettext_lazy("Đã trả lời")),
    ("on_time", gettext_lazy("Trả lời đúng hạn")),
    ("on_time_rate", gettext_lazy("Tỷ lệ đúng hạn (%)")),
    ("median_hours", gettext_lazy("Thời gian xử lý trung vị (giờ)")),
    ("rating_avg", gettext_lazy("Mức hài lòng trung bình (1–5)")),
    ("rated", gettext_lazy("Số lượt đánh giá")),
    ("open", gettext_lazy("Đang xử lý")),
    ("overdue", gettext_lazy("Quá hạn")),
    ("rejected", gettext_lazy("Từ chối")),
]
DIMENSION_TITLES = {
    "unit": gettext_lazy("Theo đơn vị"),
    "category": gettext_lazy("Theo lĩnh vực"),
    "area": gettext_lazy("Theo xã, phường"),
    "month": gettext_lazy("Theo tháng"),
}
STAFF_DIMENSIONS = ("unit", "category", "area", "month")


def stats_header():
    return [_("Nhóm"), _("Mã"), _("Tên")] + [str(label) for _key, label in FIGURE_COLUMNS]


def stats_rows(figures):
    """Long-format rows: the province total, then one row per unit, category, commune and month."""
    yield [_("Tổng cộng"), "", ""] + [figures["totals"][key] for key, _label in FIGURE_COLUMNS]
    for dimension in STAFF_DIMENSIONS:
        for row in figures[f"by_{dimension}"]:
            yield [str(DIMENSION_TITLES[dimension]), row["code"], row["label"]] + [
                row[key] for key, _label in FIGURE_COLUMNS]


REPORT_COLUMNS = [
    gettext_lazy("Mã phản ánh"), gettext_lazy("Lĩnh vực"), gettext_lazy("Xã, phường"),
    gettext_lazy("Đơn vị chủ trì"), gettext_lazy("Trạng thái"), gettext_lazy("Kênh tiếp nhận"),
    gettext_lazy("Mức độ"), gettext_lazy("Thời điểm tiếp nhận"), gettext_lazy("Hạn trả lời"),
    gettext_lazy("Thời điểm trả lời"), gettext_lazy("Thời điểm đóng"), gettext_lazy("Trả lời đúng hạn"),
    gettext_lazy("Đánh giá"),
]


def report_rows(access, filters, *, limit=None, as_text=True):
    """Report-level rows in scope: public fields only (no reporter data, no description or address)."""
    qs = (stats.apply_filters(stats.scoped_reports(access), filters).order_by("-received_at", "-id")
          .values_list("code", "category__name", "category__name_en", "area__name", "lead_unit__name", "status", "channel", "priority",
                       "received_at", "answer_due", "answered_at", "closed_at", "answered_on_time", "rating"))
    if limit is not None:
        qs = qs[:limit]
    status_labels, channel_labels = dict(Status.choices), dict(Channel.choices)
    priority_labels = dict(Priority.choices)
    yes, no = _("Có"), _("Không")

    def when(value):
        if value is None:
            return ""
        local = timezone.localtime(value)
        return local.strftime("%Y-%m-%d %H:%M") if as_text else local.replace(tzinfo=None)

    for (code, category, category_en, area, unit, status, channel, priority, received, due, answered, closed,
         on_time, rating) in qs.iterator(chunk_size=2000):
        yield [code, localized(category, category_en) or "", area or "", unit or "", str(status_labels.get(status, status)),
               str(channel_labels.get(channel, channel)), str(priority_labels.get(priority, priority)),
               when(received), when(due), when(answered), when(closed),
               "" if on_time is None else (yes if on_time else no), rating if rating is not None else ""]


class _Echo:
    def write(self, value):
        return value


def _csv_stream(header, rows):
    writer = csv.writer(_Echo())
    # The BOM makes Excel read the file as UTF-8 (Vietnamese diacritics).
    yield "\ufeff" + writer.writerow([str(h) for h in header])
    for row in rows:
        yield writer.writerow(["" if v is None else _safe(v) for v in row])


@permission_required("feedback.export")
@require_GET
def stats_export_csv(request):
    """The staff figures as CSV: the total, then one row per unit, category, commune and month."""
    access, filters, error = _export_scope(request)
    if error:
        return error
    figures = stats.staff_figures(access, filters)
    filename = _filename("thong-ke-phan-anh", "csv")
    _audit_export(filters, filename=filename, kind="statistics", fmt="csv")
    response = StreamingHttpResponse(_csv_stream(stats_header(), stats_rows(figures)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("feedback.export")
@require_GET
def reports_export_csv(request):
    """Every report in scope matching the filters, one row each, without any reporter data."""
    access, filters, error = _export_scope(request)
    if error:
        return error
    filename = _filename("danh-sach-phan-anh", "csv")
    _audit_export(filters, filename=filename, kind="reports", fmt="csv")
    response = StreamingHttpResponse(_csv_stream(REPORT_COLUMNS, report_rows(access, filters)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("feedback.export")
@require_GET
def stats_export_xlsx(request):
    """A workbook: the totals and filters, a sheet per grouping, statuses and channels, and the reports."""
    from openpyxl import Workbook

    access, filters, error = _export_scope(request)
    if error:
        return error
    figures = stats.staff_figures(access, filters)
    filename = _filename("thong-ke-phan-anh", "xlsx")
    _audit_export(filters, filename=filename, kind="statistics+reports", fmt="xlsx")

    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Tổng hợp"))
    summary.append([_("Thống kê phản ánh, kiến nghị")])
    summary.append([_("Lập lúc"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    for name, value in filters.as_dict().items():
        summary.append([_("Bộ lọc"), name, _safe(value)])
    summary.append([])
    summary.append([str(label) for _key, label in FIGURE_COLUMNS])
    summary.append([figures["totals"][key] for key, _label in FIGURE_COLUMNS])
    for dimension in STAFF_DIMENSIONS:
        sheet = book.create_sheet(str(DIMENSION_TITLES[dimension]))
        sheet.append([_("Mã"), _("Tên")] + [str(label) for _key, label in FIGURE_COLUMNS])
        for row in figures[f"by_{dimension}"]:
            sheet.append([_safe(row["code"]), _safe(row["label"])] + [row[key] for key, _label in FIGURE_COLUMNS])
    counts = book.create_sheet(_("Trạng thái, kênh"))
    for title, key in ((_("Trạng thái"), "by_status"), (_("Kênh tiếp nhận"), "by_channel"),
                       (_("Lý do từ chối"), "rejections")):
        counts.append([title, _("Số phản ánh")])
        for row in figures[key]:
            counts.append([row["label"], row["count"]])
        counts.append([])
    reports = book.create_sheet(_("Danh sách phản ánh"))
    reports.append([str(h) for h in REPORT_COLUMNS])
    written = 0
    for row in report_rows(access, filters, limit=XLSX_MAX_REPORTS + 1, as_text=False):
        written += 1
        if written > XLSX_MAX_REPORTS:
            reports.append([_("Còn nữa: hãy dùng tệp CSV danh sách phản ánh để có đủ các dòng.")])
            break
        reports.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("phan-anh/thong-ke/", public_stats, name="public_stats"),
    path("xu-ly/thong-ke/", staff_stats, name="staff_stats"),
    path("xu-ly/thong-ke/export.csv", stats_export_csv, name="stats_export_csv"),
    path("xu-ly/thong-ke/export.xlsx", stats_export_xlsx, name="stats_export_xlsx"),
    path("xu-ly/thong-ke/phan-anh.csv", reports_export_csv, name="reports_export_csv"),
]
