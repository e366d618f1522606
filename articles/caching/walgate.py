"""The WAL gate: the primary's WAL position at the last change readers can see, kept beside the cache.

A publish supersedes cached pages (invalidation.py); the next reader's miss renders the page again. If that
render read a replica that has not replayed the publish yet, the old page would be stored under the new
generation. So the position is recorded *before* the cached things are superseded (invalidation.py runs
`record` first), and a replica serves a request only once it has replayed past it (newsroom/ops/dbrouter.py).

Positions are compared as WAL positions, not times: replay lag freezes while the primary is idle. The gate
only rises (a Lua max in Redis): two writers recording out of order must not lower it.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from . import store

log = logging.getLogger(__name__)

GATE_KEY = "db:wal-gate"

# SET key to ARGV[1] unless it already holds a larger number; returns what the key holds after.
_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local proposed = tonumber(ARGV[1])
if proposed > current then redis.call('SET', KEYS[1], ARGV[1]) return proposed end
return current
"""


def parse_lsn(text: str) -> int:
    """'16/B374D848' -> a comparable integer (PostgreSQL's pg_lsn: two hex halves of 64 bits)."""
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def replicas_configured() -> bool:
    return bool(getattr(settings, "DATABASE_REPLICAS", ()))


def primary_position() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return parse_lsn(cursor.fetchone()[0])


def _raise_gate(position: int) -> int | None:
    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is None:  # a local-memory cache (development): one process, a plain compare is enough
        current = store.call("get", GATE_KEY) or 0
        if position > current:
            store.call("set", GATE_KEY, position, None)
        return max(current, position)
    key = cache.make_and_validate_key(GATE_KEY)

    def raise_in_redis():
        # EVALSHA once the server knows the script (register_script falls back to EVAL).
        return int(client_of(key, write=True).register_script(_RAISE)(keys=[key], args=[position]))

    return store.call_with(raise_in_redis)


def record() -> None:
    """Raise the gate to the primary's current position (after a commit that readers can see)."""
    if replicas_configured():
        _raise_gate(primary_position())


def gate() -> int | None:
    """The position a replica must have replayed, or None when it cannot be known (cache down): then
    only the primary may be read. A lost key (a cache flush, a failover) is set anew from the primary."""
    if store.in_outage():
        return None
    found = store.call("get", GATE_KEY)
    if found is not None:
        return found
    if store.in_outage():
        return None
    # Any publish before now is at or below the primary's position now.
    return _raise_gate(primary_position())
