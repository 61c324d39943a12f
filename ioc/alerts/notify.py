"""Who is told about an alert event: the responsible unit's staff and the IOC operators, when an event opens and
when its severity rises; never on a repeated breach. Messages are rendered in each recipient's language."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ioc.core.notifications import notify_each
from ioc.core.roles import Role

from .models import Severity

User = get_user_model()


def recipients_for(event):
    """Active officers and heads of the responsible unit, and every IOC operator."""
    return list(User.objects.filter(is_active=True).filter(
        Q(memberships__unit_id=event.responsible_unit_id, memberships__role__in=(Role.OFFICER, Role.UNIT_HEAD))
        | Q(memberships__role=Role.OPERATOR), memberships__unit__is_active=True).distinct())


def _url(event):
    return reverse("alerts:event", args=[event.public_id])


def event_opened(event):
    return notify_each(
        recipients=recipients_for(event), topic="alerts.opened", url=_url(event),
        render=lambda: (_("Cảnh báo %(severity)s: %(headline)s") % {
            "severity": Severity(event.severity).label.lower(), "headline": event.headline}, event.message))


def event_escalated(event, old_severity):
    return notify_each(
        recipients=recipients_for(event), topic="alerts.escalated", url=_url(event),
        render=lambda: (_("Cảnh báo nâng mức %(old)s → %(new)s: %(headline)s") % {
            "old": Severity(old_severity).label.lower(), "new": Severity(event.severity).label.lower(),
            "headline": event.headline}, event.message))
