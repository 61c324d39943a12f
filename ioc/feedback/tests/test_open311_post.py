"""Open311 GeoReport v2, POST requests (JSON): a client with an API key files a citizen's report; every bad
parameter is a specification-shaped error naming it; re-sending gives the same service_request_id; each key
is rate-limited."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from ioc.core.models import AuditAction, AuditEvent

from ..models import Channel, Report
from .test_open311 import api_key, lights_with_attributes, url  # noqa: F401  (fixtures)


@pytest.fixture
def post(client, api_key, categories, communes):  # noqa: F811
    """post(**fields) → response; a valid street-light report unless fields say otherwise."""

    def send(fmt="json", key=True, **fields):
        data = {"service_code": "den-chieu-sang", "lat": communes["kinh_bac"].latitude,
                "long": communes["kinh_bac"].longitude,
                "description": "Đèn đường trước số 12 Lý Thái Tổ không sáng ba đêm liền."}
        if key:
            data["api_key"] = api_key.raw
        data.update(fields)
        return client.post(url("requests", fmt), {k: v for k, v in data.items() if v is not None})

    return send


def errors(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert all(e["code"] == status for e in body)
    return " | ".join(e["description"] for e in body)


def test_a_post_files_a_report_through_the_intake_service(post, routing, communes):
    response = post(email="an.nguyen@example.vn", phone="0912 345 678", first_name="Văn An",
                    last_name="Nguyễn", device_id="android-123", account_id="acc-77",
                    media_url="https://anh.example.vn/cot-den-12.jpg")
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [body] = response.json()
    report = Report.objects.get()
    assert body["service_request_id"] == report.code
    assert body["account_id"] is None
    assert report.code in body["service_notice"]
    assert report.channel == Channel.OPEN311
    assert report.category.code == "den-chieu-sang"
    assert report.area == communes["kinh_bac"]
    assert report.lead_unit.code == "so-xay-dung"  # routed by the rules, like any report
    assert report.reporter_name == "Nguyễn Văn An"  # family name first, as Vietnamese names are written
    assert report.reporter_email == "an.nguyen@example.vn"
    assert report.reporter_phone == "0912 345 678"
    assert report.attributes == {"media_url": "https://anh.example.vn/cot-den-12.jpg"}
    assert "android-123" not in str(report.__dict__) and "acc-77" not in str(report.__dict__)


def test_the_creation_is_audited_under_the_key(post, api_key):  # noqa: F811
    post()
    report = Report.objects.get()
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="feedback.report")
    assert event.object_id == str(report.pk)
    assert event.actor_label == f"API: {api_key.name}"


def test_an_address_string_alone_locates_the_report(post, communes):
    response = post(lat=None, long=None, address_string="Số 5 phố Nguyễn Đăng Đạo, phường Kinh Bắc, Bắc Ninh")
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.latitude is None
    assert report.address.startswith("Số 5 phố Nguyễn Đăng Đạo")
    assert report.area == communes["kinh_bac"]


def test_attributes_are_checked_against_the_definition(post, lights_with_attributes):  # noqa: F811
    message = errors(post(), 400)
    assert "attribute[pole]" in message  # required
    message = errors(post(**{"attribute[pole]": "C-12", "attribute[kind]": "exploded"}), 400)
    assert "attribute[kind]" in message and "exploded" in message
    message = errors(post(**{"attribute[pole]": "C-12", "attribute[colour]": "đỏ"}), 400)
    assert "attribute[colour]" in message
    message = errors(post(**{"attribute[pole]": "dòng 1\ndòng 2"}), 400)
    assert "attribute[pole]" in message
    assert not Report.objects.exists()
    response = post(**{"attribute[pole]": "C-12", "attribute[kind]": "blink"})
    assert response.status_code == 201
    assert Report.objects.get().attributes == {"pole": "C-12", "kind": "blink"}


def test_number_datetime_and_multivaluelist_attributes(post, categories):
    categories["lights"].attributes = [
        {"code": "count", "datatype": "number", "description": "Số cột hỏng"},
        {"code": "since", "datatype": "datetime", "description": "Hỏng từ lúc nào"},
        {"code": "signs", "datatype": "multivaluelist", "description": "Dấu hiệu",
         "values": [{"key": "dark", "name": "Tối"}, {"key": "spark", "name": "Tóe lửa"}]},
    ]
    categories["lights"].save()
    message = errors(post(**{"attribute[count]": "nhiều", "attribute[since]": "hôm qua",
                             "attribute[signs][]": ["dark", "smoke"]}), 400)
    assert "attribute[count]" in message and "attribute[since]" in message and "smoke" in message
    response = post(**{"attribute[count]": "3", "attribute[since]": "2026-01-05T19:00:00+07:00",
                       "attribute[signs][]": ["dark", "spark"]})
    assert response.status_code == 201
    assert Report.objects.get().attributes == {"count": 3, "since": "2026-01-05T19:00:00+07:00",
                                               "signs": ["dark", "spark"]}


def test_missing_and_unknown_service_codes(post, categories):
    assert "service_code" in errors(post(service_code=""), 400)
    assert "khong-co" in errors(post(service_code="khong-co"), 404)
    assert "do-thi" in errors(post(service_code="do-thi"), 404)  # a group takes no reports


def test_missing_or_bad_api_key_is_403(post, api_key):  # noqa: F811
    assert "api_key" in errors(post(key=False), 403)
    assert "api_key" in errors(post(api_key="ioc_deadbeef_khong-dung"), 403)
    api_key.revoked_at = timezone.now()
    api_key.save()
    assert "api_key" in errors(post(), 403)
    assert not Report.objects.exists()


def test_the_key_may_come_in_the_x_api_key_header(client, api_key, categories, communes):  # noqa: F811
    response = client.post(url("requests"), {"service_code": "den-chieu-sang",
                                             "address_string": "Phường Kinh Bắc"}, HTTP_X_API_KEY=api_key.raw)
    assert response.status_code == 201


@pytest.mark.parametrize("fields,parameter", [
    ({"description": "đ" * 4001}, "description"),
    ({"lat": "21.2", "long": None}, "long"),
    ({"lat": "bắc", "long": "106.07"}, "lat"),
    ({"lat": "121.18", "long": "106.07"}, "lat"),
    ({"lat": "21.0285", "long": "105.8542"}, "lat, long"),  # Hoàn Kiếm, Hà Nội: outside the province
    ({"lat": None, "long": None}, "lat"),
    ({"lat": None, "long": None, "address_id": "545483"}, "address_id"),
    ({"address_string": "x" * 256}, "address_string"),
    ({"email": "khong-phai-email"}, "email"),
    ({"phone": "gọi tôi"}, "phone"),
    ({"media_url": "file:///etc/passwd"}, "media_url"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
])
def test_bad_parameters_are_400_errors_naming_them(post, categories, fields, parameter):
    assert parameter in errors(post(**fields), 400)
    assert not Report.objects.exists()


def test_every_problem_is_reported_at_once(post, categories):
    response = post(lat="abc", long="xyz", email="@", description="đ" * 4001)
    message = errors(response, 400)
    assert len(response.json()) == 4
    for parameter in ("lat", "long", "email", "description"):
        assert parameter in message


def test_a_json_body_is_refused_with_a_clear_error(client, api_key, categories):  # noqa: F811
    response = client.post(url("requests"), {"api_key": api_key.raw, "service_code": "den-chieu-sang"},
                           content_type="application/json")
    assert "x-www-form-urlencoded" in errors(response, 400)


def test_re_sending_the_same_request_gives_the_same_id(post):
    first = post(device_id="iphone-9")
    again = post(device_id="iphone-9")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert Report.objects.count() == 1
    other = post(device_id="iphone-9", description="Đèn đường ở ngõ 7 Lý Thái Tổ bị tắt cả tuần nay.")
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    assert Report.objects.count() == 2


def test_an_explicit_idempotency_key_wins_over_the_payload(post, client, api_key):  # noqa: F811
    first = post(idempotency_key="lan-gui-001")
    changed = client.post(url("requests"), {"api_key": api_key.raw, "service_code": "ngap-ung",
                                            "address_string": "Phường Kinh Bắc", "description": "Gửi lại."},
                          HTTP_IDEMPOTENCY_KEY="lan-gui-001")
    assert changed.status_code == 200
    assert changed.json()[0]["service_request_id"] == first.json()[0]["service_request_id"]
    assert Report.objects.count() == 1


def test_each_key_is_rate_limited(post, settings):
    cache.clear()
    settings.IOC_OPEN311_RATE_LIMIT = 2
    assert post(description="Phản ánh thứ nhất về đèn đường hỏng.").status_code == 201
    assert post(description="Phản ánh thứ hai về đèn đường hỏng.").status_code == 201
    response = post(description="Phản ánh thứ ba về đèn đường hỏng.")
    assert "2" in errors(response, 429)
    assert response["Retry-After"]
    assert Report.objects.count() == 2


def test_posting_needs_no_csrf_token(api_key, categories, communes):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    response = client.post(url("requests"), {"api_key": api_key.raw, "service_code": "den-chieu-sang",
                                             "address_string": "Phường Kinh Bắc, Bắc Ninh"})
    assert response.status_code == 201


def test_errors_follow_the_locale_parameter(post, categories):
    vietnamese = errors(post(key=False), 403)
    assert "Thiếu api_key" in vietnamese
    english = post(key=False, locale="en")
    assert english.status_code == 403
    assert english["Content-Language"] == "en"
