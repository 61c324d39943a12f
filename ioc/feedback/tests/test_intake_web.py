"""The public report form: a visitor or a signed-in citizen sends a report with a pin or an address and photos;
every mistake is named at its field in Vietnamese; sending the same form twice makes one report."""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from ioc.core.models import Area, AreaLevel

from ..models import Category, Channel, Follow, Report
from ..workflow import deadlines_for
from .test_photos import image_upload, report_data

HANOI = (21.0285, 105.8542)


@pytest.fixture(autouse=True)
def media_and_limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def post(client, data):
    return client.post(reverse("feedback:submit"), data)


def test_the_form_offers_active_categories_grouped_by_parent_and_the_map(client, categories, communes):
    Category.objects.create(code="cu", name="Lĩnh vực ngừng dùng", is_active=False)
    page = client.get(reverse("feedback:submit")).content.decode()
    assert '<optgroup label="Trật tự đô thị">' in page
    assert "Đèn chiếu sáng hỏng" in page and "An ninh trật tự" in page
    assert "Lĩnh vực ngừng dùng" not in page
    assert "vendor/leaflet/leaflet.js" in page and "feedback/report-form.js" in page
    assert 'id="commune-points"' in page and "Kinh B" in page and "21.1861" in page  # centroids to orient without tiles
    assert 'name="submission_token"' in page
    assert "Nghị định 13/2023/NĐ-CP" in page
    assert "<script>" not in page  # strict CSP: no inline code


def test_a_configured_tile_server_is_handed_to_the_map(client, categories, communes, settings):
    settings.MAP_TILE_URL = "https://tiles.example.vn/{z}/{x}/{y}.png"
    page = client.get(reverse("feedback:submit")).content.decode()
    assert 'data-tile-url="https://tiles.example.vn/{z}/{x}/{y}.png"' in page


def test_a_valid_report_with_a_pin_and_a_photo_is_stored_routed_and_acknowledged(
        client, categories, communes, routing, units, django_capture_on_commit_callbacks):
    data = report_data(categories, communes, photos=[image_upload("den-hong.jpg")])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, data)

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:submitted", args=[report.code])
    assert report.channel == Channel.WEB and report.category == categories["lights"]
    assert report.area == communes["kinh_bac"] and report.lead_unit == units["a"]
    assert (report.acceptance_due, report.answer_due) == deadlines_for(categories["lights"], report.priority,
                                                                       report.received_at)
    assert report.reporter_email == "an@example.vn" and report.reporter is None and not report.is_anonymous
    assert report.idempotency_key == data["submission_token"]
    assert report.photos.get().is_ready


def test_the_acknowledgement_shows_the_code_the_link_and_the_deadlines(client, categories, communes):
    response = post(client, report_data(categories, communes))
    page = client.get(response["Location"]).content.decode()
    report = Report.objects.get()
    assert f'<p class="tracking-code">{report.code}</p>' in page
    assert "http://testserver" + reverse("feedback:track", args=[report.code]) in page
    assert "trong vòng 8 giờ làm việc" in page and "trong vòng 5 ngày làm việc" in page
    assert "an@example.vn" not in page and "Nguyễn Văn An" not in page


def test_an_urgent_category_announces_its_urgent_deadlines(client, categories, communes):
    response = post(client, report_data(categories, communes, category=categories["flooding"].pk))
    page = client.get(response["Location"]).content.decode()
    assert "trong vòng 4 giờ làm việc" in page and "trong vòng 2 ngày làm việc" in page


def test_sending_the_same_form_again_returns_the_same_report(client, categories, communes):
    data = report_data(categories, communes)
    first = post(client, data)
    again = post(client, {**data, "description": "Bấm gửi lần hai do mạng chậm, nội dung đã sửa một chút."})
    assert first["Location"] == again["Location"]
    assert Report.objects.count() == 1
    assert post(client, report_data(categories, communes))["Location"] != first["Location"]


def test_without_javascript_an_address_naming_a_former_commune_finds_todays_commune(client, categories, communes):
    Area.objects.create(code="09190", name="Phường Suối Hoa", short_name="Suối Hoa", kind="Phường",
                        level=AreaLevel.COMMUNE, is_current=False, successor=communes["kinh_bac"],
                        search_key="suoi hoa")
    data = report_data(categories, communes, latitude="", longitude="",
                       address="Số 5 đường Lý Thái Tổ, phường Suối Hoa, TP Bắc Ninh")
    assert post(client, data).status_code == 302
    report = Report.objects.get()
    assert report.area == communes["kinh_bac"] and report.latitude is None
    assert report.address == "Số 5 đường Lý Thái Tổ, phường Suối Hoa, TP Bắc Ninh"


