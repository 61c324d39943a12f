"""Publication of citizen reports: the public list, the clustered map and its compact JSON data.

Only `Report.objects.public()` is ever read here (public categories, not rejected, not merged), and only public
fields leave the server: never the reporter's name, e-mail, phone or account.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ioc.core.models import Area

from .. import stats
from ..models import Category, PhotoKind, Report, ReportPhoto

PAGE_SIZE = 20
EARLIEST_DATE = datetime.date(2000, 1, 1)
# The map and the statistics show the last twelve months unless a period is chosen: a decade of reports is
# too much for a browser's map, and the figures people look for first are the recent ones.
DEFAULT_PERIOD_DAYS = 365
# Colours of the status groups on the map and in its legend (open, answered, closed).
STATUS_COLOURS = ("#c2410c", "#1d4ed8", "#15803d")
STATUS_TAGS = {"open": "tag-warn", "answered": "tag-ok", "closed": ""}

DATE_ERRORS = {"invalid": _("Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm (ví dụ 31/12/2025).")}
CHOICE_ERRORS = {"invalid_choice": _("Lựa chọn không hợp lệ, hãy chọn một mục trong danh sách.")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.label} › {obj.label}" if obj.parent_id else obj.label


class PeriodForm(forms.Form):
    """A period of received dates, both ends inclusive and optional, checked for sense."""

    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput(),
                                input_formats=["%Y-%m-%d", "%d/%m/%Y"], error_messages=DATE_ERRORS)
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput(),
                              input_formats=["%Y-%m-%d", "%d/%m/%Y"], error_messages=DATE_ERRORS)

    def __init__(self, data=None, *args, default_days=None, **kwargs):
        """default_days: with neither date given, start the period that many days ago (shown in the form)."""
        kwargs.setdefault("use_required_attribute", False)
        kwargs.setdefault("auto_id", "f-%s")
        if data is not None and default_days and not data.get("date_from") and not data.get("date_to"):
            data = data.copy()
            data["date_from"] = (timezone.localdate() - datetime.timedelta(days=default_days)).isoformat()
        super().__init__(data, *args, **kwargs)

    def clean_date_from(self):
        value = self.cleaned_data.get("date_from")
        if value and value < EARLIEST_DATE:
            raise forms.ValidationError(_("Ngày bắt đầu phải từ 01/01/2000 trở đi."))
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Ngày bắt đầu không được sau ngày hôm nay."))
        return value

    def clean_date_to(self):
        value = self.cleaned_data.get("date_to")
        if value and value < EARLIEST_DATE:
            raise forms.ValidationError(_("Ngày kết thúc phải từ 01/01/2000 trở đi."))
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("“Đến ngày” phải cùng ngày hoặc sau “Từ ngày”."))
        return cleaned

    def filters(self, **extra):
        """The validated filters (call after is_valid())."""
        data = self.cleaned_data
        return stats.Filters(date_from=data.get("date_from"), date_to=data.get("date_to"), **extra)


class ReportFilterForm(PeriodForm):
    """Filters of the public list and map: text, category, commune, status group, period."""

    q = forms.CharField(label=_("Từ khóa trong nội dung"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}),
                        error_messages={"max_length": _("Từ khóa tối đa %(limit_value)d ký tự.")})
    category = CategoryChoiceField(label=_("Lĩnh vực"), required=False, to_field_name="code",
                                   queryset=Category.objects.filter(is_public=True).select_related("parent"),
                                   empty_label=_("Tất cả lĩnh vực"), error_messages=CHOICE_ERRORS)
    commune = forms.ModelChoiceField(label=_("Xã, phường"), required=False, to_field_name="code",
                                     queryset=Area.objects.communes().order_by("name"),
                                     empty_label=_("Toàn tỉnh"), error_messages=CHOICE_ERRORS)
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, error_messages=CHOICE_ERRORS,
                               choices=[("", _("Tất cả"))] + list(stats.STATUS_GROUP_LABELS.items()))

    field_order = ["q", "category", "commune", "status", "date_from", "date_to"]

    def filters(self, **extra):
        data = self.cleaned_data
        return super().filters(category=data.get("category"), area=data.get("commune"),
                               status_group=data.get("status") or "", text=(data.get("q") or "").strip(), **extra)


def filter_query_string(filters):
    """The filters as a query string, for pagination links and the map's data URL."""
    return urlencode(filters.as_dict())


# --- The list -------------------------------------------------------------------------------------


