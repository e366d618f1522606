"""The one guarded way to the cache: every layer (pages, fragments, site context, admin lists) survives an
outage the same way.

A failed call returns None and logs once; the next OUTAGE_BACKOFF_SECONDS skip the cache instead of waiting
on a dead server every request. After an outage, writes made meanwhile (invalidations included) may have
been lost, so the first call after the backoff starts new generations before it reads anything
(see `on_recovery`).
"""

import logging
import time

from django.core.cache import cache

log = logging.getLogger(__name__)

# After a cache error, skip the cache for this long instead of waiting on a dead server every request.
OUTAGE_BACKOFF_SECONDS = 5.0
_outage_until = 0.0
_recovering = False
_in_hooks = False
_recovery_hooks = []


def on_recovery(hook) -> None:
    """Run `hook()` once the cache answers again after an outage (registered by the layers that keep
    generations, so nothing stored before the outage outlives an invalidation lost during it)."""
    _recovery_hooks.append(hook)


def in_outage() -> bool:
    return time.monotonic() < _outage_until


def call(method, *args, **kwargs):
    """cache.<method>(*args, **kwargs), or None when the cache is down."""
    return call_with(lambda: getattr(cache, method)(*args, **kwargs))


def call_with(operation):
    """operation() (a call on the cache or its client), or None when the cache is down."""
    global _outage_until, _recovering, _in_hooks
    if in_outage():
        return None
    if _recovering and not _in_hooks:
        # Before anything is read: a page cache hit in the same call would be one stored before the outage.
        _recovering, _in_hooks = False, True
        try:
            for hook in _recovery_hooks:
                hook()
        finally:
            _in_hooks = False
        if _recovering:  # a hook met the outage again: they all run again on the next try
            return None
    try:
        return operation()
    except Exception:  # noqa: BLE001 - any cache failure degrades to working without it
        log.warning("cache unavailable; working without it", exc_info=True)
        _outage_until = time.monotonic() + OUTAGE_BACKOFF_SECONDS
        _recovering = True
        return None


def get(key, default=None):
    value = call("get", key)
    return default if value is None else value


def set(key, value, timeout):  # noqa: A001 - the cache's own verb
    call("set", key, value, timeout)


def delete(key):
    call("delete", key)


def count_in_window(key, seconds) -> tuple[int, int] | None:
    """One more in `key`'s fixed window of `seconds`: (the count, seconds until it resets), or None when
    the cache is down. On Redis one atomic round trip shared by every process (newsroom/redis_cache.py)."""
    if hasattr(cache, "count_in_window"):
        return call("count_in_window", key, seconds)
    return call_with(lambda: _count_locally(key, seconds))


def _count_locally(key, seconds) -> tuple[int, int]:
    # The local-memory cache (development without Redis, tests): one process, so add + incr is enough.
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key), seconds
    except ValueError:  # expired between the two calls
        cache.set(key, 1, seconds)
        return 1, seconds
