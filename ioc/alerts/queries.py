"""Read-only questions other modules ask about alerts (the overview and the video wall's event panel)."""

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone

from .models import SEVERITY_RANK, AlertEvent

_SEVERITY_ORDER = Case(*[When(severity=value, then=Value(rank)) for value, rank in SEVERITY_RANK.items()],
                       default=Value(0), output_field=IntegerField())


def active_events(access=None):
    """Open and acknowledged events, the most severe and most recent first."""
    events = AlertEvent.objects.active() if access is None else AlertEvent.objects.for_access(access).active()
    return (events.select_related("rule", "area", "responsible_unit")
            .annotate(severity_order=_SEVERITY_ORDER).order_by("-severity_order", "-last_triggered_at", "-pk"))


def open_events(access=None, limit=10):
    """Up to `limit` active events, each decorated for `alerts/_event_panel.html` (url, local time, css). With an
    access, only what that person may see (nothing for citizens and visitors)."""
    events = list(active_events(access)[:limit])
    for event in events:
        event.url = reverse("alerts:event", args=[event.public_id])
        event.local_time = timezone.localtime(event.last_triggered_at)
    return events


def event_counts(access=None):
    """{severity: number of active events}, for badges."""
    counts = {}
    for severity in active_events(access).values_list("severity", flat=True):
        counts[severity] = counts.get(severity, 0) + 1
    return counts
