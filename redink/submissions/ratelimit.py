"""A fixed-window rate limit kept in the cache (shared by every process when the cache is Redis)."""

from __future__ import annotations

import time

from django.core.cache import cache


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one use of `key`; False once it has been used `limit` times in the current window."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return limit >= 1
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 5)
        used = 1
    return used <= limit
