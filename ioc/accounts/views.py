"""Sign-in with an optional or required second factor, registration of citizens, profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ioc.core import audit
from ioc.core.access import get_access
from ioc.core.audit import client_ip
from ioc.core.models import AuditAction

from . import verification

from .forms import ProfileForm, RegistrationForm, SignInForm, TokenForm
from .twofactor import has_confirmed_device, pending_device, qr_svg

User = get_user_model()


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _with_language(response, user):
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if has_confirmed_device(user):
            response = redirect(f"{reverse('accounts:otp_verify')}?next={self.get_success_url()}")
        elif settings.IOC_REQUIRE_2FA_FOR_STAFF and get_access(user).is_staff_member:
            response = redirect(f"{reverse('accounts:otp_setup')}?next={self.get_success_url()}")
        return _with_language(response, user)


@login_required
@sensitive_post_parameters("token")
def otp_verify(request):
    """Second step of sign-in: a code from the authenticator app."""
    next_url = _safe_next(request, reverse("core:home"))
    if request.user.is_verified():
        return redirect(next_url)
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if not devices:
        return redirect(f"{reverse('accounts:otp_setup')}?next={next_url}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = [d for d in devices if not d.verify_is_allowed()[0]]
        if len(throttled) == len(devices):
            # django-otp slows guessing down: after each wrong code the next try must wait longer.
            form.add_error("token", _("Đã nhập sai nhiều lần. Hãy đợi ít giây rồi nhập mã mới."))
            return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                audit.record(AuditAction.TWO_FACTOR, obj=request.user, note="verified")
                return redirect(next_url)
        audit.record(AuditAction.LOGIN_FAILED, obj=request.user, note="wrong two-factor code")
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới trong ứng dụng."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@login_required
@sensitive_post_parameters("token")
def otp_setup(request):
    """Enrol an authenticator app: scan the QR code, then confirm with one code."""
    next_url = _safe_next(request, reverse("core:home"))
    if has_confirmed_device(request.user):
        return render(request, "accounts/otp_enabled.html", {"verified": request.user.is_verified()})
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(AuditAction.TWO_FACTOR, obj=request.user, note="enrolled")
            messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản."))
            return redirect(next_url)
        form.add_error("token", _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại và nhập mã mới."))
    return render(request, "accounts/otp_setup.html", {
        "form": form, "next": next_url, "qr": qr_svg(device), "secret": _base32(device),
        "required": settings.IOC_REQUIRE_2FA_FOR_STAFF and get_access(request.user).is_staff_member,
    })


def _base32(device):
    from base64 import b32encode

    return b32encode(device.bin_key).decode().rstrip("=")


@login_required
@require_POST
def otp_disable(request):
    if settings.IOC_REQUIRE_2FA_FOR_STAFF and get_access(request.user).is_staff_member:
        messages.error(request, _("Cán bộ bắt buộc dùng xác thực hai lớp; không thể tắt."))
        return redirect("accounts:otp_setup")
    if not request.user.is_verified():
        return redirect("accounts:otp_verify")
    TOTPDevice.objects.filter(user=request.user).delete()
    audit.record(AuditAction.TWO_FACTOR, obj=request.user, note="disabled")
    messages.success(request, _("Đã tắt xác thực hai lớp."))
    return redirect("accounts:profile")


@sensitive_post_parameters("password1", "password2")
def register(request):
    """Citizens create their own account with an e-mail address (phone optional)."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = User(username=data["email"], email=data["email"], full_name=data["full_name"],
                        phone=data.get("phone", ""), language=request.LANGUAGE_CODE or "vi")
            user.set_password(data["password1"])
            user.save()
        login(request, user, backend="ioc.accounts.backends.UsernameOrEmailBackend")
        messages.success(request, _("Đã tạo tài khoản. Chào mừng %(name)s!") % {"name": user.full_name})
        _send_confirmation(request, user)
        return redirect("core:home")
    return render(request, "accounts/register.html", {"form": form})


def _send_confirmation(request, user):
    """Send the confirmation link for user's address (rate-limited) and tell them what happened."""
    if not user.email:
        return
    if not verification.may_send(user, client_ip(request)):
        messages.warning(request, _("Đã gửi nhiều thư xác nhận trong thời gian ngắn. Hãy thử “Gửi lại thư xác "
                                    "nhận” sau ít phút."))
    elif verification.send_link(user, request=request):
        messages.info(request, _("Đã gửi thư xác nhận đến %(email)s. Hãy mở đường dẫn trong thư trong vòng "
                                 "%(days)d ngày để nhận thông báo qua thư điện tử.")
                      % {"email": user.email, "days": verification.MAX_AGE.days})
    else:
        messages.warning(request, _("Chưa gửi được thư xác nhận do máy chủ thư đang gặp sự cố. Hãy thử “Gửi lại "
                                    "thư xác nhận” sau ít phút."))


@login_required
def profile(request):
    previous_email = request.user.email
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        changed = form.instance.email.lower() != (previous_email or "").lower()
        if changed:
            form.instance.email_verified_at = None  # a new address is confirmed anew
        user = form.save()
        messages.success(request, _("Đã lưu thông tin tài khoản."))
        if changed:
            _send_confirmation(request, user)
        return _with_language(redirect("accounts:profile"), user)
    return render(request, "accounts/profile.html", {
        "form": form, "has_2fa": has_confirmed_device(request.user),
        "memberships": request.user.memberships.select_related("unit"),
    })


@login_required
@require_POST
def resend_verification(request):
    """“Gửi lại thư xác nhận”: a new link for the account's current address."""
    user = request.user
    if not user.email:
        messages.error(request, _("Tài khoản chưa có địa chỉ thư điện tử. Hãy nhập địa chỉ rồi lưu."))
    elif user.email_verified_at is not None:
        messages.info(request, _("Địa chỉ thư điện tử của bạn đã được xác nhận."))
    else:
        _send_confirmation(request, user)
    return redirect("accounts:profile")


def verify_email(request, token):
    """The link in the confirmation e-mail; works without signing in (it may be opened on another device)."""
    try:
        user, newly = verification.confirm(token)
    except verification.InvalidLink as error:
        return render(request, "accounts/verify_email.html", {"error": str(error)}, status=400)
    return render(request, "accounts/verify_email.html", {"verified_user": user, "newly": newly})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditAction.PASSWORD, obj=self.request.user, note="changed")
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response
