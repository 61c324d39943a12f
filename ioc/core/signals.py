"""Security-relevant events that are not plain saves: role changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import audit
from .models import AuditAction, Membership


@receiver(post_save, sender=Membership, dispatch_uid="membership-role-granted")
def role_granted(sender, instance, created, raw=False, **kwargs):
    if not raw:
        audit.record(
            AuditAction.ROLE_CHANGE, obj=instance.user,
            changes={"role": [None, instance.role], "unit": [None, instance.unit.code]},
            note="granted" if created else "changed",
        )


@receiver(post_delete, sender=Membership, dispatch_uid="membership-role-revoked")
def role_revoked(sender, instance, **kwargs):
    audit.record(
        AuditAction.ROLE_CHANGE, obj=instance.user,
        changes={"role": [instance.role, None], "unit": [instance.unit.code, None]}, note="revoked",
    )
