"""Staff pages of alert events: the list with status tabs and filters, one event with its data, timeline and
the actions its viewer may take. Every staff member sees events; acting on one is for the staff of its
responsible unit and the IOC (`services.may_handle`)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from ioc.core.access import get_access, permission_required
from ioc.monitoring.models import Grain, Observation, Reading, SeriesRollup, epoch

from .. import services
from ..forms import AcknowledgeForm, EventFilterForm, NoteForm, ResolveForm
from ..models import ACTIVE_STATUSES, AlertEvent, Condition, EventStatus, Severity

PAGE_SIZE = 50
CHART_MARGIN_SECONDS = 6 * 3600
RAW_CHART_MAX_SPAN = 3 * 86400
CHART_MAX_POINTS = 2000


def get_event_for_staff(request, public_id):
    """The event if the user may see it on the staff side; 404 otherwise."""
    access = get_access(request.user)
    event = (AlertEvent.objects.for_access(access)
             .select_related("rule__metric", "rule__indicator", "series__metric", "station", "indicator", "area",
                             "responsible_unit", "acknowledged_by", "resolved_by")
             .filter(public_id=public_id).first())
    if event is None:
        raise Http404
    return event


def _filtered(access, data):
    events = AlertEvent.objects.for_access(access).select_related("rule", "area", "responsible_unit")
    status = data.get("status") or "active"
    if status == "active":
        events = events.filter(status__in=ACTIVE_STATUSES)
    elif status != "all":
        events = events.filter(status=status)
    if data.get("severity"):
        events = events.filter(severity=data["severity"])
    if data.get("category"):
        events = events.filter(rule__cap_category=data["category"])
    if data.get("unit"):
        events = events.filter(responsible_unit=data["unit"])
    if data.get("area"):
        events = events.filter(area=data["area"])
    if data.get("q"):
        events = events.filter(Q(headline__icontains=data["q"]) | Q(place__icontains=data["q"]))
    return events.order_by("-last_triggered_at", "-pk")


def _query_string(request, drop=("page",)):
    return urlencode([(k, v) for k, v in request.GET.items() if k not in drop and v])


@permission_required("alerts.view")
def event_list(request):
    access = get_access(request.user)
    filters = EventFilterForm(request.GET or None)
    data = {}
    if filters.is_bound:
        filters.is_valid()  # a wrong value is reported at its field; the other filters still apply
        data = filters.cleaned_data
    page = Paginator(_filtered(access, data), PAGE_SIZE).get_page(request.GET.get("page"))
    status = data.get("status") or "active"
    tab_base = _query_string(request, drop=("page", "status"))
    tabs = [{"value": value, "label": label, "current": value == status,
             "url": "?" + "&".join(p for p in (f"status={value}", tab_base) if p)} for value, label in filters.TABS]
    counts = dict(AlertEvent.objects.for_access(access).filter(status__in=ACTIVE_STATUSES)
                  .values_list("status").annotate(n=Count("pk")))
    return render(request, "alerts/events.html", {
        "filters": filters, "page": page, "events": page.object_list, "tabs": tabs,
        "query_string": _query_string(request), "open_count": counts.get(EventStatus.OPEN, 0),
        "acknowledged_count": counts.get(EventStatus.ACKNOWLEDGED, 0),
        "own_unit_ids": access.unit_ids, "province_wide": access.province_wide,
    })


def chart_data(event):
    """The data around the event for its chart: readings (or hourly figures for long events) of its series, or
    the recent periods of its indicator; bounded queries on primary keys."""
    rule = event.rule
    show_threshold = rule.condition in (Condition.ABOVE, Condition.BELOW)
    data = {"threshold": rule.threshold if show_threshold else None,
            "escalation": rule.escalation_threshold if show_threshold else None,
            "trigger": int(event.first_triggered_at.timestamp() * 1000), "points": [],
            "uom": rule.metric.unit_label if rule.metric_id else (
                rule.indicator.unit_label if rule.indicator_id else ""),
            "label": (rule.metric.label if rule.metric_id else rule.indicator.label if rule.indicator_id else ""),
            "threshold_label": _("Ngưỡng cảnh báo"), "escalation_label": _("Ngưỡng nâng mức")}
    if event.series_id:
        start = epoch(event.first_triggered_at) - CHART_MARGIN_SECONDS
        end = epoch(event.resolved_at or event.last_triggered_at) + CHART_MARGIN_SECONDS
        if end - start <= RAW_CHART_MAX_SPAN:
            rows = (Reading.objects.filter(series_id=event.series_id, t__gte=start, t__lte=end)
                    .order_by("t").values_list("t", "value")[:CHART_MAX_POINTS])
        else:
            rows = (SeriesRollup.objects.filter(series_id=event.series_id, grain=Grain.HOUR, bucket__gte=start,
                                                bucket__lte=end)
                    .order_by("bucket").values_list("bucket", "max" if rule.condition != Condition.BELOW else "min")
                    [:CHART_MAX_POINTS])
        data["points"] = [[t * 1000, v] for t, v in rows]
    elif event.indicator_id:
        rows = (Observation.objects.current().filter(indicator_id=event.indicator_id, area_id=event.area_id)
                .order_by("-period").values_list("period", "value")[:36])
        data["points"] = [[p.isoformat(), v] for p, v in reversed(rows)]
        data["category"] = True
    return data


ACTIONS = {
    "tiep-nhan": (AcknowledgeForm, lambda e, by, d: services.acknowledge(event=e, by=by, note=d["note"]),
                  gettext_lazy("Đã tiếp nhận sự kiện.")),
    "ket-thuc": (ResolveForm, lambda e, by, d: services.resolve(event=e, by=by, note=d["note"]),
                 gettext_lazy("Đã kết thúc sự kiện.")),
    "ghi-chu": (NoteForm, lambda e, by, d: services.add_note(event=e, by=by, text=d["text"]),
                gettext_lazy("Đã thêm ghi chú.")),
}


def _render_event(request, event, forms=None, status=200):
    user = request.user
    targets = services.allowed_targets(event, user)
    may_handle = services.may_handle(user, event)
    forms = forms or {}
    action_forms = []
    if EventStatus.ACKNOWLEDGED in targets:
        action_forms.append(("tiep-nhan", pgettext("alert action", "Tiếp nhận"), forms.get("tiep-nhan") or AcknowledgeForm()))
    if EventStatus.RESOLVED in targets:
        action_forms.append(("ket-thuc", _("Kết thúc sự kiện"), forms.get("ket-thuc") or ResolveForm()))
    if may_handle:
        action_forms.append(("ghi-chu", _("Thêm ghi chú"), forms.get("ghi-chu") or NoteForm()))
    return render(request, "alerts/event.html", {
        "event": event, "rule": event.rule, "notes": event.notes.select_related("author"),
        "action_forms": action_forms, "may_handle": may_handle, "chart": chart_data(event),
        "open_action": next(iter(forms), None),
        "cap_url": reverse("alerts:cap_alert", args=[event.public_id]) if event.is_public else "",
        "severity_label": Severity(event.severity).label, "trigger_text": event.value_text(event.trigger_value),
        "worst_text": event.value_text(event.worst_value), "last_text": event.value_text(event.last_value),
    }, status=status)


@permission_required("alerts.view")
def event_detail(request, public_id):
    return _render_event(request, get_event_for_staff(request, public_id))


@require_POST
@permission_required("alerts.handle")
def event_action(request, public_id, action):
    if action not in ACTIONS:
        raise Http404
    event = get_event_for_staff(request, public_id)
    if not services.may_handle(request.user, event):
        raise PermissionDenied(_("Bạn không có quyền xử lý sự kiện của đơn vị khác."))
    form_class, run, done = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(event, request.user, form.cleaned_data)
        except ValidationError as exc:
            # A refused move (the event changed meanwhile): said at the top, where it shows for any action.
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
            return redirect(reverse("alerts:event", args=[event.public_id]))
    else:
        messages.error(request, _("Chưa thực hiện được, hãy xem lỗi bên dưới."))
    event.refresh_from_db()
    return _render_event(request, event, forms={action: form}, status=400)


urlpatterns = [
    path("canh-bao/", event_list, name="events"),
    path("canh-bao/<uuid:public_id>/", event_detail, name="event"),
    path("canh-bao/<uuid:public_id>/<slug:action>/", event_action, name="event_action"),
]