class CachedCountPaginator(Paginator):
    """Counting a million public reports is most of the page's cost: the count is cached like the map data
    (a minute, and refreshed as soon as a report is saved)."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return stats.cached(self.count_key, stats.MAP_CACHE_SECONDS, self.object_list.count)


@require_GET
def public_list(request):
    """Public reports, newest first, 20 a page, with the filters; invalid filters show at their field."""
    form = ReportFilterForm(request.GET)
    page, query_string = None, ""
    if form.is_valid():
        filters = form.filters()
        query_string = filter_query_string(filters)
        ready_photos = Prefetch(
            "photos", to_attr="ready_photos",
            queryset=ReportPhoto.objects.filter(is_ready=True, kind=PhotoKind.INTAKE).exclude(thumbnail="")
            .only("id", "report_id", "thumbnail"))
        qs = (stats.apply_filters(Report.objects.public(), filters)
              .select_related("category", "area")
              .only("id", "code", "status", "received_at", "description", "category__name", "category__name_en", "category__icon",
                    "area__name")
              .prefetch_related(ready_photos))
        page = CachedCountPaginator(qs, PAGE_SIZE, count_key=("list-count", filters.key())).get_page(
            request.GET.get("page"))
        for report in page:
            group = stats.status_group(report.status)
            report.status_tag = STATUS_TAGS.get(group, "")
            report.thumbnail_url = thumbnail_url(report)
    return render(request, "feedback/publication/list.html", {
        "form": form, "page": page, "query_string": query_string,
    })


def thumbnail_url(report):
    """The URL of the first ready photo's thumbnail, served by the tracking page's photo view (same rule)."""
    if not report.ready_photos:
        return ""
    stem = report.ready_photos[0].thumbnail.name.rsplit("/", 1)[-1].removesuffix(".jpg")
    try:
        return reverse("feedback:photo", args=[report.code, stem])
    except NoReverseMatch:  # a file not named by photo_path: show no thumbnail rather than fail the page
        return ""


# --- The map --------------------------------------------------------------------------------------


@require_GET
def public_map(request):
    """The clustered map of public reports. Works without a tile server: the communes' centroids are drawn."""
    form = ReportFilterForm(request.GET, default_days=DEFAULT_PERIOD_DAYS)
    data_url = None
    if form.is_valid():
        query_string = filter_query_string(form.filters())
        data_url = reverse("feedback:map_data") + (f"?{query_string}" if query_string else "")
    legend = [{"name": stats.STATUS_GROUP_LABELS[g], "colour": colour}
              for g, colour in zip(stats.STATUS_GROUPS, STATUS_COLOURS)]
    return render(request, "feedback/publication/map.html", {
        "form": form,
        "legend": legend,
        "map_config": {
            "dataUrl": data_url,
            "detailUrl": reverse("feedback:map_report", args=["__code__"]),
            "tileUrl": settings.MAP_TILE_URL or "",
            "colours": list(STATUS_COLOURS),
            "communes": stats.commune_markers(),
            "labels": {
                "code": str(_("Mã phản ánh")), "category": str(_("Lĩnh vực")), "status": str(_("Tình trạng")),
                "date": str(_("Ngày tiếp nhận")), "commune": str(_("Xã, phường")), "open": str(_("Xem chi tiết")),
                "loading": str(_("Đang tải dữ liệu bản đồ…")), "error": str(_("Không tải được dữ liệu bản đồ.")),
                "count": str(_("Số phản ánh trên bản đồ: %(n)s")),
            },
        },
    })


@require_GET
def map_data(request):
    """Compact JSON of the map: {"points": [[lat, lon, status, category, code]], "categories", "statuses"}."""
    form = ReportFilterForm(request.GET, default_days=DEFAULT_PERIOD_DAYS)
    if not form.is_valid():
        return JsonResponse({"errors": {name: [e["message"] for e in errors]
                                        for name, errors in form.errors.get_json_data().items()}}, status=400)
    # The whole province is a few megabytes of JSON: send it compressed when the browser accepts it.
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(stats.map_payload(form.filters(), compressed=compressed), content_type="application/json")
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding, Accept-Language, Cookie"
    response["Cache-Control"] = f"private, max-age={stats.MAP_CACHE_SECONDS}"
    return response


@require_GET
def map_report(request, code):
    """The popup of one map point: public fields only."""
    report = get_object_or_404(Report.objects.public().select_related("category", "area"), code=code)
    return JsonResponse({
        "code": report.code,
        "category": report.category.label,
        "status": report.get_status_display(),
        "status_group": stats.status_group(report.status),
        "received": timezone.localtime(report.received_at).strftime("%d/%m/%Y"),
        "commune": report.area.name if report.area_id else "",
        "url": reverse("feedback:track", args=[report.code]),
    }, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("phan-anh/", public_list, name="public_list"),
    path("phan-anh/ban-do/", public_map, name="public_map"),
    path("phan-anh/ban-do.json", map_data, name="map_data"),
    path("phan-anh/ban-do/<str:code>.json", map_report, name="map_report"),
]
