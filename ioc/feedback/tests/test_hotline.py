"""The 1022 hotline: an IOC operator records a call as a report on the caller's behalf; nobody else may."""

import uuid

import pytest
from django.urls import reverse

from ..models import Channel, Priority, Report


def call(categories, communes, **overrides):
    data = {"caller_name": "Trần Thị Gọi", "caller_phone": "0987 654 321", "caller_email": "",
            "category": categories["rubbish"].pk, "priority": "",
            "description": "Người gọi báo rác thải đổ trộm ở đầu ngõ 45 Nguyễn Văn Cừ ba ngày nay.",
            "address": "Ngõ 45 Nguyễn Văn Cừ, phường Kinh Bắc", "latitude": "", "longitude": "",
            "submission_token": str(uuid.uuid4())}
    data.update(overrides)
    return data


def test_an_operator_records_a_call_and_lands_on_the_staff_page(signed_in, people, categories, communes, routing,
                                                                  units):
    client = signed_in(people["operator"])
    assert client.get(reverse("feedback:hotline")).status_code == 200
    response = client.post(reverse("feedback:hotline"), call(categories, communes, priority=Priority.URGENT))

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:staff_report", args=[report.code])
    assert report.channel == Channel.HOTLINE and report.received_by == people["operator"]
    assert report.reporter is None and report.reporter_name == "Trần Thị Gọi"
    assert report.reporter_phone == "0987654321"
    assert report.priority == Priority.URGENT
    assert report.area == communes["kinh_bac"] and report.lead_unit == units["b"]  # routed by the address
    assert report.events.get().actor == people["operator"]


def test_the_priority_defaults_to_the_category(signed_in, people, categories, communes):
    client = signed_in(people["operator"])
    client.post(reverse("feedback:hotline"), call(categories, communes, category=categories["flooding"].pk))
    assert Report.objects.get().priority == Priority.URGENT


def test_a_pin_and_the_anonymity_request_are_kept(signed_in, people, categories, communes):
    client = signed_in(people["admin"])
    client.post(reverse("feedback:hotline"), call(categories, communes, address="", is_anonymous="on",
                                                  latitude=communes["tien_du"].latitude,
                                                  longitude=communes["tien_du"].longitude))
    report = Report.objects.get()
    assert report.area == communes["tien_du"] and report.is_anonymous


def test_a_repeated_save_makes_one_report(signed_in, people, categories, communes):
    client = signed_in(people["operator"])
    data = call(categories, communes)
    first = client.post(reverse("feedback:hotline"), data)
    again = client.post(reverse("feedback:hotline"), data)
    assert first["Location"] == again["Location"] and Report.objects.count() == 1


@pytest.mark.parametrize("overrides,field,message", [
    ({"description": ""}, "description", "Hãy ghi nội dung người gọi phản ánh."),
    ({"category": ""}, "category", "Hãy chọn lĩnh vực của phản ánh."),
    ({"address": ""}, "address", "Hãy chọn vị trí trên bản đồ hoặc nhập địa chỉ"),
    ({"address": "", "latitude": "21.0285", "longitude": "105.8542"}, "latitude", "nằm ngoài địa bàn tỉnh"),
    ({"caller_phone": "12ab"}, "caller_phone", "Số điện thoại gồm 10–11 chữ số"),
    ({"caller_email": "khong-phai-email"}, "caller_email", "Địa chỉ thư điện tử không hợp lệ."),
    ({"priority": "rat-gap"}, "priority", "Mức độ không hợp lệ."),
])
def test_mistakes_are_named_at_their_field(signed_in, people, categories, communes, overrides, field, message):
    response = signed_in(people["operator"]).post(reverse("feedback:hotline"), call(categories, communes, **overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Report.objects.count() == 0


@pytest.mark.parametrize("who", ["citizen", "officer", "head", "leader"])
def test_only_operators_and_administrators_take_calls(signed_in, people, categories, communes, who):
    client = signed_in(people[who])
    assert client.get(reverse("feedback:hotline")).status_code == 403
    assert client.post(reverse("feedback:hotline"), call(categories, communes)).status_code == 403
    assert Report.objects.count() == 0


def test_a_visitor_is_sent_to_sign_in(client, categories, communes):
    response = client.post(reverse("feedback:hotline"), call(categories, communes))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Report.objects.count() == 0
