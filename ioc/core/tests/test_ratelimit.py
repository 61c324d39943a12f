"""The rate limiter on each cache it runs on: Redis (production), the SQLite file (embedded run) and any other
Django cache; every key of a request is counted, windows expire."""

import time

import pytest
from django.core.cache.backends.locmem import LocMemCache

from ioc.lib import ratelimit
from tests.services import port_answers

REDIS = "redis://127.0.0.1:6379/6"  # a database of its own


@pytest.fixture
def redis_cache():
    if not port_answers(6379):
        pytest.skip("No Redis answers on 127.0.0.1:6379: the Redis path of the rate limiter is not exercised.")
    from ioc.lib.redis_cache import ReusingRedisCache

    cache = ReusingRedisCache(REDIS, {"KEY_PREFIX": f"rl-test-{time.time_ns()}"})
    yield cache
    cache._cache.get_client(write=True).flushdb()


def _limits_hold(monkeypatch, cache):
    monkeypatch.setattr(ratelimit, "cache", cache)
    results = [ratelimit.hit_many([("address", 3), ("contact", 2)], window=60) for _ in range(4)]
    assert results == [[True, True], [True, True], [True, False], [False, False]]
    assert [ratelimit.hit("other", limit=1, window=60) for _ in range(2)] == [True, False]


def test_on_redis_in_one_round_trip_with_an_expiry(redis_cache, monkeypatch):
    _limits_hold(monkeypatch, redis_cache)
    client = redis_cache._cache.get_client(write=True)
    bucket = int(time.time() // 60)
    key = redis_cache.make_and_validate_key(f"rl:address:{bucket}")
    assert int(client.get(key)) == 4 and 0 < client.ttl(key) <= 65  # set on the first hit, not pushed back


def test_on_another_cache(monkeypatch):
    _limits_hold(monkeypatch, LocMemCache("rl-test", {}))


def test_the_production_redis_cache_reuses_its_client(monkeypatch):
    if not port_answers(6379):
        pytest.skip("No Redis answers on 127.0.0.1:6379.")
    from ioc.lib.redis_cache import ReusingRedisCache

    cache = ReusingRedisCache(REDIS, {"KEY_PREFIX": f"reuse-test-{time.time_ns()}"})
    try:
        assert cache._cache.get_client(write=True) is cache._cache.get_client(write=False)
        cache.set("a", {"x": 1})
        assert cache.get("a") == {"x": 1}
        assert cache.add("n", 0) and cache.incr("n") == 1
        _limits_hold(monkeypatch, cache)
    finally:
        cache._cache.get_client(write=True).flushdb()


def test_the_configured_cache_takes_its_fast_path(settings):
    """Through django.core.cache.cache (a proxy), as the application calls it: on Redis the counters get their
    expiry from the pipeline, on the SQLite file from count_hits; any other cache counts with add and incr."""
    from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches

    from ioc.lib.redis_cache import ReusingRedisCache

    key = f"proxy-{time.time_ns()}"
    assert [ratelimit.hit(key, limit=2, window=60) for _ in range(3)] == [True, True, False]
    backend = caches[DEFAULT_CACHE_ALIAS]
    assert backend is not cache and backend.get(f"rl:{key}:{int(time.time() // 60)}") in (3, None)
    if isinstance(backend, ReusingRedisCache):
        client = backend._cache.get_client(write=True)
        assert 0 < client.ttl(backend.make_and_validate_key(f"rl:{key}:{int(time.time() // 60)}")) <= 65
        backend.set("counter", 5)
        assert backend.incr("counter", 2) == 7
        with pytest.raises(ValueError):
            backend.incr(f"absent-{key}")
