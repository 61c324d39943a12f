"""The ground every module stands on: areas, units, memberships, audit, working time,
notifications and API keys."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ioc.lib.refcache import ReferenceCache

from .roles import Role

# --- Administrative areas -------------------------------------------------------------------------


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Quận/Huyện (trước 1/7/2025)")
    COMMUNE = "commune", _("Xã/Phường/Đặc khu")


class AreaQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def historical(self):
        return self.filter(is_current=False)

    def communes(self):
        return self.filter(level=AreaLevel.COMMUNE, is_current=True)


class Area(models.Model):
    """An administrative unit (*đơn vị hành chính*).

    Current areas follow the two-level system in force since 1 July 2025 (province → commune).
    Former units (province → district → commune) are kept with is_current=False; a former commune
    names the current commune it became part of in `successor`.
    """

    code = models.CharField(_("mã"), max_length=12, help_text=_("Mã đơn vị hành chính chính thức."))
    name = models.CharField(_("tên"), max_length=120)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=30, help_text=_("Tỉnh, Thành phố, Xã, Phường, Đặc khu, Huyện…"))
    level = models.CharField(_("cấp"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_current = models.BooleanField(_("đang có hiệu lực"), default=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("nay thuộc"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text=_("Đơn vị hiện hành mà đơn vị cũ đã được sáp nhập vào."),
    )
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    area_km2 = models.FloatField(_("diện tích (km²)"), null=True, blank=True)
    search_key = models.CharField(_("khóa tìm kiếm"), max_length=120, db_index=True, editable=False, default="")

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["-is_current", "level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "is_current"],
                name="core_area_code_unique",
                violation_error_message=_("Mã đơn vị hành chính đã tồn tại."),
            )
        ]
        indexes = [models.Index(fields=["level", "is_current"])]

    def __str__(self):
        return self.name

    @property
    def current_area(self):
        """The area in force today that this one resolves to."""
        return self if self.is_current else self.successor


# --- Units (agencies) -----------------------------------------------------------------------------


class UnitKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", _("UBND tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND xã, phường")
    POLICE = "police", _("Công an")
    IOC = "ioc", _("Trung tâm điều hành (IOC)")
    UTILITY = "utility", _("Doanh nghiệp dịch vụ công ích")
    OTHER = "other", _("Khác")


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Unit(models.Model):
    """An agency (*đơn vị*): a department, a commune People's Committee, the police, the IOC, a utility."""

    code = models.SlugField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại đơn vị"), max_length=30, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    areas = models.ManyToManyField(Area, verbose_name=_("địa bàn phụ trách"), blank=True, related_name="units")
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role in a unit. A user without membership is a citizen."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.staff_choices())
    title = models.CharField(_("chức vụ"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="core_membership_unique",
                violation_error_message=_("Người dùng đã có vai trò này trong đơn vị."),
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


# --- Audit log ------------------------------------------------------------------------------------


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Cập nhật")
    DELETE = "delete", _("Xóa")
    TRANSITION = "transition", _("Chuyển trạng thái")
    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")
    LOGOUT = "logout", _("Đăng xuất")
    LOCKOUT = "lockout", _("Khóa do đăng nhập sai")
    ROLE_CHANGE = "role_change", _("Thay đổi vai trò")
    TWO_FACTOR = "two_factor", _("Xác thực hai lớp")
    PASSWORD = "password", _("Mật khẩu")
    EXPORT = "export", _("Xuất dữ liệu")
    API_KEY = "api_key", _("Khóa API")


class AuditEvent(models.Model):
    """One line of the audit log. Append-only: the database refuses updates and deletes."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    actor_label = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    action = models.CharField(_("hành động"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=80, blank=True)  # (object_type, object_id)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("nhật ký hệ thống")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


# --- Working time ---------------------------------------------------------------------------------


def default_working_periods():
    return [["07:30", "11:30"], ["13:30", "17:00"]]


class WorkingCalendar(models.Model):
    """Working days and hours used to count every deadline. The row with is_default=True is used."""

    name = models.CharField(_("tên lịch"), max_length=100, default=_("Lịch làm việc hành chính"))
    weekdays = models.JSONField(
        _("ngày làm việc trong tuần"), default=list, help_text=_("0 = Thứ Hai … 6 = Chủ Nhật.")
    )
    periods = models.JSONField(_("giờ làm việc"), default=default_working_periods)
    is_default = models.BooleanField(_("mặc định"), default=True)

    class Meta:
        verbose_name = _("lịch làm việc")
        verbose_name_plural = _("lịch làm việc")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from .worktime import WorkingTime

        if not isinstance(self.weekdays, list) or not all(isinstance(d, int) and 0 <= d <= 6 for d in self.weekdays):
            raise ValidationError({"weekdays": _("Ngày làm việc là danh sách số từ 0 (Thứ Hai) đến 6 (Chủ Nhật).")})
        try:
            WorkingTime(weekdays=self.weekdays, periods=self.periods)
        except (TypeError, ValueError):
            raise ValidationError({"periods": _(
                "Giờ làm việc là danh sách khoảng [\"HH:MM\", \"HH:MM\"] tăng dần, không chồng lên nhau, "
                "ví dụ [[\"07:30\", \"11:30\"], [\"13:30\", \"17:00\"]].")}) from None


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ lễ, Tết")
    DAY_OFF = "day_off", _("Ngày nghỉ bù, hoán đổi")
    WORKING_DAY = "working_day", _("Ngày làm bù")


class Holiday(models.Model):
    """A date that breaks the weekly pattern: a public holiday, a day off in lieu, or a make-up working day."""

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên"), max_length=150)
    kind = models.CharField(_("loại"), max_length=20, choices=HolidayKind.choices, default=HolidayKind.HOLIDAY)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


# --- Notifications --------------------------------------------------------------------------------


class Channel(models.TextChoices):
    INAPP = "inapp", _("Trong hệ thống")
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo OA")


class Notification(models.Model):
    """A message for one user; it always shows in the in-app inbox and is delivered on other channels."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(_("chủ đề"), max_length=60, db_index=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("liên kết"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")
    SKIPPED = "skipped", _("Bỏ qua")


class Delivery(models.Model):
    """One attempt chain to deliver a notification on one outside channel."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("địa chỉ nhận"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt gửi thông báo")
        verbose_name_plural = _("lượt gửi thông báo")


class NotificationPreference(models.Model):
    """A user's choice to receive (or not) a topic on a channel. No row means the channel's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs")
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    topic = models.CharField(_("chủ đề"), max_length=60, blank=True, help_text=_("Để trống: mọi chủ đề."))
    enabled = models.BooleanField(_("nhận"), default=True)

    class Meta:
        verbose_name = _("tùy chọn nhận thông báo")
        verbose_name_plural = _("tùy chọn nhận thông báo")
        constraints = [models.UniqueConstraint(fields=["user", "channel", "topic"], name="core_notif_pref_unique")]


# --- API keys -------------------------------------------------------------------------------------


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A key for a machine client acting for a unit. Only a SHA-256 hash of the secret is stored."""

    PREFIX = "ioc_"

    name = models.CharField(_("tên"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="api_keys")
    key_prefix = models.CharField(_("tiền tố"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_secret(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()

    def set_new_key(self) -> str:
        """Generate a key, keep its hash, and return the raw key (shown once)."""
        prefix = secrets.token_hex(4)
        raw = f"{self.PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        self.key_prefix = prefix
        self.key_hash = self.hash_secret(raw)
        return raw

    @classmethod
    def find(cls, raw_key: str):
        """The active key matching raw_key, or None (constant-time comparison of hashes)."""
        if not raw_key or not raw_key.startswith(cls.PREFIX) or raw_key.count("_") < 2:
            return None
        prefix = raw_key[len(cls.PREFIX):].split("_", 1)[0]
        key = ACTIVE_API_KEYS.get().get(prefix)
        if key and secrets.compare_digest(key.key_hash, cls.hash_secret(raw_key)):
            return key
        return None


def _load_active_api_keys():
    return {key.key_prefix: key for key in ApiKey.objects.active().select_related("unit")}


# Machine clients authenticate on every request; the few active keys are kept per process and reloaded when a key
# or a unit is saved (revoking a key saves it), so a busy client costs no query.
ACTIVE_API_KEYS = ReferenceCache("api-keys", _load_active_api_keys, models=[ApiKey, Unit])
