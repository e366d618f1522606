"""Cursor pages: every story once, in order, past 1,000 stories and while new ones are published; and a
page's queries do not grow with its size."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.api import schemas
from articles.api import stories as stories_module
from articles.models import Article
from tests.api.helpers import bulk_stories, dress

pytestmark = pytest.mark.django_db

LIST = "/api/v1/stories/"


def walk(client, url):
    """Every page from `url` on, following `next`: the ids of the stories, page by page."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        pages.append([int(item["altids"][0]["value"]) for item in page["items"]])
        url = page["next"]
        if url:
            assert page["next_cursor"] in url
    return pages


def test_cursor_walks_past_a_thousand_stories_once_each_in_order(client, section):
    # Three stories share each publish time: the cursor must break ties by id, not skip or repeat.
    stories = bulk_stories(section, 1_203, same_time_every=3)
    pages = walk(client, f"{LIST}?limit=100")
    seen = [pk for page in pages for pk in page]
    expected = list(
        Article.objects.filter(pk__in=[s.pk for s in stories])
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)
    )
    assert seen == expected
    assert [len(page) for page in pages] == [100] * 12 + [3]


def test_pages_are_stable_while_stories_are_published(client, section, make_article):
    bulk_stories(section, 30)
    first = client.get(LIST, {"limit": 10}).json()
    # Published after the first page was read: newer, so it belongs before page 1, not in page 2.
    make_article(headline="Breaking", published_at=timezone.now())
    second = client.get(first["next"]).json()
    first_ids = {item["uri"] for item in first["items"]}
    second_ids = [item["uri"] for item in second["items"]]
    assert len(second_ids) == 10 and not first_ids & set(second_ids)
    everything = client.get(LIST, {"limit": 100}).json()["items"]
    assert everything[0]["headlines"][0]["value"] == "Breaking"
    assert [item["uri"] for item in everything[11:21]] == second_ids


def test_last_page_has_no_next(client, make_article):
    make_article()
    page = client.get(LIST).json()
    assert page["next"] is None and page["next_cursor"] is None


def test_next_link_keeps_the_filters(client, make_article, make_author):
    maya = make_author(slug="maya")
    for i in range(3):
        make_article(headline=f"Maya {i}", authors=[maya], tags=["Shipping"])
    make_article(headline="Someone else", tags=["Shipping"])
    page = client.get(LIST, {"author": "maya", "tag": "shipping", "limit": 2}).json()
    assert "author=maya" in page["next"] and "tag=shipping" in page["next"] and "limit=2" in page["next"]
    rest = client.get(page["next"]).json()
    assert [i["headlines"][0]["value"] for i in rest["items"]] == ["Maya 2"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("filters", ["", "&section=world", "&tag=alpha", "&author=maya"])
def test_queries_do_not_grow_with_page_size(client, section, make_author, make_source, make_photo, filters):
    stories = bulk_stories(section, 60)
    dress(stories, author=make_author(slug="maya"), source=make_source(), photo=make_photo())
    small = count_queries(client, f"{LIST}?limit=10{filters}")
    large = count_queries(client, f"{LIST}?limit=50{filters}")
    assert small == large
    # The stories, then bylines, attributions, tags, notes and gallery: one query each (+1 to find a filter).
    assert large <= 7
    page = client.get(f"{LIST}?limit=50{filters}").json()
    schemas.StoryPage.model_validate(page)
    assert len(page["items"]) == 50 and all(len(item["associations"]) == 3 for item in page["items"])


def test_detail_queries_are_bounded(client, dressed_story, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(f"{LIST}{dressed_story.pk}/").status_code == 200


@pytest.mark.parametrize("few_changes", [2_000, 10])
def test_updated_since_pages_walk_every_changed_story_once(client, section, monkeypatch, few_changes):
    """Whether the changed stories are few (listed by id) or many (the index walked), pages agree."""
    monkeypatch.setattr(stories_module, "FEW_CHANGES", few_changes)
    made = bulk_stories(section, 90, same_time_every=2)
    long_ago = timezone.now() - timedelta(days=3)
    unchanged = [s.pk for i, s in enumerate(made) if i % 3 == 0]
    Article.objects.filter(pk__in=unchanged).update(updated_at=long_ago)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    pages = walk(client, f"{LIST}?limit=7&{urlencode({'updated_since': since})}")
    expected = list(
        Article.objects.filter(pk__in=[s.pk for s in made])
        .exclude(pk__in=unchanged)
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)
    )
    assert [pk for page in pages for pk in page] == expected


def test_updated_since_costs_the_same_queries_whatever_the_page_size(client, section):
    bulk_stories(section, 60)
    url = f"{LIST}?updated_since=2000-01-01T00:00:00Z"
    assert count_queries(client, f"{url}&limit=10") == count_queries(client, f"{url}&limit=50") <= 7
