"""The whole life of a citizen report in Chromium, through the real pages: a citizen sends a report with a
photo and a map pin, an IOC operator verifies it and assigns it to the unit routing suggests, an officer of
that unit starts handling it and answers, and the citizen reads the answer on the public page and rates it."""

import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from ioc.core.models import Area, AreaLevel
from ioc.feedback.models import Category, EventKind, PhotoKind, Report, ReportPhoto, RoutingRule, Status
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

DESCRIPTION = ("Đèn đường trước nhà số 12 phố Lý Thái Tổ bị hỏng đã một tuần, buổi tối rất tối, "
               "người đi bộ và xe máy dễ gặp tai nạn.")
ANSWER = ("Sở Xây dựng đã cử tổ kỹ thuật thay bóng đèn và dây dẫn ngày hôm nay; "
          "đèn đã sáng trở lại. Cảm ơn bạn đã phản ánh.")
COMMENT = "Xử lý nhanh, cảm ơn các anh chị."


@pytest.fixture
def feedback_setup(province, units, settings, tmp_path):
    """Two current communes near Bắc Ninh city, street lights (a sub-category) routed to unit a."""
    settings.MEDIA_ROOT = tmp_path / "media"
    commune = {"level": AreaLevel.COMMUNE, "parent": province}
    kinh_bac = Area.objects.create(code="09187", name="Phường Kinh Bắc", short_name="Kinh Bắc", kind="Phường",
                                   latitude=21.1861, longitude=106.0763, area_km2=12.0, search_key="kinh bac",
                                   **commune)
    Area.objects.create(code="09325", name="Xã Tiên Du", short_name="Tiên Du", kind="Xã", latitude=21.1275,
                        longitude=106.0381, area_km2=30.0, search_key="tien du", **commune)
    urban = Category.objects.create(code="do-thi", name="Trật tự đô thị")
    lights = Category.objects.create(code="den-chieu-sang", name="Đèn chiếu sáng hỏng", parent=urban,
                                     keywords="đèn, chiếu sáng")
    RoutingRule.objects.create(category=lights, lead_unit=units["a"])
    return {"kinh_bac": kinh_bac, "lights": lights}


