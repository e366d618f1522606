"""Reading and keeping a story's stored markup (models.StoredMarkup) and superseding it.

The route query (public/views.py) reads the stored parts in the same statement as the story's routing,
joined only where still valid, so a story rendered once costs its readers no more queries or templates.
The shared generation is a sequence: bumping it is one statement, needs no row lock, and a stored part
compares with it in that same join.
"""

import hashlib
import json
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router

from articles.models import Article

log = logging.getLogger(__name__)

SEQUENCE = "articles_markup_generation"
# The columns and join the route query adds: the valid stored parts (else NULL) and the generation.
ROUTE_COLUMNS = f"m.parts, m.version, (SELECT last_value FROM {SEQUENCE})"
ROUTE_JOIN = f"""LEFT JOIN articles_storedmarkup m ON m.article_id = a.id AND m.rendered_for = a.updated_at
    AND m.generation = (SELECT last_value FROM {SEQUENCE})"""

# What a story's markup is made by: a release that changes any of it renders stories afresh. Every site
# template, since the page cache keys pages by this version too (caching/pagecache.py).
_SOURCES = (
    "templates",
    "articles/blocks",
    "articles/public/render.py",
    "articles/public/cards.py",
    "articles/public/structured.py",
    "articles/templatetags",
)


def version() -> str:
    """The release's markup version: the code and templates that render a story, and the URLs it holds
    (the site's, media's, and the static files' as the manifest names them). A deploy that changes any of
    them supersedes everything kept, with no step of its own."""
    return _version(settings.SITE_URL, settings.MEDIA_URL, settings.STATIC_URL, _static_manifest())


def _static_manifest() -> str:
    # A changed static file changes its hashed name in the manifest (production); without a manifest
    # (development) a static file's URL never changes.
    return getattr(staticfiles_storage, "manifest_hash", "") or ""


@cache
def _version(*urls: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    root = Path(settings.BASE_DIR)
    for source in _SOURCES:
        path = root / source
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.suffix in (".py", ".html", ".txt", ".xml"):
                digest.update(file.read_bytes())
    for value in urls:
        digest.update(value.encode())
    return digest.hexdigest()


def parts(value, stored_version) -> dict | None:
    """The parts the route query read (jsonb comes as text through a plain cursor), if this release's."""
    if value is None or stored_version != version():
        return None
    return json.loads(value) if isinstance(value, str | bytes) else value


def _cursor(write: bool):
    alias = router.db_for_write(Article) if write else router.db_for_read(Article)
    return connections[alias].cursor()


def _keeping_cursor():
    """The primary's cursor, not through the router: keeping rendered markup is the site's own write, not
    the reader's, so it must not pin the reader to the primary (a cookie no cached page can carry)."""
    return connections[DEFAULT_DB_ALIAS].cursor()


def keep(article_id: int, updated_at, generation: int | None, parts: dict) -> None:
    """Keep the parts rendered from the story as of `updated_at` and the shared `generation` (both read
    before the rows it was rendered from): kept only while the story is still at that time."""
    if generation is None:
        return
    sql = """
        INSERT INTO articles_storedmarkup (article_id, parts, rendered_for, generation, version)
        SELECT a.id, %s::jsonb, a.updated_at, %s, %s FROM articles_article a
        WHERE a.id = %s AND a.updated_at = %s
        ON CONFLICT (article_id) DO UPDATE SET parts = EXCLUDED.parts, rendered_for = EXCLUDED.rendered_for,
            generation = EXCLUDED.generation, version = EXCLUDED.version
    """
    payload = json.dumps(parts, cls=DjangoJSONEncoder)
    try:
        with _keeping_cursor() as cursor:
            cursor.execute(sql, [payload, generation, version(), article_id, updated_at])
    except Exception:  # noqa: BLE001 - the page is rendered; the next reader renders it again
        log.exception("could not keep the markup of story %s", article_id)


# A story's stored card (models.StoredCard), joined where a listing reads its ids: valid under the same
# rules as its markup. Takes the named parameter %(card_version)s (card_params()).
CARD_COLUMNS = f"c.card, (SELECT last_value FROM {SEQUENCE})"
CARD_JOIN = f"""LEFT JOIN articles_storedcard c ON c.article_id = a.id AND c.rendered_for = a.updated_at
    AND c.generation = (SELECT last_value FROM {SEQUENCE}) AND c.version = %(card_version)s"""


def card_params() -> dict:
    return {"card_version": version()}


def keep_cards(generation: int | None, cards: list[tuple[int, object, dict]]) -> None:
    """Keep (story id, updated_at, card) rendered under `generation`, each only while its story is
    still at that time: one statement for a page's worth."""
    if generation is None or not cards:
        return
    sql = """
        INSERT INTO articles_storedcard (article_id, card, rendered_for, generation, version)
        SELECT a.id, k.card, a.updated_at, %s, %s
        FROM unnest(%s::bigint[], %s::timestamptz[], %s::jsonb[]) AS k(id, at, card)
        JOIN articles_article a ON a.id = k.id AND a.updated_at = k.at
        ON CONFLICT (article_id) DO UPDATE SET card = EXCLUDED.card, rendered_for = EXCLUDED.rendered_for,
            generation = EXCLUDED.generation, version = EXCLUDED.version
    """
    ids, times, payloads = zip(*((pk, at, json.dumps(card)) for pk, at, card in cards), strict=True)
    try:
        with _keeping_cursor() as cursor:
            cursor.execute(sql, [generation, version(), list(ids), list(times), list(payloads)])
    except Exception:  # noqa: BLE001 - the page is rendered; the next reader renders the cards again
        log.exception("could not keep the cards of stories %s", ids)


def current_generation() -> int:
    with _cursor(write=False) as cursor:
        cursor.execute(f"SELECT last_value FROM {SEQUENCE}")
        return cursor.fetchone()[0]


def bump() -> None:
    """Supersede every story's stored markup: something many stories show has changed."""
    with _cursor(write=True) as cursor:
        cursor.execute(f"SELECT nextval('{SEQUENCE}')")


def forget(article_id: int) -> None:
    """Drop one story's stored markup: one of its own rows changed (its updated_at may move only later)."""
    with _cursor(write=True) as cursor:
        cursor.execute("DELETE FROM articles_storedmarkup WHERE article_id = %s", [article_id])
        cursor.execute("DELETE FROM articles_storedcard WHERE article_id = %s", [article_id])
