"""The push API for readings: formats, per-row errors, all or nothing, idempotency, access and limits."""

import json

import pytest

from ioc.core.models import AuditEvent
from ioc.monitoring.models import BatchStatus, DataSource, IngestBatch, Reading, Series

from .ingest_fixtures import *  # noqa: F403
from .ingest_fixtures import iso, recent_hour

URL = "/api/v1/monitoring/readings"


def post(client, body, key=None, **headers):
    if key:
        headers["HTTP_X_API_KEY"] = key
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def readings_of(station, metric):
    series = Series.objects.filter(station__code=station, metric__code=metric).first()
    if series is None:
        return {}
    return dict(Reading.objects.filter(series=series).values_list("t", "value"))


def test_it_writes_a_batch_of_objects(client, world, api_keys):
    hour = recent_hour()
    body = {"source": "xd-push", "readings": [
        {"station": "KK-01", "metric": "pm25", "time": iso(hour), "value": 35.2},
        {"station": "KK-01", "metric": "pm10", "time": iso(hour), "value": 61},
    ]}
    response = post(client, body, api_keys["a"])
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == "committed" and answer["received"] == 2 and answer["written"] == 2
    assert readings_of("KK-01", "pm25") == {int(hour.timestamp()): 35.2}
    batch = IngestBatch.objects.get(public_id=answer["batch"])
    assert batch.kind == "push" and batch.unit == world["units"]["a"] and batch.api_key.name == "key-a"
    assert batch.source == world["push_a"]
    assert DataSource.objects.get(code="xd-push").last_received_at is not None
    event = AuditEvent.objects.get(object_type="monitoring.ingestbatch", object_id=str(batch.pk))
    assert event.actor_label == "API: key-a"


def test_it_accepts_arrays_and_columns(client, world, api_keys):
    hour = recent_hour(3)
    t = int(hour.timestamp())
    arrays = {"readings": [["KK-01", "pm25", iso(hour), 10.5], ["KK-01", "pm25", t + 3600, 11]]}
    assert post(client, arrays, api_keys["a"]).status_code == 200
    columns = {"columns": {"station": "KK-01", "metric": "pm10", "time": [t, t + 3600], "value": [20, 21.5]}}
    assert post(client, columns, api_keys["a"]).status_code == 200
    assert readings_of("KK-01", "pm25") == {t: 10.5, t + 3600: 11.0}
    assert readings_of("KK-01", "pm10") == {t: 20.0, t + 3600: 21.5}


def test_local_time_without_offset_is_vietnam_time(client, world, api_keys):
    hour = recent_hour()
    naive = hour.strftime("%Y-%m-%d %H:%M:%S")
    assert post(client, {"readings": [["KK-01", "pm25", naive, 1]]}, api_keys["a"]).status_code == 200
    assert readings_of("KK-01", "pm25") == {int(hour.timestamp()): 1.0}


def test_one_bad_row_and_nothing_is_written(client, world, api_keys):
    hour = recent_hour()
    body = {"readings": [
        {"station": "KK-01", "metric": "pm25", "time": iso(hour), "value": 30},
        {"station": "KK-99", "metric": "pm25", "time": iso(hour), "value": 30},
        {"station": "KK-01", "metric": "co2", "time": iso(hour), "value": 30},
        {"station": "KK-01", "metric": "pm25", "time": "hôm qua", "value": 30},
        {"station": "KK-01", "metric": "pm10", "time": iso(hour), "value": "nhiều"},
        {"station": "KK-01", "metric": "pm10", "time": iso(hour), "value": 5000},
        {"station": "KK-01", "metric": "pm25", "time": iso(hour), "value": 31},
    ]}
    response = post(client, body, api_keys["a"])
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    where = {(e["row"], e["column"]) for e in problem["errors"]}
    assert where == {(2, "station"), (3, "metric"), (4, "time"), (5, "value"), (6, "value"), (7, "time")}
    assert "dòng 1" in next(e["message"] for e in problem["errors"] if e["row"] == 7)
    assert problem["errors_total"] == 6 and problem["batch_status"] == "rejected" and problem["status"] == 422
    assert Reading.objects.count() == 0
    assert IngestBatch.objects.get(public_id=problem["batch"]).status == BatchStatus.REJECTED


