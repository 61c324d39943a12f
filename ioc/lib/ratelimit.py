"""A small fixed-window rate limiter on Django's cache (Redis in production, a SQLite file in the embedded run)."""

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on key; False once more than `limit` hits fell in the current window of `window` seconds."""
    bucket = f"rl:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window + 5):
        return True
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 5)
        return True
    return count <= limit
