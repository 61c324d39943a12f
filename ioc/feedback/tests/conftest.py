"""Feedback fixtures: categories, routing, and a report factory (plain ORM, through the intake service)."""

import pytest

from ioc.core.models import Area, AreaLevel

from .. import workflow
from ..intake import submit_report
from ..models import Category, Channel, Report, RoutingRule


@pytest.fixture
def communes(province):
    """Two current communes with centroids, and a former commune that became part of the first."""
    kinh_bac = Area.objects.create(code="09187", name="Phường Kinh Bắc", short_name="Kinh Bắc", kind="Phường",
                                   level=AreaLevel.COMMUNE, parent=province, latitude=21.1861, longitude=106.0763,
                                   area_km2=12.0, search_key="kinh bac")
    tien_du = Area.objects.create(code="09325", name="Xã Tiên Du", short_name="Tiên Du", kind="Xã",
                                  level=AreaLevel.COMMUNE, parent=province, latitude=21.1275, longitude=106.0381,
                                  area_km2=30.0, search_key="tien du")
    return {"kinh_bac": kinh_bac, "tien_du": tien_du}


@pytest.fixture
def categories(db):
    urban = Category.objects.create(code="do-thi", name="Trật tự đô thị", name_en="Urban order")
    lights = Category.objects.create(code="den-chieu-sang", name="Đèn chiếu sáng hỏng", name_en="Broken street light",
                                     parent=urban, keywords="đèn, chiếu sáng, bóng đèn", duplicate_radius_m=100)
    flooding = Category.objects.create(code="ngap-ung", name="Ngập úng", name_en="Flooding", default_priority="urgent",
                                       keywords="ngập, úng, nước", duplicate_radius_m=300)
    rubbish = Category.objects.create(code="rac-thai", name="Rác thải, vệ sinh môi trường", name_en="Rubbish",
                                      keywords="rác, thu gom")
    security = Category.objects.create(code="an-ninh", name="An ninh trật tự", name_en="Public security",
                                       is_public=False)
    return {"urban": urban, "lights": lights, "flooding": flooding, "rubbish": rubbish, "security": security}


@pytest.fixture
def routing(categories, units, communes):
    """Street lights go to unit a (Sở Xây dựng) everywhere; rubbish in Kinh Bắc to unit b."""
    return {
        "lights": RoutingRule.objects.create(category=categories["lights"], lead_unit=units["a"]),
        "rubbish_kb": RoutingRule.objects.create(category=categories["rubbish"], area=communes["kinh_bac"],
                                                 lead_unit=units["b"]),
    }


@pytest.fixture
def make_report(categories, communes):
    """make_report(category="lights", **fields) stores a report through the intake service."""

    def make(category="lights", **fields):
        fields.setdefault("channel", Channel.WEB)
        fields.setdefault("description", "Đèn đường trước số 12 Lý Thái Tổ bị hỏng nhiều ngày, buổi tối rất tối.")
        fields.setdefault("latitude", communes["kinh_bac"].latitude)
        fields.setdefault("longitude", communes["kinh_bac"].longitude)
        report, _created = submit_report(category=categories[category] if isinstance(category, str) else category,
                                         **fields)
        return report

    return make


@pytest.fixture
def assigned(make_report, people, units):
    """assigned(**fields): a report verified by the IOC and assigned to unit a."""

    def make(**fields):
        report = make_report(**fields)
        workflow.verify(report=report, by=people["operator"])
        return workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], by=people["operator"])

    return make
