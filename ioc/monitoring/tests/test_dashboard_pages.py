"""The dashboard pages render with data and with no data at all, without inline scripts or styles."""

import re

import pytest
from django.core.cache import cache

from ioc.monitoring.models import Direction, Metric, Observation, Series

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
    assert "So sánh các xã, phường – quý 4/2025" in page and "Xã Yên Thế" in page
    assert "chỉ có số liệu toàn tỉnh" not in page
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


def test_province_only_indicator_has_a_note_instead_of_an_empty_commune_comparison(signed_in, people, province,
                                                                                   commune, units):
    world = make_world(province, commune, units["a"])
    client = signed_in(people["leader"])
    page = client.get("/giam-sat/chi-tieu/thu-ngan-sach/?range=all").content.decode()
    assert "Chỉ tiêu này chỉ có số liệu toàn tỉnh, không có số liệu theo từng xã, phường." in page
    assert "So sánh các xã, phường" not in page and "Xếp hạng các xã, phường" not in page
    assert 'id="mon-map"' not in page and "Xã Yên Thế" not in page  # no table of communes with "–"
    assert "12/2025" in page and "1.500" in page  # the province's series stays
    assert_no_inline_code(page)
    csv_text = client.get("/giam-sat/chi-tieu/thu-ngan-sach/tai-ve.csv?range=all").content.decode("utf-8-sig")
    assert "1500" in csv_text and "So sánh các xã" not in csv_text
    # an indicator with commune figures: a period without them says so instead of listing empty communes
    page = client.get(f"/giam-sat/chi-tieu/{world.grdp.code}/?range=all&period=2025-07-01").content.decode()
    assert "So sánh các xã, phường – quý 3/2025" in page
    assert "Chưa có số liệu của các xã, phường trong quý 3/2025; chọn kỳ so sánh khác." in page
    assert "Xếp hạng các xã, phường" not in page


def test_commune_comparison_lists_communes_with_figures_and_counts_the_others(signed_in, people, province,
                                                                              commune, units):
    world = make_world(province, commune, units["a"])
    Observation.objects.filter(indicator=world.grdp, area=world.communes[2]).delete()
    page = signed_in(people["leader"]).get("/giam-sat/chi-tieu/grdp/?range=all").content.decode()
    table = page[page.index("<caption>Các xã, phường – quý 4/2025"):]
    table = table[:table.index("</table>")]
    assert "Xã Yên Thế" in table and "Phường Bắc Giang" in table and "Phường Từ Sơn" not in table
    assert "1 xã, phường khác chưa có số liệu kỳ này." in table


def test_commune_page_leaves_out_indicators_without_commune_figures(signed_in, people, province, commune, units):
    make_world(province, commune, units["a"])
    page = signed_in(people["leader"]).get(f"/giam-sat/xa/{commune.code}/").content.decode()
    assert 'data-card="grdp"' in page and 'data-card="pm25-tb"' in page
    assert 'data-card="thu-ngan-sach"' not in page  # followed for the province only
    assert "1 chỉ tiêu không có số liệu riêng của xã, phường này" in page and "Thu ngân sách" in page


def test_station_table_shows_the_main_reading_and_the_others_on_demand(signed_in, people, province, commune,
                                                                        units):
    world = make_world(province, commune, units["a"])
    no2 = Metric.objects.create(code="no2", name="Nitơ điôxít", unit_of_measure="µg/m³", decimals=1, order=5,
                                warning_threshold=200, direction=Direction.DOWN)
    Series.objects.create(station=world.station, metric=no2, last_t=world.now - 60, last_value=33.9)
    page = signed_in(people["operator"]).get("/giam-sat/ban-do-tram/").content.decode()
    row = page[page.index('<tr data-station="kk-bac-giang">'):]
    row = row[:row.index("</tr>")]
    # PM2.5 (82, critical) sets the station's status, so it is the main reading even though NO2 comes first
    main = row[row.index("mon-reading"):row.index("<details")]
    assert "Bụi mịn PM2.5" in main and "82,0" in main and "Nitơ" not in main
    assert "1 đại lượng khác" in row and "Nitơ điôxít" in row and "33,9" in row
    assert "Nghiêm trọng" in row


def test_public_home_links_to_the_public_figures(client, db):
    html = client.get("/").content.decode()
    assert 'href="/so-lieu/"' in html and "Số liệu công khai" in html


def test_the_station_list_is_filtered_and_paged(signed_in, people, province, commune, units):
    from ioc.monitoring.models import Station, StationKind

    world = make_world(province, commune, units["a"])
    for n in range(60):  # a network of a real province: 60 more water gauges, one in three never heard from
        station = Station.objects.create(code=f"mn-{n:02d}", name=f"Trạm thủy văn số {n:02d}",
                                         kind=StationKind.WATER_LEVEL, latitude=21.2, longitude=106.1, area=commune,
                                         owner_unit=units["a"], is_public=True)
        if n % 3:
            Series.objects.create(station=station, metric=world.metric, last_t=world.now - 60, last_value=10.0)
    client = signed_in(people["operator"])
    page = client.get("/giam-sat/ban-do-tram/").content.decode()
    assert page.count('<tr data-station="') == 50 and "Trang 1/2" in page  # 62 stations the officer may see
    assert page.count('"code": "mn-') == 60 and '"code": "kk-bac-giang"' in page  # the map has every one
    page = client.get("/giam-sat/ban-do-tram/?page=2").content.decode()
    assert page.count('<tr data-station="') == 12
    page = client.get("/giam-sat/ban-do-tram/?kind=water_level&state=unknown").content.decode()
    assert page.count('<tr data-station="') == 20 and "20 trạm phù hợp với bộ lọc" in page
    assert '"code": "kk-bac-giang"' not in page  # the map shows the same stations as the list
    page = client.get("/giam-sat/ban-do-tram/?state=critical").content.decode()
    assert page.count('<tr data-station="') == 1 and 'data-station="kk-bac-giang"' in page
    page = client.get("/giam-sat/ban-do-tram/?q=SỐ 07").content.decode()
    assert page.count('<tr data-station="') == 1 and "mn-07" in page
    # A wrong value is named at its field; the page still answers, with the other filters applied.
    page = client.get("/giam-sat/ban-do-tram/?kind=volcano&q=số 07&page=abc").content.decode()
    assert "Loại trạm không hợp lệ." in page and page.count('<tr data-station="') == 1
    page = client.get("/giam-sat/ban-do-tram/?area=00000").content.decode()
    assert "Không có xã, phường này trong danh sách." in page
    assert_no_inline_code(page)


def test_the_indicator_table_says_which_figures_are_not_final_or_were_corrected(signed_in, people, province,
                                                                                 commune, units):
    from datetime import date

    from ioc.monitoring.models import Quality

    world = make_world(province, commune, units["a"])
    Observation.objects.filter(indicator=world.grdp, area=province, period=date(2025, 10, 1), is_current=True).update(
        revision=2)  # the 5.4 that superseded 9.9
    Observation.objects.filter(indicator=world.grdp, area=province, period=date(2025, 7, 1)).update(
        quality=Quality.PRELIMINARY)
    page = signed_in(people["leader"]).get("/giam-sat/chi-tieu/grdp/?range=all").content.decode()
    assert re.search(r"5,4 <span[^>]*>\(đã điều chỉnh\)</span>", page)
    assert re.search(r"6,5 <span[^>]*>\(sơ bộ\)</span>", page)
    assert not re.search(r"6,9 <span", page)  # an official, first figure carries no note
