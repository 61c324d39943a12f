"""Staff pages: the event list with tabs and filters, an event with its data, timeline and actions, the compact
panel for the overview and the wall, and access (other units read but cannot act, citizens and visitors get
nothing)."""

import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from ioc.core.access import get_access

from .. import services
from ..models import AlertEvent, EventStatus, NoteKind
from ..queries import open_events


@pytest.fixture
def event(make_rule, series, write):
    make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 40.0), (10, 60.0), (20, 72.0)])
    return AlertEvent.objects.get()


def event_url(event):
    return reverse("alerts:event", args=[event.public_id])


def action_url(event, action):
    return reverse("alerts:event_action", args=[event.public_id, action])


def test_the_list_shows_active_events_with_tabs(event, people, signed_in):
    client = signed_in(people["other_officer"])  # every staff member may read
    page = client.get(reverse("alerts:events")).content.decode()
    assert event.headline in page and "Đang hoạt động" in page and "Đã kết thúc" in page
    services.resolve(event=event, by=people["operator"], note="Đã xử lý xong.")
    assert event.headline not in client.get(reverse("alerts:events")).content.decode()
    assert event.headline in client.get(reverse("alerts:events") + "?status=resolved").content.decode()


def test_bad_filter_values_get_a_vietnamese_message_not_an_error(event, people, signed_in):
    response = signed_in(people["operator"]).get(reverse("alerts:events") + "?severity=Catastrophic&unit=abc&status=x")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mức độ không hợp lệ." in page and "Trạng thái không hợp lệ." in page


def test_the_event_page_has_its_data_timeline_and_actions(event, people, signed_in):
    page = signed_in(people["officer"]).get(event_url(event)).content.decode()
    assert "Tiếp nhận" in page and "Kết thúc sự kiện" in page and "Thêm ghi chú" in page
    data = json.loads(page.split('id="event-chart-data" type="application/json">')[1].split("</script>")[0])
    assert [p[1] for p in data["points"]] == [40.0, 60.0, 72.0] and data["threshold"] == 50
    assert "vendor/echarts/echarts.min.js" in page and "<script>" not in page and 'style="' not in page


def test_acknowledge_note_and_resolve_through_the_page(event, people, signed_in):
    client = signed_in(people["officer"])
    assert client.post(action_url(event, "tiep-nhan"), {"note": "Đã nhận, đang kiểm tra."}).status_code == 302
    assert client.post(action_url(event, "ghi-chu"), {"text": "Đã liên hệ Công ty môi trường đô thị."}).status_code == 302
    response = client.post(action_url(event, "ket-thuc"), {"note": ""})
    assert response.status_code == 400 and "Hãy ghi kết quả xử lý" in response.content.decode()
    assert client.post(action_url(event, "ket-thuc"), {"note": "Đã dập tắt điểm đốt rác."}).status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.RESOLVED
    assert list(event.notes.values_list("kind", flat=True)) == [
        NoteKind.OPENED, NoteKind.ACKNOWLEDGED, NoteKind.NOTE, NoteKind.RESOLVED]
    response = client.post(action_url(event, "tiep-nhan"), {})
    assert response.status_code == 400 and "Không thể chuyển sự kiện" in response.content.decode()


def test_an_officer_of_another_unit_reads_but_cannot_act(event, people, signed_in):
    client = signed_in(people["other_officer"])
    page = client.get(event_url(event)).content.decode()
    assert "đơn vị khác chịu trách nhiệm" in page and action_url(event, "tiep-nhan") not in page
    for action in ("tiep-nhan", "ket-thuc", "ghi-chu"):
        assert client.post(action_url(event, action), {"note": "x", "text": "x"}).status_code == 403
    event.refresh_from_db()
    assert event.status == EventStatus.OPEN and event.notes.count() == 1


def test_leaders_read_only(event, people, signed_in):
    client = signed_in(people["leader"])
    assert client.get(event_url(event)).status_code == 200
    assert client.post(action_url(event, "tiep-nhan"), {}).status_code == 403


@pytest.mark.parametrize("name", ["alerts:events", "alerts:rules", "alerts:rule_create"])
def test_citizens_and_visitors_get_nothing(name, people, signed_in, client, db):
    assert client.get(reverse(name)).status_code == 302
    assert signed_in(people["citizen"]).get(reverse(name)).status_code == 403


def test_citizens_and_visitors_get_no_event(event, people, signed_in, client):
    assert client.get(event_url(event)).status_code == 302
    assert client.post(action_url(event, "tiep-nhan")).status_code == 302
    citizen = signed_in(people["citizen"])
    assert citizen.get(event_url(event)).status_code == 403
    assert citizen.post(action_url(event, "tiep-nhan")).status_code == 403


def test_unknown_action_and_event_are_404(event, people, signed_in):
    client = signed_in(people["operator"])
    assert client.post(action_url(event, "xoa")).status_code == 404
    assert client.get(reverse("alerts:event", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


def test_the_panel_lists_active_events_most_severe_first(make_rule, series, write, people):
    make_rule(name="Nhẹ", threshold=50, severity="Minor")
    make_rule(name="Đặc biệt", threshold=90, severity="Extreme", cap_event="Ô nhiễm nghiêm trọng")
    write(series["kinh_bac"], [(0, 95.0)])
    events = open_events(get_access(people["operator"]))
    assert [e.severity for e in events] == ["Extreme", "Minor"]
    html = render_to_string("alerts/_event_panel.html", {"events": events})
    assert html.index("severity-extreme") < html.index("severity-minor")
    assert "Đặc biệt nghiêm trọng" in html and events[0].url in html
    assert open_events(get_access(people["citizen"])) == []
    assert "Không có sự kiện cảnh báo" in render_to_string("alerts/_event_panel.html", {"events": []})


def test_the_api_lists_events_for_the_wall(event, people, signed_in, client):
    response = signed_in(people["operator"]).get("/api/v1/alerts/events?status=open")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["id"] == str(event.public_id)
    assert body["items"][0]["severity"] == "Moderate" and body["items"][0]["value_text"] == "72 µg/m³"
    assert signed_in(people["operator"]).get("/api/v1/alerts/events?status=resolved").json()["count"] == 0
    assert signed_in(people["operator"]).get("/api/v1/alerts/events?status=xyz").status_code == 422


def test_the_api_refuses_citizens_and_visitors(event, people, signed_in, client):
    assert client.get("/api/v1/alerts/events").status_code == 401
    assert signed_in(people["citizen"]).get("/api/v1/alerts/events").status_code == 403


def test_staff_home_pages_show_the_active_events(event, people, signed_in):
    for person in ("officer", "leader", "operator"):
        response = signed_in(people[person]).get("/home/")
        panel = next(p for p in response.context["work_panels"] if p["name"] == "alerts")["context"]
        assert [e.pk for e in panel["events"]] == [event.pk] and panel["total"] == 1
        html = response.content.decode()
        assert event_url(event) in html and reverse("alerts:events") in html, person


def test_a_resolved_event_leaves_the_home_page_and_citizens_see_none(event, people, signed_in):
    assert "alerts" not in [p["name"] for p in signed_in(people["citizen"]).get("/home/").context["work_panels"]]
    services.resolve(event=event, by=people["operator"], note="Đã xử lý.")
    response = signed_in(people["leader"]).get("/home/")
    panel = next(p for p in response.context["work_panels"] if p["name"] == "alerts")["context"]
    assert panel["events"] == [] and "Không có sự kiện cảnh báo nào đang hoạt động." in response.content.decode()
