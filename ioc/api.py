"""The JSON API under /api/v1/ (django-ninja).

Browsers use their session (with CSRF on writes); machine clients send an API key in the
`X-API-Key` header or as `Authorization: Bearer <key>`. A key acts for its unit, as an officer of
that unit (`api_access`). Errors are RFC 9457 problem+json documents, in the request's language,
never with internals. Every list is paginated with `Page`. The schema (/openapi.json) and the
docs page (/docs) are public: they hold no data.
"""

import inspect
import logging
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.pagination import PaginationBase
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from ioc.core.access import Access, get_access
from ioc.core.models import ApiKey
from ioc.core.roles import Role

PROBLEM = "application/problem+json"
MAX_PAGE_SIZE = 500

logger = logging.getLogger("ioc.api")


# --- Authentication -------------------------------------------------------------------------------


class ApiKeyHeaderAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return _authenticate_key(request, key)


class ApiKeyBearerAuth(HttpBearer):
    def authenticate(self, request, token):
        return _authenticate_key(request, token)


def _authenticate_key(request, raw_key):
    api_key = ApiKey.find(raw_key)
    if api_key is None or not api_key.unit.is_active:
        return None
    # The audit log reads request.api_key, so whatever a key client changes is labelled "API: <name>".
    request.api_key = api_key
    # Record use at most once a minute: a busy client must not write on every request.
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


class VerifiedSessionAuth(SessionAuth):
    """The browser session, but only once the second factor is verified where one is needed."""

    def __call__(self, request):
        # Without a signed-in user there is nothing to protect with CSRF: answer 401, not a CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user and hasattr(user, "is_verified"):
            from ioc.accounts.twofactor import has_confirmed_device

            if not user.is_verified() and has_confirmed_device(user):
                return None
        return user


AUTH = [ApiKeyHeaderAuth(), ApiKeyBearerAuth(), VerifiedSessionAuth()]


@dataclass(frozen=True)
class ApiKeyAccess(Access):
    """What a machine client may do: act as an officer of its key's unit. It has no user of its own."""

    api_key_id: int | None = None

    @property
    def is_authenticated(self):
        return True


def api_access(request) -> Access:
    """The Access of the API caller: a signed-in user's own, or an officer's of the API key's unit."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiKey):
        return ApiKeyAccess(
            user_id=None,
            roles=frozenset({Role.OFFICER}),
            unit_ids=frozenset({auth.unit_id}),
            api_key_id=auth.pk,
        )
    return get_access(auth)


def api_require(request, permission: str) -> Access:
    """The caller's Access, or PermissionDenied (a 403 problem) when they lack the permission."""
    access = api_access(request)
    if not access.has(permission):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    return access


# --- The API --------------------------------------------------------------------------------------

DESCRIPTION = """\
API của Trung tâm Giám sát, Điều hành Thông minh tỉnh Bắc Ninh (IOC).

**Xác thực.** Ứng dụng máy gửi khóa API trong tiêu đề `X-API-Key: ioc_…` hoặc `Authorization: Bearer ioc_…`;
khóa đại diện cho một đơn vị và có quyền như cán bộ của đơn vị đó.
Trình duyệt đã đăng nhập dùng phiên làm việc (kèm tiêu đề `X-CSRFToken` khi gửi dữ liệu).
Quản trị viên cấp khóa bằng lệnh `manage.py create_api_key`.

**Phân trang.** Mọi danh sách nhận `page` và `page_size` (tối đa 500) và trả về
`items`, `count`, `page`, `page_size`, `pages`.

**Lỗi.** Mọi lỗi có dạng `application/problem+json` (RFC 9457) với `title`, `status`, `detail`;
lỗi dữ liệu (422) liệt kê từng trường trong `errors`. Ngôn ngữ theo tiêu đề `Accept-Language` (vi, en).
"""


class LocalSwagger(Swagger):
    """Swagger UI from this site's static files only, with no inline script or style (strict CSP)."""

    template = "ninja/ioc_swagger.html"

    def render_page(self, request, api, **kwargs):
        openapi_url = self.get_openapi_url(api, kwargs)
        context = {
            # A dict rendered with json_script, so nothing in it can close the <script> data block.
            "swagger_settings": {**self.settings, "url": openapi_url},
            "openapi_url": openapi_url,
            "api": api,
            "add_csrf": True,
        }
        return render(request, self.template, context)