def jpeg_with_gps(path):
    """A small photo carrying EXIF data (a GPS tag), as a phone would send it."""
    image = Image.new("RGB", (640, 480), (200, 170, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (21.0, 11.0, 10.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def new_page(browser, live_server):
    """new_page() opens another browser context (another person on another computer)."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN",
                                      base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in_on(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url(re.compile(r"/home/"))


def action(page, label):
    """The <details> block of one staff action, opened."""
    summary = page.locator("summary", has_text=re.compile(f"^{label}$"))
    block = page.locator("details.action").filter(has=summary)
    if block.get_attribute("open") is None:
        block.locator("summary").click()
    return block


def test_report_from_submission_to_rating(page, new_page, sign_in, screenshot, people, units, feedback_setup,
                                          tmp_path):
    citizen, operator, officer = people["citizen"], people["operator"], people["officer"]

    # 1. The citizen fills in the public form: category, description, a pin on the map, a photo.
    sign_in(citizen)
    page.goto("/phan-anh/gui/")
    page.get_by_label("Lĩnh vực").select_option(label="Đèn chiếu sáng hỏng")
    page.get_by_label("Nội dung phản ánh").fill(DESCRIPTION)
    map_region = page.get_by_role("region", name=re.compile("Bản đồ chọn vị trí"))
    expect(map_region).to_be_visible()
    map_region.scroll_into_view_if_needed()
    # The commune centres are drawn as dots (no tile server in tests); click the map a little south-west of
    # Kinh Bắc's dot, not on the dot itself.
    dot = page.locator(".report-map path.leaflet-interactive").first
    expect(dot).to_be_visible()
    box = dot.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 - 15, box["y"] + box["height"] / 2 + 15)
    expect(page.locator("[data-pin-status]")).to_contain_text("Phường Kinh Bắc")
    expect(page.locator(".report-map .leaflet-marker-icon")).to_have_count(1)
    latitude = float(page.locator("input[name=latitude]").input_value())
    longitude = float(page.locator("input[name=longitude]").input_value())
    assert abs(latitude - 21.1861) < 0.02 and abs(longitude - 106.0763) < 0.02, (latitude, longitude)
    assert (latitude, longitude) != (21.1861, 106.0763)  # the click, not the dot's centre
    photo_file = jpeg_with_gps(tmp_path / "den-hong.jpg")
    page.get_by_label("Ảnh hiện trường (không bắt buộc)").set_input_files(str(photo_file))
    expect(page.locator("[data-photo-list] li")).to_contain_text("den-hong.jpg")
    screenshot(page, "01-form-filled")
    page.get_by_role("button", name="Gửi phản ánh", exact=True).click()

    # The acknowledgement shows the tracking code and its link.
    page.wait_for_url(re.compile(r"/phan-anh/da-gui/PA-\d{4}-\d{6}/$"))
    expect(page.get_by_role("heading", name="Trung tâm đã nhận phản ánh của bạn")).to_be_visible()
    code = page.locator(".tracking-code").inner_text().strip()
    assert re.fullmatch(rf"PA-{timezone.now().year}-\d{{6}}", code), code
    assert code in page.url
    track_link = page.get_by_role("link", name="Xem tình trạng phản ánh")
    expect(track_link).to_have_attribute("href", f"/phan-anh/{code}/")
    screenshot(page, "02-acknowledgement")
    report = Report.objects.get(code=code)
    assert report.reporter == citizen and report.area == feedback_setup["kinh_bac"]
    assert report.lead_unit == units["a"]  # routing chose the unit at intake

    # 2. The operator finds it in the triage queue, verifies it and assigns it to the unit routing suggests.
    operator_page = new_page()
    sign_in_on(operator_page, operator)
    operator_page.goto("/xu-ly/tiep-nhan/")
    row = operator_page.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("Đèn chiếu sáng hỏng")
    expect(row).to_contain_text("Phường Kinh Bắc")
    expect(row).to_contain_text("Sở Xây dựng")  # suggested unit
    screenshot(operator_page, "03-triage-queue")
    row.get_by_role("link", name=code).click()
    operator_page.wait_for_url(re.compile(rf"/xu-ly/phan-anh/{code}/$"))
    expect(operator_page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(operator_page.get_by_role("img", name="Ảnh 1 của phản ánh")).to_be_visible()
    verify = action(operator_page, "Xác minh")
    verify.get_by_label("Ghi chú").fill("Đã xác minh tại hiện trường qua camera.")
    verify.get_by_role("button", name="Xác minh", exact=True).click()
    expect(operator_page.get_by_text(f"Đã xác minh phản ánh {code}.")).to_be_visible()
    screenshot(operator_page, "04-verified")
    assign = action(operator_page, "Chuyển xử lý")
    unit_select = assign.get_by_label("Đơn vị chủ trì")
    expect(unit_select).to_have_value(str(units["a"].pk))  # pre-filled from the routing rule
    assign.get_by_role("button", name="Chuyển xử lý", exact=True).click()
    expect(operator_page.get_by_text(f"Đã chuyển phản ánh {code} cho đơn vị xử lý.")).to_be_visible()
    screenshot(operator_page, "05-assigned")

    # 3. The officer of unit a finds it in the inbox, starts handling it and answers.
    officer_page = new_page()
    sign_in_on(officer_page, officer)
    officer_page.goto("/xu-ly/")
    row = officer_page.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("Đã chuyển xử lý")
    screenshot(officer_page, "06-inbox")
    row.get_by_role("link", name=code).click()
    officer_page.wait_for_url(re.compile(rf"/xu-ly/phan-anh/{code}/$"))
    action(officer_page, "Bắt đầu xử lý").get_by_role("button", name="Bắt đầu xử lý", exact=True).click()
    expect(officer_page.get_by_text(f"Phản ánh {code} đang được xử lý.")).to_be_visible()
    answer = action(officer_page, "Trả lời")
    answer.get_by_label("Nội dung trả lời").fill(ANSWER)
    screenshot(officer_page, "07-answer-written")
    answer.get_by_role("button", name="Trả lời", exact=True).click()
    expect(officer_page.get_by_text(f"Đã gửi trả lời phản ánh {code}.")).to_be_visible()
    screenshot(officer_page, "08-answered")

    # 4. The citizen reads the answer and the public timeline, and rates the answer.
    page.goto(f"/phan-anh/{code}/")
    expect(page.get_by_role("heading", name="Trả lời của cơ quan xử lý")).to_be_visible()
    expect(page.locator(".answer")).to_contain_text("đèn đã sáng trở lại")
    timeline = page.locator("ol.timeline")
    for step in ("Tiếp nhận phản ánh", "Xác minh phản ánh", "Chuyển cơ quan xử lý", "Bắt đầu xử lý",
                 "Trả lời kết quả xử lý"):
        expect(timeline).to_contain_text(step)
    expect(page.get_by_role("img", name=re.compile("Ảnh hiện trường 1"))).to_be_visible()
    screenshot(page, "09-tracking-answered")
    page.get_by_label("5 sao – Rất hài lòng").check()
    page.get_by_label("Ý kiến của bạn (không bắt buộc)").fill(COMMENT)
    page.get_by_role("button", name="Gửi đánh giá", exact=True).click()
    page.wait_for_url(re.compile(rf"/phan-anh/{code}/$"))
    heading = page.get_by_role("heading", name="Đánh giá của người phản ánh")
    rating = page.locator("section").filter(has=heading)
    expect(rating).to_contain_text("5/5 sao")
    expect(rating).to_contain_text(COMMENT)
    screenshot(page, "10-rated")

    # What the pages did, in the database.
    report.refresh_from_db()
    assert report.status == Status.ANSWERED
    assert report.answer == ANSWER and report.answered_by == officer and report.answered_on_time
    assert report.rating == 5 and report.rating_comment == COMMENT
    photo = ReportPhoto.objects.get(report=report, kind=PhotoKind.INTAKE)
    assert photo.is_ready and photo.image and photo.thumbnail and not photo.upload
    with photo.image.open("rb") as handle, Image.open(handle) as processed:
        assert not processed.getexif(), "the stored photo still carries EXIF data"
    moves = list(report.events.filter(kind=EventKind.TRANSITION).order_by("at", "id")
                 .values_list("to_status", "actor"))
    assert moves == [(Status.RECEIVED, None), (Status.VERIFIED, operator.pk), (Status.ASSIGNED, operator.pk),
                     (Status.IN_PROGRESS, officer.pk), (Status.ANSWERED, officer.pk)]
    assert report.events.filter(kind=EventKind.RATING, actor=citizen).exists()
