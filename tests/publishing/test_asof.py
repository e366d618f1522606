"""The archived view (articles/publishing/asof.py, articles/admin/asof.py): a story's page as readers saw it
at a moment, rebuilt from its revisions and transitions, for staff only."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Revision
from articles.publishing import editing, pending, workflow
from articles.publishing.revisions import snapshot

pytestmark = pytest.mark.django_db
# The session and user, the story and its policy, the revision, trash, notes, photo, and the page's parts.
AS_OF_QUERY_BUDGET = 22


def as_of_url(article, at=None) -> str:
    url = reverse("admin:articles_article_as_of", args=[article.pk])
    return url if at is None else f"{url}?at={quote(at.isoformat())}"


def page(client, article, at, status=200) -> str:
    response = client.get(as_of_url(article, at))
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


@pytest.fixture
def photos(make_photo):
    first = make_photo(credit_text="Agency One", caption="The first photo")
    return first, make_photo(credit_text="Agency Two")


@pytest.fixture
def story(section, editor, photos):
    """Written, then published: the moment after is `story.t1`."""
    article = Article(
        headline="Dam holds after storm",
        slug="dam-holds",
        section=section,
        body="<p>The first words.</p>",
        lead_photo=photos[0],
    )
    editing.save_edit(article=article, user=editor)
    article.t0 = timezone.now()
    workflow.publish(article=article, user=editor)
    article.t1 = timezone.now()
    return article


@pytest.fixture
def corrected(story, editor, photos):
    """`story` given a new headline and lead photo on the live page, then a correction: `story.t2`."""
    story.refresh_from_db()
    story.headline, story.lead_photo = "Dam breaks after storm", photos[1]
    editing.save_edit(article=story, user=editor, loaded_version=story.version)
    editing.add_note(article=story, user=editor, text="An earlier version said the dam held.")
    story.t2 = timezone.now()
    return story


def test_readers_saw_the_first_headline_before_the_edit(editor_client, corrected):
    html = page(editor_client, corrected, corrected.t1)
    assert "Dam holds after storm</h1>" in html
    assert "Dam breaks" not in html
    assert "An earlier version said the dam held." not in html
    assert "The first photo" in html
    assert "Archived view:" in html and "not the current version" in html


def test_readers_saw_the_new_headline_and_the_correction_after(editor_client, corrected):
    html = page(editor_client, corrected, corrected.t2)
    assert "Dam breaks after storm</h1>" in html
    assert "An earlier version said the dam held." in html
    assert "The first photo" not in html
    assert "Updated <time" in html


def test_a_note_reworded_later_shows_its_wording_then_and_says_so(editor_client, corrected, editor):
    note = corrected.corrections.get()
    editing.edit_note(note=note, user=editor, text="The dam did not hold: an earlier version said it did.")
    html = page(editor_client, corrected, corrected.t2)
    assert "An earlier version said the dam held." in html
    assert "The dam did not hold" not in html
    assert "reworded at a time not recorded" in html


def test_a_lead_photo_deleted_since_is_named_missing(editor_client, corrected, photos):
    photos[0].delete()
    html = page(editor_client, corrected, corrected.t1)
    assert "Dam holds after storm</h1>" in html
    assert "has since been deleted from the library" in html


def test_a_withdrawn_story_was_not_visible(editor_client, corrected, editor):
    workflow.unpublish(article=corrected, user=editor, note="Legal")
    t3 = timezone.now()
    html = page(editor_client, corrected, t3)
    assert "Not visible to readers at" in html
    assert "it was withdrawn (unpublished) since" in html
    assert '<h1 class="headline">' not in html
    # Before the withdrawal it still shows.
    assert "Dam breaks after storm</h1>" in page(editor_client, corrected, corrected.t2)


def test_a_draft_and_a_scheduled_story_were_not_visible(editor_client, story, editor):
    assert "it was a draft" in page(editor_client, story, story.t0)
    workflow.unpublish(article=story, user=editor)
    later = timezone.now() + timedelta(days=1)
    workflow.schedule(article=story, user=editor, at=later)
    html = page(editor_client, story, timezone.now())
    assert "it was scheduled for" in html and "Archived view:" not in html


def test_a_story_in_the_trash_was_not_visible(editor_client, story, editor):
    workflow.trash(article=story, user=editor)
    trashed = timezone.now()
    workflow.restore_from_trash(article=story, user=editor)
    assert "moved to the trash" in page(editor_client, story, trashed)
    assert "Dam holds after storm</h1>" in page(editor_client, story, timezone.now())


def test_pending_changes_were_not_what_readers_saw(editor_client, story, editor):
    story.refresh_from_db()
    story.headline = "Dam holds after record storm"
    data = pending.content_of(story, tags=[], authors=[], sources=[], gallery=[])
    assert pending.save_pending(article=story, user=editor, data=data, loaded_version=story.version)
    html = page(editor_client, story, timezone.now())
    assert "Dam holds after storm</h1>" in html
    assert "record storm" not in html


def test_a_moment_before_the_story_existed_says_so(editor_client, story):
    html = page(editor_client, story, story.t0 - timedelta(days=3))
    assert "No record of this story at" in html and "Its history starts at" in html


@pytest.mark.parametrize("at", ["yesterday", "2026-13-45T99:00", "2026-02-30T10:00", "9" * 40, ""])
def test_a_moment_that_is_not_a_time_is_a_400_with_the_form_error(editor_client, story, at):
    response = editor_client.get(as_of_url(story), {"at": at})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_a_nul_byte_in_the_moment_is_a_400(editor_client, story):
    assert editor_client.get(as_of_url(story), {"at": "2026-12-07T14:03\x00"}).status_code == 400


def test_a_moment_in_the_future_is_a_400(editor_client, story):
    html = page(editor_client, story, timezone.now() + timedelta(hours=1), status=400)
    assert "Choose a moment in the past" in html


def test_the_page_is_never_indexed_or_cached(editor_client, story):
    response = editor_client.get(as_of_url(story, story.t1))
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_without_a_moment_the_picker_is_shown(editor_client, story):
    html = page(editor_client, story, None)
    assert 'type="datetime-local"' in html and 'class="archived-banner' not in html


def test_anonymous_visitors_are_sent_to_the_login(story):
    response = Client().get(as_of_url(story, story.t1))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_a_reporter_cannot_open_another_reporters_withdrawn_story(reporter_client, story, editor):
    workflow.unpublish(article=story, user=editor)
    assert reporter_client.get(as_of_url(story, story.t1)).status_code == 404


def test_a_reporter_opens_their_own_story(reporter_client, reporter, section):
    article = Article(headline="My draft", slug="my-draft", section=section, body="<p>Words.</p>")
    editing.save_edit(article=article, user=reporter)
    assert "it was a draft" in page(reporter_client, article, timezone.now())


def test_the_revisions_screen_links_each_version_to_the_page_then(editor_client, corrected):
    url = reverse("admin:articles_article_revisions", args=[corrected.pk])
    html = editor_client.get(url).content.decode()
    assert html.count("as readers saw it then") == corrected.revisions.count()
    revision = corrected.revisions.get(version=2)
    link = f"{as_of_url(corrected)}?at={quote(timezone.localtime(revision.created_at).isoformat())}"
    assert link in html
    assert "Dam holds after storm</h1>" in page(editor_client, corrected, revision.created_at)


def test_the_queries_do_not_grow_with_the_revisions(editor_client, corrected, django_assert_max_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(editor_client, corrected, corrected.t2)
        return len(queries)

    few = count()
    start, data, after = corrected.version, snapshot(corrected), corrected.t2
    Revision.objects.bulk_create(
        Revision(article=corrected, version=start + n, data=data, created_at=after + timedelta(seconds=n))
        for n in range(1, 301)
    )
    # The same count with 300 more revisions: none of the reads grows with them.
    with django_assert_max_num_queries(few):
        html = page(editor_client, corrected, corrected.t2)
    assert "Dam breaks after storm</h1>" in html
    assert few <= AS_OF_QUERY_BUDGET
