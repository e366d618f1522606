"""The desk: entries posted from the live story's change page, through the services and the policy."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles.live import services
from articles.models import LiveCoverage, LiveEntry

pytestmark = pytest.mark.django_db


def change_url(story):
    return f"/admin/articles/article/{story.pk}/change/"


def post_url(story):
    return f"/admin/articles/article/{story.pk}/live/entries/"


def entry_url(story, entry, action):
    return f"/admin/articles/article/{story.pk}/live/entries/{entry.pk}/{action}/"


def test_an_editor_posts_an_entry_from_the_change_page(editor_client, live_story, make_photo):
    page = editor_client.get(change_url(live_story)).content.decode()
    assert f'action="{post_url(live_story)}"' in page and "Post entry" in page
    photo = make_photo()
    response = editor_client.post(post_url(live_story), {
        "title": "Roads closed", "body": "The coast road is shut.\n\nDrivers are told to wait.",
        "photo": photo.pk, "embed_url": "https://x.com/police/status/1", "key_event": "on", "pinned": "on",
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("#live")
    entry = LiveEntry.objects.get()
    assert (entry.title, entry.status, entry.key_event, entry.pinned, entry.photo) == (
        "Roads closed",
        "published",
        True,
        True,
        photo,
    )
    assert entry.body == "<p>The coast road is shut.</p>\n\n<p>Drivers are told to wait.</p>"
    assert "Roads closed" in editor_client.get(live_story.get_absolute_url()).content.decode()


def test_the_entry_is_written_in_the_story_bodys_editor_and_its_formatting_kept(editor_client, live_story):
    page = editor_client.get(change_url(live_story)).content.decode()
    form = page.split('class="live-entry-form"')[1].split("</form>")[0]
    assert "data-django-prose-editor" in form  # the same rich editor as the story's body
    assert "admin/js/live_entry.js" in page  # Ctrl+Enter posts
    html = (
        '<p>The <strong>coast road</strong> is shut, <a href="https://police.example/roads">police</a>.</p>'
        "<blockquote><p>Stay away from the cliffs.</p></blockquote><ul><li>A38</li></ul>"
        '<p onclick="x()">Updates <script>x()</script>follow.</p>'
    )
    assert editor_client.post(post_url(live_story), {"body": html}).status_code == 302
    body = LiveEntry.objects.get().body
    assert (
        "<strong>coast road</strong>" in body
        and "<blockquote><p>Stay away from the cliffs.</p></blockquote>" in body
    )
    assert '<a href="https://police.example/roads"' in body and "<li>A38</li>" in body
    assert "onclick" not in body and "<script" not in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": ""}, "an entry cannot be empty"),
        ({"body": "   <p> </p>"}, "an entry cannot be empty"),
        ({"body": "<script>x()</script>"}, "an entry cannot be empty"),
        ({"body": "Text", "title": "t" * 201}, "at most 200 characters"),
        ({"body": "Text", "embed_url": "not a url"}, "Enter a valid URL"),
        ({"body": "Text", "photo": "abc"}, "Select a valid choice"),
        ({"body": "Text", "photo": "99999999"}, "Select a valid choice"),
        ({"body": "x" * 20_001}, "Keep an entry to 20000 characters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_kept(editor_client, live_story, fields, message):
    response = editor_client.post(post_url(live_story), fields, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "The entry was NOT posted" in page
    assert not LiveEntry.objects.exists()
    if fields.get("title"):
        assert fields["title"] in page  # what was typed is back in the form


def test_posting_to_a_story_that_is_not_live_is_refused(editor_client, make_article):
    story = make_article()
    response = editor_client.post(post_url(story), {"body": "Text"}, follow=True)
    assert "not a live story" in response.content.decode() and not LiveEntry.objects.exists()


def test_posting_after_the_end_is_refused(editor_client, live_story, editor):
    services.end_coverage(article=live_story, user=editor)
    response = editor_client.post(post_url(live_story), {"body": "Text"}, follow=True)
    assert "has ended" in response.content.decode() and not LiveEntry.objects.exists()
    assert "Post entry" not in editor_client.get(change_url(live_story)).content.decode()


def test_get_on_a_write_is_not_allowed(editor_client, live_story):
    assert editor_client.get(post_url(live_story)).status_code == 405
    assert editor_client.get(f"/admin/articles/article/{live_story.pk}/live/end/").status_code == 405


def test_an_editor_starts_and_ends_coverage_from_the_change_page(editor_client, make_article):
    story = make_article()
    page = editor_client.get(change_url(story)).content.decode()
    assert "Start live coverage" in page
    editor_client.post(f"/admin/articles/article/{story.pk}/live/start/", {"reporter_entries": "publish"})
    coverage = LiveCoverage.objects.get(article=story)
    assert coverage.is_open and coverage.reporter_entries == "publish"
    editor_client.post(f"/admin/articles/article/{story.pk}/live/end/")
    coverage.refresh_from_db()
    assert not coverage.is_open


def test_a_reporters_entry_waits_for_an_editor(client, reporter, editor, live_story):
    client.force_login(reporter)
    page = client.get(change_url(live_story)).content.decode()
    assert "Send for approval" in page and "Pin" not in page.split("live-entry-form")[1].split("</form>")[0]
    client.post(post_url(live_story), {"body": "Crowds gather at the harbour."})
    entry = LiveEntry.objects.get()
    assert entry.status == "pending" and entry.published_at is None
    assert "Crowds gather" not in client.get(live_story.get_absolute_url()).content.decode()
    # The reporter cannot approve it; the editor can.
    client.post(entry_url(live_story, entry, "approve"))
    entry.refresh_from_db()
    assert entry.status == "pending"
    client.force_login(editor)
    assert "Waiting for approval" in client.get(change_url(live_story)).content.decode()
    client.post(entry_url(live_story, entry, "approve"))
    entry.refresh_from_db()
    assert entry.status == "published" and entry.published_at is not None
    assert "Crowds gather" in client.get(live_story.get_absolute_url()).content.decode()


def test_a_story_can_let_reporters_post_at_once(reporter, editor, live_story):
    services.start_coverage(article=live_story, user=editor, reporter_entries="publish")
    entry = services.post_entry(article=live_story, user=reporter, body="Straight in")
    assert entry.status == "published"


def test_a_story_can_close_to_reporters(client, reporter, editor, live_story):
    services.start_coverage(article=live_story, user=editor, reporter_entries="closed")
    with pytest.raises(PermissionDenied):
        services.post_entry(article=live_story, user=reporter, body="Not allowed")
    client.force_login(reporter)
    client.post(post_url(live_story), {"body": "Not allowed"})
    assert not LiveEntry.objects.exists()


def test_reporters_do_not_pin_correct_withdraw_or_end(reporter, live_story, post):
    entry = post(live_story)
    for call in (
        lambda: services.set_flags(entry=entry, user=reporter, pinned=True),
        lambda: services.correct_entry(entry=entry, user=reporter, body="x", note="y"),
        lambda: services.withdraw_entry(entry=entry, user=reporter),
        lambda: services.end_coverage(article=live_story, user=reporter),
        lambda: services.start_coverage(article=live_story, user=reporter),
    ):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(ValidationError, match="Only editors pin"):
        services.post_entry(article=live_story, user=reporter, body="x", pinned=True)


def test_a_reporter_cannot_post_to_a_draft_they_cannot_see(reporter, editor, make_article):
    draft = make_article(status="draft", created_by=editor)
    services.start_coverage(article=draft, user=editor)
    with pytest.raises(PermissionDenied):
        services.post_entry(article=draft, user=reporter, body="x")


def test_readers_and_signed_out_users_cannot_post(client, live_story):
    response = client.post(post_url(live_story), {"body": "Spam"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not LiveEntry.objects.exists()


def test_a_correction_needs_a_note(editor_client, live_story, post):
    entry = post(live_story, "<p>Old</p>")
    response = editor_client.post(
        entry_url(live_story, entry, "correct"), {"body": "New", "note": ""}, follow=True
    )
    assert "Say what was corrected" in response.content.decode()
    entry.refresh_from_db()
    assert entry.body == "<p>Old</p>" and not entry.edits.exists()


def test_pin_key_withdraw_from_the_desk(editor_client, live_story, post):
    entry = post(live_story)
    editor_client.post(entry_url(live_story, entry, "pin"))
    editor_client.post(entry_url(live_story, entry, "key"))
    entry.refresh_from_db()
    assert entry.pinned and entry.key_event
    editor_client.post(entry_url(live_story, entry, "withdraw"))
    entry.refresh_from_db()
    assert entry.status == "withdrawn" and not entry.pinned
    response = editor_client.post(entry_url(live_story, entry, "withdraw"), follow=True)
    assert "already withdrawn" in response.content.decode()


def test_an_entry_of_another_story_is_a_404(editor_client, live_story, make_article, editor, post):
    other = make_article()
    services.start_coverage(article=other, user=editor)
    entry = post(other)
    assert editor_client.post(entry_url(live_story, entry, "pin")).status_code == 404
    # Not an entry's address at all: the admin's own fallback (a redirect), never a 500.
    assert (
        editor_client.post(f"/admin/articles/article/{live_story.pk}/live/entries/x/pin/").status_code == 302
    )
    assert not LiveEntry.objects.filter(pinned=True).exists()


def test_an_unknown_action_changes_nothing(editor_client, live_story, post):
    entry = post(live_story)
    assert editor_client.post(entry_url(live_story, entry, "explode")).status_code == 302
    entry.refresh_from_db()
    assert entry.status == "published"


def test_only_one_entry_is_pinned_in_the_database(live_story, post):
    from django.db import IntegrityError, transaction

    first = post(live_story, pinned=True)
    second = post(live_story)
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveEntry.objects.filter(pk=second.pk).update(pinned=True)
    assert first.pinned


def test_a_photo_in_a_live_entry_is_part_of_the_published_story(
    reporter, editor, live_story, post, make_photo
):
    from articles.publishing import policy

    photo = make_photo()
    assert policy.can_change_photo(reporter, photo)
    post(live_story, photo=photo)
    assert not policy.can_change_photo(reporter, photo) and policy.can_change_photo(editor, photo)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "not a url"])
def test_an_embed_url_must_be_a_web_address(live_story, post, url):
    with pytest.raises(ValidationError) as caught:
        post(live_story, embed_url=url)
    assert "embed_url" in caught.value.message_dict and not LiveEntry.objects.exists()


def test_an_entry_is_approved_once(live_story, reporter, editor, post):
    entry = post(live_story, user=reporter)
    services.approve_entry(entry=entry, user=editor)
    with pytest.raises(ValidationError, match="not waiting"):
        services.approve_entry(entry=entry, user=editor)


def test_a_draft_live_story_preview_shows_entries_but_does_not_poll(
    editor_client, make_article, editor, post
):
    draft = make_article(status="draft")
    services.start_coverage(article=draft, user=editor)
    post(draft, "<p>Prepared before publication.</p>")
    html = editor_client.get(draft.get_absolute_url()).content.decode()
    assert "Prepared before publication." in html and "data-live-endpoint" not in html
