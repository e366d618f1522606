"""Titles for embeds, asked of the providers' oEmbed endpoints when a story is saved, never when it is read.

A lookup is a courtesy: it has a short timeout, a few run at once under one overall deadline, and any
failure (no answer, an error, junk) leaves the embed without a title: the placeholder then shows the
provider and the link. Titles are kept in the body as the link's title attribute, so the next save
reuses them instead of asking again.
"""

import json
import logging
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings

from .embeds import clean_title
from .providers import Embed, oembed_endpoint

log = logging.getLogger(__name__)
MAX_BYTES = 64 * 1024
MAX_LOOKUPS = 8  # per save; more new embeds than this keep their links until the next save


def _fetch(endpoint: str, timeout: float) -> str:
    request = urllib.request.Request(
        endpoint, headers={"Accept": "application/json", "User-Agent": "Newsroom oEmbed title lookup"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - endpoints are ours
        data = json.loads(response.read(MAX_BYTES + 1)[:MAX_BYTES])
    if not isinstance(data, dict):
        return ""
    title = data.get("title")
    if not title and isinstance(data.get("author_name"), str):
        # Social posts have an author but no title.
        title = f"Post by {data['author_name']}"
    return clean_title(title if isinstance(title, str) else "")


def lookup_titles(embeds: list[Embed]) -> dict[str, str]:
    """{url: title} for the embeds whose provider answered in time; the rest are simply absent."""
    if not settings.EMBED_TITLE_LOOKUPS:
        return {}
    overrides = settings.EMBED_OEMBED_ENDPOINTS
    asked = {}
    for embed in embeds[:MAX_LOOKUPS]:
        if embed.url not in asked and (endpoint := oembed_endpoint(embed, overrides)):
            asked[embed.url] = endpoint
    if not asked:
        return {}
    timeout = settings.EMBED_LOOKUP_TIMEOUT
    pool = ThreadPoolExecutor(max_workers=4)
    futures = {pool.submit(_fetch, endpoint, timeout): url for url, endpoint in asked.items()}
    done, _ = wait(futures, timeout=timeout + 0.5)
    # Stragglers finish in the background (their own timeout ends them); the save does not wait.
    pool.shutdown(wait=False, cancel_futures=True)
    titles = {}
    for future in done:
        try:
            if title := future.result():
                titles[futures[future]] = title
        except Exception as exc:  # noqa: BLE001 - any failure only means no title
            log.info("no oEmbed title for %s: %s", futures[future], exc)
    return titles
