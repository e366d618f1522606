"""With Redis down, every admin page and every save still works: the cache only ever speeds things up.

Redis is simulated dead by pointing the cache at port 1 (connection refused), with the page and fragment
caches switched on as in production.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.caching import store
from articles.models import Article, Photo
from tests.helpers import DEAD_REDIS, article_post, photo_post

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=400)


@pytest.fixture
def dead_redis(db):
    # override_settings, not the settings fixture: the cache must be live again before conftest's
    # cache.clear() runs at teardown. Changing CACHES gives this thread a fresh cache handler.
    with override_settings(CACHES=DEAD_REDIS, PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=3600):
        yield


@pytest.fixture
def stories(make_article, make_author, make_source):
    author = make_author(name="Maya L", slug="maya")
    source = make_source(name="Reuters", slug="reuters")
    article = make_article(headline="Harbour reopens", authors=[author], sources=[source], tags=["Shipping"])
    return article


def test_the_simulated_redis_is_really_down(dead_redis):
    with pytest.raises(Exception, match="Connection refused|Error 111"):
        cache.get("anything")


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_changelist") + "?tag=shipping",
        reverse("admin:articles_article_changelist") + "?author=maya",
        reverse("admin:articles_article_changelist") + "?state=published",
        reverse("admin:articles_article_changelist") + "?state=scheduled",
        reverse("admin:articles_article_changelist") + "?q=harbour",
        reverse("admin:articles_article_add"),
        reverse("admin:articles_photo_changelist"),
        reverse("admin:articles_photo_add"),
        reverse("admin:articles_trashedarticle_changelist"),
        reverse("admin:articles_section_changelist"),
        reverse("admin:articles_section_add"),
        reverse("admin:articles_source_changelist"),
        reverse("admin:articles_author_changelist"),
    ],
)
def test_editor_pages_open_with_redis_down(editor_client, stories, dead_redis, url):
    response = editor_client.get(url)
    assert response.status_code == 200


def test_story_list_filters_work_with_redis_down(
    editor_client, stories, make_article, make_section, dead_redis
):
    make_article(headline="Unrelated story", section=make_section(), published_at=timezone.now() - YEAR)
    url = reverse("admin:articles_article_changelist")
    for query in (
        "?tag=shipping",
        "?author=maya",
        f"?section__id__exact={stories.section_id}",
        f"?published={timezone.localtime(stories.published_at).year}",
        f"?sources__id__exact={stories.sources.get().pk}",
    ):
        response = editor_client.get(url + query)
        assert response.status_code == 200, query
        html = response.content.decode()
        assert "Harbour reopens" in html and "Unrelated story" not in html, query


def test_tag_filter_lists_the_top_tags_with_redis_down(editor_client, stories, dead_redis):
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert 'href="?tag=shipping"' in response.content.decode()
    assert store.in_outage()


def test_editor_adds_a_story_with_redis_down(
    editor_client, section, dead_redis, django_capture_on_commit_callbacks
):
    Tag.objects.create(name="Crimea", slug="crimea")
    data = article_post(section, _publish="Publish now", tags=[str(Tag.objects.get().pk)])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.is_live and list(article.tags.names()) == ["Crimea"]


def test_editor_changes_a_story_with_redis_down(
    editor_client, section, make_article, dead_redis, django_capture_on_commit_callbacks
):
    article = make_article(headline="Harbour reopens", slug="harbour-reopens")
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_client.get(url).status_code == 200
    data = article_post(section, headline="Harbour reopens at dawn", slug="harbour-reopens")
    data |= {"loaded_version": article.version, "published_at_0": "2026-01-02", "published_at_1": "09:00"}
    data["_save_publish"] = "Save and publish"  # straight to the live story, not as pending changes
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Harbour reopens at dawn"
    revisions = editor_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert revisions.status_code == 200
    assert "Revisions of" in revisions.content.decode()


def test_editor_uploads_a_photo_with_redis_down(
    editor_client, media_root, dead_redis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("admin:articles_photo_add"), photo_post())
    assert response.status_code == 302
    assert Photo.objects.count() == 1


def test_editor_edits_a_section_with_redis_down(
    editor_client, section, dead_redis, django_capture_on_commit_callbacks
):
    url = reverse("admin:articles_section_change", args=[section.pk])
    assert editor_client.get(url).status_code == 200
    data = {"name": "World news", "slug": "world", "description": "", "parent": "", "order": "1"}
    data["show_in_nav"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, data)
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.name == "World news"


def test_administrator_opens_the_user_list_with_redis_down(client, administrator, editor, dead_redis):
    client.force_login(administrator)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    assert ">ed<" in response.content.decode()


def test_editor_signs_in_with_redis_down(client, editor, dead_redis):
    response = client.post(reverse("admin:login"), {"username": "ed", "password": "pw-Secret-123"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_readers_pages_render_uncached_with_redis_down(client, stories, dead_redis):
    response = client.get(stories.get_absolute_url())
    assert response.status_code == 200
    assert "Harbour reopens" in response.content.decode()
