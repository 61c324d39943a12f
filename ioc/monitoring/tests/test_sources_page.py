"""The data sources page: who may open it, what it shows (stale sources, failures, refused batches), and the
audited "pull now" button."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from ioc.core.models import AuditEvent
from ioc.monitoring.models import BatchStatus, DataSource, IngestBatch, PullFormat, Reading, SourceKind

from .ingest_fixtures import *  # noqa: F403
from .ingest_fixtures import recent_hour

PAGE = "/giam-sat/nguon-du-lieu/"


def test_officers_and_citizens_get_403_visitors_sign_in(world, signed_in, client):
    assert client.get(PAGE).status_code == 302
    for who in ("officer", "head", "leader", "citizen"):
        assert signed_in(world["people"][who]).get(PAGE).status_code == 403, who
    assert reverse("monitoring:sources") == PAGE


def test_it_shows_stale_sources_failures_and_refused_batches(world, signed_in):
    now = timezone.now()
    DataSource.objects.filter(pk=world["push_a"].pk).update(last_received_at=now - timedelta(hours=3))
    DataSource.objects.filter(pk=world["push_b"].pk).update(last_received_at=now - timedelta(minutes=1))
    pull = DataSource.objects.create(code="cong-du-lieu", name="Cổng dữ liệu mưa", owner_unit=world["units"]["b"],
                                     kind=SourceKind.PULL, url="http://127.0.0.1:9/x", pull_format=PullFormat.JSON,
                                     schedule_minutes=15)
    DataSource.objects.filter(pk=pull.pk).update(consecutive_failures=4, last_error="Máy chủ nguồn trả về lỗi HTTP 502")
    IngestBatch.objects.create(kind="push", source=world["push_b"], unit=world["units"]["b"], target="readings",
                               status=BatchStatus.REJECTED, rows_received=10, summary={"errors_total": 1},
                               errors=[{"row": 7, "column": "station", "message": "Không có trạm mã “KK-77”."}])
    page = signed_in(world["people"]["operator"]).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-stale") == 1  # only the push source silent for 3 hours (stale after 60 minutes)
    assert "Hệ thống Sở Xây dựng" in html and "Cổng dữ liệu mưa" in html
    assert "lỗi 4 lần liên tiếp" in html and "HTTP 502" in html
    assert "KK-77" in html and "Dòng 7" in html
    assert reverse("monitoring:source_pull", args=["cong-du-lieu"]) in html
    assert signed_in(world["people"]["admin"]).get(PAGE).status_code == 200


class _Handler(BaseHTTPRequestHandler):
    body = b"[]"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_pull_now_is_post_only_audited_and_pulls(world, signed_in, server):
    hour = recent_hour(2)
    _Handler.body = json.dumps([{"tram": "KK-02", "luc": hour.isoformat(), "pm": 12.5}]).encode()
    source = DataSource.objects.create(
        code="mua-yt", name="Cổng Sở Y tế", owner_unit=world["units"]["b"], kind=SourceKind.PULL,
        url=f"http://127.0.0.1:{server.server_address[1]}/", pull_format=PullFormat.JSON, schedule_minutes=60,
        field_mapping={"station": "tram", "metric": "=pm25", "time": "luc", "value": "pm"})
    url = reverse("monitoring:source_pull", args=[source.code])
    officer = signed_in(world["people"]["other_officer"])  # even the owner unit's officer may not
    assert officer.post(url).status_code == 403
    operator = signed_in(world["people"]["operator"])
    assert operator.get(url).status_code == 405
    response = operator.post(url)
    assert response.status_code == 302
    assert list(Reading.objects.values_list("value", flat=True)) == [12.5]
    assert AuditEvent.objects.filter(object_type="monitoring.datasource", object_id=str(source.pk),
                                     actor=world["people"]["operator"]).exists()
    assert operator.post(reverse("monitoring:source_pull", args=["xd-push"])).status_code == 404  # not a pull
