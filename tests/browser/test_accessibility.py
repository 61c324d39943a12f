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
