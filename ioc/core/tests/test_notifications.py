"""The notification service: inbox rows, deliveries per preference, channels, retries, and the inbox pages."""

import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ioc.core import notifications
from ioc.core.models import Channel, Delivery, DeliveryStatus, Notification, NotificationPreference
from ioc.core.notifications import channel_enabled, notify
from ioc.core.tasks import deliver_notification, purge_old_notifications, retry_stuck_deliveries

TOPIC = "feedback.assigned"


@pytest.fixture(autouse=True)
def empty_task_queue():
    # Immediate mode keeps scheduled retries in memory across tests.
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.IOC_SMS_BACKEND = "file"
    settings.IOC_ZALO_BACKEND = "file"
    return tmp_path / "outbox"


def prefer(user, channel, enabled, topic=""):
    NotificationPreference.objects.update_or_create(
        user=user, channel=channel, topic=topic, defaults={"enabled": enabled}
    )


def with_phone(user, phone="0912345678"):
    user.phone = phone
    user.save(update_fields=["phone"])
    return user


def make_notification(user, title, **extra):
    return Notification.objects.create(recipient=user, topic=TOPIC, title=title, **extra)


class FailingChannel:
    def __init__(self):
        self.calls = 0

    def send(self, *, address, subject, body, url):
        self.calls += 1
        raise ConnectionError("gateway down")


# --- notify() --------------------------------------------------------------------------------------


def test_notify_stores_inbox_rows_and_deliveries_per_preference(people, django_capture_on_commit_callbacks):
    officer, head, citizen = people["officer"], with_phone(people["head"]), people["citizen"]
    prefer(head, Channel.SMS, True)
    prefer(citizen, Channel.EMAIL, False)
    inactive = people["other_officer"]
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = notify(recipients=[officer, head, officer, inactive, citizen], topic=TOPIC,
                         title="Phản ánh mới được giao", body="PA-0001", url="/feedback/PA-0001/")

    assert [n.recipient for n in created] == [officer, head, citizen]
    assert Notification.objects.count() == 3
    assert not Notification.objects.filter(recipient=inactive).exists()
    channels = {(d.notification.recipient.username, d.channel, d.address) for d in Delivery.objects.all()}
    assert channels == {
        ("officer", "email", "officer@example.vn"),
        ("head", "email", "head@example.vn"),
        ("head", "sms", "0912345678"),
    }
    # Stored and queued for after the commit, nothing sent yet.
    assert len(callbacks) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert mail.outbox == []


def test_notify_skips_channels_without_an_address(people, django_capture_on_commit_callbacks):
    officer = people["officer"]
    officer.email = ""
    officer.save(update_fields=["email"])
    prefer(officer, Channel.SMS, True)  # wanted, but no phone number

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[officer], topic=TOPIC, title="Tiêu đề")

    assert Notification.objects.filter(recipient=officer).count() == 1
    assert not Delivery.objects.exists()


def test_email_is_sent_after_commit_with_subject_body_and_absolute_link(
    people, settings, django_capture_on_commit_callbacks
):
    settings.IOC_SITE_URL = "https://ioc.bacninh.gov.vn/"
    officer = people["officer"]

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[officer], topic=TOPIC, title="Phản ánh mới được giao",
               body="Phản ánh PA-0001 về đèn đường hỏng.", url="/feedback/PA-0001/")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Phản ánh mới được giao"
    assert message.to == ["officer@example.vn"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Phản ánh PA-0001 về đèn đường hỏng." in message.body
    assert "https://ioc.bacninh.gov.vn/feedback/PA-0001/" in message.body
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.sent_at is not None
    assert delivery.attempts == 1


def test_email_subject_stays_on_one_line(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["officer"]], topic=TOPIC, title="Dòng một\nDòng hai")

    assert mail.outbox[0].subject == "Dòng một Dòng hai"


