"""Related stories: four from the few hundred published up to shortly after a story, most shared tags first.

Bounded work on any archive: the candidates come off the publication index and each is checked against
its own tag links, where a shared-tag count over the archive reads every link there is.

Every story published in the last RELATED_WINDOW draws on the same candidates, the newest published
stories. With the page cache's stamp at hand (pagecache.py: its generation and clock, which move with
any change a page can show), those are read once per stamp and worker, with their tags, and each page
ranks them in Python: after a publish, the first article page pays for the read and every other one
reuses it. Older stories, or no cache, use one query of their own.
"""

from datetime import timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, router
from django.db.models import OuterRef
from django.utils import timezone
from taggit.models import TaggedItem

from articles import search
from articles.caching import fragments, pagecache
from articles.markup import store as markup
from articles.models import Article, published_sql

from . import listing

RELATED_WINDOW = timedelta(days=90)
CANDIDATES = 300
COUNT = 4

# (stamp, rows): the newest CANDIDATES + 1 published stories as (id, updated_at, section_id,
# published_at, tag ids), kept by this worker for as long as the stamp holds.
_shared = (None, [])


def related(*, article_id: int, published_at, section_id: int, tag_ids: list[int]) -> list:
    """The related stories, best first: (id, updated_at) pairs from the shared candidates (whose cards
    are fragments), or listing.CardRow from a query of the story's own (with their stored cards)."""
    now = timezone.now()
    around = min(now, (published_at or now) + RELATED_WINDOW)
    if around == now and fragments.enabled():
        rows = _newest_candidates()
        if rows is not None:
            return rank(rows, article_id=article_id, section_id=section_id, tag_ids=tag_ids)
    return _query(article_id=article_id, around=around, section_id=section_id, tag_ids=tag_ids)


def rank(rows, *, article_id: int, section_id: int, tag_ids) -> list[tuple]:
    """The SQL of _query(), over candidate rows already read."""
    own = frozenset(tag_ids)
    picked = []
    seen = 0
    for pk, updated_at, row_section, row_published, row_tags in rows:
        if pk == article_id:
            continue
        if seen == CANDIDATES:
            break
        seen += 1
        shared = len(own & row_tags)
        if shared or row_section == section_id:
            picked.append((shared, row_published, pk, updated_at))
    # Most shared tags, then newest, then highest id: the query's ORDER BY.
    picked.sort(key=lambda row: row[:3], reverse=True)
    return [(pk, updated_at) for _, _, pk, updated_at in picked[:COUNT]]


def _newest_candidates():
    global _shared
    stamp = pagecache.current_stamp()
    if stamp is None:
        return None
    seen, rows = _shared
    if seen != stamp:
        links = TaggedItem.objects.filter(
            content_type_id=search.article_content_type_id(), object_id=OuterRef("pk")
        ).values("tag_id")
        rows = [
            (pk, updated_at, section, published, frozenset(tags))
            for pk, updated_at, section, published, tags in Article.objects.published()
            .order_by("-published_at", "-id")
            .annotate(tag_ids=ArraySubquery(links))
            .values_list("pk", "updated_at", "section_id", "published_at", "tag_ids")[: CANDIDATES + 1]
        ]
        _shared = (stamp, rows)
    return rows


def _query(*, article_id: int, around, section_id: int, tag_ids: list[int]) -> list[tuple]:
    # The tag ids are passed as values: a subquery for them made the planner read every link of
    # those tags.
    sql = """
        WITH recent AS (
            SELECT a.id, a.section_id, a.published_at FROM articles_article a
            WHERE {published} AND a.id <> %(id)s
            ORDER BY a.published_at DESC, a.id DESC
            LIMIT %(candidates)s
        ), picked AS (
            SELECT r.id, count(ti.id) AS shared, r.published_at FROM recent r
            LEFT JOIN taggit_taggeditem ti
                ON ti.content_type_id = %(content_type)s AND ti.object_id = r.id AND ti.tag_id = ANY(%(tags)s)
            GROUP BY r.id, r.section_id, r.published_at
            HAVING count(ti.id) > 0 OR r.section_id = %(section)s
            ORDER BY count(ti.id) DESC, r.published_at DESC, r.id DESC
            LIMIT %(count)s
        )
        SELECT {columns} FROM picked JOIN articles_article a ON a.id = picked.id {joins}
        ORDER BY picked.shared DESC, picked.published_at DESC, picked.id DESC
    """.format(published=published_sql("a", "around"), columns=listing.ROW_COLUMNS, joins=listing.ROW_JOINS)
    params = {
        "around": around,
        "id": article_id,
        "candidates": CANDIDATES,
        "content_type": search.article_content_type_id(),
        "tags": list(tag_ids),
        "section": section_id,
        "count": COUNT,
        **markup.card_params(),
    }
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(sql, params)
        return listing.rows(cursor)
