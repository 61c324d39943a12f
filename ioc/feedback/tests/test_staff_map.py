"""The staff report page's map: without a tile server it carries the communes' centroids (the offline base layer
the public map draws); with one it carries only the tiles; a report without a point has no map at all."""

import json
import re

import pytest
from django.urls import reverse

from ..models import Report


def communes_payload(html):
    match = re.search(r'<script id="report-map-communes" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else None


@pytest.fixture
def report(make_report):
    return make_report()


def test_without_tiles_the_map_carries_every_current_commune(client, people, report, communes, settings):
    settings.MAP_TILE_URL = ""
    client.force_login(people["operator"])
    html = client.get(reverse("feedback:staff_report", args=[report.code])).content.decode()
    assert 'data-communes="report-map-communes"' in html and 'data-tiles=""' in html
    assert communes_payload(html) == [[21.1861, 106.0763, "Phường Kinh Bắc", 12.0],
                                      [21.1275, 106.0381, "Xã Tiên Du", 30.0]]
    assert "feedback/map.js" in html and html.index("feedback/map.js") < html.index("feedback/staff.js")


def test_former_communes_and_communes_without_a_centroid_are_left_out(client, people, report, communes, province,
                                                                       settings):
    from ioc.core.models import Area, AreaLevel

    settings.MAP_TILE_URL = ""
    Area.objects.create(code="09190", name="Phường Vệ An", short_name="Vệ An", kind="Phường",
                        level=AreaLevel.COMMUNE, parent=province, latitude=21.19, longitude=106.06, is_current=False,
                        successor=communes["kinh_bac"])
    Area.objects.create(code="09999", name="Xã Chưa Có Tọa Độ", short_name="Chưa Có Tọa Độ", kind="Xã",
                        level=AreaLevel.COMMUNE, parent=province)
    client.force_login(people["operator"])
    names = [c[2] for c in communes_payload(client.get(reverse("feedback:staff_report", args=[report.code]))
                                            .content.decode())]
    assert names == ["Phường Kinh Bắc", "Xã Tiên Du"]


def test_names_are_escaped_in_the_payload(client, people, report, communes, settings):
    settings.MAP_TILE_URL = ""
    communes["tien_du"].name = "Xã </script><b>Tiên Du</b>"
    communes["tien_du"].save(update_fields=["name"])
    client.force_login(people["operator"])
    html = client.get(reverse("feedback:staff_report", args=[report.code])).content.decode()
    assert "</script><b>" not in html
    assert "Xã </script><b>Tiên Du</b>" in [c[2] for c in communes_payload(html)]


def test_with_tiles_no_commune_layer_is_sent(client, people, report, communes, settings):
    settings.MAP_TILE_URL = "https://tiles.example.vn/{z}/{x}/{y}.png"
    client.force_login(people["operator"])
    html = client.get(reverse("feedback:staff_report", args=[report.code])).content.decode()
    assert 'data-tiles="https://tiles.example.vn/{z}/{x}/{y}.png"' in html
    assert communes_payload(html) is None and "data-communes" not in html


def test_a_report_without_a_point_has_no_map(client, people, make_report, settings):
    settings.MAP_TILE_URL = ""
    report = make_report(latitude=None, longitude=None, address="Phường Kinh Bắc")
    assert Report.objects.get(pk=report.pk).latitude is None
    client.force_login(people["operator"])
    html = client.get(reverse("feedback:staff_report", args=[report.code])).content.decode()
    assert 'id="report-map"' not in html and communes_payload(html) is None
