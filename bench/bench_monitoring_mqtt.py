"""MQTT ingestion through the local Mosquitto into storage (issue 4): ≥ 10,000 messages/s sustained.

A publisher process sends N QoS 1 messages (one reading each, `{"metric", "value", "time"}`, round-robin over
100 stations) to 127.0.0.1:1883 as fast as it can; the ingester (`ioc.monitoring.mqtt.Ingester`, the code
`manage.py ingest_mqtt` runs: persistent MQTT 5 session, manual acknowledgement after commit, batches of up to
5,000 messages or 200 ms) runs in the benchmark's worker process. The figure is messages stored per second from
the publisher's start until the last message is committed (rollups, latest values and the readings_written
signal included). Naive baseline in the same run: the same ingester writing and acknowledging one message at a
time (batch size 1).

Each database is measured in its own worker process with a fresh database: SQLite in IOC_DATA_DIR/bench-mqtt/,
PostgreSQL (when it answers) in `ioc_bench_mqtt`. Skipped with a message when no broker answers.
IOC_BENCH_MQTT_MESSAGES changes N (default 200,000; the baseline sends 2,000).
"""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.common import data_root, fresh_postgres, postgres_answers, scratch_worker_env

ROOT = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("IOC_BENCH_MQTT_URL", "mqtt://127.0.0.1:1883")
MESSAGES = int(os.environ.get("IOC_BENCH_MQTT_MESSAGES", "200000"))
NAIVE_MESSAGES = int(os.environ.get("IOC_BENCH_MQTT_NAIVE", "2000"))
STATIONS = 100
PG_DATABASE = "ioc_bench_mqtt"
TITLE = "MQTT sensor ingestion through Mosquitto into storage"
TARGET = 10_000
NEXT_T = int(time.time()) - 6 * 3600



def broker_answers():
    from urllib.parse import urlsplit

    parts = urlsplit(BROKER)
    try:
        with socket.create_connection((parts.hostname, parts.port or 1883), timeout=2):
            return True
    except OSError:
        return False





def main():
    from bench.common import setup_django, write_results

    figures, notes = {}, []
    if not broker_answers():
        print(f"MQTT benchmark skipped: no broker answers at {BROKER} (start Mosquitto).")
        notes.append(f"Skipped: no MQTT broker answered at {BROKER}.")
        setup_django()
        write_results("monitoring_mqtt", TITLE, figures, "\n".join(f"- {n}" for n in notes))
        return
    backends = ["sqlite"] + (["postgresql"] if postgres_answers() else [])
    if "postgresql" not in backends:
        notes.append("PostgreSQL skipped: nothing answers on 127.0.0.1:5432.")
    for backend in backends:
        print(f"-- {backend}")
        if backend == "postgresql":
            fresh_postgres(PG_DATABASE)
        out = data_root() / f"bench-mqtt-{backend}.json"
        out.unlink(missing_ok=True)
        completed = subprocess.run([sys.executable, "-m", "bench.bench_monitoring_mqtt", "measure", backend, str(out)],
                                   cwd=ROOT, env=scratch_worker_env("mqtt", backend, PG_DATABASE), timeout=3600)
        if completed.returncode != 0 or not out.exists():
            notes.append(f"The {backend} worker failed (exit {completed.returncode}).")
            continue
        result = json.loads(out.read_text())
        figures.update(result["figures"])
        notes += result["notes"]
    notes.append(f"Target: ≥ {TARGET:,} messages/s sustained (ThingsBoard publishes about 1,000/s on 2 vCPUs).")
    notes.append("Publisher, Mosquitto, the ingester and the database share the same 2 CPUs.")
    setup_django()
    write_results("monitoring_mqtt", TITLE, figures, "\n".join(f"- {n}" for n in notes))


# --- Worker ----------------------------------------------------------------------------------------------


