"""The GeoReport v2 endpoints. Every answer, errors included, is in the format the path asks for.

`endpoint()` holds what all of them share: the format (.json or .xml, anything else is a 404), the allowed
methods (others get a 405), the language (`locale=vi|en`, else the visitor's language), CSRF exemption
(machine clients), and the rule that nothing leaves as a bare 500 page or a trace.
"""

import logging
import uuid
from functools import wraps

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ioc.core.models import AuditEvent

from ..models import Report
from .formats import FORMATS, MIME_TYPES, Open311Error, render, render_error, w3c_datetime
from .service_requests import Serializer, public_requests, search
from .services import find_service, is_group, service_categories, service_definition, service_entry
from .submit import authenticate, check_rate, create_request, read_form, service_notice

log = logging.getLogger("ioc.open311")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FIRST_CHANGESET = "2026-01-01T00:00:00+07:00"  # before any category was edited through the audited models
LANGUAGES = ("vi", "en")


def language_from(value, default=None):
    value = (value or "").strip().lower().replace("_", "-").split("-")[0]
    if value in LANGUAGES:
        return value
    return default or (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _method_not_allowed(request, allowed):
    listed = ", ".join(allowed)
    message = _("Phương thức %(method)s không được hỗ trợ; đường dẫn này chỉ nhận: %(allowed)s.")
    return Open311Error(405, message % {"method": request.method[:10], "allowed": listed},
                        headers={"Allow": listed})


def endpoint(*methods):
    allowed = sorted(set(methods) | ({"HEAD"} if "GET" in methods else set()))

    def decorate(func):
        @csrf_exempt
        @wraps(func)
        def view(request, format, **kwargs):
            language = language_from(request.GET.get("locale"))
            with translation.override(language):
                try:
                    if format not in FORMATS:
                        asked, format = format, "xml"  # the format every GeoReport client reads
                        raise Open311Error(404, _("Định dạng “%(format)s” không được hỗ trợ; hãy dùng .json "
                                                  "hoặc .xml.") % {"format": asked[:20]})
                    if request.method not in allowed:
                        raise _method_not_allowed(request, allowed)
                    response = func(request, format, language, **kwargs)
                except Open311Error as error:
                    response = render_error(format, error)
                except Exception:
                    log.exception("Open311 error on %s %s", request.method, request.path)
                    response = render_error(format, Open311Error(
                        500, _("Lỗi hệ thống ngoài dự kiến; sự cố đã được ghi lại. Hãy thử lại sau.")))
                response.setdefault("Content-Language", language)
                return response

        return view

    return decorate


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /open311/: a 404 in the specification's shape."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    with translation.override(language_from(request.GET.get("locale"))):
        discovery_url = request.build_absolute_uri(reverse("open311:discovery", args=["xml"]))
        return render_error(fmt, Open311Error(
            404, _("Không có điểm cuối Open311 nào ở địa chỉ này; xem %(url)s.") % {"url": discovery_url}))


# --- Discovery and services -----------------------------------------------------------------------


def changeset():
    """When the service list or a definition last changed: the latest audited change of a category."""
    last = (AuditEvent.objects.filter(object_type="feedback.category").order_by("-at")
            .values_list("at", flat=True).first())
    return w3c_datetime(last) if last else FIRST_CHANGESET


@endpoint("GET")
def discovery(request, fmt, language):
    stamp = changeset()
    contact = getattr(settings, "IOC_OPEN311_CONTACT", "") or _(
        "%(site)s. Hỗ trợ kỹ thuật: liên hệ Trung tâm IOC qua %(url)s.") % {
        "site": settings.IOC_SITE_NAME or _("Trung tâm Giám sát, Điều hành Thông minh tỉnh Bắc Ninh"), "url": request.build_absolute_uri("/")}
    key_service = getattr(settings, "IOC_OPEN311_KEY_SERVICE", "") or _(
        "Khóa API do quản trị viên hệ thống cấp cho từng đơn vị hoặc ứng dụng kết nối "
        "(lệnh manage.py create_api_key); hãy đề nghị Trung tâm IOC cấp khóa.")
    url = request.build_absolute_uri(reverse("open311:services", args=["json"])).rsplit("/", 1)[0]
    return render(fmt, "discovery", {
        "changeset": stamp,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": url,
            "changeset": stamp,
            "type": "test" if settings.DEBUG else "production",
            "formats": MIME_TYPES,
        }],
    })


@endpoint("GET")
def services(request, fmt, language):
    return render(fmt, "services", [service_entry(category, language) for category in service_categories()])


def _service_or_404(code):
    category = find_service(code)
    if category is None:
        if is_group(code):
            raise Open311Error(404, _("service_code “%(code)s” là một nhóm lĩnh vực, không nhận phản ánh "
                                      "trực tiếp.") % {"code": code[:60]})
        raise Open311Error(404, _("service_code “%(code)s” không tồn tại.") % {"code": code[:60]})
    return category


@endpoint("GET")
def definition(request, fmt, language, service_code):
    category = _service_or_404(service_code)
    return render(fmt, "service_definition", service_definition(category, language))


# --- Service requests -----------------------------------------------------------------------------


@endpoint("GET", "POST")
def requests(request, fmt, language):
    if request.method == "POST":
        return _create(request, fmt, language)
    serialize = Serializer(request, language)
    return render(fmt, "service_requests", [serialize(row) for row in search(request.GET)])


def _create(request, fmt, language):
    form = read_form(request)
    language = language_from(form.get("locale"), default=language)
    with translation.override(language):
        try:
            api_key = authenticate(request, form)
            check_rate(api_key)
            report, created = create_request(request, form, api_key)
        except Open311Error as error:
            response = render_error(fmt, error)
        else:
            response = render(fmt, "service_requests", [{
                "service_request_id": report.code, "service_notice": service_notice(request, report),
                "account_id": None}], status=201 if created else 200)
    response["Content-Language"] = language
    return response


@endpoint("GET")
def request_detail(request, fmt, language, service_request_id):
    row = public_requests().filter(code=service_request_id).first()
    if row is None:
        raise Open311Error(404, _("Không tìm thấy phản ánh công khai có mã “%(code)s”.")
                           % {"code": service_request_id[:40]})
    return render(fmt, "service_requests", [Serializer(request, language)(row)])


@endpoint("GET")
def tokens(request, fmt, language, token):
    try:
        value = uuid.UUID(token)
    except ValueError:
        value = None
    # The token is known to whoever filed the report, so it answers for any report, public or not; it only
    # reveals the code, and GET requests/{code} still shows nothing of a report that is not public.
    code = Report.objects.filter(token=value).values_list("code", flat=True).first() if value else None
    if code is None:
        raise Open311Error(404, _("Không tìm thấy token “%(token)s”.") % {"token": token[:40]})
    return render(fmt, "service_requests", [{"service_request_id": code, "token": str(value)}])
