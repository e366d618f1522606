"""The readers' page cache, invalidated by surrogate key.

Whole responses for anonymous GETs are kept in the cache (Redis in production) with the keys they show
(keys.py) and, for each key, the *version* it had: a change bumps the versions of the keys it touches
(resolve.py), so publishing a story supersedes its page, its lists and the home page, and leaves every
other story's page cached. A hit reads the state, the page and the versions of its keys in one round trip
(MGET): each process remembers which keys a URL showed last time and asks for their versions with it.
A page is stored as bytes and headers, not a pickled response.

A version is the value of one clock when the change was made, after its commit. A page is kept only if
each of its keys' versions is at most the clock it read before rendering (a higher one is a change it may
have missed), and a hit compares versions for equality, so a lost or reordered write never makes an old
page look current. A missing version (never set, expired) is created on the next miss, never assumed.

The safety net stays: a new *generation* supersedes every page at once. It starts when the state or the
clock is lost and after a cache outage (store.on_recovery); the chrome's key, on every page, does the same
for a change to the site's settings or sections. A scheduled
story's time is in the state (a front layout's too, and the banner's expiry: frontpage/selectors.py):
the first request after it purges the keys of the stories gone live (and
serves no stored page meanwhile), and a recheck every minute repairs a schedule a race lost.

Requests carrying a session cookie (staff) bypass the cache and get `private, no-store`; only public 200s
are stored, so a draft preview never is. If the cache server is down, pages render uncached.
"""

import contextvars
import hashlib
import re
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag

from articles.markup import store as markup

from . import edge, keys, purge, resolve, store

STATE_KEY = "page-cache:state:v2"  # v2: the state now carries the schedule checks
CLOCK_KEY = "page-cache:clock"
ADVANCE_LOCK = "page-cache:advance"
# A version outlives every page stored with it; a lost one only costs a miss.
VERSION_SECONDS = 24 * 3600
SCHEDULE_RECHECK_SECONDS = 60
# URLs whose keys this process remembers (a few MB at most).
MEMO_SIZE = 5000

_memo: dict[str, tuple[str, ...]] = {}
# (generation, clock) read at the start of this request, for code that renders it (related.py).
_request_stamp: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("page_stamp", default=None)


def version_key(key: str) -> str:
    return f"pk:{key}"


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


# --- The state: generation, clock, schedule --------------------------------------------------------------


def new_generation() -> tuple[dict, int]:
    """Supersede every cached page (after an outage or a lost state); (state, clock)."""
    now = time.time()
    state = {
        "generation": time.time_ns(),
        "next_scheduled": edge.next_scheduled_timestamp(),
        "live_until": now,
        "checked_at": now,
    }
    # The clock never goes back (versions are compared with it); a lost one restarts above any value it
    # reached, as increments are rare next to nanoseconds.
    store.call("add", CLOCK_KEY, time.time_ns(), None)
    clock = store.call("incr", CLOCK_KEY)
    store.call("set", STATE_KEY, state, None)
    return state, clock


def invalidate() -> None:
    """Supersede every cached page (the old name; other layers and helpers call it)."""
    new_generation()


def invalidate_keys(changed) -> None:
    """Supersede the pages showing any of `changed` (called after the commit)."""
    if not changed:
        return
    if store.call("add", CLOCK_KEY, time.time_ns(), None):
        # The clock was lost, and the versions with it: nothing stored can be trusted.
        new_generation()
        return
    stamp = store.call("incr", CLOCK_KEY)
    if stamp is not None:
        # The clock first, then the versions: a page that read the old versions after its render began
        # either sees the clock move or is stored with versions that are about to change.
        store.call("set_many", {version_key(key): stamp for key in changed}, VERSION_SECONDS)


def current_stamp():
    """(generation, clock): it moves with every change a page can show (a scheduled story going live
    included). From this request's first read when there is one, else one round trip; None without
    the cache."""
    stamp = _request_stamp.get()
    if stamp is not None:
        return stamp
    found = store.call("get_many", [STATE_KEY, CLOCK_KEY])
    if found is None:
        return None
    state, clock = found.get(STATE_KEY), found.get(CLOCK_KEY)
    if state is None or clock is None:
        state, clock = new_generation()
    else:
        state, stale = _schedule(state)
        if stale:
            clock = store.call("get", CLOCK_KEY)
    return state["generation"], clock


