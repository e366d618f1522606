import os
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.caching import pagecache, store
from articles.models import Article
from articles.publishing import preview as previews
from articles.publishing import workflow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def test_second_anonymous_request_is_a_cache_hit(client, make_article):
    make_article(headline="Cached story")
    first, second = client.get("/"), client.get("/")
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert "Cached story" in second.content.decode()
    assert "s-maxage" in second["Cache-Control"] and "public" in second["Cache-Control"]


def test_cache_hit_costs_no_query(client, make_article, django_assert_num_queries):
    make_article()
    client.get("/world/")
    with django_assert_num_queries(0):
        assert client.get("/world/")["X-Cache"] == "HIT"


def test_a_link_tagged_by_a_newsletter_or_a_campaign_shares_the_pages_entry(client, make_article):
    article = make_article(headline="Tagged story")
    url, section = article.get_absolute_url(), f"/{article.section.slug}/"
    assert client.get(url)["X-Cache"] == "MISS"
    for tagged in ("?nl=brief", "?utm_source=brief&utm_medium=email", "?fbclid=x1&nl=brief#top"):
        response = client.get(url + tagged)
        assert response["X-Cache"] == "HIT", tagged
        assert "Tagged story" in response.content.decode()
    # Other parameters still make pages of their own.
    assert client.get(f"{section}?page=1&nl=brief")["X-Cache"] == "MISS"
    assert client.get(f"{section}?page=1")["X-Cache"] == "HIT"
    assert client.get(f"{section}?channel=1")["X-Cache"] == "MISS"


def test_publish_is_visible_at_once(client, make_article, editor, commit):
    client.get("/")
    article = make_article(headline="Breaking news", status=Article.Status.DRAFT)
    assert "Breaking news" not in client.get("/").content.decode()
    commit(workflow.publish, article=article, user=editor)
    assert "Breaking news" in client.get("/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_edit_is_visible_at_once(client, make_article, commit):
    article = make_article(headline="First headline")
    client.get(article.get_absolute_url())

    def edit():
        article.headline = "Corrected headline"
        article.save()

    commit(edit)
    assert "Corrected headline" in client.get(article.get_absolute_url()).content.decode()


def test_unpublish_is_visible_at_once(client, make_article, editor, commit):
    article = make_article(headline="To be withdrawn")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"
    commit(workflow.unpublish, article=article, user=editor)
    assert client.get(article.get_absolute_url()).status_code == 410
    assert "To be withdrawn" not in client.get("/").content.decode()


def test_scheduled_story_is_not_hidden_by_a_cached_page(client, make_article, editor, commit, monkeypatch):
    at = timezone.now() + timedelta(minutes=10)
    article = make_article(headline="Embargo lifts", status=Article.Status.DRAFT)
    commit(workflow.publish, article=article, user=editor, at=at)
    assert "Embargo lifts" not in client.get("/").content.decode()
    assert client.get("/")["X-Cache"] == "HIT"
    later = at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(pagecache.time, "time", lambda: later.timestamp())
    assert "Embargo lifts" in client.get("/").content.decode()


def test_staff_never_get_cached_pages(client, make_article, editor):
    make_article(headline="Public story")
    client.get("/")
    client.force_login(editor)
    response = client.get("/")
    assert "X-Cache" not in response
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_draft_preview_never_enters_the_cache(client, make_article, editor):
    draft = make_article(headline="Secret draft", status=Article.Status.DRAFT)
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    client.cookies.clear()
    assert client.get(draft.get_absolute_url()).status_code == 404
    preview = client.get(f"/preview/{previews.preview_token(draft)}/")
    assert "X-Cache" not in preview
    assert client.get(f"/preview/{previews.preview_token(draft)}/").get("X-Cache") is None


def test_conditional_get_returns_304(client, make_article):
    make_article()
    etag = client.get("/")["ETag"]
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304


def test_pages_are_served_when_the_cache_server_is_down(client, make_article, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            # Nothing listens on port 1: every cache call fails.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    make_article(headline="Still readable")
    for url in ("/", "/world/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Still readable" in response.content.decode()
    assert store._outage_until > 0


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="no Redis server (scripts/setup.sh finds one)")
def test_real_redis_serves_hits_and_sees_a_publish_at_once(client, make_article, editor, commit, settings):
    prefix = f"newsroom-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        }
    }
    settings.FRAGMENT_CACHE_SECONDS = 300
    story = make_article(headline="Over the wire")
    try:
        assert [client.get(story.get_absolute_url())["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]
        draft = make_article(headline="Fresh from the desk", status=Article.Status.DRAFT)
        commit(workflow.publish, article=draft, user=editor)
        home = client.get("/")
        assert home["X-Cache"] == "MISS" and "Fresh from the desk" in home.content.decode()
    finally:
        # Only this test's keys: cache.clear() would empty the whole Redis database.
        import redis

        server = redis.Redis.from_url(os.environ["REDIS_URL"])
        server.delete(*server.keys(f"{prefix}:*") or [f"{prefix}:none"])