def test_the_same_idempotency_key_returns_the_first_result(client, world, api_keys):
    hour = recent_hour()
    body = {"readings": [["KK-01", "pm25", iso(hour), 12]]}
    first = post(client, body, api_keys["a"], HTTP_IDEMPOTENCY_KEY="lo-2025-001")
    body["readings"][0][3] = 99  # a client that resends must not change what was written
    again = post(client, body, api_keys["a"], HTTP_IDEMPOTENCY_KEY="lo-2025-001")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["batch"] == first.json()["batch"] and again.json()["replayed"] is True
    assert readings_of("KK-01", "pm25") == {int(hour.timestamp()): 12.0}
    assert IngestBatch.objects.filter(kind="push").count() == 1
    # The key in the body works too, and another unit's identical key is another batch.
    other = post(client, {"idempotency_key": "lo-2025-001", "readings": [["KK-02", "pm25", iso(hour), 7]]},
                 api_keys["b"])
    assert other.status_code == 200 and other.json()["batch"] != first.json()["batch"]


def test_a_refused_batch_does_not_hold_its_key(client, world, api_keys):
    from ioc.core.models import AuditEvent

    hour = recent_hour()
    bad = post(client, {"readings": [["KK-01", "pm25", iso(hour), -1]]}, api_keys["a"], HTTP_IDEMPOTENCY_KEY="k1")
    assert bad.status_code == 422
    batch = IngestBatch.objects.get(public_id=bad.json()["batch"])
    refused = AuditEvent.objects.get(object_type="monitoring.ingestbatch", object_id=str(batch.pk))  # on the record
    assert refused.changes["status"] == [None, "rejected"] and refused.changes["errors_total"] == [None, 1]
    good = post(client, {"readings": [["KK-01", "pm25", iso(hour), 1]]}, api_keys["a"], HTTP_IDEMPOTENCY_KEY="k1")
    assert good.status_code == 200 and good.json()["status"] == "committed"


def test_another_units_station_is_forbidden(client, world, api_keys):
    hour = recent_hour()
    response = post(client, {"readings": [["KK-01", "pm25", iso(hour), 1], ["KK-02", "pm25", iso(hour), 1]]},
                    api_keys["a"])
    assert response.status_code == 403
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "station")]
    assert Reading.objects.count() == 0


def test_another_units_source_is_forbidden(client, world, api_keys):
    response = post(client, {"source": "yt-push", "readings": [["KK-01", "pm25", iso(recent_hour()), 1]]},
                    api_keys["a"])
    assert response.status_code == 403
    assert Reading.objects.count() == 0


def test_operators_write_to_any_station(client, world, signed_in):
    client = signed_in(world["people"]["operator"])
    hour = recent_hour()
    response = client.post(URL, data=json.dumps({"readings": [["KK-02", "pm25", iso(hour), 3]]}),
                           content_type="application/json")
    # A browser session needs its CSRF token on writes; the test client does not enforce it.
    assert response.status_code == 200, response.content
    assert readings_of("KK-02", "pm25") == {int(hour.timestamp()): 3.0}


def test_anonymous_is_401_and_citizens_403(client, world, signed_in):
    body = {"readings": [["KK-01", "pm25", iso(recent_hour()), 1]]}
    assert post(client, body).status_code == 401
    assert post(client, body, "ioc_nothing_valid").status_code == 401
    citizen = signed_in(world["people"]["citizen"])
    assert citizen.post(URL, data=json.dumps(body), content_type="application/json").status_code == 403
    assert Reading.objects.count() == 0


def test_too_many_rows_is_413(client, world, api_keys, settings):
    settings.IOC_PUSH_MAX_ROWS = 3
    rows = [["KK-01", "pm25", int(recent_hour(h).timestamp()), 1] for h in range(1, 5)]
    response = post(client, {"readings": rows}, api_keys["a"])
    assert response.status_code == 413
    assert "3" in response.json()["detail"]
    columns = {"columns": {"station": "KK-01", "metric": "pm25", "time": [r[2] for r in rows], "value": [1] * 4}}
    assert post(client, columns, api_keys["a"]).status_code == 413
    assert Reading.objects.count() == 0


@pytest.mark.parametrize("raw,status", [
    (b"", 400), (b"{not json", 400), (b"[1, 2]", 400), (b'{"readings": "x"}', 400), (b'{"readings": []}', 400),
    (b'{"columns": {"time": [1], "value": [1, 2]}}', 400),
])
def test_malformed_bodies_are_400(client, world, api_keys, raw, status):
    response = client.post(URL, data=raw, content_type="application/json", HTTP_X_API_KEY=api_keys["a"])
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


def test_rows_that_are_neither_objects_nor_arrays_are_reported(client, world, api_keys):
    response = post(client, {"readings": [["KK-01", "pm25", iso(recent_hour()), 1], "rác", [1, 2]]}, api_keys["a"])
    assert response.status_code == 422
    rows = {e["row"] for e in response.json()["errors"]}
    assert {2, 3} <= rows and 1 not in rows
