"""Reading NGSI-LD entities (normalized form) into what the IOC stores, and rebuilding them from a station.

`parse_entity()` checks one entity completely and raises `NgsiError("BadRequestData")` with a message that
names the attribute at fault; it touches no database (the metrics come in a `MetricIndex`). `render_entity()`
turns a station and its series back into a normalized (or simplified) entity.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import from_epoch
from .errors import bad_data
from .mapping import (CONVERSIONS, DESCRIPTIVE, KIND_TYPES, TYPE_KINDS, MetricIndex, short_name,
                      unit_code_for)

URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
_ID_SEPARATORS = re.compile(r"[:/#]")
_NOT_IN_CODE = re.compile(r"[^A-Za-z0-9_-]+")
ATTRIBUTE_TYPES = ("Property", "GeoProperty", "Relationship", "LanguageProperty", "VocabProperty",
                   "ListProperty", "ListRelationship", "JsonProperty")
CORE_MEMBERS = frozenset({"id", "type", "@context", "scope", "createdAt", "modifiedAt", "deletedAt",
                          "observationSpace", "operationSpace"})
MAX_CODE = 60  # Station.code
MAX_NAME = 200  # Station.name
MAX_ADDRESS = 300  # Station.address
FUTURE_SLACK = timedelta(hours=1)  # a device clock a little ahead is tolerated, a wrong year is not
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class ParsedEntity:
    """One entity as the IOC will store it."""

    id: str
    type: str
    kind: str
    code: str
    name: str = ""
    address: str = ""
    location: tuple | None = None  # (latitude, longitude)
    readings: list = field(default_factory=list)  # (metric code, epoch seconds, value)
    ignored: list = field(default_factory=list)  # attribute names not stored


def entity_type(value) -> str:
    """The short type name; several types (a list) are allowed when one of them is known."""
    names = value if isinstance(value, list) else [value]
    if not names or not all(isinstance(n, str) and n for n in names):
        raise bad_data(_("“type” phải là tên kiểu thực thể (chuỗi ký tự), ví dụ AirQualityObserved."))
    shorts = [short_name(n) for n in names]
    for name in shorts:
        if name in TYPE_KINDS:
            return name
    raise bad_data(_("Kiểu thực thể “%(type)s” chưa được hỗ trợ; các kiểu được nhận: %(known)s.")
                   % {"type": ", ".join(shorts)[:100], "known": ", ".join(TYPE_KINDS)})


def check_id(value) -> str:
    if not isinstance(value, str) or not value:
        raise bad_data(_("Thiếu “id” của thực thể (một URI, ví dụ urn:ngsi-ld:AirQualityObserved:BN-01)."))
    if len(value) > 255 or not URI.match(value):
        raise bad_data(_("“id” của thực thể phải là một URI không quá 255 ký tự, ví dụ "
                         "urn:ngsi-ld:AirQualityObserved:BN-01 (nhận được “%(id)s”).") % {"id": value[:80]})
    return value


def code_from_id(entity_id: str) -> str:
    """The station code an entity id stands for: `urn:ngsi-ld:AirQualityObserved:BN-01` → `BN-01`."""
    tail = _ID_SEPARATORS.split(entity_id.rstrip(":/#"))[-1]
    code = _NOT_IN_CODE.sub("-", tail).strip("-")[:MAX_CODE]
    return code or "station"


def entity_id_for(station) -> str:
    """The entity id of a station: its ngsi_id, or one made from its code for stations no agent named."""
    return station.ngsi_id or f"urn:ngsi-ld:{type_for(station)}:{station.code}"


def type_for(station) -> str:
    return station.ngsi_type or KIND_TYPES.get(station.kind, "Device")


def parse_time(value, where) -> int:
    """Epoch seconds of an NGSI-LD DateTime (ISO 8601; a time without an offset is UTC, as the standard says).
    `where` names the value in error messages (a callable is called only when there is an error)."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None and EARLIEST <= moment <= timezone.now() + FUTURE_SLACK:
            return int(moment.timestamp())  # the usual case, checked without building any message
    if callable(where):
        where = where()
    if isinstance(value, dict) and "@value" in value:
        value = value["@value"]
    if not isinstance(value, str):
        raise bad_data(_("%(where)s phải là thời điểm theo ISO 8601, ví dụ 2026-11-22T03:00:00Z.")
                       % {"where": where})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise bad_data(_("%(where)s “%(value)s” không phải thời điểm theo ISO 8601, ví dụ "
                         "2026-11-22T03:00:00Z.") % {"where": where, "value": value[:40]}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment < EARLIEST or moment > timezone.now() + FUTURE_SLACK:
        raise bad_data(_("%(where)s “%(value)s” nằm ngoài khoảng hợp lệ (từ năm 2000 đến hiện tại).")
                       % {"where": where, "value": value[:40]})
    return int(moment.timestamp())


def parse_point(attribute, where="location"):
    """(latitude, longitude) of a GeoProperty holding a GeoJSON Point."""
    if not isinstance(attribute, dict) or attribute.get("type") != "GeoProperty":
        raise bad_data(_("“%(where)s” phải là một GeoProperty: {\"type\": \"GeoProperty\", \"value\": "
                         "{\"type\": \"Point\", \"coordinates\": [kinh độ, vĩ độ]}}.") % {"where": where})
    geometry = attribute.get("value")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        raise bad_data(_("“%(where)s” phải là một điểm GeoJSON (type \"Point\"); trạm quan trắc được lưu "
                         "theo một điểm.") % {"where": where})
    coordinates = geometry.get("coordinates")
    if (not isinstance(coordinates, list) or len(coordinates) not in (2, 3)
            or not all(_is_number(c) for c in coordinates)):
        raise bad_data(_("“%(where)s”: coordinates phải là [kinh độ, vĩ độ].") % {"where": where})
    longitude, latitude = float(coordinates[0]), float(coordinates[1])
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise bad_data(_("“%(where)s”: tọa độ [%(lon)s, %(lat)s] nằm ngoài phạm vi (kinh độ −180…180, vĩ độ "
                         "−90…90; GeoJSON ghi kinh độ trước).") % {"where": where, "lon": longitude,
                                                                    "lat": latitude})
    return latitude, longitude


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _text_value(attribute, name, limit):
    if not isinstance(attribute, dict) or attribute.get("type") != "Property" or "value" not in attribute:
        raise bad_data(_("“%(name)s” phải là một Property: {\"type\": \"Property\", \"value\": …}.")
                       % {"name": name})
    value = attribute["value"]
    if isinstance(value, dict):  # a PostalAddress
        parts = [value.get(k) for k in ("streetAddress", "addressLocality", "addressRegion")]
        value = ", ".join(p for p in parts if isinstance(p, str) and p.strip())
    if not isinstance(value, str):
        raise bad_data(_("“%(name)s” phải có giá trị là chuỗi ký tự.") % {"name": name})
    return value.strip()[:limit]


def parse_attributes(members, metrics: MetricIndex, *, default_time=None, where=""):
    """Readings, location, name, address and ignored names from an entity's attributes (or a fragment)."""
    return EntityParser(metrics).attributes(members, default_time=default_time, where=where)


class EntityParser:
    """Checks the entities of one request. What repeats from one entity to the next (attribute names, the
    observedAt texts, unit codes, the type) is worked out once per request, so a batch of a thousand entities
    costs little more than the reading of its values; anything unusual takes the full checks, which say what
    is wrong."""

    def __init__(self, metrics: MetricIndex):
        self.metrics = metrics
        self._names = {}  # attribute name as sent → (short name, Metric or None)
        self._times = {}  # observedAt text → epoch seconds (valid times only)
        self._units = {}  # (unitCode, metric code) → (factor, offset)
        self._types = {}  # type as sent (a string) → short type name

    def entity(self, data) -> ParsedEntity:
        """Check one normalized entity; BadRequestData names what is wrong."""
        if not isinstance(data, dict):
            raise bad_data(_("Mỗi thực thể phải là một đối tượng JSON có “id” và “type”."))
        entity_id = check_id(data.get("id"))
        if "type" not in data:
            raise bad_data(_("Thực thể “%(id)s” thiếu “type”.") % {"id": entity_id[:80]})
        raw_type = data["type"]
        type_name = self._types.get(raw_type) if type(raw_type) is str else None
        if type_name is None:
            type_name = entity_type(raw_type)
            if type(raw_type) is str:
                self._types[raw_type] = type_name
        default_time = None
        observed = data.get("dateObserved")
        if isinstance(observed, dict) and observed.get("type") == "Property":
            default_time = parse_time(observed.get("value"), "dateObserved")
        readings, found, ignored = self.attributes(data, default_time=default_time)
        return ParsedEntity(id=entity_id, type=type_name, kind=TYPE_KINDS[type_name], code=code_from_id(entity_id),
                            name=found.get("name", ""), address=found.get("address", ""),
                            location=found.get("location"), readings=readings, ignored=ignored)

    def _name(self, raw_name):
        known = self._names.get(raw_name)
        if known is None:
            name = short_name(raw_name)
            metric = self.metrics.find(name) if name not in DESCRIPTIVE and name not in _SPECIAL else None
            known = self._names[raw_name] = (name, metric)
        return known

    def _time(self, raw, name, prefix):
        t = self._times.get(raw) if type(raw) is str else None
        if t is None:
            t = parse_time(raw, lambda: prefix + _("observedAt của “%(name)s”") % {"name": name})
            if type(raw) is str:
                self._times[raw] = t
        return t

    def _unit(self, value, unit_code, metric, name, prefix):
        conversion = self._units.get((unit_code, metric.code)) if type(unit_code) is str else None
        if conversion is None:
            converted = _convert(value, unit_code, metric, name, prefix)  # raises when the unit is wrong
            if type(unit_code) is not str:
                return converted
            expected = unit_code_for(metric.unit_of_measure)
            conversion = self._units[(unit_code, metric.code)] = (
                CONVERSIONS[(unit_code, expected)] if expected is not None and unit_code != expected
                else _NO_CONVERSION)
        if conversion is _NO_CONVERSION:
            return value
        factor, offset = conversion
        return value * factor + offset

    def attributes(self, members, *, default_time=None, where=""):
        """Readings, location, name, address and ignored names from an entity's attributes (or a fragment)."""
        readings, ignored = [], []
        found = {}
        prefix = f"{where}: " if where else ""
        names, times, units = self._names, self._times, self._units
        for raw_name, attribute in members.items():
            if raw_name in CORE_MEMBERS:
                continue
            name, metric = names.get(raw_name) or self._name(raw_name)
            if metric is not None and type(attribute) is dict and attribute.get("type") == "Property":
                # The usual measured attribute, all of it known good: a finite number in range, a unit code
                # met before, an observedAt text met before. Anything else takes the full checks below.
                value = attribute.get("value")
                unit_code, observed = attribute.get("unitCode"), attribute.get("observedAt")
                if type(value) is int and -_MAX_EXACT < value < _MAX_EXACT:
                    value = float(value)
                conversion = _NO_CONVERSION if not unit_code else (
                    units.get((unit_code, metric.code)) if type(unit_code) is str else None)
                t = times.get(observed) if type(observed) is str else None
                if type(value) is float and math.isfinite(value) and conversion is not None and t is not None:
                    if conversion is not _NO_CONVERSION:
                        value = value * conversion[0] + conversion[1]
                    if not (metric.min_valid is not None and value < metric.min_valid
                            or metric.max_valid is not None and value > metric.max_valid):
                        readings.append((metric.code, t, value))
                        continue
            if name == "location":
                found["location"] = parse_point(attribute)
                continue
            if name in ("name", "address"):
                found[name] = _text_value(attribute, name, MAX_NAME if name == "name" else MAX_ADDRESS)
                continue
            instances = attribute if isinstance(attribute, list) else [attribute]
            for instance in instances:
                if not isinstance(instance, dict) or instance.get("type") not in ATTRIBUTE_TYPES:
                    raise bad_data(prefix + _(
                        "thuộc tính “%(name)s” không ở dạng chuẩn hóa NGSI-LD: cần một đối tượng có \"type\" "
                        "(Property, GeoProperty, Relationship…), ví dụ {\"type\": \"Property\", \"value\": 35.2, "
                        "\"observedAt\": \"2026-11-22T03:00:00Z\"}.") % {"name": raw_name[:80]})
            if metric is None:
                if name not in DESCRIPTIVE:
                    ignored.append(name)
                continue
            for instance in instances:
                if instance["type"] != "Property":
                    raise bad_data(prefix + _("thuộc tính “%(name)s” phải là một Property (nhận được %(type)s).")
                                   % {"name": name, "type": instance["type"]})
                if "value" not in instance:
                    raise bad_data(prefix + _("thuộc tính “%(name)s” thiếu “value”.") % {"name": name})
                value = instance["value"]
                if type(value) is not float or not math.isfinite(value):
                    if isinstance(value, dict) and "@value" in value:
                        value = value["@value"]
                    if not _is_number(value):
                        raise bad_data(prefix + _("thuộc tính “%(name)s” phải có giá trị là số (nhận được "
                                                  "%(value)s).") % {"name": name, "value": repr(value)[:40]})
                    value = float(value)
                unit_code = instance.get("unitCode")
                if unit_code:
                    value = self._unit(value, unit_code, metric, name, prefix)
                if metric.min_valid is not None and value < metric.min_valid or (
                        metric.max_valid is not None and value > metric.max_valid):
                    raise bad_data(prefix + _("thuộc tính “%(name)s” = %(value)s nằm ngoài khoảng hợp lệ của "
                                              "đại lượng %(metric)s (%(min)s…%(max)s).") % {
                        "name": name, "value": value, "metric": metric.code,
                        "min": "" if metric.min_valid is None else metric.min_valid,
                        "max": "" if metric.max_valid is None else metric.max_valid})
                if "observedAt" in instance:
                    t = self._time(instance["observedAt"], name, prefix)
                elif default_time is not None:
                    t = default_time
                else:
                    t = int(timezone.now().timestamp())
                readings.append((metric.code, t, value))
        return readings, found, ignored


_SPECIAL = frozenset({"location", "name", "address"})  # attributes that describe the station itself
_NO_CONVERSION = (1.0, 0.0)
_MAX_EXACT = 2 ** 53  # integers that convert to float exactly


def _convert(value, unit_code, metric, name, prefix):
    if not unit_code:
        return value
    if not isinstance(unit_code, str):
        raise bad_data(prefix + _("unitCode của “%(name)s” phải là mã đơn vị UN/CEFACT (chuỗi).") % {"name": name})
    expected = unit_code_for(metric.unit_of_measure)
    if expected is None or unit_code == expected:
        return value
    conversion = CONVERSIONS.get((unit_code, expected))
    if conversion is None:
        raise bad_data(prefix + _("unitCode “%(got)s” của “%(name)s” không khớp đơn vị của đại lượng "
                                  "(%(unit)s, mã %(expected)s) và không có phép quy đổi.") % {
            "got": unit_code[:10], "name": name, "unit": metric.unit_of_measure, "expected": expected})
    factor, offset = conversion
    return value * factor + offset


def parse_entity(data, metrics: MetricIndex) -> ParsedEntity:
    """Check one normalized entity; BadRequestData names what is wrong."""
    return EntityParser(metrics).entity(data)


# --- Rendering --------------------------------------------------------------------------------------


def iso(t: int) -> str:
    return from_epoch(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_entity(station, series, metrics: MetricIndex, *, attrs=None, key_values=False):
    """The normalized entity of a station; `series` are its Series with `metric` loaded."""
    entity = {"id": entity_id_for(station), "type": type_for(station)}
    members = {}
    members["name"] = station.name
    if station.address:
        members["address"] = {"streetAddress": station.address}
    location = {"type": "Point", "coordinates": [station.longitude, station.latitude]}
    properties = []
    for item in series:
        if item.last_t is None:
            continue
        properties.append((metrics.attribute_name(item.metric), item))
    for name, value in members.items():
        if attrs is None or name in attrs:
            entity[name] = value if key_values else {"type": "Property", "value": value}
    if attrs is None or "location" in attrs:
        entity["location"] = location if key_values else {"type": "GeoProperty", "value": location}
    for name, item in sorted(properties, key=lambda p: (p[1].metric.order, p[0])):
        if attrs is not None and name not in attrs:
            continue
        if key_values:
            entity[name] = item.last_value
            continue
        attribute = {"type": "Property", "value": item.last_value, "observedAt": iso(item.last_t)}
        unit_code = unit_code_for(item.metric.unit_of_measure)
        if unit_code:
            attribute["unitCode"] = unit_code
        entity[name] = attribute
    return entity


def entity_values(station, series, metrics: MetricIndex):
    """Attribute name → value of a station's entity, for q filters."""
    values = {"name": station.name, "address": station.address}
    for item in series:
        if item.last_t is not None:
            values[metrics.attribute_name(item.metric)] = item.last_value
    return values
