"""The home page's alert summary: the active events, most severe first, each opening its page."""

from ioc.core.panels import HomePanel, register

from .queries import event_counts, open_events

SHOWN = 4


def active_alerts(access):
    counts = event_counts(access)
    return {"events": open_events(access=access, limit=SHOWN), "total": sum(counts.values())}


register(HomePanel("alerts", "alerts/home/_panel.html", active_alerts, permission="alerts.view", order=20,
                   stylesheet="alerts/alerts.css"))
