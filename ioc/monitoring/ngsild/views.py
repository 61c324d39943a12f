"""The NGSI-LD endpoints. `endpoint()` holds what they share: allowed methods, authentication, the content
types of ETSI GS CIM 009 (application/json with the @context in a Link header, or application/ld+json with an
@context member), and the rule that every failure is a ProblemDetails document, never a bare 500 page.

Who may call: writes need a foundation API key (X-API-Key or Authorization: Bearer), which acts as an officer
of its unit and writes only that unit's stations. Reads take an API key or the session of a staff member with
monitoring.view. There is no anonymous read: the public sees stations through the public map, and internal
stations must never leave through this door.
"""

import gc
import hashlib
import json
import logging
import re
import threading
from functools import wraps
from urllib.parse import quote

from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ioc.api import _authenticate_key, api_access
from ioc.core.access import get_access

from ..models import Series, Station
from . import service
from .entities import (EntityParser, code_from_id, entity_id_for, entity_values, parse_entity, render_entity,
                       type_for)
from .errors import NgsiError, bad_data, not_found, problem_details, problem_response
from .mapping import CORE_CONTEXT, JSONLD_CONTEXT_REL, KIND_TYPES, TYPE_KINDS, MetricIndex, short_name
from .query import matches, parse_q, q_attributes, split_list

log = logging.getLogger("ioc.ngsild")

JSON = "application/json"
JSON_LD = "application/ld+json"
GEO_JSON = "application/geo+json"
MAX_BATCH = 10_000
DEFAULT_LIMIT, MAX_LIMIT = 20, 1000
_LINK = re.compile(r'^\s*<([^>]+)>\s*(;.*)?$')


# --- What every endpoint shares ---------------------------------------------------------------------


def endpoint(*methods, write=False):
    allowed = sorted(set(methods) | ({"HEAD"} if "GET" in methods else set()))

    def decorate(func):
        @csrf_exempt  # machine clients authenticate with keys, not cookies
        @wraps(func)
        def view(request, *args, **kwargs):
            try:
                if request.method not in allowed:
                    raise NgsiError("MethodNotAllowed", _("Đường dẫn này chỉ nhận: %(methods)s.")
                                    % {"methods": ", ".join(allowed)}, headers={"Allow": ", ".join(allowed)})
                request.ngsi_key = _authenticate(request, write=write)
                return func(request, *args, **kwargs)
            except NgsiError as error:
                return problem_response(error, request.path)
            except Exception:
                log.exception("NGSI-LD error on %s %s", request.method, request.path)
                return problem_response(NgsiError("InternalError", _(
                    "Đã có lỗi ngoài dự kiến; sự cố đã được ghi lại. Hãy thử lại sau.")), request.path)

        return view

    return decorate


def _authenticate(request, *, write):
    """The ApiKey of the caller (None for a staff session on a read); NgsiError otherwise."""
    raw = request.headers.get("X-API-Key", "").strip()
    authorization = request.headers.get("Authorization", "")
    if not raw and authorization.lower().startswith("bearer "):
        raw = authorization[7:].strip()
    if raw:
        api_key = _authenticate_key(request, raw)
        if api_key is None:
            raise NgsiError("Unauthorized", _("Khóa API không đúng, đã bị thu hồi hoặc đơn vị của khóa đã ngừng "
                                              "hoạt động."), headers={"WWW-Authenticate": 'Bearer realm="ioc"'})
        request.auth = api_key
        access = api_access(request)
        if not access.has("monitoring.ingest" if write else "monitoring.view"):
            raise NgsiError("Forbidden", _("Khóa API này không có quyền thực hiện thao tác này."))
        request.ngsi_access = access
        return api_key
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not _second_factor_done(user):
        raise NgsiError("Unauthorized", _("Hãy gửi khóa API hợp lệ trong tiêu đề X-API-Key hoặc "
                                          "Authorization: Bearer."), headers={"WWW-Authenticate": 'Bearer realm="ioc"'})
    access = get_access(user)
    if write:
        raise NgsiError("Forbidden", _("Ghi dữ liệu qua NGSI-LD cần khóa API của đơn vị (tiêu đề X-API-Key)."))
    if not access.has("monitoring.view"):
        raise NgsiError("Forbidden", _("Bạn không có quyền xem dữ liệu quan trắc."))
    request.ngsi_access = access
    return None


def _second_factor_done(user):
    if hasattr(user, "is_verified") and not user.is_verified():
        from ioc.accounts.twofactor import has_confirmed_device

        return not has_confirmed_device(user)
    return True


