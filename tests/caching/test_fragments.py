"""Stored fragments (articles/fragments.py): a story's markup and cards outlive other stories' publishes,
and any change to what they show is visible on the next request."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from taggit.models import Tag

from articles.caching import fragments
from articles.markup import store as markup
from articles.models import (
    Article,
    ArticleAuthor,
    Correction,
    GalleryItem,
    SiteSettings,
)
from articles.public import render
from articles.publishing import preview, workflow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.FRAGMENT_CACHE_SECONDS = 300


@pytest.fixture
def story(make_article, make_photo, make_author, make_source):
    return make_article(
        headline="Harbour reopens",
        lead_photo=make_photo(caption="Cranes at dawn", alt_text="Cranes over the quay"),
        authors=[make_author(name="Ana Ruiz")],
        sources=[make_source(name="Harbour Gazette")],
        tags=["Shipping"],
    )


def pages(client, story):
    """The article page and the home page (which shows the story's card), as text."""
    return client.get(story.get_absolute_url()).content.decode(), client.get("/").content.decode()


def test_second_view_reads_the_stored_story(client, story, django_assert_max_num_queries):
    client.get(story.get_absolute_url())
    assert cache.get(f"frag:story:{story.pk}") is not None
    with django_assert_max_num_queries(2):
        assert "Harbour reopens" in client.get(story.get_absolute_url()).content.decode()


def test_another_story_published_keeps_this_stories_fragments(client, story, make_article, editor, commit):
    client.get(story.get_absolute_url())
    stored = cache.get(f"frag:story:{story.pk}")
    other = make_article(headline="Other news", status=Article.Status.DRAFT)
    commit(lambda: workflow.publish(article=other, user=editor))
    client.get(story.get_absolute_url())
    assert cache.get(f"frag:story:{story.pk}") == stored
    assert "Other news" in client.get("/").content.decode()


def edit_headline(story):
    story.headline = "Harbour stays shut"
    story.save()
    return "Harbour stays shut", "both"


def edit_photo(story):
    story.lead_photo.caption = "Empty berths at dusk"
    story.lead_photo.alt_text = "Empty berths"
    story.lead_photo.save()
    return "Empty berths", "both"


def rename_author(story):
    author = story.authors.get()
    author.name = "Ana Ruiz-Blanco"
    author.save()
    return "Ana Ruiz-Blanco", "article"


def add_byline(story):
    from articles.models import Author

    ArticleAuthor.objects.create(
        article=story, author=Author.objects.create(name="Ben Osei", slug="ben-osei"), order=1
    )
    return "Ben Osei", "article"


def rename_source(story):
    source = story.sources.get()
    source.name = "The Harbour Gazette"
    source.save()
    return "The Harbour Gazette", "article"


def rename_section(story):
    story.section.name = "Ports and Shipping"
    story.section.save()
    return "Ports and Shipping", "both"


def rename_tag(story):
    tag = Tag.objects.get(name="Shipping")
    tag.name = "Maritime trade"
    tag.save()
    return "Maritime trade", "article"


def add_tag(story):
    story.tags.add("Port strikes")
    return "Port strikes", "article"


def add_correction(story):
    Correction.objects.create(article=story, text="The quay number was wrong.")
    return "The quay number was wrong.", "article"


def add_gallery_photo(story):
    GalleryItem.objects.create(article=story, photo=story.lead_photo, caption="Tugboats waiting", order=0)
    return "Tugboats waiting", "article"


def rename_outlet(story):
    SiteSettings.objects.update_or_create(pk=1, defaults={"outlet_name": "Harbour Times"})
    return '"name": "Harbour Times"', "article"


CHANGES = [
    edit_headline, edit_photo, rename_author, add_byline, rename_source, rename_section, rename_tag,
    add_tag, add_correction, add_gallery_photo, rename_outlet,
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_a_change_is_visible_at_once(client, story, commit, change):
    article_html, home_html = pages(client, story)
    expected, where = commit(lambda: change(story))
    assert expected not in article_html
    story.refresh_from_db()
    article_html, home_html = pages(client, story)
    assert expected in article_html
    if where == "both":
        assert expected in home_html


def test_unpublished_story_is_gone_at_once(client, story, make_article, editor, commit):
    reader = make_article(tags=["Shipping"], headline="Shipping lanes")
    assert "Harbour reopens" in client.get(reader.get_absolute_url()).content.decode()
    commit(lambda: workflow.unpublish(article=story, user=editor))
    assert client.get(story.get_absolute_url()).status_code == 410
    assert "Harbour reopens" not in client.get(reader.get_absolute_url()).content.decode()
    assert "Harbour reopens" not in client.get("/").content.decode()


def test_a_preview_is_never_stored(client, make_article, editor):
    draft = make_article(headline="Secret draft", status=Article.Status.DRAFT)
    client.force_login(editor)
    assert "Secret draft" in client.get(draft.get_absolute_url()).content.decode()
    assert "Secret draft" in client.get(f"/preview/{preview.preview_token(draft)}/").content.decode()
    assert cache.get(f"frag:story:{draft.pk}") is None


def test_lost_shared_generation_supersedes_every_fragment(client, story):
    client.get(story.get_absolute_url())
    # Changed without a signal and without a new stamp: only a new generation can supersede the markup.
    Article.objects.filter(pk=story.pk).update(headline="Changed quietly")
    assert "Changed quietly" not in client.get(story.get_absolute_url()).content.decode()
    cache.delete(fragments.shared_key())
    # The story's markup is also kept with it (articles/markup/), under the database's own generation.
    markup.bump()
    assert "Changed quietly" in client.get(story.get_absolute_url()).content.decode()


def test_pages_render_with_the_cache_down(client, story):
    down = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    with override_settings(CACHES=down):
        for url in (story.get_absolute_url(), "/", f"/{story.section.slug}/"):
            response = client.get(url)
            assert response.status_code == 200
            assert "Harbour reopens" in response.content.decode()


def test_a_published_story_is_rendered_before_its_first_reader(
    client, make_article, editor, commit, django_assert_max_num_queries
):
    draft = make_article(headline="Breaking: bridge closed", status=Article.Status.DRAFT)
    commit(lambda: workflow.publish(article=draft, user=editor))
    assert cache.get(f"frag:story:{draft.pk}") is not None
    # Its first reader reads the routing query and the related stories' window, nothing of the story;
    # and the section's most-read lists, which no flush has kept yet here (articles/readership/lists.py).
    with django_assert_max_num_queries(3):
        assert "Breaking: bridge closed" in client.get(draft.get_absolute_url()).content.decode()


def test_a_draft_is_never_rendered_ahead(make_article, commit):
    draft = make_article(headline="Not yet", status=Article.Status.DRAFT)
    commit(lambda: draft.save())
    assert cache.get(f"frag:story:{draft.pk}") is None


def test_a_failed_prerender_leaves_the_publish_done(make_article, editor, commit, monkeypatch, caplog):
    def broken(article, site):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(render, "story_parts", broken)
    draft = make_article(headline="Still published", status=Article.Status.DRAFT)
    commit(lambda: workflow.publish(article=draft, user=editor))
    draft.refresh_from_db()
    assert draft.is_live
    assert "could not pre-render story" in caplog.text
