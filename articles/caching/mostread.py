"""The most-read lists (articles/readership/lists.py) kept in the cache, one entry per scope (the site, a
section), each stamped with the lists' generation.

The flush stores fresh lists every few minutes. A change to a story readers could see (an edit, an
unpublish, the trash) starts a new generation (invalidation.py), so a withdrawn or retitled story leaves
the lists at the next page rendered, without superseding any page.
"""

import time

from django.conf import settings

from . import store

GENERATION_KEY = "mostread:gen"


def key(scope: str) -> str:
    return f"mostread:{scope}"


def seconds() -> int:
    # Until the next flush would have replaced it, and then some: a worker late by a tick changes nothing.
    return 2 * settings.READS_FLUSH_SECONDS


def lookup(scope: str) -> tuple[int | None, dict | None]:
    """(generation, the scope's lists or None when not kept); generation None when the cache is down."""
    found = store.call("get_many", [GENERATION_KEY, key(scope)])
    if found is None:
        return None, None
    generation = found.get(GENERATION_KEY)
    if generation is None:
        store.call("add", GENERATION_KEY, time.time_ns(), None)
        return store.call("get", GENERATION_KEY), None
    kept = found.get(key(scope))
    if kept is None or kept[0] != generation:
        return generation, None
    return generation, kept[1]


def generation() -> int | None:
    return lookup("site")[0]


def keep(generation: int | None, lists: dict[str, dict]) -> None:
    """Keep {scope: lists} computed under `generation`."""
    if generation is None or not lists:
        return
    store.call("set_many", {key(scope): (generation, value) for scope, value in lists.items()}, seconds())


def bump() -> None:
    """Supersede every kept list (a story in them may have changed or gone)."""
    store.call("set", GENERATION_KEY, time.time_ns(), None)
