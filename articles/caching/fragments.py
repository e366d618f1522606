"""Rendered pieces of pages that outlive the page cache: a story's own markup and its cards.

Every publish supersedes the home page and the lists in the page cache (pagecache.py), but it changes
nothing in the other stories' markup. So a story's body and head and each of its cards are kept under the
story's id, stamped with what they were rendered from:

- the story's `updated_at`, which every save of the story changes, and which a change to one of its own
  rows (bylines, attributions, tags, gallery, corrections) touches too (signals.py);
- the *shared* generation, bumped when something many stories show changes: a photo, author, source,
  section or tag edited or deleted, or the site settings; kept per release, so a deploy that changes the
  templates, the site's URL or the static files starts a new one.

A fragment whose stamp differs is ignored, so a change is visible on the next request, as with the page
cache. All the fragments a page needs, and the shared generation, come in one round trip (MGET). With
FRAGMENT_CACHE_SECONDS = 0, or the cache down, every piece is rendered.
"""

import time

from django.conf import settings

from articles.markup import store as markup

from . import store


def shared_key() -> str:
    # Per release (markup/store.py's version): after a deploy no fragment of the last one is current.
    return f"fragments:shared:{markup.version()}"


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
    key = shared_key()
    found = store.call("get_many", [key, *stamps, *also])
    if found is None:
        return None, {}
    plain = {key: found.pop(key) for key in also if key in found}
    shared = found.pop(key, None)
    if shared is None:
        # Lost or never set: start a generation no stored fragment can carry.
        store.call("add", key, time.time_ns(), None)
        return store.call("get", key), plain
    return shared, plain | {
        key: value for key, (gen, at, value) in found.items() if gen == shared and at == stamps.get(key)
    }


def keep(shared: int | None, entries: dict[str, tuple[float, object]]) -> None:
    """Keep freshly rendered pieces, each as (its stamp, value), under the generation they were read in."""
    if shared is None or not entries:
        return
    values = {key: (shared, at, value) for key, (at, value) in entries.items()}
    store.call("set_many", values, settings.FRAGMENT_CACHE_SECONDS)


def bump_shared() -> None:
    """Supersede every fragment (something many stories show has changed)."""
    # A new value, not an increment: compared for equality only, and a lost key needs no special case.
    store.call("set", shared_key(), time.time_ns(), None)


# --- A story's own markup -----------------------------------------------------------------------------


def story_key(article_id: int) -> str:
    return f"frag:story:{article_id}"


# --- Cards --------------------------------------------------------------------------------------------


def _card_key(article_id: int, options: dict) -> str:
    flags = "".join("1" if options[name] else "0" for name in ("big", "compact", "lazy", "show_section"))
    return f"frag:card:{article_id}:{flags}{options['level']}"


def card_keys(items) -> list[tuple[int, str, float]]:
    keyed = []
    for article, options in items:
        pk, at = article if isinstance(article, tuple) else (article.pk, article.updated_at)
        keyed.append((pk, _card_key(pk, options), at.timestamp()))
    return keyed


def forget_story(article_id: int) -> None:
    """Drop one story's markup and every card of it: one of its own rows (a byline, a tag, a note)
    changed, which its stamp (the story's `updated_at`) does not see when the story row is not saved."""
    flags = [f"{n:04b}" for n in range(16)]
    keys = [f"frag:card:{article_id}:{f}{level}" for f in flags for level in (2, 3)]
    store.call("delete_many", [story_key(article_id), *keys])


def card_stamps(items) -> dict[str, float]:
    """The stamps of cards(items), for a lookup() that also reads a page's other fragments."""
    return {key: at for _, key, at in card_keys(items)}
