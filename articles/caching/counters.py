"""Counters in the cache for story reads (articles/readership/): hashes of counts, added to by the beacon
and moved out whole by the flush, through the one guard (store.py). Every call returns None when the
cache is down: a read then goes uncounted, and nothing waits.

On Redis each call is one round trip (newsroom/redis_cache.py: a script for the beacon's count and for
the move). The local-memory cache (development without Redis, most tests) does the same in one process.
"""

from django.core.cache import cache

from . import store


def count_read(*, seen: str | None, seen_seconds: int, counts: dict[str, str], keep_seconds: int):
    """One more in each {hash key: field} of `counts`, unless `seen` is set already (then False)."""
    if hasattr(cache, "count_read"):
        return store.call("count_read", seen, seen_seconds, counts, keep_seconds)
    return store.call_with(lambda: _count_locally(seen, seen_seconds, counts, keep_seconds))


def take(moves: dict[str, str], *, registry: str) -> list[str] | None:
    """Rename each hash that exists to its new name, noting it in `registry`: the new names."""
    if hasattr(cache, "take_counts"):
        return store.call("take_counts", moves, registry)
    return store.call_with(lambda: _take_locally(moves, registry))


def pending(registry: str) -> list[str] | None:
    """The hashes moved and not yet dropped (a flush running now, or one that died)."""
    if hasattr(cache, "pending_counts"):
        return store.call("pending_counts", registry)
    return store.call_with(lambda: sorted(cache.get(registry) or ()))


def read(key: str) -> dict[str, int] | None:
    if hasattr(cache, "read_counts"):
        return store.call("read_counts", key)
    return store.call_with(lambda: dict(cache.get(key) or {}))


def drop(key: str, *, registry: str) -> None:
    if hasattr(cache, "drop_counts"):
        store.call("drop_counts", key, registry)
    else:
        store.call_with(lambda: _drop_locally(key, registry))


def _count_locally(seen, seen_seconds, counts, keep_seconds) -> bool:
    if seen and not cache.add(seen, 1, seen_seconds):
        return False
    for key, field in counts.items():
        values = cache.get(key) or {}
        values[field] = values.get(field, 0) + 1
        cache.set(key, values, keep_seconds)
    return True


def _take_locally(moves, registry) -> list[str]:
    moved = []
    for src, dst in moves.items():
        values = cache.get(src)
        if values is not None:
            cache.set(dst, values, None)
            cache.delete(src)
            moved.append(dst)
    if moved:
        cache.set(registry, {*(cache.get(registry) or ()), *moved}, None)
    return moved


def _drop_locally(key, registry) -> None:
    cache.delete(key)
    cache.set(registry, set(cache.get(registry) or ()) - {key}, None)
