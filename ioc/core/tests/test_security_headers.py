"""Content-Security-Policy without inline scripts, and the other protective headers."""

import re

from django.urls import reverse


def test_csp_forbids_inline_scripts(client, db):
    response = client.get(reverse("core:public_home"))
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'self'" in script_src
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_carry_no_inline_script(people, signed_in, client):
    pages = [client.get(reverse("core:public_home")), client.get(reverse("accounts:login"))]
    staff = signed_in(people["admin"])
    pages += [staff.get(reverse(name)) for name in ("core:home", "core:audit", "core:units", "accounts:otp_setup")]
    for response in pages:
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"inline script in {response.request['PATH_INFO']}: {tag}"
        assert " style=" not in html, f"inline style in {response.request['PATH_INFO']}"
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_no_external_assets(client, db):
    html = client.get(reverse("core:public_home")).content.decode()
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http://", "https://", "//")), url


def test_clickjacking_and_sniffing_protection(client, db):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_require_csrf(people, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:login"), {"username": "officer", "password": "x"})
    assert response.status_code == 403
