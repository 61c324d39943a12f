"""Each role lands on its own home page."""

import pytest
from django.urls import reverse

EXPECTED = {
    "citizen": "Tài khoản người dân, doanh nghiệp",
    "officer": "Đơn vị của tôi",
    "head": "Cán bộ trong đơn vị",
    "operator": "Điều hành viên",
    "leader": "Lãnh đạo tỉnh – tổng quan toàn tỉnh",
    "admin": "Nhật ký gần đây",
}


@pytest.mark.parametrize("name,marker", EXPECTED.items())
def test_role_home_page(people, signed_in, name, marker):
    response = signed_in(people[name]).get(reverse("core:home"))
    assert response.status_code == 200
    assert marker in response.content.decode()


def test_officer_home_does_not_show_province_panel(people, signed_in):
    body = signed_in(people["officer"]).get(reverse("core:home")).content.decode()
    assert "Toàn tỉnh" not in body


def test_public_home_is_open_to_visitors(client, db):
    response = client.get(reverse("core:public_home"))
    assert response.status_code == 200
    assert "Trung tâm Giám sát, Điều hành Thông minh" in response.content.decode()
