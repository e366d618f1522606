"""A story and its relations in one query (articles/story_query.py): the page it renders is the
page detail_queryset() and its five prefetches render."""

import pytest

from articles import story_query
from articles.caching.site import site_context
from articles.models import Article, Correction, GalleryItem, Section
from articles.public import render

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(make_article, make_photo, make_author, make_source, make_section):
    parent = make_section(name="News", slug="news")
    section = Section.objects.create(name="Ports & <Harbours>", slug="ports", parent=parent)
    agency = make_source(name="Harbour Gazette", url="https://gazette.example.org/")
    article = make_article(
        headline="Harbour reopens",
        section=section,
        lead_photo=make_photo(
            caption="Cranes at dawn", alt_text="Cranes over the quay", credit_source=agency
        ),
        authors=[make_author(name="Ana Ruiz"), make_author(name="Li Wei"), make_author(name="Sam Okafor")],
        sources=[agency, make_source(name="Port Radio")],
        tags=["Shipping", "Docks", "Weather"],
    )
    Correction.objects.create(article=article, text="The quay was misnamed.")
    Correction.objects.create(article=article, text="A date was wrong.", kind=Correction.Kind.UPDATE)
    for i in range(3):
        GalleryItem.objects.create(article=article, photo=make_photo(caption=f"Picture {i}"), order=i)
    return Article.objects.get(pk=article.pk)


def test_one_query_renders_what_six_render(story, django_assert_num_queries):
    site = site_context()
    expected = render.story_parts(render.detail_queryset().get(pk=story.pk), site)
    with django_assert_num_queries(1):
        article = story_query.load(story.pk)
    with django_assert_num_queries(0):
        parts = render.story_parts(article, site)
    assert parts == expected
    for text in ("Sam Okafor", "Port Radio", "Weather", "A date was wrong.", "Picture 2", "News"):
        assert text in parts["story"]


def test_a_story_without_relations_or_photo(make_article, django_assert_num_queries):
    bare = make_article(headline="Quiet day")
    with django_assert_num_queries(1):
        article = story_query.load(bare.pk)
    assert article.lead_photo is None and article.section.parent is None
    assert render.story_parts(article, site_context()) == render.story_parts(
        render.detail_queryset().get(pk=bare.pk), site_context()
    )


def test_only_a_published_story_when_asked(make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    assert story_query.load(draft.pk).headline == draft.headline
    assert story_query.load(draft.pk, published_only=True) is None
    assert story_query.load(10**9) is None


def test_a_cold_story_page_reads_its_relations_once(
    client, story, make_article, django_assert_max_num_queries
):
    for i in range(4):
        make_article(tags=["Shipping"], headline=f"Related {i}")
    client.get("/")  # the site context
    path = story.get_absolute_url()
    # The route, the related stories, the story with every relation, their cards; keeping the markup and
    # the cards: none of them per byline, source, tag, note or picture.
    with django_assert_max_num_queries(6):
        html = client.get(path).content.decode()
    assert "Sam Okafor" in html and "Picture 2" in html and html.count('class="card-headline"') == 4
