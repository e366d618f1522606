"""Internal comments: staff talk about a story on its form; readers never see a word of it."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, StoryComment
from articles.publishing import comments, workflow

pytestmark = pytest.mark.django_db

SECRET = "Legal says hold the name until the hearing"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def add_url(article):
    return reverse("admin:articles_article_add_comment", args=[article.pk])


@pytest.fixture
def draft(make_article, reporter):
    return make_article(headline="Council budget draft", status=Article.Status.DRAFT, created_by=reporter)


@pytest.fixture
def other_reporter(db):
    user = User.objects.create_user("rep2", "rep2@example.org", "pw-Secret-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Reporters"))
    return user


# --- the service ----------------------------------------------------------------------------------


def test_a_reporter_comments_on_their_own_story(draft, reporter):
    comment = comments.add_comment(article=draft, user=reporter, text="  Waiting for the council's reply. ")
    assert (comment.user, comment.text) == (reporter, "Waiting for the council's reply.")


def test_an_editor_comments_on_anyones_story(draft, editor):
    comments.add_comment(article=draft, user=editor, text="Lead with the cuts.")
    assert StoryComment.objects.get().user == editor


def test_a_reporter_cannot_comment_on_another_reporters_draft(draft, other_reporter):
    with pytest.raises(PermissionDenied):
        comments.add_comment(article=draft, user=other_reporter, text="Nosy")
    assert not StoryComment.objects.exists()


def test_a_reader_cannot_comment_even_on_a_live_story(make_article, db):
    live = make_article(headline="Live")
    reader = User.objects.create_user("reader", "reader@example.org", "pw-Secret-123")
    with pytest.raises(PermissionDenied):
        comments.add_comment(article=live, user=reader, text="First!")
    assert not StoryComment.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_comment_is_refused_with_a_message(draft, reporter, text):
    with pytest.raises(ValidationError) as refused:
        comments.add_comment(article=draft, user=reporter, text=text)
    assert "Write something" in " ".join(refused.value.messages)
    assert not StoryComment.objects.exists()


def test_an_overlong_comment_is_refused(draft, reporter):
    with pytest.raises(ValidationError) as refused:
        comments.add_comment(article=draft, user=reporter, text="w" * (comments.MAX_LENGTH + 1))
    assert str(comments.MAX_LENGTH) in " ".join(refused.value.messages)
    assert not StoryComment.objects.exists()


# --- the change form ------------------------------------------------------------------------------


def test_the_form_shows_the_thread_oldest_first_with_who_and_when(editor_client, draft, reporter, editor):
    comments.add_comment(article=draft, user=reporter, text="First: sources are thin.")
    comments.add_comment(article=draft, user=editor, text="Second: call the mayor.")
    html = editor_client.get(change_url(draft)).content.decode()
    assert 'id="comments"' in html and '<h2 id="comments-heading">Internal comments</h2>' in html
    assert html.index("First: sources are thin.") < html.index("Second: call the mayor.")
    assert "<strong>rep</strong>" in html and "<strong>ed</strong>" in html
    stamp = StoryComment.objects.first().created_at
    assert f'<time datetime="{timezone.localtime(stamp):%Y-%m-%dT%H:%M:%S%z}">' in html


def test_the_comment_form_is_outside_the_story_form(editor_client, draft):
    html = editor_client.get(change_url(draft)).content.decode()
    story_form_ends = html.index("</form>", html.index('id="article_form"'))
    assert html.index(f'action="{add_url(draft)}"') > story_form_ends


def test_posting_a_comment_from_the_form(reporter_client, draft):
    response = reporter_client.post(add_url(draft), {"text": "Photos are in the library."})
    assert response.status_code == 302
    assert response["Location"] == change_url(draft) + "#comments"
    assert StoryComment.objects.get().text == "Photos are in the library."
    html = reporter_client.get(change_url(draft)).content.decode()
    assert "Comment added." in html and "Photos are in the library." in html


def test_a_comment_is_escaped_and_keeps_its_lines(editor_client, draft):
    editor_client.post(add_url(draft), {"text": "<script>alert(1)</script>\nSecond line"})
    html = editor_client.get(change_url(draft)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in html


def test_posting_an_empty_comment_says_so_and_adds_nothing(reporter_client, draft):
    response = reporter_client.post(add_url(draft), {"text": "   "}, follow=True)
    assert response.status_code == 200
    assert "Write something before adding the comment." in response.content.decode()
    assert not StoryComment.objects.exists()


def test_a_reporter_cannot_post_on_a_story_hidden_from_them(client, draft, other_reporter):
    client.force_login(other_reporter)
    assert client.post(add_url(draft), {"text": "Sneaky"}).status_code == 404
    assert not StoryComment.objects.exists()


def test_a_reporter_reading_another_reporters_live_story_may_comment(client, make_article, other_reporter):
    # can_view: a live story is open to all, so the thread is too, to staff.
    live = make_article(headline="Live story", created_by=None)
    client.force_login(other_reporter)
    assert client.post(add_url(live), {"text": "Typo in para two"}).status_code == 302
    assert StoryComment.objects.get().user == other_reporter


def test_staff_without_a_role_may_not_comment(client, draft, make_article):
    live = make_article(headline="Live story")
    bare = User.objects.create_user("bare", "bare@example.org", "pw-Secret-123", is_staff=True)
    bare.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(bare)
    assert client.post(add_url(live), {"text": "Hello"}).status_code == 403
    assert "Internal comments" not in client.get(change_url(live)).content.decode()
    assert not StoryComment.objects.exists()


def test_comments_are_posted_only(editor_client, draft):
    assert editor_client.get(add_url(draft)).status_code == 405


def test_a_trashed_story_takes_no_comments(editor_client, draft, editor):
    workflow.trash(article=draft, user=editor)
    assert editor_client.post(add_url(draft), {"text": "Too late"}).status_code == 404


# --- readers never see them -----------------------------------------------------------------------


def test_readers_never_see_a_comment(client, make_article, editor, section):
    live = make_article(headline="Ferry strike ends", slug="ferry-strike-ends")
    comments.add_comment(article=live, user=editor, text=SECRET)
    for url in (
        live.get_absolute_url(),
        "/",
        f"/{section.slug}/",
        "/feeds/rss/",
        "/feeds/atom/",
        f"/feeds/section/{section.slug}/rss/",
        "/sitemap-news.xml",
        "/sitemap.xml",
        "/search/?q=hearing",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET.encode() not in response.content, url
    # The story itself is there: the comment is not left out by accident of an empty page.
    assert b"Ferry strike ends" in client.get(live.get_absolute_url()).content
