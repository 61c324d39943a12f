"""Citizen feedback (*phản ánh, kiến nghị*): reports from the web, the hotline and Open311, routed to the
agency responsible, answered within working-time deadlines, and published without private data."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ioc.core.models import Area, Unit
from ioc.lib.localized import Localized

# --- Reference data: categories, routing, templates -----------------------------------------------


class Priority(models.TextChoices):
    NORMAL = "normal", _("Thông thường")
    URGENT = "urgent", _("Khẩn")


class Category(Localized, models.Model):
    """A kind of problem (*lĩnh vực*). A tree; each category is an Open311 service (code = service_code)."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=150)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=150, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    parent = models.ForeignKey("self", verbose_name=_("thuộc nhóm"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    keywords = models.TextField(_("từ khóa"), blank=True, help_text=_("Các từ khóa, cách nhau bởi dấu phẩy."))
    icon = models.CharField(_("biểu tượng"), max_length=40, blank=True,
                            help_text=_("Tên một biểu tượng Lucide (lucide.dev/icons), ví dụ lightbulb, trash, trees."))
    default_priority = models.CharField(_("mức độ mặc định"), max_length=10, choices=Priority.choices,
                                        default=Priority.NORMAL)
    is_public = models.BooleanField(_("công khai"), default=True,
                                    help_text=_("Phản ánh thuộc lĩnh vực này được công khai trên bản đồ, danh sách."))
    is_active = models.BooleanField(_("đang sử dụng"), default=True)
    # Deadlines in working time, per priority (data, edited by administrators).
    acceptance_hours = models.PositiveSmallIntegerField(_("hạn tiếp nhận (giờ làm việc)"), default=8)
    acceptance_hours_urgent = models.PositiveSmallIntegerField(_("hạn tiếp nhận khi khẩn (giờ làm việc)"), default=4)
    answer_days = models.PositiveSmallIntegerField(_("hạn trả lời (ngày làm việc)"), default=5)
    answer_days_urgent = models.PositiveSmallIntegerField(_("hạn trả lời khi khẩn (ngày làm việc)"), default=2)
    duplicate_radius_m = models.PositiveIntegerField(_("bán kính phát hiện trùng (m)"), default=150)
    attributes = models.JSONField(
        _("thông tin bổ sung (Open311)"), default=list, blank=True,
        help_text=_("Danh sách thuộc tính Open311: code, datatype, required, description, values."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        verbose_name = _("lĩnh vực phản ánh")
        verbose_name_plural = _("lĩnh vực phản ánh")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        from .icons import icon_exists

        if self.icon and not icon_exists(self.icon):
            raise ValidationError({"icon": _("Không có biểu tượng “%(name)s” trong bộ Lucide đi kèm hệ thống.")
                                   % {"name": self.icon}})

    def ancestors(self):
        """This category and its parents, nearest first."""
        chain, node = [], self
        while node is not None and len(chain) < 10:
            chain.append(node)
            node = node.parent
        return chain

    def keyword_list(self):
        return [k.strip().lower() for k in self.keywords.split(",") if k.strip()]


class RoutingRule(models.Model):
    """Where reports go: category × area → lead unit (and cooperating units). The most specific rule wins;
    no matching rule sends the report to IOC triage."""

    category = models.ForeignKey(Category, verbose_name=_("lĩnh vực"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="routing_rules",
                                 help_text=_("Để trống: mọi lĩnh vực."))
    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", limit_choices_to={"is_current": True},
                             help_text=_("Để trống: toàn tỉnh."))
    lead_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT,
                                  related_name="+")
    cooperating_units = models.ManyToManyField(Unit, verbose_name=_("đơn vị phối hợp"), blank=True,
                                               related_name="+")
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("quy tắc chuyển xử lý")
        verbose_name_plural = _("quy tắc chuyển xử lý")
        # One rule per (category, area), "any" included: a plain unique constraint lets NULLs repeat, and two
        # rules for "any area" would leave the route to chance.
        constraints = [models.UniqueConstraint(
            Coalesce("category", Value(0)), Coalesce("area", Value(0)), name="feedback_rule_unique_pair",
            violation_error_message=_("Đã có quy tắc cho lĩnh vực và địa bàn này."))]

    def __str__(self):
        return f"{self.category or '*'} × {self.area or '*'} → {self.lead_unit}"


class ResponseTemplate(models.Model):
    """A unit's ready-made answer text (*mẫu trả lời*)."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="response_templates")
    title = models.CharField(_("tên mẫu"), max_length=120)
    body = models.TextField(_("nội dung"))

    class Meta:
        verbose_name = _("mẫu trả lời")
        verbose_name_plural = _("mẫu trả lời")
        ordering = ["unit", "title"]

    def __str__(self):
        return self.title


class FeedbackSettings(models.Model):
    """Province-wide settings of the feedback module (one row)."""

    reopen_window_days = models.PositiveSmallIntegerField(
        _("thời hạn người dân yêu cầu xử lý lại (ngày)"), default=7)
    reminder_hours_before = models.PositiveSmallIntegerField(_("nhắc trước hạn (giờ làm việc)"), default=4)

    class Meta:
        verbose_name = _("cấu hình phản ánh")
        verbose_name_plural = _("cấu hình phản ánh")

    @classmethod
    def current(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


# --- Reports --------------------------------------------------------------------------------------


class Status(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    VERIFIED = "verified", _("Đã xác minh")
    REJECTED = "rejected", _("Từ chối")
    ASSIGNED = "assigned", _("Đã chuyển xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")
    REOPENED = "reopened", _("Yêu cầu xử lý lại")


OPEN_STATUSES = (Status.RECEIVED, Status.VERIFIED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)
DONE_STATUSES = (Status.ANSWERED, Status.CLOSED)
# Statuses in which a report has reached its handling unit.
UNIT_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED, Status.REOPENED)
# Waiting for the IOC (new, verified, or asked again and not yet handed to a unit), and in a unit's hands.
TRIAGE_STATUSES = (Status.RECEIVED, Status.VERIFIED, Status.REOPENED)
HANDLING_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)


class RejectionReason(models.TextChoices):
    SPAM = "spam", _("Tin rác, nội dung không phù hợp")
    DUPLICATE = "duplicate", _("Trùng với phản ánh khác")
    OUTSIDE_COMPETENCE = "outside_competence", _("Không thuộc thẩm quyền")
    INSUFFICIENT = "insufficient", _("Không đủ thông tin để xử lý")


class Channel(models.TextChoices):
    WEB = "web", _("Cổng thông tin")
    HOTLINE = "hotline", _("Đường dây nóng 1022")
    OPEN311 = "open311", _("Ứng dụng kết nối (Open311)")


class ReportQuerySet(models.QuerySet):
    def filed_with_key(self, channel, idempotency_key):
        """The report already filed through `channel` with this idempotency key, or None. Every intake asks this,
        so it is one indexed statement written out (the ORM takes twenty times longer to compose it than the
        database to answer); only the id and code are loaded, other fields load when first read (re-sends only)."""
        from django.db import connection

        with connection.cursor() as cursor:
            # The last condition is the unique index's own (Meta.constraints): SQLite uses a partial index only
            # when the query states its condition.
            cursor.execute(f'SELECT "id", "code" FROM "{Report._meta.db_table}" WHERE "channel" = %s AND '
                           '"idempotency_key" = %s AND NOT ("idempotency_key" = \'\') LIMIT 1',
                           [channel, idempotency_key])
            row = cursor.fetchone()
        return None if row is None else Report.from_db(connection.alias, ["id", "code"], list(row))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def awaiting_triage(self):
        """The IOC's triage queue: not yet with a unit, and not merged into another report."""
        return self.filter(status__in=TRIAGE_STATUSES, merged_into__isnull=True)

    def public(self):
        """What the public may see: public categories, not rejected, not merged into another report."""
        return self.filter(category__is_public=True, merged_into__isnull=True).exclude(status=Status.REJECTED)

    def for_access(self, access):
        """Reports a staff member may see: all for province-wide roles; for unit staff, the reports that have
        reached their units (assigned or later), as lead or cooperating unit. Before assignment a report is the
        IOC's, even when routing already names a unit."""
        if access.province_wide:
            return self
        if not access.unit_ids:
            return self.none()
        # A subquery rather than a join: no DISTINCT over the inbox, and the (lead_unit, status) index still serves.
        cooperating = Report.cooperating_units.through.objects.filter(unit_id__in=access.unit_ids).values("report_id")
        return self.filter(Q(lead_unit_id__in=access.unit_ids) | Q(pk__in=cooperating), status__in=UNIT_STATUSES)

    def overdue(self, now=None):
        now = now or timezone.now()
        return self.open().filter(Q(answer_due__lt=now) | Q(status=Status.RECEIVED, acceptance_due__lt=now))


class Report(models.Model):
    """One citizen report or question (*phản ánh, kiến nghị*). `code` is its public tracking code."""

    code = models.CharField(_("mã phản ánh"), max_length=20, unique=True, editable=False)
    token = models.UUIDField(_("mã tạm (Open311)"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    # Foreign keys led by a composite index in Meta.indexes are not indexed alone: every index costs each intake.
    category = models.ForeignKey(Category, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="reports",
                                 db_index=False)
    description = models.TextField(_("nội dung"), max_length=4000)
    attributes = models.JSONField(_("thông tin bổ sung"), default=dict, blank=True)
    # Where
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("xã, phường"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    # Who (private: visible to IOC staff only; to agencies unless anonymous)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người phản ánh"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reports")
    reporter_name = models.CharField(_("họ tên người phản ánh"), max_length=150, blank=True)
    reporter_email = models.EmailField(_("thư điện tử người phản ánh"), blank=True)
    reporter_phone = models.CharField(_("điện thoại người phản ánh"), max_length=20, blank=True)
    is_anonymous = models.BooleanField(_("ẩn danh với cơ quan xử lý"), default=False)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("điều hành viên ghi nhận"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    # Handling
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    priority = models.CharField(_("mức độ"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    rejection_reason = models.CharField(_("lý do từ chối"), max_length=20, choices=RejectionReason.choices, blank=True)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị chủ trì"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="led_reports", db_index=False)
    cooperating_units = models.ManyToManyField(Unit, verbose_name=_("đơn vị phối hợp"), blank=True,
                                               related_name="cooperating_reports")
    # Indexed only where set (Meta.indexes): a full index makes SQLite read "merged_into IS NULL", true of
    # nearly every report, as a selective lookup and walk the whole table through it.
    merged_into = models.ForeignKey("self", verbose_name=_("gộp vào"), null=True, blank=True, db_index=False,
                                    on_delete=models.SET_NULL, related_name="merged_reports")
    # Times and deadlines (working time)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), default=timezone.now, db_index=True)
    acceptance_due = models.DateTimeField(_("hạn tiếp nhận"), null=True, blank=True)
    answer_due = models.DateTimeField(_("hạn trả lời"), null=True, blank=True, db_index=True)
    verified_at = models.DateTimeField(_("thời điểm xác minh"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("thời điểm chuyển xử lý"), null=True, blank=True)
    answered_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True)
    closed_at = models.DateTimeField(_("thời điểm đóng"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)
    # When the intake's background job (photos, then the acknowledgement) finished; a sweep resumes reports whose
    # job was never queued (the queue was down) or never finished.
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Answer and satisfaction
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người trả lời"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    rating = models.PositiveSmallIntegerField(_("đánh giá"), null=True, blank=True)
    rating_comment = models.TextField(_("ý kiến đánh giá"), blank=True)
    rated_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("trả lời đúng hạn"), null=True, blank=True)
    # Re-sending the same report (same channel and key) returns the stored one.
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("phản ánh")
        verbose_name_plural = _("phản ánh")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["lead_unit", "status", "answer_due"]),
            models.Index(fields=["category", "received_at"]),
            models.Index(fields=["area", "received_at"]),
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["merged_into"], condition=Q(merged_into__isnull=False), name="feedback_report_merged"),
        ]
        constraints = [
            # Also the index of re-send lookups (ReportQuerySet.filed_with_key repeats its condition, so that SQLite
            # uses it).
            models.UniqueConstraint(fields=["channel", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="feedback_report_idempotency"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="feedback_rating_range",
                                   violation_error_message=_("Đánh giá từ 1 đến 5 sao.")),
        ]

    def __str__(self):
        return self.code

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_public(self):
        return self.category.is_public and self.merged_into_id is None and self.status != Status.REJECTED

    def is_overdue(self, now=None):
        now = now or timezone.now()
        if not self.is_open:
            return False
        if self.status == Status.RECEIVED and self.acceptance_due and self.acceptance_due < now:
            return True
        return bool(self.answer_due and self.answer_due < now)

    def current_deadline(self):
        """The deadline that matters now: acceptance while received, then the answer."""
        if self.status == Status.RECEIVED:
            return self.acceptance_due
        return self.answer_due if self.is_open else None

    def reporter_label(self):
        return self.reporter_name or (self.reporter.get_full_name() if self.reporter_id else "")


def photo_path(instance, filename):
    return f"feedback/{instance.report.code}/{uuid.uuid4().hex}.jpg"


class PhotoKind(models.TextChoices):
    INTAKE = "intake", _("Ảnh người dân gửi")
    ANSWER = "answer", _("Ảnh kết quả xử lý")


class ReportPhoto(models.Model):
    """A photo sent with a report or an answer. The original upload is kept until the background job has
    re-encoded it (metadata stripped) and made a thumbnail."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=PhotoKind.choices, default=PhotoKind.INTAKE)
    upload = models.FileField(upload_to="feedback/uploads/", blank=True)
    image = models.ImageField(upload_to=photo_path, blank=True)
    thumbnail = models.ImageField(upload_to=photo_path, blank=True)
    is_ready = models.BooleanField(default=False)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")
        ordering = ["id"]


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Chuyển trạng thái")
    NOTE = "note", _("Ghi chú nội bộ")
    TRANSFER = "transfer", _("Chuyển đơn vị")
    EXTENSION = "extension", _("Gia hạn")
    MERGE = "merge", _("Gộp phản ánh")
    RATING = "rating", _("Đánh giá")


class ReportEvent(models.Model):
    """The timeline of a report: every move (who, when, note). Public events show on the public page without
    private data; internal notes never do."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", db_index=False)  # (report, at)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=EventKind.choices, default=EventKind.TRANSITION)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["report", "at"])]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REFUSED = "refused", _("Không duyệt")


class ExtensionRequest(models.Model):
    """A unit asks the IOC for more time to answer (*gia hạn*)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    days = models.PositiveSmallIntegerField(_("số ngày làm việc xin gia hạn"))
    reason = models.TextField(_("lý do"))
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]


class Follow(models.Model):
    """A signed-in citizen follows a report to get its updates."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_reports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="feedback_follow_unique")]


class CodeSequence(models.Model):
    """Per-year counter behind tracking codes PA-2026-000123 (row-locked on PostgreSQL)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
