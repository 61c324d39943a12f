"""User accounts: staff and citizens share one model; what they may do comes from memberships."""

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class IocUserManager(UserManager):
    def get_by_natural_key(self, username):
        # Sign-in accepts the user name or the e-mail address, case-insensitively.
        return self.get(models.Q(username__iexact=username) | models.Q(email__iexact=username))


class User(AbstractUser):
    public_id = models.UUIDField(_("mã công khai"), default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    large_text = models.BooleanField(_("chữ lớn"), default=False)
    high_contrast = models.BooleanField(_("tương phản cao"), default=False)
    email_verified_at = models.DateTimeField(
        _("xác nhận thư điện tử lúc"), null=True, blank=True,
        help_text=_("Khi chủ tài khoản mở đường dẫn xác nhận, hoặc khi quản trị viên tạo, sửa địa chỉ. "
                    "Thông báo qua thư điện tử chỉ gửi đến người dân đã xác nhận địa chỉ."),
    )
    is_demo = models.BooleanField(
        _("tài khoản trình diễn"), default=False, help_text=_("Tài khoản mẫu; không được tồn tại khi vận hành thật.")
    )

    objects = IocUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique",
                violation_error_message=_("Địa chỉ thư điện tử này đã được dùng cho một tài khoản khác."),
            )
        ]

    def __str__(self):
        return self.full_name or self.get_username()

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    @property
    def email_verified(self):
        return bool(self.email) and self.email_verified_at is not None

    def get_short_name(self):
        return self.full_name.split()[-1] if self.full_name else self.username
