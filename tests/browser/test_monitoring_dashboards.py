"""The monitoring dashboards in a real browser: a leader opens the overview, drills down to one commune,
opens an indicator page (and a province-only one), a station on the sensor map, and the video wall at 1920 × 1080 (no scroll bars) shows new readings within five
seconds of their arrival, without reloading."""

import re
import time

import pytest
from django.core.cache import cache

from ioc.core.models import Area, AreaLevel, UnitKind
from ioc.core.roles import Role
from ioc.monitoring import storage
from ioc.monitoring.models import PanelKind, WallLayout, WallPanel
from ioc.monitoring.tests.dashboard_data import make_world
from tests.factories import make_unit, make_user


@pytest.fixture
def world(db):
    cache.clear()
    province = Area.objects.create(code="24", name="Tỉnh Bắc Ninh", short_name="Bắc Ninh", kind="Tỉnh",
                                   level=AreaLevel.PROVINCE, latitude=21.24, longitude=106.16)
    commune = Area.objects.create(code="07210", name="Phường Bắc Giang", short_name="Bắc Giang", kind="Phường",
                                  level=AreaLevel.COMMUNE, parent=province, latitude=21.28, longitude=106.21,
                                  area_km2=23.2)
    world = make_world(province, commune, make_unit("so-nn-mt", "Sở Nông nghiệp và Môi trường"), rollups=False)
    now = int(time.time())
    storage.write_readings([(world.series.pk, now - 7200, 40.0), (world.series.pk, now - 3600, 55.0),
                            (world.series.pk, now - 60, 80.0)])
    return world


@pytest.fixture
def leader(db):
    return make_user("lanhdao", role=Role.LEADER, unit=make_unit("ubnd-tinh", "UBND tỉnh", UnitKind.PROVINCE_COMMITTEE))


def test_leader_overview_drill_down_indicator_and_wall(page, sign_in, screenshot, world, leader):
    sign_in(leader)
    page.goto("/giam-sat/")
    card = page.locator('[data-card="grdp"]')
    assert "5,4" in card.inner_text() and "Cảnh báo" in card.inner_text()
    page.wait_for_selector('[data-card="grdp"] .mon-spark svg')
    screenshot(page, "overview")

    page.select_option("#area-select", "07210")  # the selector submits itself
    page.wait_for_url(re.compile(r"/giam-sat/xa/07210/"))
    assert page.locator("h1").inner_text() == "Phường Bắc Giang"
    assert "8,1" in page.locator('[data-card="grdp"]').inner_text()
    page.wait_for_selector("#mon-map.leaflet-container canvas")  # outline, communes and stations (canvas)
    screenshot(page, "commune")

    page.goto("/giam-sat/")
    page.get_by_role("link", name="Tăng trưởng GRDP").click()
    page.wait_for_url(re.compile(r"/giam-sat/chi-tieu/grdp/"))
    page.get_by_label("Toàn bộ").check()
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_selector('[data-mon-chart="series"] canvas')
    page.wait_for_selector('[data-mon-chart="communes"] canvas')
    page.wait_for_selector("#mon-map.leaflet-container canvas")
    assert "Xã Yên Thế" in page.locator("table").nth(1).inner_text()
    screenshot(page, "indicator")

    # a province-only indicator: one note instead of an empty commune comparison
    page.goto("/giam-sat/chi-tieu/thu-ngan-sach/?range=all")
    assert page.locator("[data-province-only]").is_visible()
    assert page.locator("#mon-map").count() == 0 and page.locator("table").count() == 1

    # the sensor map: a compact table; choosing a station shows its latest values and history beside the map
    page.goto("/giam-sat/ban-do-tram/")
    page.locator('[data-station-open="kk-bac-giang"]').click()
    page.wait_for_selector(".mon-latest li")
    assert "Bụi mịn PM2.5" in page.locator(".mon-latest").inner_text()
    page.wait_for_selector("[data-history-charts] canvas")
    assert "mon-row-selected" in page.locator('tr[data-station="kk-bac-giang"]').get_attribute("class")
    screenshot(page, "sensor-map")

    layout = WallLayout.objects.create(name="Môi trường", is_default=True)
    WallPanel.objects.create(layout=layout, kind=PanelKind.DOMAIN, domain=world.pm25.sector.domain, seconds=30)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto("/giam-sat/man-hinh-lon/")
    value = page.locator('[data-card="pm25-tb"] [data-value]')
    value.wait_for()
    assert value.inner_text() == "80,0"
    sizes = page.evaluate("() => [document.scrollingElement.scrollHeight, innerHeight,"
                          " document.scrollingElement.scrollWidth, innerWidth]")
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3], sizes
    screenshot(page, "wall")

    storage.write_readings([(world.series.pk, int(time.time()), 150.0)])
    written = time.monotonic()
    page.wait_for_function(
        "() => document.querySelector('[data-card=\"pm25-tb\"] [data-value]').textContent !== '80,0'",
        timeout=5000)
    assert time.monotonic() - written <= 5
    # the hour's mean of 80 and 150, as the area rollup has it
    assert value.inner_text() == "115,0"
    assert "wall-status-critical" in page.locator('[data-card="pm25-tb"]').get_attribute("class")
    screenshot(page, "wall-updated")


def test_the_operator_steps_through_the_wall_and_holds_a_page(page, sign_in, screenshot, world, leader):
    layout = WallLayout.objects.create(name="Ca trực", is_default=True)
    WallPanel.objects.create(layout=layout, kind=PanelKind.DOMAIN, domain=world.pm25.sector.domain, seconds=4)
    WallPanel.objects.create(layout=layout, kind=PanelKind.EVENTS, seconds=4)
    WallPanel.objects.create(layout=layout, kind=PanelKind.FEEDBACK, title="Phản ánh của người dân", seconds=4)
    sign_in(leader)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto("/giam-sat/man-hinh-lon/")
    page.locator(".wall-panel-domain").wait_for()
    page.keyboard.press("ArrowLeft")  # from the first page back to the last: citizen reports
    page.locator(".wall-panel-feedback").wait_for()
    counts = page.locator(".wall-counts-big .wall-count-label")
    assert counts.all_inner_texts() == ["phản ánh tiếp nhận hôm nay", "đang xử lý", "quá hạn"]
    sizes = page.evaluate("() => [document.scrollingElement.scrollHeight, innerHeight,"
                          " document.scrollingElement.scrollWidth, innerWidth]")
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3], sizes
    screenshot(page, "wall-feedback")
    page.keyboard.press(" ")  # hold it: the panels last 4 s, and it is still there after 6
    page.locator(".wall-held").wait_for()
    page.wait_for_timeout(6000)
    assert page.locator(".wall-panel-feedback").count() == 1
    page.keyboard.press("ArrowRight")  # the next page is the first again
    page.locator(".wall-panel-domain").wait_for()
    page.goto("/home/")
    page.goto("/giam-sat/man-hinh-lon/#2")  # an address that pins the second page
    page.locator(".wall-panel-events").wait_for()
    assert page.locator(".wall-held").is_visible()
