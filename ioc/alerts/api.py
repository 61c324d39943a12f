"""The alerts API: events for the video wall's polling and other staff clients."""

from datetime import datetime

from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from ioc.api import Page, api_require

from .models import ACTIVE_STATUSES, AlertEvent, EventStatus
from .queries import active_events

router = Router(tags=["alerts"])

STATUS_FILTERS = {"open": (EventStatus.OPEN,), "acknowledged": (EventStatus.ACKNOWLEDGED,),
                  "active": ACTIVE_STATUSES, "resolved": (EventStatus.RESOLVED,)}


class EventOut(Schema):
    id: str
    headline: str
    severity: str
    severity_label: str
    status: str
    status_label: str
    place: str
    area: str | None
    responsible_unit: str
    last_value: float | None
    worst_value: float | None
    value_text: str
    trigger_count: int
    first_triggered_at: datetime
    last_triggered_at: datetime
    resolved_at: datetime | None
    is_public: bool
    url: str

    @staticmethod
    def resolve_id(event):
        return str(event.public_id)

    @staticmethod
    def resolve_severity_label(event):
        return str(event.get_severity_display())

    @staticmethod
    def resolve_status_label(event):
        return str(event.get_status_display())

    @staticmethod
    def resolve_area(event):
        return event.area.name if event.area_id else None

    @staticmethod
    def resolve_responsible_unit(event):
        return event.responsible_unit.name

    @staticmethod
    def resolve_value_text(event):
        return event.value_text(event.worst_value)

    @staticmethod
    def resolve_url(event):
        return reverse("alerts:event", args=[event.public_id])


@router.get("/events", response=list[EventOut], summary="Sự kiện cảnh báo",
            description="Sự kiện cảnh báo, nặng nhất và mới nhất trước. `status`: active (mặc định: open và "
                        "acknowledged), open, acknowledged, resolved (mới kết thúc trước).")
@paginate(Page)
def list_events(request, status: str = "active"):
    access = api_require(request, "alerts.view")
    statuses = STATUS_FILTERS.get(status)
    if statuses is None:
        raise HttpError(422, "Trạng thái không hợp lệ: dùng active, open, acknowledged hoặc resolved.")
    if status == "resolved":
        return (AlertEvent.objects.for_access(access).filter(status=EventStatus.RESOLVED)
                .select_related("rule", "area", "responsible_unit").order_by("-resolved_at", "-pk"))
    return active_events(access).filter(status__in=statuses)