def test_sms_file_backend_writes_one_json_line(people, outbox_dir, django_capture_on_commit_callbacks):
    head = with_phone(people["head"])
    prefer(head, Channel.SMS, True)
    prefer(head, Channel.EMAIL, False)

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[head], topic=TOPIC, title="Nhiệm vụ sắp quá hạn", url="/directives/CD-7/")

    lines = (outbox_dir / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["to"] == "0912345678"
    assert "Nhiệm vụ sắp quá hạn" in record["text"]
    assert "/directives/CD-7/" in record["text"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert mail.outbox == []


def test_zalo_file_backend_writes_to_its_own_outbox(people, outbox_dir, django_capture_on_commit_callbacks):
    head = with_phone(people["head"])
    prefer(head, Channel.ZALO, True)

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[head], topic=TOPIC, title="Cảnh báo ngập", body="Mực nước vượt ngưỡng.")

    record = json.loads((outbox_dir / "zalo.jsonl").read_text(encoding="utf-8"))
    assert record == {"at": record["at"], "phone": "0912345678", "title": "Cảnh báo ngập",
                      "text": "Mực nước vượt ngưỡng.", "url": ""}


class GatewayStub:
    """A local HTTP server that records what it receives and answers with a chosen status."""

    def __init__(self, status=200):
        self.requests = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                stub.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_zalo_http_backend_posts_json_with_bearer_token(people, settings, django_capture_on_commit_callbacks):
    head = with_phone(people["head"])
    prefer(head, Channel.ZALO, True)
    prefer(head, Channel.EMAIL, False)
    settings.IOC_ZALO_BACKEND = "http"
    settings.IOC_ZALO_TOKEN = "bi-mat"
    settings.IOC_SITE_URL = "https://ioc.example.vn"

    with GatewayStub() as gateway:
        settings.IOC_ZALO_URL = gateway.url
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[head], topic=TOPIC, title="Cảnh báo ngập", url="/monitoring/alerts/1/")

    [request] = gateway.requests
    assert request["headers"]["Authorization"] == "Bearer bi-mat"
    assert request["body"]["phone"] == "0912345678"
    assert request["body"]["url"] == "https://ioc.example.vn/monitoring/alerts/1/"
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_sms_http_backend_records_an_error_answer(people, settings, django_capture_on_commit_callbacks):
    head = with_phone(people["head"])
    prefer(head, Channel.SMS, True)
    prefer(head, Channel.EMAIL, False)
    settings.IOC_SMS_BACKEND = "http"

    with GatewayStub(status=503) as gateway:
        settings.IOC_SMS_URL = gateway.url
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[head], topic=TOPIC, title="Nhiệm vụ mới")

    assert gateway.requests[0]["body"]["to"] == "0912345678"
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "503" in delivery.last_error


# --- Failures and retries --------------------------------------------------------------------------


def test_failing_channel_keeps_the_notification_and_a_later_retry_sends_it(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    failing = FailingChannel()
    monkeypatch.setitem(notifications.CHANNELS, "email", failing)

    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notify(recipients=[people["officer"]], topic=TOPIC, title="Phản ánh mới")

    assert failing.calls == 1
    assert Notification.objects.filter(pk=notification.pk).exists()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "gateway down" in delivery.last_error
    # huey holds a retry of the same delivery.
    assert [task.args for task in HUEY.scheduled()] == [(delivery.pk,)]

    monkeypatch.setitem(notifications.CHANNELS, "email", notifications.EmailChannel())
    deliver_notification(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_delivery_fails_for_good_after_the_last_attempt(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    failing = FailingChannel()
    monkeypatch.setitem(notifications.CHANNELS, "email", failing)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["officer"]], topic=TOPIC, title="Phản ánh mới")
    delivery = Delivery.objects.get()

    for _ in range(notifications.MAX_ATTEMPTS - 1):
        with pytest.raises(ConnectionError):
            notifications.deliver(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == notifications.MAX_ATTEMPTS
    notifications.deliver(delivery.pk)  # a late retry does nothing
    assert failing.calls == notifications.MAX_ATTEMPTS


def test_a_sent_delivery_is_not_sent_again(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["officer"]], topic=TOPIC, title="Phản ánh mới")
    delivery = Delivery.objects.get()

    deliver_notification(delivery.pk)

    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(recipients=[people["officer"]], topic=TOPIC, title="Sẽ bị hủy")
                raise RuntimeError("the change failed")

    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_sweep_requeues_only_stuck_pending_deliveries(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # as if the queue had been down
        [old] = notify(recipients=[people["officer"]], topic=TOPIC, title="Cũ")
        notify(recipients=[people["head"]], topic=TOPIC, title="Mới")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=20))

    assert retry_stuck_deliveries.call_local() == 1

    assert [m.to for m in mail.outbox] == [["officer@example.vn"]]
    assert Delivery.objects.get(notification=old).status == DeliveryStatus.SENT
    assert Delivery.objects.get(notification__recipient=people["head"]).status == DeliveryStatus.PENDING


