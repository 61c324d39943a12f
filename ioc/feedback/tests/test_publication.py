"""The public list and map pages: every filter, period validation at the field, newest first, 20 a page, only
public reports, and never a private field."""

import datetime
import uuid
import zoneinfo

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import resolve, reverse

from ..models import PhotoKind, Report, ReportPhoto, Status

LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PRIVATE = ("Nguyễn Văn Bí Mật", "bimat@example.vn", "0912345678")
URL = "/phan-anh/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def at(y, m, d, hh=9):
    return datetime.datetime(y, m, d, hh, tzinfo=LOCAL)


@pytest.fixture
def reports(make_report, communes):
    kb, td = communes["kinh_bac"], communes["tien_du"]

    def make(category, area, received, status=Status.RECEIVED, description=None, **extra):
        fields = {"description": description} if description else {}
        r = make_report(category, latitude=area.latitude, longitude=area.longitude, received_at=received,
                        reporter_name=PRIVATE[0], reporter_email=PRIVATE[1], reporter_phone=PRIVATE[2], **fields)
        Report.objects.filter(pk=r.pk).update(status=status, area=area, **extra)
        r.refresh_from_db()
        return r

    made = {
        "lights_kb_open": make("lights", kb, at(2026, 3, 1), Status.IN_PROGRESS),
        "lights_td_answered": make("lights", td, at(2026, 3, 10), Status.ANSWERED),
        "rubbish_kb_closed": make("rubbish", kb, at(2026, 4, 2), Status.CLOSED,
                                  description="Rác thải đổ trộm ven kênh Ngũ Huyện Khê, bốc mùi."),
        "flood_td_open": make("flooding", td, at(2026, 4, 20), Status.RECEIVED,
                              description="Ngập sâu nửa mét sau mưa ở đường Trần Hưng Đạo."),
        # Never public:
        "security": make("security", kb, at(2026, 4, 21), Status.IN_PROGRESS),
        "rejected": make("lights", kb, at(2026, 4, 22), Status.REJECTED),
    }
    made["merged"] = make("lights", kb, at(2026, 4, 23), Status.IN_PROGRESS, merged_into=made["lights_kb_open"])
    return made


def codes(response):
    assert response.status_code == 200, response.content[:500]
    return [r.code for r in response.context["page"]]


def test_the_routes_resolve_to_these_pages():
    assert resolve("/phan-anh/").url_name == "public_list"
    assert resolve("/phan-anh/ban-do/").url_name == "public_map"
    assert resolve("/phan-anh/ban-do.json").url_name == "map_data"
    assert resolve("/phan-anh/ban-do/PA-2026-000001.json").url_name == "map_report"
    assert reverse("feedback:public_list") == URL


def test_lists_public_reports_newest_first(client, reports):
    expected = [reports[k].code for k in ("flood_td_open", "rubbish_kb_closed", "lights_td_answered",
                                          "lights_kb_open")]
    assert codes(client.get(URL)) == expected


def test_non_public_rejected_and_merged_reports_are_absent(client, reports):
    response = client.get(URL)
    html = response.content.decode()
    for key in ("security", "rejected", "merged"):
        assert reports[key].code not in html
        assert reports[key].code not in codes(response)


def test_private_fields_never_show(client, reports):
    html = client.get(URL).content.decode()
    for value in PRIVATE:
        assert value not in html


def test_each_row_links_to_the_tracking_page(client, reports):
    html = client.get(URL).content.decode()
    code = reports["lights_kb_open"].code
    assert f'href="{reverse("feedback:track", args=[code])}"' in html
    assert "Đèn chiếu sáng hỏng" in html and "Phường Kinh Bắc" in html


