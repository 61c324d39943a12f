"""Sign-in, sign-out and failed sign-in go to the audit log; the user's language follows them."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ioc.core import audit
from ioc.core.models import AuditAction


@receiver(user_logged_in, dispatch_uid="audit-login")
def on_login(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, obj=user, actor=user)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, obj=user, actor=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(AuditAction.LOGIN_FAILED, object_type="accounts.user", object_repr=username,
                 note="failed sign-in")


@receiver(user_locked_out, dispatch_uid="audit-lockout")
def on_lockout(sender, request, username, ip_address, **kwargs):
    audit.record(AuditAction.LOCKOUT, object_type="accounts.user", object_repr=str(username or "")[:150],
                 ip_address=ip_address, note="locked out after repeated failed sign-ins")
