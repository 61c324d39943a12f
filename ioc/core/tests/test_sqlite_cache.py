"""The embedded run's cache (one SQLite file shared by all processes): Django's cache contract, atomic counters
across threads and processes, expiry and culling."""

import multiprocessing
import os
import threading
import time

import pytest

from ioc.lib import sqlite_cache
from ioc.lib.sqlite_cache import SQLiteCache


@pytest.fixture
def make_cache(tmp_path):
    def make(**options):
        return SQLiteCache(str(tmp_path / "cache.sqlite3"), {"OPTIONS": options})

    return make


@pytest.fixture
def cache(make_cache):
    return make_cache()


def test_values_of_every_kind_round_trip(cache):
    values = {"int": 7, "text": "Phường Kinh Bắc", "bytes": b"\x00\x01", "dict": {"a": [1, 2.5]}, "none": None,
              "bool": True, "big": b"x" * 3_000_000}
    for key, value in values.items():
        cache.set(key, value)
    for key, value in values.items():
        got = cache.get(key, default="missing")
        assert got == value and type(got) is type(value), key
    assert cache.get("absent", default="missing") == "missing"


def test_expiry_and_touch(cache):
    cache.set("short", 1, timeout=0.2)
    cache.set("forever", 1, timeout=None)
    cache.set("gone", 1, timeout=0)  # Django: 0 means do not keep
    assert cache.get("short") == 1 and cache.has_key("forever") and not cache.has_key("gone")
    assert cache.touch("short", timeout=60)
    time.sleep(0.3)
    assert cache.get("short") == 1
    cache.set("short", 1, timeout=0.1)
    time.sleep(0.2)
    assert cache.get("short") is None and not cache.touch("short")


def test_add_only_when_absent_or_expired(cache):
    assert cache.add("k", "first", timeout=0.1)
    assert not cache.add("k", "second")
    assert cache.get("k") == "first"
    time.sleep(0.2)
    assert cache.add("k", "third")
    assert cache.get("k") == "third"


def test_incr_and_decr(cache):
    cache.set("n", 5)
    assert cache.incr("n") == 6 and cache.incr("n", 10) == 16 and cache.decr("n", 6) == 10
    with pytest.raises(ValueError):
        cache.incr("absent")
    cache.set("text", "5")
    with pytest.raises(ValueError):
        cache.incr("text")  # like Django's other back ends, only numbers count


def test_delete_clear_and_many(cache):
    cache.set_many({"a": 1, "b": 2, "c": 3})
    assert cache.get_many(["a", "b", "x"]) == {"a": 1, "b": 2}
    assert cache.delete("a") and not cache.delete("a")
    cache.clear()
    assert cache.get("b") is None


def test_incr_is_atomic_across_threads(cache):
    cache.set("hits", 0, timeout=None)

    def work():
        for _ in range(200):
            cache.incr("hits")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("hits") == 1600


def _count_in_another_process(path, n):
    other = SQLiteCache(path, {})
    for _ in range(n):
        other.incr("hits")


def test_processes_share_the_file_and_its_counters(cache):
    cache.set("hits", 0, timeout=None)
    cache.set("note", {"from": "parent"})
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_count_in_another_process, args=(str(cache.path), 150)) for _ in range(2)]
    for w in workers:
        w.start()
    for _ in range(150):
        cache.incr("hits")
    for w in workers:
        w.join(timeout=60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert cache.get("hits") == 450
    assert SQLiteCache(str(cache.path), {}).get("note") == {"from": "parent"}


def test_culling_removes_expired_then_the_soonest_to_expire(make_cache, monkeypatch):
    monkeypatch.setattr(sqlite_cache, "CULL_EVERY", 1)  # cull on every write
    cache = make_cache(MAX_ENTRIES=10, CULL_FREQUENCY=2)
    cache.set("expired", 1, timeout=0.01)
    time.sleep(0.05)
    for i in range(12):
        cache.set(f"k{i}", i, timeout=100 + i)
    cache.set("keep", 1, timeout=None)
    db = cache._db()
    keys = {k for (k,) in db.execute("SELECT key FROM cache")}
    assert not any("expired" in k for k in keys)
    assert len(keys) <= 11 and any("keep" in k for k in keys)
    assert not any(k.endswith(":k0") for k in keys)  # the soonest to expire went first


def test_the_rate_limiter_works_on_it(cache, monkeypatch):
    from ioc.lib import ratelimit

    monkeypatch.setattr(ratelimit, "cache", cache)
    assert [ratelimit.hit("sender", limit=3, window=60) for _ in range(5)] == [True, True, True, False, False]


def test_count_hits_counts_several_keys_in_one_write(cache, monkeypatch):
    cache.set("text", "not a counter")
    assert cache.count_hits(["a", "b", "a"], timeout=60) == [1, 1, 2]
    assert cache.count_hits(["a", "b", "text"], timeout=60) == [3, 2, 1]  # a non-counter starts again at 1
    assert cache.get("a") == 3 and cache.get("text") == 1
    cache.set("old", 40, timeout=0.1)
    time.sleep(0.2)
    assert cache.count_hits(["old"], timeout=0.3) == [1]  # an expired window starts again, with the new timeout
    assert cache.count_hits(["old"], timeout=60) == [2]  # …and keeps it while it lasts
    time.sleep(0.4)
    assert cache.get("old") is None


def test_the_rate_limiter_counts_every_key_on_it(cache, monkeypatch):
    from ioc.lib import ratelimit

    monkeypatch.setattr(ratelimit, "cache", cache)
    results = [ratelimit.hit_many([("address", 3), ("contact", 2)], window=60) for _ in range(4)]
    assert results == [[True, True], [True, True], [True, False], [False, False]]


def test_a_large_entry_stays_out_of_the_keys_tree(make_cache):
    """Megabyte values (the public map's last copy) are kept out of the tree that lookups walk: with WITHOUT
    ROWID whole rows served as dividers there, and each lookup passing the big one read its overflow pages
    (0.8 ms instead of 5 µs per get, measured beside a 12 MB entry)."""
    cache = make_cache(MAX_ENTRIES=10_000)
    cache.set_many({f"small:{n:05d}": n for n in range(3000)})
    cache.set("small:01500-big", os.urandom(3_000_000))
    db = cache._db()
    # SQLite's page statistics: which pages each tree holds, and of what kind.
    trees = dict(db.execute("SELECT name, group_concat(DISTINCT pagetype) FROM dbstat GROUP BY name").fetchall())
    keys_tree = next(name for name in trees if name.startswith("sqlite_autoindex_cache"))
    assert "overflow" not in trees[keys_tree] and "overflow" in trees["cache"]
    assert cache.get("small:01499") == 1499 and len(cache.get("small:01500-big")) == 3_000_000


def test_a_cache_file_of_the_earlier_layout_is_rebuilt_with_its_entries(tmp_path):
    import sqlite3

    from ioc.lib.sqlite_cache import SQLiteCache

    path = tmp_path / "cache.sqlite3"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE cache (key TEXT PRIMARY KEY, value BLOB, expires REAL) WITHOUT ROWID")
    old.execute("INSERT INTO cache VALUES (':1:counter', 7, NULL)")
    old.commit()
    old.close()
    cache = SQLiteCache(str(path), {})
    assert cache.get("counter") == 7 and cache.incr("counter") == 8
    sql = cache._db().execute("SELECT sql FROM sqlite_master WHERE name = 'cache'").fetchone()[0]
    assert "WITHOUT ROWID" not in sql
