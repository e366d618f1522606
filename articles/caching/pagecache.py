"""The readers' page cache.

Whole responses for anonymous GETs are kept in the cache (Redis in production), each stamped with the
*generation* it was rendered in. Any change to content a page can show bumps the generation (signals.py), so
every cached page is superseded at once: a published change is visible on the next request. The state and
the page are read in one round trip (MGET), and a page is stored as bytes and headers, not a pickled
response: a hit costs little more than the bare framework. A scheduled story's
time also bumps it, so a cached page never hides a story that has gone live. Requests carrying a session
cookie (staff) bypass the cache entirely, and only plain 200 responses that are not marked private are
stored, so a draft preview never enters it. If the cache server is down, pages render uncached.
"""

import hashlib
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag

from articles.models import Article

from . import store

STATE_KEY = "page-cache:state"


def _next_scheduled_timestamp() -> float | None:
    at = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    return at.timestamp() if at else None


def _new_state(generation: int) -> dict:
    state = {"generation": generation, "next_scheduled": _next_scheduled_timestamp()}
    store.call("set", STATE_KEY, state, None)
    return state


def current_state(state: dict | None = None) -> dict | None:
    """The generation in force, from `state` (already read) or the cache."""
    if state is None:
        state = store.call("get", STATE_KEY)
    if state is None:
        if store.in_outage():
            return None
        # Lost or never set: start a generation no earlier page can have used.
        return _new_state(time.time_ns())
    if state["next_scheduled"] is not None and time.time() >= state["next_scheduled"]:
        return _new_state(state["generation"] + 1)
    return state


def invalidate() -> None:
    """Supersede every cached page (called after any change to what pages show)."""
    state = store.call("get", STATE_KEY)
    generation = (state or {}).get("generation", time.time_ns())
    _new_state(generation + 1)


def _key(request) -> str:
    path = request.get_full_path()
    digest = hashlib.sha256(f"{request.method}:{request.get_host()}:{path}".encode()).hexdigest()
    return f"page:{digest}"


def _cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(("/admin/", "/preview/", settings.STATIC_URL, settings.MEDIA_URL))
    )


def _cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not response.cookies
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES and "Cache-Control" not in response:
                # Signed-in pages must never be kept by a shared cache in front of us.
                patch_cache_control(response, private=True, no_store=True)
            return response
        key = _key(request)
        found = store.call("get_many", [STATE_KEY, key]) or {}
        state = current_state(found.get(STATE_KEY))
        entry = found.get(key)
        if state and entry and entry[0] == state["generation"]:
            _, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Cache"] = "HIT"
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            # Feeds are written in many small pieces; joined once, a hit is sent in one write.
            response.content = response.content
            self._public_headers(response)
            # Computed once here rather than by ConditionalGetMiddleware on every hit.
            set_response_etag(response)
            if state:
                ttl = settings.PAGE_CACHE_SECONDS
                if state["next_scheduled"]:
                    ttl = max(1, min(ttl, int(state["next_scheduled"] - time.time()) + 1))
                entry = (state["generation"], response.status_code, dict(response.items()), response.content)
                store.call("set", key, entry, ttl)
            response["X-Cache"] = "MISS"
        return response

    @staticmethod
    def _public_headers(response):
        # A CDN may keep a page briefly and serve it stale while it refetches; browsers revalidate
        # with the ETag (ConditionalGetMiddleware answers 304).
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=settings.CDN_CACHE_SECONDS,
            stale_while_revalidate=settings.CDN_STALE_SECONDS,
        )
