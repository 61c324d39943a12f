"""The two output formats of GeoReport v2 and its error document.

JSON follows the specification's "Spark convention" mapping of the XML: a list of `<service>` elements in
`<services>` is a JSON array, a nested element is an object, an empty element is null. One data structure
is written in either format, so the two can never disagree.
"""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MIME_TYPES = ["application/json", "text/xml"]  # as listed in the discovery document

# The element name of each item of a list, by the list's element name.
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

# Characters XML 1.0 cannot carry at all, even escaped (C0 controls but tab, newline and carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class Open311Error(Exception):
    """An error answered in the specification's shape: `[{"code": 400, "description": "..."}]`.

    `descriptions` may hold several messages (the specification allows a list), all with the same status.
    """

    def __init__(self, status, *descriptions, headers=None):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.headers = headers or {}


def w3c_datetime(value):
    """A datetime in the W3C profile of ISO 8601, in local time with its offset: 2026-01-05T08:15:30+07:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _fill(element, value):
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, (list, tuple)):
        item_tag = LIST_ITEMS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_tag), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))


def to_xml(root_tag, data):
    """The document as UTF-8 bytes, with the XML declaration the specification asks for."""
    root = ET.Element(root_tag)
    _fill(root, data)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def to_json(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(fmt, root_tag, data, *, status=200, headers=None):
    """Answer `data` in the requested format; `root_tag` names the XML root element."""
    content = to_xml(root_tag, data) if fmt == "xml" else to_json(data)
    response = HttpResponse(content, status=status, content_type=FORMATS[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def render_error(fmt, error):
    body = [{"code": error.status, "description": description} for description in error.descriptions]
    return render(fmt, "errors", body, status=error.status, headers=error.headers)