def test_each_item_says_what_the_report_is_about_escaped_and_shortened(client, make_report, communes):
    long_text = "Cống thoát nước <b>tắc</b> & bốc mùi " + "rất lâu " * 40
    report = make_report("rubbish", latitude=communes["kinh_bac"].latitude,
                         longitude=communes["kinh_bac"].longitude, description=long_text)
    html = client.get(URL).content.decode()
    assert "Cống thoát nước &lt;b&gt;tắc&lt;/b&gt; &amp; bốc mùi" in html and "<b>tắc</b>" not in html
    assert long_text.strip() not in html  # shortened to an excerpt; the report page has the whole text
    assert report.code in html


def test_category_names_follow_the_language(client, reports, settings):
    vietnamese = client.get(URL).content.decode()
    assert "Đèn chiếu sáng hỏng" in vietnamese and "Broken street light" not in vietnamese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL).content.decode()
    # In the list, the category filter ("Urban order › Broken street light") and the page of a report.
    assert "Broken street light" in english and "Urban order › Broken street light" in english
    assert "Đèn chiếu sáng hỏng" not in english
    track = client.get(reverse("feedback:track", args=[reports["lights_kb_open"].code])).content.decode()
    assert "Broken street light" in track and "Đèn chiếu sáng hỏng" not in track
    form = client.get(reverse("feedback:submit")).content.decode()  # the report form's grouped choices
    assert 'optgroup label="Urban order"' in form and "Broken street light" in form and "Ngập úng" not in form


def test_filter_by_category_includes_subcategories(client, reports, categories):
    assert set(codes(client.get(URL, {"category": "den-chieu-sang"}))) == {
        reports["lights_kb_open"].code, reports["lights_td_answered"].code}
    # "Trật tự đô thị" is the parent of street lights.
    assert set(codes(client.get(URL, {"category": "do-thi"}))) == {
        reports["lights_kb_open"].code, reports["lights_td_answered"].code}


def test_filter_by_commune(client, reports):
    assert set(codes(client.get(URL, {"commune": "09325"}))) == {
        reports["lights_td_answered"].code, reports["flood_td_open"].code}


@pytest.mark.parametrize("group,keys", [
    ("open", {"lights_kb_open", "flood_td_open"}),
    ("answered", {"lights_td_answered"}),
    ("closed", {"rubbish_kb_closed"}),
])
def test_filter_by_status_group(client, reports, group, keys):
    assert set(codes(client.get(URL, {"status": group}))) == {reports[k].code for k in keys}


def test_filter_by_period_both_ends_inclusive(client, reports):
    found = codes(client.get(URL, {"date_from": "2026-03-10", "date_to": "2026-04-02"}))
    assert set(found) == {reports["lights_td_answered"].code, reports["rubbish_kb_closed"].code}
    # Day/month/year typed by hand works too.
    assert set(codes(client.get(URL, {"date_from": "02/04/2026"}))) == {
        reports["rubbish_kb_closed"].code, reports["flood_td_open"].code}


def test_filter_by_text_in_description(client, reports):
    assert codes(client.get(URL, {"q": "ngũ huyện khê"})) == [reports["rubbish_kb_closed"].code]


def test_a_private_category_cannot_be_chosen(client, reports):
    response = client.get(URL, {"category": "an-ninh"})
    assert response.context["page"] is None
    assert "category" in response.context["form"].errors


