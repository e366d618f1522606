"""What shared caches and browsers are told (articles/caching/edge.py): s-maxage never outlives the next
scheduled publish, 404/410 and redirects carry short lifetimes, staff pages none at all."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.cache import get_max_age

from articles.models import Article
from articles.publishing import preview, workflow

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    parts = [part.strip().split("=", 1) for part in response["Cache-Control"].split(",")]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.fixture(autouse=True)
def edge_lifetimes(settings):
    settings.CDN_CACHE_SECONDS = 600
    settings.CDN_STALE_SECONDS = 30
    settings.ERROR_CACHE_SECONDS = 10


def test_a_page_is_public_for_the_edge_and_revalidated_by_browsers(client, make_article):
    story = make_article()
    cc = directives(client.get(story.get_absolute_url()))
    assert cc == {"public": "", "max-age": "0", "s-maxage": "600", "stale-while-revalidate": "30"}


def test_s_maxage_never_outlives_the_next_scheduled_publish(client, make_article):
    make_article(headline="Now")
    make_article(headline="Later", published_at=timezone.now() + timedelta(seconds=100))
    cc = directives(client.get("/"))
    assert 0 < int(cc["s-maxage"]) <= 100
    # Served stale after s-maxage, it would still be shown past the publish time.
    assert int(cc["s-maxage"]) + int(cc.get("stale-while-revalidate", 0)) <= 100


def test_a_stored_page_gets_the_bound_of_a_story_scheduled_after_it_was_stored(
    client, make_article, editor, commit
):
    make_article(headline="Now")
    assert directives(client.get("/"))["s-maxage"] == "600"
    draft = make_article(headline="Soon", status=Article.Status.DRAFT)
    commit(workflow.schedule, article=draft, user=editor, at=timezone.now() + timedelta(seconds=50))
    hit = client.get("/")
    assert hit["X-Cache"] == "HIT"
    assert int(directives(hit)["s-maxage"]) <= 50


def test_a_withdrawn_story_is_kept_briefly_and_under_its_key(client, make_article, editor):
    story = make_article()
    workflow.unpublish(article=story, user=editor)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    assert directives(response) == {"public": "", "max-age": "10", "s-maxage": "600"}
    assert f"a{story.pk}" in response["Surrogate-Key"].split()


def test_a_missing_page_is_kept_briefly_and_under_its_slug(client, section):
    response = client.get("/world/nothing-here/")
    assert response.status_code == 404
    assert get_max_age(response) == 10 and directives(response)["s-maxage"] == "600"
    assert "slug-nothing-here" in response["Surrogate-Key"].split()


def test_an_error_page_is_never_kept_past_a_scheduled_publish(client, make_article):
    scheduled = make_article(published_at=timezone.now() + timedelta(seconds=5))
    response = client.get(scheduled.get_absolute_url())
    assert response.status_code == 404
    assert get_max_age(response) <= 5 and int(directives(response)["s-maxage"]) <= 5


def test_without_a_cache_state_shared_caches_are_told_to_revalidate(client, settings, make_article):
    settings.PAGE_CACHE_SECONDS = 0  # no state to say when a story goes live, and no edge to keep fresh
    response = client.get(make_article().get_absolute_url())
    assert directives(response) == {"public": "", "max-age": "0"}


def test_with_an_edge_and_no_cache_state_the_database_bounds_s_maxage(
    client, settings, make_article, receiver
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.VARNISH_PURGE_URLS = [receiver.url]
    make_article(published_at=timezone.now() + timedelta(seconds=40))
    cc = directives(client.get("/"))
    assert 0 < int(cc["s-maxage"]) <= 40


def test_staff_pages_are_private_and_never_stored(editor_client, make_article):
    story = make_article()
    for _ in range(2):
        response = editor_client.get(story.get_absolute_url())
        assert "X-Cache" not in response
        assert {"private", "no-store"} <= set(directives(response))


def test_a_preview_stays_private(client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    response = client.get(f"/preview/{preview.preview_token(draft)}/")
    assert "private" in response["Cache-Control"] and "Surrogate-Key" not in response
