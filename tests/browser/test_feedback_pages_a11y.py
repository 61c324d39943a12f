"""axe-core finds no serious or critical accessibility violation on the pages of the feedback module: the
public report form (empty and with errors), the public page of an answered report as its reporter sees it, the
IOC triage queue and the staff page of a report (the operator's and the officer's actions)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from ioc.core.models import Area, AreaLevel
from ioc.feedback import workflow
from ioc.feedback.intake import submit_report
from ioc.feedback.models import Category, Channel, Report, RoutingRule

pytestmark = pytest.mark.browser


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible(axe_violations, screenshot):
    def check(page, step):
        screenshot(page, step)
        violations = axe_violations(page, impacts=("serious", "critical"))
        assert not violations, f"axe on {page.url}:\n{describe(violations)}"

    return check


@pytest.fixture
def lights(province, units, settings, tmp_path):
    """Two communes near Bắc Ninh city; street lights routed to unit a."""
    settings.MEDIA_ROOT = tmp_path / "media"
    commune = {"level": AreaLevel.COMMUNE, "parent": province}
    Area.objects.create(code="09187", name="Phường Kinh Bắc", short_name="Kinh Bắc", kind="Phường",
                        latitude=21.1861, longitude=106.0763, area_km2=12.0, search_key="kinh bac", **commune)
    Area.objects.create(code="09325", name="Xã Tiên Du", short_name="Tiên Du", kind="Xã", latitude=21.1275,
                        longitude=106.0381, area_km2=30.0, search_key="tien du", **commune)
    urban = Category.objects.create(code="do-thi", name="Trật tự đô thị")
    category = Category.objects.create(code="den-chieu-sang", name="Đèn chiếu sáng hỏng", parent=urban)
    RoutingRule.objects.create(category=category, lead_unit=units["a"])
    return category


def photo_upload():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("anh.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def report(lights, people):
    """A web report of the citizen, with a photo and a pin in Kinh Bắc."""
    created, _ = submit_report(
        channel=Channel.WEB, category=lights, reporter=people["citizen"],
        description="Đèn đường trước số 12 Lý Thái Tổ bị hỏng nhiều ngày, buổi tối rất tối.",
        latitude=21.1855, longitude=106.0770, address="12 Lý Thái Tổ", photos=[photo_upload()],
    )
    return created


def move(report, *steps):
    """Apply workflow steps [(function, by, kwargs)] to a fresh copy of the report each time."""
    for function, by, kwargs in steps:
        function(report=Report.objects.get(pk=report.pk), by=by, **kwargs)
    return Report.objects.get(pk=report.pk)


def test_public_form(page, lights, assert_accessible):
    page.goto("/phan-anh/gui/")
    expect(page.get_by_role("region", name=re.compile("Bản đồ chọn vị trí"))).to_be_visible()
    assert_accessible(page, "form")


def test_public_form_with_errors(page, lights, assert_accessible):
    page.goto("/phan-anh/gui/")
    page.get_by_label("Nội dung phản ánh").fill("Ngắn")
    page.get_by_role("button", name="Gửi phản ánh", exact=True).click()
    expect(page.get_by_text("Hãy chọn lĩnh vực của phản ánh.")).to_be_visible()
    assert_accessible(page, "form-errors")


def test_tracking_page_of_an_answered_report(page, report, people, units, sign_in, assert_accessible):
    operator, officer = people["operator"], people["officer"]
    move(report, (workflow.verify, operator, {}), (workflow.assign, operator, {"unit": units["a"]}),
         (workflow.start, officer, {}),
         (workflow.answer, officer, {"text": "Đã thay bóng đèn, đèn sáng trở lại từ tối nay."}))
    sign_in(people["citizen"])
    page.goto(f"/phan-anh/{report.code}/")
    expect(page.get_by_role("heading", name="Đánh giá kết quả xử lý")).to_be_visible()
    assert_accessible(page, "tracking")


def test_triage_queue(page, report, lights, people, sign_in, assert_accessible):
    verified, _ = submit_report(channel=Channel.WEB, category=lights, address="Phường Kinh Bắc",
                                description="Cột đèn số 7 đường Ngô Gia Tự không sáng.",
                                reporter_phone="0912345678")
    move(verified, (workflow.verify, people["operator"], {}))
    sign_in(people["operator"])
    page.goto("/xu-ly/tiep-nhan/")
    expect(page.get_by_role("row").filter(has_text=report.code)).to_be_visible()
    expect(page.get_by_role("heading", name="Chuyển xử lý hàng loạt")).to_be_visible()
    assert_accessible(page, "triage")


def test_staff_report_page_for_the_operator(page, report, people, sign_in, assert_accessible):
    sign_in(people["operator"])
    page.goto(f"/xu-ly/phan-anh/{report.code}/")
    expect(page.get_by_role("img", name="Ảnh 1 của phản ánh")).to_be_visible()
    assert_accessible(page, "staff-report-operator")


def test_staff_report_page_for_the_officer(page, report, people, units, sign_in, assert_accessible):
    operator = people["operator"]
    move(report, (workflow.verify, operator, {}), (workflow.assign, operator, {"unit": units["a"]}),
         (workflow.start, people["officer"], {}))
    sign_in(people["officer"])
    page.goto(f"/xu-ly/phan-anh/{report.code}/")
    expect(page.get_by_label("Nội dung trả lời")).to_be_visible()
    assert_accessible(page, "staff-report-officer")


def test_public_form_offers_a_report_of_the_same_problem(page, report, assert_accessible):
    """A citizen about to report the same broken light is shown the open report nearby, and may follow it."""
    page.goto("/phan-anh/gui/")
    page.get_by_label("Lĩnh vực").select_option(label="Đèn chiếu sáng hỏng")
    page.get_by_label("Nội dung phản ánh").fill("Đèn chiếu sáng ở đường Lý Thái Tổ số 12 không sáng mấy hôm nay")
    box = page.locator("[data-similar]")
    expect(box).to_be_hidden()  # no pin yet: nothing to compare with
    page.evaluate(  # a pin 30 m from the report (what a tap on the map sets)
        "() => { const f = document.querySelector('[data-report-form]');"
                  " f.latitude.value = '21.1857'; f.longitude.value = '106.0769';"
                  " f.latitude.dispatchEvent(new Event('change', {bubbles: true})); }")
    expect(box).to_be_visible()
    link = box.get_by_role("link", name=re.compile(report.code))
    expect(link).to_have_attribute("href", f"/phan-anh/{report.code}/")
    expect(box).to_contain_text("cách khoảng")
    assert_accessible(page, "form-similar")
    page.get_by_label("Nội dung phản ánh").fill("Cột điện nghiêng sắp đổ ở ngõ 5 Nguyễn Trãi, nguy hiểm cho người đi bộ")
    expect(box).to_be_hidden()  # another problem: nothing offered


def test_public_form_suggests_a_category_from_the_description(page, lights, assert_accessible):
    Category.objects.filter(pk=lights.pk).update(keywords="đèn, đèn đường, bóng đèn, tối")
    trees = Category.objects.create(code="cay-xanh", name="Cây xanh", keywords="cây, cành, đổ, gãy")
    page.goto("/phan-anh/gui/")
    hint = page.locator("[data-category-hint]")
    page.get_by_label("Nội dung phản ánh").fill("Tôi thấy cành cây gãy đổ xuống giữa đường")  # "tôi" is not "tối"
    expect(hint.get_by_role("button")).to_have_text(["Cây xanh"])
    page.get_by_label("Nội dung phản ánh").fill("Bong den duong truoc nha toi bi hong")  # typed without diacritics
    expect(hint.get_by_role("button").first).to_have_text("Đèn chiếu sáng hỏng")
    assert_accessible(page, "form-category-hint")
    hint.get_by_role("button", name="Đèn chiếu sáng hỏng").click()
    expect(page.get_by_label("Lĩnh vực")).to_have_value(str(lights.pk))
    expect(hint).to_be_empty()  # the chosen category fits: nothing more to suggest
    page.get_by_label("Lĩnh vực").select_option(str(trees.pk))
    expect(hint).to_contain_text("Nội dung có vẻ thuộc lĩnh vực:")  # a category the text does not fit
