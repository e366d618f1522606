"""Surrogate keys: names for what a public response shows, so a change purges exactly the pages showing it.

The same keys drive the edge cache (`Surrogate-Key` for Fastly and Varnish's xkey, `Cache-Tag` for
Cloudflare; purge.py) and the readers' page cache in Redis (pagecache.py). Views and the card renderer
add keys to a per-request collector while they render; the page cache middleware opens the collector and
writes the headers, so no view formats a header or knows the cap.

- `a<id>`: a story, on its own page or as a card, a feed item, a redirect or the 404/410 at its address;
- `s<id>`, `t<id>`, `p<id>`: a section's, tag's or author's list (its page and its feed);
- `slug-<slug>`: the 404 at an address nothing answers yet, purged when a story, tag or author takes it;
- `home`, `feeds`, `sitemaps`, `search`, `corrections`: pages listing the newest stories of the site;
- `stories`: a page showing more story cards than the cap allows keys for (see `header_keys`);
- `chrome`: the site's header, footer and settings, on every response: purging it purges everything.
"""

import contextlib
import contextvars
import functools

# CloudFront's limit, the strictest of the CDNs: 50 keys per response.
MAX_KEYS = 50

CHROME = "chrome"
HOME = "home"
FEEDS = "feeds"
SITEMAPS = "sitemaps"
SEARCH = "search"
CORRECTIONS = "corrections"
STORIES = "stories"
# Pages that show the newest stories of the whole site: any story appearing or leaving changes them.
SITE_LISTS = (HOME, FEEDS, SITEMAPS, SEARCH, STORIES)


def story(pk: int) -> str:
    return f"a{pk}"


def section(pk: int) -> str:
    return f"s{pk}"


def tag(pk: int) -> str:
    return f"t{pk}"


def author(pk: int) -> str:
    return f"p{pk}"


def slug(value: str) -> str:
    return f"slug-{value}"


class Collector:
    """The keys one response shows: its own (lists, page types) and those of the story cards on it."""

    def __init__(self):
        self.own: dict[str, None] = {}
        self.cards: dict[str, None] = {}

    def header_keys(self) -> list[str] | None:
        """At most MAX_KEYS keys, chrome first. With more cards than fit, the cards' keys give way to
        `stories`, which every change to a shown story purges (resolve.py): coarser, never stale.
        None if even the response's own keys do not fit: it must not be kept by any shared cache."""
        own = {CHROME: None, **self.own}
        cards = [key for key in self.cards if key not in own]
        if len(own) + len(cards) > MAX_KEYS:
            own[STORIES] = None
            cards = []
        return [*own, *cards] if len(own) <= MAX_KEYS else None


_collector: contextvars.ContextVar[Collector | None] = contextvars.ContextVar("surrogate_keys", default=None)


@contextlib.contextmanager
def collecting():
    """Collect the keys added while rendering one response (opened by the page cache middleware)."""
    collector = Collector()
    token = _collector.set(collector)
    try:
        yield collector
    finally:
        _collector.reset(token)


def add(*keys: str) -> None:
    """This response shows these (a no-op outside a collected, public response)."""
    if (collector := _collector.get()) is not None:
        collector.own.update(dict.fromkeys(keys))


def add_stories(ids) -> None:
    """This response shows these stories as cards or items."""
    if (collector := _collector.get()) is not None:
        collector.cards.update(dict.fromkeys(story(pk) for pk in ids))


def tagged(*static_keys: str):
    """A view decorator: every response of the view shows `static_keys` (a page type: sitemaps...)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            add(*static_keys)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
