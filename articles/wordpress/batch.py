"""The import's fast path: new posts published at a time already past, most of any archive, written a batch
at a time through publishing.bulk (the same rules as save_edit and publish, a few queries for a hundred
posts instead of some ninety a post), with their old addresses, comments and matches in bulk too.

Anything else (an update, a draft, a scheduled post, one with a missing picture to retry), and every post
of a batch the bulk service refuses, goes through importer._post one by one, which says which post failed
and why."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from articles.models import Article, SlugRedirect, WordPressComment, WordPressItem
from articles.publishing import bulk

from . import addresses, wxr

Kind = WordPressItem.Kind


def _eligible(item: wxr.Item, row: WordPressItem | None, now) -> bool:
    """New, and live on the old site: published, or scheduled for a time now past."""
    live = item.status in ("publish", "future") and item.date_gmt is not None and item.date_gmt <= now
    return row is None and live


def write(importer, items: list[wxr.Item], known: dict) -> list[wxr.Item]:
    """Write the eligible posts of `items` together; return the others, for the one-by-one path."""
    now = timezone.now()
    counted = importer.report.unknown_shortcodes.copy()  # content() counts; the fallback counts again
    chosen, contents = [], []
    for item in items:
        if _eligible(item, known.get(item.post_id), now):
            content = importer.content(item)
            # A post with a picture missing goes one by one: its match remembers to try the file again.
            if not content[3]:
                chosen.append(item)
                contents.append(content)
    if len(chosen) < 2:
        importer.report.unknown_shortcodes = counted
        return items
    stories, slugs = [], _slugs(importer, chosen)
    for item, slug, (fields, tags, authors, _) in zip(chosen, slugs, contents, strict=True):
        article = Article(slug=slug, published_at=item.date_gmt, **fields)
        note = f"Imported from WordPress (post {item.post_id})"
        stories.append(bulk.NewStory(article=article, tags=tags, authors=authors, note=note))
    try:
        with transaction.atomic():
            articles = bulk.publish_new(stories, user=importer.options.user)
            _stamp(chosen, articles)
            _addresses(importer, chosen, articles)
            WordPressComment.objects.bulk_create(
                [row for item, a in zip(chosen, articles, strict=True) for row in importer.comments(item, a)],
                ignore_conflicts=True,
            )
            WordPressItem.objects.bulk_create(
                WordPressItem(
                    site=importer.site,
                    kind=Kind.POST,
                    wp_id=str(item.post_id),
                    object_id=article.pk,
                    digest=item.digest(),
                    updated_at=now,
                )  # fmt: skip
                for item, article in zip(chosen, articles, strict=True)
            )
    except (ValidationError, IntegrityError):
        importer.report.unknown_shortcodes = counted
        return items  # nothing of the batch was written: one by one, each post's problem named
    for item, article in zip(chosen, articles, strict=True):
        importer.report.count("post", "created")
        importer.report.comments += len(item.comments)
        if item.sticky:
            importer.sticky.append(article.pk)
    written = {item.post_id for item in chosen}
    return [item for item in items if item.post_id not in written]


def _slugs(importer, items: list[wxr.Item]) -> list[str]:
    """Each post's slug: its own where free (two queries for the batch), else the importer's fallback."""
    bases = [importer.slug_base(item) for item in items]
    taken = set(Article.objects.filter(slug__in=bases).values_list("slug", flat=True))
    taken |= set(SlugRedirect.objects.filter(old_slug__in=bases).values_list("old_slug", flat=True))
    chosen: list[str] = []
    for item, base in zip(items, bases, strict=True):
        clash = base in taken or base in chosen
        chosen.append(importer._slug(item, avoid=set(chosen)) if clash else base)
    return chosen


STAMP = """
    UPDATE {table} AS a SET created_at = t.created,
        updated_at = COALESCE(t.modified, a.updated_at),
        content_modified_at = COALESCE(t.modified, a.content_modified_at)
    FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS t(id, created, modified)
    WHERE a.id = t.id
"""


def _stamp(items: list[wxr.Item], articles: list[Article]) -> None:
    """The old site's times, which the insert's auto fields overwrote: one UPDATE for the batch."""
    ids = [article.pk for article in articles]
    created = [item.date_gmt for item in items]
    modified = [item.modified_gmt for item in items]
    with connection.cursor() as cursor:
        cursor.execute(
            STAMP.format(table=connection.ops.quote_name(Article._meta.db_table)), [ids, created, modified]
        )


def _addresses(importer, items: list[wxr.Item], articles: list[Article]) -> None:
    """Every old address to its story, in one insert; one an editor redirected already is kept."""
    wanted = {}
    for item, article in zip(items, articles, strict=True):
        for address in importer.old_addresses(item, article):
            wanted[address] = (article, "", f"WordPress post {item.post_id}")
    addresses.point_many(importer.report, wanted)
