"""A small fixed-window counter in the cache, for guessable secrets (one-time codes).

When the shared cache (Redis) is down the page must still work: the counter then lives in
this process's memory. Failing open would let a guesser through exactly while Redis is
down; a per-process count still stops them (at worst limit x processes attempts per
window), and the one-time code's own five-attempt cap stays in the database anyway."""

import logging

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

log = logging.getLogger(__name__)

_in_process = LocMemCache("anju-ratelimit-fallback", {"MAX_ENTRIES": 10_000})


def _count(store, full_key: str, *, limit: int, window_seconds: int) -> bool:
    if store.add(full_key, 1, timeout=window_seconds):
        return False
    try:
        count = store.incr(full_key)
    except ValueError:  # expired between add and incr
        store.add(full_key, 1, timeout=window_seconds)
        return False
    return count > limit


def count_of(key: str) -> int:
    """How many attempts `key` has in the current window (counting none)."""
    full_key = f"ratelimit:{key}"
    try:
        return cache.get(full_key) or 0
    except Exception:  # noqa: BLE001 - the cache is down: the in-process count
        return _in_process.get(full_key) or 0


def too_many(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; True once more than `limit` happened in the window."""
    full_key = f"ratelimit:{key}"
    try:
        return _count(cache, full_key, limit=limit, window_seconds=window_seconds)
    except Exception as exc:  # noqa: BLE001 - any cache failure: count here instead
        log.warning("rate limit %s: cache unavailable (%r); counting in this process", key, exc)
        return _count(_in_process, full_key, limit=limit, window_seconds=window_seconds)
