"""Polling: the scheduler step enqueues a poll task per due feed; each poll is a conditional GET through
the outbound guard, then the items are stored. A broken feed (unreachable, an error status, a timeout, a
huge body, bad XML or JSON) records its error on its own row and backs off; it never stops the others,
each being its own task."""

import base64
import logging
from datetime import timedelta

from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from articles import outbound
from articles.models import WireFeed

from . import newsmlg2
from .ingest import store_items
from .parsing import ParseError, parse

logger = logging.getLogger(__name__)
ACCEPT = {
    WireFeed.Format.RSS: "application/rss+xml, application/xml;q=0.9, */*;q=0.5",
    WireFeed.Format.ATOM: "application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    WireFeed.Format.NINJS: "application/json, */*;q=0.5",
    WireFeed.Format.NEWSML_G2: (
        "application/vnd.iptc.g2.newsmessage+xml, application/vnd.iptc.g2.newsitem+xml, "
        "application/xml;q=0.9, */*;q=0.5"
    ),
}
MAX_BACKOFF = 12  # a failing feed waits up to 12 poll intervals


def enqueue_due_polls(now=None) -> int:
    """Enqueue a poll of every active feed that is due, moving its next poll time in the same
    transaction (the caller's: the scheduler step), so two workers never poll a feed twice."""
    now = now or timezone.now()
    due = WireFeed.objects.select_for_update(skip_locked=True).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now), active=True
    )
    count = 0
    for feed in due.only("id", "poll_minutes"):
        WireFeed.objects.filter(pk=feed.pk).update(next_poll_at=now + timedelta(minutes=feed.poll_minutes))
        poll_feed.enqueue(feed.pk)
        count += 1
    return count


def request_headers(feed: WireFeed) -> dict:
    headers = {"Accept": ACCEPT.get(feed.format, "*/*")}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    secret = feed.auth_secret
    if feed.auth == WireFeed.Auth.BEARER and secret:
        headers["Authorization"] = f"Bearer {secret}"
    elif feed.auth == WireFeed.Auth.HEADER and secret and feed.auth_header:
        headers[feed.auth_header] = secret
    elif feed.auth == WireFeed.Auth.BASIC and (secret or feed.auth_username):
        pair = f"{feed.auth_username}:{secret}".encode()
        headers["Authorization"] = f"Basic {base64.b64encode(pair).decode()}"
    return headers


def poll(feed: WireFeed) -> tuple[int, int]:
    """Fetch and store one feed now; (new items, updated items). Errors go on the feed's status."""
    now = timezone.now()
    try:
        response = outbound.fetch(feed.url, headers=request_headers(feed))
        if response.status == 304:
            _succeeded(feed, now)
            return 0, 0
        if not 200 <= response.status < 300:
            raise outbound.OutboundError(f"the feed answered HTTP {response.status}")
        if feed.format == WireFeed.Format.NEWSML_G2:
            items = newsmlg2.parse(response.body)
        else:
            items = parse(feed.format, response.body)
    except (outbound.OutboundError, ParseError) as exc:
        _failed(feed, now, str(exc))
        return 0, 0
    counts = store_items(feed=feed, items=items)
    _succeeded(
        feed,
        now,
        etag=response.headers.get("etag", ""),
        last_modified=response.headers.get("last-modified", ""),
    )
    return counts


def _succeeded(feed, now, **validators) -> None:
    WireFeed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        last_success_at=now,
        last_error="",
        failures=0,
        next_poll_at=now + timedelta(minutes=feed.poll_minutes),
        **{name: value[:500] for name, value in validators.items()},
    )


def _failed(feed, now, error: str) -> None:
    failures = feed.failures + 1
    wait = feed.poll_minutes * min(2 ** (failures - 1), MAX_BACKOFF)
    logger.warning("Wire feed %s (%s) failed: %s", feed.pk, feed.name, error)
    WireFeed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        last_error=error[:2000],
        failures=failures,
        next_poll_at=now + timedelta(minutes=wait),
    )


@task
def poll_feed(feed_id: int) -> dict:
    feed = WireFeed.objects.filter(pk=feed_id, active=True).first()
    if feed is None:
        return {"skipped": "inactive or deleted"}
    new, updated = poll(feed)
    return {"new": new, "updated": updated}
