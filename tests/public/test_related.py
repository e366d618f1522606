"""Related stories: the shared candidates (ranked in Python) and the per-story query give the same four."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.public import related
from articles.publishing import workflow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_window(monkeypatch):
    monkeypatch.setattr(related, "_shared", (None, []))


def both_ways(story, settings):
    tag_ids = list(story.tags.values_list("pk", flat=True))
    args = {"article_id": story.pk, "published_at": story.published_at, "section_id": story.section_id}
    settings.FRAGMENT_CACHE_SECONDS = 0
    by_query = related.related(**args, tag_ids=tag_ids)
    settings.FRAGMENT_CACHE_SECONDS = 300
    by_window = related.related(**args, tag_ids=tag_ids)
    return stamps(by_query), stamps(by_window)


def stamps(found) -> list[tuple]:
    """(id, updated_at) of each related story, whether a pair or a card row (with its stored card)."""
    return [item if isinstance(item, tuple) else (item.pk, item.updated_at) for item in found]


def test_window_and_query_agree(settings, make_article, make_section):
    rng = random.Random(7)
    sections = [make_section() for _ in range(3)]
    tags = ["Ports", "Strikes", "Grain", "Energy", "Courts"]
    now = timezone.now()
    stories = [
        make_article(
            section=rng.choice(sections),
            tags=rng.sample(tags, rng.randint(0, 3)),
            # Ties in time on purpose: the id breaks them, in both.
            published_at=now - timedelta(minutes=rng.randint(1, 40)),
        )
        for _ in range(40)
    ]
    make_article(status=Article.Status.DRAFT, tags=tags, section=sections[0])
    for story in stories:
        by_query, by_window = both_ways(story, settings)
        assert by_query == by_window
        assert len(by_query) == related.COUNT  # 40 stories over 3 sections: always four candidates


def test_the_window_holds_only_the_newest_candidates(settings, make_article, monkeypatch):
    monkeypatch.setattr(related, "CANDIDATES", 3)
    # Older than the window's rows: its own row does not make room for a fourth candidate.
    story = make_article(tags=["Ports"], published_at=timezone.now() - timedelta(days=3))
    old_match = make_article(tags=["Ports"], published_at=timezone.now() - timedelta(days=2))
    for _ in range(3):
        make_article(tags=["Other"])
    by_query, by_window = both_ways(story, settings)
    assert by_query == by_window
    assert old_match.pk not in [pk for pk, _ in by_window]


def test_a_new_related_story_appears_at_once(
    settings, client, make_article, editor, django_capture_on_commit_callbacks
):
    settings.FRAGMENT_CACHE_SECONDS = 300
    story = make_article(tags=["Ports"], headline="Harbour reopens")
    assert "Dockers return" not in client.get(story.get_absolute_url()).content.decode()
    draft = make_article(tags=["Ports"], headline="Dockers return", status=Article.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article=draft, user=editor)
    assert "Dockers return" in client.get(story.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(article=draft, user=editor)
    assert "Dockers return" not in client.get(story.get_absolute_url()).content.decode()


def test_an_old_story_uses_its_own_window(settings, make_article):
    settings.FRAGMENT_CACHE_SECONDS = 300
    long_ago = timezone.now() - timedelta(days=400)
    old = make_article(tags=["Ports"], published_at=long_ago)
    neighbour = make_article(tags=["Ports"], published_at=long_ago - timedelta(days=1))
    make_article(tags=["Ports"])  # today: outside the old story's window
    found = related.related(
        article_id=old.pk, published_at=old.published_at, section_id=old.section_id,
        tag_ids=list(old.tags.values_list("pk", flat=True)),
    )  # fmt: skip
    assert [pk for pk, _ in stamps(found)] == [neighbour.pk]
