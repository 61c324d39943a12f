"""Reading service requests: the public reports, with public fields only, in one query.

A report is a GeoReport "service request"; its tracking code (PA-2026-000123) is the service_request_id.
Only `Report.objects.public()` is ever read, and only the fields listed in FIELDS: the reporter's name,
e-mail, phone and account never leave the database here.

Status: the open statuses (received, verified, assigned, in progress, reopened) are "open"; answered and
closed are "closed" (the agency has answered: "it has been resolved"). Rejected and merged reports are not
public at all.
"""

import re
from datetime import datetime, time, timedelta

from django.core.files.storage import default_storage
from django.db.models import Case, DateTimeField, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from ..models import (DONE_STATUSES, OPEN_STATUSES, Category, EventKind, PhotoKind, Report, ReportEvent,
                      ReportPhoto)
from .formats import Open311Error

WINDOW = timedelta(days=90)  # the specification's default and largest date range
MAX_RESULTS = 1000
STATUS_GROUPS = {"open": OPEN_STATUSES, "closed": DONE_STATUSES}

FIELDS = ("id", "code", "status", "category__code", "category__name", "category__name_en", "description",
          "lead_unit__name", "received_at", "answer_due", "answer", "address", "area__name", "latitude", "longitude")


def public_requests(reports=None):
    """Rows of public fields, with the latest public status note and the first photo, newest first.

    `reports` must already be public (a subset of Report.objects.public()); it defaults to all of them.
    """
    latest_note = (ReportEvent.objects.filter(report=OuterRef("pk"), is_public=True,
                                              kind__in=(EventKind.TRANSITION, EventKind.TRANSFER,
                                                        EventKind.EXTENSION, EventKind.MERGE))
                   .exclude(note="").order_by("-at", "-id").values("note")[:1])
    first_photo = (ReportPhoto.objects.filter(report=OuterRef("pk"), kind=PhotoKind.INTAKE, is_ready=True)
                   .exclude(image="").order_by("id").values("image")[:1])
    # The time of the last change, chosen by the database: a thousand rows then bring three times each to
    # Python, not five (turning database values into aware datetimes is the costliest part of a large answer).
    updated = Case(When(status__in=DONE_STATUSES, then=Coalesce("closed_at", "answered_at", "updated_at")),
                   default=F("updated_at"), output_field=DateTimeField())
    return ((Report.objects.public() if reports is None else reports)
            .annotate(status_note=Subquery(latest_note), photo=Subquery(first_photo),
                      client_media_url=KT("attributes__media_url"), last_change=updated)
            .values(*FIELDS, "last_change", "status_note", "photo", "client_media_url")
            .order_by("-received_at", "-id"))


def public_status(status):
    return "open" if status in OPEN_STATUSES else "closed"


class Serializer:
    """Turns rows of public_requests() into GeoReport service requests, for one request's language and host.

    Made once per answer: the time zone and the site's origin are looked up once, not for each of 1,000 rows.
    """

    def __init__(self, request, language):
        self.language = language
        self.zone = timezone.get_current_timezone()
        self.origin = f"{request.scheme}://{request.get_host()}"

    def time(self, value):
        return value.astimezone(self.zone).isoformat(timespec="seconds") if value else None

    def media_url(self, row):
        if row["photo"]:
            url = default_storage.url(row["photo"])
            return self.origin + url if url.startswith("/") else url
        return row["client_media_url"] or None

    def __call__(self, row):
        status = public_status(row["status"])
        notes = (row["answer"] or row["status_note"]) if status == "closed" else row["status_note"]
        service_name = (row["category__name_en"] if self.language == "en" and row["category__name_en"]
                        else row["category__name"])
        return {
            "service_request_id": row["code"],
            "status": status,
            "status_notes": notes or None,
            "service_name": service_name,
            "service_code": row["category__code"],
            "description": row["description"] or None,
            "agency_responsible": row["lead_unit__name"],
            "service_notice": None,
            "requested_datetime": self.time(row["received_at"]),
            "updated_datetime": self.time(row["last_change"]),
            "expected_datetime": self.time(row["answer_due"]),
            "address": row["address"] or row["area__name"] or None,
            "address_id": None,
            "zipcode": None,
            "lat": row["latitude"],
            "long": row["longitude"],
            "media_url": self.media_url(row),
        }


