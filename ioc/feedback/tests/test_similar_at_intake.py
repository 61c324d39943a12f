"""While a citizen (or the hotline operator) fills in the form, reports that may already describe the problem are
offered: GET /phan-anh/gui/tuong-tu/ answers with public fields of open public reports of the same category near
the pin and alike in text; wrong parameters get a message per field; anonymous look-ups are rate-limited."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from ..models import Report, Status
from ..views import public

URL = "/phan-anh/gui/tuong-tu/"
LAMP = "Đèn đường trước số 12 Lý Thái Tổ bị hỏng nhiều ngày, buổi tối rất tối."
SAME_LAMP = "Đèn chiếu sáng ở đường Lý Thái Tổ số 12 không sáng mấy hôm nay"
METRE = 1 / 111_320
PRIVATE = ("Nguyễn Văn Bí Mật", "bimat@example.vn", "0912345678")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def existing(make_report):
    return make_report(description=LAMP, reporter_name=PRIVATE[0], reporter_email=PRIVATE[1],
                       reporter_phone=PRIVATE[2])


def ask(client, category, report, description=SAME_LAMP, **extra):
    return client.get(URL, {"category": category.pk, "lat": report.latitude + 30 * METRE, "lon": report.longitude,
                            "description": description, **extra})


def test_the_same_problem_nearby_is_offered_with_public_fields_only(client, categories, existing):
    response = ask(client, categories["lights"], existing)
    assert response.status_code == 200
    reports = response.json()["reports"]
    assert [r["code"] for r in reports] == [existing.code]
    offered = reports[0]
    assert offered["url"] == reverse("feedback:track", args=[existing.code])
    assert offered["category"] == "Đèn chiếu sáng hỏng" and offered["status"] == "Mới tiếp nhận"
    assert 25 <= offered["distance_m"] <= 35 and offered["excerpt"].startswith("Đèn đường trước số 12")
    assert set(offered) == {"code", "url", "category", "status", "commune", "received", "distance_m", "excerpt"}
    body = response.content.decode()
    assert not any(value in body for value in PRIVATE)


def test_other_text_other_category_or_a_closed_report_is_not_offered(client, categories, existing):
    assert ask(client, categories["lights"], existing, "Cột điện nghiêng sắp đổ ở ngõ 5").json()["reports"] == []
    assert ask(client, categories["rubbish"], existing).json()["reports"] == []
    Report.objects.filter(pk=existing.pk).update(status=Status.CLOSED)
    assert ask(client, categories["lights"], existing).json()["reports"] == []


def test_reports_the_public_never_sees_are_never_offered(client, categories, make_report):
    secret = make_report("security", description=LAMP)
    assert ask(client, categories["security"], secret, LAMP).json()["reports"] == []
    rejected = make_report(description=LAMP)
    Report.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    assert ask(client, categories["lights"], rejected, LAMP).json()["reports"] == []


def test_wrong_parameters_are_named_in_vietnamese(client, db):
    response = client.get(URL, {"category": "x", "lat": "91", "lon": "abc", "description": "a" * 4001})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"category", "lat", "lon", "description"}
    assert errors["category"] == "Hãy chọn một lĩnh vực trong danh sách."
    assert errors["lat"] == "Tọa độ không hợp lệ."


def test_anonymous_look_ups_are_rate_limited_per_address(client, categories, existing, monkeypatch):
    monkeypatch.setattr(public, "SIMILAR_RATE", (3, 600))
    assert [ask(client, categories["lights"], existing).status_code for _ in range(3)] == [200, 200, 200]
    refused = ask(client, categories["lights"], existing)
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    assert "thử lại" in refused.json()["errors"]["__all__"]


def test_only_get_is_answered(client, categories, existing):
    assert client.post(URL, {"category": categories["lights"].pk}).status_code == 405


def test_the_forms_carry_the_address_of_the_look_up(client, categories, signed_in, people):
    assert f'data-similar="{URL}"' in client.get(reverse("feedback:submit")).content.decode()
    hotline = signed_in(people["operator"]).get(reverse("feedback:hotline")).content.decode()
    assert f'data-similar="{URL}"' in hotline
