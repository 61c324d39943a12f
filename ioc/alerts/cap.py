"""Publication of public alerts in the Common Alerting Protocol (OASIS CAP 1.2) and an Atom feed of them.

Each public event is one CAP document at /alerts/<uuid>.cap.xml that shows its current message:

- *Alert* when the event opened (identifier = the event's UUID),
- *Update* after its severity rose (identifier `<uuid>.<version>`, `references` the original Alert),
- *Cancel* once it is resolved (urgency Past), so a consumer that polls the document learns it has ended.

Only the rule's public fields and the measured value go out: no notes, no names of staff, no personal data.
The info block is in Vietnamese (vi-VN). Times carry Vietnam's offset (+07:00), as CAP's pattern requires.
The sender is `IOC_CAP_SENDER` (settings; default ioc@bacninh.gov.vn).
"""

import re
import xml.etree.ElementTree as ET

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from ioc.monitoring.models import VN_TZ

from .models import AlertEvent, Urgency

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MIME = "application/cap+xml"
ATOM_MIME = "application/atom+xml"
DEFAULT_SENDER = "ioc@bacninh.gov.vn"
FEED_SIZE = 200


def sender():
    """The CAP sender: no spaces, commas or reserved characters (CAP 1.2, 3.2.1)."""
    value = (getattr(settings, "IOC_CAP_SENDER", "") or DEFAULT_SENDER).strip()
    if not value or re.search(r"[\s,<&]", value):
        return DEFAULT_SENDER
    return value


def sender_name():
    return getattr(settings, "IOC_SITE_NAME", "") or _("Trung tâm Giám sát, Điều hành Thông minh tỉnh Bắc Ninh")


def cap_time(moment):
    """2026-03-16T14:05:00+07:00: no fractions, no Z (CAP's pattern)."""
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def identifier(event, version=None):
    version = event.cap_version if version is None else version
    return str(event.public_id) if version <= 1 else f"{event.public_id}.{version}"


def _sub(parent, tag, text=None):
    # Plain tags under a root that declares its namespace as the default (xmlns=…): unprefixed output.
    node = ET.SubElement(parent, tag)
    if text is not None:
        node.text = str(text)
    return node


def area_description(event):
    parts = [p for p in (event.place, event.area.name if event.area_id and event.area.name not in event.place else "")
             if p]
    return ", ".join(parts) or _("Tỉnh Bắc Ninh")


def alert_element(event, *, absolute):
    """The CAP <alert> of the event's current message. `absolute(path)` makes an absolute URL."""
    rule = event.rule
    sent_at = event.cap_sent_at or event.created_at
    msg_type = event.cap_msg_type
    root = ET.Element("alert", {"xmlns": CAP_NS})
    _sub(root, "identifier", identifier(event))
    _sub(root, "sender", sender())
    _sub(root, "sent", cap_time(sent_at))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", msg_type)
    _sub(root, "scope", "Public")
    if msg_type != "Alert":
        original_sent = cap_time(event.created_at)
        _sub(root, "references", f"{sender()},{identifier(event, 1)},{original_sent}")
    info = _sub(root, "info")
    _sub(info, "language", "vi-VN")
    _sub(info, "category", rule.cap_category)
    _sub(info, "event", rule.cap_event or rule.name)
    if msg_type == "Cancel":
        _sub(info, "responseType", "AllClear")
    _sub(info, "urgency", Urgency.PAST if msg_type == "Cancel" else rule.cap_urgency)
    _sub(info, "severity", event.severity)
    _sub(info, "certainty", rule.cap_certainty)
    _sub(info, "onset", cap_time(event.first_triggered_at))
    if msg_type == "Cancel" and event.resolved_at:
        _sub(info, "expires", cap_time(event.resolved_at))
    _sub(info, "senderName", sender_name())
    if msg_type == "Cancel":
        headline = _("Kết thúc cảnh báo: %(headline)s") % {"headline": event.headline}
        description = _("Cảnh báo đã kết thúc lúc %(at)s. %(message)s") % {
            "at": event.resolved_at.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y"), "message": event.message}
    else:
        headline, description = event.headline, event.message
    _sub(info, "headline", headline[:160])
    _sub(info, "description", description)
    if rule.instruction and msg_type != "Cancel":
        _sub(info, "instruction", rule.instruction)
    _sub(info, "web", absolute(reverse("alerts:cap_alert", args=[event.public_id])))
    unit = event.responsible_unit
    contact = ", ".join(p for p in (unit.name, unit.phone, unit.email) if p)
    if contact:
        _sub(info, "contact", contact)
    if event.last_value is not None:
        parameter = _sub(info, "parameter")
        _sub(parameter, "valueName", "giaTriDo")
        _sub(parameter, "value", event.value_text(event.worst_value if event.worst_value is not None
                                                  else event.last_value))
    area = _sub(info, "area")
    _sub(area, "areaDesc", area_description(event))
    if event.cap_polygon:
        _sub(area, "polygon", event.cap_polygon)
    if event.cap_circle:
        _sub(area, "circle", event.cap_circle)
    if event.area_id:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "MaDVHC")  # the official administrative unit code
        _sub(geocode, "value", event.area.code)
    return root


def render_alert(event, *, absolute):
    with override("vi"):
        root = alert_element(event, absolute=absolute)
    ET.indent(root)
    return _document(root)


def public_events():
    return (AlertEvent.objects.public_active().select_related("rule", "area", "responsible_unit")
            .order_by("-last_triggered_at")[:FEED_SIZE])


def render_feed(*, absolute, events=None):
    """An Atom feed (RFC 4287) of the active public alerts, each entry linking to its CAP document."""
    events = list(public_events() if events is None else events)
    with override("vi"):
        feed = ET.Element("feed", {"xmlns": ATOM_NS, "{http://www.w3.org/XML/1998/namespace}lang": "vi-VN"})
        a = _sub
        a(feed, "id", absolute(reverse("alerts:cap_feed")))
        a(feed, "title", _("Cảnh báo công khai – %(site)s") % {"site": sender_name()})
        a(feed, "subtitle", _("Các cảnh báo đang có hiệu lực, theo chuẩn CAP 1.2"))
        latest = max((e.updated_at for e in events), default=None)
        a(feed, "updated", cap_time(latest) if latest else cap_time(_epoch_start()))
        author = a(feed, "author")
        a(author, "name", sender_name())
        a(author, "email", sender())
        ET.SubElement(feed, "link", {"rel": "self", "type": ATOM_MIME,
                                                   "href": absolute(reverse("alerts:cap_feed"))})
        a(feed, "generator", "IOC Bắc Ninh")
        for event in events:
            entry = a(feed, "entry")
            cap_url = absolute(reverse("alerts:cap_alert", args=[event.public_id]))
            a(entry, "id", f"urn:uuid:{event.public_id}")
            a(entry, "title", event.headline)
            a(entry, "updated", cap_time(event.updated_at))
            a(entry, "published", cap_time(event.created_at))
            entry_author = a(entry, "author")
            a(entry_author, "name", event.responsible_unit.name)
            ET.SubElement(entry, "link", {"rel": "alternate", "type": CAP_MIME, "href": cap_url})
            ET.SubElement(entry, "category", {"term": event.rule.cap_category,
                                                            "label": event.get_severity_display()})
            a(entry, "summary", event.message)
    ET.indent(feed)
    return _document(feed)


def _document(root):
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _epoch_start():
    from datetime import datetime

    return datetime(2025, 7, 1, tzinfo=VN_TZ)
