"""Pages for administrators: the audit log (read-only) and the working calendar."""

import csv
import json
from datetime import datetime, time
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from .. import audit
from ..access import permission_required
from ..models import AuditAction, AuditEvent, Holiday, WorkingCalendar


AUDIT_FILTERS = ("actor", "action", "object_type", "date_from", "date_to", "q")


def _filtered_events(request):
    """The audit events matching the request's filters, the filters, and which dates were invalid."""
    qs = AuditEvent.objects.all()
    filters = {k: request.GET.get(k, "").strip() for k in AUDIT_FILTERS}
    errors = {}
    if filters["actor"]:
        qs = qs.filter(actor_label__icontains=filters["actor"])
    if filters["action"] in AuditAction.values:
        qs = qs.filter(action=filters["action"])
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    if filters["q"]:
        qs = qs.filter(object_repr__icontains=filters["q"])
    tz = timezone.get_current_timezone()
    for key, bound, lookup in (("date_from", time.min, "at__gte"), ("date_to", time.max, "at__lte")):
        if filters[key]:
            day = parse_date(filters[key]) if len(filters[key]) == 10 else None
            if day is None:
                errors[key] = True
            else:
                qs = qs.filter(**{lookup: datetime.combine(day, bound, tzinfo=tz)})
    return qs, filters, errors


@permission_required("core.view_audit")
def audit_log(request):
    qs, filters, errors = _filtered_events(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    object_types = AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    query_string = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "core/audit.html", {
        "page": page, "filters": filters, "errors": errors, "actions": AuditAction.choices,
        "object_types": [t for t in object_types if t], "query_string": query_string,
    })


@permission_required("core.view_audit")
def audit_export(request):
    """The filtered audit log as CSV (UTF-8 with BOM so Excel shows Vietnamese correctly). Itself audited."""
    qs, filters, _errors = _filtered_events(request)
    audit.record(AuditAction.EXPORT, object_type="core.auditevent", object_repr="audit-log.csv",
                 changes={"filters": {k: v for k, v in filters.items() if v}})
    response = StreamingHttpResponse(_csv_rows(qs.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nhat-ky-he-thong.csv"'
    return response


def _csv_rows(events):
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(["at", "actor", "ip_address", "action", "object_type", "object_id",
                                       "object", "changes", "note"])
    for e in events:
        yield writer.writerow([timezone.localtime(e.at).isoformat(), e.actor_label, e.ip_address or "", e.action,
                               e.object_type, e.object_id, e.object_repr, json.dumps(e.changes, ensure_ascii=False),
                               e.note])


@permission_required("core.view_directory")
def calendar(request):
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    return render(request, "core/calendar.html", {
        "calendar": WorkingCalendar.objects.filter(is_default=True).first(),
        "holidays": Holiday.objects.filter(date__year=year),
        "year": year, "years": range(2025, 2031),
        "can_edit": request.user.has_perm("core.change_holiday") or request.user.is_superuser,
    })
