"""Listing pages read little: the section from the worker's copy, its front only when it has one, the
first pages in one query; and they still show every change."""

import pytest

from articles.models import Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(make_article):
    return [make_article(headline=f"Story {i}") for i in range(25)]


def test_a_section_page_reads_two_queries(client, stories, django_assert_num_queries):
    client.get("/world/")
    # Whether the section has a front of its own, then the page's rows (one beyond, for "older").
    with django_assert_num_queries(2):
        response = client.get("/world/")
    html = response.content.decode()
    assert html.count('class="card-headline"') == 20 and "?page=2" in html


def test_the_second_page_and_past_the_end(client, stories):
    html = client.get("/world/?page=2").content.decode()
    assert html.count('class="card-headline"') == 5 and "?page=3" not in html
    assert client.get("/world/?page=3").status_code == 404


def test_a_renamed_or_moved_section_shows_at_once(client, stories, commit, make_section):
    client.get("/world/")
    world = Section.objects.get(slug="world")
    world.name = "The World"
    world.parent = make_section(name="News", slug="news")
    commit(world.save)
    html = client.get("/world/").content.decode()
    assert "<h1>The World</h1>" in html and 'href="/news/"' in html


def test_an_unknown_section_is_a_404_and_a_new_one_is_found(client, stories, commit, make_section):
    client.get("/world/")
    assert client.get("/science/").status_code == 404
    commit(lambda: make_section(name="Science", slug="science"))
    assert client.get("/science/").status_code == 200
