"""The embedded run's task queue: huey's SQLite storage with the same durability as the application's database.

huey's SqliteHuey keeps SQLite's default `synchronous=FULL`, one fsync per enqueued task, on the request's path
(each report enqueues its acknowledgement). The application's own database runs `synchronous=NORMAL` in WAL mode,
which survives a crash of any process and loses at most the last commits on a power cut, never corrupting the
file; a queue more durable than the rows its tasks refer to buys nothing, so it uses NORMAL too.
"""

from huey import SqliteHuey
from huey.storage import SqliteStorage


class NormalSyncSqliteStorage(SqliteStorage):
    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn


class SqliteQueue(SqliteHuey):
    storage_class = NormalSyncSqliteStorage
