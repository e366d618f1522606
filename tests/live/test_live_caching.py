"""A saved entry is on the next request through the page cache and the stored fragments; a live story
with 500 entries costs a bounded number of queries; feeds and the news sitemap see the update."""

import os
import uuid
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.live import services
from articles.models import Article, LiveEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def caches_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 300


def test_a_new_entry_is_on_the_next_request_through_the_page_cache(
    client, live_story, post, commit, caches_on
):
    page = live_story.get_absolute_url()
    assert [client.get(page)["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]
    commit(post, story=live_story, body="<p>Bridge closed to traffic.</p>")
    response = client.get(page)
    assert response["X-Cache"] == "MISS" and "Bridge closed to traffic." in response.content.decode()


def test_the_endpoint_through_the_page_cache_sees_a_new_entry(client, live_story, post, commit, caches_on):
    seq = client.get(f"/live/{live_story.pk}/entries?after=0").json()["seq"]
    endpoint = f"/live/{live_story.pk}/entries?after={seq}"
    assert [client.get(endpoint)["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]
    entry = commit(post, story=live_story, body="<p>New</p>")
    assert [item["id"] for item in client.get(endpoint).json()["entries"]] == [entry.pk]


def test_a_correction_and_the_end_are_on_the_next_request(
    client, live_story, post, commit, editor, caches_on
):
    page = live_story.get_absolute_url()
    entry = commit(post, story=live_story, body="<p>Ten injured</p>")
    client.get(page)
    commit(
        services.correct_entry, entry=entry, user=editor, body="<p>Twelve injured</p>", note="It was twelve."
    )
    assert "Twelve injured" in client.get(page).content.decode()
    commit(services.end_coverage, article=live_story, user=editor)
    assert "Live coverage has ended" in client.get(page).content.decode()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="no Redis server (scripts/setup.sh finds one)")
def test_real_redis_page_cache_shows_a_new_entry_on_the_next_get(client, live_story, post, commit, settings):
    prefix = f"newsroom-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        }
    }
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 300
    page = live_story.get_absolute_url()
    try:
        assert [client.get(page)["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]
        commit(post, story=live_story, body="<p>Second landfall reported.</p>")
        response = client.get(page)
        assert response["X-Cache"] == "MISS" and "Second landfall reported." in response.content.decode()
    finally:
        import redis

        server = redis.Redis.from_url(os.environ["REDIS_URL"])
        server.delete(*server.keys(f"{prefix}:*") or [f"{prefix}:none"])


def _many_entries(story, editor, count=500):
    now = timezone.now()
    services.post_entry(article=story, user=editor, body="<p>Pinned summary</p>", pinned=True)
    LiveEntry.objects.bulk_create(
        LiveEntry(
            article=story,
            body=f"<p>Entry {n}</p>",
            title=f"Entry {n}" if n % 3 else "",
            key_event=n % 50 == 0,
            published_at=now - timedelta(minutes=count - n),
            created_by=editor,
            seq=n + 2,
        )
        for n in range(count)
    )


def test_five_hundred_entries_render_in_a_bounded_number_of_queries(
    client, live_story, editor, django_assert_max_num_queries
):
    _many_entries(live_story, editor)
    client.get("/")  # fills the site-context cache, as any earlier page has
    # The story's own page (nine), then the entries' order and the rows shown: two, however many.
    with django_assert_max_num_queries(11):
        html = client.get(live_story.get_absolute_url()).content.decode()
    assert html.count('<article class="live-entry') == 51  # the newest 50, and the pinned one
    key_events = html.split('class="live-key-events"')[1].split("</nav>")[0]
    assert key_events.count("<li>") == 10  # every key event, whichever page it is on
    with django_assert_max_num_queries(11):
        assert client.get(live_story.get_absolute_url() + "?page=10").status_code == 200


def test_the_same_budget_with_few_entries(client, live_story, editor, django_assert_max_num_queries):
    _many_entries(live_story, editor, count=5)
    client.get("/")
    with django_assert_max_num_queries(11):
        client.get(live_story.get_absolute_url())


def test_feeds_and_sitemaps_see_the_update(client, live_story, post):
    Article.objects.filter(pk=live_story.pk).update(published_at=timezone.now() - timedelta(days=5))
    before = feedparser.parse(client.get("/feeds/atom/").content).entries[0].updated_parsed
    post(live_story)
    feed = feedparser.parse(client.get("/feeds/atom/").content)
    assert feed.entries[0].updated_parsed > before
    news = client.get("/sitemap-news.xml").content.decode()
    assert live_story.get_absolute_url() in news
