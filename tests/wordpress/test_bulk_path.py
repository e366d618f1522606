"""The import's fast path (wordpress/batch.py, publishing/bulk.py): new published posts written a batch at
a time give the same archive as the one-by-one path, at a few queries a post, and a batch the bulk service
refuses falls back to the one-by-one path, which names the post that failed."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Redirect, WordPressComment, WordPressItem
from articles.publishing import bulk
from articles.wordpress import batch
from bench.wordpress_import import write_export

pytestmark = pytest.mark.django_db


PHOTO_ID = re.compile(r' data-photo-id="\d+"')  # the run's own photo ids


class Undo(Exception):
    pass


def archive() -> list[tuple]:
    """What readers and editors see of the imported stories, free of ids that differ between runs."""
    rows = []
    for article in Article.objects.select_related("section", "lead_photo").order_by("slug"):
        # Times WordPress did not give are the import's own: only the ones it gave can agree.
        times = ()
        if article.published_at:
            modified = article.content_modified_at
            times = (article.created_at, modified, article.updated_at if modified else None)
        rows.append((
            article.slug, article.headline, article.standfirst, PHOTO_ID.sub("", article.body),
            article.section.slug,
            article.status, article.published_at, *times,
            article.lead_photo.caption if article.lead_photo else None,
            sorted(article.tags.names()),
            list(article.articleauthor_set.order_by("order").values_list("author__slug", flat=True)),
            sorted(Redirect.objects.filter(article=article).values_list("old_path", flat=True)),
            WordPressComment.objects.filter(article=article).count(),
            article.revisions.exists(), article.transitions.filter(to_status="published").exists(),
        ))  # fmt: skip
    return rows


def test_the_bulk_path_gives_the_archive_the_one_by_one_path_gives(run_import, uploads, monkeypatch):
    with pytest.raises(Undo), transaction.atomic():
        monkeypatch.setattr(batch, "write", lambda importer, items, known: items)
        one_by_one_report = run_import("--media-dir", str(uploads))
        one_by_one = archive()
        raise Undo
    monkeypatch.undo()
    written = []
    real = bulk.publish_new
    monkeypatch.setattr(
        bulk, "publish_new", lambda stories, **kw: written.extend(stories) or real(stories, **kw)
    )
    report = run_import("--media-dir", str(uploads))
    assert len(written) >= 2  # the fixture's published posts with their pictures went in together
    assert archive() == one_by_one
    assert report.splitlines()[:6] == one_by_one_report.splitlines()[:6]


def test_a_refused_batch_goes_one_by_one_and_the_post_is_named(run_import, uploads, monkeypatch):
    def refuse(stories, **kw):
        raise bulk.BatchRefused({0: ["A rule this test made up."]})

    monkeypatch.setattr(bulk, "publish_new", refuse)
    run_import("--media-dir", str(uploads))
    assert Article.objects.filter(status="published").count() >= 5
    assert WordPressItem.objects.filter(kind="post").count() == 9


def test_a_large_archive_costs_a_few_queries_a_post(tmp_path, editor, client):
    export, media = tmp_path / "export.xml", tmp_path / "uploads"
    media.mkdir()
    write_export(export, 300, media)
    with CaptureQueriesContext(connection) as queries:
        call_command("import_wordpress", str(export), "--media-dir", str(media), "--as", editor.username,
                     stdout=io.StringIO())  # fmt: skip
    assert Article.objects.filter(status="published").count() == 300
    assert len(queries) < 300 * 4
    story = Article.objects.get(slug="post-123")
    moved = client.get("/2015/03/12/post-123/")
    assert moved.status_code == 301 and moved["Location"].endswith(story.get_absolute_url())
    assert client.get(moved["Location"]).status_code == 200
