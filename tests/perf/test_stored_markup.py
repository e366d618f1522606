"""A story's markup kept with it (articles/markup/): read with the route, the same page as a fresh render,
and superseded by every change a reader could see, its own rows' and the rows many stories share."""

import re

import pytest

from articles.markup import store as markup
from articles.models import ArticleAuthor, Correction, SiteSettings, StoredMarkup
from articles.publishing import preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(make_article, make_photo, make_author, make_source):
    return make_article(
        headline="Harbour reopens",
        lead_photo=make_photo(caption="Cranes at dawn", alt_text="Cranes over the quay"),
        authors=[make_author(name="Ana Ruiz")],
        sources=[make_source(name="Harbour Gazette")],
        tags=["Shipping"],
    )


def page(client, story) -> str:
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    # The CSP nonce is the one thing two responses never share.
    return re.sub(r'nonce="[^"]*"', 'nonce=""', response.content.decode())


def test_the_stored_page_is_the_rendered_page(client, story, make_article):
    for i in range(3):
        make_article(tags=["Shipping"], headline=f"Related {i}")
    rendered = page(client, story)
    assert StoredMarkup.objects.filter(article=story).exists()
    assert page(client, story) == rendered
    assert "Ana Ruiz" in rendered and "Harbour Gazette" in rendered and "Cranes at dawn" in rendered


def test_a_story_with_stored_markup_reads_two_queries(client, story, make_article, django_assert_num_queries):
    for i in range(5):
        make_article(tags=["Shipping"], headline=f"Related {i}")
    page(client, story)
    # The route with the stored markup, then the related stories with their stored cards: no story query,
    # no byline, source, tag, correction or gallery query.
    with django_assert_num_queries(2):
        html = page(client, story)
    assert html.count('class="card-headline"') == 4


def test_an_edit_of_the_story_supersedes_its_markup(client, story, commit):
    page(client, story)
    story.headline = "Harbour closes again"
    commit(story.save)
    assert "Harbour closes again" in page(client, story)


@pytest.mark.parametrize("through_commit", [True, False])
def test_a_new_byline_or_note_supersedes_the_markup(client, story, make_author, commit, through_commit):
    page(client, story)

    def change():
        ArticleAuthor.objects.create(article=story, author=make_author(name="Li Wei"), order=1)
        Correction.objects.create(article=story, text="The quay was misnamed.")

    # Without the commit's hooks too: the change's own transaction already drops the markup.
    commit(change) if through_commit else change()
    html = page(client, story)
    assert "Li Wei" in html and "The quay was misnamed." in html


def test_a_renamed_author_photo_or_site_supersedes_every_stored_story(client, story, commit):
    page(client, story)
    author = story.authors.get()
    author.name = "Ana Ruiz-Soto"
    commit(author.save)
    assert "Ana Ruiz-Soto" in page(client, story)
    photo = story.lead_photo
    photo.caption = "Cranes at dusk"
    commit(photo.save)
    assert "Cranes at dusk" in page(client, story)
    site = SiteSettings.load()
    site.outlet_name = "The Harbour Times"
    commit(site.save)
    # The publisher in the story's JSON-LD.
    assert '"name": "The Harbour Times"' in page(client, story)


def test_markup_kept_under_an_old_generation_is_not_served(client, story):
    page(client, story)
    parts = StoredMarkup.objects.get(article=story).parts
    StoredMarkup.objects.filter(article=story).update(parts={**parts, "story": "stale"})
    assert "stale" in page(client, story)  # proves the page reads the stored parts...
    markup.bump()
    assert "stale" not in page(client, story)  # ...and that a new generation supersedes them


def test_markup_of_another_release_is_not_served(client, story):
    page(client, story)
    parts = StoredMarkup.objects.get(article=story).parts
    StoredMarkup.objects.filter(article=story).update(
        parts={**parts, "story": "old release"}, version="0" * 32
    )
    assert "old release" not in page(client, story)
    assert StoredMarkup.objects.get(article=story).version == markup.version()


def test_a_reader_never_overwrites_newer_markup_with_older(story):
    at = story.updated_at
    story.save()  # moves updated_at
    markup.keep(story.pk, at, markup.current_generation(), {"story": "old"})
    assert not StoredMarkup.objects.filter(article=story).exists()


def test_previews_are_never_stored(client, make_article, editor):
    draft = make_article(headline="Secret draft", status="draft")
    assert "Secret draft" in client.get(f"/preview/{preview.preview_token(draft)}/").content.decode()
    client.force_login(editor)
    assert "Secret draft" in client.get(draft.get_absolute_url()).content.decode()
    assert not StoredMarkup.objects.filter(article=draft).exists()


def test_a_published_save_stores_the_markup_before_any_reader(story, commit):
    story.headline = "Harbour reopens at last"
    commit(story.save)
    stored = StoredMarkup.objects.get(article=story)
    assert "Harbour reopens at last" in stored.parts["story"]
