"""The fronts cost a constant number of queries, however many places, stories and sections they have,
and the banner costs none once the site context is kept."""

import pytest

from articles.models.frontpage import HOME_STORIES, SECTION_STORIES

pytestmark = pytest.mark.django_db


def _warm(client, url):
    # The first request fills the site context (and the banner in it): budgets are for a warm process.
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("chosen", "blocks"), [(1, 1), (HOME_STORIES, 8)])
def test_the_home_page_costs_five_queries_whatever_it_shows(
    client,
    django_assert_max_num_queries,
    make_article,
    make_section,
    make_photo,
    arrange,
    banner,
    chosen,
    blocks,
):
    photo = make_photo()
    sections = [make_section(order=i) for i in range(blocks)]
    stories = [make_article(section=s, lead_photo=photo) for s in sections for _ in range(6)]
    arrange(stories[:chosen], sections=sections)
    banner("Polls close at ten")
    _warm(client, "/")
    # The chosen stories, the newest to fill, the sections, each section's newest, their cards.
    with django_assert_max_num_queries(5):
        html = client.get("/").content.decode()
    beside_the_lead = html.split('class="latest-list"', 1)[1].split("</ul>", 1)[0]
    assert beside_the_lead.count("<li>") == min(HOME_STORIES, len(stories)) - 1
    assert "Polls close at ten" in html


@pytest.mark.parametrize("chosen", [1, SECTION_STORIES])
def test_a_section_front_costs_four_queries(
    client, django_assert_max_num_queries, make_article, section, arrange, banner, chosen
):
    stories = [make_article() for _ in range(30)]
    arrange(stories[-chosen:], section=section)
    banner("Polls close at ten")
    _warm(client, "/world/")
    # The section, the page's ids, its rows, the front's chosen stories.
    with django_assert_max_num_queries(4):
        html = client.get("/world/").content.decode()
    assert "top-stories" in html and "Polls close at ten" in html


def test_the_banner_costs_an_article_page_served_from_its_fragments_nothing(
    client, settings, django_assert_num_queries, make_article, banner
):
    settings.FRAGMENT_CACHE_SECONDS = 300
    article = make_article()
    banner("Polls close at ten")
    _warm(client, article.get_absolute_url())
    with django_assert_num_queries(1):  # routing, as without a banner
        html = client.get(article.get_absolute_url()).content.decode()
    assert "Polls close at ten" in html
