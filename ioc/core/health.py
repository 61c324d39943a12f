"""Health of the parts the IOC depends on: database, task queue and (when configured) MQTT broker."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection


def _timed(check):
    started = time.perf_counter()
    try:
        detail = check() or {}
        status = "ok"
    except Exception as exc:  # a health probe reports every failure instead of raising
        detail, status = {"error": f"{type(exc).__name__}: {exc}"[:300]}, "down"
    return {"status": status, "ms": round((time.perf_counter() - started) * 1000, 1), **detail}


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"engine": connection.vendor}


def check_queue():
    from huey.contrib.djhuey import HUEY

    storage = HUEY.storage
    if hasattr(storage, "conn") and hasattr(storage.conn, "ping"):
        storage.conn.ping()
    return {"backend": type(HUEY).__name__, "pending": storage.queue_size()}


def check_mqtt(url=None):
    import paho.mqtt.client as mqtt

    parts = urlsplit(url or settings.MQTT_URL)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="", clean_session=True)
    if parts.username:
        client.username_pw_set(parts.username, parts.password)
    if parts.scheme in ("mqtts", "ssl"):
        client.tls_set()
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883, keepalive=5)
    client.disconnect()
    return {"broker": f"{parts.hostname}:{parts.port or 1883}"}


def health_report():
    """(healthy, report): each component's status and timing."""
    report = {"database": _timed(check_database), "queue": _timed(check_queue)}
    if settings.MQTT_URL:
        report["mqtt"] = _timed(check_mqtt)
    healthy = all(part["status"] == "ok" for part in report.values())
    return healthy, report
