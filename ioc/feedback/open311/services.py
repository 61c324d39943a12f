"""Open311 services are the feedback categories (*lĩnh vực*): the service list, the service definitions
(category.attributes) and the validation of `attribute[code]` values against them.

Only categories that take reports are services: active categories without an active sub-category (the
leaves of the tree), under an active parent. A parent category is the `group` of its children; a report is
never filed under a group, as on the web form. Categories that are not public are services too: their
reports are accepted, and never listed by GET requests.
"""

import copy
import math

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ioc.lib.refcache import ReferenceCache

from ..models import Category

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")
MAX_STRING = 1000
MAX_TEXT = 4000


def service_categories():
    """Categories that accept reports, in the order administrators set."""
    active_children = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    return (Category.objects.filter(is_active=True)
            .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
            .exclude(Exists(active_children))
            .select_related("parent")
            .order_by("order", "name"))


def find_service(code):
    """The category behind service_code, or None (from this process's copy of the services)."""
    category = SERVICES.get().get(code)
    return copy.copy(category) if category is not None else None


SERVICES = ReferenceCache("open311-services", lambda: {c.code: c for c in service_categories()},
                          models=[Category])


def is_group(code):
    return Category.objects.filter(code=code, is_active=True).exists()


def localized_name(category, language):
    if category is None:
        return None
    return category.name_en if language == "en" and category.name_en else category.name


def service_entry(category, language):
    return {
        "service_code": category.code,
        "service_name": localized_name(category, language),
        "description": category.description or None,
        "metadata": bool(attribute_definitions(category, language)),
        "type": "realtime",  # the report and its service_request_id exist as soon as POST answers
        "keywords": ", ".join(category.keyword_list()) or None,
        "group": localized_name(category.parent, language),
    }


# --- Service definitions --------------------------------------------------------------------------


def _flag(value, default):
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "có")
    return bool(value)


def _values(raw, language):
    values = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and str(item.get("key", "")).strip():
            name = item.get("name_en") if language == "en" and item.get("name_en") else item.get("name")
            values.append({"key": str(item["key"]).strip(), "name": str(name or item["key"])})
        elif isinstance(item, (str, int, float)) and str(item).strip():
            values.append({"key": str(item).strip(), "name": str(item)})
    return values


def attribute_definitions(category, language="vi"):
    """The category's Open311 attributes in the specification's shape, in their display order.

    category.attributes is edited by administrators as JSON, so it is read leniently: entries without a
    code are skipped, an unknown datatype counts as "string", list values may be {key, name} or plain values.
    """
    definitions = []
    for index, raw in enumerate(category.attributes if isinstance(category.attributes, list) else []):
        if not isinstance(raw, dict) or not str(raw.get("code", "")).strip():
            continue
        datatype = raw.get("datatype") if raw.get("datatype") in DATATYPES else "string"
        try:
            order = int(raw.get("order"))
        except (TypeError, ValueError):
            order = index + 1
        description = raw.get("description")
        if language == "en" and raw.get("description_en"):
            description = raw["description_en"]
        definitions.append({
            "variable": _flag(raw.get("variable"), True),
            "code": str(raw["code"]).strip(),
            "datatype": datatype,
            "required": _flag(raw.get("required"), False),
            "datatype_description": raw.get("datatype_description") or None,
            "order": order,
            "description": str(description or raw["code"]),
            "values": _values(raw.get("values"), language) if datatype in LIST_DATATYPES else [],
        })
    definitions.sort(key=lambda d: d["order"])
    return definitions


def service_definition(category, language):
    return {"service_code": category.code, "attributes": attribute_definitions(category, language)}


# --- Attribute values sent with a request ---------------------------------------------------------


def clean_attributes(category, submitted):
    """Check `submitted` ({code: [values]}) against the category's definitions.

    Returns (attributes to store, list of error messages). Every message names the attribute.
    """
    definitions = {d["code"]: d for d in attribute_definitions(category) if d["variable"]}
    cleaned, errors = {}, []
    for code in submitted:
        if code not in definitions:
            errors.append(_("attribute[%(code)s]: lĩnh vực %(service)s không có thông tin bổ sung này.")
                          % {"code": code, "service": category.code})
    for code, definition in definitions.items():
        values = [v.strip() for v in submitted.get(code, []) if v.strip()]
        if not values:
            if definition["required"]:
                errors.append(_("attribute[%(code)s]: thiếu thông tin bắt buộc “%(label)s”.")
                              % {"code": code, "label": definition["description"]})
            continue
        value, error = _clean_value(definition, values)
        if error:
            errors.append(f"attribute[{code}]: {error}")
        else:
            cleaned[code] = value
    return cleaned, errors


def _number(value):
    """A float from "12", "12.5" or the Vietnamese "12,5"; NaN when it is not a number."""
    for candidate in (value, value.replace(",", ".", 1) if "." not in value else value):
        try:
            return float(candidate)
        except ValueError:
            continue
    return math.nan


def _clean_value(definition, values):
    """(value, None) or (None, message) for one attribute's submitted values."""
    datatype = definition["datatype"]
    if datatype == "multivaluelist":
        keys = {v["key"] for v in definition["values"]}
        unknown = [v for v in values if v not in keys]
        if unknown:
            return None, _("giá trị không có trong danh sách: %(values)s.") % {"values": ", ".join(unknown)}
        return list(dict.fromkeys(values)), None
    if len(values) > 1:
        return None, _("chỉ được gửi một giá trị.")
    value = values[0]
    if datatype == "singlevaluelist":
        if value not in {v["key"] for v in definition["values"]}:
            return None, _("giá trị “%(value)s” không có trong danh sách.") % {"value": value}
        return value, None
    if datatype == "number":
        number = _number(value)
        if not math.isfinite(number):
            return None, _("cần một số.")
        return (int(number) if number.is_integer() and abs(number) < 2 ** 53 else number), None
    if datatype == "datetime":
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            return None, _("cần ngày giờ theo ISO 8601, ví dụ 2026-01-05T08:30:00+07:00.")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.isoformat(), None
    if datatype == "string":
        if "\n" in value or "\r" in value:
            return None, _("không được xuống dòng.")
        if len(value) > MAX_STRING:
            return None, _("dài quá %(n)d ký tự.") % {"n": MAX_STRING}
        return value, None
    if len(value) > MAX_TEXT:  # text
        return None, _("dài quá %(n)d ký tự.") % {"n": MAX_TEXT}
    return value, None