def note_schedule() -> None:
    """A story's publish time changed: bring the state's next scheduled time forward if it is sooner.
    (Never later: a time that passes with nothing going live costs one query.)"""
    state = store.call("get", STATE_KEY)
    upcoming = edge.next_scheduled_timestamp()
    if state is None or upcoming is None:
        return
    if state["next_scheduled"] is None or upcoming < state["next_scheduled"]:
        store.call("set", STATE_KEY, {**state, "next_scheduled": upcoming}, None)


def _at(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _advance(state: dict, now: float) -> tuple[dict, bool]:
    """Purge the keys of the stories gone live, the front layouts that took over and the banner that
    expired since the state last looked; (new state, anything changed)."""
    since, until = _at(state["live_until"]), _at(now)
    went_live = resolve.went_live(since, until) | resolve.fronts_changed(since, until)
    if went_live:
        invalidate_keys(went_live)
        purge.purge_later(went_live)
    state = {
        **state,
        "next_scheduled": edge.next_scheduled_timestamp(),
        "live_until": now,
        "checked_at": now,
    }
    store.call("set", STATE_KEY, state, None)
    return state, bool(went_live)


def _schedule(state: dict) -> tuple[dict, bool]:
    """(state, whether stored pages may be stale): a scheduled time has passed, or a recheck is due."""
    now = time.time()
    due = state["next_scheduled"] is not None and now >= state["next_scheduled"]
    if not due and now < state.get("checked_at", 0) + SCHEDULE_RECHECK_SECONDS:
        return state, False
    if store.call("add", ADVANCE_LOCK, 1, 10):
        try:
            state, went_live = _advance(state, now)
        finally:
            store.call("delete", ADVANCE_LOCK)
        return state, due or went_live
    # Another request is purging: until it is done, a page stored before the scheduled time is not served.
    return state, due


# --- Pages ------------------------------------------------------------------------------------------------


# Campaign tags (a newsletter's ?nl=, utm_*, ad click ids) change nothing a page shows (the beacon reads
# them from the address bar): a tagged link shares the page's entry, as at the edge (default.vcl).
CAMPAIGN_TAG = re.compile(r"(utm_[a-z]+|nl|fbclid|gclid)(=|$)")


def _cache_path(request) -> str:
    path = request.get_full_path()
    base, _, query = path.partition("?")
    if not query or not CAMPAIGN_TAG.search(query):
        return path
    kept = "&".join(part for part in query.split("&") if not CAMPAIGN_TAG.match(part))
    return f"{base}?{kept}" if kept else base


def _page_key(request) -> str:
    path = _cache_path(request)
    # A HEAD is the GET without its body (the server drops it): the same entry, the same ETag.
    method = "GET" if request.method == "HEAD" else request.method
    digest = hashlib.sha256(f"{method}:{request.get_host()}:{path}".encode()).hexdigest()
    # "v2": entries stored before keyed invalidation have another shape. Per release (the templates, the
    # site's URL, the static manifest: markup/store.py), so a deploy never serves the last one's pages.
    return f"page:v2:{markup.version()}:{digest}"


def _public_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # /oidc/: single sign-on redirects carry a one-time state and must never be kept by an edge.
        and not request.path.startswith(
            ("/admin/", "/preview/", "/oidc/", settings.STATIC_URL, settings.MEDIA_URL)
        )
    )


def _remember(page_key: str, version_keys: tuple[str, ...]) -> None:
    if page_key not in _memo and len(_memo) >= MEMO_SIZE:
        _memo.clear()
    _memo[page_key] = version_keys


def _current(entry, state: dict, found: dict, page_key: str) -> bool:
    """The stored page is of this generation and none of its keys changed since it was stored."""
    generation, versions = entry[0], entry[1]
    if generation != state["generation"]:
        return False
    unread = [name for name, _ in versions if name not in found]
    if unread:
        # This process had not seen the URL show these keys: a second round trip, then remembered.
        found = {**found, **(store.call("get_many", unread) or {})}
        _remember(page_key, tuple(name for name, _ in versions))
    return all(found.get(name) == value for name, value in versions)


