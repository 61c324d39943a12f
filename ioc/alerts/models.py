"""Alerts (*cảnh báo*): rules that watch sensor metrics and indicators, and the events their breaches open.

- An `AlertRule` says what to watch (a sensor metric, optionally at one station or in one area; an indicator,
  optionally for one area; or, for silence, a station or a data source), the condition (above, below, rate of
  change, no data), the threshold, the severity (CAP's values), the responsible unit and the CAP fields used
  when the alert is published.
- An `AlertEvent` is one breach of one rule for one subject (a series, or an indicator in an area…). There is at
  most one active (open or acknowledged) event per (rule, subject): repeated breaches update it. It ends
  resolved, by a person or automatically after the value has stayed normal for the rule's resolve-after time.
- `EventNote` is the event's timeline: the system's entries (opened, escalated, acknowledged, resolved) and the
  notes staff add.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ioc.core.models import Area, Unit
from ioc.monitoring.models import DataSource, Indicator, Metric, Series, Station


class Condition(models.TextChoices):
    ABOVE = "above", _("Vượt ngưỡng (lớn hơn)")
    BELOW = "below", _("Dưới ngưỡng (nhỏ hơn)")
    RATE_PERCENT = "rate_pct", _("Thay đổi nhanh (%)")
    RATE_ABSOLUTE = "rate_abs", _("Thay đổi nhanh (giá trị tuyệt đối)")
    NO_DATA = "no_data", _("Mất dữ liệu (nguồn im lặng)")


RATE_CONDITIONS = (Condition.RATE_PERCENT, Condition.RATE_ABSOLUTE)


class Severity(models.TextChoices):
    """CAP 1.2 severity values; the labels are those Vietnamese warning bulletins use."""

    MINOR = "Minor", _("Nhẹ")
    MODERATE = "Moderate", _("Trung bình")
    SEVERE = "Severe", _("Nghiêm trọng")
    EXTREME = "Extreme", _("Đặc biệt nghiêm trọng")


SEVERITY_RANK = {Severity.MINOR: 1, Severity.MODERATE: 2, Severity.SEVERE: 3, Severity.EXTREME: 4}


class CapCategory(models.TextChoices):
    GEO = "Geo", _("Địa chất, động đất")
    MET = "Met", _("Khí tượng, thủy văn")
    SAFETY = "Safety", _("An toàn công cộng")
    SECURITY = "Security", _("An ninh")
    RESCUE = "Rescue", _("Cứu nạn, cứu hộ")
    FIRE = "Fire", _("Cháy, nổ")
    HEALTH = "Health", _("Y tế, sức khỏe")
    ENV = "Env", _("Môi trường")
    TRANSPORT = "Transport", _("Giao thông")
    INFRA = "Infra", _("Hạ tầng, dịch vụ thiết yếu")
    CBRNE = "CBRNE", _("Hóa chất, sinh học, phóng xạ")
    OTHER = "Other", _("Khác")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Khẩn cấp, cần ứng phó ngay")
    EXPECTED = "Expected", _("Cần ứng phó trong vòng 1 giờ")
    FUTURE = "Future", _("Cần ứng phó trong thời gian tới")
    PAST = "Past", _("Không còn cần ứng phó")
    UNKNOWN = "Unknown", _("Chưa xác định")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("Đã quan trắc được")
    LIKELY = "Likely", _("Nhiều khả năng (trên 50%)")
    POSSIBLE = "Possible", _("Có thể xảy ra")
    UNLIKELY = "Unlikely", _("Ít khả năng")
    UNKNOWN = "Unknown", _("Chưa xác định")


class AlertRuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class AlertRule(models.Model):
    """What to watch and when to raise an alert. Thresholds and routing are data the IOC edits."""

    name = models.CharField(_("tên quy tắc"), max_length=200)
    description = models.TextField(_("mô tả, căn cứ"), blank=True,
                                   help_text=_("Ví dụ: QCVN 05:2023/BTNMT, mức báo động theo Quyết định 05/2020/QĐ-TTg."))
    # What is watched
    metric = models.ForeignKey(Metric, verbose_name=_("đại lượng đo"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="alert_rules")
    station = models.ForeignKey(Station, verbose_name=_("trạm"), null=True, blank=True, on_delete=models.CASCADE,
                                related_name="alert_rules", help_text=_("Để trống: mọi trạm đo đại lượng này."))
    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="alert_rules")
    source = models.ForeignKey(DataSource, verbose_name=_("nguồn dữ liệu"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="alert_rules",
                               help_text=_("Chỉ dùng cho điều kiện mất dữ liệu."))
    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", limit_choices_to={"is_current": True},
                             help_text=_("Để trống: mọi địa bàn."))
    # When
    condition = models.CharField(_("điều kiện"), max_length=10, choices=Condition.choices, default=Condition.ABOVE)
    threshold = models.FloatField(
        _("ngưỡng"), null=True, blank=True,
        help_text=_("Với điều kiện thay đổi nhanh: số dương là tăng, số âm là giảm (ví dụ 30 = tăng từ 30%)."))
    window_minutes = models.PositiveIntegerField(
        _("khoảng thời gian (phút)"), null=True, blank=True,
        help_text=_("Thay đổi nhanh: so với giá trị cách đây bao nhiêu phút. Mất dữ liệu: im lặng quá bao nhiêu phút."))
    severity = models.CharField(_("mức độ nghiêm trọng"), max_length=10, choices=Severity.choices,
                                default=Severity.MODERATE)
    escalation_threshold = models.FloatField(
        _("ngưỡng nâng mức"), null=True, blank=True,
        help_text=_("Khi giá trị vượt ngưỡng này, sự kiện được nâng lên mức nghiêm trọng bên dưới và báo lại."))
    escalation_severity = models.CharField(_("mức độ khi nâng mức"), max_length=10, choices=Severity.choices,
                                           blank=True)
    resolve_after_minutes = models.PositiveIntegerField(
        _("tự kết thúc sau (phút)"), default=60,
        help_text=_("Giá trị trở lại bình thường liên tục trong khoảng này thì sự kiện tự kết thúc. Trong khoảng "
                    "này, cảm biến dao động quanh ngưỡng vẫn chỉ cập nhật một sự kiện."))
    # Who
    responsible_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị chịu trách nhiệm"), on_delete=models.PROTECT,
                                         related_name="alert_rules")
    # Publication (CAP 1.2)
    is_public = models.BooleanField(_("công bố công khai (CAP)"), default=False)
    cap_event = models.CharField(_("tên sự kiện (CAP)"), max_length=120, blank=True,
                                 help_text=_("Ví dụ: Ô nhiễm không khí, Lũ trên sông Cầu."))
    cap_category = models.CharField(_("nhóm sự kiện (CAP)"), max_length=10, choices=CapCategory.choices,
                                    default=CapCategory.ENV)
    cap_urgency = models.CharField(_("mức khẩn cấp (CAP)"), max_length=10, choices=Urgency.choices,
                                   default=Urgency.EXPECTED)
    cap_certainty = models.CharField(_("mức chắc chắn (CAP)"), max_length=10, choices=Certainty.choices,
                                     default=Certainty.OBSERVED)
    instruction = models.TextField(_("khuyến cáo cho người dân"), blank=True)
    radius_km = models.FloatField(_("bán kính ảnh hưởng quanh trạm (km)"), default=2.0)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = AlertRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy tắc cảnh báo")
        verbose_name_plural = _("quy tắc cảnh báo")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(metric__isnull=False, indicator__isnull=True, source__isnull=True)
                           | Q(metric__isnull=True, indicator__isnull=False, source__isnull=True, station__isnull=True)
                           | Q(metric__isnull=True, indicator__isnull=True, condition="no_data")),
                name="alerts_rule_one_target",
                violation_error_message=_("Quy tắc theo dõi đúng một đối tượng: đại lượng đo, chỉ tiêu, hoặc (khi "
                                          "mất dữ liệu) một trạm hay một nguồn dữ liệu."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def target_kind(self):
        if self.metric_id:
            return "metric"
        if self.indicator_id:
            return "indicator"
        if self.station_id:
            return "station"
        return "source"

    @property
    def unit_of_measure(self):
        if self.condition == Condition.NO_DATA:
            return _("phút")
        if self.condition == Condition.RATE_PERCENT:
            return "%"
        if self.metric_id:
            return self.metric.unit_of_measure
        if self.indicator_id:
            return self.indicator.unit_of_measure
        return ""

    def severity_for(self, value):
        """The severity a value deserves: the escalation level once it passes the escalation threshold."""
        if (self.escalation_threshold is not None and self.escalation_severity and value is not None
                and self.breaches(value, self.escalation_threshold)):
            return self.escalation_severity
        return self.severity

    def breaches(self, value, threshold=None):
        """Whether a value (a reading, a change, minutes of silence) is past the threshold."""
        if threshold is None:
            # No data: the threshold is the window, in minutes of silence.
            threshold = self.window_minutes if self.condition == Condition.NO_DATA else self.threshold
        if value is None or threshold is None:
            return False
        if self.condition == Condition.BELOW:
            return value < threshold
        if self.condition in RATE_CONDITIONS:
            return value <= threshold if threshold < 0 else value >= threshold
        if self.condition == Condition.NO_DATA:
            return value >= threshold
        return value > threshold

    def describe_condition(self):
        """The condition in words, for lists and messages: "> 50 µg/m³", "mất dữ liệu quá 60 phút"."""
        uom = self.unit_of_measure
        if self.condition == Condition.NO_DATA:
            return _("không nhận được dữ liệu quá %(n)s phút") % {"n": self.window_minutes}
        if self.condition in RATE_CONDITIONS:
            verb = _("giảm") if (self.threshold or 0) < 0 else _("tăng")
            return _("%(verb)s từ %(amount)s %(uom)s trong %(n)s phút") % {
                "verb": verb, "amount": _number(abs(self.threshold or 0)), "uom": uom, "n": self.window_minutes}
        sign = "<" if self.condition == Condition.BELOW else ">"
        return f"{sign} {_number(self.threshold)} {uom}".strip()

    def clean(self):
        errors = {}
        targets = [bool(self.metric_id), bool(self.indicator_id)]
        if self.condition == Condition.NO_DATA:
            if not (self.metric_id or self.indicator_id or self.station_id or self.source_id):
                errors["metric"] = _("Hãy chọn đại lượng đo, chỉ tiêu, trạm hoặc nguồn dữ liệu cần theo dõi.")
            if self.source_id and (self.metric_id or self.indicator_id or self.station_id):
                errors["source"] = _("Quy tắc theo dõi nguồn dữ liệu thì không chọn thêm trạm, đại lượng hay chỉ tiêu.")
            if not self.window_minutes:
                errors["window_minutes"] = _("Hãy nhập số phút không có dữ liệu thì cảnh báo (ví dụ 60).")
        else:
            if self.source_id:
                errors["source"] = _("Nguồn dữ liệu chỉ dùng với điều kiện mất dữ liệu.")
            if not any(targets):
                errors["metric"] = _("Hãy chọn đại lượng đo (cảm biến) hoặc chỉ tiêu cần theo dõi.")
            if self.threshold is None:
                errors["threshold"] = _("Hãy nhập ngưỡng cảnh báo.")
            if self.condition in RATE_CONDITIONS:
                if self.threshold == 0:
                    errors["threshold"] = _("Ngưỡng thay đổi phải khác 0 (số dương là tăng, số âm là giảm).")
                if not self.window_minutes and not self.indicator_id:
                    errors["window_minutes"] = _("Hãy nhập khoảng thời gian (phút) để so sánh mức thay đổi.")
        if all(targets):
            errors["indicator"] = _("Chỉ chọn một trong hai: đại lượng đo hoặc chỉ tiêu.")
        if self.station_id and not self.metric_id and self.condition != Condition.NO_DATA:
            errors["station"] = _("Chọn trạm thì phải chọn cả đại lượng đo của trạm đó.")
        if self.station_id and self.indicator_id:
            errors["station"] = _("Quy tắc theo chỉ tiêu không gắn với trạm; hãy chọn địa bàn nếu cần.")
        if self.station_id and self.metric_id and "station" not in errors:
            if not Series.objects.filter(station_id=self.station_id, metric_id=self.metric_id).exists():
                errors["station"] = _("Trạm này không đo đại lượng đã chọn.")
        if self.indicator_id and "indicator" not in errors and self.indicator.metric_id:
            errors["indicator"] = _("Chỉ tiêu này lấy số liệu từ cảm biến: hãy đặt quy tắc theo đại lượng đo %(m)s.") % {
                "m": self.indicator.metric.name}
        if self.escalation_threshold is not None or self.escalation_severity:
            if self.escalation_threshold is None or not self.escalation_severity:
                errors["escalation_severity"] = _("Nhập cả ngưỡng nâng mức và mức độ khi nâng mức, hoặc để trống cả hai.")
            elif SEVERITY_RANK[Severity(self.escalation_severity)] <= SEVERITY_RANK[Severity(self.severity)]:
                errors["escalation_severity"] = _("Mức độ khi nâng mức phải cao hơn mức độ ban đầu.")
            elif self.threshold is not None and not self.breaches(self.escalation_threshold):
                errors["escalation_threshold"] = _("Ngưỡng nâng mức phải vượt xa hơn ngưỡng cảnh báo.")
        if self.is_public:
            if not (self.cap_event or "").strip():
                errors["cap_event"] = _("Cảnh báo công khai cần tên sự kiện bằng tiếng Việt.")
            if not (self.instruction or "").strip():
                errors["instruction"] = _("Cảnh báo công khai cần khuyến cáo cho người dân.")
        if self.radius_km is not None and not (0 < self.radius_km <= 100):
            errors["radius_km"] = _("Bán kính ảnh hưởng phải lớn hơn 0 và không quá 100 km.")
        if self.resolve_after_minutes is not None and self.resolve_after_minutes > 60 * 24 * 30:
            errors["resolve_after_minutes"] = _("Thời gian tự kết thúc không quá 30 ngày.")
        if errors:
            raise ValidationError(errors)


def _number(value):
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    # Vietnamese writes 1.234,5
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


class EventStatus(models.TextChoices):
    OPEN = "open", _("Mới phát sinh")
    ACKNOWLEDGED = "acknowledged", _("Đã tiếp nhận")
    RESOLVED = "resolved", _("Đã kết thúc")


ACTIVE_STATUSES = (EventStatus.OPEN, EventStatus.ACKNOWLEDGED)


class Resolution(models.TextChoices):
    MANUAL = "manual", _("Cán bộ kết thúc")
    AUTO = "auto", _("Tự kết thúc khi trở lại bình thường")


class AlertEventQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def for_access(self, access):
        """Every staff member sees every event (acting on one is for its unit and the IOC); others see none."""
        if access is not None and access.is_staff_member:
            return self
        return self.none()

    def public_active(self):
        return self.filter(is_public=True, status__in=ACTIVE_STATUSES)


class AlertEvent(models.Model):
    """One breach of a rule for one subject, from its first trigger to its resolution."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule = models.ForeignKey(AlertRule, verbose_name=_("quy tắc"), on_delete=models.PROTECT, related_name="events")
    subject_key = models.CharField(_("đối tượng"), max_length=60, editable=False,
                                   help_text=_("series:<id>, indicator:<id>:<area>, station:<id> hoặc source:<id>."))
    series = models.ForeignKey(Series, verbose_name=_("chuỗi số liệu"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    station = models.ForeignKey(Station, verbose_name=_("trạm"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    source = models.ForeignKey(DataSource, verbose_name=_("nguồn dữ liệu"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    responsible_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị chịu trách nhiệm"), on_delete=models.PROTECT,
                                         related_name="alert_events")
    status = models.CharField(_("trạng thái"), max_length=12, choices=EventStatus.choices, default=EventStatus.OPEN)
    severity = models.CharField(_("mức độ"), max_length=10, choices=Severity.choices)
    trigger_value = models.FloatField(_("giá trị khi phát sinh"), null=True, blank=True)
    worst_value = models.FloatField(_("giá trị xấu nhất"), null=True, blank=True)
    last_value = models.FloatField(_("giá trị gần nhất"), null=True, blank=True)
    first_triggered_at = models.DateTimeField(_("phát sinh lúc"))
    last_triggered_at = models.DateTimeField(_("vi phạm gần nhất lúc"))
    trigger_count = models.PositiveIntegerField(_("số lần vi phạm"), default=1)
    normal_since = models.DateTimeField(_("bình thường trở lại từ"), null=True, blank=True)
    headline = models.CharField(_("tiêu đề"), max_length=200)
    message = models.TextField(_("nội dung"), blank=True)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tiếp nhận"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người kết thúc"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    resolution = models.CharField(_("cách kết thúc"), max_length=8, choices=Resolution.choices, blank=True)
    # Publication: CAP 1.2 geometry ("lat,lon radius_km" circle or "lat,lon lat,lon …" closed polygon)
    is_public = models.BooleanField(_("công bố công khai (CAP)"), default=False)
    cap_circle = models.CharField(_("vùng tròn (CAP)"), max_length=80, blank=True)
    cap_polygon = models.TextField(_("vùng đa giác (CAP)"), blank=True)
    cap_version = models.PositiveSmallIntegerField(
        _("phiên bản bản tin CAP"), default=1,
        help_text=_("1: bản tin đầu (Alert); tăng khi nâng mức (Update) và khi kết thúc (Cancel)."))
    cap_sent_at = models.DateTimeField(_("bản tin CAP gửi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = AlertEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện cảnh báo")
        verbose_name_plural = _("sự kiện cảnh báo")
        ordering = ["-last_triggered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key"], condition=Q(status__in=["open", "acknowledged"]),
                name="alerts_one_active_event",
                violation_error_message=_("Đã có một sự kiện đang mở cho quy tắc và đối tượng này."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-last_triggered_at"], name="alerts_event_status_idx"),
            models.Index(fields=["is_public", "status"], name="alerts_event_public_idx"),
            models.Index(fields=["responsible_unit", "status"], name="alerts_event_unit_idx"),
        ]

    def __str__(self):
        return self.headline

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def severity_rank(self):
        return SEVERITY_RANK[Severity(self.severity)]

    @property
    def severity_css(self):
        return f"severity-{self.severity.lower()}"

    @property
    def cap_msg_type(self):
        if self.status == EventStatus.RESOLVED:
            return "Cancel"
        return "Alert" if self.cap_version <= 1 else "Update"

    def value_text(self, value):
        uom = self.rule.unit_of_measure
        return f"{_number(value)} {uom}".strip() if value is not None else "—"


class NoteKind(models.TextChoices):
    OPENED = "opened", _("Phát sinh")
    ESCALATED = "escalated", _("Nâng mức độ")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alert", "Tiếp nhận")
    RESOLVED = "resolved", _("Kết thúc")
    NOTE = "note", _("Ghi chú")


class EventNote(models.Model):
    """An entry of an event's timeline: what the system did and what staff wrote. Never published."""

    event = models.ForeignKey(AlertEvent, verbose_name=_("sự kiện"), on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("loại"), max_length=12, choices=NoteKind.choices, default=NoteKind.NOTE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người viết"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("nội dung"), blank=True)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("diễn biến sự kiện")
        verbose_name_plural = _("diễn biến sự kiện")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def author_label(self):
        return self.author.get_full_name() if self.author_id else _("Hệ thống")