def test_purge_deletes_only_old_read_notifications(people):
    officer, year_ago = people["officer"], timezone.now() - timedelta(days=400)
    old_read = make_notification(officer, "a", created_at=year_ago, read_at=year_ago)
    old_unread = make_notification(officer, "b", created_at=year_ago)
    recent_read = make_notification(officer, "c", read_at=timezone.now())

    purge_old_notifications.call_local()

    assert set(Notification.objects.all()) == {old_unread, recent_read}
    assert not Notification.objects.filter(pk=old_read.pk).exists()


# --- Preferences -----------------------------------------------------------------------------------


def test_channel_defaults(people):
    officer = people["officer"]
    assert channel_enabled(officer, Channel.INAPP)
    assert channel_enabled(officer, Channel.EMAIL)
    assert not channel_enabled(officer, Channel.SMS)
    assert not channel_enabled(officer, "zalo")


def test_topic_preference_beats_all_topics_preference(people):
    officer = people["officer"]
    prefer(officer, Channel.EMAIL, False)
    prefer(officer, Channel.EMAIL, True, topic=TOPIC)
    prefer(officer, Channel.SMS, True)
    prefer(officer, Channel.SMS, False, topic=TOPIC)

    assert channel_enabled(officer, Channel.EMAIL, TOPIC)
    assert not channel_enabled(officer, Channel.EMAIL, "directives.overdue")
    assert not channel_enabled(officer, Channel.EMAIL)
    assert not channel_enabled(officer, Channel.SMS, TOPIC)
    assert channel_enabled(officer, Channel.SMS, "directives.overdue")


def test_inbox_always_receives_even_when_disabled(people):
    prefer(people["officer"], Channel.INAPP, False)
    assert channel_enabled(people["officer"], Channel.INAPP, TOPIC)


def test_notify_follows_topic_preferences(people, django_capture_on_commit_callbacks):
    officer = people["officer"]
    prefer(officer, Channel.EMAIL, False)
    prefer(officer, Channel.EMAIL, True, topic=TOPIC)

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[officer], topic=TOPIC, title="Muốn nhận")
        notify(recipients=[officer], topic="directives.overdue", title="Không muốn nhận")

    assert [m.subject for m in mail.outbox] == ["Muốn nhận"]
    assert Notification.objects.filter(recipient=officer).count() == 2


# --- Pages -----------------------------------------------------------------------------------------


