"""The leader's home page leads to the overview and names the indicators past a threshold, worst first."""

import pytest
from django.core.cache import cache

from .dashboard_data import make_world


@pytest.fixture
def world(province, commune, units):
    cache.clear()
    return make_world(province, commune, units["a"])


def test_leader_home_links_to_the_overview(signed_in, people):
    html = signed_in(people["leader"]).get("/home/").content.decode()
    assert 'href="/giam-sat/"' in html and "Mở tổng quan điều hành" in html


def panel(response):
    return next(p for p in response.context["work_panels"] if p["name"] == "monitoring")["context"]


def test_leader_sees_the_indicators_past_a_threshold_worst_first(world, signed_in, people):
    response = signed_in(people["leader"]).get("/home/")
    shown = panel(response)
    # PM2.5 is critical (80 µg/m³), GRDP growth in warning (5.4 %); the budget has no thresholds.
    assert [c["code"] for c in shown["cards"]] == ["pm25-tb", "grdp"]
    assert {c["status"]: c["count"] for c in shown["counts"]} == {"critical": 1, "warning": 1, "ok": 1, "unknown": 0}
    html = response.content.decode()
    assert 'href="/giam-sat/chi-tieu/pm25-tb/"' in html and "Bụi mịn PM2.5 trung bình" in html
    assert "Thu ngân sách" not in html.split("Chỉ tiêu cần chú ý")[1].split("</section>")[0]


def test_unit_staff_and_citizens_do_not_get_the_province_panel(world, signed_in, people):
    for person in ("officer", "citizen"):
        names = [p["name"] for p in signed_in(people[person]).get("/home/").context["work_panels"]]
        assert "monitoring" not in names, person
