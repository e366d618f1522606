"""A story's card kept with it (articles/markup/ StoredCard): listings and related stories read it with
their ids, it is the card a fresh render gives, and every change a reader could see supersedes it."""

import json
import re

import pytest

from articles.markup import store as markup
from articles.models import Article, StoredCard
from articles.public import cards, render
from tests.perf.test_cards import OPTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(make_article, make_photo, make_author):
    reporter = make_author(name="Ana Ruiz", slug="ana-ruiz")
    photo = make_photo(alt_text="Cranes over the quay")
    return [
        make_article(
            headline=f"Harbour story {i} {{braces}} & <b>",
            tags=["Shipping"],
            authors=[reporter],
            lead_photo=photo,
        )
        for i in range(6)
    ]


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    # The CSP nonce is the one thing two responses never share.
    return re.sub(r'nonce="[^"]*"', 'nonce=""', response.content.decode())


@pytest.mark.parametrize("options", OPTIONS)
def test_a_stored_card_fills_in_as_the_template_renders(stories, options):
    story = Article.objects.for_listing().get(pk=stories[0].pk)
    stored = json.loads(json.dumps(cards.template(story)))
    assert cards.fill(stored, **options) == cards.card(story, **options)
    assert "{braces}" in cards.fill(stored, **options)


@pytest.mark.parametrize("path", ["/world/", "/tag/shipping/", "/author/ana-ruiz/"])
def test_a_listing_keeps_its_cards_and_then_reads_them(client, stories, path, django_assert_max_num_queries):
    fresh = page(client, path)
    assert StoredCard.objects.filter(article__in=stories).count() == len(stories)
    # The listing's own row (section front, tag or author) and the page with its cards: no story query.
    with django_assert_max_num_queries(2):
        assert page(client, path) == fresh
    assert fresh.count('class="card-headline"') == len(stories)


def test_an_article_page_reads_its_related_cards_with_their_ids(client, stories, django_assert_num_queries):
    path = stories[0].get_absolute_url()
    fresh = page(client, path)
    # The route with the stored markup, then the related stories with their cards.
    with django_assert_num_queries(2):
        assert page(client, path) == fresh
    assert fresh.count('class="card-headline"') == 4


def test_an_edit_supersedes_the_stored_card(client, stories, commit):
    page(client, "/world/")
    story = stories[0]
    story.headline = "Harbour closes again"
    commit(story.save)
    html = page(client, "/world/")
    assert "Harbour closes again" in html and html.count('class="card-headline"') == len(stories)


def test_a_changed_photo_or_section_supersedes_every_stored_card(client, stories, commit):
    page(client, "/world/")
    photo = stories[0].lead_photo
    photo.alt_text = "Cranes in the fog"
    commit(photo.save)
    html = page(client, "/world/")
    assert html.count('alt="Cranes in the fog"') == len(stories) and "Cranes over the quay" not in html
    section = stories[0].section
    section.name = "The World"
    commit(section.save)
    html = page(client, "/tag/shipping/")
    assert html.count('class="kicker" href="/world/">The World</a>') == len(stories)


def test_an_unpublished_story_leaves_the_listing_with_its_card(client, stories, commit):
    page(client, "/world/")
    story = stories[0]
    story.status = Article.Status.UNPUBLISHED
    commit(story.save)
    assert story.headline not in page(client, "/world/")


def test_a_card_from_another_release_or_time_is_not_used(client, stories):
    page(client, "/world/")
    StoredCard.objects.filter(article=stories[0]).update(
        version="an older release", card={"t": "STALE", "k": "", "s": ""}
    )
    StoredCard.objects.filter(article=stories[1]).update(card={"t": "STALE TOO", "k": "", "s": ""})
    # Kept for a time the story is no longer at: nothing is kept.
    story = stories[1]
    markup.keep_cards(
        markup.current_generation(), [(story.pk, story.published_at, {"t": "OLD", "k": "", "s": ""})]
    )
    html = page(client, "/world/")
    assert "STALE" not in html.replace("STALE TOO", "") and stories[0].headline.split("{")[0] in html
    # The second story's row is still valid (same time, generation and release): read as kept.
    assert "STALE TOO" in html and "OLD" not in html
    assert StoredCard.objects.get(article=stories[0]).version == markup.version()


def test_a_card_kept_under_an_old_generation_is_not_used(client, stories):
    page(client, "/world/")
    StoredCard.objects.update(card={"t": "STALE", "k": "", "s": ""})
    markup.bump()
    html = page(client, "/world/")
    assert "STALE" not in html and html.count('class="card-headline"') == len(stories)


def test_the_home_page_reads_stored_cards(client, stories, django_assert_max_num_queries):
    fresh = page(client, "/")
    # The front's chosen and newest stories, its sections, their newest, then every card row at once.
    with django_assert_max_num_queries(5):
        assert page(client, "/") == fresh
    assert fresh.count('class="card-headline"') == len(stories)


def test_a_story_gone_before_its_card_is_read_leaves_no_gap(client, stories, monkeypatch):
    gone = stories[1]
    real = render._load_cards
    # Unpublished between the page's ids and the read of its card's rows.
    monkeypatch.setattr(
        render, "_load_cards", lambda ids: {pk: s for pk, s in real(ids).items() if pk != gone.pk}
    )
    for path in ("/", "/world/"):
        html = page(client, path)
        assert f">{gone.headline.split('{')[0]}" not in html
        assert html.count('class="card-headline"') == len(stories) - 1


def test_with_every_card_gone_the_home_page_still_answers(client, stories, monkeypatch):
    real = render._load_cards
    on_top = {story.pk for story in stories}
    # Every story on the page is gone between the ids and the cards' rows: the page is still whole.
    monkeypatch.setattr(
        render, "_load_cards", lambda ids: {pk: s for pk, s in real(ids).items() if pk not in on_top}
    )
    html = page(client, "/")
    assert 'class="card card-lead"' not in html and 'class="card-headline"' not in html
