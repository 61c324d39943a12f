"""The video wall: who may open it, what its data endpoint returns (with ETag), and the layout configuration
(operators choose, order and time the panels; leaders may watch but not configure)."""

import pytest
from django.core.cache import cache

from ioc.core.models import AuditEvent
from ioc.monitoring.models import PanelKind, Series, WallLayout, WallPanel, WallResolution

from .dashboard_data import make_world


@pytest.fixture
def world(province, commune, units):
    cache.clear()
    return make_world(province, commune, units["a"])


@pytest.fixture
def layout(world):
    layout = WallLayout.objects.create(name="Phòng điều hành", resolution=WallResolution.FULL_HD, is_default=True)
    WallPanel.objects.create(layout=layout, kind=PanelKind.DOMAIN, domain=world.grdp.sector.domain, seconds=15,
                             order=1)
    WallPanel.objects.create(layout=layout, kind=PanelKind.INDICATOR, indicator=world.grdp, order=2)
    WallPanel.objects.create(layout=layout, kind=PanelKind.SENSORS, order=3)
    WallPanel.objects.create(layout=layout, kind=PanelKind.FEEDBACK, order=4)
    WallPanel.objects.create(layout=layout, kind=PanelKind.EVENTS, order=5)
    return layout


def test_wall_is_for_leaders_operators_and_administrators(signed_in, people, layout):
    assert signed_in(people["leader"]).get("/giam-sat/man-hinh-lon/").status_code == 200
    assert signed_in(people["operator"]).get("/giam-sat/man-hinh-lon/du-lieu/").status_code == 200
    assert signed_in(people["officer"]).get("/giam-sat/man-hinh-lon/").status_code == 403
    assert signed_in(people["officer"]).get("/giam-sat/man-hinh-lon/du-lieu/").status_code == 403


def test_wall_data_follows_the_layout_and_answers_304_when_unchanged(signed_in, people, layout, world):
    client = signed_in(people["leader"])
    response = client.get("/giam-sat/man-hinh-lon/du-lieu/")
    data = response.json()
    assert [p["kind"] for p in data["panels"]] == ["domain", "indicator", "sensors", "feedback", "events"]
    domain = data["panels"][0]
    assert domain["seconds"] == 15 and {c["code"] for c in domain["data"]["cards"]} == {"grdp", "thu-ngan-sach"}
    indicator = data["panels"][1]["data"]
    assert indicator["bars"][0][:2] == ["Phường Bắc Giang", 8.1]
    sensors = data["panels"][2]["data"]
    assert sensors["counts"]["critical"] == 1 and sensors["alarming"][0]["name"] == "Trạm không khí Bắc Giang"
    assert data["panels"][3]["data"]["received_today"] == 0 and data["panels"][3]["data"]["overdue"] == 0
    etag = response["ETag"]
    assert client.get("/giam-sat/man-hinh-lon/du-lieu/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # new data: a new figure changes the body, so the wall redraws
    Series.objects.filter(pk=world.series.pk).update(last_value=12.0)
    fresh = client.get("/giam-sat/man-hinh-lon/du-lieu/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag


def test_without_a_layout_the_wall_rotates_every_domain(signed_in, people, world):
    data = signed_in(people["leader"]).get("/giam-sat/man-hinh-lon/du-lieu/").json()
    assert [p["kind"] for p in data["panels"]] == ["domain", "domain", "sensors", "events", "feedback"]


def test_configuration_is_for_operators_only(signed_in, people, layout):
    assert signed_in(people["leader"]).get("/giam-sat/man-hinh-lon/cau-hinh/").status_code == 403
    assert signed_in(people["leader"]).post(f"/giam-sat/man-hinh-lon/cau-hinh/{layout.pk}/",
                                            {"action": "remove", "panel": layout.panels.first().pk}).status_code == 403
    assert layout.panels.count() == 5
    assert signed_in(people["operator"]).get("/giam-sat/man-hinh-lon/cau-hinh/").status_code == 200


def test_operator_creates_a_layout_adds_orders_times_and_removes_panels(signed_in, people, world, layout):
    client = signed_in(people["operator"])
    response = client.post("/giam-sat/man-hinh-lon/cau-hinh/", {"name": "Màn hình 4K", "resolution": "2160p",
                                                                 "is_default": "on"})
    new = WallLayout.objects.get(name="Màn hình 4K")
    assert response.status_code == 302 and new.is_default
    layout.refresh_from_db()
    assert not layout.is_default  # one default at a time
    url = f"/giam-sat/man-hinh-lon/cau-hinh/{new.pk}/"
    client.post(url, {"action": "add", "panel-kind": "sensors", "panel-seconds": "30"})
    client.post(url, {"action": "add", "panel-kind": "indicator", "panel-indicator": world.grdp.pk,
                      "panel-seconds": "20"})
    first, second = new.panels.all()
    assert (first.kind, second.kind) == ("sensors", "indicator")
    client.post(url, {"action": "up", "panel": second.pk})
    assert [p.kind for p in new.panels.all()] == ["indicator", "sensors"]
    client.post(url, {"action": "seconds", "panel": first.pk, "seconds": "45"})
    first.refresh_from_db()
    assert first.seconds == 45
    client.post(url, {"action": "remove", "panel": second.pk})
    assert list(new.panels.values_list("kind", flat=True)) == ["sensors"]
    assert AuditEvent.objects.filter(object_type="monitoring.wallpanel").exists()


def test_panel_form_errors_are_explained(signed_in, people, layout):
    client = signed_in(people["operator"])
    url = f"/giam-sat/man-hinh-lon/cau-hinh/{layout.pk}/"
    response = client.post(url, {"action": "add", "panel-kind": "domain", "panel-seconds": "2"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hãy chọn lĩnh vực cho màn hình này." in html and "từ 5 đến 600 giây" in html
    response = client.post(url, {"action": "seconds", "panel": layout.panels.first().pk, "seconds": "abc"})
    assert response.status_code == 302 and layout.panels.first().seconds == 15
    assert client.post(url, {"action": "up", "panel": "999999"}).status_code == 404


def test_a_panel_of_another_layout_cannot_be_touched(signed_in, people, layout):
    other = WallLayout.objects.create(name="Khác")
    panel = layout.panels.first()
    response = signed_in(people["operator"]).post(f"/giam-sat/man-hinh-lon/cau-hinh/{other.pk}/",
                                                  {"action": "remove", "panel": panel.pk})
    assert response.status_code == 404 and WallPanel.objects.filter(pk=panel.pk).exists()