class IocNinjaAPI(NinjaAPI):
    """NinjaAPI whose unknown paths and wrong methods also answer with problem+json."""

    def _get_urls(self):
        urls = []
        for pattern in super()._get_urls():
            if pattern.name == "api-root":
                # ninja's root view raises a bare Http404 that Django renders as an HTML page.
                continue
            if pattern.name not in ("openapi-json", "openapi-view"):
                pattern.callback = _method_not_allowed_as_problem(pattern.callback)
            urls.append(pattern)
        urls.append(re_path(r"^.*$", _unknown_path, name="api-root"))
        return urls


def _method_not_allowed_as_problem(view):
    if inspect.iscoroutinefunction(view):
        return view

    @wraps(view)  # keeps csrf_exempt: ninja checks CSRF itself, per authentication method
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
            allowed = response.get("Allow", "")
            response = problem(request, 405, _("Phương thức không được hỗ trợ"),
                               _("Đường dẫn này chỉ nhận: %(methods)s.") % {"methods": allowed})
            response["Allow"] = allowed
        return response

    return wrapped


@csrf_exempt  # a POST to a wrong address should learn it is wrong, not that a CSRF token is missing
def _unknown_path(request, *args, **kwargs):
    return problem(request, 404, _("Không tìm thấy"),
                   _("Không có điểm cuối API nào ở địa chỉ này. Xem tài liệu tại %(docs)s.")
                   % {"docs": reverse("api:openapi-view")})


api = IocNinjaAPI(
    title="IOC Bắc Ninh API",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=AUTH,
    docs=LocalSwagger(settings={
        # The validator badge would load an image from validator.swagger.io: no outside hosts here.
        "validatorUrl": None,
        "persistAuthorization": False,
        "tryItOutEnabled": False,
    }),
)


# --- Errors ---------------------------------------------------------------------------------------


def problem(request, status: int, title: str, detail: str = "", **extra):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


def _field_path(loc):
    # ninja reports ("body", "payload", "name"); people want "name".
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "header", "cookie")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors = [{"field": _field_path(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return problem(request, 422, _("Dữ liệu không hợp lệ"),
                   _("Các trường không hợp lệ: %(fields)s.") % {"fields": fields}, errors=errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    bearer = request.headers.get("Authorization", "").lower().startswith("bearer ")
    if request.headers.get("X-API-Key") or bearer:
        detail = _("Khóa API không đúng, đã bị thu hồi hoặc đơn vị của khóa đã ngừng hoạt động.")
    else:
        detail = _("Hãy đăng nhập hoặc gửi khóa API hợp lệ trong tiêu đề X-API-Key.")
    response = problem(request, 401, _("Chưa xác thực"), detail)
    response["WWW-Authenticate"] = 'Bearer realm="ioc"'
    return response


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    detail = str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
    return problem(request, 403, _("Không có quyền"), detail)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem(request, 404, _("Không tìm thấy"), _("Không tìm thấy tài nguyên được yêu cầu."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if exc.status_code == 403 and "CSRF" in str(exc.message):
        return problem(request, 403, _("Thiếu mã chống giả mạo (CSRF)"),
                       _("Khi dùng phiên đăng nhập, hãy gửi tiêu đề X-CSRFToken cùng yêu cầu."))
    return problem(request, exc.status_code, str(exc.message))


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    logger.exception("Unhandled API error on %s", request.path)
    return problem(request, 500, _("Lỗi hệ thống"), _("Đã có lỗi ngoài dự kiến; sự cố đã được ghi lại."))


# --- Pagination -----------------------------------------------------------------------------------


class Page(PaginationBase):
    """Page-number pagination: ?page=1&page_size=50 (at most 500)."""

    class Input(Schema):
        page: int = 1
        page_size: int = 50

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        page_size = max(1, min(pagination.page_size, MAX_PAGE_SIZE))
        page = max(1, pagination.page)
        count = self._items_count(queryset)
        offset = (page - 1) * page_size
        return {
            "items": list(queryset[offset:offset + page_size]),
            "count": count,
            "page": page,
            "page_size": page_size,
            "pages": max(1, -(-count // page_size)),
        }


def register_routers():
    from ioc.alerts.api import router as alerts_router
    from ioc.core.api import router as core_router
    from ioc.monitoring.api_dash import router as monitoring_dash_router
    from ioc.monitoring.api_push import router as monitoring_push_router

    api.add_router("/", core_router)
    api.add_router("/monitoring/", monitoring_dash_router)
    api.add_router("/monitoring/", monitoring_push_router)
    api.add_router("/alerts/", alerts_router)


register_routers()
