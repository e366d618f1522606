"""Routing the public pages: an article's first query, with its stored markup; a section by its slug."""

from django.db import connections, router
from django.shortcuts import get_object_or_404

from articles import search
from articles.caching.site import site_context
from articles.markup import store as markup
from articles.models import Article, Section

# (site context version, {slug: Section}): the sections this worker has routed to. A section's edit
# supersedes the site context (caching/invalidation.py), whose new version empties this.
_sections = (None, {})

ROUTE_FIELDS = (
    "pk",
    "status",
    "published_at",
    "updated_at",
    "section_id",
    "section__slug",
    "tag_ids",
    "live",
    "stored",
)


def route_of(slug: str) -> dict | None:
    """What routing and the fragment stamps need, with the story's tag ids for its related stories.

    Hand-written: the ORM's compile costs three times the query itself, and a story served from its
    fragments reads nothing else.
    """
    sql = f"""
        SELECT a.id, a.status, a.published_at, a.updated_at, a.section_id, s.slug,
            ARRAY(SELECT ti.tag_id FROM taggit_taggeditem ti
                  WHERE ti.content_type_id = %s AND ti.object_id = a.id ORDER BY ti.tag_id),
            {markup.ROUTE_COLUMNS},
            lc.seq, lc.started_at, lc.ended_at
        FROM articles_article a JOIN articles_section s ON s.id = a.section_id
            LEFT JOIN articles_livecoverage lc ON lc.article_id = a.id
            {markup.ROUTE_JOIN}
        WHERE a.slug = %s AND a.deleted_at IS NULL
    """
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(sql, [search.article_content_type_id(), slug])
        row = cursor.fetchone()
    if row is None:
        return None
    # A live story's coverage (articles/live/), read with its route: other stories pay nothing for it.
    seq, started_at, ended_at = row[-3:]
    live = {"seq": seq, "started_at": started_at, "ended_at": ended_at} if started_at else None
    # The story's stored markup (articles/markup/), when still valid and from this release.
    parts, version, generation = row[-6:-3]
    stored = {"parts": markup.parts(parts, version), "generation": generation}
    return dict(zip(ROUTE_FIELDS, (*row[:-6], live, stored), strict=True))


def section_by_slug(slug: str, site: dict | None = None) -> Section:
    """The section (with its parent) a section page shows, read once per version of the site context."""
    global _sections
    version = (site or site_context()).get("version")
    if _sections[0] != version or version is None:
        _sections = (version, {})
    known = _sections[1]
    if slug not in known:
        if len(known) >= 1000:
            known.clear()
        known[slug] = get_object_or_404(Section.objects.select_related("parent"), slug=slug)
    return known[slug]