def _context_link(request):
    """The @context named in a Link header (kept opaque), or None; a malformed header is BadRequestData."""
    header = request.headers.get("Link", "")
    if not header:
        return None
    for part in header.split(","):
        match = _LINK.match(part)
        if match and JSONLD_CONTEXT_REL in (match.group(2) or ""):
            return match.group(1)
    raise bad_data(_("Tiêu đề Link phải có dạng <địa chỉ @context>; rel=\"%(rel)s\"; type=\"application/ld+json\".")
                   % {"rel": JSONLD_CONTEXT_REL})


def _read_body(request):
    """The JSON body and whether it is JSON-LD (the @context then travels inside it)."""
    content_type = (request.content_type or "").lower()
    if content_type not in (JSON, JSON_LD):
        raise NgsiError("UnsupportedMediaType", _("Hãy gửi nội dung application/json (kèm tiêu đề Link cho "
                                                  "@context) hoặc application/ld+json (nhận được “%(type)s”).")
                        % {"type": content_type[:60] or _("không có")})
    _context_link(request)
    body = request.body
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise NgsiError("InvalidRequest", _("Nội dung không phải JSON hợp lệ: %(error)s.") % {"error": error}) from None
    return data, content_type == JSON_LD, hashlib.sha256(body).hexdigest()


def _check_context(item, is_ld, where=""):
    if not isinstance(item, dict):
        return
    if is_ld and "@context" not in item:
        raise bad_data(where + _("Với application/ld+json, mỗi thực thể phải có thành viên “@context”."))
    if not is_ld and "@context" in item:
        raise bad_data(where + _("Với application/json, @context phải gửi trong tiêu đề Link, không đặt trong "
                                 "nội dung; hoặc gửi application/ld+json."))


def _json(data, status=200, content_type=JSON):
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type=content_type)


def _with_ingest_headers(response, outcome):
    if outcome.batch is not None:
        response["IOC-Batch"] = str(outcome.batch.public_id)
    if outcome.ignored:
        response["IOC-Ignored-Attributes"] = quote(", ".join(sorted(outcome.ignored))[:1000], safe=", ")
    return response


def entity_location(entity_id):
    return f"/ngsi-ld/v1/entities/{quote(entity_id, safe=':')}"


# --- Writes -----------------------------------------------------------------------------------------


def _parse_all(items, is_ld, metrics):
    parser = EntityParser(metrics)
    parsed, failed = [], []
    for index, item in enumerate(items):
        entity_id = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else ""
        try:
            _check_context(item, is_ld)
            parsed.append((index, parser.entity(item)))
        except NgsiError as error:
            failed.append((index, entity_id, error))
    return parsed, failed


class _CollectorPaused:
    """Python's cyclic garbage collector paused while a batch is parsed and stored, across the threads of the
    process (it resumes when the last batch in progress ends). A batch of a thousand entities makes tens of
    thousands of containers that live until the response (the JSON, the checked entities, the rows), enough
    to set off a full collection over every object of the process about every other request (measured: 40 to
    60 ms a request); they hold no reference cycles and go by reference counting as soon as the batch is
    done, before the collector resumes. The same advice is given for unpacking large messages (msgpack)."""

    _lock = threading.Lock()
    _holders = 0
    _resume = False

    def __enter__(self):
        with self._lock:
            if _CollectorPaused._holders == 0:
                _CollectorPaused._resume = gc.isenabled()
                gc.disable()
            _CollectorPaused._holders += 1

    def __exit__(self, *exc_info):
        with self._lock:
            _CollectorPaused._holders -= 1
            if _CollectorPaused._holders == 0 and _CollectorPaused._resume:
                gc.enable()


@endpoint("POST", write=True)
def upsert(request):
    with _CollectorPaused():
        return _upsert(request)  # its locals (the batch) are released on return, before the collector resumes


def _upsert(request):
    options = request.GET.get("options", "replace")
    if options not in ("replace", "update"):
        raise bad_data(_("options chỉ nhận replace hoặc update (nhận được “%(value)s”).") % {"value": options[:30]})
    data, is_ld, digest = _read_body(request)
    if not isinstance(data, list):
        raise bad_data(_("Nội dung của entityOperations/upsert phải là một mảng JSON các thực thể."))
    if not data:
        raise bad_data(_("Mảng thực thể đang trống."))
    if len(data) > MAX_BATCH:
        raise bad_data(_("Mỗi lần gửi tối đa %(max)s thực thể (nhận được %(count)s); hãy chia nhỏ.")
                       % {"max": f"{MAX_BATCH:,}".replace(",", "."), "count": len(data)})
    metrics = MetricIndex.load()
    parsed, failed = _parse_all(data, is_ld, metrics)
    outcome = service.upsert_entities(parsed=parsed, failed=failed, api_key=request.ngsi_key, content_hash=digest)
    if outcome.errors:
        body = {"success": outcome.succeeded, "errors": [
            {"entityId": entity_id, "error": error.problem()} for entity_id, error in outcome.errors]}
        return _with_ingest_headers(_json(body, status=207), outcome)
    if outcome.created and not outcome.updated:
        return _with_ingest_headers(_json(outcome.created, status=201), outcome)
    return _with_ingest_headers(HttpResponse(status=204), outcome)


