"""The dashboard pages render with data and with no data at all, without inline scripts or styles."""

import re

import pytest
from django.core.cache import cache

from .dashboard_data import make_world


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def assert_no_inline_code(html):
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", html)
    assert ' style="' not in html


def test_pages_with_data(signed_in, people, province, commune, units):
    make_world(province, commune, units["a"])
    client = signed_in(people["leader"])
    overview = client.get("/giam-sat/").content.decode()
    assert "Tăng trưởng GRDP" in overview and "5,4" in overview and "Cảnh báo" in overview
    assert "Quý 4/2025" in overview and "mon-status-critical" in overview
    assert_no_inline_code(overview)
    page = client.get(f"/giam-sat/xa/{commune.code}/").content.decode()
    assert "Phường Bắc Giang" in page and "8,1" in page and "Trạm không khí Bắc Giang" in page
    page = client.get("/giam-sat/chi-tieu/grdp/?range=all").content.decode()
    assert "So sánh các xã, phường – kỳ Quý 4/2025" in page and "Xã Yên Thế" in page
    assert "mon-chart-data" in page and "mon-map-config" in page and "Tải số liệu (CSV)" in page
    assert_no_inline_code(page)
    page = client.get("/giam-sat/chi-tieu/pm25-tb/?range=24h").content.decode()
    assert "80,0" in page
    page = client.get("/giam-sat/ban-do-tram/").content.decode()
    assert "kk-bac-giang" in page and "Nghiêm trọng" in page


def test_overview_area_selector_opens_the_commune_page(signed_in, people, province, commune, units):
    make_world(province, commune, units["a"])
    response = signed_in(people["leader"]).get(f"/giam-sat/?area={commune.code}")
    assert response.status_code == 302 and response["Location"] == f"/giam-sat/xa/{commune.code}/"


def test_indicator_page_explains_a_bad_range(signed_in, people, province, commune, units):
    make_world(province, commune, units["a"])
    client = signed_in(people["leader"])
    response = client.get("/giam-sat/chi-tieu/grdp/?start=2025-05-01&end=2025-01-01")
    assert response.status_code == 400
    assert "Ngày bắt đầu phải trước ngày kết thúc." in response.content.decode()
    response = client.get("/giam-sat/chi-tieu/grdp/?start=abc&area=99999")
    assert response.status_code == 400
    assert "Không có xã, phường mã 99999." in response.content.decode()


def test_pages_without_any_data(signed_in, people, db):
    client = signed_in(people["operator"])
    for path in ("/giam-sat/", "/giam-sat/ban-do-tram/", "/giam-sat/man-hinh-lon/", "/giam-sat/man-hinh-lon/du-lieu/",
                 "/giam-sat/man-hinh-lon/cau-hinh/"):
        assert client.get(path).status_code == 200, path
    assert "Chưa có chỉ tiêu nào được theo dõi" in client.get("/giam-sat/").content.decode()
    public = client.get("/so-lieu/")
    assert public.status_code == 200 and "Chưa có chỉ tiêu nào được công khai" in public.content.decode()


def test_public_page_lists_public_indicators_only(client, province, commune, units):
    make_world(province, commune, units["a"])
    html = client.get("/so-lieu/").content.decode()
    assert "Tăng trưởng GRDP" in html and "Thu ngân sách" not in html
    assert "/so-lieu/grdp/" in html
    page = client.get("/so-lieu/grdp/").content.decode()
    assert "Tải số liệu" not in page  # exports are for staff