def prepare():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ioc.core.models import Area, AreaLevel, Unit, UnitKind
    from ioc.monitoring.models import Metric, Station, StationKind

    province = Area.objects.create(code="24", name="Tỉnh Bắc Ninh", short_name="Bắc Ninh", kind="Tỉnh",
                                   level=AreaLevel.PROVINCE, latitude=21.24, longitude=106.16)
    communes = [Area.objects.create(code=f"9{i:04d}", name=f"Xã {i}", short_name=f"{i}", kind="Xã",
                                    level=AreaLevel.COMMUNE, parent=province, latitude=21.0 + i * 0.02,
                                    longitude=106.0 + i * 0.02, area_km2=30) for i in range(20)]
    unit = Unit.objects.create(code="so-nnmt", name="Sở Nông nghiệp và Môi trường", kind=UnitKind.DEPARTMENT)
    Metric.objects.create(code="pm25", name="PM2.5", unit_of_measure="µg/m³", min_valid=0, max_valid=1000,
                          warning_threshold=50, critical_threshold=100)
    Station.objects.bulk_create([
        Station(code=f"kk-{i:03d}", name=f"Trạm {i}", kind=StationKind.AIR_QUALITY, latitude=21.1, longitude=106.1,
                area=communes[i % len(communes)], owner_unit=unit) for i in range(STATIONS)])


WINDOW = 20_000  # messages the publisher may be ahead of the ingester (Mosquitto drops beyond ~39,000 here)


