"""CAP 1.2 publication: each public alert is a CAP document valid against the OASIS schema, in Vietnamese, with
the area as a circle (stations) or a polygon (communes); the Atom feed is valid (RFC 4287 schema) and lists only
active public alerts; nothing internal (notes, staff names) is published."""

from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from lxml import etree

from .. import services
from ..models import AlertEvent, CapCategory, EventStatus

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
CAP_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "CAP-v1.2.xsd")))
ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2", "atom": "http://www.w3.org/2005/Atom"}


def valid_cap(content):
    doc = etree.fromstring(content)
    assert CAP_SCHEMA.validate(doc), CAP_SCHEMA.error_log
    return doc


def text(doc, path):
    return doc.findtext(path, namespaces=NS)


@pytest.fixture
def public_rule(make_rule):
    return make_rule(name="PM2.5 vượt QCVN 05:2023 (trung bình giờ)", is_public=True,
                     cap_event="Ô nhiễm không khí", cap_category=CapCategory.ENV, cap_urgency="Expected",
                     cap_certainty="Observed", escalation_threshold=75, escalation_severity="Severe",
                     instruction="Người già, trẻ em và người có bệnh hô hấp hạn chế ra ngoài; đeo khẩu trang.")


@pytest.fixture
def public_event(public_rule, series, write):
    write(series["kinh_bac"], [(0, 62.4)])
    return AlertEvent.objects.get(rule=public_rule)


