"""POST requests: a machine client files a citizen's report through the intake service.

The client authenticates with a foundation API key (`api_key`, or the X-API-Key header); any active key
of an active unit may submit. Each key is rate-limited. The form is checked completely and every problem
is answered at once, each message naming its parameter. The report is made by `submit_report` (channel
"open311"), which also writes the audit log (labelled "API: <key name>").

Re-sending the same request returns the same service_request_id: with an explicit `idempotency_key`
parameter or `Idempotency-Key` header, else with a key derived from the API key, the device and account
ids, the payload and the day (so the same problem reported again on a later day is a new report).

Personal data is kept to what follow-up needs (Decree 13/2023/NĐ-CP): name, e-mail and phone are stored as
the reporter's contact; device_id and account_id only serve to recognise a re-sent request.
"""

import hashlib
import math
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.core.validators import URLValidator, validate_email
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.api import _authenticate_key
from ioc.core.models import Area
from ioc.lib import ratelimit

from ..intake import intake_allowed, locate, submit_report
from ..models import Channel, Report
from .formats import Open311Error
from .services import clean_attributes, find_service, is_group, localized_name

MAX_DESCRIPTION = 4000
MAX_ADDRESS = 255  # Report.address
MAX_NAME = 150
MAX_PHONE = 20
MAX_URL = 500
MAX_IDEMPOTENCY_KEY = 200
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Parameters that do not make a request different when re-sent.
NOT_PAYLOAD = ("api_key", "idempotency_key", "locale", "jurisdiction_id")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](?:\[\])?$")
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))  # keep tab and line breaks


def rate_limit_per_minute():
    return int(getattr(settings, "IOC_OPEN311_RATE_LIMIT", 600))


def read_form(request):
    """request.POST, or Open311Error 400 when the body is not a form or is too large."""
    content_type = request.content_type or ""
    has_body = request.META.get("CONTENT_LENGTH", "0") not in ("", "0")
    if content_type and content_type not in FORM_TYPES and has_body:
        raise Open311Error(400, _("Hãy gửi dữ liệu dạng application/x-www-form-urlencoded hoặc "
                                  "multipart/form-data (nhận được %(type)s).") % {"type": content_type[:80]})
    try:
        return request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        raise Open311Error(400, _("Yêu cầu quá lớn hoặc có quá nhiều tham số.")) from None


def authenticate(request, form):
    """The caller's ApiKey, or Open311Error 403 (missing or invalid key)."""
    raw = (form.get("api_key") or request.headers.get("X-API-Key") or "").strip()
    if not raw:
        raise Open311Error(403, _("Thiếu api_key: hãy gửi khóa API do Trung tâm IOC cấp."))
    api_key = _authenticate_key(request, raw)
    if api_key is None:
        raise Open311Error(403, _("api_key không đúng, đã bị thu hồi hoặc đơn vị của khóa đã ngừng hoạt "
                                  "động."))
    return api_key


def check_rate(api_key):
    limit = rate_limit_per_minute()
    if not ratelimit.hit(f"open311:{api_key.key_prefix}", limit=limit, window=60):
        raise Open311Error(429, _("Khóa API này đã gửi quá %(n)d yêu cầu trong một phút; hãy thử lại sau.")
                           % {"n": limit}, headers={"Retry-After": "60"})


def _text(form, name):
    return (form.get(name) or "").translate(_CONTROL).strip()


def _coordinate(form, name, low, high, errors):
    raw = _text(form, name)
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        errors.append(_("%(name)s: “%(value)s” không phải tọa độ WGS84 hợp lệ (từ %(low)d đến %(high)d).")
                      % {"name": name, "value": raw[:30], "low": low, "high": high})
        return None
    return value


def _location(form, errors):
    """(latitude, longitude, address, commune) from lat/long and/or address_string; a point must be in the
    province (its commune is returned, so intake does not look it up again)."""
    has_lat, has_long = bool(_text(form, "lat")), bool(_text(form, "long"))
    address = _text(form, "address_string")
    latitude = longitude = area = None
    if has_lat != has_long:
        errors.append(_("lat, long: cần gửi cả vĩ độ (lat) và kinh độ (long)."))
    elif has_lat:
        latitude = _coordinate(form, "lat", -90, 90, errors)
        longitude = _coordinate(form, "long", -180, 180, errors)
        if latitude is not None and longitude is not None:
            # Without loaded communes there is no extent to check against (a fresh installation).
            area = locate(latitude=latitude, longitude=longitude)
            if area is None and Area.objects.communes().exists():
                errors.append(_("lat, long: vị trí (%(lat)s, %(long)s) nằm ngoài địa bàn tỉnh.")
                              % {"lat": latitude, "long": longitude})
    if len(address) > MAX_ADDRESS:
        errors.append(_("address_string: dài quá %(n)d ký tự.") % {"n": MAX_ADDRESS})
    if not has_lat and not has_long and not address:
        if _text(form, "address_id"):
            errors.append(_("address_id: không được hỗ trợ; hãy gửi lat và long hoặc address_string."))
        else:
            errors.append(_("Thiếu vị trí: hãy gửi lat và long, hoặc address_string."))
    return latitude, longitude, address, area


