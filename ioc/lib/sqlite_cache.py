"""A Django cache back end in one SQLite file: the embedded run's shared cache (Redis in production).

Django's file-based cache lists its whole directory on every write to decide whether to cull, so each rate-limit
hit or version bump cost milliseconds, growing with the number of entries. Here every operation is one indexed
statement on a WAL database shared by all processes (web workers, the task consumer, the MQTT ingester), and
`incr` is atomic (one UPDATE … RETURNING), which the rate limiter and the data-version counters rely on.

Integers are stored as SQLite integers (so `incr` works in SQL); everything else is pickled.
"""

import os
import pickle
import random
import sqlite3
import threading
import time
from pathlib import Path

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# A rowid table with its key in a separate index, not WITHOUT ROWID: values reach megabytes (the public map's last
# copy), and in a WITHOUT ROWID table whole rows serve as dividers in the tree's inner pages, so every lookup
# that passed such a row read its overflow pages (measured: 0.8 ms instead of 5 µs per get beside a 12 MB entry).
SCHEMA = "CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value BLOB, expires REAL)"
CULL_EVERY = 500  # writes between two removals of expired entries (on average)


def _upgrade(conn):
    """Rebuild a cache table made WITHOUT ROWID by an earlier version, keeping its entries (rate-limit
    counters among them)."""
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cache'").fetchone()
    if "WITHOUT ROWID" not in sql.upper():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cache'").fetchone()
        if "WITHOUT ROWID" in sql.upper():  # not done meanwhile by another process
            conn.execute("ALTER TABLE cache RENAME TO cache_old")
            conn.execute(SCHEMA)
            conn.execute("INSERT INTO cache (key, value, expires) SELECT key, value, expires FROM cache_old")
            conn.execute("DROP TABLE cache_old")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _encode(value):
    if type(value) is int:
        return value
    return sqlite3.Binary(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def _decode(value):
    return value if isinstance(value, int) else pickle.loads(value)


class SQLiteCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)
        self.path = Path(location)
        self._local = threading.local()

    # --- connection ---------------------------------------------------------------------------------

    def _db(self):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a new thread, or a forked process
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(SCHEMA)
            _upgrade(conn)
            local.conn, local.pid = conn, os.getpid()
        return local.conn

    def _expiry(self, timeout):
        expires = self.get_backend_timeout(timeout)
        return None if expires is None else float(expires)

    # --- the cache API --------------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = self._db().execute(
            "SELECT value FROM cache WHERE key = ? AND (expires IS NULL OR expires > ?)", (key, time.time())
        ).fetchone()
        return default if row is None else _decode(row[0])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._db().execute("INSERT OR REPLACE INTO cache (key, value, expires) VALUES (?, ?, ?)",
                           (key, _encode(value), self._expiry(timeout)))
        self._maybe_cull()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        cursor = self._db().execute(
            "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
            "value = excluded.value, expires = excluded.expires "
            "WHERE cache.expires IS NOT NULL AND cache.expires <= ?",
            (key, _encode(value), self._expiry(timeout), time.time()))
        self._maybe_cull()
        return cursor.rowcount == 1

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = self._db().execute(
            "UPDATE cache SET value = value + ? WHERE key = ? AND typeof(value) = 'integer' "
            "AND (expires IS NULL OR expires > ?) RETURNING value", (delta, key, time.time())).fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return row[0]

    def count_hits(self, keys, timeout):
        """Add one to each counter in keys (starting a counter that is absent or expired at 1, to expire after
        `timeout` seconds) in one transaction; the new counts, in order. The rate limiter's fast path: one write
        per request instead of an add and an incr per key."""
        now = time.time()
        db = self._db()
        counts = []
        db.execute("BEGIN IMMEDIATE")
        try:
            for key in keys:
                key = self.make_and_validate_key(key)
                (count,) = db.execute(
                    "INSERT INTO cache (key, value, expires) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET "
                    "value = CASE WHEN typeof(cache.value) = 'integer' AND (cache.expires IS NULL OR cache.expires > ?) "
                    "THEN cache.value + 1 ELSE 1 END, "
                    "expires = CASE WHEN cache.expires IS NOT NULL AND cache.expires <= ? THEN excluded.expires "
                    "ELSE cache.expires END RETURNING value", (key, now + timeout, now, now)).fetchone()
                counts.append(count)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._maybe_cull()
        return counts

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        cursor = self._db().execute(
            "UPDATE cache SET expires = ? WHERE key = ? AND (expires IS NULL OR expires > ?)",
            (self._expiry(timeout), key, time.time()))
        return cursor.rowcount == 1

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute("DELETE FROM cache WHERE key = ?", (key,)).rowcount == 1

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute(
            "SELECT 1 FROM cache WHERE key = ? AND (expires IS NULL OR expires > ?)", (key, time.time())
        ).fetchone() is not None

    def clear(self):
        self._db().execute("DELETE FROM cache")

    def close(self, **kwargs):
        # Connections live per thread for the life of the process: nothing to do at the end of a request.
        pass

    # --- housekeeping -----------------------------------------------------------------------------------

    def _maybe_cull(self):
        if random.randrange(CULL_EVERY):
            return
        db = self._db()
        db.execute("DELETE FROM cache WHERE expires IS NOT NULL AND expires <= ?", (time.time(),))
        (count,) = db.execute("SELECT count(*) FROM cache").fetchone()
        if count > self._max_entries:
            # Too many live entries: drop a share of them, those expiring soonest first.
            drop = count // self._cull_frequency if self._cull_frequency else count
            db.execute("DELETE FROM cache WHERE key IN (SELECT key FROM cache ORDER BY expires IS NULL, expires "
                       "LIMIT ?)", (drop,))