@endpoint("GET", "POST", write=False)
def entities(request):
    if request.method == "POST":
        return _create(request)
    return _query(request)


def _create(request):
    if request.ngsi_key is None:  # a staff session may read, not write
        raise NgsiError("Forbidden", _("Ghi dữ liệu qua NGSI-LD cần khóa API của đơn vị (tiêu đề X-API-Key)."))
    if not request.ngsi_access.has("monitoring.ingest"):
        raise NgsiError("Forbidden", _("Khóa API này không có quyền ghi dữ liệu."))
    data, is_ld, digest = _read_body(request)
    if not isinstance(data, dict):
        raise bad_data(_("Nội dung phải là một thực thể (đối tượng JSON có “id” và “type”)."))
    _check_context(data, is_ld)
    parsed = parse_entity(data, MetricIndex.load())
    outcome = service.upsert_entities(parsed=[(0, parsed)], failed=[], api_key=request.ngsi_key,
                                      create_only=True, content_hash=digest)
    if outcome.errors:
        raise outcome.errors[0][1]
    response = HttpResponse(status=201)
    response["Location"] = entity_location(parsed.id)
    return _with_ingest_headers(response, outcome)


@endpoint("PATCH", write=True)
def entity_attrs(request, entity_id):
    data, is_ld, digest = _read_body(request)
    _check_context(data, is_ld)
    updated, not_updated, outcome = service.update_attributes(
        entity_id=entity_id, fragment=data, api_key=request.ngsi_key, metrics=MetricIndex.load(), content_hash=digest)
    if not not_updated:
        return _with_ingest_headers(HttpResponse(status=204), outcome)
    body = {"updated": updated, "notUpdated": [{"attributeName": name, "reason": str(reason)}
                                               for name, reason in not_updated]}
    return _with_ingest_headers(_json(body, status=207), outcome)


# --- Reads ------------------------------------------------------------------------------------------


def _representation(request):
    """(media type, key_values) the client asked for."""
    options = set(split_list(request.GET.get("options", "")))
    key_values = "keyValues" in options or request.GET.get("format") in ("simplified", "keyValues")
    accept = request.headers.get("Accept", "") or "*/*"
    for item in accept.split(","):
        media = item.split(";")[0].strip().lower()
        if media in (JSON_LD, JSON, GEO_JSON):
            return media, key_values
        if media in ("*/*", "application/*"):
            return JSON, key_values
    raise NgsiError("NotAcceptable", _("Chỉ trả về application/json, application/ld+json hoặc "
                                       "application/geo+json (Accept: %(accept)s).") % {"accept": accept[:80]})


def _respond_entities(request, payload, media, *, many, headers=None):
    context = _context_link(request) or CORE_CONTEXT
    if media == GEO_JSON:
        features = [_feature(entity) for entity in (payload if many else [payload])]
        body = {"type": "FeatureCollection", "features": features} if many else features[0]
        response = _json(body, content_type=GEO_JSON)
    elif media == JSON_LD:
        items = payload if many else [payload]
        for entity in items:
            entity["@context"] = context
        response = _json(payload, content_type=JSON_LD)
    else:
        response = _json(payload)
    if media != JSON_LD:
        response["Link"] = f'<{context}>; rel="{JSONLD_CONTEXT_REL}"; type="application/ld+json"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _feature(entity):
    location = entity.get("location", {})
    geometry = location.get("value", location) if isinstance(location, dict) else None
    properties = {k: v for k, v in entity.items() if k not in ("id", "location")}
    return {"id": entity["id"], "type": "Feature", "geometry": geometry or None, "properties": properties}


def _series_by_station(stations):
    grouped = {station.pk: [] for station in stations}
    ids = list(grouped)
    for start in range(0, len(ids), 5000):
        for item in Series.objects.filter(station_id__in=ids[start:start + 5000]).select_related("metric"):
            grouped[item.station_id].append(item)
    return grouped


