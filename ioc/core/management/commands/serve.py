"""Serve the IOC: the web app (gunicorn) and the background worker (huey consumer) side by side,
plus the MQTT ingester when MQTT_URL is set and the command exists. Ctrl-C stops them all."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError

from ioc.core.checks import production_problems


class Command(BaseCommand):
    help = "Serve the web app and the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default=os.environ.get("IOC_HOST", "127.0.0.1"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("IOC_WEB_WORKERS", "2")))

    def handle(self, *args, port, host, web_workers, **options):
        problems = production_problems()
        if problems:
            raise CommandError("IOC refuses to start in production:\n  - " + "\n  - ".join(problems))
        python = sys.executable
        commands = {
            "web": [python, "-m", "gunicorn", "ioc.wsgi:application", "--bind", f"{host}:{port}",
                    "--workers", str(web_workers), "--threads", "4", "--access-logfile", "-",
                    "--graceful-timeout", "10"],
            "worker": [python, "manage.py", "run_huey", "--flush-locks"],
        }
        if settings.MQTT_URL and "ingest_mqtt" in get_commands():
            commands["mqtt"] = [python, "manage.py", "ingest_mqtt"]
        self._print_banner(host, port)
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} stopped with code {process.returncode}; stopping the rest.")
                        stopping = True
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _print_banner(self, host, port):
        from django.contrib.auth import get_user_model

        from ioc.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_totp_secret

        self.stdout.write(self.style.SUCCESS(f"\nIOC Bắc Ninh: http://{host}:{port}/"))
        if get_user_model().objects.filter(is_demo=True).exists():
            self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
            for username, _full_name, role_label, _role, _unit, uses_2fa in DEMO_ACCOUNTS:
                second = f"  2FA, TOTP secret {demo_totp_secret(username)}" if uses_2fa else ""
                self.stdout.write(f"  {username:<16} {role_label}{second}")
            self.stdout.write("")
