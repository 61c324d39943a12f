"""Open311 GeoReport v2, reading side (JSON): discovery, services and definitions, the public requests with
their filters and default window, tokens, and errors in the specification's shape. The POST side is in
test_open311_post.py, the XML documents in test_open311_xml.py."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from ioc.core.models import ApiKey

from ..models import Category, PhotoKind, Report, ReportEvent, ReportPhoto, Status
from ..open311 import service_requests

LIGHT_ATTRIBUTES = [
    {"code": "pole", "datatype": "string", "required": True, "description": "Số hiệu cột đèn", "order": 2},
    {"code": "kind", "datatype": "singlevaluelist", "required": False, "description": "Loại hỏng", "order": 1,
     "values": [{"key": "off", "name": "Không sáng"}, {"key": "blink", "name": "Nhấp nháy"}]},
]


@pytest.fixture
def api_key(units):
    key = ApiKey(name="Ứng dụng Bắc Ninh Smart", unit=units["a"])
    raw = key.set_new_key()
    key.save()
    key.raw = raw
    return key


@pytest.fixture
def lights_with_attributes(categories):
    lights = categories["lights"]
    lights.attributes = LIGHT_ATTRIBUTES
    lights.save()
    return lights


def url(name, fmt="json", **kwargs):
    return reverse(f"open311:{name}", kwargs={"format": fmt, **kwargs})


def ids(response):
    return [item["service_request_id"] for item in response.json()]


# --- Discovery and services -----------------------------------------------------------------------


def test_discovery_names_the_v2_endpoint_with_an_absolute_url(client, db):
    response = client.get(url("discovery"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert endpoint["type"] in ("production", "test")


def test_discovery_changeset_moves_when_a_category_changes(client, categories):
    before = client.get(url("discovery")).json()["changeset"]
    categories["rubbish"].name = "Rác thải"
    categories["rubbish"].save()
    assert client.get(url("discovery")).json()["changeset"] >= before


def test_services_are_the_leaf_categories_with_their_group(client, categories):
    response = client.get(url("services"))
    assert response.status_code == 200
    services = {s["service_code"]: s for s in response.json()}
    # "do-thi" is a group (it has a sub-category): reports go to its children.
    assert set(services) == {"den-chieu-sang", "ngap-ung", "rac-thai", "an-ninh"}
    lights = services["den-chieu-sang"]
    assert lights == {"service_code": "den-chieu-sang", "service_name": "Đèn chiếu sáng hỏng",
                      "description": None, "metadata": False, "type": "realtime",
                      "keywords": "đèn, chiếu sáng, bóng đèn", "group": "Trật tự đô thị"}


def test_inactive_categories_are_not_services(client, categories):
    Category.objects.filter(code="rac-thai").update(is_active=False)
    Category.objects.filter(code="den-chieu-sang").update(is_active=False)
    codes = [s["service_code"] for s in client.get(url("services")).json()]
    assert "rac-thai" not in codes and "den-chieu-sang" not in codes
    assert "do-thi" in codes  # with no active sub-category left, the group takes reports itself


def test_services_in_english_with_the_locale_parameter(client, categories):
    services = {s["service_code"]: s for s in client.get(url("services") + "?locale=en").json()}
    assert services["den-chieu-sang"]["service_name"] == "Broken street light"
    assert services["den-chieu-sang"]["group"] == "Urban order"


def test_metadata_is_true_when_the_category_has_attributes(client, lights_with_attributes):
    services = {s["service_code"]: s for s in client.get(url("services")).json()}
    assert services["den-chieu-sang"]["metadata"] is True
    assert services["ngap-ung"]["metadata"] is False


def test_service_definition_lists_the_attributes_in_order(client, lights_with_attributes):
    response = client.get(url("service", service_code="den-chieu-sang"))
    assert response.status_code == 200
    body = response.json()
    assert body["service_code"] == "den-chieu-sang"
    assert [a["code"] for a in body["attributes"]] == ["kind", "pole"]
    kind = body["attributes"][0]
    assert kind == {"variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False,
                    "datatype_description": None, "order": 1, "description": "Loại hỏng",
                    "values": [{"key": "off", "name": "Không sáng"}, {"key": "blink", "name": "Nhấp nháy"}]}
    assert body["attributes"][1]["required"] is True


def test_unknown_service_definition_is_a_404_error(client, categories):
    for code in ("khong-co", "do-thi"):  # unknown, and a group
        response = client.get(url("service", service_code=code))
        assert response.status_code == 404
        [error] = response.json()
        assert error["code"] == 404 and code in error["description"]


# --- GET requests: fields and privacy -------------------------------------------------------------


def test_a_request_carries_the_public_fields(client, make_report, routing, communes):
    report = make_report(reporter_name="Nguyễn Văn An", reporter_email="an@example.vn",
                         reporter_phone="0912345678", address="Số 12 Lý Thái Tổ")
    [item] = client.get(url("requests")).json()
    assert item["service_request_id"] == report.code
    assert item["status"] == "open"
    assert item["service_code"] == "den-chieu-sang"
    assert item["service_name"] == "Đèn chiếu sáng hỏng"
    assert item["description"] == report.description
    assert item["agency_responsible"] == "Sở Xây dựng"
    assert item["address"] == "Số 12 Lý Thái Tổ"
    assert item["lat"] == communes["kinh_bac"].latitude and item["long"] == communes["kinh_bac"].longitude
    assert item["requested_datetime"] == timezone.localtime(report.received_at).isoformat(timespec="seconds")
    assert item["requested_datetime"].endswith("+07:00")
    assert item["expected_datetime"] == timezone.localtime(report.answer_due).isoformat(timespec="seconds")
    assert set(item) == {"service_request_id", "status", "status_notes", "service_name", "service_code",
                         "description", "agency_responsible", "service_notice", "requested_datetime",
                         "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
                         "long", "media_url"}


def test_service_names_in_english_with_the_locale_parameter(client, make_report):
    make_report()
    [item] = client.get(url("requests") + "?locale=en").json()
    assert item["service_name"] == "Broken street light"


def test_private_reporter_fields_never_appear(client, make_report):
    report = make_report(reporter_name="Trần Thị Bích", reporter_email="bich.tran@example.vn",
                         reporter_phone="0987654321", attributes={"account": "tk-778899"})
    for path in (url("requests"), url("request", service_request_id=report.code),
                 url("requests", "xml"), url("request", "xml", service_request_id=report.code)):
        content = client.get(path).content.decode()
        assert report.code in content
        for secret in ("Trần Thị Bích", "bich.tran@example.vn", "0987654321", "tk-778899"):
            assert secret not in content, f"{secret} leaked in {path}"


def test_reports_that_are_not_public_are_absent(client, make_report):
    shown = make_report()
    hidden_category = make_report(category="security", description="Tụ tập gây rối trật tự ban đêm ở ngõ 5.")
    rejected = make_report()
    Report.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    merged = make_report()
    Report.objects.filter(pk=merged.pk).update(merged_into=shown)
    assert ids(client.get(url("requests"))) == [shown.code]
    for report in (hidden_category, rejected, merged):
        response = client.get(url("request", service_request_id=report.code))
        assert response.status_code == 404
        assert response.json()[0]["code"] == 404
    assert client.get(url("requests") + f"?service_request_id={hidden_category.code}").json() == []


def test_status_maps_to_open_and_closed_with_the_answer_as_note(client, make_report):
    answered = make_report()
    Report.objects.filter(pk=answered.pk).update(status=Status.ANSWERED, answer="Đã thay bóng đèn mới.",
                                                  answered_at=timezone.now())
    closed = make_report()
    Report.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    in_progress = make_report()
    Report.objects.filter(pk=in_progress.pk).update(status=Status.IN_PROGRESS)
    ReportEvent.objects.create(report=in_progress, from_status=Status.ASSIGNED, to_status=Status.IN_PROGRESS,
                               note="Đội điện lực đang kiểm tra.")
    ReportEvent.objects.create(report=in_progress, kind="note", note="Ghi chú nội bộ: người gửi hay gọi.",
                               is_public=False)
    items = {i["service_request_id"]: i for i in client.get(url("requests")).json()}
    assert items[answered.code]["status"] == "closed"
    assert items[answered.code]["status_notes"] == "Đã thay bóng đèn mới."
    assert items[closed.code]["status"] == "closed"
    assert items[in_progress.code]["status"] == "open"
    assert items[in_progress.code]["status_notes"] == "Đội điện lực đang kiểm tra."


def test_media_url_is_the_first_ready_photo_or_the_clients_link(client, make_report):
    with_photo = make_report()
    ReportPhoto.objects.create(report=with_photo, kind=PhotoKind.INTAKE, image="feedback/x/pending.jpg")
    ReportPhoto.objects.create(report=with_photo, kind=PhotoKind.INTAKE, image="feedback/x/a.jpg",
                               is_ready=True)
    linked = make_report(attributes={"media_url": "https://anh.example.vn/den.jpg"})
    bare = make_report()
    items = {i["service_request_id"]: i for i in client.get(url("requests")).json()}
    assert items[with_photo.code]["media_url"] == "http://testserver/media/feedback/x/a.jpg"
    assert items[linked.code]["media_url"] == "https://anh.example.vn/den.jpg"
    assert items[bare.code]["media_url"] is None


# --- GET requests: filters ------------------------------------------------------------------------


def test_default_window_is_the_last_90_days_newest_first(client, make_report):
    now = timezone.now()
    old = make_report(received_at=now - timedelta(days=91))
    recent = make_report(received_at=now - timedelta(days=89))
    newest = make_report(received_at=now - timedelta(hours=1))
    assert ids(client.get(url("requests"))) == [newest.code, recent.code]
    # service_request_id overrides every other argument, the window included.
    assert ids(client.get(url("requests") + f"?service_request_id={old.code},{newest.code}")) == [
        newest.code, old.code]


def test_start_and_end_dates_select_by_requested_datetime(client, make_report):
    now = timezone.now()
    january = make_report(received_at=now - timedelta(days=200))
    march = make_report(received_at=now - timedelta(days=150))
    start = timezone.localtime(now - timedelta(days=210)).isoformat(timespec="seconds")
    end = timezone.localtime(now - timedelta(days=160)).isoformat(timespec="seconds")
    # The "+" of the offset is encoded, or arrives as a space when a client forgets to.
    encoded = f"?start_date={start.replace('+', '%2B')}&end_date={end.replace('+', '%2B')}"
    assert ids(client.get(url("requests") + encoded)) == [january.code]
    assert ids(client.get(url("requests") + f"?start_date={start}&end_date={end}")) == [january.code]
    only_start = (now - timedelta(days=155)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get(url("requests") + f"?start_date={only_start}")) == [march.code]
    day = timezone.localtime(january.received_at).date().isoformat()
    assert ids(client.get(url("requests") + f"?start_date={day}&end_date={day}")) == [january.code]


@pytest.mark.parametrize("query,parameter", [
    ("start_date=hôm-qua", "start_date"),
    ("end_date=2026-13-45T00:00:00Z", "end_date"),
    ("start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z", "end_date"),
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90"),
    ("status=pending", "status"),
])
def test_bad_filters_are_400_errors_naming_the_parameter(client, db, query, parameter):
    response = client.get(url("requests") + "?" + query)
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and parameter in error["description"]


def test_service_code_and_status_filters(client, make_report):
    lights = make_report()
    flood = make_report(category="flooding", description="Ngập sâu 40 cm trên đường Nguyễn Gia Thiều.")
    rubbish = make_report(category="rubbish", description="Rác thải tồn đọng ba ngày ở chợ.")
    Report.objects.filter(pk=flood.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    assert set(ids(client.get(url("requests") + "?service_code=den-chieu-sang,rac-thai"))) == {
        lights.code, rubbish.code}
    assert ids(client.get(url("requests") + "?status=closed")) == [flood.code]
    assert set(ids(client.get(url("requests") + "?status=open"))) == {lights.code, rubbish.code}
    assert len(ids(client.get(url("requests") + "?status=open,closed"))) == 3
    assert ids(client.get(url("requests") + "?service_code=ngap-ung&status=open")) == []


def test_at_most_the_limit_of_results(client, make_report, monkeypatch):
    monkeypatch.setattr(service_requests, "MAX_RESULTS", 2)
    reports = [make_report(received_at=timezone.now() - timedelta(minutes=i)) for i in range(3)]
    assert ids(client.get(url("requests"))) == [reports[0].code, reports[1].code]


def test_requests_take_a_bounded_number_of_queries(client, make_report, django_assert_max_num_queries):
    for i in range(6):
        report = make_report(received_at=timezone.now() - timedelta(hours=i))
        ReportPhoto.objects.create(report=report, kind=PhotoKind.INTAKE, image=f"feedback/x/{i}.jpg",
                                   is_ready=True)
        ReportEvent.objects.create(report=report, to_status=Status.VERIFIED, note="Đã xác minh.")
    with django_assert_max_num_queries(1):
        response = client.get(url("requests"))
    assert len(response.json()) == 6


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_date_window_is_read_through_the_received_at_index(make_report):
    """With table statistics (ANALYZE, or PRAGMA optimize), the newest public reports are read in index order:
    no scan of the table, whatever its size."""
    for i in range(20):
        make_report(received_at=timezone.now() - timedelta(days=i * 10))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = service_requests.matching(QueryDict("")).values("pk")[:1000].explain()
    assert "USING INDEX feedback_report_received_at" in plan
    assert "TEMP B-TREE" not in plan  # the index gives the order: nothing to sort


# --- One request, tokens, errors ------------------------------------------------------------------


def test_one_request_is_a_list_of_one(client, make_report):
    report = make_report(received_at=timezone.now() - timedelta(days=400))
    response = client.get(url("request", service_request_id=report.code))
    assert response.status_code == 200
    assert ids(response) == [report.code]
    response = client.get(url("request", service_request_id="PA-2020-999999"))
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_token_gives_the_service_request_id(client, make_report):
    report = make_report()
    response = client.get(url("token", token=str(report.token)))
    assert response.status_code == 200
    assert response.json() == [{"service_request_id": report.code, "token": str(report.token)}]
    for token in ("00000000-0000-0000-0000-000000000000", "khong-phai-uuid"):
        response = client.get(url("token", token=token))
        assert response.status_code == 404
        assert response.json()[0]["code"] == 404


def test_unknown_format_and_address_are_spec_shaped_404s(client, db):
    response = client.get("/open311/v2/services.csv")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert b"<errors><error><code>404</code>" in response.content
    response = client.get("/open311/v2/khong-co.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_wrong_method_is_a_405_error(client, db):
    for response in (client.post(url("services")), client.delete(url("requests")),
                     client.put(url("discovery"))):
        assert response.status_code == 405
        [error] = response.json()
        assert error["code"] == 405
        assert "GET" in response["Allow"]


def test_an_unexpected_failure_is_a_500_error_without_a_trace(client, db, monkeypatch):
    def broken(params):
        raise RuntimeError("database exploded at /srv/ioc/secret.py line 12")

    monkeypatch.setattr("ioc.feedback.open311.views.search", broken)
    response = client.get(url("requests"))
    assert response.status_code == 500
    [error] = response.json()
    assert error["code"] == 500
    assert "secret.py" not in response.content.decode() and "Traceback" not in response.content.decode()


def test_updated_datetime_is_the_time_of_the_last_step(client, make_report):
    at = {name: datetime(2026, 3, day, 3, 0, tzinfo=UTC) for name, day in
          (("updated", 2), ("answered", 5), ("closed", 9))}
    answered, closed, open_one = make_report(), make_report(), make_report()
    Report.objects.filter(pk=answered.pk).update(status=Status.ANSWERED, answered_at=at["answered"],
                                                  updated_at=at["updated"])
    Report.objects.filter(pk=closed.pk).update(status=Status.CLOSED, answered_at=at["answered"],
                                                closed_at=at["closed"], updated_at=at["updated"])
    Report.objects.filter(pk=open_one.pk).update(status=Status.IN_PROGRESS, answered_at=at["answered"],
                                                  updated_at=at["updated"])
    items = {i["service_request_id"]: i for i in client.get(url("requests")).json()}
    assert items[closed.code]["updated_datetime"] == "2026-03-09T10:00:00+07:00"
    assert items[answered.code]["updated_datetime"] == "2026-03-05T10:00:00+07:00"
    assert items[open_one.code]["updated_datetime"] == "2026-03-02T10:00:00+07:00"
    single = client.get(url("request", service_request_id=closed.code)).json()[0]
    assert single["updated_datetime"] == "2026-03-09T10:00:00+07:00"