def test_the_anonymity_choice_is_stored(client, categories, communes):
    post(client, report_data(categories, communes, is_anonymous="on"))
    assert Report.objects.get().is_anonymous is True


def test_a_signed_in_citizen_sends_with_the_contact_of_the_account(signed_in, people, categories, communes):
    client = signed_in(people["citizen"])
    page = client.get(reverse("feedback:submit")).content.decode()
    assert 'name="reporter_email"' not in page and 'name="consent"' not in page
    data = report_data(categories, communes, reporter_email="", reporter_name="", consent="")
    assert post(client, data).status_code == 302
    report = Report.objects.get()
    assert report.reporter == people["citizen"] and report.reporter_email == people["citizen"].email
    assert Follow.objects.filter(report=report, user=people["citizen"]).exists()


def test_a_phone_alone_is_enough_contact_and_is_normalised(client, categories, communes):
    post(client, report_data(categories, communes, reporter_email="", reporter_phone="0912 345.678"))
    assert Report.objects.get().reporter_phone == "0912345678"


@pytest.mark.parametrize("overrides,field,message", [
    ({"description": "x" * 4001}, "description", "Nội dung dài tối đa 4000 ký tự; hiện có 4001 ký tự."),
    ({"description": ""}, "description", "Hãy mô tả sự việc bạn muốn phản ánh."),
    ({"description": "ngắn"}, "description", "Nội dung quá ngắn"),
    ({"category": ""}, "category", "Hãy chọn lĩnh vực của phản ánh."),
    ({"category": "999999"}, "category", "Lĩnh vực đã chọn không còn sử dụng"),
    ({"latitude": "", "longitude": "", "address": ""}, "address",
     "Hãy chọn vị trí trên bản đồ hoặc nhập địa chỉ nơi xảy ra sự việc."),
    ({"latitude": HANOI[0], "longitude": HANOI[1]}, "latitude", "Vị trí đã chọn nằm ngoài địa bàn tỉnh."),
    ({"latitude": "21.1", "longitude": ""}, "latitude", "Vị trí chưa đầy đủ."),
    ({"latitude": "abc"}, "latitude", "Tọa độ không hợp lệ."),
    ({"reporter_email": "an@@example"}, "reporter_email", "Địa chỉ thư điện tử không hợp lệ."),
    ({"reporter_email": "", "reporter_phone": "12345"}, "reporter_phone", "Số điện thoại gồm 10–11 chữ số"),
    ({"reporter_email": "", "reporter_phone": ""}, "reporter_email",
     "Hãy để lại thư điện tử hoặc số điện thoại để Trung tâm báo kết quả cho bạn"),
    ({"consent": ""}, "consent", "Cần đồng ý xử lý dữ liệu cá nhân"),
    ({"address": "x" * 256}, "address", "Địa chỉ dài tối đa 255 ký tự."),
])
def test_each_mistake_is_named_at_its_field(client, categories, communes, overrides, field, message):
    response = post(client, report_data(categories, communes, **overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert message in response.content.decode()
    assert Report.objects.count() == 0


def test_an_inactive_category_cannot_be_sent(client, categories, communes):
    categories["lights"].is_active = False
    categories["lights"].save()
    response = post(client, report_data(categories, communes))
    assert "category" in response.context["form"].errors and Report.objects.count() == 0


def test_a_malformed_token_does_not_break_the_form(client, categories, communes):
    response = post(client, report_data(categories, communes, submission_token="not-a-uuid"))
    assert response.status_code == 200 and Report.objects.count() == 0
    assert post(client, report_data(categories, communes, submission_token="")).status_code == 302


def test_a_bound_form_keeps_its_token_so_a_corrected_resend_stays_idempotent(client, categories, communes):
    token = str(uuid.uuid4())
    page = post(client, report_data(categories, communes, submission_token=token, description="")).content.decode()
    assert f'value="{token}"' in page


def test_the_form_carries_the_keywords_of_the_categories_a_report_may_be_filed_under(client, categories):
    from ..forms import category_hints
    from ..models import Category

    Category.objects.create(code="cu", name="Cũ", keywords="cũ", is_active=False)
    hints = {h["label"]: h["keywords"] for h in category_hints()}
    # Sub-categories and categories without sub-categories that have keywords; not the groups, not inactive ones.
    assert hints == {"Đèn chiếu sáng hỏng": ["đèn", "chiếu sáng", "bóng đèn"], "Ngập úng": ["ngập", "úng", "nước"],
                     "Rác thải, vệ sinh môi trường": ["rác", "thu gom"]}
    html = client.get("/phan-anh/gui/").content.decode()
    assert 'id="category-hints"' in html and "chiếu sáng" in html
    from django.utils import translation

    with translation.override("en"):
        assert "Broken street light" in {h["label"] for h in category_hints()}
