"""GET /healthz reports database, task queue and MQTT, with 503 when a part is down."""

import socket

import pytest
from huey import RedisHuey

from tests.services import port_answers


def test_healthy_system_answers_200(client, db, settings):
    settings.MQTT_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["queue"]["status"] == "ok"
    assert "mqtt" not in body["components"]


def test_unreachable_mqtt_broker_gives_503(client, db, settings):
    with socket.socket() as sock:  # a port with nobody listening
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    settings.MQTT_URL = f"mqtt://127.0.0.1:{free_port}"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["components"]["mqtt"]["status"] == "down"


def test_reachable_mqtt_broker_is_ok(client, db, settings):
    if not port_answers(1883):
        pytest.skip("No MQTT broker answers on 127.0.0.1:1883 (start Mosquitto to run this test).")
    settings.MQTT_URL = "mqtt://127.0.0.1:1883"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["components"]["mqtt"]["status"] == "ok"


def test_unreachable_task_queue_gives_503(client, db, settings, monkeypatch):
    settings.MQTT_URL = ""
    from huey.contrib import djhuey

    dead = RedisHuey("ioc-health-test", url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    monkeypatch.setattr(djhuey, "HUEY", dead)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["components"]["queue"]["status"] == "down"
