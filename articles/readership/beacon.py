"""The read beacon: POST /r/ from static/js/reads.js after a story page loads, answered before the page
cache, sessions or the database (settings.MIDDLEWARE), with one Redis round trip at most.

Counted: a story id, the hour, the referrer's class and domain (sources.py). Not counted: bots (by their
User-Agent), prefetches and prerenders, beacons a browser says came from another site (Sec-Fetch-Site).

A reader's repeat reads of one story on one day count once: the key that says so is a hash of a salt,
their address, their User-Agent and the story. The salt is made each day (UTC) and lives only in the cache,
so after midnight nobody, us included, can link a hash to an address; no address is stored anywhere.
Without the dedup, anyone with a loop could push a story up the public most-read list.
"""

import contextlib
import hashlib
import logging
import re
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, QueryDict
from django.utils import timezone

from articles.caching import counters, store
from newsroom.proxies import client_ip

from .sources import classify

PATH = "/r/"
BODY_MAX = 4096
BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|preview|facebookexternalhit|embedly|headless|lighthouse|pingdom|"
    r"uptime|monitor|curl|wget|python|httpx|go-http-client|java/|libwww|okhttp|axios|node-fetch|scrapy|"
    r"phantomjs|wrk/",
    re.IGNORECASE,
)
log = logging.getLogger(__name__)
_salts: dict[str, str] = {}


def hour_key(hour: str) -> str:
    return f"reads:h:{hour}"


def source_key(hour: str) -> str:
    return f"reads:s:{hour}"


def hour_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H")


def countable(request) -> bool:
    """A browser's own beacon from one of our pages: not a bot, a prefetch or another site."""
    meta = request.META
    agent = meta.get("HTTP_USER_AGENT", "")
    if not agent or BOTS.search(agent):
        return False
    purpose = (
        f"{meta.get('HTTP_SEC_PURPOSE', '')} {meta.get('HTTP_PURPOSE', '')} {meta.get('HTTP_X_MOZ', '')}"
    )
    if "prefetch" in purpose.lower() or "prerender" in purpose.lower():
        return False
    # Browsers that send it say where the request came from; older ones send nothing and are counted.
    return meta.get("HTTP_SEC_FETCH_SITE", "same-origin") == "same-origin"


def _story(fields) -> int | None:
    value = fields.get("s", "")
    if not value.isdigit() or len(value) > 18:
        return None
    return int(value) or None


def _salt(day: str) -> str | None:
    """Today's salt, made by the first process to ask and shared by all through the cache."""
    if day in _salts:
        return _salts[day]
    key = f"reads:salt:{day}"
    store.call("add", key, secrets.token_hex(16), 2 * 86400)
    salt = store.call("get", key)
    if salt is not None:
        _salts.clear()  # yesterday's goes from memory too
        _salts[day] = salt
    return salt


def _own_hosts(request) -> set[str]:
    hosts = {(urlsplit(settings.SITE_URL).hostname or "").removeprefix("www.")}
    with contextlib.suppress(DisallowedHost):
        hosts.add(request.get_host().rsplit(":", 1)[0].lower().removeprefix("www."))
    return hosts - {""}


def count(request, now: datetime | None = None) -> bool:
    """Count the beacon `request` if it should be: True when counted. Never raises on bad input."""
    if not countable(request) or int(request.META.get("CONTENT_LENGTH") or 0) > BODY_MAX:
        return False
    fields = QueryDict(request.body[:BODY_MAX], encoding="utf-8")
    story = _story(fields)
    if story is None:
        return False
    now = (now or timezone.now()).astimezone(UTC)
    day, hour = now.strftime("%Y%m%d"), hour_of(now)
    source, domain = classify(
        referrer=fields.get("r", "")[:1000], query=fields.get("q", "")[:1000], own_hosts=_own_hosts(request)
    )
    seen = None
    if settings.READS_DEDUP:
        salt = _salt(day)
        if salt is None:
            return False  # the cache is down: nothing can be counted
        who = f"{salt}|{client_ip(request) or ''}|{request.META.get('HTTP_USER_AGENT', '')}|{story}"
        seen = f"reads:seen:{day}:{hashlib.sha256(who.encode()).hexdigest()[:16]}"
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    counted = counters.count_read(
        seen=seen,
        seen_seconds=max(int((midnight - now).total_seconds()), 1),
        counts={hour_key(hour): str(story), source_key(hour): f"{story}|{source}|{domain}"},
        keep_seconds=settings.READS_KEEP_HOURS * 3600,
    )
    return bool(counted)


class BeaconMiddleware:
    """POST /r/ answered here, 204 whatever happens: a beacon's answer is never read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != PATH or request.method != "POST":
            return self.get_response(request)
        try:
            count(request)
        except Exception:  # noqa: BLE001 - a read uncounted is better than a 500 in a reader's console
            log.warning("a read beacon failed", exc_info=True)
        response = HttpResponse(status=204)
        response["Cache-Control"] = "no-store"
        return response
