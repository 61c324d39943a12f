from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ioc.core.models import Membership

from .models import User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_active", "is_demo"]
    list_filter = ["is_active", "is_superuser", "is_demo", "memberships__role"]
    search_fields = ["username", "full_name", "email", "phone"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "email_verified_at", "phone", "language")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "is_demo")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["email_verified_at"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        # An address an administrator enters counts as verified: staff accounts get no confirmation link.
        if not change or "email" in form.changed_data:
            obj.email_verified_at = timezone.now() if obj.email else None
        super().save_model(request, obj, form, change)
