"""The home page's indicator summary for the province's leaders and the IOC: how many indicators are in each
condition, and the ones past a threshold, worst first, each opening its page (from the cached overview)."""

from django.urls import reverse

from ioc.core.panels import HomePanel, register

from . import queries
from .models import Status

SHOWN = 6
ORDER = {Status.CRITICAL: 0, Status.WARNING: 1}


def indicators_to_watch(access):
    overview = queries.overview(access)
    cards = [card for domain in overview["domains"] for card in domain["cards"] if card["status"] in ORDER]
    cards.sort(key=lambda card: (ORDER[card["status"]], card["name"]))
    for card in cards:
        card["url"] = reverse("monitoring:indicator", args=[card["code"]])
    counts = overview["counts"]
    return {"cards": cards[:SHOWN], "more": max(0, len(cards) - SHOWN),
            "counts": [{"status": status, "label": Status(status).label, "count": counts.get(status, 0)}
                       for status in (Status.CRITICAL, Status.WARNING, Status.OK, Status.UNKNOWN)]}


register(HomePanel("monitoring", "monitoring/home/_panel.html", indicators_to_watch,
                   permission="core.view_province", order=30))
