"""Monitoring (*giám sát*): the sector data of every agency and the readings of every sensor in one place.

Two kinds of figures:

- **Indicators** (*chỉ tiêu*) reported by agencies per area and period (GRDP growth by quarter, hospital bed
  occupancy by month and commune…) are `Observation`s. A correction is a new revision; the old figure stays in
  the history with `is_current=False`.
- **Sensor readings** (air quality, water level, rainfall, traffic counts…) are narrow `Reading` rows keyed by
  series (station × metric) and time in epoch seconds, written in bulk by `storage.write_readings`, which keeps
  the `SeriesRollup` and `AreaRollup` tables (hour, day, month) up to date so dashboards never scan raw readings.

Calendar buckets (day, month) are in Vietnam's time (UTC+7, no daylight saving): `bucket_start()` below.
"""

import uuid
from datetime import UTC, datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ioc.core.models import ApiKey, Area, Unit
from ioc.lib.localized import Localized

VN_OFFSET = 7 * 3600  # Vietnam: UTC+7 all year
VN_TZ = dt_timezone(timedelta(hours=7))


class Grain(models.TextChoices):
    HOUR = "h", _("giờ")
    DAY = "d", _("ngày")
    MONTH = "m", _("tháng")


def bucket_start(t: int, grain: str) -> int:
    """The start (epoch seconds) of the hour, Vietnamese day or Vietnamese month holding epoch second t."""
    if grain == Grain.HOUR:
        return t - t % 3600
    if grain == Grain.DAY:
        return t - (t + VN_OFFSET) % 86400
    local = datetime.fromtimestamp(t, VN_TZ)
    return int(local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp())


def epoch(moment: datetime) -> int:
    if timezone.is_naive(moment):
        raise ValueError("epoch() needs an aware datetime")
    return int(moment.timestamp())


def from_epoch(t: int) -> datetime:
    return datetime.fromtimestamp(t, UTC)


class Direction(models.TextChoices):
    UP = "up", _("càng cao càng tốt")
    DOWN = "down", _("càng thấp càng tốt")
    NEUTRAL = "neutral", _("không xác định")


class Status(models.TextChoices):
    OK = "ok", _("Bình thường")
    WARNING = "warning", _("Cảnh báo")
    CRITICAL = "critical", _("Nghiêm trọng")
    UNKNOWN = "unknown", _("Chưa có số liệu")


def check_thresholds(direction, warning, critical):
    """ValidationError unless the critical threshold is at least as bad as the warning one."""
    if warning is None or critical is None:
        return
    up = direction == Direction.UP
    if (critical > warning) if up else (critical < warning):
        raise ValidationError({"critical_threshold": _(
            "Ngưỡng nghiêm trọng phải xấu hơn ngưỡng cảnh báo (%(direction)s).") % {
            "direction": _("thấp hơn") if up else _("cao hơn")}})


def status_for(value, *, direction, warning, critical) -> str:
    """Colour a value against its thresholds. For "up" indicators a value below a threshold is bad; for
    "down" (and "neutral" with thresholds) a value above it is."""
    if value is None:
        return Status.UNKNOWN
    worse = (lambda v, limit: v < limit) if direction == Direction.UP else (lambda v, limit: v > limit)
    if critical is not None and worse(value, critical):
        return Status.CRITICAL
    if warning is not None and worse(value, warning):
        return Status.WARNING
    return Status.OK


# --- Reference data -------------------------------------------------------------------------------


