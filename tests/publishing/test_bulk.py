"""Stories created and published in bulk (publishing/bulk.py, for an archive moving in): each is what
save_edit and publish would have made, the batch costs the same few queries however large, and a batch that
breaks a rule writes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.models import Article, Photo, Revision, Transition
from articles.publishing import bulk
from newsroom import audit
from newsroom.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def stories(section, count, *, prefix="story", authors=(), **extra):
    then = timezone.now() - timedelta(days=400)
    return [
        bulk.NewStory(
            article=Article(
                headline=f"Harbour {prefix} number {n}\x07",
                slug=f"{prefix}-{n}",
                standfirst="What happened.",
                body=f"<p>Body {n}.</p><script>alert(1)</script>",
                section_id=section.pk,
                published_at=then + timedelta(hours=n),
                **extra,
            ),
            tags=["Floods", "floods", f"Topic {n % 3}"],
            authors=list(authors),
            note=f"Imported (post {n})",
        )
        for n in range(count)
    ]


def test_stories_in_bulk_are_as_the_services_make_them(editor, section, make_author, client):
    ana, ben = make_author(name="Ana"), make_author(name="Ben")
    with audit.acting(user=editor):
        [first, *_] = bulk.publish_new(stories(section, 3, authors=[ana, ben, ana]), user=editor)
    first.refresh_from_db()
    assert first.status == "published" and first.is_live and first.version == 1
    assert first.headline == "Harbour story number 0" and "<script" not in first.body
    assert first.top_section_id == section.pk and first.created_by == editor
    assert sorted(first.tags.names()) == ["Floods", "Topic 0"]  # one tag, whatever its case
    assert list(first.articleauthor_set.order_by("order").values_list("author__name", flat=True)) == [
        "Ana",
        "Ben",
    ]
    [revision] = Revision.objects.filter(article=first)
    assert revision.data["status"] == "published" and revision.data["tags"] == ["Floods", "Topic 0"]
    assert revision.data["authors"] == [ana.pk, ben.pk] and revision.note == "Imported (post 0)"
    assert Transition.objects.get(article=first).to_status == "published"
    logged = AuditEntry.objects.filter(action="article.create", object_id=str(first.pk)).get()
    assert logged.actor_id == editor.pk and logged.changes["status"] == [None, "published"]
    assert search.search_articles(search.web_query("harbour")).count() == 3
    page = client.get(first.get_absolute_url())
    assert page.status_code == 200 and "Harbour story number 0" in page.content.decode()
    assert "Harbour story number 2" in client.get(f"/{section.slug}/").content.decode()


def test_a_batch_costs_the_same_queries_however_large(editor, section, make_author):
    author = make_author()
    bulk.publish_new(stories(section, 3, prefix="first", authors=[author]), user=editor)  # makes the tags
    counts = []
    for size, prefix in ((3, "small"), (40, "large")):
        with CaptureQueriesContext(connection) as queries:
            bulk.publish_new(stories(section, size, prefix=prefix, authors=[author]), user=editor)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 16
    assert Article.objects.count() == 46


def test_a_batch_breaking_a_rule_writes_nothing(editor, section, make_article, make_photo):
    make_article(slug="story-1")
    uncredited = make_photo(credit_text="")
    batch = stories(section, 4)
    batch[2].article.published_at = timezone.now() + timedelta(days=1)
    batch[3].article.lead_photo_id = uncredited.pk
    batch.append(stories(section, 1)[0])  # story-0 twice
    with pytest.raises(bulk.BatchRefused) as refused:
        bulk.publish_new(batch, user=editor)
    assert sorted(refused.value.problems) == [1, 2, 3, 4]
    assert "already has the slug" in refused.value.problems[1][0]
    assert "time already past" in refused.value.problems[2][0]
    assert "has no credit" in refused.value.problems[3][0]
    assert Article.objects.count() == 1 and not Revision.objects.exists() and Photo.objects.count() == 1


def test_only_editors_publish_in_bulk(reporter, section):
    with pytest.raises(PermissionDenied):
        bulk.publish_new(stories(section, 2), user=reporter)
    assert not Article.objects.exists()


def test_pages_cached_before_show_the_new_stories(editor, section, make_article, client, settings, commit):
    settings.PAGE_CACHE_SECONDS = 300
    make_article(headline="An older story")
    assert client.get(f"/{section.slug}/")["X-Cache"] == "MISS"
    assert client.get(f"/{section.slug}/")["X-Cache"] == "HIT"
    commit(bulk.publish_new, stories=stories(section, 2), user=editor)
    page = client.get(f"/{section.slug}/")
    assert page["X-Cache"] == "MISS" and "Harbour story number 1" in page.content.decode()
