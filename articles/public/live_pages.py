"""What readers see of live coverage: the entries on a story's page, the key events, the JSON-LD, and the
changes since a count (`LiveCoverage.seq`) for pages that are open.

A page reads the coverage with the story's route, then one list of the published entries' ids (a few
small columns, in the order readers see them) and one query for the rows it shows: three queries
whatever the number of entries.
"""

import json
import math

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.live.embeds import render_embed
from articles.models import LiveCoverage, LiveEntry, published_q
from articles.templatetags.newsroom import json_ld_payload

from .structured import _abs

PAGE_SIZE = 50
# Past this many changes since a reader's count, the page is reloaded rather than patched.
MAX_CHANGES = 100
Status = LiveEntry.Status


class NoSuchPage(Exception):
    pass


def _entries(ids) -> dict[int, LiveEntry]:
    return LiveEntry.objects.select_related("author", "photo", "photo__credit_source").in_bulk(ids)


def label(entry: LiveEntry) -> str:
    """The entry's title, or the first words of its text (key events, JSON-LD)."""
    return entry.title or Truncator(strip_tags(entry.body)).words(12)


def _timeline(article_id: int) -> tuple[int | None, list[int], list[int]]:
    """(the pinned entry, the other published entries newest first, the key events newest first)."""
    rows = (
        LiveEntry.objects.filter(article_id=article_id, status=Status.PUBLISHED)
        .order_by("-published_at", "-id")
        .values_list("pk", "pinned", "key_event")
    )
    pinned, timeline, keys = None, [], []
    for pk, is_pinned, is_key in rows:
        if is_pinned:
            pinned = pk
        else:
            timeline.append(pk)
        if is_key:
            keys.append(pk)
    return pinned, timeline, keys


def _key_events(keys, rows, pinned, timeline, page_number) -> list[dict]:
    position = {pk: i for i, pk in enumerate(timeline)}
    events = []
    for pk in keys:
        page = 1 if pk == pinned else position[pk] // PAGE_SIZE + 1
        events.append(
            {
                "entry": rows[pk],
                "label": label(rows[pk]),
                "href": f"#entry-{pk}" if page == page_number else f"?page={page}#entry-{pk}",
            }
        )
    return events


def entry_html(entry: LiveEntry) -> str:
    return render_to_string(
        "articles/live/entry.html", {"entry": entry, "embed": render_embed(entry.embed_url)}
    )


def page_context(*, article_id: int, coverage: dict, page_number: int) -> dict:
    """The live part of a story's page `page_number` (1 is the newest); NoSuchPage past the last."""
    pinned, timeline, keys = _timeline(article_id)
    pages = max(1, math.ceil(len(timeline) / PAGE_SIZE))
    if not 1 <= page_number <= pages:
        raise NoSuchPage
    shown = timeline[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE]
    rows = _entries({*shown, *keys, *([pinned] if pinned else [])})
    first = page_number == 1
    return {
        "coverage": coverage,
        "entries": [mark_safe(entry_html(rows[pk])) for pk in shown],
        "pinned": mark_safe(entry_html(rows[pinned])) if pinned and first else "",
        "key_events": _key_events(keys, rows, pinned, timeline, page_number),
        "page": {
            "number": page_number,
            "previous": page_number - 1,
            "next": page_number + 1,
            "has_previous": not first,
            "has_next": page_number < pages,
            "count": pages,
        },  # fmt: skip
        # Only the newest page follows the coverage: new entries do not belong on older ones.
        "follow": first and coverage["ended_at"] is None,
        "endpoint": reverse("articles:live_entries", args=[article_id]),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        "updates": [rows[pk] for pk in ([pinned] if pinned and first else []) + shown],
    }


def json_ld(payload: str, *, live: dict, url: str) -> str:
    """The story's JSON-LD (a fragment's payload) as a LiveBlogPosting with its entries on this page."""
    data = json.loads(payload)
    story = data[0]
    story["@type"] = "LiveBlogPosting"
    story["coverageStartTime"] = live["coverage"]["started_at"].isoformat()
    if live["coverage"]["ended_at"]:
        story["coverageEndTime"] = live["coverage"]["ended_at"].isoformat()
    story["liveBlogUpdate"] = [_update(entry, url) for entry in live["updates"]]
    return json_ld_payload(data)


def _update(entry: LiveEntry, url: str) -> dict:
    update = {
        "@type": "BlogPosting",
        "headline": label(entry)[:110],
        "url": _abs(f"{url}#entry-{entry.pk}"),
        "datePublished": entry.published_at.isoformat(),
        "articleBody": strip_tags(entry.body),
    }
    if entry.corrected_at:
        update["dateModified"] = entry.corrected_at.isoformat()
    if entry.author_id:
        kind = "Organization" if entry.author.is_agency else "Person"
        update["author"] = {
            "@type": kind,
            "name": entry.author.name,
            "url": _abs(entry.author.get_absolute_url()),
        }
    if entry.photo_id and entry.photo.width:
        update["image"] = _abs(entry.photo.get_absolute_url())
    return update


# --- What changed since a reader's count ------------------------------------------------------------


def open_coverage(article_id: int) -> dict | None:
    """The coverage of a story readers can read, or None."""
    return (
        LiveCoverage.objects.filter(published_q(prefix="article__"), article_id=article_id)
        .values("seq", "ended_at", "started_at")
        .first()
    )


def changes(*, article_id: int, coverage: dict, after: int) -> dict:
    """What changed on the story's newest page since count `after`, for live.js."""
    answer = {"seq": coverage["seq"], "ended": coverage["ended_at"] is not None}
    if coverage["seq"] <= after:
        return answer | {"entries": []}
    changed = list(
        LiveEntry.objects.filter(article_id=article_id, seq__gt=after)
        .exclude(status=Status.PENDING)
        .order_by("seq")
        .values_list("pk", "status")[: MAX_CHANGES + 1]
    )
    if len(changed) > MAX_CHANGES:
        return answer | {"entries": [], "reload": True}
    pinned, timeline, keys = _timeline(article_id)
    rows = _entries({pk for pk, status in changed if status == Status.PUBLISHED} | set(keys))
    entries = []
    for pk, status in changed:
        if status != Status.PUBLISHED:
            entries.append({"id": pk, "removed": True})
            continue
        entry = rows[pk]
        entries.append(
            {
                "id": pk,
                "pinned": entry.pinned,
                "published": entry.published_at.isoformat(),
                "html": entry_html(entry),
            }
        )
    events = _key_events(keys, rows, pinned, timeline, 1)
    answer["key_events"] = render_to_string("articles/live/key_events.html", {"key_events": events})
    if answer["ended"]:
        answer["ended_html"] = render_to_string("articles/live/ended.html", {"coverage": coverage})
    return answer | {"entries": entries}
