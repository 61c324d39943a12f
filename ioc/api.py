"""The JSON API under /api/v1/ (django-ninja).

Browsers use their session (with CSRF on writes); machine clients send an API key in the
`X-API-Key` header or as `Authorization: Bearer <key>`. Errors are RFC 9457 problem+json documents.
Every list is paginated with `Page`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from ioc.core.models import ApiKey

PROBLEM = "application/problem+json"


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
    request.api_key = api_key
    # Record use at most once a minute: a busy client must not write on every request.
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key


class VerifiedSessionAuth(SessionAuth):
    """The browser session, but only once the second factor is verified where one is needed."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user and hasattr(user, "is_verified"):
            from ioc.accounts.twofactor import has_confirmed_device

            if not user.is_verified() and has_confirmed_device(user):
                return None
        return user


AUTH = [ApiKeyHeaderAuth(), ApiKeyBearerAuth(), VerifiedSessionAuth()]

api = NinjaAPI(
    title="IOC Bắc Ninh API",
    version="1.0",
    description="API của Trung tâm Giám sát, Điều hành Thông minh tỉnh Bắc Ninh. "
    "Xác thực bằng phiên đăng nhập hoặc khóa API (tiêu đề X-API-Key).",
    urls_namespace="api",
    auth=AUTH,
)


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
    return problem(request, 422, _("Dữ liệu không hợp lệ"),
                   _("Có %(n)d trường dữ liệu không hợp lệ.") % {"n": len(errors)}, errors=errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    response = problem(request, 401, _("Chưa xác thực"),
                       _("Hãy đăng nhập hoặc gửi khóa API hợp lệ trong tiêu đề X-API-Key."))
    response["WWW-Authenticate"] = 'Bearer realm="ioc"'
    return response


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return problem(request, 403, _("Không có quyền"), str(exc) or _("Bạn không có quyền thực hiện thao tác này."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem(request, 404, _("Không tìm thấy"), _("Không tìm thấy tài nguyên được yêu cầu."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return problem(request, exc.status_code, str(exc.message))


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    import logging

    logging.getLogger("ioc.api").exception("Unhandled API error on %s", request.path)
    return problem(request, 500, _("Lỗi hệ thống"), _("Đã có lỗi ngoài dự kiến; sự cố đã được ghi lại."))


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
        page_size = max(1, min(pagination.page_size, 500))
        page = max(1, pagination.page)
        count = queryset.count() if hasattr(queryset, "count") and not isinstance(queryset, list) else len(queryset)
        offset = (page - 1) * page_size
        return {
            "items": list(queryset[offset:offset + page_size]),
            "count": count,
            "page": page,
            "page_size": page_size,
            "pages": max(1, -(-count // page_size)),
        }


def register_routers():
    from ioc.core.api import router as core_router

    api.add_router("/", core_router)


register_routers()
