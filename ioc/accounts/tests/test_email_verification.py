"""Citizens confirm their e-mail address by a signed, time-limited link: at registration and after each change
on the profile; the link is refused when expired, tampered with or meant for a former address; "send again" is
rate-limited; and until the address is confirmed, notifications reach the citizen in the inbox but not by
e-mail. Staff and demo accounts count as verified."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from ioc.accounts import verification
from ioc.core.models import AuditEvent, Channel, Delivery, Notification
from ioc.core.notifications import notify

User = get_user_model()
GOOD = {"full_name": "Lê Văn Dân", "email": "dan@example.vn", "phone": "0987654321",
        "password1": "Bac-Ninh-2026-xanh", "password2": "Bac-Ninh-2026-xanh", "consent": "on"}
LINK = re.compile(r"https?://[^/\s]+(/accounts/email/verify/[^/\s]+/)")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def link_in(message):
    return LINK.search(message.body).group(1)


def profile_data(user, **changes):
    return {"full_name": user.full_name, "email": user.email, "phone": user.phone, "language": user.language,
            **changes}


# --- Registration and the link ---------------------------------------------------------------------


def test_registration_sends_a_link_that_confirms_the_address(client, db):
    response = client.post(reverse("accounts:register"), GOOD, follow=True)
    user = User.objects.get(email="dan@example.vn")
    assert user.email_verified_at is None
    assert "Đã gửi thư xác nhận đến dan@example.vn" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dan@example.vn"]
    assert message.subject == "Xác nhận địa chỉ thư điện tử tài khoản IOC Bắc Ninh"
    assert "Xin chào Lê Văn Dân," in message.body and "có hiệu lực trong 3 ngày" in message.body

    client.logout()  # the link works on any device, signed in or not
    response = client.get(link_in(message))
    assert response.status_code == 200
    assert "Đã xác nhận địa chỉ dan@example.vn" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is not None and user.email_verified
    event = AuditEvent.objects.get(note="email address verified by confirmation link")
    assert event.object_id == str(user.pk) and event.actor_id == user.pk
    # Opened twice: nothing changes, and the page says so.
    again = client.get(link_in(message))
    assert "đã được xác nhận trước đó" in again.content.decode()
    assert AuditEvent.objects.filter(note="email address verified by confirmation link").count() == 1


def test_the_mail_is_written_in_the_users_language(db, monkeypatch):
    user = User.objects.create_user(username="en", email="reader@example.vn", password="x" * 12, language="en")
    seen = []
    real = verification.render_to_string

    def spy(template, context):
        seen.append((template, translation.get_language()))
        return real(template, context)

    monkeypatch.setattr(verification, "render_to_string", spy)
    with translation.override("vi"):
        assert verification.send_link(user)
    assert seen == [("accounts/email/verify_email_subject.txt", "en"), ("accounts/email/verify_email.txt", "en")]


def test_a_failing_mail_server_keeps_the_account(client, db, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(verification, "send_mail", down)
    response = client.post(reverse("accounts:register"), GOOD, follow=True)
    assert response.status_code == 200
    assert "Chưa gửi được thư xác nhận" in response.content.decode()
    assert User.objects.filter(email="dan@example.vn", email_verified_at__isnull=True).exists()


# --- The token ---------------------------------------------------------------------------------------


def test_token_is_valid_for_three_days_only(db, monkeypatch):
    user = User.objects.create_user(username="dan", email="dan@example.vn", password="x" * 12)
    now = timezone.now().timestamp()
    monkeypatch.setattr(signing.time, "time", lambda: now - timedelta(days=3, minutes=1).total_seconds())
    old = verification.make_token(user)
    monkeypatch.setattr(signing.time, "time", lambda: now - timedelta(days=2, hours=23).total_seconds())
    recent = verification.make_token(user)
    monkeypatch.undo()
    with pytest.raises(verification.InvalidLink, match="hết hạn"):
        verification.user_for_token(old)
    assert verification.user_for_token(recent) == user


def test_expired_link_page_explains_and_changes_nothing(client, db, monkeypatch):
    user = User.objects.create_user(username="dan", email="dan@example.vn", password="x" * 12)
    past = timezone.now().timestamp() - timedelta(days=4).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: past)
    token = verification.make_token(user)
    monkeypatch.undo()
    response = client.get(reverse("accounts:verify_email", args=[token]))
    assert response.status_code == 400
    assert "Đường dẫn xác nhận đã hết hạn" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


@pytest.mark.parametrize("forge", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature altered
    lambda token: signing.dumps(signing.loads(token, salt=verification.SALT), salt="another-purpose"),
    lambda token: signing.dumps({"u": "not-a-uuid", "e": "x"}, salt=verification.SALT),
    lambda token: "garbage",
])
def test_tampered_links_are_refused(client, db, forge):
    user = User.objects.create_user(username="dan", email="dan@example.vn", password="x" * 12)
    response = client.get(reverse("accounts:verify_email", args=[forge(verification.make_token(user))]))
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_signed_link_names_only_its_own_account(db):
    """The payload is signed: swapping the account id inside a valid token breaks the signature."""
    dan = User.objects.create_user(username="dan", email="dan@example.vn", password="x" * 12)
    other = User.objects.create_user(username="thi", email="thi@example.vn", password="x" * 12)
    token = verification.make_token(dan)
    payload, rest = token.split(":", 1)
    forged_payload = signing.dumps({"u": str(other.public_id), "e": verification.fingerprint(other.email)},
                                   salt=verification.SALT).split(":", 1)[0]
    with pytest.raises(verification.InvalidLink):
        verification.user_for_token(f"{forged_payload}:{rest}")
    assert verification.user_for_token(token) == dan


# --- Changing the address ------------------------------------------------------------------------------


def test_changing_the_address_resets_verification_and_sends_a_new_link(client, db):
    user = User.objects.create_user(username="dan", email="dan@example.vn", password="x" * 12, full_name="Lê Văn Dân",
                                    email_verified_at=timezone.now())
    old_link = reverse("accounts:verify_email", args=[verification.make_token(user)])
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), profile_data(user, email="Dan.Moi@Example.vn"), follow=True)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == "dan.moi@example.vn" and user.email_verified_at is None
    assert [m.to for m in mail.outbox] == [["dan.moi@example.vn"]]
    body = response.content.decode()
    assert "Chưa xác nhận" in body and "Gửi lại thư xác nhận" in body
    # The link sent to the former address no longer confirms anything.
    stale = client.get(old_link)
    assert stale.status_code == 400 and "không còn gắn với tài khoản" in stale.content.decode()
    assert client.get(link_in(mail.outbox[0])).status_code == 200
    user.refresh_from_db()
    assert user.email_verified


def test_saving_the_profile_without_changing_the_address_keeps_it_verified(client, db):
    verified_at = timezone.now() - timedelta(days=30)
    user = User.objects.create_user(username="dan", email="dan@example.vn", password="x" * 12, full_name="Dân",
                                    email_verified_at=verified_at)
    client.force_login(user)
    client.post(reverse("accounts:profile"), profile_data(user, email="DAN@example.vn", full_name="Lê Văn Dân"))
    user.refresh_from_db()
    assert user.full_name == "Lê Văn Dân" and user.email_verified_at == verified_at
    assert mail.outbox == []


# --- Sending again ----------------------------------------------------------------------------------------


def test_send_again_is_rate_limited(client, db):
    user = User.objects.create_user(username="dan", email="dan@example.vn", password="x" * 12)
    client.force_login(user)
    url = reverse("accounts:resend_verification")
    assert client.get(url).status_code == 405  # a POST action only
    for _ in range(verification.SEND_LIMIT):
        assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    assert "Đã gửi nhiều thư xác nhận trong thời gian ngắn" in response.content.decode()
    assert len(mail.outbox) == verification.SEND_LIMIT
    assert AuditEvent.objects.filter(note="email confirmation link sent").count() == verification.SEND_LIMIT


def test_send_again_needs_an_unverified_address_and_a_signed_in_user(client, db):
    url = reverse("accounts:resend_verification")
    assert client.post(url).status_code == 302 and mail.outbox == []  # to the sign-in page
    user = User.objects.create_user(username="dan", email="dan@example.vn", password="x" * 12,
                                    email_verified_at=timezone.now())
    client.force_login(user)
    response = client.post(url, follow=True)
    assert "đã được xác nhận" in response.content.decode() and mail.outbox == []


# --- Notifications -------------------------------------------------------------------------------------------


def test_notifications_skip_unverified_citizen_addresses(db, people, django_capture_on_commit_callbacks):
    citizen = people["citizen"]
    assert citizen.email_verified_at is None and citizen.email
    officer = people["officer"]  # staff: created by administrators, trusted without a link
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[citizen, officer], topic="feedback.answered", title="Phản ánh PA-2026-000001 đã có trả lời")
    assert Notification.objects.filter(recipient=citizen).count() == 1  # the inbox still gets it
    assert set(Delivery.objects.values_list("notification__recipient__username", "channel")) == {
        ("officer", Channel.EMAIL)}
    assert [m.to for m in mail.outbox] == [["officer@example.vn"]]

    User.objects.filter(pk=citizen.pk).update(email_verified_at=timezone.now())
    citizen.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[citizen], topic="feedback.answered", title="Phản ánh PA-2026-000001 đã có trả lời")
    assert Delivery.objects.filter(notification__recipient=citizen, channel=Channel.EMAIL).count() == 1
    assert ["citizen@example.vn"] in [m.to for m in mail.outbox]


def test_report_updates_reach_only_confirmed_citizen_mailboxes(db, people, django_capture_on_commit_callbacks):
    """The feedback module's messages to a signed-in reporter go through the same rule."""
    from ioc.feedback.notify import notify_each

    citizen = people["citizen"]
    with django_capture_on_commit_callbacks(execute=True):
        notify_each(recipients=[citizen], topic="feedback.received", render=lambda: ("Đã tiếp nhận", "PA-1"))
    assert not Delivery.objects.filter(channel=Channel.EMAIL).exists()


