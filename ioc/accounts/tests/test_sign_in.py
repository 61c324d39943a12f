"""Sign-in with password, second factor, lockout."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from ioc.core.models import AuditAction, AuditEvent


def code_for(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def test_password_sign_in_lands_on_home(client, people):
    response = sign_in(client, "officer")
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_sign_in_by_email_is_accepted(client, people):
    response = sign_in(client, "OFFICER@example.vn")
    assert response.status_code == 302


def test_wrong_password_is_explained_in_vietnamese(client, people):
    response = sign_in(client, "officer", "not-the-password")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_repeated_failures_lock_the_account(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", "not-the-password")
    response = sign_in(client, "officer")  # even the right password is refused while locked
    assert response.status_code == 429
    assert "Tài khoản tạm khóa" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_user_with_a_device_must_give_a_code(client, people):
    device = TOTPDevice.objects.create(user=people["leader"], name="phone", confirmed=True)
    response = sign_in(client, "leader")
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    # Everything else is closed until the second factor is given.
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get("/api/v1/me").status_code == 401

    response = client.post(reverse("accounts:otp_verify"), {"token": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR, note="verified").exists()


def test_wrong_code_is_refused_and_further_tries_are_slowed(client, people):
    device = TOTPDevice.objects.create(user=people["leader"], name="phone", confirmed=True)
    sign_in(client, "leader")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(reverse("accounts:otp_verify"), {"token": wrong})
    assert "Mã xác thực không đúng" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, note="wrong two-factor code").exists()
    # Right after a failure even the right code must wait (django-otp throttling).
    response = client.post(reverse("accounts:otp_verify"), {"token": code_for(device)})
    assert "Đã nhập sai nhiều lần" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_code_must_be_digits(client, people):
    TOTPDevice.objects.create(user=people["leader"], name="phone", confirmed=True)
    sign_in(client, "leader")
    response = client.post(reverse("accounts:otp_verify"), {"token": "abcdef"})
    assert "Mã xác thực chỉ gồm chữ số" in response.content.decode()


def test_staff_must_enrol_when_policy_requires(client, people, settings):
    settings.IOC_REQUIRE_2FA_FOR_STAFF = True
    response = sign_in(client, "officer")
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    assert client.get(reverse("core:units"))["Location"].startswith(reverse("accounts:otp_setup"))

    page = client.get(reverse("accounts:otp_setup"))
    assert b"<svg" in page.content  # the QR code is drawn locally
    device = TOTPDevice.objects.get(user=people["officer"], confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:units")).status_code == 200


def test_citizens_are_not_forced_to_enrol(client, people, settings):
    settings.IOC_REQUIRE_2FA_FOR_STAFF = True
    sign_in(client, "citizen")
    assert client.get(reverse("core:home")).status_code == 200


def test_staff_cannot_disable_required_second_factor(client, people, settings):
    settings.IOC_REQUIRE_2FA_FOR_STAFF = True
    device = TOTPDevice.objects.create(user=people["officer"], name="phone", confirmed=True)
    sign_in(client, "officer")
    client.post(reverse("accounts:otp_verify"), {"token": code_for(device)})
    client.post(reverse("accounts:otp_disable"))
    assert TOTPDevice.objects.filter(user=people["officer"]).exists()


def test_open_redirect_after_sign_in_is_refused(client, people):
    response = client.post(reverse("accounts:login") + "?next=https://evil.example/",
                           {"username": "officer", "password": PASSWORD, "next": "https://evil.example/"})
    assert "evil.example" not in response["Location"]


def test_session_cookie_is_http_only(client, people):
    sign_in(client, "officer")
    assert client.cookies["sessionid"]["httponly"]
