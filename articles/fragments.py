"""Rendered pieces of pages that outlive the page cache: a story's own markup and its cards.

Every publish supersedes the whole page cache (pagecache.py), but it changes nothing in the other stories'
markup. So a story's body and head and each of its cards are kept under the story's id, stamped with what
they were rendered from:

- the story's `updated_at`, which every save of the story changes, and which a change to one of its own
  rows (bylines, attributions, tags, gallery, corrections) touches too (signals.py);
- the *shared* generation, bumped when something many stories show changes: a photo, author, source,
  section or tag edited or deleted, or the site settings.

A fragment whose stamp differs is ignored, so a change is visible on the next request, as with the page
cache. All the fragments a page needs, and the shared generation, come in one round trip (MGET). With
FRAGMENT_CACHE_SECONDS = 0, or the cache down, every piece is rendered.
"""

import contextlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import pagecache
from .cache import site_context
from .models import Article, ArticleAuthor, ArticleSource, GalleryItem
from .structured import article_json_ld
from .templatetags.newsroom import json_ld_payload

SHARED_KEY = "fragments:shared"

log = logging.getLogger(__name__)


def enabled() -> bool:
    return settings.FRAGMENT_CACHE_SECONDS > 0


def stamp(article) -> float:
    return article.updated_at.timestamp()


def lookup(stamps: dict[str, float], *, also: tuple[str, ...] = ()) -> tuple[int | None, dict]:
    """(shared generation, {key: value}) for the keys whose stored stamp is `stamps[key]`, plus the
    plain cache entries `also` names that are there (read in the same round trip).

    The generation is None when nothing may be stored (cache off or down).
    """
    if not enabled():
        return None, {}
    found = pagecache.cache_call("get_many", [SHARED_KEY, *stamps, *also])
    if found is None:
        return None, {}
    plain = {key: found.pop(key) for key in also if key in found}
    shared = found.pop(SHARED_KEY, None)
    if shared is None:
        # Lost or never set: start a generation no stored fragment can carry.
        pagecache.cache_call("add", SHARED_KEY, time.time_ns(), None)
        return pagecache.cache_call("get", SHARED_KEY), plain
    return shared, plain | {
        key: value for key, (gen, at, value) in found.items() if gen == shared and at == stamps.get(key)
    }


def store(shared: int | None, entries: dict[str, tuple[float, object]]) -> None:
    """Keep freshly rendered pieces, each as (its stamp, value), under the generation they were read in."""
    if shared is None or not entries:
        return
    values = {key: (shared, at, value) for key, (at, value) in entries.items()}
    pagecache.cache_call("set_many", values, settings.FRAGMENT_CACHE_SECONDS)


def bump_shared() -> None:
    """Supersede every fragment (something many stories show has changed)."""
    # Not set (ValueError): the next lookup starts a generation. Cache down: nothing was stored meanwhile.
    with contextlib.suppress(Exception):
        cache.incr(SHARED_KEY)


# --- A story's own markup -----------------------------------------------------------------------------


def story_key(article_id: int) -> str:
    return f"frag:story:{article_id}"


def detail_queryset():
    """A story with everything its page shows, in six queries."""
    return Article.objects.select_related(
        "section", "section__parent", "lead_photo", "lead_photo__credit_source"
    ).prefetch_related(
        Prefetch("articleauthor_set", queryset=ArticleAuthor.objects.select_related("author")),
        Prefetch("articlesource_set", queryset=ArticleSource.objects.select_related("source")),
        "tags",
        "corrections",
        Prefetch(
            "gallery_items", queryset=GalleryItem.objects.select_related("photo", "photo__credit_source")
        ),
    )


def story_parts(article, site: dict) -> dict:
    """Everything on the article page that depends on the story alone (and the site's settings)."""
    context = {"article": article, "SITE_URL": settings.SITE_URL}
    return {
        "title": article.seo_title or article.headline,
        "description": article.meta_description or article.standfirst or article.headline,
        "path": article.get_absolute_url(),
        "og": render_to_string("includes/story_head.html", context),
        "story": render_to_string("includes/story.html", context),
        "json_ld": json_ld_payload(article_json_ld(article, site)),
        "current_section": (article.section.parent or article.section).slug,
    }


def prerender(article_id: int) -> None:
    """Render and keep a live story's markup as soon as it is saved.

    When a story breaks, its first readers arrive together: without this, each worker that meets the
    missing fragment renders it at once. Called after the commit, off the editor's transaction.
    """
    if not enabled():
        return
    try:
        article = detail_queryset().published().filter(pk=article_id).first()
        if article is None:
            return
        shared, _ = lookup({})
        store(shared, {story_key(article.pk): (stamp(article), story_parts(article, site_context()))})
    except Exception:  # noqa: BLE001 - the save is committed; the first reader renders it instead
        log.exception("could not pre-render story %s", article_id)


# --- Cards --------------------------------------------------------------------------------------------


def card_options(*, big=False, compact=False, lazy=True, show_section=False, level=3) -> dict:
    return {"big": big, "compact": compact, "lazy": lazy, "show_section": show_section, "level": level}


def _card_key(article_id: int, options: dict) -> str:
    flags = "".join("1" if options[name] else "0" for name in ("big", "compact", "lazy", "show_section"))
    return f"frag:card:{article_id}:{flags}{options['level']}"


def _card_keys(items) -> list[tuple[int, str, float]]:
    keyed = []
    for article, options in items:
        pk, at = article if isinstance(article, tuple) else (article.pk, article.updated_at)
        keyed.append((pk, _card_key(pk, options), at.timestamp()))
    return keyed


def card_stamps(items) -> dict[str, float]:
    """The stamps of cards(items), for a lookup() that also reads a page's other fragments."""
    return {key: at for _, key, at in _card_keys(items)}


def cards(items: list[tuple[object, dict]], *, load=None, found=None) -> list[str]:
    """The card markup of each (story, card_options()) pair, rendered only where no stored card matches.

    `items` may hold (id, updated_at) pairs instead of stories: `load(ids)` then returns {id: story}
    for the cards that must be rendered. `found` is a lookup() already made with card_stamps(items).
    """
    if not items:
        return []
    keyed = _card_keys(items)
    shared, hits = found if found is not None else lookup({key: at for _, key, at in keyed})
    missing = [(pk, key) for pk, key, _ in keyed if key not in hits]
    if missing:
        if load is not None:
            stories = load([pk for pk, _ in missing])
        else:
            stories = {article.pk: article for article, _ in items}
        options_by_key = {key: options for (_, key, _), (_, options) in zip(keyed, items, strict=True)}
        fresh = {}
        for pk, key in missing:
            story = stories.get(pk)
            if story is None:  # gone since the ids were read
                continue
            html = render_to_string("includes/card.html", {**options_by_key[key], "article": story})
            hits[key] = html
            fresh[key] = (stamp(story), html)
        store(shared, fresh)
    return [mark_safe(hits[key]) for _, key, _ in keyed if key in hits]
