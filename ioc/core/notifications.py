"""One notification service for all modules.

A module calls `notify(recipients=..., topic=..., title=...)`. Every recipient gets a row in the in-app
inbox (`Notification`); each outside channel (e-mail, SMS, Zalo OA) the recipient wants and has an address
for gets a pending `Delivery`. Sending happens later, in a background job
(`ioc.core.tasks.deliver_notification`), one attempt per run, retried by huey on failure; nothing is sent
for a transaction that rolls back.

Channels are small objects with one method, `send(*, address, subject, body, url)`, that raises on failure.
They live in the `CHANNELS` registry, so a deployment (or a test) can swap one.
"""

import json
import logging
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Channel, Delivery, DeliveryStatus, Membership, Notification, NotificationPreference

logger = logging.getLogger(__name__)

CHANNEL_DEFAULTS = {Channel.INAPP: True, Channel.EMAIL: True, Channel.SMS: False, Channel.ZALO: False}
OUTSIDE_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.ZALO)

# A first attempt plus huey's retries (tasks.deliver_notification); after the last one the delivery fails.
MAX_ATTEMPTS = 6
HTTP_TIMEOUT = 10  # seconds; a gateway slower than this counts as a failed attempt
SMS_MAX_LENGTH = 320

# --- Preferences ---------------------------------------------------------------------------------


def _resolve(choices, channel, topic):
    """Pick from {topic: enabled} the topic rule, then the all-topics rule, then the channel default."""
    channel = Channel(channel)
    if channel == Channel.INAPP:
        return True  # the inbox always receives everything
    if topic and topic in choices:
        return choices[topic]
    if "" in choices:
        return choices[""]
    return CHANNEL_DEFAULTS[channel]


def channel_enabled(user, channel, topic=""):
    """Whether user wants topic on channel: the topic rule, else the all-topics rule, else the default."""
    if Channel(channel) == Channel.INAPP:
        return True
    choices = dict(
        NotificationPreference.objects.filter(user=user, channel=channel, topic__in={topic, ""}).values_list(
            "topic", "enabled"
        )
    )
    return _resolve(choices, channel, topic)


def email_trusted_ids(users):
    """Ids of the users whose e-mail address may receive mail: citizens once they confirmed it (the link of
    ioc.accounts.verification); staff always, as administrators entered their addresses."""
    unconfirmed = [u.pk for u in users if u.email_verified_at is None and not (u.is_staff or u.is_superuser)]
    staff = set(Membership.objects.filter(user_id__in=unconfirmed).values_list("user_id", flat=True)) if unconfirmed \
        else set()
    return {u.pk for u in users} - (set(unconfirmed) - staff)


def address_for(user, channel, *, email_trusted=None):
    """Where a channel reaches the user, or "" when the user has not given one (or, for e-mail, not confirmed it).
    email_trusted: the ids from email_trusted_ids(), when the caller has them for many users."""
    if channel == Channel.EMAIL:
        if email_trusted is None:
            email_trusted = email_trusted_ids([user])
        return (user.email or "").strip() if user.pk in email_trusted else ""
    if channel in (Channel.SMS, Channel.ZALO):
        return (user.phone or "").strip()
    return ""


# --- The service ---------------------------------------------------------------------------------


def notify_each(*, recipients, topic, render, url=""):
    """Notify users each in their own language: `render()` returns (title, body) and is called with that
    language active, so messages written by background jobs still reach an English reader in English."""
    by_language = {}
    for user in recipients:
        by_language.setdefault(user.language or settings.LANGUAGE_CODE, []).append(user)
    created = []
    for language, users in by_language.items():
        with translation.override(language):
            title, body = render()
            title, body = str(title), str(body)
        created += notify(recipients=users, topic=topic, title=title, body=body, url=url)
    return created


def notify(*, recipients, topic, title, body="", url=""):
    """Store a notification for each active recipient and queue its outside deliveries after commit."""
    users, seen = [], set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    if not users:
        return []

    choices = {}  # (user id, channel) -> {topic: enabled}
    for user_id, channel, pref_topic, enabled in NotificationPreference.objects.filter(
        user__in=users, channel__in=OUTSIDE_CHANNELS, topic__in={topic, ""}
    ).values_list("user_id", "channel", "topic", "enabled"):
        choices.setdefault((user_id, channel), {})[pref_topic] = enabled

    email_trusted = email_trusted_ids(users)
    title = Truncator(title).chars(Notification._meta.get_field("title").max_length)
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            Notification(recipient=user, topic=topic, title=title, body=body, url=url) for user in users
        )
        deliveries = []
        for user, notification in zip(users, notifications):
            for channel in OUTSIDE_CHANNELS:
                address = address_for(user, channel, email_trusted=email_trusted)
                if address and _resolve(choices.get((user.pk, channel), {}), channel, topic):
                    deliveries.append(Delivery(notification=notification, channel=channel, address=address))
        deliveries = Delivery.objects.bulk_create(deliveries)
        delivery_ids = [delivery.pk for delivery in deliveries]
        if delivery_ids:
            # Queue only once the rows are committed: a rolled-back change sends nothing, and the worker
            # always finds the row it is asked to send.
            transaction.on_commit(lambda: enqueue_deliveries(delivery_ids))
    return notifications


def enqueue_deliveries(delivery_ids):
    """Hand deliveries to the task queue; a queue that is down only delays them (the sweeper retries)."""
    from .tasks import deliver_notification

    for delivery_id in delivery_ids:
        try:
            deliver_notification(delivery_id)
        except Exception:
            logger.exception("Could not queue delivery %s; the periodic sweep will retry", delivery_id)


