"""The staff report page's map in Chromium without a tile server: the communes around the report are drawn as
circles (centroid and area) named on hover, with the report's pin and its duplicate-detection radius."""

import pytest
from playwright.sync_api import expect

from ioc.core.models import Area, AreaLevel
from ioc.feedback.intake import submit_report
from ioc.feedback.models import Category, Channel

pytestmark = pytest.mark.browser


@pytest.fixture
def report(province, settings):
    settings.MAP_TILE_URL = ""
    commune = {"level": AreaLevel.COMMUNE, "parent": province}
    kinh_bac = Area.objects.create(code="09187", name="Phường Kinh Bắc", short_name="Kinh Bắc", kind="Phường",
                                   latitude=21.1861, longitude=106.0763, area_km2=12.0, search_key="kinh bac",
                                   **commune)
    Area.objects.create(code="09169", name="Phường Võ Cường", short_name="Võ Cường", kind="Phường",
                        latitude=21.1700, longitude=106.0480, area_km2=14.0, search_key="vo cuong", **commune)
    Area.objects.create(code="09325", name="Xã Tiên Du", short_name="Tiên Du", kind="Xã", latitude=21.1275,
                        longitude=106.0381, area_km2=30.0, search_key="tien du", **commune)
    lights = Category.objects.create(code="den-chieu-sang", name="Đèn chiếu sáng hỏng", duplicate_radius_m=150)
    report, _created = submit_report(channel=Channel.WEB, category=lights, latitude=21.1840, longitude=106.0720,
                                     description="Đèn đường trước số 12 Lý Thái Tổ bị hỏng nhiều ngày.")
    assert report.area == kinh_bac
    return report


def test_staff_map_draws_the_communes_without_tiles(page, sign_in, screenshot, people, report):
    sign_in(people["operator"])
    page.goto(_staff_url(report))
    container = page.locator("#report-map")
    expect(container.locator("img.leaflet-marker-icon")).to_have_count(1)
    # Three commune circles and the duplicate-detection circle, drawn as SVG paths; no tile was requested.
    expect(container.locator("path.leaflet-interactive")).to_have_count(4)
    assert container.locator("img.leaflet-tile").count() == 0
    # No permanent label covers the pin; hovering a circle names its commune.
    expect(container.locator(".leaflet-tooltip")).to_have_count(0)
    box = container.bounding_box()
    # About 600 m south-east of the pin: inside Kinh Bắc's circle, outside the pin and the radius circle.
    page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2 + 40)
    expect(container.locator(".leaflet-tooltip", has_text="Phường Kinh Bắc")).to_have_count(1)
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] - 15)  # south-west: Võ Cường's circle
    expect(container.locator(".leaflet-tooltip", has_text="Phường Võ Cường")).to_have_count(1)
    container.scroll_into_view_if_needed()
    screenshot(page, "staff-map-offline")


def _staff_url(report):
    from django.urls import reverse

    return reverse("feedback:staff_report", args=[report.code])