@pytest.mark.parametrize("params,field,message", [
    ({"date_from": "31-02-2026"}, "date_from", "Ngày không hợp lệ"),
    ({"date_to": "hôm qua"}, "date_to", "Ngày không hợp lệ"),
    ({"date_from": "2026-04-01", "date_to": "2026-03-01"}, "date_to", "phải cùng ngày hoặc sau"),
    ({"date_from": "2999-01-01"}, "date_from", "không được sau ngày hôm nay"),
    ({"date_from": "1990-01-01"}, "date_from", "từ 01/01/2000"),
    ({"status": "rejected"}, "status", "Lựa chọn không hợp lệ"),
    ({"commune": "99999"}, "commune", "Lựa chọn không hợp lệ"),
    ({"q": "x" * 201}, "q", "tối đa 200 ký tự"),
])
def test_bad_filters_are_explained_at_the_field(client, reports, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["page"] is None
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    html = response.content.decode()
    assert message in html
    assert f'id="f-{field}_error"' in html  # shown at the field


def test_twenty_a_page_and_filters_kept_in_page_links(client, make_report):
    for _ in range(23):
        make_report("lights")
    response = client.get(URL, {"status": "open"})
    assert len(response.context["page"]) == 20
    assert "status=open&amp;page=2" in response.content.decode()
    assert len(client.get(URL, {"status": "open", "page": 2}).context["page"]) == 3


def test_thumbnail_of_a_ready_photo(client, reports):
    report = reports["lights_kb_open"]
    photo = ReportPhoto.objects.create(report=report, kind=PhotoKind.INTAKE, is_ready=True)
    photo.thumbnail.save("t.jpg", ContentFile(b"jpeg"), save=True)
    ReportPhoto.objects.create(report=reports["lights_td_answered"], kind=PhotoKind.INTAKE, is_ready=False)
    html = client.get(URL).content.decode()
    stem = photo.thumbnail.name.rsplit("/", 1)[-1].removesuffix(".jpg")
    assert reverse("feedback:photo", args=[report.code, stem]) in html
    assert html.count('loading="lazy"') == 1  # the photo still being processed shows nothing


def test_query_count_does_not_grow_with_rows(client, make_report, django_assert_max_num_queries):
    for _ in range(20):
        r = make_report("lights")
        ReportPhoto.objects.create(report=r, kind=PhotoKind.INTAKE, is_ready=True,
                                   thumbnail=f"feedback/{r.code}/{uuid.uuid4().hex}.jpg")
    with django_assert_max_num_queries(8):
        assert len(client.get(URL).context["page"]) == 20


# --- The map page and the popups ------------------------------------------------------------------


def test_map_page_carries_its_configuration_as_data(client, reports, communes):
    response = client.get(reverse("feedback:public_map"), {"status": "open", "date_from": "2026-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="feedback-map-config" type="application/json"' in html
    config = response.context["map_config"]
    assert config["dataUrl"] == reverse("feedback:map_data") + "?status=open&date_from=2026-01-01"
    assert {c[2] for c in config["communes"]} == {"Phường Kinh Bắc", "Xã Tiên Du"}
    assert "vendor/leaflet/leaflet.js" in html and "vendor/markercluster/leaflet.markercluster.js" in html
    assert "feedback/map.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    for value in PRIVATE:
        assert value not in html


def test_map_page_with_bad_filters_loads_no_data(client, reports):
    response = client.get(reverse("feedback:public_map"), {"date_from": "xyz"})
    assert response.context["map_config"]["dataUrl"] is None
    assert "Ngày không hợp lệ" in response.content.decode()


def test_map_page_uses_the_tile_server_when_configured(client, db, settings):
    settings.MAP_TILE_URL = "https://tiles.example.vn/{z}/{x}/{y}.png"
    assert client.get(reverse("feedback:public_map")).context["map_config"]["tileUrl"] == settings.MAP_TILE_URL


def test_popup_gives_public_fields_only(client, reports):
    report = reports["lights_kb_open"]
    response = client.get(reverse("feedback:map_report", args=[report.code]))
    assert response.status_code == 200
    data = response.json()
    assert data == {"code": report.code, "category": "Đèn chiếu sáng hỏng", "status": "Đang xử lý",
                    "status_group": "open", "received": "01/03/2026", "commune": "Phường Kinh Bắc",
                    "url": reverse("feedback:track", args=[report.code])}
    for value in PRIVATE:
        assert value not in response.content.decode()


@pytest.mark.parametrize("key", ["security", "rejected", "merged"])
def test_popup_of_a_non_public_report_is_404(client, reports, key):
    assert client.get(reverse("feedback:map_report", args=[reports[key].code])).status_code == 404
