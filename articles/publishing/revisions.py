"""Revisions: the full content of a story as saved, and restoring one as a new version."""

from datetime import datetime

from django.db.models import F
from django.utils import timezone

from articles.models import Article, Revision

SNAPSHOT_FIELDS = [
    "headline", "slug", "standfirst", "body", "section_id", "lead_photo_id", "status",
    "published_at", "embargo_until", "seo_title", "meta_description",
]  # fmt: skip


def snapshot(article: Article) -> dict:
    return snapshot_of(
        article,
        tags=[t.name for t in article.tags.all()],
        authors=list(article.articleauthor_set.values_list("author_id", flat=True)),
        sources=list(article.articlesource_set.values_list("source_id", flat=True)),
        corrections=list(article.corrections.order_by("id").values("id", "kind", "text")),
    )


def snapshot_of(article: Article, *, tags, authors, sources=(), corrections=()) -> dict:
    """snapshot() from parts the caller already holds (a bulk insert): no query."""
    data = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(article, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else value
    data["tags"] = sorted(tags)
    data["authors"] = list(authors)
    data["sources"] = list(sources)
    data["corrections"] = list(corrections)
    return data


def record_revision(*, article: Article, user, note: str = "") -> Revision:
    """Keep the article's full content as it now stands, under its current version number."""
    revision, _ = Revision.objects.update_or_create(
        article=article,
        version=article.version,
        defaults={"user": user, "data": snapshot(article), "note": note, "created_at": timezone.now()},
    )
    return revision


def bump_version(article: Article) -> None:
    """Count a save: what an editor's open form is compared against to detect a conflict."""
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.refresh_from_db(fields=["version"])
