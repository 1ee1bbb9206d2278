"""The board's counts and emergencies box, kept in the cache until a ticket of one of the
shown estates changes.

Every staff member opening the board of an estate sees the same status counts and the same
open emergencies, and they change only when a ticket does: each estate has a version in the
cache that every ticket write bumps after its commit (services, the deadline sweep), and the
cached figures are filed under the versions of the estates they cover. A bump makes the old
entry unreachable; TTL bounds how long a write that forgot to bump could show old figures.
With the cache down the figures are computed as if nothing were cached."""

import hashlib
import logging

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

TTL = 60  # seconds
_VERSION = "board:v:{}"


def estates_changed(estate_ids) -> None:
    """After the current transaction commits, what the board caches for these estates is
    out of date (call it for every write to their tickets)."""
    ids = sorted({pk for pk in estate_ids if pk is not None})
    if ids:
        transaction.on_commit(lambda: _bump(ids), robust=True)


def _bump(estate_ids) -> None:
    for pk in estate_ids:
        key = _VERSION.format(pk)
        cache.add(key, 0, timeout=None)
        cache.incr(key)


def cached(name: str, estate_ids, compute):
    """compute() for the board of `estate_ids` (a set of ids; None: every estate, not
    cached), from the cache while none of those estates' tickets changed."""
    if estate_ids is None:
        return compute()
    ids = sorted(estate_ids)
    try:
        keys = [_VERSION.format(pk) for pk in ids]
        versions = cache.get_many(keys)
        stamp = ".".join(f"{pk}:{versions.get(key, 0)}" for pk, key in zip(ids, keys, strict=True))
        key = f"board:{name}:{hashlib.sha1(stamp.encode()).hexdigest()}"
        value = cache.get(key)
    except Exception as exc:  # noqa: BLE001 - the cache is an optimisation: compute instead
        log.warning("board cache unavailable (%r): computing %s", exc, name)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, TTL)
        except Exception as exc:  # noqa: BLE001
            log.warning("board cache unavailable (%r): %s not kept", exc, name)
    return value
