"""Who sees what on the dashboards: the public sees public indicators and stations only (internal ones are a
404), staff and API keys see all; exports are for staff and written to the audit log."""

import pytest
from django.core.cache import cache

from ioc.core.models import ApiKey, AuditAction, AuditEvent

from .dashboard_data import make_world

API = "/api/v1/monitoring"


@pytest.fixture
def world(province, commune, units):
    cache.clear()
    return make_world(province, commune, units["a"])


def codes(overview):
    return {c["code"] for d in overview["domains"] for c in d["cards"]}


def test_public_api_shows_only_public_indicators(client, world):
    assert codes(client.get(f"{API}/overview").json()) == {"grdp", "pm25-tb"}
    listed = client.get(f"{API}/indicators").json()
    assert {i["code"] for i in listed["items"]} == {"grdp", "pm25-tb"}


def test_internal_indicator_is_404_for_the_public(client, world):
    for path in (f"{API}/indicators/thu-ngan-sach/series", f"{API}/indicators/thu-ngan-sach/communes"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert client.get("/so-lieu/thu-ngan-sach/").status_code == 404
    assert client.get("/so-lieu/grdp/").status_code == 200


def test_officer_sees_every_indicator(signed_in, people, world):
    client = signed_in(people["officer"])
    assert codes(client.get(f"{API}/overview").json()) == {"grdp", "pm25-tb", "thu-ngan-sach"}
    series = client.get(f"{API}/indicators/thu-ngan-sach/series?range=all").json()
    assert [p["value"] for p in series["points"]] == [1200.0, 1500.0]
    assert client.get("/giam-sat/chi-tieu/thu-ngan-sach/").status_code == 200


def test_api_key_sees_every_indicator_and_a_wrong_key_is_refused(client, world, units):
    key = ApiKey(name="Hệ thống Sở", unit=units["b"])
    raw = key.set_new_key()
    key.save()
    response = client.get(f"{API}/overview", HTTP_X_API_KEY=raw)
    assert codes(response.json()) == {"grdp", "pm25-tb", "thu-ngan-sach"}
    assert client.get(f"{API}/overview", HTTP_X_API_KEY="ioc_wrong").status_code == 401


def test_public_sees_public_stations_only(client, world):
    stations = client.get(f"{API}/stations").json()["items"]
    assert [s["code"] for s in stations] == ["kk-bac-giang"]
    assert client.get(f"{API}/stations/kk-noi-bo/history").status_code == 404
    history = client.get(f"{API}/stations/kk-bac-giang/history?days=7").json()
    assert history["grain"] == "h" and len(history["series"][0]["points"]) == 3


def test_bad_parameters_get_a_clear_error_not_a_500(client, world):
    response = client.get(f"{API}/indicators/grdp/series?start=2025-05-01&end=2025-01-01")
    assert response.status_code == 400 and "Ngày bắt đầu" in response.json()["detail"]
    assert client.get(f"{API}/indicators/grdp/series?range=9y").status_code == 400
    assert client.get(f"{API}/indicators/grdp/series?start=khong-phai-ngay").status_code == 422
    assert client.get(f"{API}/stations/kk-bac-giang/history?days=0").status_code == 400
    assert client.get(f"{API}/overview?area=00000").status_code == 404


def test_commune_drill_down_api(client, world, commune):
    data = client.get(f"{API}/areas/{commune.code}").json()
    assert data["area"]["code"] == commune.code
    grdp = next(c for d in data["domains"] for c in d["cards"] if c["code"] == "grdp")
    assert grdp["value"] == 8.1
    assert [s["code"] for s in data["stations"]] == ["kk-bac-giang"]
    assert client.get(f"{API}/areas/24").status_code == 404  # the province is not a commune


def test_staff_pages_turn_the_public_away(client, world):
    for path in ("/giam-sat/", "/giam-sat/chi-tieu/grdp/", "/giam-sat/ban-do-tram/", "/giam-sat/xa/07210/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_citizens_get_403_on_staff_pages_and_exports(signed_in, people, world):
    client = signed_in(people["citizen"])
    for path in ("/giam-sat/", "/giam-sat/chi-tieu/grdp/tai-ve.csv", "/giam-sat/chi-tieu/grdp/tai-ve.xlsx"):
        assert client.get(path).status_code == 403


def test_export_is_audited(signed_in, people, world):
    client = signed_in(people["officer"])
    response = client.get("/giam-sat/chi-tieu/grdp/tai-ve.csv?range=all")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Quý 4/2025,24,Tỉnh Bắc Ninh,5.4,Cảnh báo" in text
    assert "Quý 4/2025,09999,Xã Yên Thế,4.2,Nghiêm trọng" in text
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == people["officer"] and event.object_type == "monitoring.indicator"
    assert event.changes["format"] == "csv"
    response = client.get("/giam-sat/chi-tieu/grdp/tai-ve.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_export_of_an_internal_indicator_by_the_public_is_refused(client, world):
    response = client.get("/giam-sat/chi-tieu/thu-ngan-sach/tai-ve.csv")
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
