"""The home page's feedback summary: each figure equals the length of the list its link opens, scoped like the
lists (a unit's officer counts only their units' reports), and citizens see only their own reports."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ..models import Report, Status

HOME = "/home/"


@pytest.fixture
def work(make_report, units):
    """Reports in every state that the summary counts, for unit a (lead) and unit b."""
    now = timezone.now()
    made = {}

    def make(key, status, unit=None, **extra):
        report = make_report("lights")
        Report.objects.filter(pk=report.pk).update(status=status, lead_unit=unit, **extra)
        made[key] = report

    make("new", Status.RECEIVED)
    make("verified", Status.VERIFIED)
    make("a_assigned", Status.ASSIGNED, units["a"], answer_due=now + timedelta(days=10))
    make("a_late", Status.IN_PROGRESS, units["a"], answer_due=now - timedelta(days=3))
    make("a_soon", Status.IN_PROGRESS, units["a"], answer_due=now + timedelta(minutes=30))
    make("b_late", Status.IN_PROGRESS, units["b"], answer_due=now - timedelta(days=1))
    make("b_later", Status.IN_PROGRESS, units["b"], answer_due=now - timedelta(hours=2))
    make("a_answered", Status.ANSWERED, units["a"], answered_at=now, answer_due=now - timedelta(days=9))
    make("a_old", Status.CLOSED, units["a"], received_at=now - timedelta(days=3), answered_at=now - timedelta(days=2))
    return made


def figures(response):
    """{label: (count, url)} of the summary's figures."""
    assert response.status_code == 200
    panel = next(p for p in response.context["work_panels"] if p["name"] == "feedback")["context"]
    return {str(f["label"]): (f["count"], f["url"]) for f in panel["figures"]}, panel


def listed(client, url):
    """How many reports the linked page shows: its list's length, or the statistics' received count."""
    response = client.get(url)
    assert response.status_code == 200, url
    if "page" not in response.context:
        return response.context["figures"]["totals"]["received"]
    return response.context["page"].paginator.count


def test_leader_sees_the_province_and_each_figure_is_its_list(signed_in, people, work):
    client = signed_in(people["leader"])
    shown, panel = figures(client.get(HOME))
    assert shown["đang được các đơn vị xử lý"][0] == 5  # assigned, in progress (a: 3, b: 2)
    assert shown["quá hạn xử lý"][0] == 3
    assert shown["tiếp nhận hôm nay"][0] == 8  # not the one received three days ago
    assert "chờ tiếp nhận, phân loại" not in shown  # triage belongs to the IOC's operators
    for count, url in shown.values():
        assert listed(client, url) == count, url
    assert [(u["name"], u["count"]) for u in panel["units"]] == [("Sở Y tế", 2), ("Sở Xây dựng", 1)]
    html = client.get(HOME).content.decode()
    assert 'href="/xu-ly/?overdue=on"' in html and "Đơn vị có nhiều phản ánh quá hạn nhất" in html


def test_operator_also_sees_the_triage_queue(signed_in, people, work):
    client = signed_in(people["operator"])
    shown, _panel = figures(client.get(HOME))
    count, url = shown["chờ tiếp nhận, phân loại"]
    assert count == 2 and url == reverse("feedback:triage")
    assert listed(client, url) == 2


def test_officer_counts_only_their_units_reports(signed_in, people, work):
    client = signed_in(people["officer"])
    shown, panel = figures(client.get(HOME))
    assert shown["cần xử lý"][0] == 3
    assert shown["quá hạn"][0] == 1  # b's two late reports are not theirs
    assert shown["đến hạn trong 1 ngày làm việc"][0] == 1
    assert shown["mới được chuyển đến, chưa bắt đầu"][0] == 1
    assert panel["units"] is None
    for count, url in shown.values():
        assert listed(client, url) == count, url
    html = client.get(HOME).content.decode()
    assert work["b_late"].code not in html and "Đơn vị có nhiều phản ánh quá hạn nhất" not in html


def test_the_last_thirty_days_figures(signed_in, people, work):
    Report.objects.filter(pk=work["a_answered"].pk).update(answered_on_time=False, rating=4)
    Report.objects.filter(pk=work["a_old"].pk).update(answered_on_time=True, rating=5)
    _shown, panel = figures(signed_in(people["leader"]).get(HOME))
    assert panel["recent"]["received"] == 9 and panel["recent"]["answered"] == 2
    assert panel["recent"]["on_time_rate"] == 50.0 and panel["recent"]["rating_avg"] == 4.5


def test_citizen_sees_their_own_latest_reports_only(signed_in, people, make_report):
    mine = make_report("lights", reporter=people["citizen"])
    someone_elses = make_report("lights", reporter_email="khac@example.vn")
    response = signed_in(people["citizen"]).get(HOME)
    names = [p["name"] for p in response.context["work_panels"]]
    assert names == ["feedback-citizen"]  # no staff figures, no alerts, no indicators
    html = response.content.decode()
    assert mine.code in html and someone_elses.code not in html


def test_a_citizen_with_no_report_is_invited_to_send_one(signed_in, people):
    html = signed_in(people["citizen"]).get(HOME).content.decode()
    assert "Bạn chưa gửi phản ánh nào." in html and reverse("feedback:submit") in html


def test_the_summary_is_escaped(signed_in, people, work, units):
    units["b"].name = "<script>alert(1)</script> Sở B"
    units["b"].save()
    html = signed_in(people["leader"]).get(HOME).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert re.search(r"<a href=\"/xu-ly/\?unit=\d+&amp;overdue=on\">", html)
