"""The lists and the beacon leave the pages as cacheable and as cheap as they were."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import StoryReads

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_story(make_article):
    story = make_article(headline="Much read story")
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    StoryReads.objects.create(article=story, hour=hour - timedelta(hours=1), reads=12)
    return story


@pytest.mark.parametrize("page", ["home", "article"])
def test_a_page_with_the_lists_is_still_cached(client, settings, read_story, page, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 300
    url = "/" if page == "home" else read_story.get_absolute_url()
    first = client.get(url)
    assert first["X-Cache"] == "MISS" and 'class="most-read"' in first.content.decode()
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Cache"] == "HIT" and "Much read story" in second.content.decode()
    assert "public" in second["Cache-Control"] and "Set-Cookie" not in second


def test_a_beacon_does_not_supersede_a_cached_page(client, settings, read_story, send, flushed):
    settings.PAGE_CACHE_SECONDS = 300
    client.get("/")
    send(read_story)
    flushed()
    assert client.get("/")["X-Cache"] == "HIT"


def test_a_new_publish_purges_no_more_than_before(client, settings, read_story, make_article, editor, commit):
    from articles.caching import mostread
    from articles.publishing import workflow

    settings.PAGE_CACHE_SECONDS = 300
    client.get("/")
    generation = mostread.generation()
    draft = make_article(headline="Fresh story", status="draft", published_at=None)
    commit(workflow.publish, article=draft, user=editor)
    # A new story has no reads: the kept lists stand.
    assert mostread.generation() == generation


def test_a_preview_sends_no_beacon(editor_client, make_article):
    draft = make_article(status="draft", published_at=None)
    html = editor_client.get(draft.get_absolute_url()).content.decode()
    assert "Preview" in html and "reads.js" not in html
