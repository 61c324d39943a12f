"""The home page's citizen-feedback summary: what waits for this person today, each figure a link to its list.

Province-wide roles see the province: waiting for triage, being handled by the units, overdue, received today,
the last 30 days' on-time rate and satisfaction, and the units with the most overdue reports. Unit staff see
their units' inbox: to handle, overdue, due within a working day, newly assigned. Citizens see their own
latest reports. Every count is the count of the list its link opens (the same querysets as the pages).
"""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.panels import HomePanel, register

from . import stats
from .models import Report, Status
from .views.staff import inbox_queryset

RECENT_DAYS = 30
TOP_UNITS = 5


def _url(name, **params):
    return reverse(name) + (f"?{urlencode(params)}" if params else "")


def _recent_figures(access, today):
    """On-time rate and satisfaction of the reports received in the last 30 days (cached per data version)."""
    since = today - timedelta(days=RECENT_DAYS - 1)
    scope = "all" if access.province_wide else "-".join(map(str, sorted(access.unit_ids)))
    return stats.cached(("home-recent", scope, since.isoformat()), stats.STATS_CACHE_SECONDS, lambda: stats.totals(
        stats.apply_filters(stats.scoped_reports(access), stats.Filters(date_from=since))))


def _province(access, now, today):
    handling = inbox_queryset(access, {}, now)
    overdue = inbox_queryset(access, {"overdue": True}, now)
    start_of_day = timezone.make_aware(datetime.combine(today, time.min))
    figures = [
        {"label": _("đang được các đơn vị xử lý"), "count": handling.count(), "url": _url("feedback:inbox")},
        {"label": _("quá hạn xử lý"), "count": overdue.count(), "url": _url("feedback:inbox", overdue="on"),
         "alarm": True},
        {"label": _("tiếp nhận hôm nay"), "count": Report.objects.filter(received_at__gte=start_of_day).count(),
         "url": _url("feedback:staff_stats", date_from=today.isoformat(), date_to=today.isoformat())},
    ]
    if access.has("feedback.triage"):
        figures.insert(0, {"label": _("chờ tiếp nhận, phân loại"), "count": Report.objects.awaiting_triage().count(),
                           "url": _url("feedback:triage")})
    worst = (overdue.exclude(lead_unit=None).order_by().values("lead_unit_id", "lead_unit__name")
             .annotate(n=Count("id")).order_by("-n", "lead_unit__name")[:TOP_UNITS])
    units = [{"name": row["lead_unit__name"], "count": row["n"],
              "url": _url("feedback:inbox", unit=row["lead_unit_id"], overdue="on")} for row in worst]
    return figures, units


def _unit(access, now):
    """The unit's inbox in four figures, each with the inbox filter that lists it."""
    def figure(label, filters, **params):
        return {"label": label, "count": inbox_queryset(access, filters, now).count(),
                "url": _url("feedback:inbox", **params)}

    return [
        figure(_("cần xử lý"), {}),
        {**figure(_("quá hạn"), {"overdue": True}, overdue="on"), "alarm": True},
        figure(_("đến hạn trong 1 ngày làm việc"), {"due_soon": True}, due_soon="on"),
        figure(_("mới được chuyển đến, chưa bắt đầu"), {"status": Status.ASSIGNED}, status=Status.ASSIGNED),
    ]


def staff_summary(access):
    if not (access.province_wide or access.unit_ids):
        return None
    now = timezone.now()
    today = timezone.localdate()
    if access.province_wide:
        figures, units = _province(access, now, today)
    else:
        figures, units = _unit(access, now), None
    return {"figures": figures, "units": units, "recent": _recent_figures(access, today), "days": RECENT_DAYS,
            "province_wide": access.province_wide}


def citizen_summary(access):
    if access.is_staff_member:
        return None
    reports = (Report.objects.filter(reporter_id=access.user_id).select_related("category")
               .order_by("-received_at")[:3])
    return {"reports": list(reports)}


register(
    HomePanel("feedback", "feedback/home/_staff.html", staff_summary, permission="feedback.view_staff", order=10),
    HomePanel("feedback-citizen", "feedback/home/_citizen.html", citizen_summary, permission="core.inbox",
              order=10),
)
