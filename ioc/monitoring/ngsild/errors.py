"""NGSI-LD errors: ProblemDetails (RFC 7807) documents with the error types of ETSI GS CIM 009."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"

# Error type → (HTTP status, title). Titles stay in English: clients match on `type`, people read `detail`.
KINDS = {
    "InvalidRequest": (400, "Invalid request"),
    "BadRequestData": (400, "Bad request data"),
    "ResourceNotFound": (404, "Resource not found"),
    "AlreadyExists": (409, "Already exists"),
    "OperationNotSupported": (422, "Operation not supported"),
    "TooManyResults": (403, "Too many results"),
    "InternalError": (500, "Internal error"),
    # Not NGSI-LD types (the specification leaves security to the deployment), named the same way.
    "Unauthorized": (401, "Unauthorized"),
    "Forbidden": (403, "Forbidden"),
    "MethodNotAllowed": (405, "Method not allowed"),
    "NotAcceptable": (406, "Not acceptable"),
    "UnsupportedMediaType": (415, "Unsupported media type"),
}


class NgsiError(Exception):
    """Raised anywhere in a request; the view answers with the matching ProblemDetails."""

    def __init__(self, kind, detail, *, headers=None):
        super().__init__(detail)
        self.kind = kind
        self.detail = str(detail)
        self.headers = headers or {}

    @property
    def status(self):
        return KINDS[self.kind][0]

    def problem(self):
        return problem_details(self.kind, self.detail)


def problem_details(kind, detail):
    status, title = KINDS[kind]
    return {"type": ERRORS + kind, "title": title, "status": status, "detail": str(detail)}


def problem_response(error: NgsiError, instance=""):
    body = error.problem()
    if instance:
        body["instance"] = instance
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=error.status,
                            content_type="application/json")
    for name, value in error.headers.items():
        response[name] = value
    return response


def bad_data(detail):
    return NgsiError("BadRequestData", detail)


def not_found(entity_id):
    return NgsiError("ResourceNotFound", _("Không có thực thể “%(id)s”.") % {"id": entity_id[:255]})
