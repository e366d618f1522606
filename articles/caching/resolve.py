"""Which surrogate keys (keys.py) a change touches: the invalidation table's rows resolved to pages.

A story's own key reaches every page showing it (its page, its cards, feed items). Its lists (section
and parent section, tags, authors, home, feeds, sitemaps, search) change only when the story is or was
shown: it appears, leaves, or moves, and what follows it on page 2 moves too. So a change to a draft
purges only its own address, and a change to a live story purges its lists as they were and as they are.
"""

from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, OuterRef
from taggit.models import TaggedItem

from articles.models import Article, ArticleAuthor, BreakingBanner, Correction, FrontLayout
from articles.search import article_content_type_id

from . import keys

# Beyond this many stories showing one row (a photo, an author...), everything is purged instead: one
# key, where listing each story would cost a purge request per few hundred keys.
MANY = 500

STATE_FIELDS = ("status", "published_at", "deleted_at")
ROW_FIELDS = ("pk", "slug", "section_id", "top_section_id", *STATE_FIELDS)


def shown(row: dict) -> bool:
    """Readers see the story in this state (the publication rule, for a row already read)."""
    return Article.readable(**{name: row[name] for name in STATE_FIELDS})


def own_keys(row: dict) -> set[str]:
    """The story's page (or the 404/410 at its address) and its cards."""
    return {keys.story(row["pk"]), keys.slug(row["slug"])}


def section_keys(row: dict) -> set[str]:
    return {keys.section(pk) for pk in (row["section_id"], row["top_section_id"]) if pk}


def stories(changes: dict[int, set[str]], *, was_shown: set[int], moved: set[int]) -> set[str]:
    """The keys of changed stories, in one query for the whole batch.

    `changes` maps a story id to the list keys its changed rows name (a tag link: that tag's list), which
    count only while the story is or was shown; `was_shown` holds the stories readers saw before the
    change; `moved` those whose own row changed (a publish, a move, a new headline), which may appear in
    or leave any of their lists. A change to one of a story's other rows (a note, a caption) shows where
    the story does: its own key, and `stories` for pages whose cards collapsed into it.
    """
    if not changes:
        return set()
    links = TaggedItem.objects.filter(content_type_id=article_content_type_id(), object_id=OuterRef("pk"))
    rows = (
        Article.objects.filter(pk__in=list(changes))
        .annotate(
            tag_ids=ArraySubquery(links.values("tag_id")),
            author_ids=ArraySubquery(
                ArticleAuthor.objects.filter(article=OuterRef("pk")).values("author_id")
            ),
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
        )
        .values(*ROW_FIELDS, "tag_ids", "author_ids", "has_corrections")
    )
    found = set()
    touched = {keys.story(pk) for pk in changes}
    for row in rows:
        pk = row["pk"]
        found.add(pk)
        touched |= own_keys(row)
        if pk not in was_shown and not shown(row):
            continue
        touched |= changes[pk] | {keys.STORIES}
        if pk in moved or pk in was_shown and not shown(row):
            touched |= section_keys(row) | set(keys.SITE_LISTS)
            touched |= {keys.tag(tag_id) for tag_id in row["tag_ids"]}
            touched |= {keys.author(author_id) for author_id in row["author_ids"]}
            if row["has_corrections"]:
                touched.add(keys.CORRECTIONS)
    for pk in changes.keys() - found:  # deleted: what it was is in `changes`, noted before it went
        if pk in was_shown:
            touched |= changes[pk] | set(keys.SITE_LISTS)
    return touched


def went_live(since: datetime, until: datetime) -> set[str]:
    """The keys of scheduled stories whose publish time came in (since, until]: saved before it (a story
    published by hand is saved after its publish time, and its own change purged its keys then)."""
    ids = (
        Article.objects.published(until)
        .filter(published_at__gt=since, updated_at__lt=F("published_at"))
        .values_list("pk", flat=True)
    )
    ids = set(ids)
    return stories(dict.fromkeys(ids, set()), was_shown=set(), moved=ids)


def fronts_changed(since: datetime, until: datetime) -> set[str]:
    """The keys of the pages a front change by itself in (since, until] touched: a layout taking over
    (the home page, or its section's list), the breaking banner expiring (every page)."""
    if BreakingBanner.objects.filter(expires_at__gt=since, expires_at__lte=until).exists():
        return {keys.CHROME}
    pages = FrontLayout.objects.filter(live_from__gt=since, live_from__lte=until).values_list(
        "section_id", flat=True
    )
    return {keys.HOME if section is None else keys.section(section) for section in pages}


def showing(story_ids) -> set[str]:
    """The pages showing a row that many stories show (a photo, a byline, a source, a tag name): each live
    story's page and cards, and the pages whose cards collapsed into `stories`; everything past MANY."""
    ids = list(Article.objects.published().filter(pk__in=story_ids).values_list("pk", flat=True)[: MANY + 1])
    if len(ids) > MANY:
        return {keys.CHROME}
    return {keys.story(pk) for pk in ids} | ({keys.STORIES} if ids else set())
