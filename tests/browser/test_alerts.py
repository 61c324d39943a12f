"""Alerts in the browser: an officer of the responsible unit opens the event list, opens an event whose chart is
drawn by ECharts (no inline script), acknowledges it through the form; the pages pass axe's serious checks."""

import re
import time

import pytest

from ioc.alerts.models import AlertEvent, AlertRule, EventStatus
from ioc.monitoring.models import Metric, Series, Station, StationKind
from ioc.monitoring.storage import write_readings


@pytest.fixture
def event(units, commune):
    metric = Metric.objects.create(code="pm25", name="Bụi PM2.5", unit_of_measure="µg/m³")
    station = Station.objects.create(code="kk-kinh-bac", name="Trạm quan trắc không khí Kinh Bắc",
                                     kind=StationKind.AIR_QUALITY, latitude=21.1861, longitude=106.0763,
                                     area=commune, owner_unit=units["a"])
    series = Series.objects.create(station=station, metric=metric)
    AlertRule.objects.create(name="Bụi PM2.5 vượt QCVN 05:2023/BTNMT", metric=metric, threshold=50,
                             severity="Moderate", escalation_threshold=75, escalation_severity="Severe",
                             responsible_unit=units["a"], is_public=True, cap_event="Ô nhiễm bụi mịn",
                             instruction="Hạn chế ra ngoài, đeo khẩu trang.")
    start = int(time.time()) // 3600 * 3600 - 12 * 3600
    values = [32, 38, 45, 41, 44, 47, 56, 63, 49, 58, 71, 82]
    write_readings([(series.pk, start + i * 3600, float(v)) for i, v in enumerate(values)])
    return AlertEvent.objects.get()


def test_an_officer_acknowledges_an_event(page, sign_in, people, event, screenshot, axe_violations):
    sign_in(people["officer"])
    page.goto("/canh-bao/")
    page.get_by_role("link", name=re.compile("Ô nhiễm bụi mịn")).click()
    page.wait_for_selector(".event-chart canvas")
    assert page.get_by_text("Nghiêm trọng").first.is_visible()
    screenshot(page, "event")
    assert axe_violations(page) == []
    page.get_by_label("Ghi chú (không bắt buộc)").fill("Đã cử cán bộ kiểm tra điểm đốt rác gần trạm.")
    page.get_by_role("button", name="Tiếp nhận").click()
    page.wait_for_selector("text=Đã tiếp nhận sự kiện.")
    event.refresh_from_db()
    assert event.status == EventStatus.ACKNOWLEDGED and event.acknowledged_by == people["officer"]
    page.goto("/canh-bao/")
    screenshot(page, "list")
    assert axe_violations(page) == []
