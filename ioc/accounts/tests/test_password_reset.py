"""Password reset by e-mail."""

import re

from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def test_reset_link_sets_a_new_password(client, people):
    client.post(reverse("accounts:password_reset"), {"email": "citizen@example.vn"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["citizen@example.vn"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"new_password1": "Mot-mat-khau-moi-2026", "new_password2": "Mot-mat-khau-moi-2026"})
    assert response.status_code == 302
    login = reverse("accounts:login")
    assert client.post(login, {"username": "citizen", "password": PASSWORD}).status_code == 200  # old one refused
    assert client.post(login, {"username": "citizen", "password": "Mot-mat-khau-moi-2026"}).status_code == 302


def test_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []
