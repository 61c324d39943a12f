"""A small fixed-window rate limiter on Django's cache (Redis in production, a SQLite file in the embedded run)."""

import time

from django.core.cache import cache


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
    # The project's caches (the SQLite file, Redis) count them all in one write or one round trip.
    count_hits = getattr(cache, "count_hits", None)
    if count_hits is not None:
        counts = count_hits(buckets, timeout=window + 5)
    else:
        counts = [_count(name, window) for name in buckets]
    return [count <= limit for count, (_key, limit) in zip(counts, limits)]


def _count(bucket, window):
    if cache.add(bucket, 1, timeout=window + 5):
        return 1
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 5)
        return 1
