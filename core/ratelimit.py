"""A small fixed-window counter in the cache, for guessable secrets (one-time codes)."""

from django.core.cache import cache


def too_many(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; True once more than `limit` happened in the window."""
    full_key = f"ratelimit:{key}"
    added = cache.add(full_key, 1, timeout=window_seconds)
    if added:
        return False
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.add(full_key, 1, timeout=window_seconds)
        return False
    return count > limit