# --- Filters of GET requests ----------------------------------------------------------------------


def _split(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "+07:00" sent unencoded in a query string arrives as " 07:00".
_LOST_PLUS = re.compile(r"(T\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)$")


def parse_w3c(name, value, *, end_of_day=False):
    """A W3C datetime parameter as an aware datetime, or Open311Error 400 naming the parameter.

    A date alone is accepted (the start of that day, or its end for end_date); a datetime without an offset
    is read in the province's time zone.
    """
    value = _LOST_PLUS.sub(r"\1+\2", value.strip())
    try:
        if _DATE_ONLY.match(value):  # before parse_datetime, which reads a bare date as midnight
            day = parse_date(value)
            moment = datetime.combine(day, time.max if end_of_day else time.min) if day else None
        else:
            moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s: “%(value)s” không phải ngày giờ W3C hợp lệ; ví dụ "
                                  "2026-01-05T00:00:00+07:00 hoặc 2026-01-05T00:00:00Z.")
                           % {"name": name, "value": value[:50]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def date_window(start_value, end_value, *, now=None):
    """(start, end) of the search: the last 90 days by default; at most 90 days."""
    now = now or timezone.now()
    start = parse_w3c("start_date", start_value) if start_value else None
    end = parse_w3c("end_date", end_value, end_of_day=True) if end_value else None
    if start and end:
        if end < start:
            raise Open311Error(400, _("end_date phải sau start_date."))
        if end - start > WINDOW:
            raise Open311Error(400, _("Khoảng thời gian từ start_date đến end_date không được quá %(days)d "
                                      "ngày.") % {"days": WINDOW.days})
        return start, end
    if start:
        return start, start + WINDOW
    if end:
        return end - WINDOW, end
    return now - WINDOW, now


def matching(params):
    """The public reports GET requests asks for with these query parameters, newest first."""
    reports = Report.objects.public().order_by("-received_at", "-id")
    ids = _split(params.get("service_request_id"))
    if ids:
        if len(ids) > MAX_RESULTS:
            raise Open311Error(400, _("service_request_id: tối đa %(n)d mã mỗi lần.") % {"n": MAX_RESULTS})
        return reports.filter(code__in=ids)  # "This overrides all other arguments."
    start, end = date_window(params.get("start_date", "").strip(), params.get("end_date", "").strip())
    reports = reports.filter(received_at__gte=start, received_at__lte=end)
    codes = _split(params.get("service_code"))
    if codes:
        # By id, not by a join on the code: the planner then knows how many reports each category has and
        # reads them through the (category, received_at) index, newest first.
        ids = list(Category.objects.filter(code__in=codes).values_list("pk", flat=True))
        reports = reports.filter(category_id__in=ids)
    statuses = [s.lower() for s in _split(params.get("status"))]
    if statuses:
        unknown = [s for s in statuses if s not in STATUS_GROUPS]
        if unknown:
            raise Open311Error(400, _("status: “%(value)s” không hợp lệ; chỉ nhận open, closed.")
                               % {"value": ", ".join(unknown)})
        wanted = [status for group in dict.fromkeys(statuses) for status in STATUS_GROUPS[group]]
        reports = reports.filter(status__in=wanted)
    return reports


def search(params):
    """The rows answering GET requests (at most MAX_RESULTS, newest first), read in one query.

    The reports are chosen by their keys alone first (the received_at or category index gives the order), and
    only the chosen ones get the status note and photo lookups: with several service codes the database would
    otherwise compute them for every report of the window before sorting. A thousand rows are then sorted
    here, which costs less than having the database sort them with their long texts.
    """
    chosen = matching(params).values("pk")[:MAX_RESULTS]
    rows = public_requests(Report.objects.filter(pk__in=chosen)).order_by()
    return sorted(rows, key=lambda row: (row["received_at"], row["id"]), reverse=True)
