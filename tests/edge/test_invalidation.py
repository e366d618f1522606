"""The page cache invalidated by key (articles/caching/pagecache.py, invalidation.py, resolve.py): a change
supersedes the pages showing it, and only those; a lost state supersedes everything."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from articles.caching import keys, pagecache, resolve, store
from articles.models import Article, GalleryItem, Section, SiteSettings
from articles.public import views
from articles.publishing import workflow
from tests.helpers import DEAD_REDIS

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_section, make_article, make_author):
    """Two sections, two tags, two authors, a story in each, and the pages that show them, cached."""
    world, sport = Section.objects.get(slug="world"), make_section(name="Sport", slug="sport")
    ana, ben = make_author(name="Ana", slug="ana"), make_author(name="Ben", slug="ben")
    flood = make_article(headline="Flood story", section=world, tags=["Floods"], authors=[ana])
    match = make_article(headline="Match story", section=sport, tags=["Cup"], authors=[ben])
    return {"world": world, "sport": sport, "ana": ana, "ben": ben, "flood": flood, "match": match}


URLS = ["/", "/world/", "/sport/", "/tag/floods/", "/tag/cup/", "/author/ana/", "/author/ben/"]


def warm(client, urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "HIT", url


def states(client, urls) -> dict[str, str]:
    return {url: client.get(url)["X-Cache"] for url in urls}


def test_a_publish_supersedes_the_pages_that_show_the_story_and_no_others(
    client, desk, make_article, editor, commit
):
    pages = [*URLS, desk["flood"].get_absolute_url(), desk["match"].get_absolute_url()]
    story = make_article(
        headline="Breaking flood",
        section=desk["world"],
        tags=["Floods"],
        authors=[desk["ana"]],
        status="draft",
    )
    warm(client, pages)
    commit(workflow.publish, article=story, user=editor)
    after = states(client, pages)
    assert {url for url, state in after.items() if state == "MISS"} == {
        "/",
        "/world/",
        "/tag/floods/",
        "/author/ana/",
    }
    for url in ("/", "/world/", "/tag/floods/", "/author/ana/"):
        assert "Breaking flood" in client.get(url).content.decode()


def test_editing_a_draft_supersedes_no_listing(client, desk, make_article, commit):
    draft = make_article(headline="Quiet draft", section=desk["world"], tags=["Floods"], status="draft")
    warm(client, URLS)

    def edit():
        draft.headline = "Still a draft"
        draft.save()
        draft.tags.add("Cup")

    commit(edit)
    assert set(states(client, URLS).values()) == {"HIT"}


def test_a_story_moved_out_of_a_section_and_a_tag_leaves_their_pages(client, desk, commit):
    flood = desk["flood"]
    warm(client, URLS)

    def move():
        flood.section = desk["sport"]
        flood.save()
        flood.tags.set(["Cup"])

    commit(move)
    world, sport, floods = (
        client.get(url).content.decode() for url in ("/world/", "/sport/", "/tag/floods/")
    )
    assert "Flood story" not in world and "Flood story" not in floods
    assert "Flood story" in sport and "Flood story" in client.get("/tag/cup/").content.decode()
    assert client.get("/author/ben/")["X-Cache"] == "HIT"


def test_unpublishing_drops_the_story_from_its_lists_and_its_page_says_so(client, desk, editor, commit):
    flood = desk["flood"]
    warm(client, [*URLS, flood.get_absolute_url()])
    commit(workflow.unpublish, article=flood, user=editor)
    assert client.get(flood.get_absolute_url()).status_code == 410
    for url in ("/", "/world/", "/tag/floods/", "/author/ana/"):
        assert "Flood story" not in client.get(url).content.decode(), url
    assert client.get("/sport/")["X-Cache"] == "HIT"


def test_a_caption_change_reaches_the_story_page_and_not_the_unrelated_lists(
    client, desk, make_photo, commit
):
    flood = desk["flood"]
    item = GalleryItem.objects.create(article=flood, photo=make_photo(), caption="Old caption", order=0)
    warm(client, [flood.get_absolute_url(), "/sport/", "/tag/cup/"])

    def recaption():
        item.caption = "New caption"
        item.save()

    commit(recaption)
    assert "New caption" in client.get(flood.get_absolute_url()).content.decode()
    assert states(client, ["/sport/", "/tag/cup/"]) == {"/sport/": "HIT", "/tag/cup/": "HIT"}


def test_renaming_an_author_reaches_their_stories_and_not_the_others(client, desk, commit):
    pages = [desk["flood"].get_absolute_url(), desk["match"].get_absolute_url(), "/author/ana/", "/sport/"]
    warm(client, pages)
    ana = desk["ana"]

    def rename():
        ana.name = "Ana Ruiz"
        ana.save()

    commit(rename)
    after = states(client, pages)
    assert after[desk["flood"].get_absolute_url()] == "MISS" and after["/author/ana/"] == "MISS"
    assert after[desk["match"].get_absolute_url()] == "HIT" and after["/sport/"] == "HIT"


def test_a_settings_change_supersedes_every_page(client, desk, commit):
    warm(client, URLS)

    def rename():
        site = SiteSettings.load()
        site.outlet_name = "Harbour Times"
        site.save()

    commit(rename)
    assert set(states(client, URLS).values()) == {"MISS"}
    assert "Harbour Times" in client.get("/sport/").content.decode()


def test_a_rolled_back_change_supersedes_nothing(
    client, desk, make_article, editor, django_capture_on_commit_callbacks
):
    story = make_article(headline="Never out", section=desk["world"], status="draft")
    warm(client, URLS)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        workflow.publish(article=story, user=editor)
        raise RuntimeError("the desk changed its mind")
    assert set(states(client, URLS).values()) == {"HIT"}


def test_a_scheduled_story_going_live_supersedes_the_lists_it_joins(
    client, desk, make_article, editor, commit, monkeypatch
):
    # Sooner than the page cache's lifetime: the pages are still stored when the time comes.
    at = timezone.now() + timedelta(minutes=2)
    story = make_article(headline="Embargo lifts", section=desk["world"], tags=["Floods"], status="draft")
    commit(workflow.publish, article=story, user=editor, at=at)
    warm(client, URLS)
    assert client.get(story.get_absolute_url()).status_code == 404
    assert "Embargo lifts" not in client.get("/world/").content.decode()
    later = at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(pagecache.time, "time", lambda: later.timestamp())
    after = states(client, URLS)
    assert {url for url, state in after.items() if state == "MISS"} == {"/", "/world/", "/tag/floods/"}
    for url in ("/", "/world/", "/tag/floods/"):
        assert "Embargo lifts" in client.get(url).content.decode(), url
    assert client.get(story.get_absolute_url()).status_code == 200


def test_a_lost_state_starts_a_new_generation(client, desk):
    warm(client, URLS)
    cache.delete(pagecache.STATE_KEY)
    assert set(states(client, URLS).values()) == {"MISS"}
    assert set(states(client, URLS).values()) == {"HIT"}


def test_a_lost_clock_starts_a_new_generation_at_the_next_change(client, desk):
    warm(client, URLS)
    generation = pagecache.current_stamp()[0]
    cache.delete(pagecache.CLOCK_KEY)
    pagecache.invalidate_keys({keys.tag(1)})
    assert pagecache.current_stamp()[0] != generation
    assert set(states(client, URLS).values()) == {"MISS"}


def test_after_an_outage_no_page_stored_before_it_is_served(client, desk, monkeypatch):
    warm(client, URLS)
    monkeypatch.setattr(store, "OUTAGE_BACKOFF_SECONDS", 0.0)
    with override_settings(CACHES=DEAD_REDIS):
        assert client.get("/world/")["X-Cache"] == "MISS"  # rendered without the cache
    assert set(states(client, URLS).values()) == {"MISS"}


def test_a_page_whose_keys_changed_while_it_rendered_is_not_kept(client, desk, monkeypatch):
    warm(client, ["/world/"])
    render = views.SectionView.get_context_data

    def render_then_change(self, **kwargs):
        context = render(self, **kwargs)
        # A change to the section commits while the page renders from what was read before it.
        pagecache.invalidate_keys({keys.section(desk["world"].pk)})
        return context

    pagecache.invalidate_keys({keys.section(desk["world"].pk)})
    monkeypatch.setattr(views.SectionView, "get_context_data", render_then_change)
    raced = client.get("/world/")
    assert raced["X-Cache"] == "MISS" and "s-maxage=0" in raced["Cache-Control"]
    monkeypatch.setattr(views.SectionView, "get_context_data", render)
    assert client.get("/world/")["X-Cache"] == "MISS"
    assert client.get("/world/")["X-Cache"] == "HIT"


def test_a_hit_costs_one_round_trip(client, desk, monkeypatch):
    warm(client, ["/world/"])
    calls = []
    original = store.call

    def counting(method, *args, **kwargs):
        calls.append(method)
        return original(method, *args, **kwargs)

    monkeypatch.setattr(store, "call", counting)
    assert client.get("/world/")["X-Cache"] == "HIT"
    assert calls == ["get_many"]


def test_scheduled_stories_other_than_new_ones_are_not_purged_again(desk):
    # A story published by hand is saved after its publish time: the schedule check leaves it alone.
    since = timezone.now() - timedelta(hours=2)
    assert Article.objects.filter(pk=desk["flood"].pk).exists()
    assert resolve.went_live(since, timezone.now()) == set()
