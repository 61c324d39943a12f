"""Signing in through the real pages in Chromium: every role reaches its home page, staff enrol a
second factor when the policy requires it, display preferences persist, and the skip link works."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

MARKERS = {
    "citizen": "Tài khoản người dân, doanh nghiệp",
    "officer": "Đơn vị của tôi",
    "head": "Cán bộ trong đơn vị",
    "operator": "Điều hành viên",
    "leader": "Lãnh đạo tỉnh – tổng quan toàn tỉnh",
    "admin": "Nhật ký gần đây",
}
WITH_SECOND_FACTOR = {"leader", "admin"}


@pytest.mark.parametrize("role", MARKERS)
def test_each_role_signs_in_to_its_home_page(page, people, sign_in, screenshot, role):
    user = people[role]
    device = None
    if role in WITH_SECOND_FACTOR:
        device = TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
    sign_in(user, device)
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_text(MARKERS[role], exact=False).first).to_be_visible()
    screenshot(page, "home")


def test_required_enrolment_then_preferences(page, people, settings, screenshot, totp_code):
    settings.IOC_REQUIRE_2FA_FOR_STAFF = True
    officer = people["officer"]

    page.goto("/accounts/login/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()

    # No device yet: the officer is sent to enrol one before anything else.
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))
    secret = page.get_by_test_id("otp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    screenshot(page, "enrol")
    page.goto("/home/")  # still refused until enrolled
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))

    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    page.fill("input[name=token]", totp_code(device))
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    page.wait_for_url(re.compile(r"/home/$"))
    expect(page.get_by_text(MARKERS["officer"]).first).to_be_visible()
    assert TOTPDevice.objects.get(user=officer).confirmed

    # Language: English, kept on the account.
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "vi")
    page.get_by_test_id("lang-en").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("lang-vi")).to_be_visible()
    expect(page.get_by_text(MARKERS["officer"])).to_have_count(0)  # the page is translated, not just tagged
    page.reload()
    expect(html).to_have_attribute("lang", "en")

    # High contrast: on, and still on after a reload.
    contrast = page.get_by_test_id("toggle-contrast")
    expect(contrast).to_have_attribute("aria-pressed", "false")
    contrast.click()
    expect(html).to_have_class(re.compile(r"\bhigh-contrast\b"))
    expect(page.get_by_test_id("toggle-contrast")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(html).to_have_class(re.compile(r"\bhigh-contrast\b"))

    # Large text likewise; the root font grows.
    base_size = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_test_id("toggle-large-text").click()
    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.get_by_test_id("toggle-large-text")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
    expect(html).to_have_class(re.compile(r"\bhigh-contrast\b"))
    assert page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") > base_size
    screenshot(page, "high-contrast-large-text")

    officer.refresh_from_db()
    assert officer.language == "en" and officer.high_contrast and officer.large_text


def test_skip_link_is_first_and_moves_to_main(page, db, screenshot):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Bỏ qua, đến nội dung chính")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_in_viewport()  # the link slides into view when focused
    screenshot(page, "skip-link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    assert page.evaluate("() => document.activeElement.id") == "main"
