"""The JSON API under /api/v1/: schema and docs, the core endpoints, who may call them, pagination,
and the problem+json shape of every error."""

import json
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from ioc.core import audit
from ioc.core.models import Area, AreaLevel, AuditAction, AuditEvent, Notification, Unit

PROBLEM = "application/problem+json"

# Routes that need a caller, with the method to call them.
PROTECTED = [
    ("get", "/api/v1/me"),
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units/so-xay-dung"),
    ("get", "/api/v1/notifications"),
    ("post", f"/api/v1/notifications/{uuid.uuid4()}/read"),
    ("get", "/api/v1/audit"),
]
# Routes for staff only: a citizen is signed in but still an outsider here.
STAFF_ONLY = [
    "/api/v1/units",
    "/api/v1/units/so-xay-dung",
    "/api/v1/audit",
]


def assert_problem(response, status, title=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["instance"] == response.wsgi_request.path
    if title:
        assert body["title"] == title
    text = response.content.decode()
    assert "Traceback" not in text and "File \"" not in text
    return body


# --- Schema and docs ------------------------------------------------------------------------------


def test_openapi_schema_is_public_json_with_paths_and_security(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "IOC Bắc Ninh API"
    assert "X-API-Key" in schema["info"]["description"]
    for path in ("/api/v1/me", "/api/v1/areas", "/api/v1/areas/resolve", "/api/v1/areas/{code}",
                 "/api/v1/units", "/api/v1/units/{code}",
                 "/api/v1/notifications", "/api/v1/notifications/{public_id}/read", "/api/v1/audit"):
        assert path in schema["paths"], path
    schemes = schema["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("in"), s.get("name"), s.get("scheme")) for s in schemes.values()}
    assert ("apiKey", "header", "X-API-Key", None) in kinds
    assert ("http", None, None, "bearer") in kinds
    assert any(kind == "apiKey" and where == "cookie" for kind, where, _n, _s in kinds)
    # Public areas carry no security requirement; the directory does.
    assert "security" not in schema["paths"]["/api/v1/areas"]["get"]
    assert schema["paths"]["/api/v1/units"]["get"]["security"]
    summaries = [op["summary"] for ops in schema["paths"].values() for op in ops.values()]
    assert "Danh bạ đơn vị" in summaries


class _AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.links, self.inline_scripts, self.styles, self.style_attrs = [], [], [], 0, 0
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attrs += 1
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            elif attrs.get("type") != "application/json":
                self._in_inline_script = True
        elif tag == "link":
            self.links.append(attrs.get("href", ""))
        elif tag == "style":
            self.styles += 1

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def test_docs_page_uses_only_local_assets_under_the_strict_csp(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    html = response.content.decode()
    page = _AssetCollector()
    page.feed(html)
    assert page.scripts and page.links
    for url in page.scripts + page.links:
        assert url.startswith("/static/"), url
    assert "http://" not in html and "https://" not in html
    assert page.inline_scripts == [] and page.styles == 0 and page.style_attrs == 0
    assert "/static/ioc/swagger-init.js" in page.scripts
    # The settings block tells Swagger UI where the schema is, and not to call the outside validator.
    settings_json = html.split('id="swagger-settings" type="application/json">', 1)[1]
    settings_json = settings_json.split("</script>", 1)[0]
    settings = json.loads(settings_json)
    assert settings["url"] == "/api/v1/openapi.json" and settings["validatorUrl"] is None
    for url in page.scripts + page.links:
        assert client.get(url).status_code == 200, url


# --- Errors are problem+json ----------------------------------------------------------------------


@pytest.mark.parametrize("method,path", PROTECTED)
def test_anonymous_gets_401_on_every_protected_route(client, db, method, path):
    response = getattr(client, method)(path)
    body = assert_problem(response, 401, "Chưa xác thực")
    assert "X-API-Key" in body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", STAFF_ONLY)
def test_a_citizen_gets_403_on_every_staff_route(signed_in, people, path):
    client = signed_in(people["citizen"])
    assert_problem(client.get(path), 403, "Không có quyền")


def test_a_non_admin_gets_403_on_the_audit_log(signed_in, people):
    for role in ("officer", "head", "operator", "leader"):
        body = assert_problem(signed_in(people[role]).get("/api/v1/audit"), 403)
        assert body["detail"]


def test_unknown_area_is_a_404_problem(client, province):
    body = assert_problem(client.get("/api/v1/areas/99999"), 404, "Không tìm thấy")
    assert body["detail"]


def test_unknown_unit_is_a_404_problem(signed_in, people):
    assert_problem(signed_in(people["officer"]).get("/api/v1/units/khong-co"), 404)


def test_unknown_api_path_is_a_404_problem_not_an_html_page(client, db):
    for path in ("/api/v1/khong-co", "/api/v1/", "/api/v1/areas/24/children/x"):
        assert_problem(client.get(path), 404)


def test_validation_errors_are_422_listing_the_fields(client, province):
    body = assert_problem(client.get("/api/v1/areas?page=first&level=hamlet"), 422, "Dữ liệu không hợp lệ")
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"page", "level"}
    assert all(e["message"] for e in body["errors"])
    assert "page" in body["detail"] and "level" in body["detail"]


def test_a_bad_uuid_is_a_422(signed_in, people):
    body = assert_problem(signed_in(people["officer"]).post("/api/v1/notifications/not-a-uuid/read"), 422)
    assert body["errors"][0]["field"] == "public_id"


def test_wrong_method_is_a_405_problem(client, db):
    response = client.post("/api/v1/areas")
    assert_problem(response, 405)
    assert response["Allow"] == "GET"


def test_an_unexpected_error_is_a_500_problem_without_internals(signed_in, people, monkeypatch, caplog):
    def broken():
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(Unit.objects, "active", broken)
    with caplog.at_level("ERROR", logger="ioc.api"):
        response = signed_in(people["officer"]).get("/api/v1/units")
    body = assert_problem(response, 500, "Lỗi hệ thống")
    assert "secret" not in response.content.decode()
    assert set(body) == {"type", "title", "status", "detail", "instance"}
    assert "secret internals" in caplog.text


def test_a_session_write_without_the_csrf_token_is_a_403_problem(people, db):
    note = Notification.objects.create(recipient=people["officer"], topic="test", title="Việc mới")
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["officer"])
    body = assert_problem(client.post(f"/api/v1/notifications/{note.public_id}/read"), 403)
    assert "CSRF" in body["title"]
    note.refresh_from_db()
    assert note.read_at is None


# --- The caller -----------------------------------------------------------------------------------


def test_me_describes_a_signed_in_officer(signed_in, people, units):
    response = signed_in(people["officer"]).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "kind": "user",
        "username": "officer",
        "full_name": "Officer",
        "roles": ["officer"],
        "units": [{"code": "so-xay-dung", "name": "Sở Xây dựng", "role": "officer"}],
        "api_key": None,
    }


def test_me_describes_a_citizen(signed_in, people):
    body = signed_in(people["citizen"]).get("/api/v1/me").json()
    assert body["roles"] == ["citizen"] and body["units"] == []


# --- Areas ----------------------------------------------------------------------------------------


@pytest.fixture
def areas(province, commune):
    former_district = Area.objects.create(code="213", name="Thành phố Bắc Giang", short_name="Bắc Giang",
                                          kind="Thành phố", level=AreaLevel.DISTRICT, is_current=False)
    former = Area.objects.create(code="07211", name="Phường Trần Phú", short_name="Trần Phú", kind="Phường",
                                 level=AreaLevel.COMMUNE, parent=former_district, is_current=False,
                                 successor=commune)
    other = Area.objects.create(code="07300", name="Xã Yên Dũng", short_name="Yên Dũng", kind="Xã",
                                level=AreaLevel.COMMUNE, parent=province, search_key="xa yen dung")
    return {"province": province, "commune": commune, "former": former, "other": other}


def codes(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_areas_are_public_and_filtered(client, areas):
    assert codes(client.get("/api/v1/areas")) == ["07210", "07300", "24"]
    assert codes(client.get("/api/v1/areas?level=commune")) == ["07210", "07300"]
    assert codes(client.get("/api/v1/areas?parent=24")) == ["07210", "07300"]
    assert codes(client.get("/api/v1/areas?current=false")) == ["07211", "213"]
    assert codes(client.get("/api/v1/areas?q=Bắc Giang")) == ["07210"]
    assert codes(client.get("/api/v1/areas?q=yen dung")) == ["07300"]
    assert codes(client.get("/api/v1/areas?q=07300")) == ["07300"]


def test_an_area_by_code(client, areas):
    body = client.get("/api/v1/areas/07210").json()
    assert body["name"] == "Phường Bắc Giang"
    assert body["parent_code"] == "24" and body["is_current"] is True
    assert body["area_km2"] == 23.2


def test_a_former_area_names_its_successor(client, areas):
    body = client.get("/api/v1/areas/07211").json()
    assert body["is_current"] is False
    assert body["successor_code"] == "07210"


# --- Pagination -----------------------------------------------------------------------------------


def test_lists_are_paginated(client, areas):
    body = client.get("/api/v1/areas?page_size=2").json()
    assert set(body) == {"items", "count", "page", "page_size", "pages"}
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (3, 1, 2, 2)
    second = client.get("/api/v1/areas?page_size=2&page=2").json()
    assert [a["code"] for a in second["items"]] == ["24"]
    assert client.get("/api/v1/areas?page_size=2&page=9").json()["items"] == []


def test_page_size_is_capped(client, areas):
    body = client.get("/api/v1/areas?page_size=100000").json()
    assert body["page_size"] == 500 and body["pages"] == 1
    assert client.get("/api/v1/areas?page_size=0").json()["page_size"] == 1


# --- Units ----------------------------------------------------------------------------------------


def test_a_signed_in_staff_member_reads_the_directory_with_the_session(signed_in, people, units):
    client = signed_in(people["officer"])
    body = client.get("/api/v1/units").json()
    assert body["count"] == 4
    assert [u["code"] for u in body["items"]] == sorted(u.code for u in units.values())
    one = client.get("/api/v1/units/so-y-te").json()
    assert one["name"] == "Sở Y tế" and one["is_active"] is True


def test_inactive_units_are_not_listed(signed_in, people, units):
    units["b"].is_active = False
    units["b"].save()
    client = signed_in(people["officer"])
    assert "so-y-te" not in [u["code"] for u in client.get("/api/v1/units").json()["items"]]
    assert client.get("/api/v1/units/so-y-te").status_code == 404


# --- Notifications --------------------------------------------------------------------------------


@pytest.fixture
def inbox(people):
    mine_unread = Notification.objects.create(recipient=people["officer"], topic="feedback",
                                              title="Phản ánh mới")
    mine_read = Notification.objects.create(recipient=people["officer"], topic="task", title="Nhiệm vụ",
                                            read_at=timezone.now())
    theirs = Notification.objects.create(recipient=people["other_officer"], topic="task",
                                         title="Của người khác")
    return {"unread": mine_unread, "read": mine_read, "theirs": theirs}


def titles(response):
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


def test_notifications_are_the_callers_own(signed_in, people, inbox):
    client = signed_in(people["officer"])
    assert titles(client.get("/api/v1/notifications")) == ["Nhiệm vụ", "Phản ánh mới"]
    assert titles(client.get("/api/v1/notifications?unread=true")) == ["Phản ánh mới"]
    assert titles(client.get("/api/v1/notifications?unread=false")) == ["Nhiệm vụ"]


def test_a_citizen_reads_their_own_notifications(signed_in, people):
    Notification.objects.create(recipient=people["citizen"], topic="feedback", title="Đã có trả lời")
    assert titles(signed_in(people["citizen"]).get("/api/v1/notifications")) == ["Đã có trả lời"]


def test_mark_a_notification_read(signed_in, people, inbox):
    client = signed_in(people["officer"])
    response = client.post(f"/api/v1/notifications/{inbox['unread'].public_id}/read")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    inbox["unread"].refresh_from_db()
    assert inbox["unread"].read_at is not None


def test_another_users_notification_is_not_found(signed_in, people, inbox):
    client = signed_in(people["officer"])
    assert_problem(client.post(f"/api/v1/notifications/{inbox['theirs'].public_id}/read"), 404)
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


# --- Audit log ------------------------------------------------------------------------------------


@pytest.fixture
def events(people):
    now = timezone.now()
    # The log is append-only, so an old event is written with its time rather than moved back.
    AuditEvent.objects.create(at=now - timedelta(days=10), actor=people["officer"], actor_label="officer",
                              action=AuditAction.LOGIN, note="cũ")
    audit.record(AuditAction.EXPORT, actor=people["leader"], object_type="feedback.report", note="xuất")
    audit.record(AuditAction.API_KEY, object_type="core.apikey", object_id="7", note="created")
    return now


def notes(response):
    assert response.status_code == 200, response.content
    return sorted(item["note"] for item in response.json()["items"])


def test_audit_filters(signed_in, people, events):
    client = signed_in(people["admin"])
    base = "/api/v1/audit?page_size=500"
    assert notes(client.get(f"{base}&action=export")) == ["xuất"]
    assert notes(client.get(f"{base}&actor=officer&action=login")) == ["cũ"]
    assert notes(client.get(f"{base}&actor=system&action=api_key")) == ["created"]
    assert notes(client.get(f"{base}&object_type=feedback.report")) == ["xuất"]
    assert notes(client.get(f"{base}&object_type=core.apikey&object_id=7")) == ["created"]
    since = (events - timedelta(days=1)).isoformat()
    until = (events - timedelta(days=5)).isoformat()
    recent_logins = client.get(base, {"since": since, "action": "login"}).json()["items"]
    assert [e["actor"] for e in recent_logins] == ["admin"]  # the test client's own sign-in, not the old one
    assert notes(client.get(base, {"since": since, "action": "export"})) == ["xuất"]
    assert notes(client.get(base, {"until": until})) == ["cũ"]
    item = client.get(f"{base}&action=export").json()["items"][0]
    assert item["actor"] == "leader" and item["action"] == "export"


def test_audit_rejects_an_unknown_action(signed_in, people):
    body = assert_problem(signed_in(people["admin"]).get("/api/v1/audit?action=explode"), 422)
    assert body["errors"][0]["field"] == "action"


def test_reading_the_audit_log_is_not_itself_audited(signed_in, people, events):
    client = signed_in(people["admin"])
    before = AuditEvent.objects.count()
    assert client.get("/api/v1/audit").status_code == 200
    assert AuditEvent.objects.count() == before


# --- The docs page in a real browser --------------------------------------------------------------


@pytest.mark.browser
def test_docs_page_renders_in_chromium_without_csp_violations(live_server):
    playwright = pytest.importorskip("playwright.sync_api")
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("Chromium is not installed")
    problems = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page()
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on("request", lambda req: None if req.url.startswith((live_server.url, "data:"))
                else problems.append(f"outside request: {req.url}"))
        page.goto(f"{live_server.url}/api/v1/docs")
        operation = page.locator("#operations-core-ioc_core_api_list_areas")
        operation.wait_for(timeout=15000)
        title = page.locator(".info .title").inner_text()
        # Open the operation and run it: the response panel (syntax highlighting) must render too.
        operation.locator(".opblock-summary-control").click()
        operation.locator(".try-out__btn").click()
        operation.locator(".execute").click()
        live = operation.locator(".live-responses-table tr.response")
        live.locator(".highlight-code").first.wait_for(timeout=15000)
        status = live.locator(".response-col_status").first.inner_text()
        browser.close()
    assert "IOC Bắc Ninh API" in title
    assert status.strip() == "200"
    assert problems == []


# --- Resolving an address -------------------------------------------------------------------------


def test_an_address_resolves_to_its_current_commune(client, areas):
    Area.objects.filter(pk=areas["commune"].pk).update(search_key="bac giang")
    Area.objects.filter(pk=areas["province"].pk).update(search_key="bac ninh")
    address = "12 Nguyễn Văn Cừ, phường Bắc Giang, tỉnh Bắc Ninh"
    response = client.get("/api/v1/areas/resolve", {"address": address})
    assert response.status_code == 200, response.content
    assert response.json()["code"] == "07210"


def test_an_unresolvable_address_is_a_404_problem(client, areas):
    response = client.get("/api/v1/areas/resolve", {"address": "Hàng Bạc, Hoàn Kiếm, Hà Nội"})
    body = assert_problem(response, 404)
    assert "địa chỉ" in body["detail"]
    assert_problem(client.get("/api/v1/areas/resolve"), 422)
