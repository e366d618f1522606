"""Read replicas for anonymous readers, and only when they cannot show a stale story.

`ReplicaMiddleware` marks a request replica-eligible: an anonymous GET or HEAD of a public page, from a
client that has not written in the last REPLICA_PIN_SECONDS. Staff (a session cookie), the admin, previews,
every write, and everything outside a request (services called by commands, the task worker) read the
primary, because the router only hands out a replica while that mark is set.

The first read of an eligible request picks a replica that has replayed past the WAL gate
(articles/caching/walgate.py), or the primary when none has, the gate is unknown or the replica is down.
The choice holds for the whole request, so one page never mixes two snapshots. A write, or a read inside a
transaction on the primary, moves the rest of the request to the primary and pins the client there briefly.
A replica lost in the middle of a page (stopped, its connection cut) costs the reader nothing: the view
runs again on the primary (these are GETs), and the replica is left alone REPLICA_RETRY_SECONDS.
"""

import contextlib
import contextvars
import logging
import random
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from articles.caching import walgate

log = logging.getLogger(__name__)

PRIMARY = "default"
PIN_COOKIE = "read_primary"
PRIMARY_PATHS = ("/admin/", "/preview/")

_eligible = contextvars.ContextVar("replica_eligible", default=False)
_chosen = contextvars.ContextVar("replica_chosen", default=None)
_wrote = contextvars.ContextVar("replica_wrote", default=False)

# Per process: alias -> (replayed position, monotonic time read). A replica's replay position only grows, so
# a value read earlier is a safe lower bound; it is re-read after REPLICA_CHECK_SECONDS to notice a replica
# that went away.
_replayed: dict[str, tuple[int, float]] = {}
_down_until: dict[str, float] = {}


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def eligible(request) -> bool:
    return bool(
        replicas()
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and PIN_COOKIE not in request.COOKIES
        and not request.path.startswith(PRIMARY_PATHS)
    )


def _replay_position(alias: str) -> int | None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
        found = cursor.fetchone()[0]
    return walgate.parse_lsn(found) if found else None  # None: not a standby (promoted, or misconfigured)


def usable(alias: str, gate: int) -> bool:
    """Has `alias` replayed past `gate`? A replica that does not answer is skipped for a moment."""
    now = time.monotonic()
    if _down_until.get(alias, 0.0) > now:
        return False
    replayed, read_at = _replayed.get(alias, (-1, 0.0))
    if replayed >= gate and now - read_at < settings.REPLICA_CHECK_SECONDS:
        return True
    try:
        position = _replay_position(alias)
    except DatabaseError:
        log.warning("replica %s unavailable; reading the primary", alias, exc_info=True)
        connections[alias].close()
        _down_until[alias] = now + settings.REPLICA_RETRY_SECONDS
        return False
    if position is None:
        return False
    _replayed[alias] = (position, now)
    return position >= gate


def choose() -> str:
    """The replica this request reads, or the primary."""
    gate = walgate.gate()
    if gate is None:
        return PRIMARY
    candidates = replicas()
    random.shuffle(candidates)
    return next((alias for alias in candidates if usable(alias, gate)), PRIMARY)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _eligible.get():
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY  # reading inside a write: see what it wrote
        alias = _chosen.get()
        if alias is None:
            alias = choose()
            _chosen.set(alias)
        return alias

    def db_for_write(self, model, **hints):
        if _eligible.get():
            _eligible.set(False)
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the primary's rows

    def allow_migrate(self, db, app_label, **hints):
        return False if db in replicas() else None  # replicas copy the primary's schema


class ReplicaMiddleware:
    """Marks replica-eligible requests (see the module docstring); after a write, pins the client to the
    primary for REPLICA_PIN_SECONDS so it reads what it has just written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = (_eligible.set(eligible(request)), _chosen.set(None), _wrote.set(False))
        try:
            response = self.get_response(request)
            wrote = _wrote.get()
        finally:
            for var, token in zip((_eligible, _chosen, _wrote), tokens, strict=True):
                var.reset(token)
        if replicas() and (wrote or request.method not in ("GET", "HEAD", "OPTIONS")):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        """The replica this request read went away mid-page: read it all again from the primary."""
        alias = _chosen.get()
        if alias in (None, PRIMARY) or not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("replica %s lost during %s; reading the primary", alias, request.path, exc_info=exception)
        with contextlib.suppress(DatabaseError):
            connections[alias].close()
        _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        _replayed.pop(alias, None)
        _chosen.set(PRIMARY)
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)) and not response.is_rendered:
            response = response.render()  # past the point where Django renders the view's own
        return response
