"""One "modified" time per story, moved by any change readers can see and by nothing else, and stated
alike by the page (JSON-LD, article:modified_time), the sitemap, the Atom feed and the feeds' headers."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article
from articles.publishing import editing, workflow
from tests.helpers import filled_form, head

pytestmark = pytest.mark.django_db

SM = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def story(make_article, commit):
    two_days_ago = timezone.now() - timedelta(days=2)
    article = commit(lambda: make_article(published_at=two_days_ago, tags=["Floods"], headline="Dam holds"))
    article.refresh_from_db()
    return article


def stated_times(client, story) -> dict:
    """The modified time as each reader and crawler is told it, to the second."""
    page = head(client, story.get_absolute_url())
    [news] = [d for d in page.json_ld if d["@type"] == "NewsArticle"]
    sitemap = ET.fromstring(client.get("/sitemap-articles.xml").content)
    atom = client.get("/feeds/atom/")
    rss = client.get("/feeds/rss/")
    [entry] = [e for e in feedparser.parse(atom.content).entries if e.link.endswith(story.get_absolute_url())]
    return {
        "json-ld": datetime.fromisoformat(news["dateModified"]).timestamp(),
        "og": datetime.fromisoformat(page.meta("article:modified_time")).timestamp(),
        "sitemap": datetime.fromisoformat(sitemap.find(".//sm:lastmod", SM).text).timestamp(),
        "atom": timezone.make_aware(datetime(*entry.updated_parsed[:6]), timezone.UTC).timestamp(),
        "atom-header": atom["Last-Modified"],
        "rss-header": rss["Last-Modified"],
    }


def assert_all_say(client, story, moment: datetime):
    times = stated_times(client, story)
    second = int(moment.timestamp())
    for name in ("json-ld", "og", "sitemap", "atom"):
        assert int(times[name]) == second, name
    assert times["atom-header"] == times["rss-header"] == http_date(second)


def test_a_new_story_states_its_publication_time_everywhere(client, story):
    assert story.content_modified_at == story.published_at
    assert_all_say(client, story, story.published_at)


def test_a_silent_headline_fix_moves_it_everywhere(
    client, editor_client, story, django_capture_on_commit_callbacks
):
    url = reverse("admin:articles_article_change", args=[story.pk])
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        # A live story's changes wait; the editor then puts them live.
        response = editor_client.post(url, filled_form(editor_client, url, headline="Dam holds after storm"))
        assert response.status_code == 302
        publish = reverse("admin:articles_article_pending_publish", args=[story.pk])
        assert editor_client.post(publish).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Dam holds after storm"
    assert story.content_modified_at >= before and story.revised_at is None  # no "Updated" line: silent
    assert_all_say(client, story, story.content_modified_at)


def test_a_feed_reader_asking_if_modified_since_gets_the_fix(client, story, editor, commit):
    last_modified = client.get("/feeds/rss/")["Last-Modified"]
    assert last_modified == http_date(story.published_at.timestamp())
    assert client.get("/feeds/rss/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    story.headline = "Dam holds, engineers say"
    commit(lambda: editing.save_edit(article=story, user=editor, loaded_version=story.version))
    fresh = client.get("/feeds/rss/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert fresh.status_code == 200 and b"engineers say" in fresh.content


def test_saving_without_a_visible_change_leaves_it(
    client, editor_client, story, django_capture_on_commit_callbacks
):
    url = reverse("admin:articles_article_change", args=[story.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, filled_form(editor_client, url)).status_code == 302
    story.refresh_from_db()
    assert story.content_modified_at == story.published_at


@pytest.mark.parametrize("change", ["tag", "correction", "byline"])
def test_changes_beside_the_text_move_it_too(story, editor, commit, make_author, change):
    before = timezone.now()
    if change == "tag":
        commit(lambda: story.tags.add("Storms"))
    elif change == "correction":
        commit(lambda: editing.add_note(article=story, user=editor, text="The dam is 40 m high."))
    else:
        commit(lambda: story.articleauthor_set.create(author=make_author(name="Jo Park")))
    story.refresh_from_db()
    assert story.content_modified_at >= before


def test_a_scheduled_story_is_modified_when_it_goes_live(make_article, editor, commit, client):
    at = timezone.now() + timedelta(hours=3)
    article = commit(lambda: make_article(status=Article.Status.DRAFT))
    commit(lambda: workflow.schedule(article=article, user=editor, at=at))
    article.refresh_from_db()
    assert article.is_scheduled and article.content_modified_at == at
    # Edited before it is public: still its publication time, never a time before it.
    article.standfirst = "A better standfirst."
    commit(lambda: editing.save_edit(article=article, user=editor, loaded_version=article.version))
    article.refresh_from_db()
    assert article.content_modified_at == at


def test_republished_story_is_never_modified_before_its_publication(story, editor, commit):
    commit(lambda: workflow.unpublish(article=story, user=editor))
    story.refresh_from_db()
    commit(lambda: workflow.publish(article=story, user=editor))
    story.refresh_from_db()
    assert story.content_modified_at >= story.published_at