def deliver(delivery_id):
    """Make one attempt to send a delivery; on failure record it and re-raise so the task queue retries."""
    delivery = Delivery.objects.select_related("notification__recipient").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return delivery  # purged meanwhile, or already sent, failed or skipped
    notification = delivery.notification
    recipient = notification.recipient
    if not recipient.is_active:
        delivery.status = DeliveryStatus.SKIPPED
        delivery.save(update_fields=["status"])
        return delivery

    delivery.attempts += 1
    try:
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            get_channel(delivery.channel).send(
                address=delivery.address,
                subject=notification.title,
                body=notification.body,
                url=notification.url,
            )
    except Exception as exc:
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["attempts", "last_error", "status"])
        logger.warning(
            "Delivery %s (%s) attempt %s failed: %s", delivery.pk, delivery.channel, delivery.attempts, exc
        )
        raise
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["attempts", "status", "sent_at"])
    return delivery


# --- Channels ------------------------------------------------------------------------------------


class ChannelBackend(Protocol):
    """Sends one message to one address; raises on failure so the delivery is retried."""

    def send(self, *, address: str, subject: str, body: str, url: str) -> None: ...


def absolute_url(url):
    """A link usable outside the site: IOC_SITE_URL + path, or the path as is when no base is configured."""
    if not url or "://" in url:
        return url
    base = getattr(settings, "IOC_SITE_URL", "") or ""
    return base.rstrip("/") + url if base else url


def _text(subject, body, url, *, limit=None):
    """Plain text of a message: subject, body and the link; cut to limit, but never cutting the link."""
    link = absolute_url(url)
    footer = _("Xem chi tiết: %(link)s") % {"link": link} if link else ""
    main = "\n\n".join(part.strip() for part in (subject, body) if part and part.strip())
    if limit:
        main = Truncator(main).chars(max(limit - len(footer) - 2, 1))
    return "\n\n".join(part for part in (main, footer) if part)


class EmailChannel:
    """Plain-text e-mail through Django's configured EMAIL_BACKEND."""

    def send(self, *, address, subject, body, url):
        # Header injection guard: a subject must be one line.
        subject = " ".join(subject.split())
        footer = _(
            "Bạn nhận thư này vì đã chọn nhận thông báo qua thư điện tử. Thay đổi lựa chọn tại: %(link)s"
        ) % {"link": absolute_url(reverse("core:notification_prefs"))}
        text = _text("", body, url) or subject
        send_mail(subject, f"{text}\n\n-- \n{footer}\n", settings.DEFAULT_FROM_EMAIL, [address])


class GatewayChannel:
    """A message gateway chosen by the setting IOC_<NAME>_BACKEND: "console", "file" or "http"."""

    name = ""

    def payload(self, *, address, subject, body, url):
        raise NotImplementedError

    def headers(self):
        return {}

    def send(self, *, address, subject, body, url):
        setting = f"IOC_{self.name.upper()}_BACKEND"
        backend = getattr(settings, setting, "file")
        payload = self.payload(address=address, subject=subject, body=body, url=url)
        if backend == "console":
            logger.info("%s to %s: %s", self.name, address, json.dumps(payload, ensure_ascii=False))
        elif backend == "file":
            self._append_to_outbox(payload)
        elif backend == "http":
            self._post(payload)
        else:
            raise ImproperlyConfigured(f"{setting}={backend!r}: use console, file or http.")

    def _append_to_outbox(self, payload):
        outbox = Path(settings.DATA_DIR) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": timezone.now().isoformat(), **payload}, ensure_ascii=False)
        with open(outbox / f"{self.name}.jsonl", "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def _post(self, payload):
        url = getattr(settings, f"IOC_{self.name.upper()}_URL", "")
        if not url:
            raise ImproperlyConfigured(f"IOC_{self.name.upper()}_URL must be set for the http backend.")
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", **self.headers()},
            method="POST",
        )
        # urlopen raises HTTPError for 4xx and 5xx; anything else outside 2xx is a failure too.
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            if not 200 <= response.status < 300:
                raise OSError(f"{self.name} gateway answered HTTP {response.status}")


class SmsChannel(GatewayChannel):
    """SMS through a gateway; payload {"to": phone, "text": short text with the link}."""

    name = "sms"

    def payload(self, *, address, subject, body, url):
        return {"to": address, "text": _text(subject, body, url, limit=SMS_MAX_LENGTH)}


class ZaloChannel(GatewayChannel):
    """Zalo OA through a gateway; payload {"phone", "title", "text", "url"}, bearer IOC_ZALO_TOKEN."""

    name = "zalo"

    def payload(self, *, address, subject, body, url):
        return {"phone": address, "title": subject, "text": body, "url": absolute_url(url)}

    def headers(self):
        token = getattr(settings, "IOC_ZALO_TOKEN", "")
        return {"Authorization": f"Bearer {token}"} if token else {}


CHANNELS: dict[str, ChannelBackend] = {
    Channel.EMAIL.value: EmailChannel(),
    Channel.SMS.value: SmsChannel(),
    Channel.ZALO.value: ZaloChannel(),
}


def get_channel(name) -> ChannelBackend:
    """The registered sender for an outside channel."""
    try:
        return CHANNELS[Channel(name).value]
    except (KeyError, ValueError):
        raise ImproperlyConfigured(f"No notification channel registered for {name!r}.") from None
