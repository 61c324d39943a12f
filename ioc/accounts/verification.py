"""Confirmation of e-mail addresses by a link: a signed, time-limited token that names the account and a
fingerprint of the address, so a link stops working once the address changes.

Citizens confirm the address they registered with and every new address they enter on their profile; until
then the notification service keeps e-mail away from it (ioc.core.notifications). Staff accounts need no link:
administrators enter their addresses (see admin.py and migration 0003).
"""

import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ioc.core import audit
from ioc.core.models import AuditAction
from ioc.core.notifications import absolute_url
from ioc.lib import ratelimit

logger = logging.getLogger(__name__)

SALT = "ioc.accounts.email-verification"
MAX_AGE = timedelta(days=3)
# Links sent per account (registration, address changes and "send again" together), and per client address.
SEND_LIMIT, SEND_WINDOW = 3, 3600
SEND_LIMIT_PER_IP = 20


class InvalidLink(Exception):
    """A confirmation link that cannot be used; the message says why, for the person who opened it."""


EXPIRED = _("Đường dẫn xác nhận đã hết hạn (chỉ dùng được trong %(days)d ngày). Hãy đăng nhập và bấm "
            "“Gửi lại thư xác nhận”.")
TAMPERED = _("Đường dẫn xác nhận không hợp lệ. Hãy mở đúng đường dẫn trong thư, hoặc đăng nhập và bấm "
             "“Gửi lại thư xác nhận”.")
STALE = _("Đường dẫn này dành cho một địa chỉ thư điện tử không còn gắn với tài khoản. Hãy dùng đường dẫn "
          "trong thư gửi đến địa chỉ hiện tại.")


def fingerprint(email):
    """A short digest of the address: the link names it without showing it."""
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:24]


def make_token(user):
    return signing.dumps({"u": str(user.public_id), "e": fingerprint(user.email)}, salt=SALT)


def user_for_token(token):
    """The account the link confirms, or InvalidLink (expired, tampered with, or for a former address)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidLink(EXPIRED % {"days": MAX_AGE.days}) from None
    except signing.BadSignature:
        raise InvalidLink(TAMPERED) from None
    try:
        public_id = uuid.UUID(str(data.get("u")))
    except (AttributeError, ValueError):
        raise InvalidLink(TAMPERED) from None
    user = get_user_model().objects.filter(public_id=public_id, is_active=True).first()
    if user is None or not user.email or fingerprint(user.email) != data.get("e"):
        raise InvalidLink(STALE)
    return user


def confirm(token):
    """Mark the address the link was sent to as verified; return (user, newly_verified)."""
    user = user_for_token(token)
    if user.email_verified_at is not None:
        return user, False
    now = timezone.now()
    # A plain UPDATE, audited once below with what happened (a tracked save would log the bare field change).
    get_user_model().objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=now)
    user.email_verified_at = now
    audit.record(AuditAction.UPDATE, obj=user, actor=user, changes={"email_verified_at": [None, now]},
                 note="email address verified by confirmation link")
    return user, True


def may_send(user, ip_address=None):
    """Count one link for this account (and client address); False once over the limit."""
    allowed = ratelimit.hit(f"verify-email:user:{user.pk}", limit=SEND_LIMIT, window=SEND_WINDOW)
    if ip_address:
        allowed = ratelimit.hit(f"verify-email:ip:{ip_address}", limit=SEND_LIMIT_PER_IP,
                                window=SEND_WINDOW) and allowed
    return allowed


def link_for(user, request=None):
    path = reverse("accounts:verify_email", args=[make_token(user)])
    url = absolute_url(path)
    if "://" not in url and request is not None:
        url = request.build_absolute_uri(path)
    return url


def send_link(user, *, request=None):
    """E-mail the confirmation link, in the user's language; True when handed to the mail server.

    A mail server that is down must not lose the account or the new address: the failure is logged and the
    user can ask for the link again."""
    if not user.email:
        return False
    context = {"user": user, "link": link_for(user, request), "days": MAX_AGE.days}
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("accounts/email/verify_email_subject.txt", context).split())
        body = render_to_string("accounts/email/verify_email.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:  # SMTP errors, refused connections, timeouts: all leave the account as it is
        logger.exception("Could not send the e-mail confirmation link to user %s", user.pk)
        return False
    audit.record(AuditAction.UPDATE, obj=user, note="email confirmation link sent")
    return True
