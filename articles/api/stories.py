"""What the API reads: published stories (the site's own rule, `Article.objects.published()`), their
filters, and pages continued by an opaque cursor; the sections, tags and authors readers can reach.

Cursor pages are keyset pages: a cursor holds the last story's (publish time, id) and the next page
reads the stories strictly older from the listing index, so a story published meanwhile shifts nothing,
and page 5,000 costs what page 1 does (an OFFSET would read every story before it).
"""

import binascii
from base64 import b64decode, urlsafe_b64encode
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, ArticleSource, Author, GalleryItem, Section, section_q

MAX_CURSOR_LENGTH = 200


class BadRequest(ValueError):
    """A query parameter the API cannot use; its message says why."""


def stories():
    """Published stories with everything their ninjs item shows, in six queries whatever their number."""
    return (
        Article.objects.published()
        .select_related("section", "section__parent", "lead_photo", "lead_photo__credit_source")
        # As lists (to_attr): reading a prefetched manager builds a queryset each time, 100 per page.
        .prefetch_related(
            Prefetch(
                "articleauthor_set",
                queryset=ArticleAuthor.objects.select_related("author"),
                to_attr="api_bylines",
            ),
            Prefetch(
                "articlesource_set",
                queryset=ArticleSource.objects.select_related("source"),
                to_attr="api_sources",
            ),
            Prefetch("tags", to_attr="api_tags"),
            Prefetch("corrections", to_attr="api_notes"),
            Prefetch(
                "gallery_items",
                queryset=GalleryItem.objects.select_related("photo", "photo__credit_source"),
                to_attr="api_gallery",
            ),
        )
        .defer("search_vector")
    )


def parse_time(value: str, name: str) -> datetime:
    """An ISO 8601 date-time (a date alone is its midnight); without an offset it is taken as UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(
            f"{name} must be an ISO 8601 date-time such as 2026-11-29T18:00:00Z (got “{value[:40]}”)."
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _lookup(model, slug: str, what: str):
    # PostgreSQL refuses NUL in text: a query with one would fail, not find nothing.
    found = None if "\x00" in slug else model.objects.filter(slug=slug).first()
    if found is None:
        raise BadRequest(f"No {what} has the slug “{slug[:80]}”.")
    return found


@dataclass
class Selection:
    """The stories a list asks for: a queryset, and when only a few match, their (publish time, id) keys,
    newest first, so a page is read by id (see _changed_since)."""

    queryset: QuerySet
    few: list[tuple[datetime, int]] | None = None


def filtered(*, section=None, tag=None, author=None, updated_since=None) -> Selection:
    queryset = stories()
    if section:
        queryset = queryset.filter(section_q(_lookup(Section, section, "section")))
    if tag:
        queryset = queryset.filter(tags=_lookup(Tag, tag, "tag"))
    if author:
        queryset = queryset.filter(authors=_lookup(Author, author, "author"))
    if updated_since is not None:  # an empty value is a malformed time, not no filter
        return _changed_since(queryset, parse_time(updated_since, "updated_since"))
    return Selection(queryset)


# Up to this many stories changed since the time asked, they are listed by id (below).
FEW_CHANGES = 2_000


def _changed_since(queryset, since: datetime) -> Selection:
    """Stories saved (updated_at) or given a note (revised_at, set without a save) at or after `since`.

    A client syncing every few minutes asks for a handful of stories. Walking the publish-time index for
    them reads the whole archive when fewer than a page match (240 ms on 100,000 stories), and joining
    every match before sorting costs 10 ms for 500: so up to FEW_CHANGES matches are found by the
    updated_at and revised_at indexes first (under a millisecond), sorted here, and only the page's rows
    read. When more match (a full resync), walking the index finds a page at once, and is kept.
    """
    changed = queryset.filter(Q(updated_at__gte=since) | Q(revised_at__gte=since))
    keys = list(changed.order_by().values_list("published_at", "pk")[: FEW_CHANGES + 1])
    if len(keys) > FEW_CHANGES:
        return Selection(changed)
    return Selection(queryset, few=sorted(keys, reverse=True))


# --- Cursors ------------------------------------------------------------------------------------------


def encode_cursor(*values) -> str:
    raw = "|".join(v.astimezone(UTC).isoformat() if isinstance(v, datetime) else str(v) for v in values)
    return urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[str]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise ValueError
    padded = cursor + "=" * (-len(cursor) % 4)
    return b64decode(padded, altchars=b"-_", validate=True).decode().split("|")


def story_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, pk = _decode(cursor)
        at, pk = datetime.fromisoformat(at), int(pk)
        if at.tzinfo is None:
            raise ValueError
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise BadRequest("cursor is not one this API gave: use the `next_cursor` of a page.") from None
    return at, pk


def slug_cursor(cursor: str) -> str:
    try:
        (slug,) = _decode(cursor)
        if not slug or "\x00" in slug:
            raise ValueError
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise BadRequest("cursor is not one this API gave: use the `next_cursor` of a page.") from None
    return slug


def story_page(selection: Selection, *, cursor: str | None, size: int) -> tuple[list[Article], str | None]:
    """A page of `size` stories, newest first, after `cursor`; and the next page's cursor, if any."""
    after = story_cursor(cursor) if cursor else None
    queryset = selection.queryset
    if selection.few is not None:
        keys = [key for key in selection.few if after is None or key < after][: size + 1]
        queryset = queryset.filter(pk__in=[pk for _, pk in keys])
    elif after:
        queryset = queryset.filter(TupleLessThan(Tuple(F("published_at"), F("id")), after))
    rows = list(queryset.order_by("-published_at", "-id")[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, encode_cursor(rows[-1].published_at, rows[-1].pk)


def listing_page(queryset, *, cursor: str | None, size: int) -> tuple[list, str | None]:
    """A page of sections, tags or authors in slug order (slugs are unique), after `cursor`."""
    if cursor:
        queryset = queryset.filter(slug__gt=slug_cursor(cursor))
    rows = list(queryset.order_by("slug")[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, encode_cursor(rows[-1].slug)


# --- Sections, tags and authors: those with a published story, as the sitemaps list them ---------------


def _with_a_story(queryset, stories):
    """`queryset`'s rows that `stories` (correlated by OuterRef) has at least one of.

    A scalar subquery (one id, unordered), not EXISTS: PostgreSQL turns an EXISTS into a join over every
    link (387,000 tag links on the archive: 200 ms), where this probes each row in slug order until the
    page is full (7 ms).
    """
    first = Subquery(stories.order_by().values("pk")[:1])
    return queryset.annotate(a_story=first).filter(a_story__isnull=False)


def sections():
    live = Article.objects.published().filter(section_q(OuterRef("pk")))
    return _with_a_story(Section.objects.select_related("parent"), live).order_by("order", "name")


def tags():
    return _with_a_story(Tag.objects.all(), Article.objects.published().filter(tags=OuterRef("pk")))


def authors():
    return _with_a_story(Author.objects.all(), Article.objects.published().filter(authors=OuterRef("pk")))