class Domain(Localized, models.Model):
    """One of the six smart-city domains Bắc Ninh chose (kinh tế, cư dân, quản trị, di chuyển, môi trường,
    cuộc sống)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=100, blank=True)
    icon = models.CharField(_("biểu tượng"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        verbose_name = _("lĩnh vực đô thị thông minh")
        verbose_name_plural = _("lĩnh vực đô thị thông minh")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Sector(Localized, models.Model):
    """A sector (*ngành*) under a domain: chính quyền số, y tế, giáo dục, du lịch, môi trường, xây dựng…"""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=100, blank=True)
    domain = models.ForeignKey(Domain, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="sectors")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        verbose_name = _("ngành")
        verbose_name_plural = _("ngành")
        ordering = ["domain__order", "order", "name"]

    def __str__(self):
        return self.name


class Frequency(models.TextChoices):
    REALTIME = "realtime", _("thời gian thực")
    HOURLY = "hourly", _("hằng giờ")
    DAILY = "daily", _("hằng ngày")
    MONTHLY = "monthly", _("hằng tháng")
    QUARTERLY = "quarterly", _("hằng quý")
    YEARLY = "yearly", _("hằng năm")


# Frequencies whose figures are Observations (one per calendar period). Real-time and hourly indicators take
# their values from sensor readings through `Indicator.metric` and the rollups.
OBSERVED_FREQUENCIES = (Frequency.DAILY, Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY)


class Aggregation(models.TextChoices):
    SUM = "sum", _("tổng")
    MEAN = "mean", _("trung bình")
    WEIGHTED_MEAN = "weighted_mean", _("trung bình có trọng số")
    LAST = "last", _("giá trị cuối kỳ")
    MIN = "min", _("nhỏ nhất")
    MAX = "max", _("lớn nhất")


class Metric(Localized, models.Model):
    """A quantity sensors measure (PM2.5, mực nước, lượng mưa, lưu lượng xe…), with its thresholds."""

    code = models.SlugField(_("mã"), max_length=40, unique=True,
                            help_text=_("Cũng là tên thuộc tính NGSI-LD (ví dụ pm25, waterLevel)."))
    name = models.CharField(_("tên"), max_length=100)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=100, blank=True)
    unit_of_measure = models.CharField(_("đơn vị đo"), max_length=30, blank=True)
    unit_of_measure_en = models.CharField(_("đơn vị đo tiếng Anh"), max_length=30, blank=True)
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=1)
    time_aggregation = models.CharField(_("cộng dồn theo thời gian"), max_length=16, choices=Aggregation.choices,
                                        default=Aggregation.MEAN)
    direction = models.CharField(_("chiều tốt"), max_length=8, choices=Direction.choices, default=Direction.DOWN)
    warning_threshold = models.FloatField(_("ngưỡng cảnh báo"), null=True, blank=True)
    critical_threshold = models.FloatField(_("ngưỡng nghiêm trọng"), null=True, blank=True)
    min_valid = models.FloatField(_("giá trị nhỏ nhất hợp lệ"), null=True, blank=True)
    max_valid = models.FloatField(_("giá trị lớn nhất hợp lệ"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        verbose_name = _("đại lượng đo")
        verbose_name_plural = _("đại lượng đo")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.name} ({self.unit_of_measure})" if self.unit_of_measure else self.name

    def status_for(self, value):
        return status_for(value, direction=self.direction, warning=self.warning_threshold,
                          critical=self.critical_threshold)

    def clean(self):
        check_thresholds(self.direction, self.warning_threshold, self.critical_threshold)


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def public(self):
        return self.filter(is_active=True, is_public=True)

    def for_access(self, access):
        """Staff see every indicator; everyone else only the public ones."""
        if access.is_staff_member:
            return self.filter(is_active=True)
        return self.public()


class Indicator(Localized, models.Model):
    """A figure the province watches (*chỉ tiêu*): how it is reported, aggregated and judged."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    description = models.TextField(_("mô tả, cách tính"), blank=True)
    sector = models.ForeignKey(Sector, verbose_name=_("ngành"), on_delete=models.PROTECT, related_name="indicators")
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    unit_of_measure_en = models.CharField(_("đơn vị tính tiếng Anh"), max_length=40, blank=True)
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=1)
    owner_unit = models.ForeignKey(Unit, verbose_name=_("cơ quan chủ trì số liệu"), on_delete=models.PROTECT,
                                   related_name="indicators")
    frequency = models.CharField(_("tần suất"), max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY)
    time_aggregation = models.CharField(_("cộng dồn theo thời gian"), max_length=16, choices=Aggregation.choices,
                                        default=Aggregation.SUM)
    area_aggregation = models.CharField(_("tổng hợp theo địa bàn"), max_length=16, choices=Aggregation.choices,
                                        default=Aggregation.SUM)
    weight_indicator = models.ForeignKey(
        "self", verbose_name=_("chỉ tiêu trọng số"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Cho trung bình có trọng số, ví dụ dân số của từng xã."),
    )
    direction = models.CharField(_("chiều tốt"), max_length=8, choices=Direction.choices, default=Direction.UP)
    target = models.FloatField(_("mục tiêu"), null=True, blank=True)
    warning_threshold = models.FloatField(_("ngưỡng cảnh báo"), null=True, blank=True)
    critical_threshold = models.FloatField(_("ngưỡng nghiêm trọng"), null=True, blank=True)
    metric = models.ForeignKey(
        Metric, verbose_name=_("đại lượng cảm biến"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="indicators",
        help_text=_("Chỉ tiêu thời gian thực lấy giá trị từ các trạm đo đại lượng này."),
    )
    is_public = models.BooleanField(_("công khai"), default=False)
    is_active = models.BooleanField(_("đang theo dõi"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["sector__domain__order", "sector__order", "order", "code"]

    def __str__(self):
        return self.name

    @property
    def is_observed(self):
        return self.frequency in OBSERVED_FREQUENCIES

    def status_for(self, value):
        return status_for(value, direction=self.direction, warning=self.warning_threshold,
                          critical=self.critical_threshold)

    def clean(self):
        check_thresholds(self.direction, self.warning_threshold, self.critical_threshold)


# --- Data sources and ingestion batches -----------------------------------------------------------


class SourceKind(models.TextChoices):
    UPLOAD = "upload", _("tải tệp lên")
    PUSH = "push", _("API đẩy dữ liệu")
    NGSI_LD = "ngsi_ld", _("NGSI-LD")
    PULL = "pull", _("lấy định kỳ")
    MQTT = "mqtt", _("MQTT")


class PullFormat(models.TextChoices):
    JSON = "json", "JSON"
    CSV = "csv", "CSV"


class DataSource(models.Model):
    """Where figures come from: an agency's system, a file series, a sensor network. Every observation and
    batch names its source; a scheduled pull source also says where and how often to fetch."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    owner_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị sở hữu"), on_delete=models.PROTECT,
                                   related_name="data_sources")
    kind = models.CharField(_("hình thức"), max_length=10, choices=SourceKind.choices)
    description = models.TextField(_("mô tả"), blank=True)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)
    # Scheduled pulls (kind = pull)
    url = models.URLField(_("địa chỉ lấy dữ liệu"), max_length=500, blank=True)
    pull_format = models.CharField(_("định dạng"), max_length=5, choices=PullFormat.choices, blank=True)
    field_mapping = models.JSONField(
        _("ánh xạ trường"), default=dict, blank=True,
        help_text=_("Tên trường trong dữ liệu nguồn cho từng trường của hệ thống, ví dụ "
                    "{\"station\": \"ma_tram\", \"metric\": \"chi_so\", \"time\": \"thoi_gian\", \"value\": \"gia_tri\"}."),
    )
    auth_header = models.CharField(_("tiêu đề xác thực"), max_length=500, blank=True,
                                   help_text=_("Ví dụ: Authorization: Bearer …; không hiển thị lại."))
    schedule_minutes = models.PositiveIntegerField(_("chu kỳ lấy (phút)"), null=True, blank=True)
    stale_after_minutes = models.PositiveIntegerField(
        _("coi là mất dữ liệu sau (phút)"), null=True, blank=True,
        help_text=_("Không nhận được dữ liệu trong khoảng này thì nguồn được báo là chậm."),
    )
    # State, written by ingestion with queryset.update() (no audit row per batch: IngestBatch is the record)
    last_received_at = models.DateTimeField(_("nhận dữ liệu lần cuối"), null=True, blank=True, editable=False)
    last_pull_at = models.DateTimeField(_("lấy dữ liệu lần cuối"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("lấy thành công lần cuối"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0, editable=False)

    class Meta:
        verbose_name = _("nguồn dữ liệu")
        verbose_name_plural = _("nguồn dữ liệu")
        ordering = ["owner_unit__name", "name"]

    def __str__(self):
        return self.name

    def is_stale(self, now=None):
        if not self.stale_after_minutes or not self.is_active:
            return False
        if self.last_received_at is None:
            return True
        now = now or timezone.now()
        return now - self.last_received_at > timedelta(minutes=self.stale_after_minutes)


class BatchStatus(models.TextChoices):
    PREVIEW = "preview", _("chờ xác nhận")
    COMMITTED = "committed", _("đã ghi")
    REJECTED = "rejected", _("bị từ chối")
    FAILED = "failed", _("lỗi")
    CANCELLED = "cancelled", _("đã hủy")


class IngestBatch(models.Model):
    """One delivery of data (a file, a push request, an NGSI-LD call, a pull, an MQTT flush): who sent it,
    how many rows, what was wrong at which row. It is the audit record of bulk data, and the idempotency
    record: the same key (or the same file content) from the same unit is not written twice."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("hình thức"), max_length=10, choices=SourceKind.choices)
    source = models.ForeignKey(DataSource, verbose_name=_("nguồn"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="batches")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị gửi"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    api_key = models.ForeignKey(ApiKey, verbose_name=_("khóa API"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    idempotency_key = models.CharField(_("khóa chống gửi trùng"), max_length=100, blank=True)
    content_hash = models.CharField(_("mã băm nội dung"), max_length=64, blank=True, db_index=True)
    filename = models.CharField(_("tên tệp"), max_length=255, blank=True)
    file = models.FileField(_("tệp"), upload_to="ingest/%Y/%m/", blank=True)
    target = models.CharField(_("loại dữ liệu"), max_length=12, blank=True,
                              help_text=_("observations hoặc readings"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=BatchStatus.choices,
                              default=BatchStatus.PREVIEW)
    rows_received = models.PositiveIntegerField(_("số dòng nhận"), default=0)
    rows_written = models.PositiveIntegerField(_("số dòng ghi"), default=0)
    errors = models.JSONField(_("lỗi theo dòng"), default=list, blank=True,
                              help_text=_("Danh sách {row, column, message}."))
    summary = models.JSONField(_("tóm tắt"), default=dict, blank=True)
    created_at = models.DateTimeField(_("lúc nhận"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("lúc xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("lô dữ liệu")
        verbose_name_plural = _("lô dữ liệu")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "idempotency_key"],
                                    condition=~Q(idempotency_key=""), name="monitoring_batch_idempotency"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


# --- Observations (indicator × area × period) -----------------------------------------------------


class Quality(models.TextChoices):
    OFFICIAL = "official", _("chính thức")
    PRELIMINARY = "preliminary", _("sơ bộ")
    ESTIMATED = "estimated", _("ước tính")
    DERIVED = "derived", _("tổng hợp")
    SUSPECT = "suspect", _("cần kiểm tra")


class ObservationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class Observation(models.Model):
    """An indicator's value for one area (the province or a commune) and one period, starting `period` (the
    first day of the day, month, quarter or year). A correction adds revision n+1 and marks the previous one
    `is_current=False`; nothing is overwritten."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT,
                                  related_name="observations")
    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("kỳ số liệu"), help_text=_("Ngày đầu của kỳ (ngày, tháng, quý, năm)."))
    value = models.FloatField(_("giá trị"))
    quality = models.CharField(_("chất lượng"), max_length=12, choices=Quality.choices, default=Quality.OFFICIAL)
    revision = models.PositiveSmallIntegerField(_("lần điều chỉnh"), default=1)
    is_current = models.BooleanField(_("giá trị hiện hành"), default=True)
    source = models.ForeignKey(DataSource, verbose_name=_("nguồn"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="observations")
    batch = models.ForeignKey(IngestBatch, verbose_name=_("lô dữ liệu"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="observations")
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("lúc ghi"), default=timezone.now)
    superseded_at = models.DateTimeField(_("lúc bị thay thế"), null=True, blank=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        ordering = ["indicator", "period", "area"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area", "period", "revision"],
                                    name="monitoring_observation_revision"),
            models.UniqueConstraint(fields=["indicator", "area", "period"], condition=Q(is_current=True),
                                    name="monitoring_observation_one_current"),
        ]
        indexes = [
            models.Index(fields=["indicator", "period"], condition=Q(is_current=True),
                         name="monitoring_obs_current_idx"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.area_id} {self.period}: {self.value}"


# --- Stations, series, readings and rollups -------------------------------------------------------


class StationKind(models.TextChoices):
    AIR_QUALITY = "air_quality", _("Quan trắc không khí")
    WATER_LEVEL = "water_level", _("Đo mực nước")
    RAINFALL = "rainfall", _("Đo mưa")
    WATER_QUALITY = "water_quality", _("Quan trắc chất lượng nước")
    TRAFFIC = "traffic", _("Đếm lưu lượng giao thông")
    NOISE = "noise", _("Đo tiếng ồn")
    WEATHER = "weather", _("Khí tượng")


class StationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_access(self, access):
        if access.is_staff_member:
            return self
        return self.filter(is_public=True, is_active=True)


class Station(models.Model):
    """A monitoring station or device. `ngsi_id` is its NGSI-LD entity id when a FIWARE agent feeds it."""

    code = models.SlugField(_("mã trạm"), max_length=60, unique=True)
    name = models.CharField(_("tên trạm"), max_length=200)
    kind = models.CharField(_("loại trạm"), max_length=16, choices=StationKind.choices)
    latitude = models.FloatField(_("vĩ độ"))
    longitude = models.FloatField(_("kinh độ"))
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("xã/phường"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", limit_choices_to={"is_current": True})
    owner_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị quản lý"), on_delete=models.PROTECT,
                                   related_name="stations")
    source = models.ForeignKey(DataSource, verbose_name=_("nguồn dữ liệu"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="stations")
    ngsi_id = models.CharField(_("mã thực thể NGSI-LD"), max_length=255, null=True, blank=True, unique=True)
    ngsi_type = models.CharField(_("kiểu thực thể NGSI-LD"), max_length=100, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_public = models.BooleanField(_("công khai"), default=True)
    installed_on = models.DateField(_("ngày lắp đặt"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("nhận dữ liệu lần cuối"), null=True, blank=True, editable=False)
    metrics = models.ManyToManyField(Metric, through="Series", related_name="stations", blank=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("trạm quan trắc")
        verbose_name_plural = _("trạm quan trắc")
        ordering = ["kind", "code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class Series(models.Model):
    """One station's one metric: the key of its readings. The latest value is kept here for maps and cards."""

    station = models.ForeignKey(Station, verbose_name=_("trạm"), on_delete=models.CASCADE, related_name="series")
    metric = models.ForeignKey(Metric, verbose_name=_("đại lượng"), on_delete=models.PROTECT, related_name="series")
    last_t = models.BigIntegerField(_("thời điểm đo cuối (epoch)"), null=True, blank=True)
    last_value = models.FloatField(_("giá trị cuối"), null=True, blank=True)
    # The station's own thresholds, where its place calls for them (each river's alarm levels at its gauge);
    # empty: the metric's.
    warning_threshold = models.FloatField(_("ngưỡng cảnh báo riêng của trạm"), null=True, blank=True,
                                          help_text=_("Để trống để dùng ngưỡng chung của đại lượng đo."))
    critical_threshold = models.FloatField(_("ngưỡng nghiêm trọng riêng của trạm"), null=True, blank=True,
                                           help_text=_("Để trống để dùng ngưỡng chung của đại lượng đo."))

    class Meta:
        verbose_name = _("chuỗi số liệu")
        verbose_name_plural = _("chuỗi số liệu")
        constraints = [models.UniqueConstraint(fields=["station", "metric"], name="monitoring_series_unique")]

    def __str__(self):
        return f"{self.station.code}/{self.metric.code}"

    @property
    def last_time(self):
        return from_epoch(self.last_t) if self.last_t is not None else None

    def thresholds(self, metric=None):
        """(warning, critical): the station's own where set, else the metric's."""
        return series_thresholds(metric or self.metric, self.warning_threshold, self.critical_threshold)

    def status_for(self, value, metric=None):
        metric = metric or self.metric
        warning, critical = self.thresholds(metric)
        return status_for(value, direction=metric.direction, warning=warning, critical=critical)

    def clean(self):
        if self.metric_id:
            check_thresholds(self.metric.direction, *self.thresholds())


def series_thresholds(metric, warning, critical):
    """(warning, critical) of a series from its own thresholds (None: the metric's)."""
    return (metric.warning_threshold if warning is None else warning,
            metric.critical_threshold if critical is None else critical)


class Reading(models.Model):
    """A sensor reading: series × time (epoch seconds, UTC) → value. Narrow and keyed by its primary key
    (series, t); written only in bulk by `storage.write_readings`, never one ORM save per row."""

    pk = models.CompositePrimaryKey("series", "t")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    t = models.BigIntegerField()
    value = models.FloatField()

    class Meta:
        verbose_name = _("giá trị đo")
        verbose_name_plural = _("giá trị đo")


class Rollup(models.Model):
    """Count, sum, min and max of readings over an hour, a Vietnamese day or a Vietnamese month."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    bucket = models.BigIntegerField()
    count = models.IntegerField()
    sum = models.FloatField()
    min = models.FloatField()
    max = models.FloatField()

    class Meta:
        abstract = True

    @property
    def mean(self):
        return self.sum / self.count if self.count else None


class SeriesRollup(Rollup):
    """One series over a bucket, with its last value. Readings arriving in order update it from the batch; late
    and corrected ones rebuild it from the raw readings, so they are counted exactly."""

    pk = models.CompositePrimaryKey("series", "grain", "bucket")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    last_t = models.BigIntegerField()
    last_value = models.FloatField()

    class Meta:
        verbose_name = _("tổng hợp theo chuỗi")
        verbose_name_plural = _("tổng hợp theo chuỗi")


class AreaRollup(Rollup):
    """One metric over every station of an area (a commune, or the whole province) for a bucket: the figures
    dashboards and commune comparisons read."""

    pk = models.CompositePrimaryKey("area", "metric", "grain", "bucket")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                             db_index=False)
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    stations = models.IntegerField()

    class Meta:
        verbose_name = _("tổng hợp theo địa bàn")
        verbose_name_plural = _("tổng hợp theo địa bàn")


# --- The video wall -------------------------------------------------------------------------------


class WallResolution(models.TextChoices):
    FULL_HD = "1080p", "1920 × 1080"
    UHD = "2160p", "3840 × 2160"


class WallLayout(models.Model):
    """A set of panels the IOC's video wall rotates through, chosen by operators."""

    name = models.CharField(_("tên"), max_length=120)
    resolution = models.CharField(_("độ phân giải"), max_length=6, choices=WallResolution.choices,
                                  default=WallResolution.FULL_HD)
    is_default = models.BooleanField(_("mặc định"), default=False)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("bố cục màn hình lớn")
        verbose_name_plural = _("bố cục màn hình lớn")
        ordering = ["-is_default", "name"]

    def __str__(self):
        return self.name


class PanelKind(models.TextChoices):
    DOMAIN = "domain", _("Chỉ tiêu của một lĩnh vực")
    INDICATOR = "indicator", _("Một chỉ tiêu theo xã/phường")
    SENSORS = "sensors", _("Bản đồ trạm quan trắc")
    EVENTS = "events", _("Sự kiện cảnh báo")
    FEEDBACK = "feedback", _("Phản ánh của người dân")


class WallPanel(models.Model):
    layout = models.ForeignKey(WallLayout, verbose_name=_("bố cục"), on_delete=models.CASCADE,
                               related_name="panels")
    kind = models.CharField(_("loại"), max_length=10, choices=PanelKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=120, blank=True)
    domain = models.ForeignKey(Domain, verbose_name=_("lĩnh vực"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    seconds = models.PositiveSmallIntegerField(_("thời gian hiển thị (giây)"), default=20)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("màn hình")
        verbose_name_plural = _("màn hình")
        ordering = ["layout", "order", "pk"]

    def __str__(self):
        return self.title or self.get_kind_display()
