"""reverse() for the public pages' slug URLs, without its cost on every link.

A listing page links each story and its section two or three times (cards, JSON-LD): reverse() was a
tenth of such a page. A URL name's pattern is reversed once per URLconf with placeholders, then filled in.
"""

import re

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

SAFE_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_routes = {}  # (resolver, script prefix, url name) -> the URL with placeholders


def route(name: str, **slugs: str) -> str:
    """reverse(name, kwargs=slugs) for ASCII slugs (which reverse() would not quote), from a pattern
    reversed once per URLconf: reverse() itself was a tenth of a listing page."""
    if not all(SAFE_SLUG.fullmatch(value) for value in slugs.values()):
        return reverse(name, kwargs=slugs)
    key = (get_resolver(get_urlconf()), get_script_prefix(), name, tuple(slugs))
    pattern = _routes.get(key)
    if pattern is None:
        if len(_routes) > 32:
            _routes.clear()  # URLconfs swapped by tests: the old resolvers are not kept alive
        marked = reverse(name, kwargs={k: f"slug-placeholder-{k}" for k in slugs})
        pattern = marked.replace("{", "{{").replace("}", "}}")
        for k in slugs:
            pattern = pattern.replace(f"slug-placeholder-{k}", f"{{{k}}}")
        _routes[key] = pattern
    return pattern.format(**slugs)