def test_inbox_shows_only_own_notifications(people, signed_in):
    mine = make_notification(people["officer"], "Thông báo của tôi")
    make_notification(people["other_officer"], "Thông báo của người khác")

    response = signed_in(people["officer"]).get(reverse("core:inbox"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Thông báo của tôi" in html
    assert "Thông báo của người khác" not in html
    assert reverse("core:notification_open", args=[mine.public_id]) in html
    assert 'class="unread"' in html
    assert reverse("core:inbox_read_all") in html


def test_inbox_unread_filter_and_empty_state(people, signed_in):
    officer = people["officer"]
    make_notification(officer, "Đã đọc rồi", read_at=timezone.now())
    client = signed_in(officer)

    html = client.get(reverse("core:inbox") + "?unread=1").content.decode()
    assert "Đã đọc rồi" not in html
    assert "Không có thông báo chưa đọc." in html

    html = client.get(reverse("core:inbox")).content.decode()
    assert "Đã đọc rồi" in html
    assert 'class="unread"' not in html


def test_inbox_paginates(people, signed_in):
    for number in range(35):
        make_notification(people["officer"], f"Thông báo số {number}")

    client = signed_in(people["officer"])
    first = client.get(reverse("core:inbox")).content.decode()
    second = client.get(reverse("core:inbox") + "?page=2").content.decode()

    assert "Thông báo số 34" in first and "Thông báo số 0<" not in first
    assert "page=2" in first
    assert "Thông báo số 0<" in second


def test_opening_a_notification_marks_it_read_and_follows_its_link(people, signed_in):
    notification = make_notification(people["officer"], "Mở tôi", url="/feedback/PA-1/")

    url = reverse("core:notification_open", args=[notification.public_id])
    response = signed_in(people["officer"]).get(url)

    assert response.status_code == 302
    assert response["Location"] == "/feedback/PA-1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_someone_elses_notification_is_not_found(people, signed_in):
    notification = make_notification(people["officer"], "Riêng tư")

    response = signed_in(people["other_officer"]).get(
        reverse("core:notification_open", args=[notification.public_id])
    )

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_touches_only_own_notifications(people, signed_in):
    mine = [make_notification(people["officer"], f"Của tôi {i}") for i in range(3)]
    theirs = make_notification(people["other_officer"], "Của người khác")
    client = signed_in(people["officer"])

    assert client.get(reverse("core:inbox_read_all")).status_code == 405
    response = client.post(reverse("core:inbox_read_all"))

    assert response.status_code == 302
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def unread_badge(html):
    match = re.search(r"<[^>]*data-unread-count[^>]*>\s*(\d+)\s*<", html)
    assert match, "unread badge missing"
    return int(match.group(1))


def test_header_badge_counts_unread_notifications(people, signed_in):
    officer = people["officer"]
    make_notification(officer, "Một")
    make_notification(officer, "Hai")
    make_notification(officer, "Ba", read_at=timezone.now())
    make_notification(people["other_officer"], "Không tính")
    client = signed_in(officer)

    assert unread_badge(client.get(reverse("core:inbox")).content.decode()) == 2
    client.post(reverse("core:inbox_read_all"))
    assert unread_badge(client.get(reverse("core:inbox")).content.decode()) == 0


def test_preferences_page_renders_the_choices(people, signed_in):
    html = signed_in(people["officer"]).get(reverse("core:notification_prefs")).content.decode()

    for name in ("email", "sms", "zalo"):
        assert f'name="{name}"' in html
        assert f'for="id_{name}"' in html
    assert "Cần khai báo số điện thoại" in html  # the officer has no phone: SMS and Zalo are disabled
    assert "luôn nhận mọi thông báo" in html
    assert 'type="submit"' in html


def test_preferences_page_saves_the_choices(people, signed_in, django_capture_on_commit_callbacks):
    head = with_phone(people["head"])
    client = signed_in(head)

    response = client.post(reverse("core:notification_prefs"), {"sms": "on"})

    assert response.status_code == 302
    assert not channel_enabled(head, Channel.EMAIL)
    assert channel_enabled(head, Channel.SMS)
    assert not channel_enabled(head, Channel.ZALO)
    html = client.get(reverse("core:notification_prefs")).content.decode()
    assert re.search(r'<input[^>]*name="sms"[^>]*checked', html)
    assert not re.search(r'<input[^>]*name="email"[^>]*checked', html)

    with django_capture_on_commit_callbacks(execute=False):
        notify(recipients=[head], topic=TOPIC, title="Theo lựa chọn")
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["sms"]


def test_pages_need_sign_in(client):
    for name in ("core:inbox", "core:notification_prefs"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_notify_each_writes_in_each_recipients_language(people, django_capture_on_commit_callbacks):
    from django.utils.translation import gettext as _

    from ioc.core.notifications import notify_each

    people["officer"].language = "en"
    people["officer"].save()
    notify_each(recipients=[people["officer"], people["head"]], topic="test",
                render=lambda: (_("Đăng nhập"), _("Mật khẩu")))
    titles = dict(Notification.objects.values_list("recipient__username", "title"))
    assert titles == {"officer": "Sign in", "head": "Đăng nhập"}
