"""What readers see of a front: the editors' order, the newest filling empty places, and a story that
leaves publication leaving every front by itself."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.models.frontpage import HOME_STORIES, SECTION_STORIES
from articles.publishing import workflow

pytestmark = pytest.mark.django_db


def headlines(html: str) -> list[str]:
    return re.findall(r'class="card-headline"><a href="[^"]*">([^<]*)</a>', html)


def top_area(client, url="/") -> list[str]:
    """The headlines of the lead and the top stories beside it, in order."""
    html = client.get(url).content.decode()
    top = html.split('class="top-stories', 1)[1].split("</section>", 1)[0]
    return headlines(top)


@pytest.fixture
def stories(make_article):
    """Twelve published stories, "Story 0" the newest."""
    now = timezone.now()
    return [make_article(headline=f"Story {i}", published_at=now - timedelta(hours=i + 1)) for i in range(12)]


def test_without_a_layout_the_home_page_shows_the_newest_stories(client, stories):
    assert top_area(client) == [f"Story {i}" for i in range(HOME_STORIES)]


def test_the_home_page_shows_the_chosen_stories_in_the_editors_order(client, stories, arrange):
    arrange([stories[7], stories[3], stories[10]])
    shown = top_area(client)
    assert shown[:3] == ["Story 7", "Story 3", "Story 10"]
    assert 'class="card card-lead"' in client.get("/").content.decode().split("Story 7")[0][-2000:]


def test_empty_places_fill_with_the_newest_stories_without_repeating_one(client, stories, arrange):
    arrange([stories[5], stories[0]])
    shown = top_area(client)
    assert shown == [
        "Story 5",
        "Story 0",
        "Story 1",
        "Story 2",
        "Story 3",
        "Story 4",
        "Story 6",
        "Story 7",
        "Story 8",
    ]
    assert len(set(shown)) == len(shown) == HOME_STORIES


def test_section_blocks_do_not_repeat_a_top_story(client, make_article, make_section, arrange):
    business = make_section(name="Business", slug="business", order=1)
    now = timezone.now()
    made = [
        make_article(headline=f"Deal {i}", section=business, published_at=now - timedelta(hours=i))
        for i in range(12)
    ]
    arrange([made[11]])
    html = client.get("/").content.decode()
    block = html.split('id="sec-business"', 1)[1]
    assert set(headlines(block)).isdisjoint(top_area(client))
    assert headlines(block) == ["Deal 8", "Deal 9", "Deal 10"]  # the rest of the section, newest first


@pytest.mark.parametrize(
    "leave",
    [
        pytest.param(lambda a, u: workflow.unpublish(article=a, user=u), id="unpublished"),
        pytest.param(lambda a, u: workflow.trash(article=a, user=u), id="trashed"),
        pytest.param(
            lambda a, u: Article.objects.filter(pk=a.pk).update(
                published_at=timezone.now() + timedelta(days=1)
            ),
            id="rescheduled-later",
        ),
    ],
)
def test_a_story_that_leaves_publication_leaves_every_front(
    client, stories, arrange, make_section, make_article, editor, commit, leave
):
    business = make_section(name="Business", slug="business")
    deal = make_article(headline="The deal", section=business)
    arrange([deal, stories[4]])
    arrange([deal], section=business)
    assert top_area(client)[0] == "The deal" and top_area(client, "/business/")[0] == "The deal"

    commit(lambda: leave(deal, editor))

    home = client.get("/").content.decode()
    assert "The deal" not in home
    assert top_area(client)[0] == "Story 4"  # the next chosen story leads
    assert "The deal" not in client.get("/business/").content.decode()


def test_a_story_published_again_returns_to_its_place(client, stories, arrange, editor, commit):
    arrange([stories[6], stories[2]])
    commit(workflow.unpublish, article=stories[6], user=editor)
    assert top_area(client)[0] == "Story 2"
    commit(workflow.publish, article=Article.objects.get(pk=stories[6].pk), user=editor)
    assert top_area(client)[0] == "Story 6"


def test_the_newest_layout_whose_time_has_come_is_in_force(client, stories, arrange):
    now = timezone.now()
    arrange([stories[8]], live_from=now - timedelta(hours=2))
    arrange([stories[9]], live_from=now - timedelta(hours=1))
    arrange([stories[10]], live_from=now + timedelta(hours=1))
    assert top_area(client)[0] == "Story 9"


def test_a_scheduled_layout_takes_over_at_its_time(client, stories, arrange, clock):
    arrange([stories[8]])
    arrange([stories[11]], live_from=timezone.now() + timedelta(hours=6), note="Morning front")
    assert top_area(client)[0] == "Story 8"
    clock.move(timedelta(hours=6, seconds=1))
    assert top_area(client)[0] == "Story 11"


def test_a_section_front_opens_with_its_lead_and_top_stories(client, make_article, make_section, arrange):
    business = make_section(name="Business", slug="business")
    now = timezone.now()
    made = [
        make_article(headline=f"Deal {i}", section=business, published_at=now - timedelta(hours=i))
        for i in range(30)
    ]
    assert "top-stories" not in client.get("/business/").content.decode()  # no layout: the plain list
    arrange([made[12], made[3]], section=business)
    html = client.get("/business/").content.decode()
    front = top_area(client, "/business/")
    assert front == ["Deal 12", "Deal 3", "Deal 0", "Deal 1", "Deal 2"]
    assert len(front) == SECTION_STORIES
    listed = headlines(html.split("</section>", 1)[1].split('class="pagination"')[0])
    # The rest of the first page, without what the front shows; page 2 goes on from there.
    assert listed == [f"Deal {i}" for i in range(4, 20) if i != 12]
    second = headlines(client.get("/business/?page=2").content.decode())
    assert second[0] == "Deal 20" and "top-stories" not in client.get("/business/?page=2").content.decode()


def test_the_home_page_sections_follow_in_the_editors_order(client, make_article, make_section, arrange):
    names = ["Asia", "Business", "Sport", "Climate"]
    sections = [make_section(name=n, slug=n.lower(), order=i) for i, n in enumerate(names)]
    for section in sections:
        for i in range(12):
            make_article(headline=f"{section.name} {i}", section=section)

    def order():
        return re.findall(r'<h2 id="sec-([a-z]+)"', client.get("/").content.decode())

    assert order() == ["asia", "business", "sport", "climate"]
    arrange([], sections=[sections[2], sections[0]])
    assert order() == ["sport", "asia"]  # those chosen, in their order
