"""Embed titles are asked of the provider (a real HTTP server on loopback here) when a story is saved; a
provider that fails or does not answer never stops the save, and reading a story asks nobody anything."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.helpers import article_post, filled_form

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
POST = "https://x.com/NASA/status/1790012345678901234"


def saved_body() -> str:
    return Article.objects.get(slug="ministry-summons-ambassador").body


def draft_page(client) -> str:
    """The saved draft's page, as its staff preview shows it."""
    response = client.get(Article.objects.get(slug="ministry-summons-ambassador").get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def save_with(client, section, *urls) -> None:
    body = "".join(f'<p><a href="{url}">{url}</a></p>' for url in urls)
    response = client.post(ADD, article_post(section, body=f"<p>Text.</p>{body}"))
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_title_found_at_save_time_is_stored_and_shown(editor_client, section, oembed):
    oembed.answers["youtube"] = (200, {"title": "Harbour wall <collapses>", "type": "video"})
    oembed.answers["x"] = (200, {"author_name": "NASA", "html": "<blockquote>…</blockquote>"})
    save_with(editor_client, section, VIDEO, POST)
    assert sorted(oembed.asked) == sorted([("youtube", VIDEO), ("x", POST)])
    body = saved_body()
    assert f'<a href="{VIDEO.replace("&", "&amp;")}" title="Harbour wall &lt;collapses&gt;"' in body
    assert 'title="Post by NASA"' in body
    assert '<p class="embed-title">Harbour wall &lt;collapses&gt;</p>' in draft_page(editor_client)


@pytest.mark.parametrize(
    "answer",
    [(500, {"error": "down"}), (200, b"<html>not json</html>"), (200, b"[1, 2]"), (404, b""), (200, "hang")],
    ids=["server-error", "not-json", "not-an-object", "not-found", "no-answer-in-time"],
)
def test_a_failed_lookup_saves_the_story_without_a_title(editor_client, section, oembed, answer):
    oembed.answers["youtube"] = answer
    save_with(editor_client, section, VIDEO)
    oembed.release.set()
    assert oembed.asked == [("youtube", VIDEO)]
    body = saved_body()
    assert f'<p><a href="{VIDEO}" rel="noopener noreferrer">{VIDEO}</a></p>' in body
    page = draft_page(editor_client)
    assert '<p class="embed-provider">YouTube</p>' in page and 'class="embed-title"' not in page
    assert (
        f'<figcaption><a href="{VIDEO}" rel="noopener noreferrer">Watch on YouTube</a></figcaption>' in page
    )


def test_a_provider_that_refuses_connections_does_not_stop_the_save(editor_client, section, oembed, settings):
    settings.EMBED_OEMBED_ENDPOINTS = {"youtube": "http://127.0.0.1:1/oembed?url={url}"}
    save_with(editor_client, section, VIDEO)
    assert "title=" not in saved_body()


def test_providers_without_oembed_are_not_asked(editor_client, section, oembed, settings):
    settings.EMBED_OEMBED_ENDPOINTS = {}  # Facebook, Instagram and Apple Podcasts have no open endpoint
    save_with(editor_client, section, "https://www.instagram.com/p/C8abcDEF12x/")
    assert oembed.asked == [] and "title=" not in saved_body()


def test_saving_again_reuses_the_title_and_a_changed_link_is_asked_anew(editor_client, section, oembed):
    oembed.answers["youtube"] = (200, {"title": "First film"})
    save_with(editor_client, section, VIDEO)
    article = Article.objects.get(slug="ministry-summons-ambassador")
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_client.post(url, filled_form(editor_client, url)).status_code == 302
    assert len(oembed.asked) == 1 and 'title="First film"' in saved_body()

    other = "https://youtu.be/aaaaaaaaaaa"
    oembed.answers["youtube"] = (200, {"title": "Second film"})
    data = filled_form(editor_client, url)
    data["body"] = data["body"].replace(VIDEO, other)
    assert editor_client.post(url, data).status_code == 302
    assert oembed.asked[-1] == ("youtube", other)
    body = saved_body()
    assert 'title="Second film"' in body and "First film" not in body


def test_reading_a_story_asks_no_provider(client, make_article, oembed):
    article = make_article(
        body=f"<p>{VIDEO}</p><p>{POST}</p><p>https://open.spotify.com/show/5CfCWKI5pZ28U0uOzXkDHe</p>"
    )
    for _ in range(2):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get("/feeds/rss/").status_code == 200
    assert oembed.asked == []


def test_lookups_are_off_unless_configured(editor_client, section, oembed, settings):
    settings.EMBED_TITLE_LOOKUPS = False
    save_with(editor_client, section, VIDEO)
    assert oembed.asked == []
