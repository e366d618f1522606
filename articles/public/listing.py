"""Listing pages (section, tag, author) read as card rows: a page's ids off the index and each story's
stored card (articles/markup/), in one hand-written query.

Model instances, the ORM's compile and each card's escaping were most of a listing page's time; a stored
card is one str.format() per card. Stories without a valid card are read and rendered, and their cards
kept, by rendering.cards().
"""

import json
from dataclasses import dataclass

from django.db import connections, router
from django.utils import timezone

from articles import search
from articles.markup import store as markup
from articles.models import Article, published_sql
from articles.routing import route


@dataclass(slots=True)
class CardRow:
    """A story as a listing shows it: its route, its stamp and its stored card (None: render it)."""

    pk: int
    slug: str
    section_slug: str
    updated_at: object
    card: dict | None
    generation: int | None

    def get_absolute_url(self) -> str:
        return route("articles:detail", section=self.section_slug, slug=self.slug)


# The columns and joins of a CardRow, for a query that names the story `a`.
ROW_COLUMNS = f"a.id, a.slug, s.slug, a.updated_at, {markup.CARD_COLUMNS}"
ROW_JOINS = f"JOIN articles_section s ON s.id = a.section_id {markup.CARD_JOIN}"


def rows(cursor) -> list[CardRow]:
    # jsonb comes as text through a plain cursor (Django's loader leaves it to the JSONField).
    return [
        CardRow(pk, slug, section, at, json.loads(card) if isinstance(card, str) else card, generation)
        for pk, slug, section, at, card, generation in cursor.fetchall()
    ]


class Listing:
    """The published stories of a section, tag or author, newest first, read a page at a time."""

    def __init__(self, *, join: str = "", where: str, **params):
        self.join, self.where, self.params = join, where, params

    @classmethod
    def section(cls, section) -> "Listing":
        # A top-level section's page includes its sub-sections' stories: the indexed column that answers.
        column = "a.section_id" if section.parent_id else "a.top_section_id"
        return cls(where=f"{column} = %(listing)s", listing=section.pk)

    @classmethod
    def tag(cls, tag) -> "Listing":
        join = "JOIN taggit_taggeditem ti ON ti.object_id = a.id AND ti.content_type_id = %(content_type)s"
        return cls(
            join=join,
            where="ti.tag_id = %(listing)s",
            listing=tag.pk,
            content_type=search.article_content_type_id(),
        )

    @classmethod
    def author(cls, author) -> "Listing":
        join = "JOIN articles_articleauthor x ON x.article_id = a.id"
        return cls(join=join, where="x.author_id = %(listing)s", listing=author.pk)

    def count(self) -> int:
        """How many stories: only for "?page=last", which no page links (pages never count)."""
        sql = f"""SELECT count(*) FROM articles_article a {self.join}
            WHERE {published_sql("a", "now")} AND {self.where}"""
        with connections[router.db_for_read(Article)].cursor() as cursor:
            cursor.execute(sql, {**self.params, "now": timezone.now()})
            return cursor.fetchone()[0]

    def page(self, offset: int, limit: int) -> list[CardRow]:
        """The stories from `offset`, with their cards. The page's ids come off the index first (an
        index-only scan however deep the page), then only those rows are read."""
        sql = f"""
            WITH page AS MATERIALIZED (
                SELECT a.id, a.published_at FROM articles_article a {self.join}
                WHERE {published_sql("a", "now")} AND {self.where}
                ORDER BY a.published_at DESC, a.id DESC
                LIMIT %(limit)s OFFSET %(offset)s
            )
            SELECT {ROW_COLUMNS} FROM page JOIN articles_article a ON a.id = page.id {ROW_JOINS}
            ORDER BY page.published_at DESC, page.id DESC
        """
        params = {
            **self.params,
            **markup.card_params(),
            "now": timezone.now(),
            "limit": limit,
            "offset": offset,
        }
        with connections[router.db_for_read(Article)].cursor() as cursor:
            cursor.execute(sql, params)
            return rows(cursor)


def by_ids(ids) -> dict[int, CardRow]:
    """The published stories among `ids`, as card rows by id (a page that picked them by other means)."""
    if not ids:
        return {}
    sql = f"""SELECT {ROW_COLUMNS} FROM articles_article a {ROW_JOINS}
        WHERE a.id = ANY(%(ids)s) AND {published_sql("a", "now")}"""
    params = {**markup.card_params(), "ids": list(ids), "now": timezone.now()}
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(sql, params)
        return {row.pk: row for row in rows(cursor)}
