"""What a shared cache in front (Varnish, a CDN) may keep, and under which keys it is purged.

A public page is `public, max-age=0` for browsers (they revalidate with the ETag) and `s-maxage` for
the edge, which a purge by key (purge.py) ends early; a lost purge is covered by that short lifetime. A
404, a 410 and a redirect get a few seconds in browsers too: without any header a browser kept a
"withdrawn" page after the story came back. No lifetime, fresh or stale, outlives the next scheduled
publish, when pages must show the story going live. When that time is unknown (no cache state and no
query made for it), shared caches get `max-age=0` only.
"""

import time

from django.conf import settings
from django.utils.cache import patch_cache_control

from articles.models import Article
from articles.models.frontpage import next_change

SHORT_STATUSES = frozenset({301, 302, 307, 308, 404, 410})


def next_scheduled_timestamp() -> float | None:
    """The next time pages change by themselves: a scheduled story goes live (one index probe), a front
    layout takes over or the breaking banner expires (models/frontpage.py); or None."""
    at = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    at = min((when for when in (at, next_change()) if when is not None), default=None)
    return at.timestamp() if at else None


def keepable(response) -> bool:
    """A shared cache may keep this response (the view did not make it private)."""
    cache_control = response.get("Cache-Control", "")
    return (
        (response.status_code == 200 or response.status_code in SHORT_STATUSES)
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not response.cookies
    )


def cache_control(response, *, next_scheduled: float | None, known: bool = True, raced: bool = False):
    """Set the response's lifetimes (replacing ours from when it was stored, on a page cache hit).

    `raced`: a change to what the page shows was committed while it rendered, so it may be stale:
    the edge must not keep it.
    """
    if "Cache-Control" in response:
        del response["Cache-Control"]
    if not known:
        patch_cache_control(response, public=True, max_age=0)
        return
    until = None if next_scheduled is None else max(0, int(next_scheduled - time.time()))
    edge = 0 if raced else settings.CDN_CACHE_SECONDS
    if until is not None:
        edge = min(edge, until)
    if response.status_code == 200:
        stale = 0 if raced else settings.CDN_STALE_SECONDS
        if until is not None:
            stale = min(stale, until - edge)
        patch_cache_control(response, public=True, max_age=0, s_maxage=edge)
        if stale:
            patch_cache_control(response, stale_while_revalidate=stale)
        return
    browser = 0 if raced else settings.ERROR_CACHE_SECONDS
    if until is not None:
        browser = min(browser, until)
    patch_cache_control(response, public=True, max_age=browser, s_maxage=edge)


def surrogate_keys(response, header_keys: list[str]) -> None:
    # Fastly and Varnish's xkey read space-separated keys, Cloudflare comma-separated tags.
    response["Surrogate-Key"] = " ".join(header_keys)
    response["Cache-Tag"] = ",".join(header_keys)
