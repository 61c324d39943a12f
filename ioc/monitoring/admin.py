"""Django admin for the monitoring reference data (administrators' back office). Readings and rollups are
not listed: they are millions of rows written by the storage service only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (DataSource, Domain, Indicator, IngestBatch, Metric, Observation, Sector, Series, Station,
                     WallLayout, WallPanel)


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_en", "order")
    list_editable = ("order",)
    search_fields = ("name", "code", "name_en")


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "domain", "order")
    list_filter = ("domain",)
    search_fields = ("name", "code", "name_en")
    list_select_related = ("domain",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sector", "owner_unit", "frequency", "unit_of_measure", "area_aggregation",
                    "is_public", "is_active")
    list_filter = ("sector__domain", "sector", "frequency", "is_public", "is_active", "owner_unit")
    search_fields = ("code", "name", "name_en", "description")
    list_select_related = ("sector", "owner_unit")
    autocomplete_fields = ("weight_indicator", "metric", "owner_unit", "sector")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "description", "sector", "owner_unit", "unit_of_measure",
                           "unit_of_measure_en", "decimals", "order", "is_public", "is_active")}),
        (_("Tần suất và cách tổng hợp"), {"fields": ("frequency", "time_aggregation", "area_aggregation",
                                                      "weight_indicator", "metric")}),
        (_("Mục tiêu và ngưỡng"), {"fields": ("direction", "target", "warning_threshold", "critical_threshold")}),
    )


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit_of_measure", "time_aggregation", "direction", "warning_threshold",
                    "critical_threshold")
    list_filter = ("direction", "time_aggregation")
    search_fields = ("code", "name", "name_en")


class SeriesInline(admin.TabularInline):
    """The station's metrics, with thresholds of its own where its place calls for them (a river's alarm levels
    at its gauge). Series come with the first reading; deleting one would delete its readings."""

    model = Series
    extra = 0
    can_delete = False
    fields = ("metric", "metric_thresholds", "warning_threshold", "critical_threshold", "last_value", "last_time")
    readonly_fields = ("metric", "metric_thresholds", "last_value", "last_time")
    verbose_name_plural = _("đại lượng đo và ngưỡng riêng của trạm")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ngưỡng chung (cảnh báo / nghiêm trọng)"))
    def metric_thresholds(self, series):
        metric = series.metric
        return " / ".join("–" if v is None else f"{v:g}" for v in (metric.warning_threshold,
                                                                    metric.critical_threshold))

    @admin.display(description=_("thời điểm đo cuối"))
    def last_time(self, series):
        return series.last_time


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    inlines = [SeriesInline]
    list_display = ("code", "name", "kind", "area", "owner_unit", "is_active", "is_public", "last_seen_at")
    list_filter = ("kind", "is_active", "is_public", "owner_unit")
    search_fields = ("code", "name", "address", "ngsi_id")
    list_select_related = ("area", "owner_unit")
    autocomplete_fields = ("area", "owner_unit", "source")
    readonly_fields = ("last_seen_at",)


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "owner_unit", "kind", "is_active", "last_received_at", "consecutive_failures")
    list_filter = ("kind", "is_active", "owner_unit")
    search_fields = ("code", "name", "url")
    list_select_related = ("owner_unit",)
    readonly_fields = ("last_received_at", "last_pull_at", "last_success_at", "last_error", "consecutive_failures")


class WallPanelInline(admin.TabularInline):
    model = WallPanel
    extra = 0
    fields = ("order", "kind", "title", "domain", "indicator", "seconds")
    autocomplete_fields = ("domain", "indicator")


@admin.register(WallLayout)
class WallLayoutAdmin(admin.ModelAdmin):
    list_display = ("name", "resolution", "is_default", "updated_at")
    list_filter = ("resolution", "is_default")
    search_fields = ("name",)
    inlines = [WallPanelInline]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    """Figures are recorded through uploads and the API (with revisions): the admin shows them only."""

    list_display = ("indicator", "area", "period", "value", "quality", "revision", "is_current", "source",
                    "recorded_at")
    list_filter = ("is_current", "quality", "indicator__sector__domain", "indicator")
    search_fields = ("indicator__code", "indicator__name", "area__name", "note")
    list_select_related = ("indicator", "area", "source")
    date_hierarchy = "period"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IngestBatch)
class IngestBatchAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "unit", "source", "target", "status", "rows_received", "rows_written")
    list_filter = ("status", "kind", "target", "unit")
    search_fields = ("filename", "idempotency_key", "public_id")
    list_select_related = ("unit", "source")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
