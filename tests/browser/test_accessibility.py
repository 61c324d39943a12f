"""axe-core finds no serious or critical accessibility violation on the main pages (WCAG 2.1 AA is
the target, and the province's users include people with disabilities)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def assert_no_serious_violations(axe_violations):
    def check(page):
        violations = axe_violations(page, impacts=("serious", "critical"))
        assert not violations, f"axe on {page.url}:\n{describe(violations)}"

    return check


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


def test_public_home(page, db, assert_no_serious_violations, screenshot):
    page.goto("/")
    expect(page.locator("h1")).to_be_visible()
    screenshot(page, "public-home")
    assert_no_serious_violations(page)


def test_public_home_in_high_contrast(page, db, assert_no_serious_violations, screenshot):
    page.goto("/")
    page.get_by_test_id("toggle-contrast").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bhigh-contrast\b"))
    screenshot(page, "public-home-high-contrast")
    assert_no_serious_violations(page)


def test_sign_in_page(page, db, assert_no_serious_violations, screenshot):
    page.goto("/accounts/login/")
    expect(page.locator("input[name=username]")).to_be_visible()
    screenshot(page, "sign-in")
    assert_no_serious_violations(page)


def test_operator_home(page, people, sign_in, assert_no_serious_violations, screenshot):
    sign_in(people["operator"])
    expect(page.get_by_text("Điều hành viên").first).to_be_visible()
    screenshot(page, "operator-home")
    assert_no_serious_violations(page)


@pytest.fixture
def province_work(units):
    """Reports being handled, one overdue, so the home page's summaries have figures, lists and links."""
    from datetime import timedelta

    from django.utils import timezone

    from ioc.feedback.intake import submit_report
    from ioc.feedback.models import Category, Channel, Report, Status

    category = Category.objects.create(code="den-chieu-sang", name="Đèn chiếu sáng", name_en="Street lights")
    for n, late in enumerate((True, False, False)):
        report, _created = submit_report(channel=Channel.WEB, category=category, description=f"Đèn hỏng số {n}.",
                                         reporter_email=f"nguoidan{n}@example.vn")
        due = timezone.now() + timedelta(days=-2 if late else 3)
        Report.objects.filter(pk=report.pk).update(status=Status.IN_PROGRESS, lead_unit=units["a"], answer_due=due)


def test_leader_home_with_the_days_work(page, people, sign_in, province_work, assert_no_serious_violations,
                                        screenshot):
    sign_in(people["leader"])
    expect(page.get_by_role("heading", name="Phản ánh, kiến nghị")).to_be_visible()
    overdue = page.locator(".work-figure.is-alarm")
    expect(overdue).to_contain_text("1")
    expect(page.get_by_role("link", name="Sở Xây dựng")).to_be_visible()  # the unit with the most overdue
    screenshot(page, "leader-home")
    assert_no_serious_violations(page)
    page.get_by_test_id("toggle-contrast").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bhigh-contrast\b"))
    # Every figure stays visible on the black background (axe passes over text in such links).
    colours = page.eval_on_selector_all(".work-figure-value", "els => els.map(e => getComputedStyle(e).color)")
    assert colours and "rgb(0, 0, 0)" not in colours, colours
    screenshot(page, "leader-home-high-contrast")
    assert_no_serious_violations(page)
    overdue.get_by_role("link").click()  # the figure opens its list: the one overdue report
    expect(page).to_have_url(re.compile(r"/xu-ly/\?overdue=on$"))
    expect(page.get_by_text("Đèn hỏng số 0.")).to_be_visible()
    expect(page.get_by_text("Đèn hỏng số 1.")).to_have_count(0)
