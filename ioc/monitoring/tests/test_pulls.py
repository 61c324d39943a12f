"""Scheduled pulls against a real HTTP server on the loopback address: success, failures, bad rows, schedule,
limits, and stale sources."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from ioc.monitoring import pulls
from ioc.monitoring.models import (BatchStatus, DataSource, IngestBatch, Observation, PullFormat, Reading,
                                   SourceKind)

from .ingest_fixtures import *  # noqa: F403
from .ingest_fixtures import recent_hour


class Publisher:
    """A small HTTP server whose answers the test sets: path → (status, content type, body)."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        publisher = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                publisher.requests.append((self.path, dict(self.headers)))
                status, content_type, body = publisher.routes.get(self.path, (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def publish(self, path, body, *, status=200, content_type="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.routes[path] = (status, content_type, body)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def publisher():
    server = Publisher()
    yield server
    server.close()


@pytest.fixture
def source(world, publisher):
    return DataSource.objects.create(
        code="khong-khi-xd", name="Cổng dữ liệu không khí", owner_unit=world["units"]["a"], kind=SourceKind.PULL,
        url=publisher.url("/api/khong-khi"), pull_format=PullFormat.JSON, schedule_minutes=10, stale_after_minutes=90,
        auth_header="Authorization: Bearer bi-mat",
        field_mapping={"records": "data.items", "station": "ma_tram", "metric": "=pm25", "time": "thoi_gian",
                       "value": "gia_tri"},
    )


def air(hour, values=(30.5, 31.0)):
    return {"data": {"items": [{"ma_tram": "KK-01", "thoi_gian": (hour + timedelta(hours=i)).isoformat(),
                                "gia_tri": v} for i, v in enumerate(values)]}}


def test_a_pull_writes_what_the_source_publishes(source, publisher):
    hour = recent_hour(3)
    publisher.publish("/api/khong-khi", air(hour))
    batch = pulls.pull_source(source)
    assert batch.status == BatchStatus.COMMITTED and batch.kind == "pull" and batch.rows_written == 2
    assert sorted(Reading.objects.values_list("value", flat=True)) == [30.5, 31.0]
    source.refresh_from_db()
    assert source.last_pull_at and source.last_success_at and source.last_received_at
    assert source.consecutive_failures == 0 and source.last_error == ""
    assert publisher.requests[0][1]["Authorization"] == "Bearer bi-mat"


def test_the_same_content_again_writes_no_new_batch(source, publisher):
    publisher.publish("/api/khong-khi", air(recent_hour(3)))
    pulls.pull_source(source)
    received = DataSource.objects.get(pk=source.pk).last_received_at
    assert pulls.pull_source(source) is None
    assert IngestBatch.objects.filter(source=source).count() == 1
    source.refresh_from_db()
    assert source.last_received_at == received and source.consecutive_failures == 0


def test_http_errors_are_recorded_and_counted(source, publisher):
    publisher.publish("/api/khong-khi", b"loi may chu", status=500, content_type="text/plain")
    for expected in (1, 2):
        batch = pulls.pull_source(source)
        source.refresh_from_db()
        assert source.consecutive_failures == expected
    assert "500" in source.last_error and source.last_success_at is None
    assert batch.status == BatchStatus.FAILED and "500" in batch.errors[0]["message"]
    from ioc.core.models import AuditEvent

    failures = AuditEvent.objects.filter(object_id=str(source.pk), note__startswith="pull failed")
    assert failures.count() == 2 and "500" in failures.first().changes["last_error"][1]
    # A later success clears the count.
    publisher.publish("/api/khong-khi", air(recent_hour(3)))
    pulls.pull_source(source)
    source.refresh_from_db()
    assert source.consecutive_failures == 0 and source.last_error == ""


def test_an_unreachable_address_and_a_wrong_scheme_fail_cleanly(source, publisher):
    import socket

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    DataSource.objects.filter(pk=source.pk).update(url=f"http://127.0.0.1:{port}/x")
    source.refresh_from_db()
    pulls.pull_source(source)
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and "kết nối" in source.last_error
    source.url = "file:///etc/passwd"
    pulls.pull_source(source)
    source.refresh_from_db()
    assert source.consecutive_failures == 2 and "http://" in source.last_error


def test_bad_rows_are_refused_whole(source, publisher):
    hour = recent_hour(3)
    body = air(hour)
    body["data"]["items"].append({"ma_tram": "KK-02", "thoi_gian": hour.isoformat(), "gia_tri": 3})  # Sở Y tế's
    body["data"]["items"].append({"ma_tram": "KK-01", "thoi_gian": "không rõ", "gia_tri": 3})
    publisher.publish("/api/khong-khi", body)
    batch = pulls.pull_source(source)
    assert batch.status == BatchStatus.REJECTED
    assert sorted((e["row"], e["column"]) for e in batch.errors) == [(3, "station"), (4, "time")]
    assert Reading.objects.count() == 0
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and "2 dòng" in source.last_error


def test_a_body_over_the_limit_is_refused(source, publisher, settings):
    settings.IOC_PULL_MAX_BYTES = 50
    publisher.publish("/api/khong-khi", air(recent_hour(3)))
    pulls.pull_source(source)
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and "MB" in source.last_error
    assert Reading.objects.count() == 0


def test_csv_observations(world, publisher):
    text = "ma;xa;ky;so\nnha-o-kien-co;07210;2025-03;81,5\nnha-o-kien-co;Song Khê;2025-04;82\n"
    publisher.publish("/bao-cao.csv", text.encode(), content_type="text/csv")
    source = DataSource.objects.create(
        code="bao-cao-xd", name="Báo cáo Sở Xây dựng", owner_unit=world["units"]["a"], kind=SourceKind.PULL,
        url=publisher.url("/bao-cao.csv"), pull_format=PullFormat.CSV, schedule_minutes=60,
        field_mapping={"indicator": "ma", "area": "xa", "period": "ky", "value": "so"})
    batch = pulls.pull_source(source)
    assert batch.status == BatchStatus.COMMITTED, batch.errors
    assert sorted(Observation.objects.filter(batch=batch, is_current=True, area=world["commune"])
                  .values_list("value", flat=True)) == [81.5, 82.0]


def test_only_due_sources_are_pulled(source, publisher):
    publisher.publish("/api/khong-khi", air(recent_hour(3)))
    now = timezone.now()
    DataSource.objects.filter(pk=source.pk).update(last_pull_at=now - timedelta(minutes=5))
    assert pulls.pull_due(now) == 0
    DataSource.objects.filter(pk=source.pk).update(last_pull_at=now - timedelta(minutes=11))
    pulls.pull_due_sources.call_local()
    assert Reading.objects.count() == 2
    DataSource.objects.filter(pk=source.pk).update(is_active=False, last_pull_at=None)
    assert pulls.pull_due(timezone.now()) == 0


def test_a_silent_source_becomes_stale(source, publisher):
    now = timezone.now()
    DataSource.objects.filter(pk=source.pk).update(last_received_at=now - timedelta(hours=2))
    publisher.publish("/api/khong-khi", b"", status=503, content_type="text/plain")
    pulls.pull_source(source)
    source.refresh_from_db()
    assert source.is_stale(now)
    publisher.publish("/api/khong-khi", air(recent_hour(3)))
    pulls.pull_source(source)
    source.refresh_from_db()
    assert not source.is_stale()
