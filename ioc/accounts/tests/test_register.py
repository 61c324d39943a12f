"""Citizens register with an e-mail address; bad input is explained at the field."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from ioc.core.access import get_access
from ioc.core.roles import Role

GOOD = {"full_name": "Lê Văn Dân", "email": "dan@example.vn", "phone": "0987654321",
        "password1": "Bac-Ninh-2026-xanh", "password2": "Bac-Ninh-2026-xanh", "consent": "on"}


def test_citizen_registers_and_is_signed_in(client, db):
    response = client.post(reverse("accounts:register"), GOOD)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="dan@example.vn")
    assert user.full_name == "Lê Văn Dân" and user.phone == "0987654321"
    assert user.password.startswith(("argon2", "md5"))  # hashed, never plain
    assert get_access(user).roles == {Role.CITIZEN}
    assert client.get(reverse("core:home")).status_code == 200


def test_phone_is_optional(client, db):
    assert client.post(reverse("accounts:register"), {**GOOD, "phone": ""}).status_code == 302


def test_errors_are_shown_at_each_field(client, db):
    bad = {**GOOD, "email": "not-an-email", "phone": "12345", "password2": "different", "consent": ""}
    response = client.post(reverse("accounts:register"), bad)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Địa chỉ thư điện tử không hợp lệ" in body
    assert "Số điện thoại gồm 10–11 chữ số" in body
    assert "Cần đồng ý xử lý dữ liệu cá nhân" in body
    assert not get_user_model().objects.filter(full_name="Lê Văn Dân").exists()


def test_weak_password_is_refused(client, db):
    response = client.post(reverse("accounts:register"), {**GOOD, "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert not get_user_model().objects.exists()


def test_an_email_is_registered_once(client, people):
    response = client.post(reverse("accounts:register"), {**GOOD, "email": "CITIZEN@example.vn"})
    assert "đã được đăng ký" in response.content.decode()


def test_names_are_escaped(client, db):
    client.post(reverse("accounts:register"), {**GOOD, "full_name": "<b>Dân</b>"})
    body = client.get(reverse("core:home")).content.decode()
    assert "<b>Dân</b>" not in body and "&lt;b&gt;Dân&lt;/b&gt;" in body