# --- Staff and demo accounts ---------------------------------------------------------------------------------


def test_demo_accounts_are_verified(db):
    from ioc.core.areas import load_province
    from ioc.core.demo import DEMO_ACCOUNTS, seed_demo_accounts, seed_units

    load_province("24")
    seed_units("24")
    seed_demo_accounts()
    demo = User.objects.filter(is_demo=True)
    assert demo.count() == len(DEMO_ACCOUNTS)
    assert not demo.filter(email_verified_at__isnull=True).exists()
    User.objects.filter(is_demo=True).update(email_verified_at=None)  # accounts seeded before the field existed
    seed_demo_accounts()
    assert not demo.filter(email_verified_at__isnull=True).exists()


def test_migration_marks_existing_staff_and_demo_accounts_verified(db, people):
    migration = importlib.import_module("ioc.accounts.migrations.0003_verify_staff_and_demo_emails")
    admin = User.objects.create_user(username="root", email="root@example.vn", password="x" * 12, is_superuser=True)
    User.objects.create_user(username="nguoidan", email="nguoidan@example.com", password="x" * 12, is_demo=True)
    no_address = User.objects.create_user(username="noaddr", email="", password="x" * 12, is_staff=True)
    migration.mark_verified(apps, None)
    verified = set(User.objects.filter(email_verified_at__isnull=False).values_list("username", flat=True))
    assert verified == {"officer", "other", "head", "operator", "leader", "admin", "root", "nguoidan"}
    assert people["citizen"].username not in verified and no_address.username not in verified
    assert User.objects.get(pk=admin.pk).email_verified_at == admin.date_joined


def test_an_address_entered_by_an_administrator_counts_as_verified(client, db):
    admin = User.objects.create_superuser(username="root", email="root@example.vn", password="x" * 12)
    admin.email_verified_at = timezone.now()
    admin.save(update_fields=["email_verified_at"])
    staff = User.objects.create_user(username="canbo", email="", password="x" * 12)
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[staff.pk])
    assert client.get(url).status_code == 200
    data = {"username": "canbo", "full_name": "Cán Bộ", "email": "canbo@example.vn", "phone": "", "language": "vi",
            "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert staff.email == "canbo@example.vn" and staff.email_verified_at is not None