def _remaining_length(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(text):
    raw = text.encode()
    return len(raw).to_bytes(2, "big") + raw


def publish(url, topic_root, count, start_t):
    """The publisher process: `count` QoS 1 PUBLISH packets written straight to the socket (a load generator,
    not a client library: paho alone tops out near 7,000 messages/s in Python), never more than WINDOW ahead of
    what the ingester reports on stdin. Prints its timing."""
    import select
    import threading
    from urllib.parse import urlsplit

    broker = urlsplit(url)
    sock = socket.create_connection((broker.hostname, broker.port or 1883))
    flags, payload = 0x02, _string(f"bench-pub-{uuid.uuid4().hex[:8]}")  # clean session
    if broker.username:
        flags |= 0x80 | (0x40 if broker.password else 0)
        payload += _string(broker.username) + (_string(broker.password) if broker.password else b"")
    variable = _string("MQTT") + bytes([4, flags]) + (60).to_bytes(2, "big")
    sock.sendall(b"\x10" + _remaining_length(len(variable) + len(payload)) + variable + payload)
    if sock.recv(4)[:2] != b"\x20\x02":
        raise SystemExit("the broker refused the publisher")
    acked = {"n": 0}

    def read_acks():
        buffer = b""
        while acked["n"] < count:
            chunk = sock.recv(65536)
            if not chunk:
                return
            buffer += chunk
            whole = len(buffer) // 4 * 4  # PUBACK packets are 4 bytes
            acked["n"] += whole // 4
            buffer = buffer[whole:]

    reader = threading.Thread(target=read_acks, daemon=True)
    reader.start()
    topics = [_string(f"{topic_root}/kk-{i:03d}") for i in range(STATIONS)]
    stored, sent, started = 0, 0, time.perf_counter()
    stdin, pending = sys.stdin.fileno(), b""
    while sent < count:
        ready = stdin is not None and select.select([stdin], [], [], 0 if sent - stored < WINDOW else 0.01)[0]
        if ready:
            chunk = os.read(stdin, 65536)  # raw reads: a buffered reader would hide lines from select()
            if not chunk:  # nobody reports progress: no window
                stored, stdin = count, None
                continue
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if lines and lines[-1].strip():
                stored = int(lines[-1])
        room = min(2000, WINDOW - (sent - stored), count - sent)
        if room <= 0:
            continue
        packets = []
        for n in range(sent, sent + room):
            body = (f'{{"metric":"pm25","value":{20 + (n * 7919) % 500 / 10},"time":{start_t + n // STATIONS}}}'
                    ).encode()
            topic = topics[n % STATIONS]
            packets.append(b"\x32" + _remaining_length(len(topic) + 2 + len(body)) + topic
                           + (n % 65535 + 1).to_bytes(2, "big") + body)
        sock.sendall(b"".join(packets))
        sent += room
    reader.join(timeout=600)
    seconds = time.perf_counter() - started
    sock.sendall(b"\xe0\x00")  # DISCONNECT
    sock.close()
    print(json.dumps({"published": count, "acknowledged": acked["n"], "seconds": seconds}), flush=True)


def run_ingestion(count, *, batch_size, flush_ms, label):
    """Publish `count` messages in a subprocess and ingest them here; returns the figures."""
    from ioc.monitoring.mqtt import Ingester, make_client, parse_url
    from ioc.monitoring.models import Reading

    tag = uuid.uuid4().hex[:8]
    topic_root, client_id = f"bench/{tag}/readings", f"bench-ingest-{tag}"
    before = Reading.objects.count()
    ingester = Ingester(BROKER, client_id=client_id, topic_root=topic_root, batch_size=batch_size,
                        flush_ms=flush_ms, receive_maximum=65535).start()
    if not ingester.connected.wait(10):
        raise RuntimeError("the ingester could not subscribe")
    global NEXT_T
    start_t, NEXT_T = NEXT_T, NEXT_T + count // STATIONS + 1  # each run writes instants of its own
    started = time.perf_counter()
    publisher = subprocess.Popen([sys.executable, "-m", "bench.bench_monitoring_mqtt", "publish", BROKER, topic_root,
                                  str(count), str(start_t)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 env=os.environ.copy(), text=True, bufsize=1)
    deadline = time.monotonic() + max(120, count / 500)
    while ingester.stats.received < count and time.monotonic() < deadline:
        ingester.wait_for_batch(0.5)
        if ingester.flush_pending():
            try:
                publisher.stdin.write(f"{ingester.stats.received}\n")
            except BrokenPipeError:
                pass  # the publisher has sent everything
    elapsed = time.perf_counter() - started
    try:
        publisher.stdin.close()
    except BrokenPipeError:
        pass
    out = publisher.stdout.read()
    publisher.wait(timeout=600)
    published = json.loads(out.strip().splitlines()[-1])
    ingester.stop()
    # Forget the session on the broker.
    client, properties = make_client(parse_url(BROKER), client_id=client_id)
    client.connect(parse_url(BROKER).host, parse_url(BROKER).port, clean_start=True, properties=properties)
    client.disconnect()
    stored_rows = Reading.objects.count() - before
    stats = ingester.stats
    return {
        "messages": count,
        "stored": stats.stored,
        "invalid": stats.invalid,
        "rows_in_db": stored_rows,
        "flushes": stats.flushes,
        "seconds": round(elapsed, 2),
        "messages_per_s": round(stats.stored / elapsed) if elapsed else 0,
        "publisher_msgs_per_s": round(published["published"] / published["seconds"]),
        "label": label,
    }


def measure(backend):
    from bench.common import setup_django

    setup_django()
    prepare()
    from django.db import connection

    run_ingestion(2000, batch_size=5000, flush_ms=200, label="warm-up")
    fast = run_ingestion(MESSAGES, batch_size=5000, flush_ms=200, label="batched")
    naive = run_ingestion(NAIVE_MESSAGES, batch_size=1, flush_ms=1, label="one write per message")
    ratio = round(fast["messages_per_s"] / naive["messages_per_s"], 1) if naive["messages_per_s"] else None
    vendor = connection.vendor
    figures = {
        f"{vendor}: batched ingester ({MESSAGES:,} msgs)": {k: v for k, v in fast.items() if k != "label"},
        f"{vendor}: naive, one write + ack per message ({NAIVE_MESSAGES:,} msgs)": {
            k: v for k, v in naive.items() if k != "label"},
        f"{vendor}: speed-up": {"times_naive": ratio, "target_met": fast["messages_per_s"] >= TARGET},
    }
    notes = []
    if fast["stored"] < MESSAGES:
        notes.append(f"{vendor}: only {fast['stored']:,} of {MESSAGES:,} messages arrived before the deadline.")
    return {"figures": figures, "notes": notes}


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "publish":
        publish(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif len(sys.argv) == 4 and sys.argv[1] == "measure":
        Path(sys.argv[3]).write_text(json.dumps(measure(sys.argv[2]), ensure_ascii=False, indent=1))
    else:
        main()
