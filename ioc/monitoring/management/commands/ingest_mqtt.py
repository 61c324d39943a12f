"""Subscribe to the MQTT broker and store sensor readings (see ioc/monitoring/mqtt.py for the protocol).

`manage.py serve` starts it when MQTT_URL is set. It runs until stopped (Ctrl-C or SIGTERM: what was received is
written and acknowledged first) and never exits because the broker or the database is away: it waits and
reconnects.
"""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ioc.monitoring.mqtt import DEFAULT_CLIENT_ID, TOPIC_ROOT, Ingester, parse_url


class Command(BaseCommand):
    help = "Store sensor readings published over MQTT (topic ioc/readings/{station code}, JSON payloads)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="Broker address (default: MQTT_URL).")
        parser.add_argument("--client-id", default=settings.MQTT_CLIENT_ID or DEFAULT_CLIENT_ID,
                            help="Fixed client id: the broker keeps this id's session while the ingester is away.")
        parser.add_argument("--topic-root", default=TOPIC_ROOT, help="Readings arrive on <root>/<station code>.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Messages per write, at most.")
        parser.add_argument("--flush-ms", type=int, default=200,
                            help="Longest wait, in milliseconds, before a partial batch is written.")
        parser.add_argument("--duration", type=float, default=None, help="Stop after this many seconds.")

    def handle(self, *args, url, client_id, topic_root, batch_size, flush_ms, duration, **options):
        url = url or settings.MQTT_URL
        if not url:
            raise CommandError("Set MQTT_URL (for example mqtt://127.0.0.1:1883) or pass --url.")
        try:
            parse_url(url)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if batch_size < 1 or flush_ms < 1:
            raise CommandError("--batch-size and --flush-ms must be positive.")
        ingester = Ingester(url, client_id=client_id, topic_root=topic_root, batch_size=batch_size,
                            flush_ms=flush_ms)

        def stop(*_):
            ingester.stopping.set()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        self.stdout.write(f"MQTT ingestion from {ingester.broker.label}, topic {topic_root}/+, client id {client_id}")
        ingester.start()
        try:
            ingester.run(duration=duration)
        finally:
            ingester.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        s = ingester.stats
        self.stdout.write(f"Stopped: {s.received} messages, {s.stored} stored, {s.invalid} invalid, "
                          f"{s.written} readings written.")
