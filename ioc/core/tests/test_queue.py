"""Background jobs run on huey: tasks run at once in tests, and a task round-trips through the real storage."""

import os

import pytest
from huey import RedisHuey

from tests.services import port_answers


def _round_trip(huey):
    @huey.task()
    def add(a, b):
        return a + b

    result = add(2, 3)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    huey.execute(task)
    assert result.get() == 5


def test_sqlite_task_store_round_trip(tmp_path):
    from ioc.lib.sqlite_queue import SqliteQueue

    queue = SqliteQueue("ioc-test", filename=str(tmp_path / "tasks.sqlite3"))
    _round_trip(queue)
    # The embedded queue is as durable as the application's database (WAL, synchronous=NORMAL), not more.
    conn = queue.storage.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1


def test_redis_task_store_round_trip():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    if not port_answers(6379):
        pytest.skip("No Redis answers on 127.0.0.1:6379 (start redis-server to run this test).")
    huey = RedisHuey("ioc-test-roundtrip", url=url)
    huey.flush()
    try:
        _round_trip(huey)
    finally:
        huey.flush()


def test_configured_queue_matches_environment(settings):
    from huey.contrib.djhuey import HUEY

    expected = "RedisHuey" if settings.REDIS_URL else "SqliteQueue"
    assert type(HUEY).__name__ == expected
    assert HUEY.immediate  # tests run tasks at once
