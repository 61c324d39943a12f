"""The push API for observations: rows per indicator × area × period, errors per row, access, idempotency."""

import json

from ioc.monitoring.models import IngestBatch, Observation

from .ingest_fixtures import *  # noqa: F403

URL = "/api/v1/monitoring/observations"


def post(client, body, key, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key, **headers)


def test_it_writes_observations(client, world, api_keys):
    body = {"source": "xd-push", "observations": [
        {"indicator": "nha-o-kien-co", "area": "07210", "period": "2025-03", "value": 87.5, "quality": "official"},
        {"indicator": "nha-o-kien-co", "area": "Song Khê", "period": "04/2025", "value": "88,5"},
        ["giay-phep-xay-dung", "24", "2025-Q1", 120, "preliminary", "ước tính đầu quý"],
    ]}
    response = post(client, body, api_keys["a"])
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "committed"
    current = Observation.objects.filter(is_current=True, batch__public_id=response.json()["batch"])
    assert {(o.indicator.code, o.area.code, o.period.isoformat(), o.value) for o in current} >= {
        ("nha-o-kien-co", "07210", "2025-03-01", 87.5), ("nha-o-kien-co", "07210", "2025-04-01", 88.5),
        ("giay-phep-xay-dung", "24", "2025-01-01", 120.0)}
    assert current.get(indicator__code="giay-phep-xay-dung").note == "ước tính đầu quý"


def test_errors_per_row_and_nothing_written(client, world, api_keys):
    body = {"observations": [
        {"indicator": "nha-o-kien-co", "area": "07210", "period": "2025-03", "value": 87.5},
        {"indicator": "nha-o-kien-co", "area": "07210", "period": "Q1/2025", "value": 1},
        {"indicator": "nha-o-kien-co", "area": "xã ma", "period": "2025-03", "value": 1},
        {"indicator": "nha-o-kien-co", "area": "07220", "period": "2025-03", "value": True},
        {"indicator": "nha-o-kien-co", "area": "07210", "period": "2025-03", "value": 2},
    ]}
    response = post(client, body, api_keys["a"])
    assert response.status_code == 422
    assert sorted((e["row"], e["column"]) for e in response.json()["errors"]) == [
        (2, "period"), (3, "area"), (4, "value"), (5, "period")]
    assert Observation.objects.count() == 0


def test_another_units_indicator_is_403(client, world, api_keys):
    response = post(client, {"observations": [{"indicator": "giuong-benh", "area": "24", "period": "2025-03",
                                               "value": 80}]}, api_keys["a"])
    assert response.status_code == 403
    assert response.json()["errors"][0]["row"] == 1
    assert Observation.objects.count() == 0
    assert post(client, {"observations": [{"indicator": "giuong-benh", "area": "24", "period": "2025-03",
                                           "value": 80}]}, api_keys["b"]).status_code == 200


def test_resending_with_the_key_is_answered_from_the_first_batch(client, world, api_keys):
    body = {"observations": [{"indicator": "nha-o-kien-co", "area": "24", "period": "2025", "value": 1}]}
    first = post(client, body, api_keys["a"], HTTP_IDEMPOTENCY_KEY="bc-2025")
    assert first.status_code == 422  # a monthly indicator: "2025" is not a month
    body["observations"][0]["period"] = "2025-01"
    second = post(client, body, api_keys["a"], HTTP_IDEMPOTENCY_KEY="bc-2025")
    third = post(client, body, api_keys["a"], HTTP_IDEMPOTENCY_KEY="bc-2025")
    assert second.status_code == third.status_code == 200
    assert third.json()["batch"] == second.json()["batch"] and third["Idempotent-Replayed"] == "true"
    assert IngestBatch.objects.filter(status="committed").count() == 1
    assert Observation.objects.filter(indicator=world["housing"], is_current=True).count() == 1


def test_anonymous_is_401(client, world):
    response = client.post(URL, data=json.dumps({"observations": []}), content_type="application/json")
    assert response.status_code == 401
