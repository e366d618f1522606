"""Surrogate keys (articles/caching/keys.py): every public response names what it shows, within the cap."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.caching import keys
from articles.models import Article, Correction
from articles.publishing import workflow

pytestmark = pytest.mark.django_db


def surrogate(response) -> list[str]:
    named = response["Surrogate-Key"].split(" ")
    assert response["Cache-Tag"].split(",") == named
    return named


@pytest.fixture
def world_story(make_article, make_author, section):
    return make_article(headline="Dam holds", tags=["Floods"], authors=[make_author(slug="ana")])


def test_an_article_page_names_the_story_its_cards_and_the_chrome(client, world_story, make_article):
    related = make_article(headline="Rain again", tags=["Floods"])
    response = client.get(world_story.get_absolute_url())
    named = surrogate(response)
    assert named[0] == keys.CHROME
    assert {f"a{world_story.pk}", f"slug-{world_story.slug}", f"a{related.pk}"} <= set(named)
    # The story's own lists are not on its page: a new story in its section leaves it cached.
    assert f"s{world_story.section_id}" not in named and keys.HOME not in named


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", lambda story: {keys.HOME}),
        ("/world/", lambda story: {f"s{story.section_id}"}),
        ("/tag/floods/", lambda story: {f"t{story.tags.get().pk}"}),
        ("/author/ana/", lambda story: {f"p{story.authors.get().pk}"}),
        ("/feeds/rss/", lambda story: {keys.FEEDS}),
        ("/feeds/section/world/atom/", lambda story: {f"s{story.section_id}"}),
        ("/feeds/tag/floods/rss/", lambda story: {f"t{story.tags.get().pk}"}),
        ("/feeds/author/ana/rss/", lambda story: {f"p{story.authors.get().pk}"}),
        ("/search/?q=dam", lambda story: {keys.SEARCH}),
    ],
)
def test_each_listing_names_its_list_and_its_cards(client, world_story, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    named = set(surrogate(response))
    assert {keys.CHROME, *expected(world_story)} <= named
    if not url.startswith("/search/"):  # search renders its own result list, under its page key
        assert f"a{world_story.pk}" in named


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-news.xml"])
def test_sitemaps_name_the_sitemaps_key(client, world_story, url):
    assert keys.SITEMAPS in surrogate(client.get(url))


def test_the_corrections_pages_name_the_corrections_key(client, world_story):
    Correction.objects.create(article=world_story, text="A date was wrong.")
    for url in ("/corrections/", "/feeds/corrections/rss/"):
        assert keys.CORRECTIONS in surrogate(client.get(url))


def test_a_home_page_with_more_cards_than_the_cap_collapses_them(client, make_section, make_article):
    for n in range(14):
        section = make_section(name=f"Desk {n}", slug=f"desk-{n}")
        for _ in range(4):
            make_article(section=section)
    named = surrogate(client.get("/"))
    assert len(named) <= keys.MAX_KEYS
    assert keys.STORIES in named and keys.HOME in named
    assert not [key for key in named if key.startswith("a")]


def test_the_cap_keeps_cards_that_fit():
    collector = keys.Collector()
    collector.own.update(dict.fromkeys([keys.HOME]))
    collector.cards.update(dict.fromkeys(keys.story(pk) for pk in range(keys.MAX_KEYS - 2)))
    named = collector.header_keys()
    assert len(named) == keys.MAX_KEYS and keys.STORIES not in named
    collector.cards[keys.story(10_000)] = None
    assert collector.header_keys() == [keys.CHROME, keys.HOME, keys.STORIES]


def test_a_response_whose_own_keys_do_not_fit_is_kept_by_no_shared_cache(client, world_story, monkeypatch):
    monkeypatch.setattr(keys, "MAX_KEYS", 1)
    response = client.get(world_story.get_absolute_url())
    assert "Surrogate-Key" not in response
    assert "s-maxage=0" in response["Cache-Control"]
    assert response["X-Cache"] == "MISS" and client.get(world_story.get_absolute_url())["X-Cache"] == "MISS"


def test_an_unknown_address_names_its_slug(client, section):
    for url, slug in [("/world/not-yet/", "not-yet"), ("/tag/nothing/", "nothing"), ("/nowhere/", "nowhere")]:
        response = client.get(url)
        assert response.status_code == 404
        assert f"slug-{slug}" in surrogate(response)


def test_a_withdrawn_story_names_its_key(client, world_story, editor):
    workflow.unpublish(article=world_story, user=editor)
    response = client.get(world_story.get_absolute_url())
    assert response.status_code == 410
    assert {f"a{world_story.pk}", f"slug-{world_story.slug}"} <= set(surrogate(response))


def test_a_redirect_names_the_story_it_leads_to(client, world_story):
    old = world_story.get_absolute_url()
    world_story.slug = "dam-holds-firm"
    world_story.save()
    response = client.get(old)
    assert response.status_code == 301
    assert f"a{world_story.pk}" in surrogate(response)


def test_staff_responses_carry_no_keys(editor_client, world_story):
    response = editor_client.get(world_story.get_absolute_url())
    assert "Surrogate-Key" not in response and "Cache-Tag" not in response
    assert "private" in response["Cache-Control"]


def test_a_scheduled_story_is_only_its_own_address(client, make_article):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert scheduled.status == Article.Status.PUBLISHED
    response = client.get(scheduled.get_absolute_url())
    assert response.status_code == 404
    assert f"a{scheduled.pk}" in surrogate(response)