def _contact(form, errors):
    email = _text(form, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("email: “%(value)s” không phải địa chỉ thư điện tử hợp lệ.")
                          % {"value": email[:80]})
    phone = _text(form, "phone")
    if phone and (len(phone) > MAX_PHONE or not all(c.isdigit() or c in "+-. ()" for c in phone)
                  or sum(c.isdigit() for c in phone) < 6):
        errors.append(_("phone: “%(value)s” không phải số điện thoại hợp lệ.") % {"value": phone[:30]})
    # Vietnamese names put the family name first: Nguyễn (last_name) Văn An (first_name).
    name = " ".join(part for part in (_text(form, "last_name"), _text(form, "first_name")) if part)
    if len(name) > MAX_NAME:
        errors.append(_("first_name, last_name: họ tên dài quá %(n)d ký tự.") % {"n": MAX_NAME})
    return name, email, phone


def _media_url(form, errors):
    url = _text(form, "media_url")
    if not url:
        return ""
    try:
        if len(url) > MAX_URL:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors.append(_("media_url: cần một địa chỉ http(s) hợp lệ, tối đa %(n)d ký tự.") % {"n": MAX_URL})
        return ""
    return url


def _submitted_attributes(form, errors):
    """{code: [values]} from attribute[code]=value and attribute[code][]=value parameters."""
    submitted = {}
    for name in form:
        if not name.startswith("attribute"):
            continue
        match = _ATTRIBUTE.match(name)
        if match is None:
            errors.append(_("%(name)s: tham số không hợp lệ; hãy dùng attribute[mã]=giá trị.")
                          % {"name": name[:60]})
            continue
        values = [v.translate(_CONTROL) for v in form.getlist(name)]
        submitted.setdefault(match.group(1), []).extend(values)
    return submitted


def idempotency_key(request, form, api_key):
    explicit = (form.get("idempotency_key") or request.headers.get("Idempotency-Key") or "").strip()
    if len(explicit) > MAX_IDEMPOTENCY_KEY:
        raise Open311Error(400, _("idempotency_key: dài quá %(n)d ký tự.") % {"n": MAX_IDEMPOTENCY_KEY})
    if explicit:
        material = f"{api_key.pk}|explicit|{explicit}"
    else:
        payload = sorted((name, form.getlist(name)) for name in form if name not in NOT_PAYLOAD)
        material = f"{api_key.pk}|{timezone.localdate().isoformat()}|{payload!r}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def create_request(request, form, api_key):
    """Validate the form and file the report; returns (report, created)."""
    code = _text(form, "service_code")
    if not code:
        raise Open311Error(400, _("Thiếu tham số service_code."))
    category = find_service(code)
    if category is None:
        if is_group(code):
            raise Open311Error(404, _("service_code “%(code)s” là một nhóm lĩnh vực; hãy chọn một lĩnh vực "
                                      "cụ thể trong danh sách services.") % {"code": code[:60]})
        raise Open311Error(404, _("service_code “%(code)s” không tồn tại.") % {"code": code[:60]})
    errors = []
    latitude, longitude, address, area = _location(form, errors)
    description = _text(form, "description")
    if len(description) > MAX_DESCRIPTION:
        errors.append(_("description: dài %(length)d ký tự, tối đa %(n)d.")
                      % {"length": len(description), "n": MAX_DESCRIPTION})
    name, email, phone = _contact(form, errors)
    media_url = _media_url(form, errors)
    attributes, attribute_errors = clean_attributes(category, _submitted_attributes(form, errors))
    errors += attribute_errors
    key = idempotency_key(request, form, api_key)
    if errors:
        raise Open311Error(400, *errors)
    existing = Report.objects.filed_with_key(Channel.OPEN311, key)
    if existing is not None:  # a re-send: answer again, without counting it against the sender
        return existing, False
    # The citizen behind the client is limited too, per e-mail and phone, like the web form's senders.
    if not intake_allowed(channel=Channel.OPEN311, contacts=(email, phone)):
        raise Open311Error(429, _("Người gửi này đã gửi quá nhiều phản ánh trong một giờ; hãy thử lại sau."),
                           headers={"Retry-After": "3600"})
    if media_url:
        attributes["media_url"] = media_url  # a link only: never fetched (closed networks)
    return submit_report(
        channel=Channel.OPEN311, category=category,
        # The specification makes description optional; a report always says what it is about.
        description=description or localized_name(category, "vi"),
        latitude=latitude, longitude=longitude, address=address,
        reporter_name=name, reporter_email=email, reporter_phone=phone,
        attributes=attributes, idempotency_key=key, area=area, idempotency_checked=True,
    )


def service_notice(request, report):
    """What happens next, with the public tracking link."""
    notice = _("Đã tiếp nhận phản ánh %(code)s.") % {"code": report.code}
    if report.answer_due:
        notice += " " + _("Hạn trả lời: %(due)s.") % {
            "due": timezone.localtime(report.answer_due).strftime("%H:%M %d/%m/%Y")}
    try:
        url = request.build_absolute_uri(reverse("feedback:track", args=[report.code]))
    except NoReverseMatch:  # the public pages are not mounted
        return notice
    return notice + " " + _("Theo dõi kết quả tại %(url)s") % {"url": url}