def test_a_public_alert_is_a_valid_cap_document_in_vietnamese(public_event, client):
    response = client.get(reverse("alerts:cap_alert", args=[public_event.public_id]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/cap+xml")
    doc = valid_cap(response.content)
    assert text(doc, "cap:identifier") == str(public_event.public_id)
    assert text(doc, "cap:sender") == "ioc@bacninh.gov.vn"
    assert text(doc, "cap:sent").endswith("+07:00")
    assert (text(doc, "cap:status"), text(doc, "cap:msgType"), text(doc, "cap:scope")) == ("Actual", "Alert", "Public")
    info = doc.find("cap:info", NS)
    assert text(info, "cap:language") == "vi-VN"
    assert (text(info, "cap:category"), text(info, "cap:severity"), text(info, "cap:urgency"),
            text(info, "cap:certainty")) == ("Env", "Moderate", "Expected", "Observed")
    assert text(info, "cap:event") == "Ô nhiễm không khí"
    assert "Bụi PM2.5" in text(info, "cap:headline") and "62,4 µg/m³" in text(info, "cap:description")
    assert "khẩu trang" in text(info, "cap:instruction")
    assert text(info, "cap:web").startswith("http://testserver/alerts/")
    circle = text(info, "cap:area/cap:circle")
    assert circle == "21.18610,106.07630 2.0"
    assert "Kinh Bắc" in text(info, "cap:area/cap:areaDesc")


@override_settings(IOC_CAP_SENDER="canhbao@bacninh.gov.vn")
def test_the_sender_is_configurable(public_event, client):
    doc = valid_cap(client.get(reverse("alerts:cap_alert", args=[public_event.public_id])).content)
    assert text(doc, "cap:sender") == "canhbao@bacninh.gov.vn"


def test_escalation_publishes_an_update_and_resolution_a_cancel(public_event, series, write, people, client):
    url = reverse("alerts:cap_alert", args=[public_event.public_id])
    write(series["kinh_bac"], [(10, 88.0)])
    doc = valid_cap(client.get(url).content)
    assert text(doc, "cap:msgType") == "Update" and text(doc, "cap:info/cap:severity") == "Severe"
    assert text(doc, "cap:identifier") == f"{public_event.public_id}.2"
    assert text(doc, "cap:references").startswith(f"ioc@bacninh.gov.vn,{public_event.public_id},")
    services.resolve(event=AlertEvent.objects.get(pk=public_event.pk), by=people["operator"],
                     note="Nội bộ: đã làm việc với ông Nguyễn Văn A, chủ cơ sở đốt rác.")
    doc = valid_cap(client.get(url).content)
    assert text(doc, "cap:msgType") == "Cancel" and text(doc, "cap:info/cap:urgency") == "Past"
    assert text(doc, "cap:info/cap:responseType") == "AllClear"
    assert text(doc, "cap:info/cap:expires").endswith("+07:00")
    assert "Nguyễn Văn A" not in client.get(url).content.decode()


def test_an_indicator_event_in_a_commune_has_a_polygon(public_rule, commune, units):
    from ..services import Subject, open_event
    from .test_indicator_rules import make_indicator

    indicator = make_indicator(units)
    rule = public_rule
    rule.metric, rule.indicator = None, indicator
    rule.save()
    from django.utils import timezone

    event, _created = open_event(rule=rule, subject=Subject.for_indicator(indicator, commune), value=12.0,
                                 at=timezone.now())
    from django.test import Client

    doc = valid_cap(Client().get(reverse("alerts:cap_alert", args=[event.public_id])).content)
    polygon = text(doc, "cap:info/cap:area/cap:polygon").split()
    assert len(polygon) == 17 and polygon[0] == polygon[-1]
    assert text(doc, "cap:info/cap:area/cap:geocode/cap:value") == commune.code


def test_internal_events_have_no_cap_document(make_rule, series, write, client):
    rule = make_rule(is_public=False)
    write(series["kinh_bac"], [(0, 99.0)])
    event = AlertEvent.objects.get(rule=rule)
    assert client.get(reverse("alerts:cap_alert", args=[event.public_id])).status_code == 404


def test_the_feed_is_valid_atom_and_lists_only_active_public_alerts(public_event, make_rule, series, write,
                                                                   people, client):
    internal = make_rule(name="Nội bộ", is_public=False)
    write(series["tu_son"], [(0, 99.0)])
    ended = AlertEvent.objects.get(rule=public_event.rule, series=series["tu_son"])
    services.resolve(event=ended, by=people["operator"], note="Đã xử lý")
    services.add_note(event=public_event, by=people["operator"], text="Ghi chú nội bộ: gọi cho chủ cơ sở.")
    response = client.get(reverse("alerts:cap_feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert ATOM_SCHEMA.validate(feed), ATOM_SCHEMA.error_log
    # RFC 4287's rules beyond the schema: a feed author (entries inherit it) and a self link.
    assert feed.find("atom:author/atom:name", NS) is not None
    assert feed.find("atom:link[@rel='self']", NS) is not None
    entries = feed.findall("atom:entry", NS)
    assert [e.findtext("atom:id", namespaces=NS) for e in entries] == [f"urn:uuid:{public_event.public_id}"]
    link = entries[0].find("atom:link", NS)
    assert link.get("type") == "application/cap+xml"
    assert link.get("href") == f"http://testserver/alerts/{public_event.public_id}.cap.xml"
    body = response.content.decode()
    assert "Ghi chú nội bộ" not in body and "Nội bộ" not in body and str(ended.public_id) not in body
    assert internal.name not in body
    # Each entry's CAP document is valid too.
    valid_cap(client.get(link.get("href").replace("http://testserver", "")).content)


def test_an_empty_feed_is_valid(db, client):
    feed = etree.fromstring(client.get(reverse("alerts:cap_feed")).content)
    assert ATOM_SCHEMA.validate(feed), ATOM_SCHEMA.error_log
    assert feed.findall("atom:entry", NS) == []


def test_the_schema_would_catch_a_broken_document(public_event, client):
    doc = etree.fromstring(client.get(reverse("alerts:cap_alert", args=[public_event.public_id])).content)
    doc.find("cap:info/cap:severity", NS).text = "Nghiêm trọng"
    assert not CAP_SCHEMA.validate(doc)
    doc = etree.fromstring(client.get(reverse("alerts:cap_alert", args=[public_event.public_id])).content)
    doc.find("cap:sent", NS).text = "2026-03-16T08:00:00Z"  # CAP forbids "Z"
    assert not CAP_SCHEMA.validate(doc)


def test_an_alert_without_a_place_of_its_own_covers_the_province(public_rule, province, units):
    """A silent data source has no place: its CAP alert still gives an area, the province's."""
    from django.test import Client
    from django.utils import timezone

    from ioc.monitoring.models import DataSource, SourceKind

    from ..services import Subject, open_event

    Area = type(province)
    Area.objects.filter(pk=province.pk).update(area_km2=4718.6)
    source = DataSource.objects.create(code="nguon", name="Hệ thống quan trắc", owner_unit=units["a"],
                                       kind=SourceKind.PUSH)
    event, _created = open_event(rule=public_rule, subject=Subject.for_source(source), value=45.0, at=timezone.now())
    doc = valid_cap(Client().get(reverse("alerts:cap_alert", args=[event.public_id])).content)
    polygon = text(doc, "cap:info/cap:area/cap:polygon").split()
    assert len(polygon) == 17 and polygon[0] == polygon[-1]
    lat, lon = map(float, polygon[0].split(","))
    assert 20.8 < lat < 21.7 and 105.7 < lon < 106.6  # around Bắc Ninh's centre, some 39 km out
