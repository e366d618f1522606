"""The most-read lists: per scope (the whole site, a top-level section), the stories most read in the
last hour, 24 hours and 7 days, published ones only.

Pages read them from the cache (articles/caching/mostread.py); on a miss one query makes the scope's
three lists and keeps them. The flush makes them all again every READS_FLUSH_SECONDS. With the cache down
pages show none rather than ask the database on every render.

Counts are hourly: "the last hour" is the hour now running and the one before it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connections, router
from django.urls import reverse
from django.utils import timezone

from articles.caching import mostread
from articles.models import Article, Section, published_sql

SITE = "site"
WINDOWS = (("hour", "Last hour", timedelta(hours=1)), ("day", "24 hours", timedelta(hours=24)),
           ("week", "7 days", timedelta(days=7)))  # fmt: skip

RANKED = """
    WITH totals AS (
        SELECT r.article_id AS id,
               SUM(r.reads) FILTER (WHERE r.hour >= %(hour)s) AS hour,
               SUM(r.reads) FILTER (WHERE r.hour >= %(day)s) AS day,
               SUM(r.reads) AS week
        FROM articles_storyreads r
        JOIN articles_article a ON a.id = r.article_id
        WHERE r.hour >= %(week)s AND {published} {in_section}
        GROUP BY r.article_id
    ), ranked AS (
        SELECT w.name, t.id, w.reads,
               row_number() OVER (PARTITION BY w.name ORDER BY w.reads DESC, t.id DESC) AS n
        FROM totals t
        CROSS JOIN LATERAL (VALUES ('hour', t.hour), ('day', t.day), ('week', t.week)) AS w(name, reads)
        WHERE w.reads > 0
    )
    SELECT ranked.name, ranked.reads, a.id, a.headline, a.slug, s.slug
    FROM ranked
    JOIN articles_article a ON a.id = ranked.id
    JOIN articles_section s ON s.id = a.section_id
    WHERE ranked.n <= %(count)s
    ORDER BY ranked.name, ranked.n
"""


def scope_of(section_slug: str | None) -> str:
    return f"section:{section_slug}" if section_slug else SITE


def compute(scope: str, now=None) -> dict:
    """{window: [{"id", "headline", "url", "reads"}, ...]} for `scope`: one query."""
    now = now or timezone.now()
    start = now.replace(minute=0, second=0, microsecond=0)
    params = {"now": now, "count": settings.MOST_READ_COUNT, "section": scope.removeprefix("section:")}
    params |= {name: start - span for name, _, span in WINDOWS}
    in_section = ""
    if scope != SITE:
        in_section = "AND a.top_section_id = (SELECT id FROM articles_section WHERE slug = %(section)s)"
    sql = RANKED.format(published=published_sql("a", "now"), in_section=in_section)
    lists = {name: [] for name, _, _ in WINDOWS}
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(sql, params)
        for window, reads, pk, headline, slug, section in cursor.fetchall():
            url = reverse("articles:detail", kwargs={"section": section, "slug": slug})
            lists[window].append({"id": pk, "headline": headline, "url": url, "reads": reads})
    return lists


def most_read(scope: str) -> list[tuple[str, str, list[dict]]]:
    """[(window, its label, its stories)] with stories, for a page: from the cache, else one query."""
    generation, lists = mostread.lookup(scope)
    if generation is None:
        return []
    if lists is None:
        lists = compute(scope)
        mostread.keep(generation, {scope: lists})
    return [(name, label, lists[name]) for name, label, _ in WINDOWS if lists.get(name)]


def refresh(now=None) -> None:
    """Make every scope's lists again (the flush): the site's and each top-level section's."""
    generation = mostread.generation()
    if generation is None:
        return
    scopes = [
        SITE,
        *(scope_of(slug) for slug in Section.objects.filter(parent=None).values_list("slug", flat=True)),
    ]
    mostread.keep(generation, {scope: compute(scope, now) for scope in scopes})
