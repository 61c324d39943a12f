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


def test_home_panels_follow_permissions_and_hide_when_they_have_nothing_to_say(people):
    from ioc.core import panels
    from ioc.core.access import get_access

    calls = []

    def build(access):
        calls.append(access.user_id)
        return None if access.user_id == people["admin"].pk else {"who": access.user_id}

    probe = panels.HomePanel("test-probe", "core/_pagination.html", build, permission="core.view_province", order=-1)
    panels.register(probe)
    try:
        leader = [p for p in panels.panels_for(get_access(people["leader"])) if p["name"] == "test-probe"]
        assert leader == [{"name": "test-probe", "template": "core/_pagination.html", "stylesheet": "",
                           "context": {"who": people["leader"].pk}}]
        assert not [p for p in panels.panels_for(get_access(people["admin"])) if p["name"] == "test-probe"]
        assert not [p for p in panels.panels_for(get_access(people["officer"])) if p["name"] == "test-probe"]
        assert people["officer"].pk not in calls  # no permission: not even built
    finally:
        panels._registry.pop("test-probe")


def test_every_module_panel_is_registered_at_start_up():
    from ioc.core import panels

    assert {"feedback", "feedback-citizen", "alerts", "monitoring"} <= set(panels._registry)
