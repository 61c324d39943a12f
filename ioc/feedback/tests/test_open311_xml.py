"""Open311 GeoReport v2 in XML: every endpoint answers a well-formed UTF-8 document with the specification's
element names, errors included; text is escaped and characters XML cannot carry are dropped."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from ..models import Report, Status
from .test_open311 import api_key, lights_with_attributes, url  # noqa: F401  (fixtures)

XML = "text/xml; charset=utf-8"


def document(response, status=200):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == XML
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def error_of(response, status):
    root = document(response, status)
    assert root.tag == "errors"
    error = root.find("error")
    assert error.findtext("code") == str(status)
    return error.findtext("description")


def test_discovery_xml(client, db):
    root = document(client.get(url("discovery", "xml")))
    assert root.tag == "discovery"
    for tag in ("changeset", "contact", "key_service"):
        assert root.findtext(tag)
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["application/json", "text/xml"]


def test_services_xml(client, lights_with_attributes):  # noqa: F811
    root = document(client.get(url("services", "xml")))
    assert root.tag == "services"
    services = {s.findtext("service_code"): s for s in root.findall("service")}
    assert set(services) == {"den-chieu-sang", "ngap-ung", "rac-thai", "an-ninh"}
    lights = services["den-chieu-sang"]
    assert [child.tag for child in lights] == ["service_code", "service_name", "description", "metadata",
                                               "type", "keywords", "group"]
    assert lights.findtext("service_name") == "Đèn chiếu sáng hỏng"
    assert lights.findtext("metadata") == "true"
    assert lights.findtext("type") == "realtime"
    assert lights.findtext("group") == "Trật tự đô thị"
    assert services["ngap-ung"].findtext("metadata") == "false"
    assert services["ngap-ung"].find("group").text is None  # null is an empty element


def test_service_definition_xml(client, lights_with_attributes):  # noqa: F811
    root = document(client.get(url("service", "xml", service_code="den-chieu-sang")))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "den-chieu-sang"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["kind", "pole"]
    kind = attributes[0]
    assert kind.findtext("variable") == "true" and kind.findtext("required") == "false"
    assert kind.findtext("datatype") == "singlevaluelist" and kind.findtext("order") == "1"
    assert [(v.findtext("key"), v.findtext("name")) for v in kind.findall("values/value")] == [
        ("off", "Không sáng"), ("blink", "Nhấp nháy")]
    assert "khong-co" in error_of(client.get(url("service", "xml", service_code="khong-co")), 404)


def test_post_and_read_back_in_xml(client, api_key, categories, communes):  # noqa: F811
    response = client.post(url("requests", "xml"), {
        "api_key": api_key.raw, "service_code": "den-chieu-sang", "lat": communes["kinh_bac"].latitude,
        "long": communes["kinh_bac"].longitude, "first_name": "Thị Bích", "last_name": "Trần",
        "email": "bich.tran@example.vn", "phone": "0987654321",
        "description": "Cột đèn số 7 <nghiêng> & sắp đổ, \x0bnguy hiểm."})
    root = document(response, 201)
    assert root.tag == "service_requests"
    request = root.find("request")
    report = Report.objects.get()
    assert request.findtext("service_request_id") == report.code
    assert report.code in request.findtext("service_notice")
    assert request.find("account_id") is not None and request.find("account_id").text is None

    root = document(client.get(url("requests", "xml")))
    [item] = root.findall("request")
    assert item.findtext("service_request_id") == report.code
    assert item.findtext("status") == "open"
    assert item.findtext("description") == "Cột đèn số 7 <nghiêng> & sắp đổ, nguy hiểm."
    assert item.findtext("lat") == str(communes["kinh_bac"].latitude)
    assert item.findtext("requested_datetime").endswith("+07:00")
    assert [child.tag for child in item] == [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
        "address", "address_id", "zipcode", "lat", "long", "media_url"]
    content = response.content.decode() + client.get(url("requests", "xml")).content.decode()
    for secret in ("Trần", "Bích", "bich.tran@example.vn", "0987654321"):
        assert secret not in content


def test_one_request_and_status_in_xml(client, make_report):
    # A character XML cannot carry (stored by an older channel) is dropped, so the document stays well-formed.
    report = make_report(description="Đèn hỏng\x0c ở ngõ 3 & ngõ 5 <Lý Thái Tổ>.")
    Report.objects.filter(pk=report.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    root = document(client.get(url("request", "xml", service_request_id=report.code)))
    [item] = root.findall("request")
    assert item.findtext("status") == "closed"
    assert item.findtext("description") == "Đèn hỏng ở ngõ 3 & ngõ 5 <Lý Thái Tổ>."
    missing = client.get(url("request", "xml", service_request_id="PA-2020-000009"))
    assert "PA-2020-000009" in error_of(missing, 404)


def test_token_in_xml(client, make_report):
    report = make_report()
    root = document(client.get(url("token", "xml", token=str(report.token))))
    request = root.find("request")
    assert request.findtext("service_request_id") == report.code
    assert request.findtext("token") == str(report.token)


@pytest.mark.parametrize("send,status,words", [
    (lambda c: c.post(url("requests", "xml"), {"service_code": "den-chieu-sang"}), 403, "api_key"),
    (lambda c: c.get(url("requests", "xml") + "?start_date=ngay-mai"), 400, "start_date"),
    (lambda c: c.get(url("requests", "xml") + "?status=ok"), 400, "status"),
    (lambda c: c.post(url("services", "xml")), 405, "GET"),
])
def test_errors_in_xml(client, categories, send, status, words):
    assert words in error_of(send(client), status)


def test_post_errors_in_xml_list_every_problem(client, api_key, categories):  # noqa: F811
    response = client.post(url("requests", "xml"), {"api_key": api_key.raw, "service_code": "den-chieu-sang",
                                                    "lat": "x", "long": "y", "email": "khong-hop-le"})
    root = document(response, 400)
    descriptions = [e.findtext("description") for e in root.findall("error")]
    assert len(descriptions) == 3
    assert all(e.findtext("code") == "400" for e in root.findall("error"))
