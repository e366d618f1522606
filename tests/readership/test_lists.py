"""The most-read lists readers see: ranked per section and window, published stories only, from the cache
within the pages' query budgets."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.models import Article, StoryReads
from articles.publishing import workflow
from articles.readership import lists
from tests.helpers import DEAD_REDIS

pytestmark = pytest.mark.django_db


def hour(back: int = 0):
    return timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=back)


def read(story, reads: int, *, back: int = 0):
    StoryReads.objects.create(article=story, hour=hour(back), reads=reads)


def headlines(scope, window):
    return [item["headline"] for item in lists.compute(scope)[window]]


@pytest.fixture
def world_and_sport(make_article, make_section, section):
    sport = make_section(name="Sport", slug="sport")
    football = make_section(name="Football", slug="football", parent=sport)
    stories = {
        "vote": make_article(headline="Council vote"),
        "strike": make_article(headline="Port strike"),
        "final": make_article(headline="Cup final", section=football),
        "old": make_article(headline="Last week's storm"),
    }
    read(stories["vote"], 5)
    read(stories["strike"], 9, back=3)
    read(stories["final"], 7, back=1)
    read(stories["old"], 40, back=100)
    return stories


def test_each_window_ranks_its_own_reads(world_and_sport):
    assert headlines("site", "hour") == ["Cup final", "Council vote"]
    assert headlines("site", "day") == ["Port strike", "Cup final", "Council vote"]
    assert headlines("site", "week") == ["Last week's storm", "Port strike", "Cup final", "Council vote"]


def test_a_section_ranks_its_stories_and_its_sub_sections(world_and_sport):
    assert headlines("section:sport", "day") == ["Cup final"]
    assert headlines("section:world", "day") == ["Port strike", "Council vote"]
    assert headlines("section:nowhere", "week") == []


def test_reads_older_than_a_week_count_for_nothing(make_article):
    read(make_article(headline="Ancient"), 100, back=24 * 8)
    assert lists.compute("site") == {"hour": [], "day": [], "week": []}


def test_a_list_is_only_as_long_as_asked(make_article, settings):
    settings.MOST_READ_COUNT = 2
    for n in range(4):
        read(make_article(headline=f"Story {n}"), n + 1)
    assert headlines("site", "day") == ["Story 3", "Story 2"]


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.UNPUBLISHED},
        {"published_at": timezone.now() + timedelta(hours=1)},
        {"deleted_at": timezone.now()},
    ],
)
def test_stories_readers_cannot_see_are_never_listed(make_article, hidden):
    read(make_article(headline="Visible"), 1)
    read(make_article(headline="Hidden", **hidden), 50)
    assert headlines("site", "day") == ["Visible"]


def test_the_home_page_shows_the_lists(client, world_and_sport):
    html = client.get("/").content.decode()
    block = html[html.index('<section class="most-read"') :]
    assert '<h2 id="most-read-heading">Most read</h2>' in block
    assert '<ol aria-labelledby="most-read-hour">' in block
    hour_list = block[block.index("most-read-hour") : block.index("most-read-day")]
    assert hour_list.index("Cup final") < hour_list.index("Council vote")
    assert f'href="{world_and_sport["final"].get_absolute_url()}"' in block


def test_an_article_page_shows_its_sections_lists_and_its_beacon(client, world_and_sport):
    html = client.get(world_and_sport["final"].get_absolute_url()).content.decode()
    block = html[html.index('<section class="most-read"') :]
    assert "Cup final" in block and "Council vote" not in block
    assert f'data-story="{world_and_sport["final"].pk}" data-url="/r/"' in html
    assert '<script src="/static/js/reads.js' in html


def test_no_block_without_reads(client, make_article):
    make_article()
    assert "most-read" not in client.get("/").content.decode()


def test_a_cold_list_costs_one_query_and_a_kept_one_none(client, world_and_sport, django_assert_num_queries):
    client.get("/")
    from articles.caching import mostread

    mostread.bump()
    with django_assert_num_queries(1):
        assert len(lists.most_read("site")) == 3
    with django_assert_num_queries(0):
        assert len(lists.most_read("site")) == 3


def test_the_flush_keeps_every_scopes_lists(world_and_sport, flushed, django_assert_num_queries):
    flushed()
    with django_assert_num_queries(0):
        assert [w for w, _, _ in lists.most_read("section:sport")] == ["hour", "day", "week"]
        assert lists.most_read("section:world")[0][2][0]["headline"] == "Council vote"


def test_an_unpublished_story_leaves_the_kept_lists(client, world_and_sport, editor, commit):
    client.get("/")
    assert "Cup final" in client.get("/").content.decode()
    commit(workflow.unpublish, article=world_and_sport["final"], user=editor)
    assert "Cup final" not in client.get("/").content.decode()


def test_a_retitled_story_is_retitled_in_the_lists(client, world_and_sport, commit):
    client.get("/")
    story = world_and_sport["vote"]
    story.headline = "Council vote delayed"
    commit(story.save)
    assert "Council vote delayed" in client.get("/").content.decode()


def test_with_redis_down_pages_render_without_the_lists(client, world_and_sport):
    path = world_and_sport["final"].get_absolute_url()
    with override_settings(CACHES=DEAD_REDIS, PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=3600):
        for url in ("/", path):
            response = client.get(url)
            assert response.status_code == 200 and "Cup final" in response.content.decode()
            assert "most-read" not in response.content.decode()
