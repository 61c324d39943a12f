"""Open311 GeoReport v2 server, mounted at /open311/ (discovery at /open311/discovery.{json,xml}).

Machine clients (city apps, partner systems) list the services (the feedback categories), read their
attribute definitions, file citizens' reports with a foundation API key and read the public reports back,
in JSON or XML, as http://wiki.open311.org/GeoReport_v2 describes. Modules: `formats` (JSON, XML, the error
document), `services` (categories as services, attribute checks), `service_requests` (the public reading
query and its filters), `submit` (POST requests), `views` (the endpoints).
"""

from django.urls import path, re_path, register_converter

from . import views


class FormatConverter:
    """The extension after the dot; the view answers 404 for anything but json and xml."""

    regex = "[A-Za-z0-9]+"

    def to_python(self, value):
        return value.lower()

    def to_url(self, value):
        return value


class IdConverter:
    """A service code, tracking code or token: anything up to the format's dot."""

    regex = "[^/.]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "open311_format")
register_converter(IdConverter, "open311_id")

app_name = "open311"

urlpatterns = [
    path("discovery.<open311_format:format>", views.discovery, name="discovery"),
    path("v2/services.<open311_format:format>", views.services, name="services"),
    path("v2/services/<open311_id:service_code>.<open311_format:format>", views.definition, name="service"),
    path("v2/requests.<open311_format:format>", views.requests, name="requests"),
    path("v2/requests/<open311_id:service_request_id>.<open311_format:format>", views.request_detail,
         name="request"),
    path("v2/tokens/<open311_id:token>.<open311_format:format>", views.tokens, name="token"),
    re_path(r"^.*$", views.not_found, name="not_found"),
]
