"""Walks every URL of the project: whatever is not declared public turns away visitors and outsiders.

New modules are covered automatically; a page that is meant to be public must be listed here on purpose.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages anyone may open (name or path prefix), and pages every signed-in user may open (their own data).
PUBLIC = {"core:public_home", "core:healthz", "accounts:login", "accounts:register", "accounts:password_reset",
          "accounts:password_reset_done", "accounts:password_reset_confirm", "accounts:password_reset_complete",
          "core:pref_language", "core:pref_toggle", "accounts:logout", "accounts:verify_email",
          # feedback: intake, tracking and publication are for everyone (private fields never shown)
          "feedback:submit", "feedback:similar", "feedback:submitted", "feedback:lookup", "feedback:track",
          "feedback:photo", "feedback:contact",  # the last: a signed personal link, no account
          "feedback:public_list", "feedback:public_map", "feedback:map_data", "feedback:map_report",
          "feedback:public_stats",
          # monitoring: the public indicators (internal ones answer 404 there)
          "monitoring:public", "monitoring:public_indicator",
          # alerts: the CAP feed and documents of public alerts
          "alerts:cap_feed", "alerts:cap_alert"}
# The API, Open311 and the admin have their own access tests.
PUBLIC_PREFIXES = ("/api/", "/open311/", "/ngsi-ld/", "/admin/", "/static/", "/media/")
OWN_DATA = {"core:home", "core:inbox", "core:inbox_read_all", "core:notification_open", "core:notification_prefs",
            "accounts:profile", "accounts:otp_verify", "accounts:otp_setup", "accounts:otp_disable",
            "accounts:password_change", "accounts:resend_verification",
            "feedback:mine", "feedback:rate", "feedback:reopen", "feedback:follow", "feedback:unfollow"}

SAMPLE = {"code": "PA-2026-999999", "filename": "x.jpg", "public_id": "00000000-0000-0000-0000-000000000000", "name": "large_text",
          "uidb64": "MQ", "token": "x-y", "pk": "1", "id": "1"}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else None, prefix + str(pattern.pattern)


def _concrete(route):
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE.get(m.group(1), "1"), route)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return "/" + path


def protected_routes():
    routes = []
    for name, route in _walk(get_resolver().url_patterns):
        path = _concrete(route)
        if path.startswith(PUBLIC_PREFIXES) or name in PUBLIC:
            continue
        routes.append((name or path, path))
    return routes


ROUTES = protected_routes()


def test_the_walk_finds_the_staff_pages():
    names = {name for name, _path in ROUTES}
    assert {"core:audit", "core:units", "core:areas", "core:system"} <= names


@pytest.mark.parametrize("name,path", ROUTES)
def test_visitor_gets_nothing(client, db, name, path):
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code in (302, 401, 403, 404, 405), f"{name} {path}: {response.status_code}"
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], f"{name} redirects elsewhere"


@pytest.mark.parametrize("name,path", [r for r in ROUTES if r[0] not in OWN_DATA])
def test_outsider_gets_403_or_404(people, signed_in, name, path):
    client = signed_in(people["citizen"])
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code in (403, 404, 405), f"{name} {path}: {response.status_code}"
