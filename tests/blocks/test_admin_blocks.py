"""Editors write blocks as short codes in the story form; the form stores blocks, shows them as short codes
again, and refuses what it cannot resolve with a form error (never a 500, never a half-saved story)."""

import pytest
from django.urls import reverse

from articles.models import Article, PendingVersion
from articles.publishing import editing
from articles.publishing.revisions import record_revision
from tests.helpers import article_post, filled_form
from tests.htmlscan import form_fields

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_short_codes_become_stored_blocks(editor_client, section, make_photo, other_story):
    photo = make_photo()
    body = (
        "<p>Opening.</p>"
        "<p>[pull quote: We will <em>rebuild</em> the pier | Ana Ruiz, mayor]</p>"
        f"<p>[photo: {photo.pk}]</p>"
        f"<p>[photo: #{photo.pk} | The pier, as it was]</p>"
        f"<p>[read more: {other_story.pk} | a reminder that is not stored]</p>"
        f'<p>[Read more: <a href="https://news.example/world/ferry-timetable/">'
        "https://news.example/world/ferry-timetable/</a>]</p>"
        "<p>[fact box: The pier]</p><ul><li>Built 1902</li><li>310 m long</li></ul><p>[end fact box]</p>"
        "<p>Closing.</p>"
    )
    response = editor_client.post(ADD, article_post(section, body=body))
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Article.objects.get(slug="ministry-summons-ambassador").body
    assert stored == (
        "<p>Opening.</p>"
        '<figure data-block="pullquote"><blockquote><p>We will <em>rebuild</em> the pier</p></blockquote>'
        "<figcaption>Ana Ruiz, mayor</figcaption></figure>"
        f'<figure data-block="photo" data-photo-id="{photo.pk}"></figure>'
        f'<figure data-block="photo" data-photo-id="{photo.pk}">'
        "<figcaption>The pier, as it was</figcaption></figure>"
        f'<aside data-block="readmore" data-story-id="{other_story.pk}"></aside>'
        f'<aside data-block="readmore" data-story-id="{other_story.pk}"></aside>'
        '<aside data-block="factbox"><h2>The pier</h2><ul><li>Built 1902</li><li>310 m long</li></ul></aside>'
        "<p>Closing.</p>"
    )


def test_the_form_shows_stored_blocks_as_short_codes_and_saving_it_changes_nothing(
    editor_client, editor, make_article, block_body
):
    body, photo = block_body
    article = make_article(body=body, status=Article.Status.DRAFT)
    record_revision(article=article, user=editor)
    stored = Article.objects.get(pk=article.pk).body
    shown = form_fields(editor_client.get(change_url(article)).content.decode(), "article_form")["body"]
    assert "[pull quote: We will <em>rebuild</em> it | Ana Ruiz, mayor]" in shown
    assert f"[photo: {photo.pk}]" in shown
    assert "[read more: " in shown and "| Ferry timetable changes]" in shown
    assert "<p>[fact box: The pier]</p><ul><li>Built 1902</li>" in shown and "<p>[end fact box]</p>" in shown
    assert "data-block" not in shown and 'title="Pier film"' not in shown  # titles come back on save
    response = editor_client.post(change_url(article), filled_form(editor_client, change_url(article)))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == stored and article.version == 2


def test_editing_a_live_story_with_blocks_leaves_no_pending_changes_when_nothing_changed(
    editor_client, editor, make_article, block_body
):
    article = make_article(body=block_body[0])
    record_revision(article=article, user=editor)
    response = editor_client.post(change_url(article), filled_form(editor_client, change_url(article)))
    assert response.status_code == 302
    assert not PendingVersion.objects.filter(article=article).exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("<p>[photo: 987654]</p>", "There is no photo number 987654 in Photos"),
        ("<p>[photo: the pier]</p>", "give the photo’s number"),
        ("<p>[read more: 987654]</p>", "no story has that number or address"),
        (
            "<p>[read more: https://news.example/world/no-such-story/]</p>",
            "no story has that number or address",
        ),
        ("<p>[read more: ]</p>", "no story has that number or address"),
        ("<p>[fact box: Numbers]</p><ul><li>One</li></ul>", "needs a line [end fact box]"),
        ("<p>[end fact box]</p>", "start one with [fact box: Title]"),
        ("<p>[pull quote: | Nobody]</p>", "write the quote after the colon"),
        ('<figure data-block="photo" data-photo-id="987654"></figure>', "There is no photo number 987654"),
        ('<aside data-block="readmore" data-story-id="987654"></aside>', "There is no story number 987654"),
        (f"<p>[photo: {'9' * 40}]</p>", "give the photo’s number"),
    ],
    ids=[
        "missing-photo",
        "not-a-number",
        "missing-story",
        "unknown-address",
        "empty-story",
        "unclosed",
        "stray-end",
        "empty-quote",
        "raw-missing-photo",
        "raw-missing-story",
        "huge-number",
    ],  # fmt: skip
)
def test_a_block_that_cannot_be_resolved_is_a_form_error_and_nothing_is_saved(
    editor_client, section, code, message
):
    response = editor_client.post(ADD, article_post(section, body=f"<p>Text.</p>{code}"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.filter(slug="ministry-summons-ambassador").exists()


def test_a_trashed_story_cannot_be_a_read_more(editor_client, editor, section, make_article):
    gone = make_article(headline="Old news")
    gone.deleted_at = gone.published_at
    gone.save()
    response = editor_client.post(ADD, article_post(section, body=f"<p>[read more: {gone.pk}]</p>"))
    assert response.status_code == 200 and "no story has that number" in response.content.decode()


def test_a_story_cannot_read_more_itself(editor_client, make_article):
    article = make_article(status=Article.Status.DRAFT)
    data = filled_form(editor_client, change_url(article), body=f"<p>[read more: {article.pk}]</p>")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "cannot point to the story itself" in response.content.decode()
    article.refresh_from_db()
    assert "readmore" not in article.body


def test_a_read_more_may_name_an_old_address_of_the_story(editor_client, editor, section, make_article):
    target = make_article(headline="Bridge plan", slug="bridge-plan")
    target.slug = "bridge-plan-approved"
    editing.save_edit(article=target, user=editor)
    body = f"<p>[read more: /{section.slug}/bridge-plan/]</p>"
    assert editor_client.post(ADD, article_post(section, body=body)).status_code == 302
    stored = Article.objects.get(slug="ministry-summons-ambassador").body
    assert stored == f'<aside data-block="readmore" data-story-id="{target.pk}"></aside>'


def test_the_body_field_explains_the_short_codes(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert "[pull quote: The words said | Who said them]" in html and "[end fact box]" in html
    assert "becomes a player that readers load with a click" in html


def test_a_reporter_gets_the_same_blocks(reporter_client, section, make_photo):
    photo = make_photo()
    response = reporter_client.post(ADD, article_post(section, body=f"<p>[photo: {photo.pk} | Caption]</p>"))
    assert response.status_code == 302
    assert 'data-block="photo"' in Article.objects.get(slug="ministry-summons-ambassador").body


def test_the_photo_library_shows_the_short_code_of_each_photo(editor_client, make_photo):
    photo = make_photo()
    listing = editor_client.get(reverse("admin:articles_photo_changelist")).content.decode()
    page = editor_client.get(reverse("admin:articles_photo_change", args=[photo.pk])).content.decode()
    assert f"[photo: {photo.pk}]" in listing and f"[photo: {photo.pk}]" in page
