"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Fixtures:
- `browser`: one headless Chromium for the whole session (skipped when /usr/bin/chromium is missing);
- `page`: a fresh context (1366x900, vi-VN) per test;
- `screenshot`: `screenshot(page, "step")` saves test-artifacts/screenshots/<test-name>-<step>.png;
- `sign_in`: signs a user in through the real form, typing the second-factor code when the user has a device;
- `totp_code`: `totp_code(device)` is the code an authenticator app would show now;
- `axe_violations`: the helper below, as a fixture.

`axe_violations(page)` runs axe-core on the page and returns its serious and critical violations.
"""

import os
import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# (creating users, reading devices) would otherwise raise SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_JS = ROOT / "build" / "vendor" / "axe" / "axe.min.js"
TIMEOUT_MS = 10_000

@pytest.fixture(autouse=True)
def _flushable(audit_flushable_db):
    """Signing in writes audit events; see audit_flushable_db in the root conftest."""


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed: run make test, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN",
                                  base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot named after the test and a step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(page, step):
        path = SCREENSHOTS / f"{test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def totp_code(device):
    """The code an authenticator app would show now for this device."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture(name="totp_code")
def totp_code_fixture():
    return totp_code


@pytest.fixture
def sign_in(page):
    """Sign in through /accounts/login/; with a TOTP device, complete /accounts/2fa/verify/ too."""
    def do(user, device=None):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        if device is not None:
            page.wait_for_url(re.compile(r"/accounts/2fa/verify/"))
            page.fill("input[name=token]", totp_code(device))
            page.get_by_role("button", name="Xác nhận", exact=True).click()
        page.wait_for_url(re.compile(r"/home/"))
        return page

    return do


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core on the current page; return the violations of the given impacts as
    [{"id", "impact", "help", "nodes": [{"target", "summary"}]}], for readable assertion messages."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not apply.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }"""
    )
    return [v for v in results if v["impact"] in impacts]


@pytest.fixture(name="axe_violations")
def axe_violations_fixture():
    """The helper as a fixture, so test modules need not import from this conftest."""
    return axe_violations

