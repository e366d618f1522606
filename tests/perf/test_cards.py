"""The Python card (articles/public/cards.py) is templates/includes/card.html, byte for byte."""

import itertools
from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string

from articles.models import Article
from articles.public.cards import card
from articles.public.render import card_options

pytestmark = pytest.mark.django_db

OPTIONS = [
    card_options(big=big, compact=compact, lazy=lazy, show_section=show, level=level)
    for big, compact, lazy, show, level in itertools.product(
        (False, True), (False, True), (False, True), (False, True), (2, 3)
    )
]


@pytest.fixture
def stories(make_article, make_photo, make_section):
    tricky = make_section(name="Arts & <Culture> \"quoted\" 'single'", slug="arts")
    return [
        make_article(lead_photo=make_photo(alt_text='A "tricky" <alt> & \'more\''), section=tricky,
                     headline="Britain's \"big\" <b>day</b> & night", standfirst="It's <i>it</i> & \"now\""),
        # Summer time: the +0100 offset and a month name of its own.
        make_article(standfirst="", published_at=datetime(2026, 7, 1, 23, 30, tzinfo=UTC)),
        make_article(status=Article.Status.DRAFT, published_at=None),
    ]  # fmt: skip


@pytest.mark.parametrize("options", OPTIONS)
def test_card_is_the_template_byte_for_byte(stories, options):
    for story in Article.objects.for_listing().filter(pk__in=[s.pk for s in stories]):
        expected = render_to_string("includes/card.html", {**options, "article": story})
        assert card(story, **options) == expected


def test_card_escapes_what_readers_typed(stories):
    html = card(Article.objects.for_listing().get(pk=stories[0].pk), **card_options(show_section=True))
    assert "Britain&#x27;s &quot;big&quot; &lt;b&gt;day&lt;/b&gt; &amp; night" in html
    assert "Arts &amp; &lt;Culture&gt;" in html and "<b>" not in html