def _snapshot(header_keys: list[str], clock) -> tuple | None:
    """The versions to store the page with, or None if a change to one of its keys may have committed
    after the page read the database.

    A change's version is the clock value its increment returned, after its commit; `clock` was read
    before the page read anything. A version at or below it belongs to a change the page saw. A higher
    one is a change it may have missed. A negative one was given by a page to a key that had none, and no
    change wrote over it. A key without a version gets one now, unless a change sets it first. A later
    write, even a late one of an older change, alters the value, and the stored page stops matching.
    """
    if clock is None:
        return None
    names = [version_key(key) for key in header_keys]
    now = store.call("get_many", names)
    if now is None:
        return None
    snapshot = []
    for name in names:
        value = now.get(name)
        if value is None:
            value = -1 - secrets.randbits(62)
            if not store.call("add", name, value, VERSION_SECONDS):
                return None
        elif value > clock:
            return None
        snapshot.append((name, value))
    return tuple(snapshot)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _public_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES and "Cache-Control" not in response:
                # Signed-in pages must never be kept by a shared cache in front of us.
                patch_cache_control(response, private=True, no_store=True)
            return response
        if not enabled():
            return self._render(request, None, None)
        page_key = _page_key(request)
        remembered = _memo.get(page_key, ())
        found = store.call("get_many", [STATE_KEY, CLOCK_KEY, page_key, *remembered])
        if found is None:  # the cache is down
            response = self._render(request, None, None)
            response["X-Cache"] = "MISS"
            return response
        state, clock = found.get(STATE_KEY), found.get(CLOCK_KEY)
        entry = found.get(page_key)
        if state is None or clock is None:
            # Lost or never set: start a generation no stored page can carry.
            state, clock = new_generation()
            entry = None
        else:
            state, stale = _schedule(state)
            if stale:
                entry, clock = None, store.call("get", CLOCK_KEY)
        if entry and _current(entry, state, found, page_key):
            _, _, status, headers, content, ours = entry
            response = HttpResponse(content, status=status, headers=headers)
            if ours:
                edge.cache_control(response, next_scheduled=state["next_scheduled"])
            response["X-Cache"] = "HIT"
            return response
        response = self._render(request, state, clock, page_key=page_key)
        response["X-Cache"] = "MISS"
        return response

    def _render(self, request, state, clock, *, page_key=None):
        token = _request_stamp.set((state["generation"], clock) if state else None)
        try:
            with keys.collecting() as collected:
                response = self.get_response(request)
        finally:
            _request_stamp.reset(token)
        if not edge.keepable(response):
            return response
        header_keys = collected.header_keys()
        ours = "Cache-Control" not in response
        snapshot = None
        if state is not None and header_keys is not None:
            snapshot = _snapshot(header_keys, clock)
            _remember(page_key, tuple(version_key(key) for key in header_keys))
        if ours:
            if header_keys is None:  # its keys do not fit: no shared cache may keep it
                edge.cache_control(response, next_scheduled=None, raced=True)
            elif state is not None:
                edge.cache_control(response, next_scheduled=state["next_scheduled"], raced=snapshot is None)
            elif settings.EDGE_PURGE_BACKEND != "none":
                # An edge to keep fresh and no cache state to say when a story goes live: ask the database.
                edge.cache_control(response, next_scheduled=edge.next_scheduled_timestamp())
            else:
                edge.cache_control(response, next_scheduled=None, known=False)
        if header_keys is not None:
            edge.surrogate_keys(response, header_keys)
        if snapshot is not None and response.status_code == 200 and not response.streaming:
            # Feeds are written in many small pieces; joined once, a hit is sent in one write.
            response.content = response.content
            # Computed once here rather than by ConditionalGetMiddleware on every hit.
            set_response_etag(response)
            entry = (state["generation"], snapshot, 200, dict(response.items()), response.content, ours)
            store.call("set", page_key, entry, settings.PAGE_CACHE_SECONDS)
        return response