def _int_param(request, name, default, low, high):
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise bad_data(_("%(name)s phải là số nguyên từ %(low)s đến %(high)s (nhận được “%(value)s”).")
                       % {"name": name, "low": low, "high": high, "value": raw[:20]})
    return value


def _query(request):
    media, key_values = _representation(request)
    params = request.GET
    types = [short_name(t) for t in split_list(params.get("type"))]
    ids = [i.strip() for i in (params.get("id") or "").split(",") if i.strip()]
    pattern = params.get("idPattern")
    attrs = {short_name(a) for a in split_list(params.get("attrs"))} or None
    q = parse_q(params["q"]) if params.get("q") else None
    if params.get("georel") or params.get("geoQ"):
        raise NgsiError("OperationNotSupported", _("Truy vấn theo không gian (georel) chưa được hỗ trợ; hãy lọc "
                                                   "theo type, id, idPattern, attrs hoặc q."))
    if not (types or ids or pattern or attrs or q) and params.get("local") != "true":
        raise bad_data(_("Hãy nêu ít nhất một trong các điều kiện type, id, idPattern, attrs, q (hoặc local=true "
                         "để lấy mọi thực thể)."))
    count = params.get("count") == "true"
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 0 if count else 1, MAX_LIMIT)
    offset = _int_param(request, "offset", 0, 0, 10**9)
    regex = None
    if pattern:
        try:
            regex = re.compile(pattern)
        except re.error as error:
            raise bad_data(_("idPattern không phải biểu thức chính quy hợp lệ: %(error)s.") % {"error": error}) from None

    stations = Station.objects.for_access(request.ngsi_access)
    if types:
        kinds = {TYPE_KINDS[t] for t in types if t in TYPE_KINDS}
        kinds |= {kind for kind, name in KIND_TYPES.items() if name in types}
        stations = stations.filter(Q(ngsi_type__in=types) | Q(ngsi_type="", kind__in=kinds))
    if ids:
        stations = stations.filter(Q(ngsi_id__in=ids) | Q(ngsi_id__isnull=True,
                                                           code__in={code_from_id(i) for i in ids}))
    stations = list(stations.order_by("pk"))
    series = _series_by_station(stations)
    metrics = MetricIndex.load()
    wanted_ids = set(ids)
    needed = (attrs or set()) | (q_attributes(q) if q else set())
    selected = []
    for station in stations:
        entity_id = entity_id_for(station)
        if types and type_for(station) not in types:
            continue
        if wanted_ids and entity_id not in wanted_ids:
            continue
        if regex is not None and not regex.search(entity_id):
            continue
        if needed:
            values = entity_values(station, series[station.pk], metrics)
            values["location"] = (station.latitude, station.longitude)
            if attrs and not any(values.get(a) not in (None, "") for a in attrs):
                continue
            if q is not None and not matches(q, values):
                continue
        selected.append(station)
    page = selected[offset:offset + limit]
    payload = [render_entity(s, series[s.pk], metrics, attrs=attrs, key_values=key_values) for s in page]
    headers = {"NGSILD-Results-Count": str(len(selected))} if count else {}
    return _respond_entities(request, payload, media, many=True, headers=headers)


@endpoint("GET")
def entity(request, entity_id):
    media, key_values = _representation(request)
    attrs = {short_name(a) for a in split_list(request.GET.get("attrs"))} or None
    station = service.find_station(entity_id)
    if station is None or not Station.objects.for_access(request.ngsi_access).filter(pk=station.pk).exists():
        raise not_found(entity_id)
    wanted_type = request.GET.get("type")
    if wanted_type and short_name(wanted_type) != type_for(station):
        raise not_found(entity_id)
    series = list(Series.objects.filter(station=station).select_related("metric"))
    payload = render_entity(station, series, MetricIndex.load(), attrs=attrs, key_values=key_values)
    return _respond_entities(request, payload, media, many=False)


@csrf_exempt
def unknown(request, *args, **kwargs):
    """Any other address under /ngsi-ld/v1/: a 404 ProblemDetails."""
    body = problem_details("ResourceNotFound", _("Không có điểm cuối NGSI-LD nào ở địa chỉ này; các điểm cuối: "
                                                 "/ngsi-ld/v1/entities, /ngsi-ld/v1/entities/{id}, "
                                                 "/ngsi-ld/v1/entities/{id}/attrs, "
                                                 "/ngsi-ld/v1/entityOperations/upsert."))
    body["instance"] = request.path
    return _json(body, status=404)
