"""A small fixed-window rate limiter on Django's cache (Redis in production, a SQLite file in the embedded run)."""

import time

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on key; False once more than `limit` hits fell in the current window of `window` seconds."""
    return hit_many([(key, limit)], window=window)[0]


def hit_many(limits, *, window: int) -> list[bool]:
    """Count one hit on each (key, limit) pair, all in the same window; for each, whether it is still within its
    limit. Every key is counted, so a sender over one limit keeps adding to the others."""
    bucket = int(time.time() // window)
    buckets = [f"rl:{key}:{bucket}" for key, _limit in limits]
    if not buckets:
        return []
    count_hits = getattr(cache, "count_hits", None)  # the SQLite cache counts them all in one write
    if count_hits is not None:
        counts = count_hits(buckets, timeout=window + 5)
    elif isinstance(_backend(), RedisCache):
        counts = _count_on_redis(buckets, window)
    else:
        counts = [_count(name, window) for name in buckets]
    return [count <= limit for count, (_key, limit) in zip(counts, limits)]


def _backend():
    """The cache back end itself (django.core.cache.cache is a proxy to the current thread's one)."""
    return cache if isinstance(cache, BaseCache) else caches[DEFAULT_CACHE_ALIAS]


def _count_on_redis(buckets, window):
    """Redis: INCR each counter and give a new one its expiry (EXPIRE … NX), all in one round trip."""
    backend = _backend()
    keys = [backend.make_and_validate_key(bucket) for bucket in buckets]
    pipeline = backend._cache.get_client(keys[0], write=True).pipeline(transaction=False)
    for key in keys:
        pipeline.incr(key)
        pipeline.expire(key, window + 5, nx=True)
    return pipeline.execute()[0::2]


def _count(bucket, window):
    if cache.add(bucket, 1, timeout=window + 5):
        return 1
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 5)
        return 1
