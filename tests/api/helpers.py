"""Builders for the API tests: many stories at once, dressed in bulk; this wing's loopback ports."""

import uuid
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleAuthor, ArticleSource, Correction, GalleryItem

# Ports of this wing's engines (loopback only).
REDIS_PORT = 8079
SERVER_PORT = 8071


def bulk_stories(section, count: int, *, start=None, same_time_every=1) -> list[Article]:
    """`count` published stories in one INSERT, newest first; `same_time_every` stories share a publish
    time (the cursor must order them by id)."""
    start = start or timezone.now() - timedelta(minutes=1)
    rows = [
        Article(
            headline=f"Bulk story {i}",
            slug=f"bulk-story-{uuid.uuid4().hex[:12]}",
            section=section,
            top_section=section,
            status=Article.Status.PUBLISHED,
            published_at=start - timedelta(seconds=i // same_time_every),
            body=f"<p>Story {i}.</p>",
        )
        for i in range(count)
    ]
    return Article.objects.bulk_create(rows, batch_size=500)


def dress(stories, *, author, source, photo, tag_names=("Alpha", "Beta")):
    """Give each story a byline, an attribution, tags, a lead and a gallery photo and a note, in bulk."""
    Article.objects.filter(pk__in=[s.pk for s in stories]).update(lead_photo=photo)
    ArticleAuthor.objects.bulk_create([ArticleAuthor(article=s, author=author) for s in stories])
    ArticleSource.objects.bulk_create([ArticleSource(article=s, source=source) for s in stories])
    GalleryItem.objects.bulk_create([GalleryItem(article=s, photo=photo) for s in stories])
    Correction.objects.bulk_create([Correction(article=s, text="Fixed a name.") for s in stories])
    tags = [Tag.objects.get_or_create(name=name, defaults={"slug": name.lower()})[0] for name in tag_names]
    article_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        [TaggedItem(tag=tag, content_type=article_type, object_id=s.pk) for s in stories for tag in tags]
    )
