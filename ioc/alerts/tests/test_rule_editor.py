"""The rule editor: the IOC creates and edits rules; bad input gets clear Vietnamese errors at the right field."""

import pytest
from django.urls import reverse

from ..models import AlertRule


@pytest.fixture
def valid(pm25, units):
    return {"name": "PM2.5 vượt ngưỡng", "metric": pm25.pk, "condition": "above", "threshold": "50",
            "severity": "Moderate", "resolve_after_minutes": "60", "responsible_unit": units["a"].pk,
            "cap_category": "Env", "cap_urgency": "Expected", "cap_certainty": "Observed", "radius_km": "2",
            "is_active": "on"}


def test_an_operator_creates_and_edits_a_rule(valid, people, signed_in):
    client = signed_in(people["operator"])
    response = client.post(reverse("alerts:rule_create"), {**valid, "threshold": "50,5"})
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert rule.threshold == 50.5
    response = client.post(reverse("alerts:rule_edit", args=[rule.pk]), {**valid, "threshold": "75"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 75
    assert "PM2.5 vượt ngưỡng" in client.get(reverse("alerts:rules")).content.decode()


@pytest.mark.parametrize("change,field,message", [
    ({"threshold": ""}, "threshold", "Hãy nhập ngưỡng cảnh báo."),
    ({"threshold": "năm mươi"}, "threshold", "Ngưỡng phải là một số"),
    ({"metric": ""}, "metric", "Hãy chọn đại lượng đo (cảm biến) hoặc chỉ tiêu cần theo dõi."),
    ({"condition": "no_data", "threshold": ""}, "window_minutes", "Hãy nhập số phút không có dữ liệu"),
    ({"condition": "rate_pct", "threshold": "0", "window_minutes": "60"}, "threshold", "Ngưỡng thay đổi phải khác 0"),
    ({"condition": "rate_abs"}, "window_minutes", "Hãy nhập khoảng thời gian"),
    ({"escalation_threshold": "75"}, "escalation_severity", "Nhập cả ngưỡng nâng mức"),
    ({"escalation_threshold": "40", "escalation_severity": "Severe"}, "escalation_threshold",
     "Ngưỡng nâng mức phải vượt xa hơn ngưỡng cảnh báo."),
    ({"escalation_threshold": "75", "escalation_severity": "Minor"}, "escalation_severity",
     "Mức độ khi nâng mức phải cao hơn"),
    ({"is_public": "on"}, "cap_event", "Cảnh báo công khai cần tên sự kiện bằng tiếng Việt."),
    ({"radius_km": "0"}, "radius_km", "Bán kính ảnh hưởng phải lớn hơn 0"),
    ({"responsible_unit": ""}, "responsible_unit", "Hãy chọn đơn vị chịu trách nhiệm xử lý."),
])
def test_bad_input_is_explained_in_vietnamese(valid, people, signed_in, change, field, message):
    response = signed_in(people["operator"]).post(reverse("alerts:rule_create"), {**valid, **change})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and any(message in e for e in errors[field]), errors
    assert not AlertRule.objects.exists()


def test_a_station_that_does_not_measure_the_metric_is_refused(valid, people, signed_in, stations):
    response = signed_in(people["operator"]).post(reverse("alerts:rule_create"),
                                                  {**valid, "station": stations["kinh_bac"].pk})
    assert "Trạm này không đo đại lượng đã chọn." in response.context["form"].errors["station"]


@pytest.mark.parametrize("who", ["officer", "head", "leader"])
def test_only_the_ioc_manages_rules(valid, people, signed_in, who):
    client = signed_in(people[who])
    assert client.post(reverse("alerts:rule_create"), valid).status_code == 403
    assert client.get(reverse("alerts:rules")).status_code == 200  # staff may read the rules
    assert not AlertRule.objects.exists()
