"""Settings from the environment; production refuses demo accounts and insecure settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[3]

SECURE_PRODUCTION = {
    "IOC_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "ioc.bacninh.gov.vn",
    "DATABASE_URL": "postgresql://ioc@127.0.0.1:1/ioc",  # not reached by `check`
}


def run_manage(*args, env_extra, data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IOC_", "DATABASE_URL", "REDIS_URL", "MQTT_URL",
                                                                       "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST",
                                                                       "DJANGO_"))}
    env.update({"IOC_DATA_DIR": str(data_dir), **env_extra})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_lists_what_to_set(tmp_path):
    result = run_manage("check", "--deploy", env_extra={"IOC_ENV": "production", "IOC_DEBUG": "1"},
                        data_dir=tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "IOC_DEBUG is on" in output
    assert "DATABASE_URL is not set" in output
    assert "ALLOWED_HOSTS names only local addresses" in output


def test_secure_production_settings_pass_check_deploy(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=SECURE_PRODUCTION, data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_values_fail_at_start_with_a_message(tmp_path):
    result = run_manage("check", env_extra={"IOC_DEBUG": "maybe"}, data_dir=tmp_path)
    assert result.returncode != 0
    assert "IOC_DEBUG='maybe' is not a yes/no value" in result.stderr
    result = run_manage("check", env_extra={"DATABASE_URL": "mysql://x/y"}, data_dir=tmp_path)
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    from ioc.lib.env import read_or_create_secret

    path = tmp_path / "secret_key"
    first = read_or_create_secret(path)
    assert len(first) >= 50
    assert read_or_create_secret(path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_production_refuses_demo_accounts(db, settings):
    from tests.factories import make_user
    from ioc.core.checks import production_problems

    settings.PRODUCTION, settings.DEBUG, settings.DATABASE_URL = True, False, "postgresql://x/y"
    settings.HTTPS, settings.ALLOWED_HOSTS, settings.IOC_REQUIRE_2FA_FOR_STAFF = True, ["ioc.bacninh.gov.vn"], True
    settings.SECRET_KEY = "k" * 64
    assert production_problems() == []
    make_user("demo-officer", is_demo=True)
    assert any("Demo accounts exist" in p for p in production_problems())


def test_serve_refuses_to_start_in_production_with_problems(tmp_path):
    result = run_manage("serve", env_extra={"IOC_ENV": "production"}, data_dir=tmp_path)
    assert result.returncode != 0
    assert "IOC refuses to start in production" in result.stderr


def test_wsgi_application_refuses_insecure_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IOC_", "PYTEST", "DJANGO_"))}
    env.update({"IOC_ENV": "production", "IOC_DATA_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-c", "import ioc.wsgi"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "IOC refuses to start in production" in result.stderr


def test_data_dir_holds_database_secret_and_task_store(tmp_path):
    script = ("from django.conf import settings; import django; django.setup(); "
              "print(settings.DATABASES['default']['NAME']); print(settings.HUEY['filename'])")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IOC_", "DATABASE_URL", "REDIS_URL", "PYTEST", "DJANGO_"))}
    env.update({"IOC_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ioc.settings"})
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    database, task_store = result.stdout.split()
    assert database == str(tmp_path / "ioc.sqlite3")
    assert task_store == str(tmp_path / "tasks.sqlite3")
    assert (tmp_path / "secret_key").exists()


def test_the_wsgi_worker_freezes_what_it_loaded(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IOC_", "DATABASE_URL", "REDIS_URL", "PYTEST", "DJANGO_"))}
    env.update({"IOC_DATA_DIR": str(tmp_path)})
    script = "import gc, ioc.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > 10_000  # Django and the project's modules


def test_task_worker_log_lines_show_once():
    """run_huey adds a handler of its own to the "huey" logger unless it has one; with the root's handler too, every
    line of `make run`'s worker showed twice."""
    import logging

    huey = logging.getLogger("huey")
    assert huey.handlers and huey.propagate is False
